//! The reader's language.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};
use talentflyt_domain::Lang;

/// The reader's language: the `lang` cookie, else `Accept-Language`, else bokmål.
#[derive(Debug, Clone, Copy)]
pub struct ReqLang(pub Lang);

pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    if let Some(cookies) = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
        for c in cookies.split(';') {
            if let Some(v) = c.trim().strip_prefix("lang=") {
                if let Some(l) = Lang::parse(v) {
                    return l;
                }
            }
        }
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(lang_from_headers(&parts.headers)))
    }
}
