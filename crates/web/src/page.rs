//! What every page shares: the organisation's look, the reader's language, the signed-in person,
//! form errors, and one error type that becomes an error page in the reader's language.

use crate::i18n;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use talentflyt_domain::{Invalid, Lang};

/// The organisation's visual profile, from configuration.
#[derive(Debug, Clone)]
pub struct Brand {
    pub org_name: String,
    pub logo_path: Option<PathBuf>,
    /// Used for buttons, links and the header; must reach 4.5:1 against white.
    pub primary_color: String,
    pub accent_color: String,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            org_name: "Oslo universitetssykehus".into(),
            logo_path: None,
            primary_color: "#0b4f8a".into(),
            accent_color: "#e8f1f8".into(),
        }
    }
}

/// Where to go after an action: only a path on this site, never an open redirect. Control
/// characters are refused too, since browsers drop a tab and `/\t/evil.example` becomes
/// `//evil.example`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

/// `?next=…` on pages that send the reader on afterwards.
#[derive(serde::Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Sort key for Norwegian alphabetical order: æ, ø, å come after z (code points put å first).
pub fn nb_sort_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            c => c,
        })
        .collect()
}

/// `(value, label, selected)` for a `<select>`.
pub type Options = Vec<(String, String, bool)>;

/// Every profession, in the reader's language and alphabetical order.
pub fn profession_options(lang: Lang, selected: &str) -> Options {
    let mut v: Options = talentflyt_domain::profession::PROFESSIONS
        .iter()
        .map(|p| {
            (
                p.code.to_owned(),
                p.name(lang).to_owned(),
                p.code == selected,
            )
        })
        .collect();
    v.sort_by_cached_key(|o| nb_sort_key(&o.1));
    v
}

pub fn engagement_options(lang: Lang, selected: &str) -> Options {
    use talentflyt_domain::posting::Engagement;
    [Engagement::Permanent, Engagement::Temporary]
        .into_iter()
        .map(|e| {
            (
                e.as_str().to_owned(),
                i18n::t(lang, e.label_key()).to_owned(),
                e.as_str() == selected,
            )
        })
        .collect()
}

/// Numbered pages of a list: how many there are, and links to the neighbours.
pub struct Pager {
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub text: String,
}

/// How many pages `total` items make at `size` a page (at least one).
pub fn page_count(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size).max(1)
}

impl Pager {
    pub fn new(lang: Lang, page: i64, pages: i64, href: impl Fn(i64) -> String) -> Pager {
        Pager {
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: (page < pages).then(|| href(page + 1)),
            text: i18n::tf(
                lang,
                "jobs.page_of",
                &[("page", &page.to_string()), ("pages", &pages.to_string())],
            ),
        }
    }
}

/// A form whose only field is the CSRF token (publish, sign out).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// A colour as `#rgb` or `#rrggbb`; anything else could break out of the style sheet.
pub fn valid_color(c: &str) -> bool {
    let hex = c.strip_prefix('#').unwrap_or("");
    (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit())
}

/// The WCAG contrast ratio of two `#rgb`/`#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    fn luminance(c: &str) -> f64 {
        let hex = c.trim_start_matches('#');
        let hex: String = if hex.len() == 3 {
            hex.chars().flat_map(|ch| [ch, ch]).collect()
        } else {
            hex.to_owned()
        };
        let channel = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The style sheet with the brand's colours, and the logo, read once at start.
#[derive(Debug)]
pub struct Assets {
    pub css: Bytes,
    pub css_version: String,
    pub logo: Option<(Bytes, &'static str)>,
}

impl Assets {
    pub fn load(brand: &Brand) -> anyhow::Result<Assets> {
        for c in [&brand.primary_color, &brand.accent_color] {
            anyhow::ensure!(valid_color(c), "colour {c:?} is not of the form #rrggbb");
        }
        // WCAG 2.1 1.4.3: white text on the primary colour, dark text on the accent.
        let on_primary = contrast(&brand.primary_color, "#ffffff");
        anyhow::ensure!(
            on_primary >= 4.5,
            "primary colour {} has contrast {on_primary:.1}:1 against white; WCAG AA needs 4.5:1",
            brand.primary_color
        );
        let on_accent = contrast(&brand.accent_color, "#1a1a1a");
        anyhow::ensure!(on_accent >= 4.5, "accent colour {} has contrast {on_accent:.1}:1 against the text colour; WCAG AA needs 4.5:1", brand.accent_color);
        let css = include_str!("../static/app.css")
            .replace("#0b4f8a", &brand.primary_color)
            .replace("#e8f1f8", &brand.accent_color);
        let css_version = hex::encode(&Sha256::digest(css.as_bytes())[..6]);
        let logo = match &brand.logo_path {
            None => None,
            Some(p) => {
                let bytes =
                    std::fs::read(p).map_err(|e| anyhow::anyhow!("logo {}: {e}", p.display()))?;
                let mime = if bytes.starts_with(b"\x89PNG") {
                    "image/png"
                } else if bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml") {
                    "image/svg+xml"
                } else if bytes.starts_with(b"\xff\xd8") {
                    "image/jpeg"
                } else {
                    anyhow::bail!("logo {} is not a PNG, JPEG or SVG", p.display())
                };
                Some((Bytes::from(bytes), mime))
            }
        };
        Ok(Assets {
            css: Bytes::from(css),
            css_version,
            logo,
        })
    }
}

pub async fn css(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        state.assets.css.clone(),
    )
        .into_response()
}

pub async fn logo(State(state): State<AppState>) -> Result<Response, AppError> {
    let (bytes, mime) = state.assets.logo.clone().ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

/// The brand as templates see it.
pub struct BrandView {
    pub org_name: String,
    pub has_logo: bool,
}

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

/// Everything the layout needs.
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub brand: BrandView,
    pub css_version: String,
    /// Path and query of this page, for the language switch to come back to.
    pub path: String,
    pub user: Option<String>,
    pub csrf: String,
}

impl PageCtx {
    pub fn new(
        state: &AppState,
        lang: Lang,
        title: impl Into<String>,
        path: impl Into<String>,
    ) -> PageCtx {
        PageCtx {
            lang,
            title: title.into(),
            brand: BrandView {
                org_name: state.cfg.brand.org_name.clone(),
                has_logo: state.assets.logo.is_some(),
            },
            css_version: state.assets.css_version.clone(),
            path: path.into(),
            user: None,
            csrf: String::new(),
        }
    }

    pub fn t(&self, key: &'static str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            urlencoding::encode(&self.path)
        )
    }
}

/// One message per field, in the reader's language, in form order.
#[derive(Default)]
pub struct Errors {
    pub items: Vec<FieldError>,
}

pub struct FieldError {
    pub field: &'static str,
    /// The field's label, so the summary says which field ("Fornavn: Fyll ut feltet.").
    pub label: &'static str,
    pub message: String,
}

/// The label key of each form field that can have an error.
fn field_label_key(field: &str) -> &'static str {
    match field {
        "given_name" => "apply.given_name",
        "family_name" => "apply.family_name",
        "email" => "apply.email",
        "cv" => "apply.cv",
        "title" => "posting.title",
        "body" => "posting.body",
        "unit_id" => "posting.unit",
        "profession" => "posting.profession",
        "engagement" => "posting.engagement",
        "extent_percent" => "posting.extent",
        "positions" => "posting.positions",
        "deadline" => "posting.deadline",
        _ => "",
    }
}

impl Errors {
    pub fn from_invalid(lang: Lang, errs: &[Invalid]) -> Errors {
        let mut out = Errors::default();
        for e in errs {
            out.add(lang, e.field, i18n::t(lang, e.key).to_owned());
        }
        out
    }
    pub fn add(&mut self, lang: Lang, field: &'static str, message: String) {
        if !self.has(field) {
            let key = field_label_key(field);
            let label = if key.is_empty() {
                ""
            } else {
                i18n::t(lang, key)
            };
            self.items.push(FieldError {
                field,
                label,
                message,
            });
        }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Render a template to a response, or an internal error.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(
        t.render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))?,
    )
    .into_response())
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, AppError> {
    let mut r = render(t)?;
    *r.status_mut() = status;
    Ok(r)
}

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
    Internal(String),
}

impl From<talentflyt_store::StoreError> for AppError {
    fn from(e: talentflyt_store::StoreError) -> Self {
        match e {
            talentflyt_store::StoreError::NotFound => AppError::NotFound,
            talentflyt_store::StoreError::Conflict(_) => AppError::BadRequest,
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
        r.extensions_mut().insert(self);
        r
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub p: PageCtx,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link_href: String,
    pub link_text: String,
}

/// Turns an [`AppError`] into a page in the reader's language and the organisation's look.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang_from_headers(req.headers());
    let path = req.uri().path().to_owned();
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
    let (title, text) = err.keys();
    let page = MessagePage {
        p: PageCtx::new(&state, lang, i18n::t(lang, title), path),
        heading: i18n::t(lang, title).to_owned(),
        paragraphs: vec![i18n::t(lang, text).to_owned()],
        link_href: "/jobs".into(),
        link_text: i18n::t(lang, "error.page.back").to_owned(),
    };
    let status = res.status();
    match page.render() {
        Ok(html) => {
            let mut out = (status, Html(html)).into_response();
            out.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            out
        }
        Err(_) => res,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_never_an_open_redirect() {
        assert_eq!(
            safe_next(Some("/admin/postings/3?x=1"), "/admin"),
            "/admin/postings/3?x=1"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad), "/admin"), "/admin", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/jobs"), "/jobs");
    }

    #[test]
    fn brand_colours_must_be_readable() {
        assert!((contrast("#000", "#fff") - 21.0).abs() < 0.01);
        assert!(contrast("#0b4f8a", "#ffffff") >= 4.5);
        let pale = Brand {
            primary_color: "#7fb2e5".into(),
            ..Brand::default()
        };
        assert!(Assets::load(&pale)
            .unwrap_err()
            .to_string()
            .contains("4.5:1"));
        assert!(Assets::load(&Brand::default()).is_ok());
    }

    #[test]
    fn norwegian_letters_sort_after_z() {
        let mut v = vec!["Åse", "Ørjan", "Zara", "Ærlig", "anne"];
        v.sort_by_cached_key(|s| nb_sort_key(s));
        assert_eq!(v, ["anne", "Zara", "Ærlig", "Ørjan", "Åse"]);
        let opts = profession_options(Lang::Nb, "midwife");
        assert!(opts.iter().any(|o| o.0 == "midwife" && o.2));
    }
}
