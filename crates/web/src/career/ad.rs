//! One ad, as the public sees it.

use super::{cached, is_open, public_posting};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n;
use crate::middleware::cache::Cacheable;
use crate::view::format::{paragraphs, UnitNames};
use crate::view::PageCtx;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use talentflyt_domain::profession;
use talentflyt_store::Posting;

#[derive(Template)]
#[template(path = "career/ad.html")]
struct AdPage {
    p: PageCtx,
    posting: Posting,
    unit: String,
    clinic: String,
    site: String,
    profession: String,
    extent: String,
    engagement: &'static str,
    deadline: String,
    paragraphs: Vec<Vec<String>>,
    open: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let key = format!("/jobs/{id}");
    cached(&state, lang, Cacheable::Yes(key.clone()), || async {
        let posting = public_posting(&state, id).await?;
        let units = state.units().await;
        let names = UnitNames::new(&units);
        AdPage {
            p: PageCtx::new(&state, lang, posting.title.clone(), key),
            unit: names.unit(posting.unit_id, lang),
            clinic: names.clinic(posting.unit_id, lang),
            site: names.site(posting.unit_id),
            profession: profession::name(&posting.profession, lang),
            extent: format!("{} %", posting.extent_percent),
            engagement: i18n::t(lang, posting.engagement.label_key()),
            deadline: i18n::date_str(lang, &posting.deadline),
            paragraphs: paragraphs(&posting.body),
            open: is_open(&state, &posting),
            posting,
        }
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}
