//! The career site: open postings and search, one ad, the application form and its receipt, the
//! language switch and the accessibility statement. Public pages are served through the page
//! cache ([`crate::middleware::cache`]).

pub mod ad;
pub mod alerts;
pub mod applicant_list;
pub mod apply;
pub mod clinics;
pub mod feeds;
pub mod index;
pub mod internal;
pub mod portal;
pub mod references;
pub mod search;
pub mod share;
pub mod structured;
pub mod survey;
pub mod text;

use crate::error::AppError;
use crate::extract::{safe_next, NextQuery, ReqLang};
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::{MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use talentflyt_domain::posting::PublicView;
use talentflyt_domain::Lang;
use talentflyt_store::Posting;

pub async fn root() -> Redirect {
    Redirect::to("/jobs")
}

/// Serve a public page from the cache, or render (and, if `key` allows, keep) it.
pub(crate) async fn cached<F, Fut>(
    state: &AppState,
    lang: Lang,
    key: Cacheable,
    render: F,
) -> Result<Response, AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, AppError>>,
{
    cached_as(state, lang, key, "text/html; charset=utf-8", render).await
}

/// [`cached`] for a body of another type (feeds, the sitemap).
pub(crate) async fn cached_as<F, Fut>(
    state: &AppState,
    lang: Lang,
    key: Cacheable,
    content_type: &'static str,
    render: F,
) -> Result<Response, AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, AppError>>,
{
    let store = state.store.clone();
    state
        .cache
        .sync_with(|| async move { store.public_version().await.ok() })
        .await;
    let body = match key {
        Cacheable::Yes(key) => {
            // The type is part of the key: a page and a feed never share an entry.
            let key = if content_type.starts_with("text/html") {
                key
            } else {
                format!("{content_type} {key}")
            };
            state
                .cache
                .get_or_render(lang, &key, || async { render().await.map(Bytes::from) })
                .await?
        }
        Cacheable::No => Bytes::from(render().await?),
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=10"),
    );
    Ok(r)
}

/// A posting as the public may see it: drafts do not exist to the world.
pub(crate) async fn public_posting(state: &AppState, id: i64) -> Result<Posting, AppError> {
    let posting = state.store.posting(id).await?;
    if !posting.public_view(state.today()).is_visible() {
        return Err(AppError::NotFound);
    }
    Ok(posting)
}

/// Whether the posting takes applications today.
pub(crate) fn is_open(state: &AppState, p: &Posting) -> bool {
    p.public_view(state.today()).accepts_applications()
}

/// A posting as this visitor may see it: the public's, and for a signed-in employee also an
/// ad in its internal-only period (aml § 14-1, the internal channel).
pub(crate) async fn posting_for(
    state: &AppState,
    id: i64,
    employee: bool,
) -> Result<Posting, AppError> {
    let posting = state.store.posting(id).await?;
    let view = posting.public_view(state.today());
    if view.is_visible() || (employee && view == PublicView::Internal) {
        Ok(posting)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether this visitor may apply to the posting today.
pub(crate) fn takes_applications(state: &AppState, p: &Posting, employee: bool) -> bool {
    let view = p.public_view(state.today());
    view.accepts_applications() || (employee && view == PublicView::Internal)
}

/// The active user (staff or employee) signed in in this session, if any. No session cookie,
/// no database read.
pub(crate) async fn signed_in_user(
    state: &AppState,
    session: &tower_sessions::Session,
) -> Result<Option<talentflyt_store::User>, AppError> {
    let Ok(Some(user_id)) = session.get::<i64>(crate::extract::staff::USER_KEY).await else {
        return Ok(None);
    };
    Ok(state
        .store
        .active_user_with_access(user_id)
        .await?
        .map(|(user, _)| user))
}

/// Whether the visitor is signed in as an active user (staff or employee).
pub(crate) async fn is_employee(state: &AppState, session: &tower_sessions::Session) -> bool {
    matches!(signed_in_user(state, session).await, Ok(Some(_)))
}

/// Remember the chosen language for a year and go back to the page.
pub async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let next = safe_next(q.next.as_deref(), "/jobs");
    let mut r = Redirect::to(&next).into_response();
    let secure = if state.cfg.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            lang.code()
        ))
        .map_err(|_| AppError::BadRequest)?,
    );
    Ok(r)
}

pub async fn accessibility(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, AppError> {
    cached(
        &state,
        lang,
        Cacheable::Yes("/accessibility".into()),
        || async {
            MessagePage {
                p: PageCtx::new(&state, lang, t(lang, "a11y.title"), "/accessibility"),
                heading: t(lang, "a11y.title").to_owned(),
                paragraphs: ["a11y.p1", "a11y.p2", "a11y.p3"]
                    .into_iter()
                    .map(|k| t(lang, k).to_owned())
                    .chain(
                        state
                            .cfg
                            .a11y_contact
                            .iter()
                            .map(|c| i18n::tf(lang, "a11y.contact", &[("contact", c)])),
                    )
                    .collect(),
                link_href: "/jobs".into(),
                link_text: t(lang, "applied.back").to_owned(),
            }
            .render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))
        },
    )
    .await
}
