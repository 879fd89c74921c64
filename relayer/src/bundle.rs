//! Claim bundles: what a seller submits to the relayer, and the job each one becomes.
//!
//! A bundle names the marketplace, what to do (`attest` with the registered objects to pin,
//! or `fulfil` an escrowed request) and carries the wrapper's `verify(statement, proof)`
//! calldata (`zkmodel wrap --calldata`). Its idempotency key is the **statement** and its
//! pins (attest) or the request (fulfil), never the proof bytes: two proofs of one fact are
//! one claim, and resubmitting returns the job already accepted.

use crate::error::Error;
use crate::job::{JobKind, NewJob};
use alloy::primitives::{Address, Bytes, U256, keccak256};
use alloy::sol_types::{SolCall, SolValue};
use serde::Deserialize;
use zkmodel_chain::bindings::{Pins, Proof, Statement, ZkmodelMarketplace, decode_verify_calldata};

/// Domain tags of the idempotency keys.
const ATTEST_KEY: &str = "zkmodel.relayer.attest.v1";
const FULFIL_KEY: &str = "zkmodel.relayer.fulfil.v1";

/// The registered objects a claim pins (ids in the marketplace; 0 for a role the
/// architecture does not have).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinIds {
    /// The registered verifier of the proof's architecture.
    pub verifier: Address,
    /// The model (training: the trained model).
    pub model_id: U256,
    /// Accuracy: the test set; training: the training set.
    #[serde(default)]
    pub dataset_id: U256,
    /// Training: the initial model.
    #[serde(default)]
    pub initial_model_id: U256,
}

/// A submission.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Bundle {
    /// Record a claim.
    Attest {
        /// The marketplace.
        marketplace: Address,
        /// What the claim pins.
        pins: PinIds,
        /// `verify(statement, proof)` calldata from the wrapper.
        calldata: Bytes,
    },
    /// Answer an escrowed inference request.
    Fulfil {
        /// The marketplace.
        marketplace: Address,
        /// The request.
        request_id: U256,
        /// `verify(statement, proof)` calldata from the wrapper.
        calldata: Bytes,
    },
}

/// A bundle decoded: the verifier that must accept the proof, the statement and proof, and
/// the job that posts it.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The verifier the marketplace will call (attest: the pinned one; fulfil: the
    /// request's, read from the chain by the caller if needed).
    pub verifier: Option<Address>,
    /// The statement.
    pub statement: Statement,
    /// The proof.
    pub proof: Proof,
    /// The job.
    pub job: NewJob,
}

/// The idempotency key of fulfilling request `request_id` of `marketplace`: a request is
/// answered once, whatever the proof.
pub fn fulfil_key(
    chain_id: u64,
    marketplace: Address,
    request_id: U256,
) -> alloy::primitives::B256 {
    keccak256((FULFIL_KEY, U256::from(chain_id), marketplace, request_id).abi_encode_params())
}

impl Bundle {
    /// The marketplace the bundle is for.
    pub fn marketplace(&self) -> Address {
        match self {
            Self::Attest { marketplace, .. } | Self::Fulfil { marketplace, .. } => *marketplace,
        }
    }

    /// Decodes the proof calldata and builds the job for chain `chain_id`.
    pub fn prepare(&self, chain_id: u64) -> Result<Prepared, Error> {
        let decode = |c: &Bytes| {
            decode_verify_calldata(c).map_err(|e| Error::Bundle {
                reason: e.to_string(),
            })
        };
        match self {
            Self::Attest {
                marketplace,
                pins,
                calldata,
            } => {
                let (statement, proof) = decode(calldata)?;
                let pins = Pins {
                    verifier: pins.verifier,
                    modelId: pins.model_id,
                    datasetId: pins.dataset_id,
                    initialModelId: pins.initial_model_id,
                };
                let key = keccak256(
                    (
                        ATTEST_KEY,
                        U256::from(chain_id),
                        *marketplace,
                        pins.clone(),
                        statement.clone(),
                    )
                        .abi_encode_params(),
                );
                let call = ZkmodelMarketplace::attestCall {
                    pins: pins.clone(),
                    statement: statement.clone(),
                    proof: proof.clone(),
                };
                Ok(Prepared {
                    verifier: Some(pins.verifier),
                    statement,
                    proof,
                    job: NewJob {
                        key,
                        kind: JobKind::Attest,
                        target: *marketplace,
                        calldata: call.abi_encode().into(),
                        value: U256::ZERO,
                    },
                })
            }
            Self::Fulfil {
                marketplace,
                request_id,
                calldata,
            } => {
                let (statement, proof) = decode(calldata)?;
                let key = keccak256(
                    (FULFIL_KEY, U256::from(chain_id), *marketplace, *request_id)
                        .abi_encode_params(),
                );
                let call = ZkmodelMarketplace::fulfilCall {
                    requestId: *request_id,
                    statement: statement.clone(),
                    proof: proof.clone(),
                };
                Ok(Prepared {
                    verifier: None,
                    statement,
                    proof,
                    job: NewJob {
                        key,
                        kind: JobKind::Fulfil,
                        target: *marketplace,
                        calldata: call.abi_encode().into(),
                        value: U256::ZERO,
                    },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn calldata(public: u64) -> Bytes {
        use zkmodel_chain::bindings::verifier::IZkmodelVerifier as V;
        V::verifyCall {
            statement: V::Statement {
                commitments: vec![],
                publicValues: vec![U256::from(public)],
            },
            // Every field of the proof is a static word: 31 zero words decode to a zero proof.
            proof: <V::Proof as SolValue>::abi_decode(&[0u8; 31 * 32]).unwrap(),
        }
        .abi_encode()
        .into()
    }

    fn attest(calldata: Bytes, model: u64) -> Bundle {
        serde_json::from_value(serde_json::json!({
            "kind": "attest",
            "marketplace": Address::repeat_byte(1),
            "pins": { "verifier": Address::repeat_byte(2), "model_id": U256::from(model) },
            "calldata": calldata,
        }))
        .unwrap()
    }

    #[test]
    fn the_key_is_the_statement_and_pins_not_the_proof() {
        let a = attest(calldata(5), 1).prepare(31337).unwrap();
        let mut other_proof = calldata(5).to_vec();
        // After the selector: the statement's offset, then the proof's static words.
        other_proof[4 + 32 + 31] ^= 1;
        let b = attest(other_proof.into(), 1).prepare(31337).unwrap();
        assert_eq!(a.job.key, b.job.key);
        assert_ne!(a.job.calldata, b.job.calldata);
        assert_ne!(
            a.job.key,
            attest(calldata(6), 1).prepare(31337).unwrap().job.key
        );
        assert_ne!(
            a.job.key,
            attest(calldata(5), 2).prepare(31337).unwrap().job.key
        );
        assert_ne!(
            a.job.key,
            attest(calldata(5), 1).prepare(1).unwrap().job.key
        );
    }

    #[test]
    fn malformed_bundles_are_refused() {
        assert!(matches!(
            attest(Bytes::from(vec![1, 2, 3]), 1).prepare(1),
            Err(Error::Bundle { .. })
        ));
        let unknown = serde_json::from_value::<Bundle>(serde_json::json!({
            "kind": "attest", "marketplace": Address::ZERO, "pins": {}, "calldata": "0x", "extra": 1
        }));
        assert!(unknown.is_err());
    }
}
