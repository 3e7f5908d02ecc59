//! References (R10), the referee's side: a link from the e-mail opens a structured form about
//! the candidate, answered once, before the link runs out. No account: the link's random token
//! (kept hashed) is the key; a wrong one is "not found".

use crate::admin::references::{question, rating, rehire};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, FormToken, ReqLang};
use crate::i18n::{t, tf};
use crate::view::{render, render_status, Errors, MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::reference::{check, Kind, NOT_JUDGED, QUESTIONS, REHIRE};
use talentflyt_domain::Lang;
use talentflyt_store::{secret_hash, RefereeView};

/// One question on the form.
struct Question {
    key: &'static str,
    label: &'static str,
    /// `text`, `choice`.
    kind: &'static str,
    required: bool,
    value: String,
    error: String,
    /// For a choice: (value, label, checked).
    options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "career/reference.html")]
struct ReferencePage {
    p: PageCtx,
    errs: Errors,
    heading: String,
    position: String,
    questions: Vec<Question>,
}

fn form_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    csrf: &str,
    v: &RefereeView,
    get: &dyn Fn(&str) -> String,
    errs: Errors,
) -> ReferencePage {
    let mut p = PageCtx::new(
        state,
        lang,
        t(lang, "reference.form_title"),
        format!("/references/{token}"),
    );
    p.csrf = csrf.to_owned();
    let questions = QUESTIONS
        .iter()
        .map(|(key, kind)| {
            let value = get(key);
            let options = match kind {
                Kind::Rating => ["1", "2", "3", "4", "5", NOT_JUDGED]
                    .iter()
                    .map(|s| (s.to_string(), rating(lang, s).to_owned(), value == *s))
                    .collect(),
                Kind::Rehire => REHIRE
                    .iter()
                    .map(|r| (r.to_string(), rehire(lang, r).to_owned(), value == *r))
                    .collect(),
                Kind::Text { .. } => vec![],
            };
            Question {
                key,
                label: question(lang, key),
                kind: if matches!(kind, Kind::Text { .. }) {
                    "text"
                } else {
                    "choice"
                },
                required: !matches!(kind, Kind::Text { required: false }),
                error: errs.get(key).map(str::to_owned).unwrap_or_default(),
                value,
                options,
            }
        })
        .collect();
    ReferencePage {
        p,
        errs,
        heading: tf(
            lang,
            "reference.form_heading",
            &[("name", &format!("{} {}", v.given_name, v.family_name))],
        ),
        position: tf(
            lang,
            "reference.form_position",
            &[("title", lang.pick(&v.title, &v.title_en).0)],
        ),
        questions,
    }
}

/// The row a token opens, or why it opens none: not found (404), answered, or run out (410).
async fn open(
    state: &AppState,
    lang: Lang,
    token: &str,
) -> Result<Result<RefereeView, Response>, AppError> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let v = state
        .store
        .reference_by_token(&secret_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let path = format!("/references/{token}");
    if v.status == "answered" {
        let page = MessagePage::new(
            state,
            lang,
            "reference.thanks_title",
            vec![t(lang, "reference.thanks_text").to_owned()],
            &path,
            ("/jobs", "applied.back"),
        );
        return Ok(Err(render(&page)?));
    }
    if v.status != "requested" || v.expires_at.unwrap_or(0) <= state.cfg.clock.unix() {
        let page = MessagePage::new(
            state,
            lang,
            "reference.expired_title",
            vec![t(lang, "reference.expired_text").to_owned()],
            &path,
            ("/jobs", "applied.back"),
        );
        return Ok(Err(render_status(StatusCode::GONE, &page)?));
    }
    Ok(Ok(v))
}

/// `GET /references/{token}`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(csrf): FormToken,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let v = match open(&state, lang, &token).await? {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    // The form names the candidate: a read of their application, by the referee.
    state
        .store
        .audit(talentflyt_store::AuditEvent {
            actor: talentflyt_store::Actor::System,
            action: talentflyt_store::AuditAction::Read,
            subject_kind: talentflyt_store::SubjectKind::Application,
            subject_id: v.application_id,
            ip: &ip,
            detail: "reference form opened by the referee",
        })
        .await?;
    let page = form_page(
        &state,
        lang,
        &token,
        &csrf,
        &v,
        &|_| String::new(),
        Errors::default(),
    );
    let mut r = render(&page)?;
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

/// `POST /references/{token}`: the answers, checked; a refusal keeps everything typed.
pub async fn answer(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(csrf): FormToken,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let v = match open(&state, lang, &token).await? {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    match check(get) {
        Ok(answers) => {
            if !state
                .store
                .answer_reference(&secret_hash(&token), &answers, state.cfg.clock.unix(), &ip)
                .await?
            {
                // Answered or run out between the page and the click.
                return match open(&state, lang, &token).await? {
                    Err(r) => Ok(r),
                    Ok(_) => Err(AppError::Refused("reference.expired_text")),
                };
            }
            Ok(Redirect::to(&format!("/references/{token}")).into_response())
        }
        Err(problems) => {
            let mut errs = Errors::default();
            for e in problems {
                let msg = match e.key {
                    "reference.error_text" => tf(
                        lang,
                        e.key,
                        &[("max", &talentflyt_domain::reference::MAX_TEXT.to_string())],
                    ),
                    k => t(lang, k).to_owned(),
                };
                errs.add_labelled(e.field.into(), question(lang, e.field).to_owned(), msg);
            }
            let page = form_page(&state, lang, &token, &csrf, &v, &get, errs);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
