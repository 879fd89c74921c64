//! `zkmodel chain …`: the marketplace on an EVM chain — start a local Anvil, deploy the
//! marketplace and verifiers, register datasets and models, attest wrapped proofs, and read a
//! model's verified claims as a buyer. Thin over `zkmodel-chain` (bindings, deployment,
//! revert decoding) and alloy.
//!
//! Every transaction is simulated first (`eth_call`), so a revert is reported with its decoded
//! custom error before any gas is spent. The signing key comes from `--private-key` or the
//! `ZKMODEL_PRIVATE_KEY` environment variable and is never printed.

/// Sends a contract call after simulating it; returns the receipt's gas.
macro_rules! send {
    ($what:expr, $call:expr) => {{
        let call = $call;
        call.call().await.map_err(|e| call_error($what, e))?;
        let receipt = call
            .send()
            .await
            .map_err(|e| call_error($what, e))?
            .get_receipt()
            .await
            .with_context(|| format!("{}: waiting for the receipt", $what))?;
        ensure!(receipt.status(), "{} reverted when mined", $what);
        receipt.gas_used
    }};
}

mod escrow;
mod read;
mod write;

use crate::Output;
use alloy::network::EthereumWallet;
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use anyhow::{Context, Result, bail};
use zkmodel_chain::bindings::G1Point;

/// Anvil's chain id: the only chain development keys, the development SRS and a
/// development-mode marketplace are accepted on.
pub const LOCAL_CHAIN_ID: u64 = 31337;

/// Where the chain is and who signs.
#[derive(clap::Args, Debug, Clone)]
pub struct Connection {
    /// The node's JSON-RPC endpoint.
    #[arg(
        long,
        env = "ZKMODEL_RPC_URL",
        default_value = "http://127.0.0.1:8545",
        global = true
    )]
    pub rpc_url: String,
    /// The signing key (hex). Prefer the environment variable: command lines are visible to
    /// other users of the machine.
    #[arg(
        long,
        env = "ZKMODEL_PRIVATE_KEY",
        hide_env_values = true,
        global = true
    )]
    pub private_key: Option<String>,
    /// DANGER: let `deploy-verifier` and `attest` use a verifier with INSECURE development keys
    /// or SRS on a chain other than the local development chain 31337. Anyone who knows the
    /// development setup can forge proofs such a verifier accepts: never on a chain where a
    /// claim or a payment means anything (the marketplace refuses these verifiers there
    /// whatever this flag says).
    #[arg(long, global = true)]
    pub i_understand_development_keys_can_be_forged: bool,
}

impl Connection {
    /// Whether development verifiers may be used on `chain`: on the local chain, or when the
    /// user passed the loud flag (with a warning).
    pub fn allows_development(&self, local: bool) -> bool {
        if !local && self.i_understand_development_keys_can_be_forged {
            tracing::warn!(
                "using a verifier with INSECURE development keys or SRS off the local chain \
                 (--i-understand-development-keys-can-be-forged): its proofs can be forged"
            );
        }
        local || self.i_understand_development_keys_can_be_forged
    }
}

/// The marketplace on an EVM chain (a local Anvil for development).
#[derive(clap::Args, Debug)]
#[command(after_help = "Example (local development chain):\n  \
zkmodel chain up &\n  \
export ZKMODEL_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80  # Anvil account 0\n  \
zkmodel chain deploy --dev\n  \
zkmodel chain deploy-verifier --artifact out/MyVerifier.sol/MyVerifier.json --register --marketplace 0x…\n  \
zkmodel chain claims --marketplace 0x… --model-id 1")]
pub struct Args {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    Up(write::UpArgs),
    Deploy(write::DeployArgs),
    DeployVerifier(write::DeployVerifierArgs),
    RegisterDataset(write::RegisterDatasetArgs),
    RegisterModel(write::RegisterModelArgs),
    Attest(write::AttestArgs),
    Claims(read::ClaimsArgs),
    Request(escrow::RequestArgs),
    RequestStatus(escrow::RequestStatusArgs),
    Fulfil(escrow::FulfilArgs),
    Refund(escrow::RefundArgs),
    Withdraw(escrow::WithdrawArgs),
}

/// A connected provider, the signer's address (if any) and the chain id.
pub struct Chain {
    /// The provider (signing when a key was given).
    pub provider: DynProvider,
    /// The signer.
    pub from: Option<Address>,
    /// The chain id.
    pub chain_id: u64,
}

impl Chain {
    /// Connects and reads the chain id (a clear error when no node answers).
    pub async fn connect(c: &Connection, signing: bool) -> Result<Self> {
        let url: alloy::transports::http::reqwest::Url = c
            .rpc_url
            .parse()
            .with_context(|| format!("--rpc-url `{}` is not a URL", c.rpc_url))?;
        let (provider, from) = match (&c.private_key, signing) {
            (Some(k), _) => {
                let signer: PrivateKeySigner = k.trim().parse().map_err(|_| {
                    anyhow::anyhow!("the private key is not a 32-byte hex secp256k1 key")
                })?;
                let from = signer.address();
                let p = ProviderBuilder::new()
                    .wallet(EthereumWallet::from(signer))
                    .connect_http(url)
                    .erased();
                (p, Some(from))
            }
            (None, true) => {
                bail!("this command sends transactions: set ZKMODEL_PRIVATE_KEY (or --private-key)")
            }
            (None, false) => (ProviderBuilder::new().connect_http(url).erased(), None),
        };
        let chain_id = provider.get_chain_id().await.with_context(|| {
            format!(
                "no node answers at {} (start a local one with `zkmodel chain up`)",
                c.rpc_url
            )
        })?;
        Ok(Self {
            provider,
            from,
            chain_id,
        })
    }

    /// Whether this is the local development chain.
    pub fn is_local(&self) -> bool {
        self.chain_id == LOCAL_CHAIN_ID
    }
}

/// A G1 point as the contracts take it.
pub fn g1(p: &ark_bn254::G1Affine) -> G1Point {
    let [x, y] = zkmodel_prover::field::encoding::g1_to_words(p);
    G1Point {
        x: U256::from_be_bytes(x),
        y: U256::from_be_bytes(y),
    }
}

/// Maps a contract call's error to a message naming the decoded custom error, or saying what
/// to do for the usual mistakes (no contract at the address, an unfunded signer).
pub fn call_error(what: &str, e: alloy::contract::Error) -> anyhow::Error {
    let data = match &e {
        alloy::contract::Error::TransportError(t) => zkmodel_chain::revert::revert_data(t),
        _ => None,
    };
    if let Some(d) = data {
        return anyhow::anyhow!("{what} reverted: {}", zkmodel_chain::revert::decode(&d));
    }
    if let alloy::contract::Error::ZeroData(..) = e {
        return anyhow::anyhow!(
            "{what}: no contract answers at that address on this chain (a wrong --marketplace or \
             --verifier, or another chain than the one it was deployed on?)"
        );
    }
    let message = e.to_string();
    if message.to_lowercase().contains("insufficient funds") {
        return anyhow::anyhow!(
            "{what}: the signing account cannot pay for this transaction (insufficient funds): \
             fund it, or sign with another key"
        );
    }
    anyhow::anyhow!("{what} failed: {message}")
}

/// Runs `zkmodel chain …`.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    if let Command::Up(a) = &args.command {
        return write::up(a);
    }
    let runtime = crate::common::runtime()?;
    runtime.block_on(async {
        let c = &args.connection;
        match &args.command {
            Command::Up(_) => Ok(()),
            Command::Deploy(a) => write::deploy(c, a, out).await,
            Command::DeployVerifier(a) => write::deploy_verifier(c, a, out).await,
            Command::RegisterDataset(a) => write::register_dataset(c, a, out).await,
            Command::RegisterModel(a) => write::register_model(c, a, out).await,
            Command::Attest(a) => write::attest(c, a, out).await,
            Command::Claims(a) => read::claims(c, a, out).await,
            Command::Request(a) => escrow::request(c, a, out).await,
            Command::RequestStatus(a) => escrow::request_status(c, a, out).await,
            Command::Fulfil(a) => escrow::fulfil(c, a, out).await,
            Command::Refund(a) => escrow::refund(c, a, out).await,
            Command::Withdraw(a) => escrow::withdraw(c, a, out).await,
        }
    })
}
