//! Employee ambassadors: a signed-in employee gets a personal link to an ad. Applications that
//! come through it record the source `amb-<code>`, so HR sees applications and hires per
//! ambassador (A3), and no one else learns who shared what.

use super::{posting_for, signed_in_user};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::t;
use crate::view::PageCtx;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// The source an ambassador's link records.
pub fn ambassador_source(code: &str) -> String {
    format!("amb-{code}")
}

#[derive(Template)]
#[template(path = "career/share.html")]
struct SharePage {
    p: PageCtx,
    id: i64,
    title: String,
    link: String,
    share: Vec<(&'static str, String)>,
}

/// `GET /jobs/{id}/share`: the signed-in employee's own link to the ad.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let Some(user) = signed_in_user(&state, &session).await? else {
        return Ok(Redirect::to(&format!("/login?next=/jobs/{id}/share")).into_response());
    };
    let posting = posting_for(&state, id, true).await?;
    let code = state.store.ambassador_code(user.id).await?;
    let link = format!(
        "{}/jobs/{id}?src={}",
        state.cfg.base_url.trim_end_matches('/'),
        ambassador_source(&code)
    );
    let title = lang.pick(&posting.title, &posting.title_en).0.to_owned();
    let share = super::structured::share_links(&link, &title, lang);
    let mut p = PageCtx::new(
        &state,
        lang,
        t(lang, "share.title"),
        format!("/jobs/{id}/share"),
    );
    p.user = Some(user.display_name.clone());
    Ok(Html(
        SharePage {
            p,
            id,
            title,
            link,
            share,
        }
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?,
    )
    .into_response())
}
