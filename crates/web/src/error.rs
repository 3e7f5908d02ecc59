//! One error type for the web layer. Users see a page in their language with the right status;
//! operators see the cause of internal errors in the log.

use crate::extract::lang::lang_from_headers;
use crate::i18n;
use crate::view::{MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// What went wrong, as the user is told. Operators see the cause in the log.
#[derive(Debug, Clone)]
pub enum AppError {
    NotFound,
    Forbidden,
    BadRequest,
    /// The form's CSRF token is missing or stale.
    FormExpired,
    /// The posting no longer takes applications.
    Closed,
    /// Over a rate limit; try again after this long.
    TooManyRequests(std::time::Duration),
    /// A rule refused the change; the message key says which.
    Refused(&'static str),
    Internal(String),
}

impl From<talentflyt_store::StoreError> for AppError {
    fn from(e: talentflyt_store::StoreError) -> Self {
        match e {
            talentflyt_store::StoreError::NotFound => AppError::NotFound,
            talentflyt_store::StoreError::Conflict(_) => AppError::BadRequest,
            talentflyt_store::StoreError::Refused(r) => AppError::Refused(r.key()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(format!("session: {e}"))
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::FormExpired => StatusCode::FORBIDDEN,
            AppError::Closed => StatusCode::GONE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    fn keys(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("error.page.not_found.title", "error.page.not_found.text"),
            AppError::Forbidden => ("error.page.forbidden.title", "error.page.forbidden.text"),
            AppError::BadRequest => (
                "error.page.bad_request.title",
                "error.page.bad_request.text",
            ),
            AppError::FormExpired => ("error.page.expired.title", "error.page.expired.text"),
            AppError::Closed => ("error.page.closed.title", "error.page.closed.text"),
            AppError::TooManyRequests(_) => ("error.page.rate_limited.title", "error.rate_limited"),
            AppError::Refused(key) => ("error.page.refused.title", key),
            AppError::Internal(_) => ("error.page.internal.title", "error.page.internal.text"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut r = self.status().into_response();
        if let AppError::TooManyRequests(wait) = &self {
            set_retry_after(&mut r, wait);
        }
        r.extensions_mut().insert(self);
        r
    }
}

/// Turns an [`AppError`] into a page in the reader's language and the organisation's look.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // What the error page needs, kept cheaply (header values and the URI share their bytes);
    // the language is worked out only when there is an error to show.
    let mut lang_headers = HeaderMap::new();
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE] {
        if let Some(v) = req.headers().get(&name) {
            lang_headers.insert(name, v.clone());
        }
    }
    let uri = req.uri().clone();
    let mut res = next.run(req).await;
    let err = match res.extensions_mut().remove::<AppError>() {
        Some(e) => e,
        // Rejections from axum's extractors (a malformed id, query or form) are plain text in
        // English; answer them with a page in the reader's language too.
        None if res.status().is_client_error() && !is_html(&res) => match res.status() {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => AppError::NotFound,
            _ => AppError::BadRequest,
        },
        None => return res,
    };
    let lang = lang_from_headers(&lang_headers);
    let path = uri.path().to_owned();
    let (title, text) = err.keys();
    let page = MessagePage {
        p: PageCtx::new(&state, lang, i18n::t(lang, title), path),
        heading: i18n::t(lang, title).to_owned(),
        paragraphs: match &err {
            AppError::TooManyRequests(wait) => vec![
                i18n::t(lang, text).to_owned(),
                i18n::count(
                    lang,
                    wait.as_secs().div_ceil(60).max(1) as i64,
                    "error.rate_limited_wait_one",
                    "error.rate_limited_wait_many",
                ),
            ],
            _ => vec![i18n::t(lang, text).to_owned()],
        },
        link_href: "/jobs".into(),
        link_text: i18n::t(lang, "error.page.back").to_owned(),
    };
    let status = res.status();
    match page.render() {
        Ok(html) => {
            let mut out = (status, Html(html)).into_response();
            if let Some(v) = res.headers().get(header::RETRY_AFTER) {
                out.headers_mut().insert(header::RETRY_AFTER, v.clone());
            }
            out.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            out
        }
        Err(_) => res,
    }
}

/// `Retry-After` in whole seconds (at least one).
pub fn set_retry_after(r: &mut Response, wait: &std::time::Duration) {
    let secs = wait.as_secs().max(1) + u64::from(wait.subsec_nanos() > 0);
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
