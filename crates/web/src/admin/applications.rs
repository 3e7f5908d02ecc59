//! One application and its documents. Reading them writes the audit trail inside the store call.

use super::{refuse, visible_posting, Seen};
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
use talentflyt_store::{Reader, SubjectKind};

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
    source: String,
    documents: Vec<DocRow>,
    /// The form's details: (label, value), empty values left out.
    details: Vec<(String, String)>,
    /// Screening answers: question, answer, knocked out.
    answers: Vec<(String, String, bool)>,
    /// The exemption request's reason and HR's decision, when the candidate asked.
    exemption: Option<(String, String)>,
    /// The stage it stands in now, and since when.
    stage: String,
    /// Every move: when, who, from, to, why, the message's subject.
    history: Vec<HistoryLine>,
    /// Messages to and from the candidate: when, subject, body, from the candidate.
    messages: Vec<(String, String, String, bool)>,
    may_handle: bool,
    targets: Vec<(String, String, bool)>,
    templates: Vec<(String, String, bool)>,
    errs: crate::view::Errors,
}

struct HistoryLine {
    at: String,
    who: String,
    from: String,
    to: String,
    reason: String,
    message: String,
}

/// May this person read the application? Hidden ones answer exactly like missing ones (404),
/// and the attempt is in the audit trail. Returns the posting as they see it.
async fn check_readable(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<Seen, AppError> {
    let posting_id = state.store.application_posting_id(id).await?;
    let seen = match visible_posting(state, staff, ip, posting_id).await {
        Ok(seen) if seen.may_read => Some(seen),
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
    let seen = check_readable(&state, &staff, &ip, id).await?;
    let manages = seen.may_manage;
    let may_handle = staff.access.may_handle_candidates_in(&seen.unit.path);
    let posting = seen.posting;
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
    let stages = state.store.posting_stages(posting.id).await?;
    let stage_row = state.store.application_stage(id).await?;
    let stage = format!(
        "{} ({})",
        super::pipeline::stage_name(lang, &stages, a.phase, stage_row.0),
        i18n::tf(
            lang,
            "pipeline.since",
            &[("when", &i18n::datetime(lang, stage_row.1))]
        )
    );
    let history = state
        .store
        .transitions(id)
        .await?
        .into_iter()
        .map(|x| HistoryLine {
            at: i18n::datetime(lang, x.at),
            who: match (x.user_name, x.by_candidate != 0) {
                (_, true) => t(lang, "pipeline.by_candidate").to_owned(),
                (Some(n), _) => n,
                (None, _) => t(lang, "posting_event.system").to_owned(),
            },
            from: super::pipeline::stage_name(lang, &stages, x.from_phase, x.from_stage),
            to: super::pipeline::stage_name(lang, &stages, x.to_phase, x.to_stage),
            reason: x.reason,
            message: x.message_subject.unwrap_or_default(),
        })
        .collect();
    let messages = state
        .store
        .application_messages(id)
        .await?
        .into_iter()
        .map(|m| {
            (
                i18n::datetime(lang, m.created_at),
                m.subject,
                m.body,
                m.from_candidate != 0,
            )
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
        source: a.source,
        documents,
        details,
        answers,
        exemption,
        stage,
        history,
        messages,
        may_handle: may_handle && !a.phase.is_final(),
        targets: super::pipeline::targets(lang, &stages, ""),
        templates: super::pipeline::template_options(lang, ""),
        errs: crate::view::Errors::default(),
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
