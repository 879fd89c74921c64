//! The chain commands that send transactions (and `up`, which starts a local chain).

use super::{Chain, Connection, call_error, g1};
use crate::Output;
use crate::common::hex;
use alloy::primitives::{Address, B256, U256, keccak256};
use alloy::providers::Provider;
use alloy::sol_types::SolValue;
use anyhow::{Context, Result, bail, ensure};
use std::path::PathBuf;
use zkmodel_chain::bindings::{Pins, ZkmodelMarketplace, decode_verify_calldata, verifier};
use zkmodel_chain::deploy::{
    Artifacts, deploy_code, deploy_marketplace_code, embedded_marketplace,
};
use zkmodel_prover::artifact;
use zkmodel_prover::proof::model::{DataCommitmentRecord, ModelCommitmentRecord};
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::files::WrappedProofFile;

/// Start a local development chain (Anvil, from the project's npm install or PATH) and keep
/// it running until interrupted.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel chain up --port 8545")]
pub struct UpArgs {
    /// The port to listen on (loopback only).
    #[arg(long, default_value_t = 8545)]
    pub port: u16,
}

/// Runs `zkmodel chain up`.
pub fn up(args: &UpArgs) -> Result<()> {
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    let bin = if bundled.exists() {
        bundled
    } else {
        PathBuf::from("anvil")
    };
    let status = std::process::Command::new(&bin)
        .args(["--host", "127.0.0.1", "--port", &args.port.to_string()])
        .status()
        .with_context(|| {
            format!(
                "cannot start {} (install the project's npm tools with `npm ci`, or Foundry)",
                bin.display()
            )
        })?;
    ensure!(status.success(), "anvil exited with {status}");
    Ok(())
}

/// Deploy the marketplace.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel chain deploy --dev")]
pub struct DeployArgs {
    /// Development mode: accept verifiers with INSECURE development keys or SRS (the contract
    /// refuses this off the local chain, id 31337).
    #[arg(long)]
    pub dev: bool,
    /// forge's build output holding ZkmodelMarketplace (default: the contract built into
    /// this binary).
    #[arg(long)]
    pub artifacts: Option<PathBuf>,
}

/// Runs `zkmodel chain deploy`.
pub async fn deploy(c: &Connection, args: &DeployArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    if args.dev && !chain.is_local() {
        bail!(
            "--dev accepts INSECURE development verifiers and is refused on chain {} (only the \
             local chain {} allows it)",
            chain.chain_id,
            super::LOCAL_CHAIN_ID
        );
    }
    let code = match &args.artifacts {
        Some(out) => Artifacts::new(out).bytecode("ZkmodelMarketplace")?,
        None => embedded_marketplace()?,
    };
    let address = deploy_marketplace_code(&chain.provider, code, args.dev).await?;
    out.emit(
        &format!(
            "marketplace {address} on chain {}{}",
            chain.chain_id,
            if args.dev {
                " (development mode: accepts INSECURE development verifiers)"
            } else {
                ""
            }
        ),
        serde_json::json!({ "marketplace": address, "chain_id": chain.chain_id, "development": args.dev }),
    );
    Ok(())
}

/// Deploy a verifier contract compiled from `zkmodel export-verifier` output, and optionally
/// register its architecture in the marketplace.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel chain deploy-verifier --artifact out/MyVerifier.sol/MyVerifier.json --register --marketplace 0x5FbDB2315678afecb367f032d93F642f64180aa3"
)]
pub struct DeployVerifierArgs {
    /// The compiled contract: a forge (or solc standard-JSON) artifact with `bytecode.object`.
    #[arg(long)]
    pub artifact: PathBuf,
    /// Also register its architecture in this marketplace.
    #[arg(long, requires = "marketplace")]
    pub register: bool,
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Option<Address>,
    /// Where the architecture's artifacts (keys, SRS, description) are published.
    #[arg(long, default_value = "")]
    pub uri: String,
}

/// Runs `zkmodel chain deploy-verifier`.
pub async fn deploy_verifier(
    c: &Connection,
    args: &DeployVerifierArgs,
    out: &Output,
) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let code = zkmodel_chain::deploy::bytecode_at(&args.artifact).with_context(|| {
        format!(
            "{} is not a compiled verifier (a forge artifact with bytecode.object)",
            args.artifact.display()
        )
    })?;
    let address = deploy_code(&chain.provider, "verifier", code.to_vec()).await?;
    let v = verifier::IZkmodelVerifier::new(address, chain.provider.clone());
    let info = v.info().call().await.map_err(|e| call_error("info()", e))?;
    if (info.developmentKeys || info.developmentSrs) && !c.allows_development(chain.is_local()) {
        bail!(
            "the verifier at {address} has INSECURE development {}: refused on chain {} \
             (make keys with `zkmodel ceremony` over a public Powers of Tau; to deploy it \
             anyway, knowing anyone can forge its proofs: \
             --i-understand-development-keys-can-be-forged)",
            if info.developmentKeys { "keys" } else { "SRS" },
            chain.chain_id
        );
    }
    let mut gas = None;
    if let (true, Some(m)) = (args.register, args.marketplace) {
        let market = ZkmodelMarketplace::new(m, chain.provider.clone());
        gas = Some(send!(
            "registerArchitecture",
            market.registerArchitecture(address, args.uri.clone())
        ));
    }
    out.emit(
        &format!(
            "verifier {address}\n  {}\n  architecture {}{}{}",
            info.description,
            info.architecture,
            if info.developmentKeys {
                "\n  INSECURE development keys"
            } else {
                ""
            },
            if gas.is_some() {
                "\n  registered in the marketplace"
            } else {
                ""
            },
        ),
        serde_json::json!({
            "verifier": address,
            "architecture_id": info.architecture,
            "model_shape": info.modelShape,
            "description": info.description,
            "development_keys": info.developmentKeys,
            "development_srs": info.developmentSrs,
            "registered": gas.is_some(),
        }),
    );
    Ok(())
}

/// Which kind of dataset.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum DatasetKind {
    /// A training set (training claims).
    Train,
    /// A labelled test set (accuracy claims).
    Test,
}

/// Register a dataset commitment (as its publisher: a claim on it means "on the data this
/// account committed to").
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel chain register-dataset --marketplace 0x… --kind test --commitment test-set.commitment --examples 360 --uri ipfs://…"
)]
pub struct RegisterDatasetArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// Training or test set.
    #[arg(long, value_enum)]
    pub kind: DatasetKind,
    /// The data commitment (from `zkmodel commit-test-set` or `zkmodel train`).
    #[arg(long)]
    pub commitment: PathBuf,
    /// Number of examples.
    #[arg(long)]
    pub examples: u64,
    /// Where the data or its description is published.
    #[arg(long, default_value = "")]
    pub uri: String,
}

/// Runs `zkmodel chain register-dataset`.
pub async fn register_dataset(
    c: &Connection,
    args: &RegisterDatasetArgs,
    out: &Output,
) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let record: DataCommitmentRecord = artifact::load(artifact::DATA_COMMITMENT, &args.commitment)?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let kind = match args.kind {
        DatasetKind::Train => 0u8,
        DatasetKind::Test => 1u8,
    };
    let call = market.registerDataset(
        kind,
        args.examples,
        g1(&record.commitment),
        args.uri.clone(),
    );
    let id = call
        .call()
        .await
        .map_err(|e| call_error("registerDataset", e))?;
    let gas = send!("registerDataset", call);
    out.emit(
        &format!("dataset {id} registered ({gas} gas)"),
        serde_json::json!({ "dataset_id": id.to_string(), "gas": gas }),
    );
    Ok(())
}

/// Register a model commitment for sale (commit–reveal: a reservation, then the registration
/// in a later block, so nobody can front-run the commitment).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel chain register-model --marketplace 0x… --verifier 0x… --commitment model.commitment --price 10000000000000000 --uri ipfs://…"
)]
pub struct RegisterModelArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// A registered verifier of the model's shape (its model shape id is registered).
    #[arg(long)]
    pub verifier: Address,
    /// The model commitment (from `zkmodel commit` or `zkmodel train`).
    #[arg(long)]
    pub commitment: PathBuf,
    /// Price in wei per proven inference request.
    #[arg(long, default_value_t = U256::ZERO)]
    pub price: U256,
    /// Metadata (name, description).
    #[arg(long, default_value = "")]
    pub uri: String,
    /// For a seeded commitment (from `zkmodel train --init-seed` or `zkmodel commit-seeded`):
    /// the public seed, recorded so buyers can recompute the commitment. Registers a public
    /// initial model, never for sale.
    #[arg(long)]
    pub seed: Option<U256>,
}

/// Runs `zkmodel chain register-model`.
pub async fn register_model(c: &Connection, args: &RegisterModelArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let seller = chain.from.context("a signing key is required")?;
    let record: ModelCommitmentRecord =
        artifact::load(artifact::MODEL_COMMITMENT, &args.commitment)?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let shape = market
        .architectureOf(args.verifier)
        .call()
        .await
        .map_err(|e| call_error("architectureOf", e))?
        .info
        .modelShape;
    ensure!(
        shape.0 == record.shape_id,
        "{} is a commitment to a model of another shape than the verifier's ({} vs {})",
        args.commitment.display(),
        hex(&record.shape_id),
        shape
    );
    let commitment = g1(&record.commitment);
    match (record.seeded, args.seed) {
        (true, Some(seed)) => return register_seeded(&market, shape, commitment, seed, out).await,
        (true, None) => bail!(
            "{} is a seeded initial model: pass the public --seed it was derived from",
            args.commitment.display()
        ),
        (false, Some(_)) => bail!(
            "{} is a secret model's commitment, not a seeded one: --seed does not apply",
            args.commitment.display()
        ),
        (false, None) => {}
    }
    let salt = B256::from(rand::random::<[u8; 32]>());
    let reservation = market
        .reservationOf(commitment.clone(), seller, salt)
        .call()
        .await
        .map_err(|e| call_error("reservationOf", e))?;
    let mut gas = send!("reserveModel", market.reserveModel(reservation));
    let reserved_at = chain.provider.get_block_number().await?;
    // The registration must land in a later block than the reservation. A local chain mines
    // only on transactions: ask it for a block; elsewhere wait for the next one.
    if chain.is_local() {
        let _: serde_json::Value = chain
            .provider
            .raw_request("evm_mine".into(), ())
            .await
            .context("evm_mine on the local chain")?;
    }
    let waited = std::time::Instant::now();
    while chain.provider.get_block_number().await? <= reserved_at {
        ensure!(
            waited.elapsed() < std::time::Duration::from_secs(120),
            "no new block for 120 s after the reservation; run the command again later (the \
             reservation stays valid)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    gas += send!(
        "registerModel",
        market.registerModel(
            shape,
            commitment.clone(),
            args.price,
            args.uri.clone(),
            salt
        )
    );
    let key = keccak256((commitment.x, commitment.y).abi_encode_params());
    let id = market
        .modelByCommitment(key)
        .call()
        .await
        .map_err(|e| call_error("modelByCommitment", e))?;
    out.emit(
        &format!("model {id} registered ({gas} gas, reservation and registration)"),
        serde_json::json!({ "model_id": id.to_string(), "gas": gas }),
    );
    Ok(())
}

/// Registers a seeded initial model (public, so no commit-reveal).
async fn register_seeded(
    market: &ZkmodelMarketplace::ZkmodelMarketplaceInstance<alloy::providers::DynProvider>,
    shape: B256,
    commitment: zkmodel_chain::bindings::G1Point,
    seed: U256,
    out: &Output,
) -> Result<()> {
    let call = market.registerSeededModel(shape, commitment, seed);
    let id = call
        .call()
        .await
        .map_err(|e| call_error("registerSeededModel", e))?;
    let gas = send!("registerSeededModel", call);
    out.emit(
        &format!("seeded initial model {id} registered (seed {seed}, {gas} gas)"),
        serde_json::json!({ "model_id": id.to_string(), "gas": gas, "seeded": true }),
    );
    Ok(())
}

/// Record a verified claim: the wrapped proof is verified on chain against the pinned
/// registered objects.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel chain attest accuracy.wrapped --marketplace 0x… --verifier 0x… --model-id 1 --dataset-id 1\n  \
zkmodel chain attest training.wrapped --marketplace 0x… --verifier 0x… --model-id 2 --dataset-id 2 --initial-model-id 3"
)]
pub struct AttestArgs {
    /// The wrapped proof (from `zkmodel wrap`).
    pub wrapped: PathBuf,
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The registered verifier of the proof's architecture.
    #[arg(long)]
    pub verifier: Address,
    /// The registered model (training: the trained model).
    #[arg(long)]
    pub model_id: U256,
    /// Accuracy: the registered test set; training: the registered training set.
    #[arg(long, default_value_t = U256::ZERO)]
    pub dataset_id: U256,
    /// Training: the registered initial model.
    #[arg(long, default_value_t = U256::ZERO)]
    pub initial_model_id: U256,
    /// Submit through this relayer (`zkmodel relayer serve`) instead of sending directly; the
    /// token comes from ZKMODEL_RELAYER_TOKEN.
    #[arg(long)]
    pub relayer: Option<String>,
    /// With --relayer: return once the relayer accepted the claim instead of waiting until it
    /// is confirmed.
    #[arg(long, requires = "relayer")]
    pub no_wait: bool,
}

/// Runs `zkmodel chain attest`.
pub async fn attest(c: &Connection, args: &AttestArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, args.relayer.is_none()).await?;
    let file = WrappedProofFile::load(&args.wrapped)?;
    let v = verifier::IZkmodelVerifier::new(args.verifier, chain.provider.clone());
    let info = v.info().call().await.map_err(|e| call_error("info()", e))?;
    if (info.developmentKeys || info.developmentSrs) && !c.allows_development(chain.is_local()) {
        bail!(
            "{} verifies under INSECURE development keys or SRS: refused on chain {} (pass \
             --i-understand-development-keys-can-be-forged to attest anyway)",
            args.verifier,
            chain.chain_id
        );
    }
    ensure!(
        info.description == file.architecture.description(),
        "the proof's architecture is not the verifier's:\n  proof:    {}\n  verifier: {}",
        file.architecture.description(),
        info.description
    );
    let calldata = verify_calldata(&file.wrapped, &file.wrapped.public_values);
    if let Some(url) = &args.relayer {
        return attest_via_relayer(url, args, &calldata, &file, out).await;
    }
    let (statement, proof) = decode_verify_calldata(&calldata)?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let pins = Pins {
        verifier: args.verifier,
        modelId: args.model_id,
        datasetId: args.dataset_id,
        initialModelId: args.initial_model_id,
    };
    let call = market.attest(pins, statement, proof);
    let claim = call.call().await.map_err(|e| call_error("attest", e))?;
    let gas = send!("attest", call);
    out.emit(
        &format!(
            "{} claim {claim} recorded ({gas} gas, verification included)",
            file.architecture.kind()
        ),
        serde_json::json!({ "claim_id": claim, "gas": gas, "kind": file.architecture.kind().to_string() }),
    );
    Ok(())
}

/// `attest --relayer`: submits the claim bundle and (unless `--no-wait`) waits until the
/// relayer has it confirmed or failed.
async fn attest_via_relayer(
    url: &str,
    args: &AttestArgs,
    calldata: &[u8],
    file: &WrappedProofFile,
    out: &Output,
) -> Result<()> {
    let client = crate::relayer::Client {
        relayer: url.to_string(),
        token: std::env::var(crate::relayer::TOKEN_ENV).ok(),
    };
    let bundle = serde_json::json!({
        "kind": "attest",
        "marketplace": args.marketplace,
        "pins": {
            "verifier": args.verifier,
            "model_id": args.model_id,
            "dataset_id": args.dataset_id,
            "initial_model_id": args.initial_model_id,
        },
        "calldata": alloy::primitives::Bytes::copy_from_slice(calldata),
    });
    let (job, created) = client.submit(&bundle).await?;
    let id = job["id"]
        .as_i64()
        .context("the relayer's answer has no job id")?;
    let kind = file.architecture.kind();
    if args.no_wait {
        out.emit(
            &format!(
                "{kind} claim {} by the relayer as job {id}",
                if created {
                    "accepted"
                } else {
                    "already accepted"
                }
            ),
            serde_json::json!({ "job": job, "created": created }),
        );
        return Ok(());
    }
    let done = client.wait(id, std::time::Duration::from_secs(300)).await?;
    let j = &done["job"];
    if j["state"] == "failed" {
        bail!(
            "the relayer could not land the claim (job {id}): {}",
            j["error"].as_str().unwrap_or("no reason given")
        );
    }
    out.emit(
        &format!(
            "{kind} claim {} recorded through the relayer ({} gas, verification included; job {id}{})",
            j["result"].as_str().unwrap_or("?"),
            j["gas_used"],
            if created { "" } else { ", submitted before" }
        ),
        serde_json::json!({
            "claim_id": j["result"],
            "gas": j["gas_used"],
            "kind": kind.to_string(),
            "job": j,
        }),
    );
    Ok(())
}
