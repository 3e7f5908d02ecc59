//! Ads in the back office: written from a template (or from an approved requisition) by the
//! manager and HR together, checked for inclusive and readable language, previewed exactly as
//! candidates will see them, and read with their log, versions and applicants.

use super::{refuse, visible_posting, Seen};
use crate::career::ad::{AdPage, Preview};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::options::{
    check_unit, engagement_options, profession_options, unit_options, Options,
};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use talentflyt_domain::ad::{
    template_for, AdContent, CompetenceArea, TargetGroup, Template as AdTemplate,
};
use talentflyt_domain::posting::{PostingDraft, PostingForm, PostingStatus, Stage};
use talentflyt_domain::requisition::RequisitionStatus;
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OrgUnit, Posting, PostingAction, RequisitionRow, SubjectKind};

/// A checkbox: value, label, checked.
pub(crate) type Checks = Vec<(String, &'static str, bool)>;

/// Checkboxes for each of `all`, checked where `chosen` names it.
fn checks<T: Copy + std::fmt::Display>(
    all: &[T],
    chosen: &[String],
    label_key: impl Fn(T) -> &'static str,
    lang: Lang,
) -> Checks {
    all.iter()
        .map(|v| {
            let code = v.to_string();
            let on = chosen.contains(&code);
            (code, t(lang, label_key(*v)), on)
        })
        .collect()
}

pub(crate) fn target_checks(lang: Lang, form: &PostingForm) -> Checks {
    checks(
        &TargetGroup::ALL,
        &form.target_groups,
        TargetGroup::label_key,
        lang,
    )
}

pub(crate) fn area_checks(lang: Lang, form: &PostingForm) -> Checks {
    checks(
        &CompetenceArea::ALL,
        &form.competence_areas,
        CompetenceArea::label_key,
        lang,
    )
}

/// What the form shows of the requisition an ad is made from; those fields are not edited here.
pub(crate) struct FromRequisition {
    id: i64,
    facts: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "admin/posting_form.html")]
struct PostingFormPage {
    p: PageCtx,
    errs: Errors,
    heading: &'static str,
    action: String,
    form: PostingForm,
    units: Vec<(i64, String, bool)>,
    professions: Options,
    engagements: Options,
    targets: Checks,
    areas: Checks,
    /// Templates to start from (new ads only).
    templates: Options,
    requisition: Option<FromRequisition>,
    /// The language check, when asked for: one per language written.
    checks: Vec<LanguageCheck>,
}

/// The language check as the page shows it: advice beside the text, never a block.
pub(crate) struct LanguageCheck {
    heading: &'static str,
    lix: String,
    band: &'static str,
    leaning: &'static str,
    findings: Vec<(&'static str, String, Option<String>)>,
}

impl LanguageCheck {
    fn one(text: &str, written_in: Lang, heading: &'static str, lang: Lang) -> LanguageCheck {
        let report = talentflyt_domain::language::check(text, written_in);
        LanguageCheck {
            heading,
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

    /// Check the ad as typed, the bokmål text and (if written) the English one, with messages in
    /// the reader's language.
    fn of(form: &PostingForm, lang: Lang) -> Vec<LanguageCheck> {
        let as_text = |title: &str, text: &talentflyt_domain::ad::AdText, en: bool| {
            let content = AdContent {
                nb: text.clone(),
                requirements: form
                    .requirements
                    .iter()
                    .map(|r| talentflyt_domain::ad::Requirement {
                        nb: if en { r.en.clone() } else { r.nb.clone() },
                        en: String::new(),
                        required: true,
                        weight: 1,
                    })
                    .filter(|r| !r.nb.trim().is_empty())
                    .collect(),
                ..AdContent::default()
            };
            // Sentences end at the title and at each list item, as a reader takes them.
            content
                .plain_nb(&format!("{}.", title.trim()))
                .replace('\n', ".\n")
        };
        let mut out = vec![Self::one(
            &as_text(&form.title, &form.nb, false),
            Lang::Nb,
            "language.check_nb",
            lang,
        )];
        if !form.en.is_blank() {
            out.push(Self::one(
                &as_text(&form.title_en, &form.en, true),
                Lang::En,
                "language.check_en",
                lang,
            ));
        }
        out
    }
}

/// The form as sent: the posting's fields, and which button was pressed (`check` asks for the
/// language check only; anything else saves).
struct Sent {
    form: PostingForm,
    check: bool,
}

fn sent(pairs: Vec<(String, String)>) -> Sent {
    let check = pairs.iter().any(|(k, v)| k == "action" && v == "check");
    Sent {
        form: PostingForm::from_pairs(&pairs),
        check,
    }
}

struct FormSetup<'a> {
    heading: &'static str,
    action: String,
    path: String,
    requisition: Option<&'a RequisitionRow>,
    new: bool,
}

async fn form_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    units: &[OrgUnit],
    setup: FormSetup<'_>,
    form: PostingForm,
    errs: Errors,
) -> Result<PostingFormPage, AppError> {
    let templates = if setup.new && setup.requisition.is_none() {
        state
            .store
            .ad_templates()
            .await?
            .iter()
            .map(|tpl| {
                (
                    tpl.profession.clone(),
                    template_name(&tpl.profession, lang),
                    false,
                )
            })
            .collect()
    } else {
        vec![]
    };
    let requisition = setup.requisition.map(|r| FromRequisition {
        id: r.id,
        facts: requisition_facts(lang, units, r),
    });
    Ok(PostingFormPage {
        p: staff.page(state, lang, t(lang, setup.heading), setup.path),
        heading: setup.heading,
        action: setup.action,
        units: unit_options(units, lang, &form.unit_id, |u| {
            staff.access.may_write_ads_in(&u.path)
        }),
        errs,
        professions: profession_options(lang, &form.profession),
        engagements: engagement_options(lang, &form.engagement),
        targets: target_checks(lang, &form),
        areas: area_checks(lang, &form),
        templates,
        requisition,
        checks: vec![],
        form: form.with_blank_rows(),
    })
}

/// A template's name in the list: the profession, or "general".
pub(crate) fn template_name(code: &str, lang: Lang) -> String {
    if code == talentflyt_domain::ad::GENERAL_TEMPLATE {
        t(lang, "template.general").to_owned()
    } else {
        profession::name(code, lang)
    }
}

fn requisition_facts(
    lang: Lang,
    units: &[OrgUnit],
    r: &RequisitionRow,
) -> Vec<(&'static str, String)> {
    let unit = units
        .iter()
        .find(|u| u.id == r.unit_id)
        .map(|u| u.name(lang).to_owned())
        .unwrap_or_default();
    vec![
        ("admin.col_unit", unit),
        ("job.profession", profession::name(&r.profession, lang)),
        ("job.positions", r.positions.to_string()),
        ("job.extent", format!("{} %", r.extent_percent)),
        (
            "job.engagement",
            t(lang, r.engagement.label_key()).to_owned(),
        ),
    ]
}

/// A new form filled from a template (the ad's own fields stay as they are).
fn apply_template(form: &mut PostingForm, tpl: &AdTemplate) {
    form.title = tpl.nb.title.clone();
    form.title_en = tpl.en.title.clone();
    form.nb = tpl.nb.text.clone();
    form.en = tpl.en.text.clone();
    form.target_groups = tpl.target_groups.iter().map(|g| g.to_string()).collect();
    form.competence_areas = tpl.competence_areas.iter().map(|a| a.to_string()).collect();
    let d = PostingDraft {
        content: AdContent {
            requirements: tpl.requirements.clone(),
            ..AdContent::default()
        },
        ..PostingDraft::default()
    };
    form.requirements = PostingForm::of(&d).requirements;
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    template: String,
}

fn blank_form(state: &AppState) -> PostingForm {
    PostingForm {
        engagement: "permanent".into(),
        extent_percent: "100".into(),
        positions: "1".into(),
        deadline: (state.today() + chrono::Days::new(21))
            .format("%Y-%m-%d")
            .to_string(),
        ..Default::default()
    }
}

pub async fn new_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    if !staff.access.may_write_any_ads() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let mut form = blank_form(&state);
    if !q.template.is_empty() {
        let templates = state.store.ad_templates().await?;
        if let Some(tpl) = templates.iter().find(|t| t.profession == q.template) {
            apply_template(&mut form, tpl);
            if profession::find(&tpl.profession).is_some() {
                form.profession = tpl.profession.clone();
            }
        }
    }
    let setup = FormSetup {
        heading: "posting.new_title",
        action: "/admin/postings".into(),
        path: "/admin/postings/new".into(),
        requisition: None,
        new: true,
    };
    render(&form_page(&state, &staff, lang, &units, setup, form, Errors::default()).await?)
}

/// An ad from an approved requisition: the template of its profession, its unit, positions,
/// extent, engagement and start date. If the ad exists already, go to it.
pub async fn new_from_requisition(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = super::requisitions::visible(&state, &staff, &ip, id).await?;
    if let Some(pid) = state.store.posting_for_requisition(id).await? {
        return Ok(Redirect::to(&format!("/admin/postings/{pid}")).into_response());
    }
    if r.status != RequisitionStatus::Approved || !staff.access.may_write_ads_in(&r.unit_path) {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let templates = state.store.ad_templates().await?;
    let mut form = blank_form(&state);
    if let Some(tpl) = template_for(&templates, &r.profession) {
        apply_template(&mut form, tpl);
    }
    fill_from_requisition(&mut form, &r);
    form.start_date = r.start_date.clone();
    let setup = FormSetup {
        heading: "posting.new_title",
        action: "/admin/postings".into(),
        path: format!("/admin/requisitions/{id}/ad"),
        requisition: Some(&r),
        new: true,
    };
    render(&form_page(&state, &staff, lang, &units, setup, form, Errors::default()).await?)
}

/// The fields an ad takes from its requisition (whatever the form says).
fn fill_from_requisition(form: &mut PostingForm, r: &RequisitionRow) {
    form.requisition_id = r.id.to_string();
    form.unit_id = r.unit_id.to_string();
    form.profession = r.profession.clone();
    form.engagement = r.engagement.as_str().to_owned();
    form.extent_percent = r.extent_percent.to_string();
    form.positions = r.positions.to_string();
}

/// Check the form: the domain's rules, the unit (one this person may write for) and the
/// profession; an ad from a requisition takes its fields from it.
async fn checked(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    units: &[OrgUnit],
    form: &mut PostingForm,
) -> Result<(Result<PostingDraft, Errors>, Option<RequisitionRow>), AppError> {
    let requisition = match form.requisition_id.trim().parse::<i64>() {
        Ok(rid) => {
            let r = super::requisitions::visible(state, staff, ip, rid).await?;
            if r.status != RequisitionStatus::Approved {
                return Err(AppError::Forbidden);
            }
            fill_from_requisition(form, &r);
            Some(r)
        }
        Err(_) => {
            form.requisition_id.clear();
            None
        }
    };
    let parsed = PostingDraft::parse(form, state.today());
    let mut errs = match &parsed {
        Ok(_) => Errors::default(),
        Err(list) => Errors::from_invalid(lang, list),
    };
    if let Ok(d) = &parsed {
        check_unit(&mut errs, lang, units, d.unit_id, |p| {
            staff.access.may_write_ads_in(p)
        });
        if profession::find(&d.profession).is_none() {
            errs.add(lang, "profession", t(lang, "error.required").to_owned());
        }
    }
    Ok((
        match parsed {
            Ok(d) if errs.is_empty() => Ok(d),
            _ => Err(errs),
        },
        requisition,
    ))
}

pub async fn create_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    if !staff.access.may_write_any_ads() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let Sent { mut form, check } = sent(pairs);
    let (result, requisition) = checked(&state, &staff, lang, &ip, &units, &mut form).await?;
    let setup = FormSetup {
        heading: "posting.new_title",
        action: "/admin/postings".into(),
        path: "/admin/postings/new".into(),
        requisition: requisition.as_ref(),
        new: true,
    };
    if check {
        // Advice only: the form comes back as typed, with the check beside it; nothing is saved.
        let checks = LanguageCheck::of(&form, lang);
        let mut page =
            form_page(&state, &staff, lang, &units, setup, form, Errors::default()).await?;
        page.checks = checks;
        return render(&page);
    }
    match result {
        Ok(d) => {
            if let Some(r) = &requisition {
                if let Some(pid) = state.store.posting_for_requisition(r.id).await? {
                    // Saved twice (a double click): the first one stands.
                    return Ok(Redirect::to(&format!("/admin/postings/{pid}")).into_response());
                }
            }
            let id = state.store.create_posting(&d, Some(staff.user.id)).await?;
            tracing::info!(posting_id = id, user_id = staff.user.id, "posting created");
            Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &staff, lang, &units, setup, form, errs).await?,
        ),
    }
}

/// Who may edit: the writers of the unit while it is a draft, HR also after publishing.
fn may_edit(staff: &Staff, seen: &Seen) -> bool {
    match seen.posting.status {
        PostingStatus::Draft => staff.access.may_write_ads_in(&seen.unit.path),
        PostingStatus::Published => seen.may_manage,
        PostingStatus::Closed => false,
    }
}

async fn editable(state: &AppState, staff: &Staff, ip: &str, id: i64) -> Result<Seen, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    if !may_edit(staff, &seen) {
        return Err(refuse(
            state,
            staff,
            ip,
            SubjectKind::Posting,
            id,
            AppError::Forbidden,
        )
        .await);
    }
    Ok(seen)
}

fn edit_setup(id: i64, requisition: Option<&RequisitionRow>) -> FormSetup<'_> {
    FormSetup {
        heading: "posting.edit_title",
        action: format!("/admin/postings/{id}"),
        path: format!("/admin/postings/{id}/edit"),
        requisition,
        new: false,
    }
}

pub async fn edit_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = editable(&state, &staff, &ip, id).await?;
    let units = state.units().await;
    let requisition = match seen.posting.requisition_id {
        Some(r) => Some(state.store.requisition(r).await?),
        None => None,
    };
    let form = PostingForm::of(&seen.posting.draft());
    let setup = edit_setup(id, requisition.as_ref());
    render(&form_page(&state, &staff, lang, &units, setup, form, Errors::default()).await?)
}

pub async fn update_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = editable(&state, &staff, &ip, id).await?;
    let units = state.units().await;
    let Sent { mut form, check } = sent(pairs);
    // The requisition an ad was made from is not changed by editing it.
    form.requisition_id = seen
        .posting
        .requisition_id
        .map(|r| r.to_string())
        .unwrap_or_default();
    if seen.posting.status != PostingStatus::Draft {
        // A published ad's deadline moves only by extending it (the original is kept).
        form.deadline = seen.posting.deadline.clone();
    }
    let (result, requisition) = checked(&state, &staff, lang, &ip, &units, &mut form).await?;
    if check {
        let checks = LanguageCheck::of(&form, lang);
        let mut page = form_page(
            &state,
            &staff,
            lang,
            &units,
            edit_setup(id, requisition.as_ref()),
            form,
            Errors::default(),
        )
        .await?;
        page.checks = checks;
        return render(&page);
    }
    match result {
        Ok(d) => {
            state.store.update_posting(id, &d, staff.user.id).await?;
            if seen.posting.status != PostingStatus::Draft {
                state.public_changed().await?;
            }
            tracing::info!(posting_id = id, user_id = staff.user.id, "posting edited");
            Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &state,
                &staff,
                lang,
                &units,
                edit_setup(id, requisition.as_ref()),
                form,
                errs,
            )
            .await?,
        ),
    }
}

pub(crate) struct EventRow {
    at: String,
    who: String,
    action: &'static str,
    note: String,
}

pub(crate) struct VersionRow {
    version: i64,
    at: String,
    who: String,
}

#[derive(Template)]
#[template(path = "admin/posting.html")]
struct PostingPage {
    p: PageCtx,
    errs: Errors,
    posting: Posting,
    stage: &'static str,
    unit: String,
    profession: String,
    deadline: String,
    original_deadline: String,
    schedule: String,
    may_edit: bool,
    /// The writer may ask HR to approve (a draft not yet sent).
    may_submit: bool,
    /// HR may approve and publish (a draft).
    may_approve: bool,
    /// HR may take the ad down or extend its deadline (published and not closed).
    may_unpublish: bool,
    may_extend: bool,
    is_public: bool,
    has_english: bool,
    may_read: bool,
    /// How many applied, and how many stand in each stage and exit.
    applications: i64,
    stage_counts: Vec<(String, i64)>,
    /// When the case was finished, or empty.
    finished: String,
    may_finish: bool,
    events: Vec<EventRow>,
    versions: Vec<VersionRow>,
    /// Defaults of the approval form.
    publish_on: String,
    internal_until: String,
    new_deadline: String,
    /// What NAV arbeidsplassen was last told and answered; empty when never sent.
    nav: String,
    nav_answer: String,
    /// Applications and hires per source (counts only).
    sources: Vec<(String, i64, i64)>,
}

/// A log line's note as a person reads it: the dates it keeps as ISO text (the publish day and
/// the internal period on approval, the deadline on closing, old → new on an extension) in the
/// reader's language.
fn readable_note(lang: Lang, action: PostingAction, note: &str) -> String {
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .map(|d| i18n::date(lang, d))
    };
    match action {
        PostingAction::Approve => match note.split_once(" / ") {
            Some((from, until)) => {
                if let (Some(from), Some(until)) = (date(from), date(until)) {
                    return i18n::tf(
                        lang,
                        "posting_event.note_internal",
                        &[("date", &from), ("until", &until)],
                    );
                }
            }
            None => {
                if let Some(from) = date(note) {
                    return i18n::tf(lang, "posting_event.note_publish", &[("date", &from)]);
                }
            }
        },
        PostingAction::Close => {
            if let Some(d) = date(note) {
                return i18n::tf(lang, "posting_event.note_deadline", &[("date", &d)]);
            }
        }
        _ => {}
    }
    note.split(' ')
        .map(|w| date(w).unwrap_or_else(|| w.to_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A source as HR reads it: the known ones named, others as the link said them.
pub(crate) fn source_label(lang: Lang, source: &str, ambassadors: &[(String, String)]) -> String {
    match source {
        "career_site" => t(lang, "source.career_site").to_owned(),
        "internal" => t(lang, "source.internal").to_owned(),
        "job_alert" => t(lang, "source.job_alert").to_owned(),
        "nav" => "NAV".to_owned(),
        other => match other
            .strip_prefix("amb-")
            .and_then(|code| ambassadors.iter().find(|(c, _)| c == code))
        {
            Some((_, name)) => i18n::tf(lang, "source.ambassador", &[("name", name)]),
            None => other.to_owned(),
        },
    }
}

/// Counts per source with each source named (an ambassador by name).
async fn labelled_sources(
    state: &AppState,
    lang: Lang,
    counts: Vec<talentflyt_store::SourceCount>,
) -> Result<Vec<(String, i64, i64)>, AppError> {
    let codes: Vec<String> = counts
        .iter()
        .filter_map(|c| c.source.strip_prefix("amb-").map(str::to_owned))
        .collect();
    let ambassadors = state.store.ambassador_names(&codes).await?;
    Ok(counts
        .into_iter()
        .map(|c| {
            (
                source_label(lang, &c.source, &ambassadors),
                c.applications,
                c.hired,
            )
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/sources.html")]
struct SourcesPage {
    p: PageCtx,
    sources: Vec<(String, i64, i64)>,
}

/// `GET /admin/sources`: applications and hires per source, ambassadors by name, across every
/// posting (HR).
pub async fn sources(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    super::hr_only(&staff)?;
    let counts = state.store.source_counts_all().await?;
    render(&SourcesPage {
        p: staff.page(&state, lang, t(lang, "sources.title"), "/admin/sources"),
        sources: labelled_sources(&state, lang, counts).await?,
    })
}

/// What NAV was last told about the ad, in words, and its answer as it gave it.
fn nav_status(lang: Lang, post: Option<talentflyt_store::ChannelPost>) -> (String, String) {
    let Some(post) = post else {
        return (String::new(), String::new());
    };
    let key = match (post.accepted.0, post.sent_state.as_str()) {
        (true, "active") => "posting.nav_active",
        (true, _) => "posting.nav_stopped",
        (false, _) => "posting.nav_failed",
    };
    (
        i18n::tf(
            lang,
            key,
            &[("when", &i18n::datetime(lang, post.updated_at))],
        ),
        post.answer,
    )
}

pub(crate) async fn posting_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    seen: Seen,
    errs: Errors,
) -> Result<Response, AppError> {
    let editable = may_edit(staff, &seen);
    let Seen {
        posting,
        unit,
        may_manage,
        may_read,
    } = seen;
    let id = posting.id;
    let today = state.today();
    // Counts per stage only: the names are on the applicant list, which audits what it shows.
    let mut stage_counts = vec![];
    let mut applications = 0;
    if may_read {
        for (s, n) in state.store.stage_counts(id).await? {
            applications += n;
            let name = if s.position == 0 {
                t(lang, s.phase.label_key()).to_owned()
            } else {
                s.name(lang).to_owned()
            };
            stage_counts.push((name, n));
        }
    }
    let finished = state
        .store
        .posting_finished_at(id)
        .await?
        .map(|at| i18n::datetime(lang, at))
        .unwrap_or_default();
    let events = state
        .store
        .posting_events(id)
        .await?
        .into_iter()
        .map(|e| EventRow {
            at: i18n::datetime(lang, e.at),
            who: e
                .user_name
                .unwrap_or_else(|| t(lang, "posting_event.system").to_owned()),
            action: t(lang, e.action.label_key()),
            note: readable_note(lang, e.action, &e.note),
        })
        .collect();
    let versions = state
        .store
        .posting_versions(id)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            version: v.version,
            at: i18n::datetime(lang, v.saved_at),
            who: v.saved_by_name.unwrap_or_default(),
        })
        .collect();
    let stage = posting.stage(today);
    let writer = staff.access.may_write_ads_in(&unit.path);
    let schedule = match (&posting.publish_on, &posting.internal_until) {
        (Some(from), Some(until)) => i18n::tf(
            lang,
            "posting.schedule_internal",
            &[
                ("from", &i18n::date_str(lang, from)),
                ("until", &i18n::date_str(lang, until)),
            ],
        ),
        (Some(from), None) => i18n::tf(
            lang,
            "posting.schedule_from",
            &[("from", &i18n::date_str(lang, from))],
        ),
        _ => String::new(),
    };
    let open_or_waiting = matches!(stage, Stage::Open | Stage::Internal | Stage::Scheduled);
    let sources =
        labelled_sources(state, lang, state.store.source_counts(posting.id).await?).await?;
    let (nav, nav_answer) = nav_status(lang, state.store.channel_post(posting.id, "nav").await?);
    render(&PostingPage {
        p: staff.page(
            state,
            lang,
            posting.title.clone(),
            format!("/admin/postings/{id}"),
        ),
        errs,
        stage: t(lang, stage.label_key()),
        unit: unit.name(lang).to_owned(),
        profession: profession::name(&posting.profession, lang),
        deadline: i18n::date_str(lang, &posting.deadline),
        original_deadline: posting
            .original_deadline
            .as_deref()
            .filter(|o| *o != posting.deadline)
            .map(|o| i18n::date_str(lang, o))
            .unwrap_or_default(),
        schedule,
        may_edit: editable,
        may_submit: writer && stage == Stage::Draft,
        may_approve: may_manage && matches!(stage, Stage::Draft | Stage::AwaitingApproval),
        may_unpublish: may_manage && open_or_waiting,
        may_extend: may_manage && open_or_waiting,
        is_public: matches!(stage, Stage::Open | Stage::Closed),
        has_english: posting.content().has_english(),
        may_read,
        applications,
        stage_counts,
        // As the store decides it: the deadline day is over.
        may_finish: may_manage
            && finished.is_empty()
            && posting.deadline_date().is_some_and(|d| d < today),
        finished,
        events,
        versions,
        publish_on: today.format("%Y-%m-%d").to_string(),
        internal_until: String::new(),
        new_deadline: posting
            .deadline_date()
            .map(|d| (d + chrono::Days::new(7)).format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        nav,
        nav_answer,
        sources,
        posting,
    })
}

pub async fn show_posting(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    posting_page(&state, &staff, lang, seen, Errors::default()).await
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    /// The language to preview in: `nb` or `en`.
    #[serde(default)]
    lang: String,
    /// An earlier version to show instead of the current ad.
    version: Option<i64>,
}

/// The ad exactly as candidates will see it, in the language asked for, with a banner saying
/// it is a preview. An earlier version is shown the same way.
pub async fn preview_posting(
    State(state): State<AppState>,
    ReqLang(ui_lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    let lang = Lang::parse(&q.lang).unwrap_or(ui_lang);
    let mut posting = seen.posting;
    let mut banner = t(lang, "preview.banner").to_owned();
    let mut version_param = String::new();
    if let Some(v) = q.version {
        let versions = state.store.posting_versions(id).await?;
        let Some(old) = versions.iter().find(|x| x.version == v) else {
            return Err(AppError::NotFound);
        };
        posting = posting.with_draft(&old.draft()?);
        banner = i18n::tf(
            lang,
            "preview.version_banner",
            &[
                ("version", &v.to_string()),
                ("date", &i18n::datetime(lang, old.saved_at)),
            ],
        );
        version_param = format!("&version={v}");
    }
    let units = state.units().await;
    let org = state.store.org_texts().await?;
    let other = lang.other();
    let preview = Preview {
        text: banner,
        back_href: format!("/admin/postings/{id}"),
        back_text: t(lang, "preview.back"),
        other_href: format!(
            "/admin/postings/{id}/preview?lang={}{version_param}",
            other.code()
        ),
        other_text: t(lang, "preview.other_lang"),
    };
    let title = posting.title.clone();
    let page = AdPage::build(
        staff.page(&state, lang, title, format!("/admin/postings/{id}/preview")),
        posting,
        &units,
        &org,
        false,
        Some(preview),
        None,
    );
    render(&page)
}
