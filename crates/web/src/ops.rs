//! Operations: health, readiness and Prometheus metrics.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, TextEncoder};
use subtle::ConstantTimeEq;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Anyone who can reach the server (it listens on loopback only, or the operator said so).
    Open,
    /// Requests with `Authorization: Bearer <token>`.
    Token(String),
    /// Nobody: the server listens beyond loopback and no token is set.
    Closed,
}

pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let allowed = match &state.cfg.metrics {
        MetricsAccess::Open => true,
        MetricsAccess::Closed => false,
        MetricsAccess::Token(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            bool::from(given.as_bytes().ct_eq(token.as_bytes()))
        }
    };
    if !allowed {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics need a token (TALENTFLYT_METRICS_TOKEN)",
        )
            .into_response();
    }
    if let Ok(c) = state.store.queue_counts().await {
        for (s, n) in [
            ("queued", c.queued),
            ("running", c.running),
            ("failed", c.failed),
            ("done", c.done),
        ] {
            state.metrics.jobs.with_label_values(&[s]).set(n);
        }
    }
    let mut buf = Vec::new();
    if TextEncoder::new()
        .encode(&state.metrics.registry.gather(), &mut buf)
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], buf).into_response()
}
