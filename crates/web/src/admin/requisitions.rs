//! Requisitions in the back office: a manager asks for positions, the approvers in the chain
//! decide, and HR settles the preferential rights before an external ad (R1, R2). The rules are
//! `domain::requisition` and `domain::preference`.

use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::UnitNames;
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
use serde::Deserialize;
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::preference::{
    answer_deadline, may_advertise_externally, Outcome, PreferenceRight,
};
use talentflyt_domain::requisition::{
    ApprovalPolicy, Approver, Decision, Requisition, RequisitionForm, RequisitionStatus,
    TemporaryGround,
};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OrgUnit, RequisitionRow, SubjectKind};

pub(crate) struct ListRow {
    id: i64,
    summary: String,
    unit: String,
    status: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "admin/requisitions.html")]
struct ListPage {
    p: PageCtx,
    rows: Vec<ListRow>,
    may_request: bool,
    may_register: bool,
}

fn summary(lang: Lang, r: &RequisitionRow, unit: &str) -> String {
    format!(
        "{} × {}, {} %, {}",
        r.positions,
        profession::name(&r.profession, lang),
        r.extent_percent,
        unit
    )
}

pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    let paths = staff.access.requisition_unit_paths();
    let rows = state.store.requisitions_in(&paths, None, 200).await?;
    let units = state.units().await;
    let names = UnitNames::new(&units);
    let rows = rows
        .iter()
        .map(|r| {
            let unit = names.unit(r.unit_id, lang);
            ListRow {
                id: r.id,
                summary: summary(lang, r, &unit),
                unit,
                status: t(lang, r.status.label_key()),
                created: i18n::datetime(lang, r.created_at),
            }
        })
        .collect();
    render(&ListPage {
        p: staff.page(
            &state,
            lang,
            t(lang, "requisition.list_title"),
            "/admin/requisitions",
        ),
        rows,
        may_request: !paths.is_empty(),
        may_register: staff.access.may_manage_any_postings(),
    })
}

#[derive(Template)]
#[template(path = "admin/requisition_form.html")]
struct FormPage {
    p: PageCtx,
    heading: &'static str,
    action: String,
    errs: Errors,
    form: RequisitionForm,
    units: Vec<(i64, String, bool)>,
    professions: Options,
    engagements: Options,
    grounds: Options,
}

/// The form for a new request, or (`resubmit`) for mending a returned one.
fn form_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    units: &[OrgUnit],
    form: RequisitionForm,
    errs: Errors,
    resubmit: Option<i64>,
) -> FormPage {
    let (heading, action, path) = match resubmit {
        Some(id) => (
            "requisition.resubmit_title",
            format!("/admin/requisitions/{id}"),
            format!("/admin/requisitions/{id}/edit"),
        ),
        None => (
            "requisition.new_title",
            "/admin/requisitions".to_owned(),
            "/admin/requisitions/new".to_owned(),
        ),
    };
    let grounds = TemporaryGround::LETTERS
        .iter()
        .map(|l| {
            (
                l.to_string(),
                t(lang, ground_key(l)).to_owned(),
                form.ground == *l,
            )
        })
        .collect();
    FormPage {
        p: staff.page(state, lang, t(lang, heading), path),
        heading,
        action,
        units: unit_options(units, lang, &form.unit_id, |u| {
            u.kind != UnitKind::Trust && staff.access.may_request_in(&u.path)
        }),
        professions: profession_options(lang, &form.profession),
        engagements: engagement_options(lang, &form.engagement),
        grounds,
        errs,
        form,
    }
}

fn ground_key(letter: &str) -> &'static str {
    match letter {
        "a" => "requisition.ground.a",
        "b" => "requisition.ground.b",
        "c" => "requisition.ground.c",
        "d" => "requisition.ground.d",
        _ => "requisition.ground.e",
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    if staff.access.requisition_unit_paths().is_empty() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    let form = RequisitionForm {
        positions: "1".into(),
        extent_percent: "100".into(),
        engagement: "permanent".into(),
        ..Default::default()
    };
    render(&form_page(
        &state,
        &staff,
        lang,
        &units,
        form,
        Errors::default(),
        None,
    ))
}

/// The form checked: the law's rules, and a unit this person may ask for positions in.
fn checked(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    units: &[OrgUnit],
    form: &RequisitionForm,
) -> Result<Requisition, Errors> {
    let parsed = Requisition::parse(form, state.today());
    let mut errs = match &parsed {
        Ok(_) => Errors::default(),
        Err(list) => Errors::from_invalid(lang, list),
    };
    if let Ok(r) = &parsed {
        check_unit(&mut errs, lang, units, r.unit_id, |p| {
            staff.access.may_request_in(p)
        });
    }
    match parsed {
        Ok(r) if errs.is_empty() => Ok(r),
        _ => Err(errs),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Csrf(Form(form)): Csrf<Form<RequisitionForm>>,
) -> Result<Response, AppError> {
    if staff.access.requisition_unit_paths().is_empty() {
        return Err(AppError::Forbidden);
    }
    let units = state.units().await;
    match checked(&state, &staff, lang, &units, &form) {
        Ok(r) => {
            let id = state.store.create_requisition(&r, staff.user.id).await?;
            tracing::info!(
                requisition_id = id,
                user_id = staff.user.id,
                "requisition submitted"
            );
            Ok(Redirect::to(&format!("/admin/requisitions/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &staff, lang, &units, form, errs, None),
        ),
    }
}

/// A returned request, for its requester's units, as the form to mend it.
async fn returned(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<RequisitionRow, AppError> {
    let r = visible(state, staff, ip, id).await?;
    if r.status != RequisitionStatus::Returned || !staff.access.may_request_in(&r.unit_path) {
        return Err(super::refuse(
            state,
            staff,
            ip,
            SubjectKind::Requisition,
            id,
            AppError::Forbidden,
        )
        .await);
    }
    Ok(r)
}

pub async fn edit_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = returned(&state, &staff, &ip, id).await?;
    let units = state.units().await;
    let form = RequisitionForm {
        unit_id: r.unit_id.to_string(),
        profession: r.profession.clone(),
        positions: r.positions.to_string(),
        extent_percent: r.extent_percent.to_string(),
        engagement: r.engagement.as_str().to_owned(),
        ground: r.temporary_ground.clone().unwrap_or_default(),
        replaces: r.substitute_for.clone().unwrap_or_default(),
        until: r.substitute_until.clone().unwrap_or_default(),
        start_date: r.start_date.clone(),
        cost_centre: r.cost_centre.clone(),
        part_time_justification: r.part_time_justification.clone().unwrap_or_default(),
        union_discussed_on: r.union_discussed_on.clone().unwrap_or_default(),
    };
    render(&form_page(
        &state,
        &staff,
        lang,
        &units,
        form,
        Errors::default(),
        Some(id),
    ))
}

/// The requester sends a mended request again; the approval chain starts over.
pub async fn resubmit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(form)): Csrf<Form<RequisitionForm>>,
) -> Result<Response, AppError> {
    returned(&state, &staff, &ip, id).await?;
    let units = state.units().await;
    match checked(&state, &staff, lang, &units, &form) {
        Ok(r) => {
            state
                .store
                .resubmit_requisition(id, &r, staff.user.id)
                .await?;
            tracing::info!(
                requisition_id = id,
                user_id = staff.user.id,
                "requisition resubmitted"
            );
            Ok(Redirect::to(&format!("/admin/requisitions/{id}")).into_response())
        }
        Err(errs) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &staff, lang, &units, form, errs, Some(id)),
        ),
    }
}

pub(crate) struct EventRow {
    at: String,
    who: String,
    action: &'static str,
    comment: String,
}

pub(crate) struct HolderRow {
    employee_id: i64,
    /// Employee number and name, as HR knows the holder.
    number: String,
    name: String,
    kind: &'static str,
    period: String,
    outcome: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/requisition.html")]
struct DetailPage {
    p: PageCtx,
    id: i64,
    summary: String,
    status: &'static str,
    facts: Vec<(&'static str, String)>,
    justification: String,
    events: Vec<EventRow>,
    /// Whose turn it is, if it is this person's.
    may_decide: bool,
    waiting_for: Option<&'static str>,
    holders: Vec<HolderRow>,
    may_record: bool,
    external: &'static str,
    answer_hint: String,
    errs: Errors,
    /// The requester may mend a returned request and send it again.
    may_resubmit: bool,
    /// The ad made from this requisition, or the way to make it (approved, and may write ads).
    ad: Option<(String, &'static str)>,
}

/// The requisition, if this person may see it; otherwise "not found", audited.
pub(crate) async fn visible(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<RequisitionRow, AppError> {
    let r = state.store.requisition(id).await?;
    if !staff.access.may_request_in(&r.unit_path) && !may_approve_any(staff, &r.unit_path) {
        return Err(super::refuse(
            state,
            staff,
            ip,
            SubjectKind::Requisition,
            id,
            AppError::NotFound,
        )
        .await);
    }
    Ok(r)
}

fn may_approve_any(staff: &Staff, unit_path: &str) -> bool {
    [Approver::Hr, Approver::ClinicLeader]
        .into_iter()
        .any(|a| staff.access.may_approve(a, unit_path))
}

/// Whose turn it is on a submitted requisition.
fn turn(policy: &ApprovalPolicy, r: &RequisitionRow) -> Option<Approver> {
    (r.status == RequisitionStatus::Submitted)
        .then(|| policy.chain(r.positions).get(r.approvals as usize).copied())
        .flatten()
}

fn approver_key(a: Approver) -> &'static str {
    match a {
        Approver::Hr => "requisition.approver.hr",
        Approver::ClinicLeader => "requisition.approver.clinic_leader",
    }
}

async fn detail_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    r: RequisitionRow,
    errs: Errors,
) -> Result<DetailPage, AppError> {
    let units = state.units().await;
    let names = UnitNames::new(&units);
    let unit = names.unit(r.unit_id, lang);
    let policy = &state.cfg.approval_policy;
    let next = turn(policy, &r);
    let events = state
        .store
        .requisition_events(r.id)
        .await?
        .into_iter()
        .map(|e| EventRow {
            at: i18n::datetime(lang, e.at),
            who: e.user_name,
            action: match e.action.as_str() {
                "submit" => t(lang, "requisition.event.submit"),
                "approve" => t(lang, "requisition.event.approve"),
                "return" => t(lang, "requisition.event.return"),
                "reject" => t(lang, "requisition.event.reject"),
                _ => t(lang, "requisition.event.resubmit"),
            },
            comment: e.comment,
        })
        .collect();
    let today = state.today();
    let holders: Vec<PreferenceRight> = state.store.holders_for_requisition(&r, today).await?;
    let outcomes = state.store.preference_outcomes(r.id).await?;
    let refs: Vec<&PreferenceRight> = holders.iter().collect();
    let ids: Vec<i64> = holders.iter().map(|h| h.employee_id).collect();
    let labels = state.store.employee_labels(&ids).await?;
    let label = |id: i64| {
        labels
            .iter()
            .find(|l| l.0 == id)
            .map(|l| (l.1.clone(), l.2.clone()))
            .unwrap_or_else(|| (id.to_string(), String::new()))
    };
    let external = match may_advertise_externally(&refs, &outcomes, r.positions) {
        Ok(()) => "requisition.external_ok",
        Err(e) => e.key(),
    };
    let mut facts = vec![
        ("admin.col_unit", unit.clone()),
        ("job.profession", profession::name(&r.profession, lang)),
        ("job.positions", r.positions.to_string()),
        ("job.extent", format!("{} %", r.extent_percent)),
        (
            "job.engagement",
            t(lang, r.engagement.label_key()).to_owned(),
        ),
        (
            "requisition.start_date",
            i18n::date_str(lang, &r.start_date),
        ),
        ("requisition.cost_centre", r.cost_centre.clone()),
    ];
    if let Some(g) = &r.temporary_ground {
        facts.push(("requisition.ground", t(lang, ground_key(g)).to_owned()));
    }
    if let (Some(who), Some(until)) = (&r.substitute_for, &r.substitute_until) {
        facts.push(("requisition.replaces", who.clone()));
        facts.push(("requisition.until", i18n::date_str(lang, until)));
    }
    if let Some(d) = &r.union_discussed_on {
        facts.push(("requisition.union_discussed_on", i18n::date_str(lang, d)));
    }
    let ad = match state.store.posting_for_requisition(r.id).await? {
        Some(pid) => Some((format!("/admin/postings/{pid}"), "requisition.open_ad")),
        None if r.status == RequisitionStatus::Approved
            && staff.access.may_write_ads_in(&r.unit_path) =>
        {
            Some((
                format!("/admin/requisitions/{}/ad", r.id),
                "requisition.make_ad",
            ))
        }
        None => None,
    };
    Ok(DetailPage {
        may_resubmit: r.status == RequisitionStatus::Returned
            && staff.access.may_request_in(&r.unit_path),
        ad,
        p: staff.page(
            state,
            lang,
            t(lang, "requisition.title"),
            format!("/admin/requisitions/{}", r.id),
        ),
        id: r.id,
        summary: summary(lang, &r, &unit),
        status: t(lang, r.status.label_key()),
        facts,
        justification: r.part_time_justification.clone().unwrap_or_default(),
        events,
        may_decide: next.is_some_and(|a| staff.access.may_approve(a, &r.unit_path)),
        waiting_for: next.map(|a| t(lang, approver_key(a))),
        holders: holders
            .iter()
            .map(|h| HolderRow {
                employee_id: h.employee_id,
                number: label(h.employee_id).0,
                name: label(h.employee_id).1,
                kind: t(lang, h.kind.label_key()),
                period: format!("{} – {}", i18n::date(lang, h.from), i18n::date(lang, h.to)),
                outcome: outcomes
                    .iter()
                    .find(|(id, _)| *id == h.employee_id)
                    .map(|(_, o)| t(lang, outcome_key(*o))),
            })
            .collect(),
        may_record: staff.access.may_approve(Approver::Hr, &r.unit_path) && r.status.is_live(),
        external: t(lang, external),
        answer_hint: i18n::tf(
            lang,
            "requisition.answer_hint",
            &[("date", &i18n::date(lang, answer_deadline(today)))],
        ),
        errs,
    })
}

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Accepted => "preference.outcome.accepted",
        Outcome::Declined => "preference.outcome.declined",
        Outcome::NotQualified => "preference.outcome.not_qualified",
    }
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = visible(&state, &staff, &ip, id).await?;
    render(&detail_page(&state, &staff, lang, r, Errors::default()).await?)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    comment: String,
}

pub async fn decide(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<DecisionForm>>,
) -> Result<Response, AppError> {
    let r = visible(&state, &staff, &ip, id).await?;
    let policy = &state.cfg.approval_policy;
    let Some(approver) = turn(policy, &r) else {
        return Err(AppError::Refused("error.requisition_not_awaiting"));
    };
    if !staff.access.may_approve(approver, &r.unit_path) {
        return Err(AppError::Forbidden);
    }
    let decision = match f.decision.as_str() {
        "approve" => Decision::Approve,
        "return" => Decision::Return,
        "reject" => Decision::Reject,
        _ => return Err(AppError::BadRequest),
    };
    let comment: String = f.comment.trim().chars().take(2000).collect();
    let next = match policy.decide(r.positions, r.approvals as usize, decision, &comment) {
        Ok((status, _)) => status,
        Err(e) => {
            let errs = Errors::from_invalid(lang, &[e]);
            let page = detail_page(&state, &staff, lang, r, errs).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    // The requester is told when the chain ends (approved, returned or rejected).
    let requester = state.store.user(r.requested_by).await?;
    let unit = super::unit_of(&state, r.unit_id).await?;
    let notice = if next == RequisitionStatus::Submitted {
        None
    } else {
        let outcome_key = match next {
            RequisitionStatus::Approved => "requisition.outcome.approved",
            RequisitionStatus::Returned => "requisition.outcome.returned",
            _ => "requisition.outcome.rejected",
        };
        // The requester reads it in the language of this trust's staff pages: bokmål first.
        let mail_lang = Lang::Nb;
        Some(
            talentflyt_jobs::mail::RequisitionDecided {
                to: &requester.email,
                requester_name: &requester.display_name,
                summary: &summary(mail_lang, &r, unit.name(mail_lang)),
                outcome: t(mail_lang, outcome_key),
                comment: &comment,
                link: &format!("{}/admin/requisitions/{id}", state.cfg.base_url),
            }
            .render(mail_lang, &state.mail_brand)
            .map_err(|e| AppError::Internal(format!("e-mail template: {e}")))?,
        )
    };
    state
        .store
        .decide_requisition(
            id,
            staff.user.id,
            policy,
            decision,
            &comment,
            notice.as_ref(),
        )
        .await?;
    state.wake_jobs();
    tracing::info!(
        requisition_id = id,
        user_id = staff.user.id,
        "requisition decided"
    );
    Ok(Redirect::to(&format!("/admin/requisitions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    employee_id: i64,
    outcome: String,
    #[serde(default)]
    offered_on: String,
}

pub async fn record_outcome(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<OutcomeForm>>,
) -> Result<Response, AppError> {
    let r = visible(&state, &staff, &ip, id).await?;
    if !staff.access.may_approve(Approver::Hr, &r.unit_path) {
        return Err(AppError::Forbidden);
    }
    if !r.status.is_live() {
        return Err(AppError::Refused("error.requisition_not_awaiting"));
    }
    let outcome = Outcome::parse(&f.outcome).ok_or(AppError::BadRequest)?;
    let holders = state
        .store
        .holders_for_requisition(&r, state.today())
        .await?;
    if !holders.iter().any(|h| h.employee_id == f.employee_id) {
        return Err(AppError::NotFound);
    }
    let offered_on = chrono::NaiveDate::parse_from_str(f.offered_on.trim(), "%Y-%m-%d").ok();
    state
        .store
        .record_preference_outcome(id, f.employee_id, outcome, offered_on, staff.user.id)
        .await?;
    Ok(Redirect::to(&format!("/admin/requisitions/{id}#preference")).into_response())
}
