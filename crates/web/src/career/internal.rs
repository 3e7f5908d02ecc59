//! The internal channel (aml § 14-1): an ad approved with an internal-only period is shown
//! first to the organisation's own people. Signed-in users (staff and employees) see those ads
//! here, read them and apply; the public sees nothing of them until the period ends. Nothing
//! here is cached: the pages are for signed-in people only.

use super::ad::{AdPage, Preview};
use crate::error::AppError;
use crate::extract::{ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::UnitNames;
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use talentflyt_domain::posting::PublicView;
use talentflyt_domain::profession;

pub(crate) struct Card {
    id: i64,
    title: String,
    unit: String,
    profession: String,
    deadline: String,
    until: String,
}

#[derive(Template)]
#[template(path = "career/internal.html")]
struct InternalList {
    p: PageCtx,
    cards: Vec<Card>,
}

/// The ads in their internal-only period today.
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    let today = state.today();
    let rows = state
        .store
        .internal_postings(&today.format("%Y-%m-%d").to_string())
        .await?;
    let units = state.units().await;
    let names = UnitNames::new(&units);
    let cards = rows
        .into_iter()
        .map(|o| Card {
            id: o.id,
            title: lang.pick(&o.title, &o.title_en).0.to_owned(),
            unit: names.unit(o.unit_id, lang),
            profession: profession::name(&o.profession, lang),
            deadline: i18n::date_str(lang, &o.deadline),
            until: o
                .internal_until
                .as_deref()
                .map(|d| {
                    i18n::tf(
                        lang,
                        "internal.until",
                        &[("date", &i18n::date_str(lang, d))],
                    )
                })
                .unwrap_or_default(),
        })
        .collect();
    render(&InternalList {
        p: staff.page(&state, lang, t(lang, "internal.title"), "/internal"),
        cards,
    })
}

/// One ad in its internal-only period, with a banner saying so; "Apply" marks the application
/// as coming through the internal channel. An ad that is not internal today is not found here.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let posting = match state.store.posting(id).await {
        Ok(p) if p.public_view(state.today()) == PublicView::Internal => p,
        Ok(_) | Err(talentflyt_store::StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let units = state.units().await;
    let org = state.store.org_texts().await?;
    let until = posting
        .internal_until
        .as_deref()
        .map(|d| i18n::date_str(lang, d))
        .unwrap_or_default();
    let banner = Preview {
        text: i18n::tf(lang, "internal.banner", &[("date", &until)]),
        back_href: "/internal".into(),
        back_text: t(lang, "internal.back"),
        other_href: format!("/lang/{}?next=%2Finternal%2F{id}", lang.other().code()),
        other_text: t(lang, "lang.switch"),
    };
    let page_title = lang.pick(&posting.title, &posting.title_en).0.to_owned();
    let page = AdPage::build(
        staff.page(&state, lang, page_title, format!("/internal/{id}")),
        posting,
        &units,
        &org,
        true,
        Some(banner),
        None,
    )
    .with_source("internal");
    render(&page)
}
