//! The Content-Security-Policy. The security headers themselves are tower-http layers, set in
//! `lib.rs` around the whole router.

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
