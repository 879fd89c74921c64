//! Deployment of the marketplace and generated verifiers from forge's build output
//! (`contracts/out/<Name>.sol/<Name>.json`).

use crate::bindings::ZkmodelMarketplace;
use crate::error::Error;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolConstructor;
use std::path::{Path, PathBuf};

/// Forge's build output directory.
#[derive(Clone, Debug)]
pub struct Artifacts {
    out: PathBuf,
}

impl Artifacts {
    /// Artifacts under `out` (forge's `out` directory, `contracts/out` in this repository).
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self { out: out.into() }
    }

    /// The repository's own build output, for tests and the development CLI.
    pub fn repository() -> Self {
        Self::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/out"))
    }

    /// The creation bytecode of contract `name`.
    pub fn bytecode(&self, name: &str) -> Result<Bytes, Error> {
        bytecode_at(&self.out.join(format!("{name}.sol/{name}.json")))
    }
}

/// The creation bytecode in a forge artifact (`bytecode.object`), e.g. a verifier a user
/// compiled from `zkmodel export-verifier` output.
pub fn bytecode_at(path: &Path) -> Result<Bytes, Error> {
    artifact_code(path, "/bytecode/object")
}

/// The hash of the runtime code in a forge artifact (`deployedBytecode.object`): what
/// `extcodehash` gives for the deployed contract, and what the marketplace records as a
/// verifier's code hash. A buyer compares it with the verifier it rebuilt from published keys.
pub fn runtime_code_hash_at(path: &Path) -> Result<alloy::primitives::B256, Error> {
    Ok(alloy::primitives::keccak256(artifact_code(
        path,
        "/deployedBytecode/object",
    )?))
}

fn artifact_code(path: &Path, pointer: &str) -> Result<Bytes, Error> {
    let err = |reason: String| Error::Artifact {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    let code = json
        .pointer(pointer)
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            err(format!(
                "no {}",
                pointer.trim_start_matches('/').replace('/', ".")
            ))
        })?;
    let bytes = alloy::hex::decode(code).map_err(|e| err(e.to_string()))?;
    if bytes.is_empty() {
        return Err(err(
            "empty bytecode (an interface or abstract contract?)".into()
        ));
    }
    Ok(bytes.into())
}

/// Deploys `code` (creation code with constructor arguments appended) and returns the
/// contract's address once mined.
pub async fn deploy_code(
    provider: &impl Provider,
    contract: &str,
    code: Vec<u8>,
) -> Result<Address, Error> {
    let tx = TransactionRequest::default().with_deploy_code(code);
    let receipt = provider.send_transaction(tx).await?.get_receipt().await?;
    match receipt.contract_address {
        Some(a) if receipt.status() => Ok(a),
        _ => Err(Error::Deployment {
            contract: contract.to_string(),
        }),
    }
}

/// Deploys a generated verifier by contract name (e.g. `DigitsMlpAccuracyVerifier`).
pub async fn deploy_verifier(
    provider: &impl Provider,
    artifacts: &Artifacts,
    name: &str,
) -> Result<Address, Error> {
    deploy_code(provider, name, artifacts.bytecode(name)?.to_vec()).await
}

/// The marketplace's creation code as committed (`contracts/abi/ZkmodelMarketplace.bytecode`,
/// written by `make abi` and checked against the build by a test), so a zkmodel binary deploys
/// it without a checkout.
pub fn embedded_marketplace() -> Result<Bytes, Error> {
    const CODE: &str = include_str!("../../contracts/abi/ZkmodelMarketplace.bytecode");
    alloy::hex::decode(CODE.trim())
        .map(Bytes::from)
        .map_err(|e| Error::Artifact {
            path: "contracts/abi/ZkmodelMarketplace.bytecode (embedded)".into(),
            reason: e.to_string(),
        })
}

/// Deploys the marketplace from `code` (its creation code). `accept_development_verifiers`
/// accepts verifiers with INSECURE development keys or SRS, and is refused by the contract off
/// the local chain (id 31337).
pub async fn deploy_marketplace_code(
    provider: &impl Provider,
    code: Bytes,
    accept_development_verifiers: bool,
) -> Result<Address, Error> {
    let mut code = code.to_vec();
    code.extend(
        ZkmodelMarketplace::constructorCall {
            acceptDevelopmentVerifiers: accept_development_verifiers,
        }
        .abi_encode(),
    );
    deploy_code(provider, "ZkmodelMarketplace", code).await
}

/// Deploys the marketplace. `accept_development_verifiers` accepts verifiers with INSECURE
/// development keys or SRS, and is refused by the contract off the local chain (id 31337).
pub async fn deploy_marketplace(
    provider: &impl Provider,
    artifacts: &Artifacts,
    accept_development_verifiers: bool,
) -> Result<Address, Error> {
    let code = artifacts.bytecode("ZkmodelMarketplace")?;
    deploy_marketplace_code(provider, code, accept_development_verifiers).await
}
