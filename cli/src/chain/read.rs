//! `zkmodel chain claims`: a buyer's view of a model's verified claims.

use super::{Chain, Connection, call_error};
use crate::Output;
use alloy::primitives::{Address, U256};
use anyhow::Result;
use zkmodel_chain::bindings::ZkmodelMarketplace;

/// A model's verified claims as a buyer should read them: each with its statement kind, its
/// public values, the verifier's code hash and key origin, and who published the dataset it
/// is about. A claim means something only if you trust that verifier's code (regenerate it
/// from the published keys and compare the code hash) and the dataset's publisher.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel chain claims --marketplace 0x… --model-id 1 --json")]
pub struct ClaimsArgs {
    /// The marketplace.
    #[arg(long)]
    pub marketplace: Address,
    /// The model.
    #[arg(long)]
    pub model_id: U256,
    /// A verifier you built yourself (forge artifact of `zkmodel export-verifier` output from
    /// the seller's published architecture and keys); repeatable. Each claim then says whether
    /// its verifier's deployed code is one of yours, byte for byte.
    #[arg(long = "trust-code", value_name = "ARTIFACT")]
    pub trust_code: Vec<std::path::PathBuf>,
}

fn kind_name(kind: u8) -> &'static str {
    match kind {
        0 => "inference",
        1 => "accuracy",
        2 => "training",
        _ => "unknown",
    }
}

/// Runs `zkmodel chain claims`.
pub async fn claims(c: &Connection, args: &ClaimsArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(c, false).await?;
    let trusted = args
        .trust_code
        .iter()
        .map(|p| {
            Ok((
                zkmodel_chain::deploy::runtime_code_hash_at(p)?,
                p.display().to_string(),
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let market = ZkmodelMarketplace::new(args.marketplace, chain.provider.clone());
    let model = market
        .model(args.model_id)
        .call()
        .await
        .map_err(|e| call_error("model", e))?;
    let count = market
        .claimCount(args.model_id)
        .call()
        .await
        .map_err(|e| call_error("claimCount", e))?;
    let mut text = format!(
        "model {} of seller {}: price {} wei, {}{}\n  commitment x {:#066x}\n  {} claim(s)",
        args.model_id,
        model.seller,
        model.price,
        if model.active { "active" } else { "inactive" },
        if model.seeded { ", seeded" } else { "" },
        model.commitment.x,
        count
    );
    let mut list = Vec::new();
    let page = U256::from(50u64);
    let mut start = U256::ZERO;
    while start < count {
        let ids = market
            .claimsOf(args.model_id, start, page)
            .call()
            .await
            .map_err(|e| call_error("claimsOf", e))?;
        for id in ids {
            let claim = market
                .claim(id)
                .call()
                .await
                .map_err(|e| call_error("claim", e))?;
            let arch = market
                .architectureOf(claim.pins.verifier)
                .call()
                .await
                .map_err(|e| call_error("architectureOf", e))?;
            let dataset = if claim.pins.datasetId.is_zero() {
                None
            } else {
                Some(
                    market
                        .dataset(claim.pins.datasetId)
                        .call()
                        .await
                        .map_err(|e| call_error("dataset", e))?,
                )
            };
            let info = &arch.info;
            let kind = kind_name(claim.kind);
            let values: Vec<String> = claim.publicValues.iter().map(|v| v.to_string()).collect();
            let summary = match (kind, claim.publicValues.first()) {
                ("accuracy", Some(c)) => format!("{c} of {} correct", info.rows),
                ("training", _) => format!(
                    "trained from model {} on dataset {}",
                    claim.pins.initialModelId, claim.pins.datasetId
                ),
                _ => format!("public words {values:?}"),
            };
            let warning = if info.developmentKeys || info.developmentSrs {
                "  INSECURE development keys/SRS: anyone could have forged this"
            } else {
                ""
            };
            let built = trusted
                .iter()
                .find(|(h, _)| *h == claim.codeHash)
                .map(|(_, p)| p.clone());
            let code_note = match (&built, trusted.is_empty()) {
                (Some(p), _) => format!("\n    verifier code matches your build {p}"),
                (None, false) => {
                    "\n    verifier code is NOT one of your builds: do not rely on this claim"
                        .into()
                }
                (None, true) => String::new(),
            };
            text.push_str(&format!(
                "\n  - {kind} claim {id}: {summary}\n    verifier {} (code hash {}){warning}\n    {}{code_note}",
                claim.pins.verifier, claim.codeHash, info.description
            ));
            if let Some(d) = &dataset {
                text.push_str(&format!(
                    "\n    dataset {} published by {} ({} examples)",
                    claim.pins.datasetId, d.publisher, d.examples
                ));
            }
            list.push(serde_json::json!({
                "claim_id": id,
                "kind": kind,
                "public_values": values,
                "verifier": claim.pins.verifier,
                "code_hash": claim.codeHash,
                "code_matches_build": built,
                "architecture_id": info.architecture,
                "description": info.description,
                "rows": info.rows.to_string(),
                "development_keys": info.developmentKeys,
                "development_srs": info.developmentSrs,
                "dataset_id": claim.pins.datasetId.to_string(),
                "dataset_publisher": dataset.as_ref().map(|d| d.publisher),
                "initial_model_id": claim.pins.initialModelId.to_string(),
                "submitter": claim.submitter,
                "block": claim.blockNumber,
            }));
        }
        start += page;
    }
    out.emit(
        &text,
        serde_json::json!({
            "model_id": args.model_id.to_string(),
            "seller": model.seller,
            "price": model.price.to_string(),
            "active": model.active,
            "seeded": model.seeded,
            "claims": list,
        }),
    );
    Ok(())
}
