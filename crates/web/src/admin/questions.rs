//! Screening questions per posting (R4): whoever manages the ad writes them; a knock-out answer
//! flags the application for HR, it never rejects anyone by itself. The equality figures of the
//! posting are shown here too, as counts with groups under five hidden.

use super::visible_posting;
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::t;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use talentflyt_domain::application::{Question, QuestionDraft, QuestionKind};
use talentflyt_domain::Lang;

struct QuestionLine {
    id: i64,
    text: String,
    kind: &'static str,
    required: bool,
    options: Vec<(String, bool)>,
    knockout: String,
}

#[derive(Template)]
#[template(path = "admin/questions.html")]
struct QuestionsPage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    questions: Vec<QuestionLine>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    draft: QuestionDraft,
    may_manage: bool,
    /// Equality figures: (question, answer, count or "fewer than 5").
    equality: Vec<(String, String, String)>,
}

fn line(lang: Lang, q: &Question) -> QuestionLine {
    QuestionLine {
        id: q.id,
        text: q.text(lang).to_owned(),
        kind: t(lang, q.kind.label_key()),
        required: q.required,
        options: q
            .options
            .iter()
            .map(|o| {
                let label = match lang {
                    Lang::En if !o.en.is_empty() => o.en.clone(),
                    _ => o.nb.clone(),
                };
                (label, o.knockout)
            })
            .collect(),
        knockout: match (q.knockout_yes_no, q.knockout_below) {
            (Some(true), _) => t(lang, "questions.flags_yes").to_owned(),
            (Some(false), _) => t(lang, "questions.flags_no").to_owned(),
            (_, Some(n)) => {
                crate::i18n::tf(lang, "questions.flags_below", &[("n", &n.to_string())])
            }
            _ => String::new(),
        },
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    id: i64,
    draft: QuestionDraft,
    errs: Errors,
) -> Result<QuestionsPage, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    let questions = state.store.questions(id).await?;
    // Those who manage the posting (HR above it, or its manager) see the counts; committee
    // members and union representatives do not.
    let equality = if seen.may_manage {
        state
            .store
            .equality_counts(id)
            .await?
            .into_iter()
            .map(|c| {
                let q = t(
                    lang,
                    match c.dimension {
                        "gender" => "apply.equality_gender",
                        "disability" => "apply.equality_disability",
                        _ => "apply.equality_cv_gap",
                    },
                );
                let a = match c.value.as_str() {
                    "woman" => t(lang, "equality.woman"),
                    "man" => t(lang, "equality.man"),
                    "other" => t(lang, "equality.other"),
                    "yes" => t(lang, "common.yes"),
                    "no" => t(lang, "common.no"),
                    _ => t(lang, "questions.unanswered"),
                };
                let n = c.count.map(|n| n.to_string()).unwrap_or_else(|| {
                    crate::i18n::tf(
                        lang,
                        "pool.fewer_than",
                        &[("n", &talentflyt_store::MIN_GROUP.to_string())],
                    )
                });
                (q.to_owned(), a.to_owned(), n)
            })
            .collect()
    } else {
        vec![]
    };
    let kinds = QuestionKind::ALL
        .iter()
        .map(|k| (k.as_str(), t(lang, k.label_key()), draft.kind == k.as_str()))
        .collect();
    Ok(QuestionsPage {
        p: staff.page(
            state,
            lang,
            format!("{} – {}", t(lang, "questions.title"), seen.posting.title),
            format!("/admin/postings/{id}/questions"),
        ),
        errs,
        posting_id: id,
        posting_title: seen.posting.title,
        questions: questions.iter().map(|q| line(lang, q)).collect(),
        kinds,
        draft,
        may_manage: seen.may_manage,
        equality,
    })
}

/// `GET /admin/postings/{id}/questions`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let draft = QuestionDraft {
        kind: "yes_no".into(),
        required: true,
        ..Default::default()
    };
    render(&page(&state, &staff, lang, &ip, id, draft, Errors::default()).await?)
}

#[derive(Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text_nb: String,
    #[serde(default)]
    text_en: String,
    #[serde(default)]
    options: String,
    #[serde(default)]
    required: String,
    #[serde(default)]
    knockout: String,
}

/// `POST /admin/postings/{id}/questions`: add a question.
pub async fn add(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<QuestionForm>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
        return Err(AppError::Forbidden);
    }
    let draft = QuestionDraft {
        kind: f.kind,
        text_nb: f.text_nb,
        text_en: f.text_en,
        options: f.options,
        required: f.required == "yes",
        knockout: f.knockout,
    };
    let mut errs = match draft.check(0) {
        Ok(q) => {
            if state.store.add_question(id, &q, staff.user.id, &ip).await? {
                return Ok(Redirect::to(&format!("/admin/postings/{id}/questions")).into_response());
            }
            let mut e = Errors::default();
            e.add(
                lang,
                "text_nb",
                t(lang, "error.too_many_questions").to_owned(),
            );
            e
        }
        Err(found) => Errors::from_invalid(lang, &found),
    };
    if errs.is_empty() {
        errs.add(lang, "text_nb", t(lang, "error.required").to_owned());
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(&state, &staff, lang, &ip, id, draft, errs).await?,
    )
}

/// `POST /admin/postings/{id}/questions/{qid}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, qid)): Path<(i64, i64)>,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
        return Err(AppError::Forbidden);
    }
    state
        .store
        .delete_question(id, qid, staff.user.id, &ip)
        .await?;
    Ok(Redirect::to(&format!("/admin/postings/{id}/questions")).into_response())
}
