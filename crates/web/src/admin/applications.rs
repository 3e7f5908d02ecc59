//! One application and its documents. Reading them writes the audit trail inside the store call.

use super::{refuse, visible_posting, Seen};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::human_size;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::blind::{pseudonym, redact, Identity};
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
    /// Empty while hidden.
    email: String,
    /// The posting screens blind and this applicant's identity is not shown yet.
    hidden: bool,
    /// How the identity came to be shown, when it was.
    revealed: String,
    may_reveal: bool,
    reveal_reason: String,
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
    errs: Errors,
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
pub(crate) async fn check_readable(
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
    let page = application_page(&state, lang, &ip, &staff, id, Errors::default(), "").await?;
    render(&page)
}

/// The application as this staff member may see it; `errs` and `reveal_reason` fill the reveal
/// form again after a refusal.
async fn application_page(
    state: &AppState,
    lang: talentflyt_domain::Lang,
    ip: &str,
    staff: &Staff,
    id: i64,
    errs: Errors,
    reveal_reason: &str,
) -> Result<ApplicationPage, AppError> {
    let state = state.clone();
    let ip = ip.to_owned();
    let seen = check_readable(&state, staff, &ip, id).await?;
    let manages = seen.may_manage;
    let may_handle = staff.access.may_handle_candidates_in(&seen.unit.path);
    let posting = seen.posting;
    let record = state
        .store
        .read_application(&Reader::user(staff.user.id, &ip), id)
        .await?;
    let a = record.application;
    // Blind screening: until the identity is shown, what names the candidate is hidden here
    // and in every text they wrote.
    let who = hidden_who(&state, posting.id, id).await?;
    let hidden = who.is_some();
    let reveal = state.store.reveal_of(id).await?;
    let mark = t(lang, "blind.mark");
    let hide = |text: &str| -> String {
        match &who {
            Some(w) => redact(text, w, mark),
            None => text.to_owned(),
        }
    };
    let details = record
        .details
        .as_ref()
        .map(|d| match &who {
            Some(w) => crate::career::portal::detail_lines(lang, &blinded(d, w, mark)),
            None => crate::career::portal::detail_lines(lang, d),
        })
        .unwrap_or_default();
    let answers = record
        .answers
        .iter()
        .map(|x| match lang {
            talentflyt_domain::Lang::Nb => (
                x.question_nb.clone(),
                hide(&x.answer_nb),
                x.knocked_out != 0,
            ),
            talentflyt_domain::Lang::En => (
                x.question_en.clone(),
                hide(&x.answer_en),
                x.knocked_out != 0,
            ),
        })
        .collect();
    // The reason for asking not to be on the public list is for those who decide it (HR and
    // the posting's manager), not for committee members or union representatives.
    let exemption = (record.exemption.exemption_requested != 0).then(|| {
        (
            if manages {
                hide(&record.exemption.exemption_reason)
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
            // A file's name often holds the candidate's.
            filename: if hidden {
                t(lang, doc_kind_key(&d.kind)).to_owned()
            } else {
                d.filename
            },
            kind: d.kind,
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
            reason: hide(&x.reason),
            message: hide(&x.message_subject.unwrap_or_default()),
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
                hide(&m.subject),
                hide(&m.body),
                m.from_candidate != 0,
            )
        })
        .collect();
    let name = if hidden {
        pseudonym(lang, state.store.applicant_number(id).await? as usize)
    } else {
        format!("{} {}", a.given_name, a.family_name)
    };
    let revealed = reveal.map(|r| {
        let when = i18n::datetime(lang, r.revealed_at);
        let who = r.user_name.unwrap_or_default();
        let key = match r.reveal_kind.as_deref() {
            Some("hand") => "blind.revealed_by_hand",
            Some("on") => "blind.revealed_on",
            Some("off") => "blind.revealed_off",
            _ => "blind.revealed_by_stage",
        };
        i18n::tf(
            lang,
            key,
            &[("when", &when), ("who", &who), ("reason", &r.reveal_reason)],
        )
    });
    Ok(ApplicationPage {
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
        email: if hidden { String::new() } else { a.email },
        hidden,
        revealed: revealed.unwrap_or_default(),
        may_reveal: hidden && may_handle,
        reveal_reason: reveal_reason.to_owned(),
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
        errs,
    })
}

/// Who the applicant is, when their posting's blind screening hides them (`None`: shown).
async fn hidden_who(
    state: &AppState,
    posting_id: i64,
    id: i64,
) -> Result<Option<Identity>, AppError> {
    Ok(state
        .store
        .hidden_identities(posting_id, &[id])
        .await?
        .remove(&id))
}

pub async fn download_document(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, doc)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let seen = check_readable(&state, &staff, &ip, id).await?;
    // While hidden, the file itself (its photo, its name) is not handed out: its text is, redacted.
    if hidden_who(&state, seen.posting.id, id).await?.is_some() {
        return Err(refuse(
            &state,
            &staff,
            &ip,
            SubjectKind::Application,
            id,
            AppError::Forbidden,
        )
        .await);
    }
    let d = state
        .store
        .read_document(&Reader::user(staff.user.id, &ip), id, doc)
        .await?;
    Ok(download_response(d))
}

#[derive(Template)]
#[template(path = "admin/document_text.html")]
struct DocumentTextPage {
    p: PageCtx,
    application_id: i64,
    name: String,
    title: String,
    hidden: bool,
    /// `None`: not read yet; empty: nothing to read.
    text: Option<String>,
}

/// `GET /admin/applications/{id}/documents/{doc}/text`: the text read from a document, with the
/// candidate's identity taken out while the posting screens them blind.
pub async fn document_text(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, doc)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let seen = check_readable(&state, &staff, &ip, id).await?;
    let reader = Reader::user(staff.user.id, &ip);
    let who = hidden_who(&state, seen.posting.id, id).await?;
    let hidden = who.is_some();
    let d = state.store.read_document_text(&reader, id, doc).await?;
    let (name, title) = match &who {
        Some(_) => (
            pseudonym(lang, state.store.applicant_number(id).await? as usize),
            t(lang, doc_kind_key(&d.kind)).to_owned(),
        ),
        // The name heads the page: a read of the application, audited as such.
        None => {
            let a = state.store.read_application(&reader, id).await?.application;
            (format!("{} {}", a.given_name, a.family_name), d.filename)
        }
    };
    let text = d.text.map(|x| match &who {
        Some(w) => redact(&x, w, t(lang, "blind.mark")),
        None => x,
    });
    render(&DocumentTextPage {
        p: staff.page(
            &state,
            lang,
            format!("{title} – {name}"),
            format!("/admin/applications/{id}/documents/{doc}/text"),
        ),
        application_id: id,
        name,
        title,
        hidden,
        text,
    })
}

#[derive(serde::Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    reason: String,
}

/// Longest reason for a reveal.
const MAX_REASON: usize = 2000;

/// `POST /admin/applications/{id}/reveal`: show a hidden applicant's identity before the
/// reveal stage, with the reason written down (on the application and in the audit trail).
pub async fn reveal(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(form)): Csrf<Form<RevealForm>>,
) -> Result<Response, AppError> {
    let seen = check_readable(&state, &staff, &ip, id).await?;
    if !staff.access.may_handle_candidates_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    // Nothing to show: the posting does not screen blind, or the applicant is shown already.
    if hidden_who(&state, seen.posting.id, id).await?.is_none() {
        return Ok(Redirect::to(&format!("/admin/applications/{id}")).into_response());
    }
    let reason = form.reason.trim();
    let bad = |c: char| c.is_control() && c != '\n' && c != '\r' && c != '\t';
    if reason.is_empty() || reason.chars().count() > MAX_REASON || reason.chars().any(bad) {
        let key = if reason.is_empty() {
            "blind.reason_required"
        } else if reason.chars().any(bad) {
            "blind.reason_characters"
        } else {
            "blind.reason_long"
        };
        // The page again, with the message at the field and what was typed kept.
        let mut errs = Errors::default();
        errs.add_labelled(
            "reason".into(),
            t(lang, "blind.reason").to_owned(),
            t(lang, key).to_owned(),
        );
        let page = application_page(&state, lang, &ip, &staff, id, errs, &form.reason).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    state
        .store
        .reveal_application(&Reader::user(staff.user.id, &ip), staff.user.id, id, reason)
        .await?;
    Ok(Redirect::to(&format!("/admin/applications/{id}")).into_response())
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

/// The form's details as an assessor sees them while the candidate is hidden: no phone, birth
/// date, home municipality, authorisation number or referees, and the rest redacted.
fn blinded(d: &talentflyt_store::Details, who: &Identity, mark: &str) -> talentflyt_store::Details {
    let r = |s: &str| redact(s, who, mark);
    let mut d = d.clone();
    d.phone.clear();
    d.birth_date.clear();
    d.municipality.clear();
    d.hpr_number.clear();
    d.referees.clear();
    d.gender.clear();
    d.current_title = r(&d.current_title);
    d.current_employer = r(&d.current_employer);
    d.cover_letter = r(&d.cover_letter);
    for e in &mut d.education {
        e.institution = r(&e.institution);
        e.degree = r(&e.degree);
    }
    for w in &mut d.work {
        w.employer = r(&w.employer);
        w.title = r(&w.title);
    }
    d
}

/// The message key naming a kind of document.
fn doc_kind_key(kind: &str) -> &'static str {
    match kind {
        "cv" => "blind.doc_cv",
        _ => "blind.doc_attachment",
    }
}
