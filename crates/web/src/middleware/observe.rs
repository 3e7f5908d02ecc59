//! Count, time and log each request: Prometheus metrics by method, route and status, and a log
//! line with the route pattern only (never the query string or form data, so no personal data).

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use std::time::Instant;

pub struct Metrics {
    pub(crate) registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub(crate) jobs: IntGaugeVec,
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
    let method = method_label(req.method());
    // MatchedPath holds an Arc<str>: cloning it is a reference count, not a copy.
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", |m| m.as_str());
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state
        .metrics
        .requests
        .with_label_values(&[method, route, res.status().as_str()])
        .inc();
    state
        .metrics
        .latency
        .with_label_values(&[route])
        .observe(secs);
    if status >= 500 {
        tracing::error!(target: "talentflyt::http", %method, %route, status, ms = secs * 1000.0, "request");
    } else {
        tracing::debug!(target: "talentflyt::http", %method, %route, status, ms = secs * 1000.0, "request");
    }
    res
}

/// The method as a metric label: the standard ones by name, anything else as `other`, so junk
/// methods cannot make unbounded label values.
pub fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let junk = Method::from_bytes(b"XYZZY-1").unwrap();
        assert_eq!(method_label(&junk), "other");
    }
}
