//! Postings in the back office: write a draft, read it with its applicant list, publish it.

use super::{refuse, visible_posting, Empty};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::options::{
    check_unit, engagement_options, profession_options, unit_options, Options,
};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use talentflyt_domain::posting::{PostingDraft, PostingForm, PostingStatus, Transition};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OrgUnit, Posting, Reader, SubjectKind};

fn deadline_day(p: &Posting) -> NaiveDate {
    p.deadline_date().unwrap_or(NaiveDate::MIN)
}

#[derive(Template)]
#[template(path = "admin/posting_form.html")]
struct PostingFormPage {
    p: PageCtx,
    errs: Errors,
    form: PostingForm,
    units: Vec<(i64, String, bool)>,
    professions: Options,
    engagements: Options,
    /// The language check, when asked for.
    check: Option<LanguageCheck>,
}

/// The language check as the page shows it: advice beside the text, never a block.
pub(crate) struct LanguageCheck {
    lix: String,
    band: &'static str,
    leaning: &'static str,
    findings: Vec<(&'static str, String, Option<String>)>,
}

impl LanguageCheck {
    /// Check the ad's title and text (written in bokmål), with messages in the reader's language.
    fn of(form: &PostingForm, lang: Lang) -> LanguageCheck {
        let text = format!("{}.\n\n{}", form.title.trim(), form.body);
        let report = talentflyt_domain::language::check(&text, Lang::Nb);
        LanguageCheck {
            lix: format!("{:.0}", report.lix.score),
            band: t(lang, report.lix.band.key()),
            leaning: t(lang, report.leaning().key()),
            findings: report
                .findings
                .iter()
                .map(|f| {
                    (
                        t(lang, f.key),
                        f.text.clone(),
                        f.suggestion
                            .map(|s| i18n::tf(lang, "language.suggestion", &[("suggestion", s)])),
                    )
                })
                .collect(),
        }
    }
}

/// The form as sent: the posting's fields, and which button was pressed.
#[derive(serde::Deserialize)]
pub struct PostingFormInput {
    #[serde(flatten)]
    form: PostingForm,
    /// `check` asks for the language check only; anything else saves the draft.
    #[serde(default)]
    action: String,
}

/// Units this person may write postings for, indented by level.
fn posting_form_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    units: &[OrgUnit],
    form: PostingForm,
    errs: Errors,
) -> PostingFormPage {
    PostingFormPage {
        p: staff.page(
            state,
            lang,
            t(lang, "posting.new_title"),
            "/admin/postings/new",
        ),
        units: unit_options(units, lang, &form.unit_id, |u| {
            staff.access.may_manage_postings_in(&u.path)
        }),
        errs,
        professions: profession_options(lang, &form.profession),
        engagements: engagement_options(lang, &form.engagement),
        check: None,
        form,
    }
}

pub async fn new_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    if !staff.access.may_manage_any_postings() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let form = PostingForm {
        engagement: "permanent".into(),
        extent_percent: "100".into(),
        positions: "1".into(),
        deadline: (state.today() + chrono::Days::new(21))
            .format("%Y-%m-%d")
            .to_string(),
        ..Default::default()
    };
    render(&posting_form_page(
        &state,
        &staff,
        lang,
        &units,
        form,
        Errors::default(),
    ))
}

pub async fn create_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Csrf(Form(input)): Csrf<Form<PostingFormInput>>,
) -> Result<Response, AppError> {
    if !staff.access.may_manage_any_postings() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let form = input.form;
    if input.action == "check" {
        // Advice only: the form comes back as typed, with the check beside it; nothing is saved.
        let check = LanguageCheck::of(&form, lang);
        let mut page = posting_form_page(&state, &staff, lang, &units, form, Errors::default());
        page.check = Some(check);
        return render(&page);
    }
    let parsed = PostingDraft::parse(&form, state.today());
    let mut errs = match &parsed {
        Ok(_) => Errors::default(),
        Err(list) => Errors::from_invalid(lang, list),
    };
    if let Ok(d) = &parsed {
        check_unit(&mut errs, lang, &units, d.unit_id, |p| {
            staff.access.may_manage_postings_in(p)
        });
        if profession::find(&d.profession).is_none() {
            errs.add(lang, "profession", t(lang, "error.required").to_owned());
        }
    }
    match parsed {
        Ok(d) if errs.is_empty() => {
            let id = state.store.create_posting(&d, Some(staff.user.id)).await?;
            tracing::info!(posting_id = id, user_id = staff.user.id, "posting created");
            Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response())
        }
        _ => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &posting_form_page(&state, &staff, lang, &units, form, errs),
        ),
    }
}

pub(crate) struct AppRow {
    id: i64,
    name: String,
    submitted: String,
    phase: &'static str,
    source: String,
}

#[derive(Template)]
#[template(path = "admin/posting.html")]
struct PostingPage {
    p: PageCtx,
    posting: Posting,
    status: &'static str,
    unit: String,
    profession: String,
    deadline: String,
    may_publish: bool,
    is_public: bool,
    may_read: bool,
    applications: Vec<AppRow>,
}

pub async fn show_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    let (posting, unit, may_manage, may_read) =
        (seen.posting, seen.unit, seen.may_manage, seen.may_read);
    let mut applications = vec![];
    if may_read {
        let rows = state
            .store
            .list_applications(&Reader::user(staff.user.id, &ip), id)
            .await?;
        for a in rows {
            applications.push(AppRow {
                id: a.id,
                name: format!("{} {}", a.given_name, a.family_name),
                submitted: i18n::datetime(lang, a.submitted_at),
                phase: t(lang, a.phase.label_key()),
                source: a.source,
            });
        }
    }
    let status = posting.effective_status(state.today());
    render(&PostingPage {
        p: staff.page(
            &state,
            lang,
            posting.title.clone(),
            format!("/admin/postings/{id}"),
        ),
        status: t(lang, status.label_key()),
        unit: unit.name(lang).to_owned(),
        profession: profession::name(&posting.profession, lang),
        deadline: i18n::date_str(lang, &posting.deadline),
        may_publish: may_manage
            && posting
                .status
                .after(Transition::Publish, deadline_day(&posting), state.today())
                .is_ok(),
        is_public: status != PostingStatus::Draft,
        may_read,
        applications,
        posting,
    })
}

pub async fn publish_posting(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(_)): Csrf<Form<Empty>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
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
    if seen.posting.status == PostingStatus::Draft {
        state.store.publish_posting(id, state.today()).await?;
        state.public_changed().await?;
        tracing::info!(
            posting_id = id,
            user_id = staff.user.id,
            "posting published"
        );
    }
    Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response())
}
