#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Groth16 wrapping of a real MatMul statement proof: the honest wrapped proof verifies
//! natively exactly as the contract will check it, and every tampered public value, group
//! element or Groth16 element is rejected.

use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::Field;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;
use std::time::Instant;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::matmul::{commit_model, prove};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_wrapper::groth16::{Keys, WrappedProof, prepare};
use zkmodel_wrapper::wrap::{constraint_count, setup_insecure_dev, verify_wrapped, wrap};

const DIMS: MatMulDims = MatMulDims { m: 2, k: 4, n: 2 };

struct Fixture {
    srs: Srs,
    keys: Keys,
    model: G1Affine,
    wrapped: WrappedProof,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(77);
        let srs = Srs::insecure_development(8, 64);
        let t = Instant::now();
        let keys = setup_insecure_dev(&DIMS, &mut rng).unwrap();
        println!(
            "setup: {:.2?}, {} constraints",
            t.elapsed(),
            constraint_count(&DIMS).unwrap()
        );
        let w: Vec<Fr> = (0..8u64).map(Fr::from).collect();
        let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(2 * i + 1)).collect();
        let model = commit_model(&srs, DIMS, &w, &mut rng).unwrap();
        let proof = prove(&srs, DIMS, &model, &w, &x, &mut rng).unwrap();
        let t = Instant::now();
        let wrapped = wrap(&keys, &srs, &DIMS, &proof.claim(model.commitment), &mut rng).unwrap();
        println!("Groth16 prove: {:.2?}", t.elapsed());
        Fixture {
            srs,
            keys,
            model: model.commitment,
            wrapped,
        }
    })
}

fn check(p: &WrappedProof) -> Result<(), zkmodel_wrapper::Error> {
    let f = fixture();
    verify_wrapped(
        &prepare(&f.keys.vk),
        &f.srs,
        &DIMS,
        &[(CommitmentRole::Model, f.model)],
        p,
    )
}

#[test]
fn honest_wrapped_proof_verifies_and_keys_are_labelled() {
    check(&fixture().wrapped).unwrap();
    assert!(fixture().keys.origin.to_string().starts_with("INSECURE"));
}

#[test]
fn every_tampered_field_is_rejected() {
    let p = &fixture().wrapped;
    let one = Fr::ONE;
    let g = G1Affine::generator();
    let bump = |x: G1Affine| (x + g).into_affine();
    type Pick = fn(&mut WrappedProof) -> &mut Fr;
    let scalars: [(&str, Pick); 7] = [
        ("beta", |w| &mut w.beta),
        ("alpha", |w| &mut w.alpha),
        ("zeta", |w| &mut w.zeta),
        ("zeta_inv", |w| &mut w.zeta_inv),
        ("gamma", |w| &mut w.gamma),
        ("y_zeta", |w| &mut w.y_zeta),
        ("y_inv", |w| &mut w.y_inv),
    ];
    let mut cases: Vec<(&str, WrappedProof)> = vec![];
    for (what, pick) in scalars {
        let mut bad = p.clone();
        *pick(&mut bad) += one;
        cases.push((what, bad));
    }
    let names = ["H", "G", "Ĝ", "Q", "S1", "S2", "W_zeta", "W_inv"];
    for (i, what) in names.into_iter().enumerate() {
        let mut bad = p.clone();
        bad.points[i] = bump(bad.points[i]);
        cases.push((what, bad));
    }
    let mut bad = p.clone();
    bad.commitments[1] = bump(bad.commitments[1]);
    cases.push(("trace commitment", bad));
    let mut bad = p.clone();
    bad.commitments[0] = bump(bad.commitments[0]);
    cases.push(("model commitment", bad));
    let mut bad = p.clone();
    bad.groth16.a = bump(bad.groth16.a);
    cases.push(("groth16 A", bad));
    let mut bad = p.clone();
    bad.groth16.c = bump(bad.groth16.c);
    cases.push(("groth16 C", bad));
    let mut bad = p.clone();
    bad.groth16.b = (bad.groth16.b + ark_bn254::G2Affine::generator()).into_affine();
    cases.push(("groth16 B", bad));
    // B on the twist but outside the prime-order subgroup (the twist's cofactor is huge, so
    // the first point found is outside), and A off the curve.
    let outside = (1u64..)
        .filter_map(|x| {
            ark_bn254::G2Affine::get_point_from_x_unchecked(ark_bn254::Fq2::from(x), true)
        })
        .find(|q| !q.is_in_correct_subgroup_assuming_on_curve())
        .unwrap();
    let mut bad = p.clone();
    bad.groth16.b = outside;
    cases.push(("groth16 B outside the subgroup", bad));
    let mut bad = p.clone();
    let a = bad.groth16.a;
    bad.groth16.a = G1Affine::new_unchecked(a.x, a.y + ark_bn254::Fq::from(1u64));
    cases.push(("groth16 A off the curve", bad));
    use zkmodel_prover::Error as ProverError;
    use zkmodel_prover::proof::roles::CommitmentRole;
    use zkmodel_wrapper::Error;
    for (what, bad) in cases {
        // Values the Groth16 statement binds (β, α, ζ, γ, y_ζ, y_ι, the statement through s0,
        // H through d₁, G, Ĝ, Q, S₁, S₂ through d₂, the proof itself) fail Groth16; ζ⁻¹ fails
        // its own check; W_ζ, W_ι the pairing; the model commitment its pin.
        let expected = match what {
            "zeta_inv" => Error::Prover(ProverError::Opening {
                what: "ζ⁻¹ is not the inverse of ζ",
            }),
            "W_zeta" | "W_inv" => Error::Prover(ProverError::Opening {
                what: "pairing check",
            }),
            "model commitment" => Error::Prover(ProverError::PinnedCommitmentMismatch {
                role: CommitmentRole::Model,
                index: 0,
            }),
            "groth16 B outside the subgroup" => Error::ProofPointInvalid { point: "B" },
            "groth16 A off the curve" => Error::ProofPointInvalid { point: "A" },
            _ => Error::Groth16Rejected,
        };
        let err = check(&bad).unwrap_err();
        assert_eq!(err, expected, "{what}");
    }
}

/// Keys survive a save and load: loaded keys prove, and the proof verifies against the
/// original verifying key. A file for another architecture, a truncated or corrupted file and
/// a foreign file are refused with a `Format` error.
#[test]
fn keys_save_and_load() {
    use zkmodel_prover::proof::matmul::architecture;
    use zkmodel_wrapper::Error;
    let f = fixture();
    let id = architecture(DIMS, &f.srs);
    let dir = std::env::temp_dir().join(format!("zkmodel-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("matmul.keys");
    f.keys.save(&id, &path).unwrap();
    let loaded = Keys::load(&id, &path).unwrap();
    assert_eq!(loaded.pk, f.keys.pk);
    assert_eq!(loaded.vk, f.keys.vk);
    assert_eq!(loaded.origin, f.keys.origin);

    let mut rng = ChaCha20Rng::seed_from_u64(78);
    let w: Vec<Fr> = (0..8u64).map(Fr::from).collect();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(i + 5)).collect();
    let model = commit_model(&f.srs, DIMS, &w, &mut rng).unwrap();
    let proof = prove(&f.srs, DIMS, &model, &w, &x, &mut rng).unwrap();
    let wrapped = wrap(
        &loaded,
        &f.srs,
        &DIMS,
        &proof.claim(model.commitment),
        &mut rng,
    )
    .unwrap();
    verify_wrapped(
        &prepare(&f.keys.vk),
        &f.srs,
        &DIMS,
        &[(CommitmentRole::Model, model.commitment)],
        &wrapped,
    )
    .unwrap();

    let bytes = std::fs::read(&path).unwrap();
    let refused =
        |b: &[u8], id: &[u8; 32]| matches!(Keys::read(id, &mut &b[..]), Err(Error::Format { .. }));
    let other = architecture(MatMulDims { m: 4, k: 4, n: 2 }, &f.srs);
    assert!(refused(&bytes, &other));
    assert!(refused(&bytes[..bytes.len() - 1], &id));
    assert!(refused(&bytes[..30], &id));
    assert!(refused(b"{\"not\": \"keys\"}", &id));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(refused(&longer, &id));
    // A flipped byte inside a point: off the curve or out of the subgroup.
    let mut corrupt = bytes.clone();
    let at = 24 + 1 + 32 + 40;
    corrupt[at] ^= 0x5a;
    assert!(refused(&corrupt, &id));
    // A flipped byte in a G2 point of the proving key (stored uncompressed; checked on the
    // twist): refused too.
    use ark_ec::AffineRepr;
    use ark_serialize::CanonicalSerialize;
    let pk = &f.keys.pk;
    let first = pk.b_g2_query.iter().position(|p| !p.is_zero()).unwrap();
    let at = 24
        + 1
        + 32
        + pk.vk.uncompressed_size()
        + pk.beta_g1.uncompressed_size()
        + pk.delta_g1.uncompressed_size()
        + pk.a_query.uncompressed_size()
        + pk.b_g1_query.uncompressed_size()
        + 8
        + first * pk.b_g2_query[0].uncompressed_size()
        + 5;
    let mut corrupt = bytes.clone();
    corrupt[at] ^= 0x5a;
    assert!(refused(&corrupt, &id));
    // Each query is decoded and checked in parallel: a point off the curve in any of them,
    // or a length running past the file, is refused.
    let last = |q: &[_]| q.iter().rposition(|p: &G1Affine| !p.is_zero()).unwrap();
    let queries = [
        (pk.a_query.uncompressed_size(), 64, last(&pk.a_query)),
        (pk.b_g1_query.uncompressed_size(), 64, last(&pk.b_g1_query)),
        (
            pk.b_g2_query.uncompressed_size(),
            128,
            pk.b_g2_query.iter().rposition(|p| !p.is_zero()).unwrap(),
        ),
        (pk.h_query.uncompressed_size(), 64, last(&pk.h_query)),
        (pk.l_query.uncompressed_size(), 64, last(&pk.l_query)),
    ];
    let mut start = 24
        + 1
        + 32
        + pk.vk.uncompressed_size()
        + pk.beta_g1.uncompressed_size()
        + pk.delta_g1.uncompressed_size();
    for (size, point, index) in queries {
        // The x coordinate of the query's last point that is not the identity.
        let mut corrupt = bytes.clone();
        corrupt[start + 8 + index * point + 3] ^= 0x21;
        assert!(refused(&corrupt, &id), "query at {start}");
        // A length that overflows, or is one off either way: the points no longer line up
        // with the file.
        let len = u64::from_le_bytes(bytes[start..start + 8].try_into().unwrap());
        for wrong in [u64::MAX, len + 1, len - 1] {
            let mut bad = bytes.clone();
            bad[start..start + 8].copy_from_slice(&wrong.to_le_bytes());
            assert!(refused(&bad, &id), "query at {start}, length {wrong}");
        }
        start += size;
    }
    assert_eq!(start, bytes.len());
    let mut origin = bytes;
    origin[24] = 9;
    assert!(refused(&origin, &id));
    // A proving key whose β₁ is not the verifying key's β₂ (a valid point, the wrong one):
    // refused by the pairing check on load.
    let mut mismatched = f.keys.clone();
    mismatched.pk.beta_g1 = (mismatched.pk.beta_g1 + mismatched.pk.beta_g1).into();
    let mut buf = Vec::new();
    mismatched.write(&id, &mut buf).unwrap();
    assert!(refused(&buf, &id));
    std::fs::remove_dir_all(&dir).unwrap();
}
