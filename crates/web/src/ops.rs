//! Operations: health, readiness, Prometheus metrics, request logs without personal data,
//! and security headers on every answer.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::time::Instant;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    jobs: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "talentflyt_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "talentflyt_http_request_duration_seconds",
                "Time to answer, by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route"],
        )
        .expect("metric");
        let jobs = IntGaugeVec::new(
            Opts::new("talentflyt_jobs", "Jobs in the durable queue by status"),
            &["status"],
        )
        .expect("metric");
        registry
            .register(Box::new(requests.clone()))
            .expect("register");
        registry
            .register(Box::new(latency.clone()))
            .expect("register");
        registry.register(Box::new(jobs.clone())).expect("register");
        Metrics {
            registry,
            requests,
            latency,
            jobs,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Count, time and log each request. The log has the route pattern (`/jobs/{id}`), never the
/// query string or form data, so no personal data reaches it.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state
        .metrics
        .requests
        .with_label_values(&[method.as_str(), &route, &status.to_string()])
        .inc();
    state
        .metrics
        .latency
        .with_label_values(&[&route])
        .observe(secs);
    if status >= 500 {
        tracing::error!(target: "talentflyt::http", %method, %route, status, ms = secs * 1000.0, "request");
    } else {
        tracing::debug!(target: "talentflyt::http", %method, %route, status, ms = secs * 1000.0, "request");
    }
    res
}

/// Security headers on every answer. Pages that say nothing about caching are not stored
/// (staff pages hold personal data; forms hold CSRF tokens); public pages and assets set their own.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&state.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The Content-Security-Policy: everything from this site; forms may also go to the OIDC issuer.
pub fn content_security_policy(oidc_issuer: Option<&str>) -> String {
    let issuer_origin = oidc_issuer
        .and_then(|i| {
            let rest = i.split_once("://")?;
            let host = rest.1.split('/').next()?;
            Some(format!(" {}://{host}", rest.0))
        })
        .unwrap_or_default();
    format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'{issuer_origin}; frame-ancestors 'none'; base-uri 'self'"
    )
}

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

pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &state.cfg.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let same = given.len() == token.len()
            && given
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "metrics need a token",
            )
                .into_response();
        }
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
