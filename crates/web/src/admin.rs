//! The back office: postings for HR and managers, and the applications behind them.
//! Every read of a candidate's data is written to the audit trail.

use crate::auth::{verify_csrf, ClientIp, Staff};
use crate::i18n::{self, t};
use crate::page::{
    engagement_options, page_count, profession_options, render, render_status, AppError, CsrfForm,
    Errors, Options, PageCtx, Pager, ReqLang,
};
use crate::public::UnitNames;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use talentflyt_domain::posting::{Phase, PostingDraft, PostingForm, PostingStatus};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{Actor, AuditEvent, OrgUnit, Posting, StaffScope};

pub(crate) struct Row {
    id: i64,
    title: String,
    unit: String,
    status: &'static str,
    deadline: String,
    applications: i64,
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    p: PageCtx,
    may_create: bool,
    rows: Vec<Row>,
    /// Signed in, but with no role that shows postings (e.g. an employee).
    no_roles: bool,
    count_text: String,
    pager: Pager,
}

const STAFF_PAGE_SIZE: i64 = 50;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

fn status_label(lang: Lang, s: &str) -> &'static str {
    PostingStatus::parse(s)
        .map(|s| t(lang, s.label_key()))
        .unwrap_or("")
}

pub async fn home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let mut unit_paths = staff.access.reading_unit_paths();
    unit_paths.extend(
        staff
            .access
            .grants
            .iter()
            .filter(|g| g.role.may_manage_postings())
            .filter_map(|g| g.unit_path.clone()),
    );
    unit_paths.sort();
    unit_paths.dedup();
    let scope = StaffScope {
        unit_paths,
        posting_ids: staff.access.reading_posting_ids(),
    };
    let scope_empty = scope.unit_paths.is_empty() && scope.posting_ids.is_empty();
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (cards, total) = state
        .store
        .staff_postings(&scope, (page - 1) * STAFF_PAGE_SIZE, STAFF_PAGE_SIZE)
        .await?;
    let pages = page_count(total, STAFF_PAGE_SIZE);
    let units = state.units().await;
    let names = UnitNames::new(&units);
    let rows = cards
        .into_iter()
        .map(|c| Row {
            id: c.id,
            unit: names.unit(c.unit_id, lang),
            status: status_label(lang, &c.status),
            deadline: i18n::date_str(lang, &c.deadline),
            applications: c.applications,
            title: c.title,
        })
        .collect();
    render(&HomePage {
        p: staff.page(&state, lang, t(lang, "admin.postings"), "/admin"),
        may_create: staff.access.may_manage_any_postings(),
        no_roles: scope_empty && !staff.access.may_manage_any_postings(),
        rows,
        count_text: i18n::count(lang, total, "admin.count_one", "admin.count_many"),
        pager: Pager::new(lang, page, pages, |n| format!("/admin?page={n}")),
    })
}

#[derive(Template)]
#[template(path = "posting_form.html")]
struct PostingFormPage {
    p: PageCtx,
    errs: Errors,
    form: PostingForm,
    units: Vec<(i64, String, bool)>,
    professions: Options,
    engagements: Options,
}

/// Units this person may write postings for, indented by level.
fn unit_options(
    units: &[OrgUnit],
    staff: &Staff,
    lang: Lang,
    selected: &str,
) -> Vec<(i64, String, bool)> {
    units
        .iter()
        .filter(|u| staff.access.may_manage_postings_in(&u.path))
        .map(|u| {
            let depth = u.path.matches('/').count().saturating_sub(2);
            (
                u.id,
                format!("{}{}", "\u{2014} ".repeat(depth), u.name(lang)),
                u.id.to_string() == selected,
            )
        })
        .collect()
}

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
        units: unit_options(units, staff, lang, &form.unit_id),
        errs,
        professions: profession_options(lang, &form.profession),
        engagements: engagement_options(lang, &form.engagement),
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
        deadline: (i18n::today() + chrono::Days::new(21))
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

#[derive(Deserialize)]
pub struct PostingFormInput {
    csrf: String,
    #[serde(flatten)]
    form: PostingForm,
}

pub async fn create_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Form(f): Form<PostingFormInput>,
) -> Result<Response, AppError> {
    verify_csrf(&staff.session, &f.csrf).await?;
    if !staff.access.may_manage_any_postings() {
        return Err(AppError::Forbidden);
    }
    let form = f.form;
    let units = state.units().await;
    let parsed = PostingDraft::parse(&form, i18n::today());
    let mut errs = match &parsed {
        Ok(_) => Errors::default(),
        Err(list) => Errors::from_invalid(lang, list),
    };
    if let Ok(d) = &parsed {
        let allowed = units
            .iter()
            .find(|u| u.id == d.unit_id)
            .is_some_and(|u| staff.access.may_manage_postings_in(&u.path));
        if !allowed {
            errs.add(
                lang,
                "unit_id",
                t(lang, "error.unit_not_allowed").to_owned(),
            );
        }
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
#[template(path = "posting.html")]
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

/// The posting and its unit, if this person may see it at all.
async fn visible_posting(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(Posting, OrgUnit, bool, bool), AppError> {
    let posting = state.store.posting(id).await?;
    let unit = state.store.unit(posting.unit_id).await?;
    let may_manage = staff.access.may_manage_postings_in(&unit.path);
    let may_read = staff
        .access
        .may_read_applications_of(&unit.path, posting.id);
    if !may_manage && !may_read {
        return Err(AppError::Forbidden);
    }
    Ok((posting, unit, may_manage, may_read))
}

fn phase_label(lang: Lang, s: &str) -> &'static str {
    Phase::parse(s)
        .map(|p| t(lang, p.label_key()))
        .unwrap_or("")
}

pub async fn show_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (posting, unit, may_manage, may_read) = visible_posting(&state, &staff, id).await?;
    let mut applications = vec![];
    if may_read {
        let rows = state.store.applications_for_posting(id).await?;
        let events: Vec<AuditEvent> = rows
            .iter()
            .map(|a| AuditEvent {
                actor: Actor::User(staff.user.id),
                action: "list",
                subject_kind: "application",
                subject_id: a.id,
                ip: &ip,
                detail: "posting applicant list",
            })
            .collect();
        state.store.audit_many(&events).await?;
        for a in rows {
            applications.push(AppRow {
                id: a.id,
                name: format!("{} {}", a.given_name, a.family_name),
                submitted: i18n::datetime(lang, a.submitted_at),
                phase: phase_label(lang, &a.phase),
                source: a.source,
            });
        }
    }
    let status = posting.status();
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
        may_publish: may_manage && status == PostingStatus::Draft,
        is_public: status != PostingStatus::Draft,
        may_read,
        applications,
        posting,
    })
}

pub async fn publish_posting(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    verify_csrf(&staff.session, &f.csrf).await?;
    let (posting, _, may_manage, _) = visible_posting(&state, &staff, id).await?;
    if !may_manage {
        return Err(AppError::Forbidden);
    }
    if posting.status() == PostingStatus::Draft {
        state
            .store
            .set_posting_status(id, PostingStatus::Published)
            .await?;
        state.cache.clear();
        tracing::info!(
            posting_id = id,
            user_id = staff.user.id,
            "posting published"
        );
    }
    Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response())
}

pub(crate) struct DocRow {
    id: i64,
    kind: String,
    filename: String,
    size: String,
}

#[derive(Template)]
#[template(path = "application.html")]
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
}

async fn readable_application(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(talentflyt_store::ApplicationRow, Posting), AppError> {
    let a = state.store.application(id).await?;
    let (posting, _, _, may_read) = visible_posting(state, staff, a.posting_id).await?;
    if !may_read {
        return Err(AppError::Forbidden);
    }
    Ok((a, posting))
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

pub async fn show_application(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (a, posting) = readable_application(&state, &staff, id).await?;
    state
        .store
        .audit(AuditEvent {
            actor: Actor::User(staff.user.id),
            action: "read",
            subject_kind: "application",
            subject_id: id,
            ip: &ip,
            detail: "",
        })
        .await?;
    let documents = state
        .store
        .documents_of(id)
        .await?
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
        phase: phase_label(lang, &a.phase),
        source: a.source,
        documents,
    })
}

pub async fn download_document(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, doc)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    readable_application(&state, &staff, id).await?;
    let d = state.store.document(id, doc).await?;
    state
        .store
        .audit(AuditEvent {
            actor: Actor::User(staff.user.id),
            action: "download",
            subject_kind: "application",
            subject_id: id,
            ip: &ip,
            detail: &format!("document {doc}"),
        })
        .await?;
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
        HeaderValue::from_str(&disposition)
            .map_err(|_| AppError::Internal("disposition".into()))?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
