//! `zkmodel relayer …`: run the relayer service (DESIGN §14) and read its jobs; the client
//! that `zkmodel chain attest --relayer` uses to submit a claim and wait for it.

use crate::Output;
use crate::chain::{Chain, Connection};
use alloy::network::EthereumWallet;
use alloy::primitives::Address;
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::http::reqwest;
use anyhow::{Context, Result, bail, ensure};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use zkmodel_relayer::api::{ApiState, router};
use zkmodel_relayer::node::Node;
use zkmodel_relayer::queue::Queue;
use zkmodel_relayer::sender::{Config, Sender};
use zkmodel_relayer::store::{JobStore, SqliteStore};
use zkmodel_relayer::watcher::Watcher;

/// The bearer token's environment variable.
pub const TOKEN_ENV: &str = "ZKMODEL_RELAYER_TOKEN";

/// The relayer: posts claims to the marketplace exactly once from a durable job store.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example (local development chain):\n  \
export ZKMODEL_PRIVATE_KEY=0x…  ZKMODEL_RELAYER_TOKEN=$(openssl rand -hex 16)\n  \
zkmodel relayer serve --marketplace 0x… --db relayer.sqlite --listen 127.0.0.1:8547 &\n  \
zkmodel chain attest accuracy.wrapped --relayer http://127.0.0.1:8547 --marketplace 0x… --verifier 0x… --model-id 1 --dataset-id 1\n  \
zkmodel relayer jobs --relayer http://127.0.0.1:8547\n\n\
Serving escrowed inference requests for model 1 (public-input inference architecture):\n  \
zkmodel relayer serve --marketplace 0x… --watch --model-id 1 --verifier 0xInference… --arch inference.arch.json \\\n    \
--model model.zkm --opening model.opening --srs srs.bin --keys inference.keys")]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    Serve(Box<ServeArgs>),
    Jobs(JobsArgs),
    Job(JobArgs),
}

/// Run the relayer service: an HTTP API for claim bundles and a sender that lands each
/// accepted job exactly once (own nonces, fee bumps, restarts resume from the store).
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
ZKMODEL_PRIVATE_KEY=0x… ZKMODEL_RELAYER_TOKEN=secret zkmodel relayer serve --marketplace 0x… --db relayer.sqlite")]
pub struct ServeArgs {
    #[command(flatten)]
    connection: Connection,
    /// Read the signing key from this file (hex) instead of ZKMODEL_PRIVATE_KEY.
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// The marketplace this relayer posts to (bundles for any other address are refused).
    #[arg(long)]
    marketplace: Address,
    /// The job store (SQLite; created if missing; bound to one chain and signer; one relayer
    /// process at a time, enforced by a lock on `<db>.lock`).
    #[arg(long, default_value = "relayer.sqlite")]
    db: PathBuf,
    /// The highest fee cap the relayer ever signs, in gwei per gas.
    #[arg(long, default_value_t = 500)]
    max_fee_gwei: u64,
    /// Where the API listens (loopback unless --public).
    #[arg(long, default_value = "127.0.0.1:8547")]
    listen: SocketAddr,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    public: bool,
    /// The bearer token clients must send.
    #[arg(long, env = TOKEN_ENV, hide_env_values = true)]
    token: String,
    /// Blocks under which a transaction counts as confirmed (its own included).
    #[arg(long, default_value_t = 1)]
    confirmations: u64,
    /// Seconds before a pending transaction is replaced with higher fees.
    #[arg(long, default_value_t = 30)]
    bump_after: u64,
    /// Check attest bundles natively before simulating them: `ARCHITECTURE.json:KEYS`,
    /// repeatable (with --check-srs). Bundles for other architectures are only simulated.
    #[arg(long, value_name = "ARCH:KEYS", requires = "check_srs")]
    check: Vec<String>,
    /// The SRS of the --check architectures.
    #[arg(long)]
    check_srs: Option<PathBuf>,
    /// Milliseconds between sender ticks (and watcher polls).
    #[arg(long, default_value_t = 500)]
    poll_ms: u64,
    #[command(flatten)]
    watch: crate::fulfil::WatchArgs,
}

/// Runs `zkmodel relayer …`.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let runtime = crate::common::runtime()?;
    runtime.block_on(async {
        match &args.command {
            Command::Serve(a) => serve(a, out).await,
            Command::Jobs(a) => jobs(a, out).await,
            Command::Job(a) => job(a, out).await,
        }
    })
}

async fn serve(args: &ServeArgs, out: &Output) -> Result<()> {
    ensure!(
        args.public || args.listen.ip().is_loopback(),
        "--listen {} is not a loopback address: pass --public to serve other machines (the \
         bearer token is then all that guards the API: use TLS in front)",
        args.listen
    );
    ensure!(
        args.token.len() >= 16,
        "the bearer token ({TOKEN_ENV}) must be at least 16 characters"
    );
    let key = match &args.key_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading the key file {}", path.display()))?,
        None => args.connection.private_key.clone().context(
            "the relayer signs transactions: set ZKMODEL_PRIVATE_KEY or pass --key-file",
        )?,
    };
    let signer: PrivateKeySigner = key
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("the signing key is not a 32-byte hex secp256k1 key"))?;
    let chain = Chain::connect(&args.connection, false).await?;
    // A provider without a wallet: the sender signs itself, and no filler may touch its calls.
    let node = Node {
        provider: ProviderBuilder::new()
            .connect_http(args.connection.rpc_url.parse()?)
            .erased(),
        from: signer.address(),
        chain_id: chain.chain_id,
        url: args.connection.rpc_url.clone(),
    };
    ensure!(
        !node
            .provider
            .get_code_at(args.marketplace)
            .await?
            .is_empty(),
        "no contract at {} on chain {}: pass the marketplace's address (`zkmodel chain deploy` \
         prints it)",
        args.marketplace,
        chain.chain_id
    );
    // One sender per store: a second would sign the same jobs with other nonces.
    let lock_path = PathBuf::from(format!("{}.lock", args.db.display()));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        bail!(
            "another relayer is using {} (it holds {}): stop it first",
            args.db.display(),
            lock_path.display()
        );
    }
    let store: Arc<dyn JobStore> = Arc::new(
        SqliteStore::open(&args.db)
            .with_context(|| format!("opening the job store {}", args.db.display()))?,
    );
    let config = Config {
        confirmations: args.confirmations.max(1),
        bump_after: Duration::from_secs(args.bump_after),
        poll_interval: Duration::from_millis(args.poll_ms.max(10)),
        max_fee_per_gas: u128::from(args.max_fee_gwei) * 1_000_000_000,
        ..Config::default()
    };
    let watch = args.watch.load(args.marketplace, config.poll_interval)?;
    let sender = Sender::new(
        node.clone(),
        EthereumWallet::from(signer),
        store.clone(),
        config,
    )?;
    let queue = Queue {
        store,
        node: node.clone(),
        wake: sender.waker(),
    };
    let check: Option<Arc<dyn zkmodel_relayer::api::ProofCheck>> = match &args.check_srs {
        Some(srs) if !args.check.is_empty() => Some(Arc::new(crate::precheck::KeysCheck::load(
            &args.check,
            srs,
        )?)),
        _ => None,
    };
    let state = ApiState {
        queue: queue.clone(),
        marketplace: args.marketplace,
        token: args.token.as_str().into(),
        check,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    let balance = node.provider.get_balance(node.from).await?;
    out.emit(
        &format!(
            "relayer on http://{address} sending as {} (balance {balance} wei) on chain {}; jobs in {}",
            node.from,
            node.chain_id,
            args.db.display()
        ),
        serde_json::json!({
            "url": format!("http://{address}"),
            "signer": node.from,
            "chain_id": node.chain_id,
            "db": args.db,
        }),
    );
    std::io::Write::flush(&mut std::io::stdout())?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut stop_sender = stop_rx.clone();
    let sending = tokio::spawn(sender.run(async move {
        let _ = stop_sender.wait_for(|s| *s).await;
    }));
    let watching = watch.map(|(config, fulfiller)| {
        tracing::info!(marketplace = %config.marketplace, "watching for inference requests");
        let mut stop_watch = stop_rx.clone();
        tokio::spawn(
            Watcher::new(queue, Arc::new(fulfiller), config).run(async move {
                let _ = stop_watch.wait_for(|s| *s).await;
            }),
        )
    });
    let mut stop_api = stop_rx;
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(async move {
        let _ = stop_api.wait_for(|s| *s).await;
    });
    let signals = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    };
    let server = tokio::spawn(served.into_future());
    signals.await.context("waiting for a signal")?;
    tracing::info!("stopping: jobs stay in the store and resume at the next start");
    let _ = stop_tx.send(true);
    server.await??;
    sending.await?;
    if let Some(w) = watching {
        w.await?;
    }
    drop(lock);
    Ok(())
}

/// Where a relayer is and the token to talk to it.
#[derive(clap::Args, Debug, Clone)]
pub struct Client {
    /// The relayer's URL.
    #[arg(
        long,
        env = "ZKMODEL_RELAYER_URL",
        default_value = "http://127.0.0.1:8547"
    )]
    pub relayer: String,
    /// The bearer token.
    #[arg(long = "relayer-token", env = TOKEN_ENV, hide_env_values = true)]
    pub token: Option<String>,
}

impl Client {
    fn http() -> Result<reqwest::Client> {
        Ok(reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?)
    }

    fn token(&self) -> Result<&str> {
        self.token
            .as_deref()
            .with_context(|| format!("set {TOKEN_ENV} to the relayer's bearer token"))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(u16, serde_json::Value)> {
        let response = request
            .bearer_auth(self.token()?)
            .send()
            .await
            .with_context(|| format!("no relayer answers at {}", self.relayer))?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        let json: serde_json::Value = serde_json::from_slice(&body).with_context(|| {
            format!(
                "the relayer answered {status} with something that is not JSON: {}",
                String::from_utf8_lossy(&body)
            )
        })?;
        if status >= 400 {
            bail!(
                "the relayer refused ({status} {}): {}",
                json["code"].as_str().unwrap_or("?"),
                json["error"].as_str().unwrap_or("?")
            );
        }
        Ok((status, json))
    }

    /// Submits a bundle; returns the job and whether it is new.
    pub async fn submit(&self, bundle: &serde_json::Value) -> Result<(serde_json::Value, bool)> {
        let url = format!("{}/v1/jobs", self.relayer.trim_end_matches('/'));
        let request = Self::http()?
            .post(url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(bundle)?);
        let (status, job) = self.send(request).await?;
        Ok((job, status == 202))
    }

    /// A job and its transactions.
    pub async fn job(&self, id: i64) -> Result<serde_json::Value> {
        let url = format!("{}/v1/jobs/{id}", self.relayer.trim_end_matches('/'));
        Ok(self.send(Self::http()?.get(url)).await?.1)
    }

    /// Polls a job until it is confirmed or failed, for at most `timeout`.
    pub async fn wait(&self, id: i64, timeout: Duration) -> Result<serde_json::Value> {
        let start = std::time::Instant::now();
        loop {
            let j = self.job(id).await?;
            match j["job"]["state"].as_str() {
                Some("confirmed" | "failed") => return Ok(j),
                _ if start.elapsed() > timeout => bail!(
                    "job {id} is still {} after {} s; it stays queued in the relayer (check \
                     with `zkmodel relayer job {id}`)",
                    j["job"]["state"],
                    timeout.as_secs()
                ),
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }
}

/// List the relayer's jobs.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel relayer jobs --state failed --json")]
pub struct JobsArgs {
    #[command(flatten)]
    client: Client,
    /// Only jobs in this state (queued, simulated, sent, mined, confirmed, failed).
    #[arg(long)]
    state: Option<String>,
}

async fn jobs(args: &JobsArgs, out: &Output) -> Result<()> {
    let mut url = format!(
        "{}/v1/jobs?limit=1000",
        args.client.relayer.trim_end_matches('/')
    );
    if let Some(s) = &args.state {
        url.push_str(&format!("&state={s}"));
    }
    let (_, list) = args.client.send(Client::http()?.get(url)).await?;
    let text = list
        .as_array()
        .map(|jobs| {
            let mut t = format!("{} job(s)", jobs.len());
            for j in jobs {
                t.push_str(&format!(
                    "\n  {:>5} {:<7} {:<9} {}{}",
                    j["id"],
                    j["kind"].as_str().unwrap_or("?"),
                    j["state"].as_str().unwrap_or("?"),
                    j["tx_hash"].as_str().unwrap_or("-"),
                    j["error"]
                        .as_str()
                        .map(|e| format!("  ({e})"))
                        .unwrap_or_default()
                ));
            }
            t
        })
        .unwrap_or_default();
    out.emit(&text, list);
    Ok(())
}

/// Show one job and its transactions.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel relayer job 3 --json")]
pub struct JobArgs {
    #[command(flatten)]
    client: Client,
    /// The job id.
    id: i64,
}

async fn job(args: &JobArgs, out: &Output) -> Result<()> {
    let j = args.client.job(args.id).await?;
    out.emit(&describe(&j), j.clone());
    Ok(())
}

/// A job for people: state, transaction, gas, error.
pub fn describe(j: &serde_json::Value) -> String {
    let job = &j["job"];
    let mut t = format!(
        "job {} ({}): {}",
        job["id"],
        job["kind"].as_str().unwrap_or("?"),
        job["state"].as_str().unwrap_or("?")
    );
    if let Some(h) = job["tx_hash"].as_str() {
        t.push_str(&format!("\n  transaction {h}"));
    }
    if let Some(b) = job["block_number"].as_u64() {
        t.push_str(&format!(" in block {b}"));
    }
    if let Some(g) = job["gas_used"].as_u64() {
        t.push_str(&format!(", {g} gas"));
    }
    if let Some(n) = j["txs"].as_array().map(Vec::len).filter(|n| *n > 1) {
        t.push_str(&format!(
            "\n  {n} transactions (fee bumps replace the earlier ones)"
        ));
    }
    if let Some(e) = job["error"].as_str() {
        t.push_str(&format!("\n  error: {e}"));
    }
    t
}
