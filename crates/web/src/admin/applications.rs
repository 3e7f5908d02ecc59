//! One application and its documents. Reading them writes the audit trail inside the store call.

use super::{refuse, visible_posting};
use crate::error::AppError;
use crate::extract::{ClientIp, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::human_size;
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use talentflyt_store::{Posting, Reader, SubjectKind};

pub(crate) struct DocRow {
    id: i64,
    kind: String,
    filename: String,
    size: String,
}

#[derive(Template)]
#[template(path = "admin/application.html")]
struct ApplicationPage {
    p: PageCtx,
    application_id: i64,
    posting_id: i64,
    posting_title: String,
    name: String,
    email: String,
    submitted: String,
    phase: &'static str,
    source: String,
    documents: Vec<DocRow>,
    /// The form's details: (label, value), empty values left out.
    details: Vec<(String, String)>,
    /// Screening answers: question, answer, knocked out.
    answers: Vec<(String, String, bool)>,
    /// The exemption request's reason and HR's decision, when the candidate asked.
    exemption: Option<(String, String)>,
}

/// May this person read the application? Hidden ones answer exactly like missing ones (404),
/// and the attempt is in the audit trail. Also says whether they manage the posting.
async fn check_readable(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<(Posting, bool), AppError> {
    let posting_id = state.store.application_posting_id(id).await?;
    let seen = match visible_posting(state, staff, ip, posting_id).await {
        Ok(seen) if seen.may_read => Some((seen.posting, seen.may_manage)),
        Ok(_) | Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let Some(posting) = seen else {
        return Err(refuse(
            state,
            staff,
            ip,
            SubjectKind::Application,
            id,
            AppError::NotFound,
        )
        .await);
    };
    Ok(posting)
}

pub async fn show_application(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (posting, manages) = check_readable(&state, &staff, &ip, id).await?;
    let record = state
        .store
        .read_application(&Reader::user(staff.user.id, &ip), id)
        .await?;
    let a = record.application;
    let details = record
        .details
        .as_ref()
        .map(|d| crate::career::portal::detail_lines(lang, d))
        .unwrap_or_default();
    let answers = record
        .answers
        .iter()
        .map(|x| match lang {
            talentflyt_domain::Lang::Nb => (
                x.question_nb.clone(),
                x.answer_nb.clone(),
                x.knocked_out != 0,
            ),
            talentflyt_domain::Lang::En => (
                x.question_en.clone(),
                x.answer_en.clone(),
                x.knocked_out != 0,
            ),
        })
        .collect();
    // The reason for asking not to be on the public list is for those who decide it (HR and
    // the posting's manager), not for committee members or union representatives.
    let exemption = (record.exemption.exemption_requested != 0).then(|| {
        (
            if manages {
                record.exemption.exemption_reason.clone()
            } else {
                String::new()
            },
            match record.exemption.exemption_decision.as_deref() {
                Some("granted") => t(lang, "portal.exemption_granted").to_owned(),
                Some(_) => t(lang, "portal.exemption_refused").to_owned(),
                None => t(lang, "application.exemption_undecided").to_owned(),
            },
        )
    });
    let documents = record
        .documents
        .into_iter()
        .map(|d| DocRow {
            id: d.id,
            kind: d.kind,
            filename: d.filename,
            size: human_size(d.size_bytes),
        })
        .collect();
    let name = format!("{} {}", a.given_name, a.family_name);
    render(&ApplicationPage {
        p: staff.page(
            &state,
            lang,
            name.clone(),
            format!("/admin/applications/{id}"),
        ),
        application_id: id,
        posting_id: posting.id,
        posting_title: posting.title,
        name,
        email: a.email,
        submitted: i18n::datetime(lang, a.submitted_at),
        phase: t(lang, a.phase.label_key()),
        source: a.source,
        documents,
        details,
        answers,
        exemption,
    })
}

pub async fn download_document(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, doc)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    check_readable(&state, &staff, &ip, id).await?;
    let d = state
        .store
        .read_document(&Reader::user(staff.user.id, &ip), id, doc)
        .await?;
    Ok(download_response(d))
}

/// A document as a download: its type, an ASCII and a UTF-8 file name, never cached.
pub(crate) fn download_response(d: talentflyt_store::Document) -> Response {
    let ascii: String = d
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencoding::encode(&d.filename)
    );
    let mut r = d.content.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&d.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}
