//! ABI encoding of statements and wrapped proofs for `IZkmodelVerifier.verify`, through
//! alloy's sol types — the one place Rust values become contract calldata.

use crate::groth16::WrappedProof;
use alloy_primitives::U256;
use alloy_sol_types::{SolCall, sol};
use ark_bn254::{Fr, G1Affine, G2Affine};
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
        G1Point q1; G1Point q2; G1Point w1; G1Point w2;
        uint256 zeta; uint256 zetaInv; uint256 gamma; uint256 y1; uint256 y2;
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
    let [q1, q2, w1, w2] = &p.points;
    Proof {
        q1: g1(q1),
        q2: g1(q2),
        w1: g1(w1),
        w2: g1(w2),
        zeta: fr(&p.zeta),
        zetaInv: fr(&p.zeta_inv),
        gamma: fr(&p.gamma),
        y1: fr(&p.y1),
        y2: fr(&p.y2),
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
