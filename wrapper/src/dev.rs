//! A deterministic development architecture: the MatMul statement Y = X·W with X 2×4 and W
//! 4×2, on the INSECURE seeded SRS with an INSECURE single-party Groth16 setup. Its generated
//! verifier is committed (`contracts/src/generated/MatMul2x4x2Verifier.sol`) so forge tests
//! and the Anvil end-to-end test can check real proofs against it. Never use it for value.

use crate::error::Error;
use crate::groth16::{Keys, setup_insecure_dev};
use crate::solidity::{VerifierSpec, render};
use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::matmul::{CommittedModel, architecture, commit_model};

/// Shape of the development architecture.
pub const DIMS: MatMulDims = MatMulDims { m: 2, k: 4, n: 2 };
/// Name of its generated verifier contract.
pub const VERIFIER_NAME: &str = "MatMul2x4x2Verifier";

/// The development architecture's SRS, keys and committed model.
pub struct DevArchitecture {
    /// INSECURE seeded SRS.
    pub srs: Srs,
    /// INSECURE single-party Groth16 keys.
    pub keys: Keys,
    /// The model's weights W (4×2).
    pub w: Vec<Fr>,
    /// The committed model.
    pub model: CommittedModel,
}

/// Builds the development architecture deterministically (same keys on every run).
pub fn matmul_dev() -> Result<DevArchitecture, Error> {
    let srs = Srs::insecure_development(2026, 64);
    let keys = setup_insecure_dev(DIMS, &mut ChaCha20Rng::seed_from_u64(2026))?;
    let w: Vec<Fr> = (0..8i128).map(|i| from_i128(i - 3)).collect();
    let model = commit_model(&srs, DIMS, &w, &mut ChaCha20Rng::seed_from_u64(2027))?;
    Ok(DevArchitecture {
        srs,
        keys,
        w,
        model,
    })
}

impl DevArchitecture {
    /// The Solidity verifier of this architecture.
    pub fn verifier_source(&self) -> Result<String, Error> {
        render(&VerifierSpec {
            name: VERIFIER_NAME,
            description: "MatMul statement Y = X·W, X 2×4, W 4×2 (development keys)",
            architecture: architecture(DIMS, &self.srs),
            num_commitments: 2,
            num_public: 0,
            vk: &self.keys.vk,
            key_origin: self.keys.origin.to_string(),
            srs: &self.srs,
        })
    }
}
