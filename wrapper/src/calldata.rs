//! ABI encoding of statements and wrapped proofs for `IZkmodelVerifier.verify`, through
//! alloy's sol types — the one place Rust values become contract calldata.

use crate::error::Error;
use crate::groth16::WrappedProof;
use alloy_primitives::U256;
use alloy_sol_types::{SolCall, sol};
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use zkmodel_prover::field::encoding::{fr_to_word, g1_to_words, g2_to_words};

sol! {
    /// BN254.G1Point.
    struct G1Point { uint256 x; uint256 y; }
    /// BN254.G2Point (EIP-197 word order).
    struct G2Point { uint256[2] x; uint256[2] y; }
    /// IZkmodelVerifier.Statement.
    struct Statement { G1Point[] commitments; uint256[] publicValues; }
    /// IZkmodelVerifier.Proof.
    struct Proof {
        G1Point h; G1Point g; G1Point gRev; G1Point q; G1Point s1; G1Point s2;
        G1Point wZeta; G1Point wInv;
        uint256 beta; uint256 alpha; uint256 zeta; uint256 zetaInv; uint256 gamma;
        uint256 yZeta; uint256 yInv;
        G1Point a; G2Point b; G1Point c;
    }
    /// IZkmodelVerifier.verify.
    function verify(Statement statement, Proof proof) external view;
}

fn word(w: [u8; 32]) -> U256 {
    U256::from_be_bytes(w)
}

fn g1(p: &G1Affine) -> G1Point {
    let [x, y] = g1_to_words(p);
    G1Point {
        x: word(x),
        y: word(y),
    }
}

fn g2(p: &G2Affine) -> G2Point {
    let [x1, x0, y1, y0] = g2_to_words(p);
    G2Point {
        x: [word(x1), word(x0)],
        y: [word(y1), word(y0)],
    }
}

fn fr(v: &Fr) -> U256 {
    word(fr_to_word(v))
}

/// The statement as the contract takes it.
pub fn statement(commitments: &[G1Affine], public: &[Fr]) -> Statement {
    Statement {
        commitments: commitments.iter().map(g1).collect(),
        publicValues: public.iter().map(fr).collect(),
    }
}

/// The proof as the contract takes it.
pub fn proof(p: &WrappedProof) -> Proof {
    let [h, g, g_rev, q, s1, s2, w_zeta, w_inv] = &p.points;
    Proof {
        h: g1(h),
        g: g1(g),
        gRev: g1(g_rev),
        q: g1(q),
        s1: g1(s1),
        s2: g1(s2),
        wZeta: g1(w_zeta),
        wInv: g1(w_inv),
        beta: fr(&p.beta),
        alpha: fr(&p.alpha),
        zeta: fr(&p.zeta),
        zetaInv: fr(&p.zeta_inv),
        gamma: fr(&p.gamma),
        yZeta: fr(&p.y_zeta),
        yInv: fr(&p.y_inv),
        a: g1(&p.groth16.a),
        b: g2(&p.groth16.b),
        c: g1(&p.groth16.c),
    }
}

/// Calldata of `verify(statement, proof)`, selector included.
pub fn verify_calldata(p: &WrappedProof, public: &[Fr]) -> Vec<u8> {
    verifyCall {
        statement: statement(&p.commitments, public),
        proof: proof(p),
    }
    .abi_encode()
}

fn bad(reason: String) -> Error {
    Error::Format {
        what: "verify(statement, proof) calldata",
        reason,
    }
}

/// A word as a canonical element of a prime field (`what` names it in the error).
fn canonical<F: PrimeField>(w: &U256, what: &str) -> Result<F, Error> {
    let bytes = w.to_be_bytes::<32>();
    let f = F::from_be_bytes_mod_order(&bytes);
    let back = f.into_bigint().to_bytes_be();
    let mut padded = [0u8; 32];
    padded[32 - back.len()..].copy_from_slice(&back);
    if padded == bytes {
        Ok(f)
    } else {
        Err(bad(format!("{what} {w} is not reduced")))
    }
}

fn g1_from(p: &G1Point, what: &str) -> Result<G1Affine, Error> {
    let (x, y): (Fq, Fq) = (canonical(&p.x, what)?, canonical(&p.y, what)?);
    if p.x.is_zero() && p.y.is_zero() {
        return Ok(G1Affine::zero());
    }
    let point = G1Affine::new_unchecked(x, y);
    if !point.is_on_curve() || !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(bad(format!("{what} is not a G1 point")));
    }
    Ok(point)
}

fn g2_from(p: &G2Point, what: &str) -> Result<G2Affine, Error> {
    let x = Fq2::new(canonical(&p.x[1], what)?, canonical(&p.x[0], what)?);
    let y = Fq2::new(canonical(&p.y[1], what)?, canonical(&p.y[0], what)?);
    if [p.x, p.y].iter().flatten().all(U256::is_zero) {
        return Ok(G2Affine::zero());
    }
    let point = G2Affine::new_unchecked(x, y);
    if !point.is_on_curve() || !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(bad(format!("{what} is not a G2 point")));
    }
    Ok(point)
}

/// Reads `verify(statement, proof)` calldata back into a wrapped proof and its public values
/// (the inverse of [`verify_calldata`]): every coordinate and field word must be canonical and
/// every point on its curve and in its subgroup, as the contract's precompiles require.
pub fn decode_verify_calldata(calldata: &[u8]) -> Result<WrappedProof, Error> {
    let call = verifyCall::abi_decode(calldata).map_err(|e| bad(e.to_string()))?;
    let (st, p) = (call.statement, call.proof);
    let commitments = st
        .commitments
        .iter()
        .map(|c| g1_from(c, "a statement commitment"))
        .collect::<Result<Vec<_>, _>>()?;
    let public_values = st
        .publicValues
        .iter()
        .map(|v| canonical(v, "a public value"))
        .collect::<Result<Vec<Fr>, _>>()?;
    let f = |w: &U256, what: &str| canonical::<Fr>(w, what);
    Ok(WrappedProof {
        commitments,
        public_values,
        points: [
            g1_from(&p.h, "h")?,
            g1_from(&p.g, "g")?,
            g1_from(&p.gRev, "gRev")?,
            g1_from(&p.q, "q")?,
            g1_from(&p.s1, "s1")?,
            g1_from(&p.s2, "s2")?,
            g1_from(&p.wZeta, "wZeta")?,
            g1_from(&p.wInv, "wInv")?,
        ],
        beta: f(&p.beta, "beta")?,
        alpha: f(&p.alpha, "alpha")?,
        zeta: f(&p.zeta, "zeta")?,
        zeta_inv: f(&p.zetaInv, "zetaInv")?,
        gamma: f(&p.gamma, "gamma")?,
        y_zeta: f(&p.yZeta, "yZeta")?,
        y_inv: f(&p.yInv, "yInv")?,
        groth16: ark_groth16::Proof {
            a: g1_from(&p.a, "Groth16 A")?,
            b: g2_from(&p.b, "Groth16 B")?,
            c: g1_from(&p.c, "Groth16 C")?,
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    fn sample(rng: &mut rand_chacha::ChaCha20Rng) -> WrappedProof {
        let g1 = |rng: &mut rand_chacha::ChaCha20Rng| {
            (G1Affine::generator() * Fr::rand(rng)).into_affine()
        };
        WrappedProof {
            commitments: vec![g1(rng), g1(rng), G1Affine::zero()],
            public_values: vec![Fr::rand(rng), Fr::from(7u64)],
            points: std::array::from_fn(|_| g1(rng)),
            beta: Fr::rand(rng),
            alpha: Fr::rand(rng),
            zeta: Fr::rand(rng),
            zeta_inv: Fr::rand(rng),
            gamma: Fr::rand(rng),
            y_zeta: Fr::rand(rng),
            y_inv: Fr::rand(rng),
            groth16: ark_groth16::Proof {
                a: g1(rng),
                b: (G2Affine::generator() * Fr::rand(rng)).into_affine(),
                c: g1(rng),
            },
        }
    }

    #[test]
    fn calldata_decodes_to_the_proof_it_encodes() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        for _ in 0..8 {
            let p = sample(&mut rng);
            let data = verify_calldata(&p, &p.public_values);
            assert_eq!(decode_verify_calldata(&data).unwrap(), p);
        }
    }

    #[test]
    fn non_canonical_or_off_curve_words_are_refused() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2);
        let p = sample(&mut rng);
        let call = |f: &dyn Fn(&mut verifyCall)| {
            let mut c = verifyCall {
                statement: statement(&p.commitments, &p.public_values),
                proof: proof(&p),
            };
            f(&mut c);
            decode_verify_calldata(&c.abi_encode())
        };
        let cases: [&dyn Fn(&mut verifyCall); 4] = [
            // a public value equal to r
            &|c| c.statement.publicValues[0] = U256::from_be_slice(&Fr::MODULUS.to_bytes_be()),
            // y + 1: off the curve
            &|c| c.proof.q.y += U256::from(1u64),
            // a coordinate ≥ q
            &|c| c.proof.a.x = U256::MAX,
            // a G2 coordinate changed: off the twist
            &|c| c.proof.b.x[0] += U256::from(1u64),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert!(
                matches!(call(case), Err(Error::Format { .. })),
                "case {i} accepted"
            );
        }
        assert!(matches!(
            decode_verify_calldata(&[1, 2, 3]),
            Err(Error::Format { .. })
        ));
    }
}
