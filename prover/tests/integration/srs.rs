#![allow(clippy::unwrap_used, clippy::expect_used)]
//! SRS import from a real snarkjs Powers-of-Tau file (prover/tests/fixtures/pot4.ptau, made by
//! `make ptau-fixture` with the npm snarkjs package: new + contribute + prepare phase2), and
//! clear errors on malformed files.

use crate::common::{random_vec, rng};
use ark_bn254::Fr;
use zkmodel_prover::Error;
use zkmodel_prover::pcs::{
    OpeningClaim, Srs, SrsOrigin, commit, prove_split_opening, verify_split_opening,
};
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::transcript::NativeTranscript;

const PTAU: &[u8] = include_bytes!("../fixtures/pot4.ptau");

#[test]
fn imports_a_snarkjs_ceremony_file() {
    let srs = Srs::from_ptau(PTAU, usize::MAX).unwrap();
    assert_eq!(srs.origin, SrsOrigin::PowersOfTau { power: 4 });
    assert_eq!(srs.size(), 31); // 2·2^4 − 1 G1 powers
    srs.check_consistency().unwrap();
    assert!(!srs.origin.to_string().contains("INSECURE"));
    let small = Srs::from_ptau(PTAU, 8).unwrap();
    assert_eq!(small.g1_powers[..], srs.g1_powers[..8]);
    // Round trip through our own file format.
    assert_eq!(Srs::from_bytes(&srs.to_bytes().unwrap()).unwrap(), srs);

    // A file that records no contribution (the development one; snarkjs's `powersoftau new`)
    // gives a development SRS: its τ may be known.
    let dev = zkmodel_prover::pcs::ptau_dev::insecure_development_ptau(3, 4);
    let uncontributed = Srs::from_ptau(&dev, usize::MAX).unwrap();
    assert_eq!(
        uncontributed.origin,
        SrsOrigin::UncontributedPowersOfTau { power: 4 }
    );
    assert!(uncontributed.origin.is_development());
    assert!(uncontributed.origin.to_string().starts_with("INSECURE"));
    assert_eq!(
        Srs::from_bytes(&uncontributed.to_bytes().unwrap()).unwrap(),
        uncontributed
    );
}

#[test]
fn an_opening_verifies_under_the_imported_srs() {
    let srs = Srs::from_ptau(PTAU, usize::MAX).unwrap();
    let mut r = rng(1);
    let v = random_vec(&mut r, 16);
    let point = random_vec(&mut r, 4);
    let value = DenseMle::new(v.clone()).unwrap().evaluate(&point).unwrap();
    let claims = [OpeningClaim::evaluation(0, point, value)];
    let c = commit(&srs, &v).unwrap();
    let proof =
        prove_split_opening(&srs, &[&v], &claims, &mut NativeTranscript::new_native()).unwrap();
    verify_split_opening(
        &srs,
        &Fr::from(0u64),
        &[c],
        &[4],
        &claims,
        &proof,
        &mut NativeTranscript::new_native(),
    )
    .unwrap();
    // A vector longer than the ceremony is a clear error, not a panic.
    let big = vec![Fr::from(1u64); 32];
    assert_eq!(
        commit(&srs, &big).unwrap_err(),
        Error::SrsTooSmall {
            needed: 32,
            available: 31
        }
    );
}

fn format_error(bytes: &[u8]) -> String {
    match Srs::from_ptau(bytes, usize::MAX) {
        Err(Error::Format { what, reason }) => format!("{what}: {reason}"),
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn malformed_ptau_files_are_clear_errors() {
    assert!(format_error(b"").contains("truncated"));
    assert!(format_error(b"zkey\x01\x00\x00\x00").contains("magic"));
    // Truncation anywhere: header, section table, points.
    for cut in [4, 10, 12, 40, 100, 2000, PTAU.len() - 1] {
        let msg = format_error(&PTAU[..cut]);
        assert!(msg.contains("ptau file"), "cut {cut}: {msg}");
    }
    // Version.
    let mut v = PTAU.to_vec();
    v[4] = 2;
    assert!(format_error(&v).contains("version"));
}

#[test]
fn corrupted_points_are_rejected() {
    // Section 2 (tauG1) starts after: magic(4) version(4) count(4), section 1 (4+8+n), then its
    // own header (4+8). Find it by walking the sections.
    let mut pos = 12;
    let mut g1_start = None;
    while pos + 12 <= PTAU.len() {
        let kind = u32::from_le_bytes(PTAU[pos..pos + 4].try_into().unwrap());
        let size = u64::from_le_bytes(PTAU[pos + 4..pos + 12].try_into().unwrap()) as usize;
        if kind == 2 {
            g1_start = Some(pos + 12);
            break;
        }
        pos += 12 + size;
    }
    let start = g1_start.expect("tauG1 section");
    // Point 1's y coordinate + 1 (in Montgomery form: still a field element, off the curve).
    let mut bad = PTAU.to_vec();
    bad[start + 64 + 32] ^= 1;
    let msg = format_error(&bad);
    assert!(msg.contains("tauG1 point 1"), "{msg}");
    // A coordinate above the modulus (not canonical: refused, not reduced).
    let mut bad = PTAU.to_vec();
    bad[start + 64..start + 96].fill(0xff);
    let msg = format_error(&bad);
    assert!(msg.contains("tauG1 point 1 is not a valid"), "{msg}");
    // Swapping two powers keeps every point valid but breaks the chain of powers.
    let mut bad = PTAU.to_vec();
    let (a, b) = (start + 2 * 64, start + 3 * 64);
    let tmp: Vec<u8> = bad[a..a + 64].to_vec();
    bad.copy_within(b..b + 64, a);
    bad[b..b + 64].copy_from_slice(&tmp);
    assert!(format_error(&bad).contains("successive powers"));
}
