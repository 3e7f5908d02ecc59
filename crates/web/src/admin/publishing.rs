//! An ad's way out: the writer asks HR to approve it; HR approves and publishes it (from a day,
//! with an internal-only period where chosen), takes it down, or extends its deadline.

use super::postings::posting_page;
use super::{refuse, visible_posting, Empty, Seen};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::t;
use crate::view::Errors;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use talentflyt_domain::posting::{check_extension, PublishPlan};
use talentflyt_domain::Lang;
use talentflyt_store::{StoreError, SubjectKind};

fn back(id: i64) -> Response {
    Redirect::to(&format!("/admin/postings/{id}")).into_response()
}

/// The posting page again with `errs` (and 422), the posting as it is now.
async fn refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    id: i64,
    errs: Errors,
) -> Result<Response, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    let mut r = posting_page(state, staff, lang, seen, errs).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// A refusal of the domain becomes a message on the page; anything else is an error.
async fn or_message(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    id: i64,
    field: &'static str,
    result: Result<(), StoreError>,
) -> Result<Option<Response>, AppError> {
    match result {
        Ok(()) => Ok(None),
        Err(StoreError::Refused(r)) => {
            let mut errs = Errors::default();
            errs.add(lang, field, t(lang, r.key()).to_owned());
            Ok(Some(refused(state, staff, lang, ip, id, errs).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// HR's actions need HR over the unit; others get 403, audited.
async fn for_hr(state: &AppState, staff: &Staff, ip: &str, id: i64) -> Result<Seen, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    if !seen.may_manage {
        return Err(refuse(
            state,
            staff,
            ip,
            SubjectKind::Posting,
            id,
            AppError::Forbidden,
        )
        .await);
    }
    Ok(seen)
}

pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(_)): Csrf<Form<Empty>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !staff.access.may_write_ads_in(&seen.unit.path) {
        return Err(refuse(
            &state,
            &staff,
            &ip,
            SubjectKind::Posting,
            id,
            AppError::Forbidden,
        )
        .await);
    }
    let r = state
        .store
        .request_posting_approval(id, staff.user.id)
        .await;
    if let Some(page) = or_message(&state, &staff, lang, &ip, id, "approve", r).await? {
        return Ok(page);
    }
    tracing::info!(
        posting_id = id,
        user_id = staff.user.id,
        "posting sent for approval"
    );
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    publish_on: String,
    #[serde(default)]
    internal_until: String,
}

pub async fn approve(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<ApproveForm>>,
) -> Result<Response, AppError> {
    let seen = for_hr(&state, &staff, &ip, id).await?;
    let today = state.today();
    let deadline = seen.posting.deadline_date().unwrap_or(today);
    let plan = match PublishPlan::parse(&f.publish_on, &f.internal_until, deadline, today) {
        Ok(p) => p,
        Err(list) => {
            let errs = Errors::from_invalid(lang, &list);
            return refused(&state, &staff, lang, &ip, id, errs).await;
        }
    };
    let r = state
        .store
        .approve_posting(id, plan, Some(staff.user.id), today)
        .await;
    if let Some(page) = or_message(&state, &staff, lang, &ip, id, "approve", r).await? {
        return Ok(page);
    }
    state.public_changed().await?;
    tracing::info!(posting_id = id, user_id = staff.user.id, "posting approved");
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct UnpublishForm {
    #[serde(default)]
    reason: String,
}

pub async fn unpublish(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<UnpublishForm>>,
) -> Result<Response, AppError> {
    for_hr(&state, &staff, &ip, id).await?;
    let reason: String = f.reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        let mut errs = Errors::default();
        errs.add(lang, "reason", t(lang, "error.unpublish_reason").to_owned());
        return refused(&state, &staff, lang, &ip, id, errs).await;
    }
    let r = state
        .store
        .unpublish_posting(id, staff.user.id, &reason, state.today())
        .await;
    if let Some(page) = or_message(&state, &staff, lang, &ip, id, "reason", r).await? {
        return Ok(page);
    }
    state.public_changed().await?;
    tracing::info!(
        posting_id = id,
        user_id = staff.user.id,
        "posting unpublished"
    );
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    deadline: String,
}

pub async fn extend(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<ExtendForm>>,
) -> Result<Response, AppError> {
    let seen = for_hr(&state, &staff, &ip, id).await?;
    let today = state.today();
    let current = seen.posting.deadline_date().unwrap_or(today);
    let new = match check_extension(current, &f.deadline, today) {
        Ok(d) => d,
        Err(e) => {
            let errs = Errors::from_invalid(lang, &[e]);
            return refused(&state, &staff, lang, &ip, id, errs).await;
        }
    };
    let r = state
        .store
        .extend_deadline(id, new, staff.user.id, today)
        .await;
    if let Some(page) = or_message(&state, &staff, lang, &ip, id, "deadline", r).await? {
        return Ok(page);
    }
    state.public_changed().await?;
    tracing::info!(
        posting_id = id,
        user_id = staff.user.id,
        "deadline extended"
    );
    Ok(back(id))
}
