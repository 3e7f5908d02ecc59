//! The application form: one page, no account, a PDF CV. The form is read field by field with a
//! limit on each text field and on the number of fields; the CV is streamed and cut off at the
//! size limit, recognised by its content, and scanned when a scanner is configured.

use super::{is_employee, posting_for, takes_applications};
use crate::error::{set_retry_after, AppError};
use crate::extract::{upload, ClientIp, Csrf, FormToken, ReqLang};
use crate::i18n::{self, t};
use crate::view::format::mb;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use talentflyt_domain::person::{Email, PersonName};
use talentflyt_domain::posting::{normalise_source, PublicView};
use talentflyt_domain::upload::{sniff_cv, stored_filename};
use talentflyt_domain::Lang;
use talentflyt_store::{NewApplication, Posting, Submitted};

/// The most fields a form may have (it has six), and the most bytes of one text field.
const MAX_FIELDS: usize = 16;
const MAX_TEXT_FIELD_BYTES: usize = 2048;

#[derive(Template)]
#[template(path = "career/apply.html")]
struct ApplyPage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    source: String,
    /// The form's random key (see [`submission_key`]).
    submission: String,
    given_name: String,
    family_name: String,
    email: String,
    cv_hint: String,
}

#[derive(Deserialize)]
pub struct SourceQuery {
    source: Option<String>,
}

/// The cookie the ad page leaves when a visitor came from a board or campaign (`?src=`).
pub const SOURCE_COOKIE: &str = "tf_src";

/// The source the ad page remembered for this browser, if any.
fn remembered_source(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(SOURCE_COOKIE)?
                .strip_prefix('=')
                .map(|v| normalise_source(Some(v)))
        })
}

pub async fn form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    Path(id): Path<i64>,
    Query(q): Query<SourceQuery>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let employee = is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    if !takes_applications(&state, &posting, employee) {
        return Err(AppError::Closed);
    }
    // The link's own source first, then the one the ad page remembered.
    let source = match q.source.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => normalise_source(Some(s)),
        None => remembered_source(&headers).unwrap_or_else(|| normalise_source(None)),
    };
    let typed = Typed {
        source,
        submission: hex::encode(rand::random::<[u8; 16]>()),
        ..Default::default()
    };
    render(&apply_page(
        &state,
        lang,
        &token,
        posting,
        typed,
        Errors::default(),
    ))
}

/// What the candidate typed, to show again.
#[derive(Default)]
struct Typed {
    source: String,
    /// The form's random key (see [`submission_key`]).
    submission: String,
    given_name: String,
    family_name: String,
    email: String,
}

fn apply_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    posting: Posting,
    typed: Typed,
    errs: Errors,
) -> ApplyPage {
    let mut p = PageCtx::new(
        state,
        lang,
        format!("{} – {}", t(lang, "apply.title"), posting.title),
        format!("/jobs/{}/apply", posting.id),
    );
    p.csrf = token.to_owned();
    ApplyPage {
        p,
        errs,
        posting_id: posting.id,
        posting_title: posting.title,
        source: typed.source,
        submission: typed.submission,
        given_name: typed.given_name,
        family_name: typed.family_name,
        email: typed.email,
        cv_hint: i18n::tf(
            lang,
            "apply.cv_hint",
            &[("mb", &mb(state.cfg.max_upload_bytes))],
        ),
    }
}

#[derive(Default)]
struct ApplyInput {
    given_name: String,
    family_name: String,
    email: String,
    source: String,
    submission: String,
    cv_name: String,
    cv: Option<Bytes>,
    too_large: bool,
}

/// Read the rest of the form (the CSRF token was its first field); see [`upload::read`].
async fn read_apply_form(mp: Multipart, max_cv: usize) -> Result<ApplyInput, AppError> {
    let f = upload::read(
        mp,
        upload::Limits {
            file_field: "cv",
            max_file: max_cv,
            max_text: MAX_TEXT_FIELD_BYTES,
            max_fields: MAX_FIELDS,
        },
    )
    .await?;
    Ok(ApplyInput {
        given_name: f.get("given_name").to_owned(),
        family_name: f.get("family_name").to_owned(),
        email: f.get("email").to_owned(),
        source: f.get("source").to_owned(),
        submission: f.get("submission").to_owned(),
        cv_name: if f.file_name.is_empty() {
            "cv.pdf".into()
        } else {
            f.file_name.clone()
        },
        cv: f.file,
        too_large: f.too_large,
    })
}

/// The form's key as sent, if it is one we could have made (32 hex characters). A form without
/// one (an old page, a hand-made request) is submitted as before, without the guard.
fn submission_key(sent: &str) -> Option<&str> {
    (sent.len() == 32 && sent.bytes().all(|b| b.is_ascii_hexdigit())).then_some(sent)
}

pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    FormToken(token): FormToken,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(mp): Csrf<Multipart>,
) -> Result<Response, AppError> {
    // Checked before the upload is read: an address over its limit costs us almost nothing.
    state.limits.check(&state.limits.applications_per_ip, &ip)?;
    let employee = is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    let input = read_apply_form(mp, state.cfg.max_upload_bytes).await?;
    if !takes_applications(&state, &posting, employee) {
        return Err(AppError::Closed);
    }
    let max = state.cfg.max_upload_bytes;
    let mut errs = Errors::default();
    let mut limited = None;
    let given = PersonName::parse("given_name", &input.given_name);
    let family = PersonName::parse("family_name", &input.family_name);
    let email = Email::parse(&input.email);
    for e in [
        given.as_ref().err(),
        family.as_ref().err(),
        email.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        errs.add(lang, e.field, t(lang, e.key).to_owned());
    }
    let cv_type = if input.too_large {
        Err(talentflyt_domain::upload::UploadError::TooLarge { max_bytes: max })
    } else {
        sniff_cv(input.cv.as_deref().unwrap_or(&[]), max)
    };
    match &cv_type {
        Err(e) => errs.add(lang, "cv", i18n::tf(lang, e.key(), &[("mb", &mb(max))])),
        Ok(_) => {
            if let (Some(addr), Some(bytes)) = (&state.cfg.clamd, &input.cv) {
                match crate::scan::scan(addr, bytes).await {
                    Ok(crate::scan::Verdict::Clean) => {}
                    Ok(crate::scan::Verdict::Infected) => {
                        tracing::warn!(posting_id = id, "upload refused by the virus scanner");
                        errs.add(lang, "cv", t(lang, "error.cv_infected").to_owned());
                    }
                    Err(e) => return Err(AppError::Internal(format!("virus scanner: {e}"))),
                }
            }
        }
    }
    if cv_type.is_ok() && !errs.is_empty() {
        errs.add(lang, "cv", t(lang, "error.cv_reselect").to_owned());
    }
    // One person (e-mail address) may send only so many applications an hour; what they typed
    // comes back with the message.
    if let Ok(e) = &email {
        if errs.is_empty() {
            if let Err(AppError::TooManyRequests(wait)) = state.limits.check(
                &state.limits.applications_per_email,
                &e.as_str().to_lowercase(),
            ) {
                limited = Some(wait);
                errs.add(
                    lang,
                    "email",
                    i18n::count(
                        lang,
                        wait.as_secs().div_ceil(60).max(1) as i64,
                        "error.rate_limited_wait_one",
                        "error.rate_limited_wait_many",
                    ),
                );
            }
        }
    }
    let (Ok(given), Ok(family), Ok(email), Ok(doc), true) =
        (given, family, email, cv_type, errs.is_empty())
    else {
        let typed = Typed {
            source: normalise_source(Some(&input.source)),
            submission: submission_key(&input.submission)
                .map(str::to_owned)
                .unwrap_or_else(|| hex::encode(rand::random::<[u8; 16]>())),
            given_name: input.given_name,
            family_name: input.family_name,
            email: input.email,
        };
        let status = if limited.is_some() {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut r = render_status(
            status,
            &apply_page(&state, lang, &token, posting, typed, errs),
        )?;
        if let Some(wait) = limited {
            set_retry_after(&mut r, &wait);
        }
        return Ok(r);
    };
    let cv = input.cv.unwrap_or_default();
    let confirmation = talentflyt_jobs::mail::ApplicationReceived {
        to: email.as_str(),
        given_name: given.as_str(),
        posting_title: &posting.title,
        reference: &posting.reference,
        deadline: &i18n::date_str(lang, &posting.deadline),
    }
    .render(lang, &state.mail_brand)
    .map_err(|e| AppError::Internal(format!("e-mail template: {e}")))?;
    // In its internal-only period an ad is reached only through the internal channel, whatever
    // the form says.
    let source = if posting.public_view(state.today()) == PublicView::Internal {
        "internal".to_owned()
    } else {
        normalise_source(Some(&input.source))
    };
    let filename = stored_filename(&input.cv_name, doc);
    let done = state
        .store
        .submit_application_once(
            &NewApplication {
                posting_id: id,
                given_name: given.as_str(),
                family_name: family.as_str(),
                email: email.as_str(),
                source: &source,
                cv_filename: &filename,
                cv_content_type: doc.mime(),
                cv: &cv,
                ip: &ip,
                submission_key: submission_key(&input.submission),
            },
            &confirmation,
        )
        .await?;
    match done {
        Submitted::New(app_id) => {
            state.wake_jobs();
            tracing::info!(application_id = app_id, posting_id = id, source = %source, "application received");
        }
        Submitted::Repeat(app_id) => {
            tracing::info!(
                application_id = app_id,
                posting_id = id,
                "the same form sent again: one application"
            );
        }
    }
    Ok(Redirect::to(&format!("/jobs/{id}/applied")).into_response())
}

#[derive(Template)]
#[template(path = "career/applied.html")]
struct AppliedPage {
    p: PageCtx,
}

pub async fn applied(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    posting_for(&state, id, is_employee(&state, &session).await).await?;
    render(&AppliedPage {
        p: PageCtx::new(
            &state,
            lang,
            t(lang, "applied.title"),
            format!("/jobs/{id}/applied"),
        ),
    })
}
