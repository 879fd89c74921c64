//! The relayer's native pre-check of attest bundles: Groth16 and the KZG pairing with the
//! operator's keys and SRS, before a proof is simulated and posted.

use crate::common::{load_arch, load_srs};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_relayer::api::ProofCheck;
use zkmodel_wrapper::files::precheck_calldata;
use zkmodel_wrapper::groth16::Keys;

/// Keys by architecture id, under one SRS.
pub struct KeysCheck {
    srs: Srs,
    by_id: HashMap<[u8; 32], (Architecture, Keys)>,
}

impl KeysCheck {
    /// Loads `ARCH.json:KEYS` pairs under `srs`.
    pub fn load(pairs: &[String], srs: &Path) -> Result<Self> {
        let srs = load_srs(srs)?;
        let mut by_id = HashMap::new();
        for pair in pairs {
            let Some((arch, keys)) = pair.split_once(':') else {
                bail!("--check {pair}: expected ARCHITECTURE.json:KEYS");
            };
            let arch = load_arch(&PathBuf::from(arch))?;
            let id = arch.id(&srs);
            let keys = Keys::load(&id, Path::new(keys))
                .with_context(|| format!("--check {pair}: the keys are not this architecture's"))?;
            by_id.insert(id, (arch, keys));
        }
        Ok(Self { srs, by_id })
    }
}

impl ProofCheck for KeysCheck {
    fn check(&self, architecture: [u8; 32], calldata: &[u8]) -> Result<bool, String> {
        let Some((arch, keys)) = self.by_id.get(&architecture) else {
            return Ok(false);
        };
        precheck_calldata(keys, &self.srs, arch, calldata).map_err(|e| e.to_string())?;
        Ok(true)
    }
}
