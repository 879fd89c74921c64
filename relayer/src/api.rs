//! The HTTP API (axum, JSON in and out).
//!
//! | method and path        | auth   | what                                                    |
//! |------------------------|--------|---------------------------------------------------------|
//! | `POST /v1/jobs`        | bearer | submit a [`Bundle`]; 202 with the new job, 200 with the job already accepted for the same statement |
//! | `GET /v1/jobs/{id}`    | bearer | a job and its transactions                              |
//! | `GET /v1/jobs`         | bearer | jobs by id (`?state=sent&after=0&limit=100`)            |
//! | `GET /v1/status`       | none   | chain id, signer, job counts                            |
//!
//! A bundle is validated before anything is stored: decoded (400), checked natively by the
//! operator's [`ProofCheck`] if one is configured (422), and simulated against the latest
//! block so a proof the contract would refuse is refused here with the decoded custom error
//! (422) and never costs gas. Errors are `{"error": "...", "code": "..."}`.

use crate::bundle::Bundle;
use crate::error::Error;
use crate::job::JobState;
use crate::queue::Queue;
use alloy::primitives::Address;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;

/// Largest request body accepted (a wrapped proof's calldata is a few KiB).
pub const BODY_LIMIT: usize = 256 * 1024;

/// A native check of an attest bundle's proof, run before simulation with the operator's keys
/// and SRS (the relayer itself knows nothing of the proof system).
pub trait ProofCheck: Send + Sync {
    /// Checks `verify(statement, proof)` calldata for the architecture `architecture` (the id
    /// the bundle's verifier reports): `Ok(true)` checked, `Ok(false)` no keys for it (the
    /// simulation still runs the contract's own check), `Err` why the proof fails.
    fn check(&self, architecture: [u8; 32], calldata: &[u8]) -> Result<bool, String>;
}

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// Where accepted jobs go.
    pub queue: Queue,
    /// The only marketplace this relayer posts to.
    pub marketplace: Address,
    /// Required in `Authorization: Bearer …`.
    pub token: Arc<str>,
    /// The optional native check.
    pub check: Option<Arc<dyn ProofCheck>>,
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    // The token is checked before any body is read.
    let guarded = Router::new()
        .route("/v1/jobs", get(list).post(submit))
        .route("/v1/jobs/{id}", get(show))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), guard));
    Router::new()
        .merge(guarded)
        .route("/v1/status", get(status))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn guard(
    State(state): State<ApiState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, ApiError> {
    authorize(&state, request.headers())?;
    Ok(next.run(request).await)
}

/// An error response.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message, "code": self.code })),
        )
            .into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let (status, code) = match &e {
            Error::Bundle { .. } => (StatusCode::BAD_REQUEST, "bad_bundle"),
            Error::Proof { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "proof_rejected"),
            Error::Reverted { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "reverted"),
            Error::Unavailable { .. } | Error::Rpc(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "node_unavailable")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        Self {
            status,
            code,
            message: e.to_string(),
        }
    }
}

fn authorize(state: &ApiState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare without an early exit, so timing does not reveal a prefix of the token.
    let (a, b) = (given.as_bytes(), state.token.as_bytes());
    let diff = a
        .iter()
        .zip(b)
        .fold(a.len() ^ b.len(), |d, (x, y)| d | usize::from(x ^ y));
    if diff == 0 && !b.is_empty() {
        Ok(())
    } else {
        Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "missing or wrong bearer token (Authorization: Bearer <token>)".into(),
        })
    }
}

async fn submit(
    State(state): State<ApiState>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let redact = |e: Error| {
        let mut a = ApiError::from(e);
        a.message = state.queue.node.redact(a.message);
        a
    };
    let bundle: Bundle = serde_json::from_slice(&body).map_err(|e| Error::Bundle {
        reason: e.to_string(),
    })?;
    if bundle.marketplace() != state.marketplace {
        return Err(Error::Bundle {
            reason: format!(
                "this relayer posts to the marketplace {} only, not {}",
                state.marketplace,
                bundle.marketplace()
            ),
        }
        .into());
    }
    let prepared = bundle.prepare(state.queue.node.chain_id)?;
    if let Some(job) = state.queue.store.job_by_key(&prepared.job.key)? {
        return Ok((StatusCode::OK, Json(job)).into_response());
    }
    if let (Some(check), Some(verifier), Bundle::Attest { calldata, .. }) =
        (state.check.clone(), prepared.verifier, &bundle)
    {
        let v = zkmodel_chain::bindings::verifier::IZkmodelVerifier::new(
            verifier,
            state.queue.node.provider.clone(),
        );
        let architecture = v.info().call().await.map_err(|e| {
            redact(Error::Reverted {
                error: format!("info() of the verifier {verifier}: {e}"),
            })
        })?;
        let calldata = calldata.clone();
        let checked = tokio::task::spawn_blocking(move || {
            check.check(architecture.architecture.0, &calldata)
        })
        .await
        .map_err(|e| Error::Proof {
            reason: format!("the check panicked: {e}"),
        })?
        .map_err(|reason| Error::Proof { reason })?;
        if !checked {
            tracing::debug!(%verifier, "no keys for this architecture: simulation only");
        }
    }
    let (job, created) = state.queue.accept(&prepared.job).await.map_err(redact)?;
    let status = if created {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(job)).into_response())
}

async fn show(State(state): State<ApiState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let job = state.queue.store.job(id)?.ok_or_else(|| ApiError {
        status: StatusCode::NOT_FOUND,
        code: "not_found",
        message: format!("no job {id}"),
    })?;
    let txs = state.queue.store.txs(id)?;
    Ok(Json(serde_json::json!({ "job": job, "txs": txs })).into_response())
}

/// `GET /v1/jobs` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    state: Option<String>,
    #[serde(default)]
    after: i64,
    limit: Option<u32>,
}

async fn list(
    State(state): State<ApiState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let filter = q
        .state
        .as_deref()
        .map(str::parse::<JobState>)
        .transpose()
        .map_err(|reason| ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_query",
            message: reason,
        })?;
    let jobs = state
        .queue
        .store
        .list(filter, q.after, q.limit.unwrap_or(100).min(1000))?;
    Ok(Json(jobs).into_response())
}

async fn status(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let counts: serde_json::Map<String, serde_json::Value> = state
        .queue
        .store
        .counts()?
        .into_iter()
        .map(|(s, n)| (s.to_string(), n.into()))
        .collect();
    Ok(Json(serde_json::json!({
        "chain_id": state.queue.node.chain_id,
        "signer": state.queue.node.from,
        "jobs": counts,
    }))
    .into_response())
}
