//! Escrowed inference on chain: a buyer requests (and reads the proven answer), a seller
//! fulfils (directly or through its relayer), anyone refunds after the deadline, and each
//! withdraws its balance.

use super::{Chain, Connection, call_error};
use crate::Output;
use crate::common::{load_model_arch, read_examples};
use crate::fulfil::word_to_fr;
use crate::prove::{public_json, public_text};
use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::{BlockNumberOrTag, Filter};
use alloy::sol_types::SolEvent;
use anyhow::{Context, Result, bail, ensure};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use zkmodel_chain::bindings::{G1Point, ZkmodelMarketplace, decode_verify_calldata};
use zkmodel_prover::field::encoding::fr_to_word;
use zkmodel_prover::proof::model::{ModelArchitecture, PublicValues};
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::files::WrappedProofFile;

/// Pay into escrow for a proven inference on your input; with `--wait`, read the logits once
/// the seller's proof lands.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
zkmodel chain request --marketplace 0x… --model-id 1 --verifier 0x… --arch inference.arch.json --data image.json --wait 300")]
pub struct RequestArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The model.
    #[arg(long)]
    pub model_id: U256,
    /// A registered inference verifier of the model's shape with a public input.
    #[arg(long)]
    pub verifier: Address,
    /// The verifier's architecture (published by the seller).
    #[arg(long)]
    pub arch: PathBuf,
    /// Your input: the architecture's rows of examples (JSON, .npy or CSV).
    #[arg(long)]
    pub data: PathBuf,
    /// Seconds the seller has to answer before you may take a refund.
    #[arg(long, default_value_t = 3600)]
    pub deadline_in: u64,
    /// Wait up to this many seconds for the answer and print the logits (0: do not wait).
    #[arg(long, default_value_t = 0)]
    pub wait: u64,
}

/// Runs `zkmodel chain request`.
pub async fn request(c: &Connection, args: &RequestArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let arch = load_model_arch(&args.arch)?;
    arch.check_requestable()
        .with_context(|| format!("{} cannot be requested", args.arch.display()))?;
    let ex = read_examples(&arch, &args.data, None)?;
    let words: Vec<U256> = arch
        .request_input_words(&ex)?
        .iter()
        .map(|w| U256::from_be_bytes(fr_to_word(w)))
        .collect();
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let price = market
        .model(args.model_id)
        .call()
        .await
        .map_err(|e| call_error("model", e))?
        .price;
    let now = latest_timestamp(&chain).await?;
    let deadline = now + args.deadline_in;
    let zero = G1Point {
        x: U256::ZERO,
        y: U256::ZERO,
    };
    let call = market
        .request(args.model_id, args.verifier, zero, words, deadline)
        .value(price);
    let id = call.call().await.map_err(|e| call_error("request", e))?;
    let gas = send!("request", call);
    let mut json = serde_json::json!({
        "request_id": id.to_string(), "price": price.to_string(), "deadline": deadline, "gas": gas,
    });
    let mut text =
        format!("request {id}: {price} wei in escrow until {deadline} (unix time; {gas} gas)");
    if args.wait > 0 {
        let (answer, answer_json) =
            wait_answer(&chain, args.marketplace, id, &arch, args.wait).await?;
        text.push_str(&format!("\nproven answer:\n{answer}"));
        json["answer"] = answer_json;
    }
    out.emit(&text, json);
    Ok(())
}

async fn latest_timestamp(chain: &Chain) -> Result<u64> {
    Ok(chain
        .provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await?
        .context("the node has no latest block")?
        .header
        .timestamp)
}

/// Waits until request `id` is fulfilled and returns its public outputs, decoded with `arch`.
async fn wait_answer(
    chain: &Chain,
    marketplace: Address,
    id: U256,
    arch: &ModelArchitecture,
    secs: u64,
) -> Result<(String, serde_json::Value)> {
    let market = ZkmodelMarketplace::new(marketplace, chain.provider.clone());
    let start = Instant::now();
    loop {
        let r = market
            .requestOf(id)
            .call()
            .await
            .map_err(|e| call_error("requestOf", e))?;
        match r.state {
            2 => break,
            3 => bail!("request {id} was refunded: the seller did not answer in time"),
            _ if start.elapsed() > Duration::from_secs(secs) => bail!(
                "request {id} is still open after {secs} s (deadline {}): read it later with \
                 `zkmodel chain request-status --request-id {id}`, or refund it after the deadline",
                r.deadline
            ),
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    answer(chain, marketplace, id, arch).await
}

/// The outputs a fulfilled request's proof made public (from its `InferenceFulfilled` event).
async fn answer(
    chain: &Chain,
    marketplace: Address,
    id: U256,
    arch: &ModelArchitecture,
) -> Result<(String, serde_json::Value)> {
    let filter = Filter::new()
        .address(marketplace)
        .event_signature(ZkmodelMarketplace::InferenceFulfilled::SIGNATURE_HASH)
        .topic1(id)
        .from_block(0);
    let logs = chain.provider.get_logs(&filter).await?;
    let log = logs
        .last()
        .context("the request is fulfilled but its InferenceFulfilled event is not found")?;
    let event = log
        .log_decode::<ZkmodelMarketplace::InferenceFulfilled>()
        .context("decoding InferenceFulfilled")?
        .inner
        .data;
    // The event carries the outputs; the statement's public words start with the request's
    // input words.
    let market = ZkmodelMarketplace::new(marketplace, chain.provider.clone());
    let request = market
        .requestOf(id)
        .call()
        .await
        .map_err(|e| call_error("requestOf", e))?;
    let words = request
        .inputWords
        .iter()
        .chain(&event.outputs)
        .map(word_to_fr)
        .collect::<Result<Vec<_>>>()?;
    let public = PublicValues::from_chain(arch, &words)?;
    let json = public_json(arch, &public)?;
    let text = format!("  claim {}\n{}", event.claimId, public_text(&json));
    let mut full = json;
    full["claim_id"] = serde_json::json!(event.claimId);
    Ok((text, full))
}

/// Read an inference request: its state and, once fulfilled, the proven logits.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
zkmodel chain request-status --marketplace 0x… --request-id 1 --arch inference.arch.json")]
pub struct RequestStatusArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The request.
    #[arg(long)]
    pub request_id: U256,
    /// The verifier's architecture, to decode the answer.
    #[arg(long)]
    pub arch: PathBuf,
}

/// Runs `zkmodel chain request-status`.
pub async fn request_status(c: &Connection, args: &RequestStatusArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, false).await?;
    let arch = load_model_arch(&args.arch)?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let r = market
        .requestOf(args.request_id)
        .call()
        .await
        .map_err(|e| call_error("requestOf", e))?;
    let state = match r.state {
        1 => "open",
        2 => "fulfilled",
        3 => "refunded",
        _ => "unknown",
    };
    let mut text = format!(
        "request {} for model {} by {}: {state}, {} wei, deadline {}",
        args.request_id, r.modelId, r.buyer, r.amount, r.deadline
    );
    let mut json = serde_json::json!({
        "request_id": args.request_id.to_string(), "state": state, "buyer": r.buyer,
        "model_id": r.modelId.to_string(), "amount": r.amount.to_string(), "deadline": r.deadline,
    });
    if r.state == 2 {
        let (t, j) = answer(&chain, args.marketplace, args.request_id, &arch).await?;
        text.push_str(&format!("\n{t}"));
        json["answer"] = j;
    }
    out.emit(&text, json);
    Ok(())
}

/// Answer an escrowed request with a wrapped inference proof on exactly its input (the
/// escrow becomes your withdrawable balance). `zkmodel relayer serve --watch` does this
/// automatically.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
zkmodel chain fulfil answer.wrapped --marketplace 0x… --request-id 1")]
pub struct FulfilArgs {
    /// The wrapped inference proof.
    pub wrapped: PathBuf,
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The request.
    #[arg(long)]
    pub request_id: U256,
}

/// Runs `zkmodel chain fulfil`.
pub async fn fulfil(c: &Connection, args: &FulfilArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let file = WrappedProofFile::load(&args.wrapped)?;
    let calldata = verify_calldata(&file.wrapped, &file.wrapped.public_values);
    let (statement, proof) = decode_verify_calldata(&calldata)?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let call = market.fulfil(args.request_id, statement, proof);
    let claim = call.call().await.map_err(|e| call_error("fulfil", e))?;
    let gas = send!("fulfil", call);
    out.emit(
        &format!(
            "request {} fulfilled: claim {claim} ({gas} gas, verification included)",
            args.request_id
        ),
        serde_json::json!({ "claim_id": claim, "gas": gas }),
    );
    Ok(())
}

/// After its deadline, return an unanswered request's escrow to its buyer's balance (anyone
/// may call this).
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel chain refund --marketplace 0x… --request-id 2")]
pub struct RefundArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The request.
    #[arg(long)]
    pub request_id: U256,
}

/// Runs `zkmodel chain refund`.
pub async fn refund(c: &Connection, args: &RefundArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let gas = send!("refund", market.refund(args.request_id));
    out.emit(
        &format!(
            "request {} refunded to its buyer's balance ({gas} gas); the buyer withdraws it \
             with `zkmodel chain withdraw`",
            args.request_id
        ),
        serde_json::json!({ "request_id": args.request_id.to_string(), "gas": gas }),
    );
    Ok(())
}

/// Withdraw your balance (a seller's earnings, a buyer's refunds).
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel chain withdraw --marketplace 0x…")]
pub struct WithdrawArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
}

/// Runs `zkmodel chain withdraw`.
pub async fn withdraw(c: &Connection, args: &WithdrawArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, true).await?;
    let me = chain.from.context("a signing key is required")?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let amount = market
        .withdrawable(me)
        .call()
        .await
        .map_err(|e| call_error("withdrawable", e))?;
    let gas = send!("withdraw", market.withdraw());
    out.emit(
        &format!("withdrew {amount} wei to {me} ({gas} gas)"),
        serde_json::json!({ "amount": amount.to_string(), "account": me, "gas": gas }),
    );
    Ok(())
}
