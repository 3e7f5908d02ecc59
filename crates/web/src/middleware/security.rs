//! Security headers on every answer.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

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
    if state.cfg.base_url.starts_with("https://") {
        // Browsers remember for a year to come only over HTTPS.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
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
