//! HR's ad templates, one per profession in bokmål and English, and the organisation's standard
//! diversity sentence that every ad carries (A5, A6).

use super::hr_only;
use super::postings::{area_checks, target_checks, template_name, Checks};
use crate::error::AppError;
use crate::extract::{Csrf, ReqLang, Staff};
use crate::i18n::t;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use talentflyt_domain::ad::{AdContent, OrgTexts};
use talentflyt_domain::posting::{parse_template, PostingDraft, PostingForm};
use talentflyt_domain::Lang;

#[derive(Template)]
#[template(path = "admin/templates.html")]
struct ListPage {
    p: PageCtx,
    errs: Errors,
    rows: Vec<(String, String, String)>,
    org: OrgTexts,
    saved: bool,
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    org: OrgTexts,
    errs: Errors,
) -> Result<ListPage, AppError> {
    let mut rows: Vec<(String, String, String)> = state
        .store
        .ad_templates()
        .await?
        .into_iter()
        .map(|tpl| {
            let title = match lang {
                Lang::Nb => tpl.nb.title.clone(),
                Lang::En => tpl.en.title.clone(),
            };
            (
                tpl.profession.clone(),
                template_name(&tpl.profession, lang),
                title,
            )
        })
        .collect();
    rows.sort_by_cached_key(|r| crate::view::options::nb_sort_key(&r.1));
    Ok(ListPage {
        p: staff.page(
            state,
            lang,
            t(lang, "template.list_title"),
            "/admin/templates",
        ),
        errs,
        rows,
        org,
        saved: false,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let org = state.store.org_texts().await?;
    render(&list_page(&state, &staff, lang, org, Errors::default()).await?)
}

#[derive(Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    diversity_nb: String,
    #[serde(default)]
    diversity_en: String,
}

pub async fn save_org_texts(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Csrf(Form(f)): Csrf<Form<OrgForm>>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let org = OrgTexts {
        diversity_nb: clean(&f.diversity_nb),
        diversity_en: clean(&f.diversity_en),
    };
    let mut errs = Errors::default();
    for (field, text) in [
        ("diversity_nb", &org.diversity_nb),
        ("diversity_en", &org.diversity_en),
    ] {
        if text.is_empty() {
            errs.add(lang, field, t(lang, "error.required").to_owned());
        } else if text.chars().count() > 1000 {
            errs.add(lang, field, t(lang, "error.too_long").to_owned());
        }
    }
    if !errs.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&state, &staff, lang, org, errs).await?,
        );
    }
    state.store.save_org_texts(&org, staff.user.id).await?;
    // Every ad shows the sentence: the cached pages go.
    state.public_changed().await?;
    let mut page = list_page(&state, &staff, lang, org, Errors::default()).await?;
    page.saved = true;
    render(&page)
}

#[derive(Template)]
#[template(path = "admin/template_form.html")]
struct EditPage {
    p: PageCtx,
    errs: Errors,
    code: String,
    name: String,
    form: PostingForm,
    targets: Checks,
    areas: Checks,
}

fn edit_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    code: &str,
    form: PostingForm,
    errs: Errors,
) -> EditPage {
    let (targets, areas) = (target_checks(lang, &form), area_checks(lang, &form));
    let name = template_name(code, lang);
    EditPage {
        p: staff.page(
            state,
            lang,
            name.clone(),
            format!("/admin/templates/{code}"),
        ),
        errs,
        code: code.to_owned(),
        name,
        form: form.with_blank_rows(),
        targets,
        areas,
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let templates = state.store.ad_templates().await?;
    let Some(tpl) = templates.into_iter().find(|x| x.profession == code) else {
        return Err(AppError::NotFound);
    };
    let draft = PostingDraft {
        title: tpl.nb.title.clone(),
        title_en: tpl.en.title.clone(),
        content: AdContent {
            nb: tpl.nb.text.clone(),
            en: tpl.en.text.clone(),
            requirements: tpl.requirements.clone(),
            contacts: vec![],
        },
        ..PostingDraft::default()
    };
    let mut form = PostingForm::of(&draft);
    form.target_groups = tpl.target_groups.iter().map(|g| g.to_string()).collect();
    form.competence_areas = tpl.competence_areas.iter().map(|a| a.to_string()).collect();
    render(&edit_page(
        &state,
        &staff,
        lang,
        &code,
        form,
        Errors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Path(code): Path<String>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    if !state
        .store
        .ad_templates()
        .await?
        .iter()
        .any(|x| x.profession == code)
    {
        return Err(AppError::NotFound);
    }
    let form = PostingForm::from_pairs(&pairs);
    match parse_template(&code, &form) {
        Ok(mut tpl) => {
            tpl.stages = state
                .store
                .ad_templates()
                .await?
                .into_iter()
                .find(|t| t.profession == code)
                .map(|t| t.stages)
                .unwrap_or_default();
            state.store.save_ad_template(&tpl, staff.user.id).await?;
            tracing::info!(user_id = staff.user.id, template = %code, "ad template saved");
            Ok(Redirect::to("/admin/templates").into_response())
        }
        Err(list) => {
            let errs = Errors::from_invalid(lang, &list);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(&state, &staff, lang, &code, form, errs),
            )
        }
    }
}
