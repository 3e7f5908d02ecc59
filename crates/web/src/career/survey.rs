//! The candidate experience survey (R14), the candidate's side: a link from the e-mail opens
//! the form, answered once and anonymously (see `store::surveys`). A wrong token is "not
//! found"; a used or expired one says so.

use crate::error::AppError;
use crate::extract::{Csrf, FormToken, ReqLang};
use crate::i18n::t;
use crate::view::{render, render_status, Errors, MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::survey::{check, RawAnswer, QUESTIONS};
use talentflyt_domain::Lang;

/// One question on a scale: (field, text, chosen value, error).
struct Scale {
    field: &'static str,
    text: &'static str,
    chosen: String,
    error: String,
}

#[derive(Template)]
#[template(path = "career/survey.html")]
struct SurveyPage {
    p: PageCtx,
    errs: Errors,
    title: String,
    nps: String,
    scales: Vec<Scale>,
    comment: String,
}

fn page(
    state: &AppState,
    lang: Lang,
    token: &str,
    csrf: &str,
    title: &str,
    raw: &RawAnswer,
    errs: Errors,
) -> SurveyPage {
    let mut p = PageCtx::new(
        state,
        lang,
        t(lang, "survey.title"),
        format!("/survey/{token}"),
    );
    p.csrf = csrf.to_owned();
    let scales = QUESTIONS
        .iter()
        .map(|(field, key)| Scale {
            field,
            text: t(lang, key),
            chosen: match *field {
                "informed" => raw.informed.clone(),
                "respect" => raw.respect.clone(),
                _ => raw.speed.clone(),
            },
            error: errs.get(field).unwrap_or_default().to_owned(),
        })
        .collect();
    SurveyPage {
        p,
        title: title.to_owned(),
        nps: raw.nps.clone(),
        scales,
        comment: raw.comment.clone(),
        errs,
    }
}

/// The invitation behind the token, or the page that says why it cannot be answered.
async fn open(
    state: &AppState,
    lang: Lang,
    token: &str,
) -> Result<Result<String, Response>, AppError> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let i = state
        .store
        .survey_invite(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let path = format!("/survey/{token}");
    let (heading, text, status) = if i.answered != 0 {
        (
            "survey.thanks_title",
            "survey.answered_text",
            StatusCode::OK,
        )
    } else if i.expires_at <= state.cfg.clock.unix() {
        (
            "survey.expired_title",
            "survey.expired_text",
            StatusCode::GONE,
        )
    } else {
        return Ok(Ok(i.title));
    };
    let page = MessagePage::new(
        state,
        lang,
        heading,
        vec![t(lang, text).to_owned()],
        &path,
        ("/jobs", "applied.back"),
    );
    Ok(Err(render_status(status, &page)?))
}

fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// `GET /survey/{token}`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(csrf): FormToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let title = match open(&state, lang, &token).await? {
        Ok(t) => t,
        Err(r) => return Ok(private(r)),
    };
    let page = page(
        &state,
        lang,
        &token,
        &csrf,
        &title,
        &RawAnswer::default(),
        Errors::default(),
    );
    Ok(private(render(&page)?))
}

/// `POST /survey/{token}`: the answer, kept once; a refusal keeps what was chosen.
pub async fn answer(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(csrf): FormToken,
    Path(token): Path<String>,
    Csrf(Form(raw)): Csrf<Form<RawAnswer>>,
) -> Result<Response, AppError> {
    let title = match open(&state, lang, &token).await? {
        Ok(t) => t,
        Err(r) => return Ok(private(r)),
    };
    let a = match check(&raw) {
        Ok(a) => a,
        Err(problems) => {
            let mut errs = Errors::default();
            for (field, key) in problems {
                let label = match field {
                    "nps" => "survey.q_nps",
                    "comment" => "survey.comment",
                    f => QUESTIONS
                        .iter()
                        .find(|(q, _)| *q == f)
                        .map(|(_, k)| *k)
                        .unwrap_or("survey.comment"),
                };
                errs.add_labelled(
                    field.into(),
                    t(lang, label).to_owned(),
                    t(lang, key).to_owned(),
                );
            }
            let page = page(&state, lang, &token, &csrf, &title, &raw, errs);
            return Ok(private(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            )?));
        }
    };
    let month = state.today().format("%Y-%m").to_string();
    // Kept, or answered or expired between the check and now: the page says which.
    state
        .store
        .answer_survey(&token, &a, &month, state.cfg.clock.unix())
        .await?;
    Ok(Redirect::to(&format!("/survey/{token}")).into_response())
}
