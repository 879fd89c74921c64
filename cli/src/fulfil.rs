//! The seller's prover behind the relayer's watcher: answers escrowed inference requests for
//! one registered model with a fresh inference proof, wrapped for the chain.

use crate::common::{load_model, load_model_arch, load_srs};
use alloy::primitives::{Address, Bytes, U256};
use anyhow::{Context, Result, bail, ensure};
use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use std::time::Duration;
use zkmodel_prover::artifact;
use zkmodel_prover::field::encoding::{fr_to_word, word_to_fr_mod_r};
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{ModelArchitecture, ModelOpening};
use zkmodel_relayer::watcher::{Fulfiller, InferenceRequest, WatchConfig};
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::files::wrap_model;
use zkmodel_wrapper::groth16::Keys;

/// Serve escrowed inference requests for one model: all of these together, or none.
#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// Watch the marketplace for inference requests to fulfil (with the model flags below).
    #[arg(long)]
    pub watch: bool,
    /// The registered model served.
    #[arg(long)]
    pub model_id: Option<U256>,
    /// The registered inference verifier requests must name.
    #[arg(long)]
    pub verifier: Option<Address>,
    /// The inference architecture (public input, from `zkmodel architecture --public-input`).
    #[arg(long)]
    pub arch: Option<PathBuf>,
    /// The quantized model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The model's secret opening.
    #[arg(long)]
    pub opening: Option<PathBuf>,
    /// The SRS the model is committed under.
    #[arg(long)]
    pub srs: Option<PathBuf>,
    /// The inference architecture's Groth16 keys.
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// The first block to scan when the store has no cursor yet.
    #[arg(long, default_value_t = 0)]
    pub from_block: u64,
    /// Do not start a request whose deadline is closer than this many seconds.
    #[arg(long, default_value_t = 30)]
    pub deadline_margin: u64,
}

/// The loaded model and keys answering requests.
pub struct ModelFulfiller {
    model_id: U256,
    verifier: Address,
    arch: ModelArchitecture,
    q: QuantizedModel,
    opening: ModelOpening,
    srs: Srs,
    keys: Keys,
}

impl WatchArgs {
    /// The watcher's configuration and prover, or `None` when no `--watch` is given.
    pub fn load(
        &self,
        marketplace: Address,
        poll: Duration,
    ) -> Result<Option<(WatchConfig, ModelFulfiller)>> {
        if !self.watch {
            ensure!(
                self.model_id.is_none() && self.arch.is_none() && self.keys.is_none(),
                "--model-id, --arch and --keys serve requests: pass --watch too"
            );
            return Ok(None);
        }
        let need = |v: &Option<PathBuf>, flag: &str| -> Result<PathBuf> {
            v.clone()
                .with_context(|| format!("--watch needs {flag} to prove requests"))
        };
        let (arch, model, opening, srs, keys) = (
            need(&self.arch, "--arch")?,
            need(&self.model, "--model")?,
            need(&self.opening, "--opening")?,
            need(&self.srs, "--srs")?,
            need(&self.keys, "--keys")?,
        );
        let arch = load_model_arch(&arch)?;
        arch.check_requestable().with_context(|| {
            format!(
                "{} cannot answer escrowed requests",
                self.arch
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )
        })?;
        let srs = load_srs(&srs)?;
        let opening: ModelOpening = artifact::load(artifact::MODEL_OPENING, &opening)?;
        opening
            .check(&srs, &arch)
            .context("the opening does not fit the architecture")?;
        let id = Architecture::Model(arch.clone()).id(&srs);
        let keys = Keys::load(&id, &keys).context("loading the inference keys")?;
        let fulfiller = ModelFulfiller {
            model_id: self.model_id.context("--watch needs --model-id")?,
            verifier: self.verifier.context("--watch needs --verifier")?,
            q: load_model(&model)?,
            arch,
            opening,
            srs,
            keys,
        };
        let config = WatchConfig {
            marketplace,
            from_block: self.from_block,
            poll_interval: poll,
            deadline_margin: Duration::from_secs(self.deadline_margin),
        };
        Ok(Some((config, fulfiller)))
    }
}

/// A chain word as a field element, refusing non-canonical words.
pub fn word_to_fr(w: &U256) -> Result<Fr> {
    let bytes = w.to_be_bytes::<32>();
    let f = word_to_fr_mod_r(&bytes);
    if fr_to_word(&f) != bytes {
        bail!("{w} is not a field element (≥ the BN254 scalar modulus)");
    }
    Ok(f)
}

impl ModelFulfiller {
    fn prove_request(&self, request: &InferenceRequest) -> Result<Bytes> {
        ensure!(
            request.input.x.is_zero() && request.input.y.is_zero(),
            "request {} commits its input: the data never reached this relayer",
            request.id
        );
        let words = request
            .input_words
            .iter()
            .map(word_to_fr)
            .collect::<Result<Vec<_>>>()?;
        let ex = self.arch.request_examples(&words)?;
        let mut rng = ChaCha20Rng::from_entropy();
        let (file, _) =
            self.arch
                .prove_examples(&self.srs, &self.q, &self.opening, &ex, &mut rng)?;
        let wrapped = wrap_model(&self.keys, &self.srs, &file, &mut rng)?;
        Ok(verify_calldata(&wrapped.wrapped, &wrapped.wrapped.public_values).into())
    }
}

impl Fulfiller for ModelFulfiller {
    fn serves(&self, request: &InferenceRequest) -> bool {
        request.model_id == self.model_id && request.verifier == self.verifier
    }

    fn prove(&self, request: &InferenceRequest) -> Result<Bytes, String> {
        self.prove_request(request).map_err(|e| format!("{e:#}"))
    }
}
