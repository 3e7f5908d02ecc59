//! The public applicant list (R11), the staff's side: when it comes, each version with who was
//! named and the counts, the PDF of any version, and HR's decision on each request not to be
//! named, one at a time with a written reason (there is no "approve all").
//!
//! Readers of the posting's applications see the list (it is public); the requests, with the
//! applicants' own reasons, are for HR over the posting's unit, and each read of them is
//! audited.

use super::applications::check_readable;
use super::{readable_posting, Seen};
use crate::career::applicant_list::{first_deadline, staff_pdf, ListView};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t, tf};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::applicant_list::{check_rationale, produced_from, public_until};
use talentflyt_domain::pipeline::Message;
use talentflyt_domain::Lang;
use talentflyt_store::{
    DecideRefused, ExemptionCase, ExemptionDecision, Reader, Recipient, Written,
};

/// One request not to be named, as HR sees it.
struct Case {
    id: i64,
    name: String,
    reason: String,
    /// "Innvilget 3. desember 2026 kl. 10.00 av Hanne Haugen", or empty while open.
    decided: String,
    rationale: String,
    /// Where the applicant's answer to a refusal stands.
    answer: String,
    /// Undecided and still an applicant: the form is shown.
    open: bool,
    /// What was typed, when the form came back with an error.
    typed_decision: String,
    typed_rationale: String,
}

/// A request for access, as HR sees it.
struct RequestLine {
    id: i64,
    /// "Utvidet søkerliste" or "Offentlig søkerliste".
    kind: &'static str,
    /// "Kari Nordmann (kari@…), part i saken" etc.
    who: String,
    received: String,
    recorded: String,
    /// "Gitt 3. desember av …", "Avslått …: note", or empty while pending.
    decided: String,
    pending: bool,
}

struct VersionLine {
    version: i64,
    produced: String,
    change: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "admin/applicant_list.html")]
struct ListPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    /// When the list comes (before it does), or when it came and until when it is public.
    when: String,
    extended_note: String,
    list: Option<ListView>,
    versions: Vec<VersionLine>,
    /// The public page answers (a list exists and is still published).
    public: bool,
    may_decide: bool,
    cases: Vec<Case>,
    undecided: usize,
    /// May open the extended list (not an assessor while the posting screens blind).
    may_extended: bool,
    /// HR's record of requests for access, and the parties to choose from.
    requests: Vec<RequestLine>,
    parties: Vec<(i64, String)>,
    today: String,
    typed: RequestForm,
    errs: Errors,
    done: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    version: Option<i64>,
    done: Option<String>,
}

fn case(lang: Lang, c: &ExemptionCase) -> Case {
    let decided = match (c.decision.as_deref(), c.decided_at) {
        (Some(d), Some(at)) => tf(
            lang,
            if d == "granted" {
                "list.decided_granted"
            } else {
                "list.decided_refused"
            },
            &[
                ("when", &i18n::datetime(lang, at)),
                ("who", c.decided_by_name.as_deref().unwrap_or("")),
            ],
        ),
        _ => String::new(),
    };
    let withdrawn = c.phase == "withdrawn";
    let answer = if withdrawn {
        t(lang, "list.answer_withdrawn").to_owned()
    } else {
        match (c.decision.as_deref(), c.answer.as_deref()) {
            (Some("refused"), Some("accept_listed")) => t(lang, "list.answer_accepted").to_owned(),
            (Some("refused"), Some("off_list")) => t(lang, "list.answer_off_list").to_owned(),
            (Some("refused"), Some(_)) => t(lang, "list.answer_lapsed").to_owned(),
            (Some("refused"), None) => tf(
                lang,
                "list.answer_waiting",
                &[(
                    "date",
                    &c.answer_by
                        .as_deref()
                        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .map(|d| i18n::date(lang, d))
                        .unwrap_or_default(),
                )],
            ),
            _ => String::new(),
        }
    };
    Case {
        id: c.application_id,
        name: format!("{} {}", c.given_name, c.family_name),
        reason: c.reason.clone(),
        decided,
        rationale: c.rationale.clone(),
        answer,
        open: c.decision.is_none() && !withdrawn,
        typed_decision: String::new(),
        typed_rationale: String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    version: Option<i64>,
    errs: Errors,
    done: String,
) -> Result<ListPage, AppError> {
    let id = seen.posting.id;
    let versions = state.store.applicant_list_versions(id).await?;
    // The version shown comes from the versions read; only its entries are read besides.
    let shown_version = match version {
        Some(n) => Some(
            versions
                .iter()
                .find(|v| v.version == n)
                .ok_or(AppError::NotFound)?,
        ),
        None => versions.first(),
    };
    let list = match shown_version {
        Some(v) => Some(ListView::new(
            lang,
            &seen.posting,
            v,
            &state.store.applicant_list_entries(v.id).await?,
        )),
        None => None,
    };
    let view = state.store.applicant_view(id).await?;
    let first = first_deadline(&seen.posting);
    let today = state.today();
    let when = match (first, list.is_some()) {
        (Some(d), false) => tf(
            lang,
            "list.comes_on",
            &[
                ("date", &i18n::date(lang, produced_from(d))),
                ("deadline", &i18n::date(lang, d)),
            ],
        ),
        (Some(d), true) if today > public_until(d) => tf(
            lang,
            "list.was_public_until",
            &[("date", &i18n::date(lang, public_until(d)))],
        ),
        (Some(d), true) => tf(
            lang,
            "list.public_until",
            &[("date", &i18n::date(lang, public_until(d)))],
        ),
        (None, _) => String::new(),
    };
    let extended_note = match (&seen.posting.original_deadline, first) {
        (Some(o), Some(d)) if *o != seen.posting.deadline => tf(
            lang,
            "list.extended_note",
            &[("date", &i18n::date(lang, d))],
        ),
        _ => String::new(),
    };
    let may_decide = staff.access.may_manage_postings_in(&seen.unit.path);
    let may_extended = may_see_extended(staff, &seen, view.blind_until);
    let cases: Vec<Case> = if may_decide {
        let cases = state.store.exemption_cases(id).await?;
        let ids: Vec<i64> = cases.iter().map(|c| c.application_id).collect();
        if !ids.is_empty() {
            state
                .store
                .audit_exemption_read(&Reader::user(staff.user.id, ip), &ids)
                .await?;
        }
        cases.iter().map(|c| case(lang, c)).collect()
    } else {
        vec![]
    };
    let public = list.is_some() && first.is_some_and(|d| today <= public_until(d));
    let shown = list.as_ref().map(|l| l.version);
    let versions = versions
        .iter()
        .map(|v| VersionLine {
            version: v.version,
            produced: i18n::datetime(lang, v.produced_at),
            change: if v.version == 1 {
                t(lang, "list.change_first").to_owned()
            } else {
                tf(
                    lang,
                    "list.change",
                    &[
                        ("added", &v.added.to_string()),
                        ("removed", &v.removed.to_string()),
                        ("total", &v.total.to_string()),
                    ],
                )
            },
            current: Some(v.version) == shown,
        })
        .collect();
    let undecided = cases.iter().filter(|c| c.open).count();
    let (requests, parties) = if may_decide && list.is_some() {
        let parties: Vec<(i64, String)> = view
            .applicants()
            .iter()
            .filter(|a| a.phase != talentflyt_domain::posting::Phase::Withdrawn)
            .map(|a| (a.id, super::pipeline::shown_name(lang, view.blind_until, a)))
            .collect();
        let requests = state
            .store
            .list_requests(id)
            .await?
            .iter()
            .map(|r| request_line(lang, r, &parties))
            .collect();
        (requests, parties)
    } else {
        (vec![], vec![])
    };
    Ok(ListPage {
        p: staff.page(
            state,
            lang,
            format!("{}: {}", t(lang, "list.title"), seen.posting.title),
            format!("/admin/postings/{id}/applicant-list"),
        ),
        posting_id: id,
        posting_title: seen.posting.title,
        when,
        extended_note,
        list,
        versions,
        public,
        may_decide,
        cases,
        undecided,
        may_extended,
        requests,
        parties,
        today: today.format("%Y-%m-%d").to_string(),
        typed: RequestForm::default(),
        errs,
        done,
    })
}

/// `GET /admin/postings/{id}/applicant-list`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let done = match q.done.as_deref() {
        Some("granted") => t(lang, "list.done_granted"),
        Some("refused") => t(lang, "list.done_refused"),
        Some("recorded") => t(lang, "list.done_recorded"),
        Some("given") => t(lang, "list.done_given"),
        Some("denied") => t(lang, "list.done_denied"),
        _ => "",
    };
    let page = page(
        &state,
        &staff,
        lang,
        &ip,
        seen,
        q.version,
        Errors::default(),
        done.to_owned(),
    )
    .await?;
    render(&page)
}

/// `GET /admin/postings/{id}/applicant-list.pdf`: any version, for the case file.
pub async fn pdf(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let (v, entries) = state
        .store
        .applicant_list(id, q.version)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = ListView::new(lang, &seen.posting, &v, &entries);
    let bytes = view.pdf(
        lang,
        &seen.posting.title,
        &seen.posting.reference,
        &state.cfg.brand.org_name,
    );
    staff_pdf(
        bytes,
        &format!("sokerliste-{}-v{}.pdf", seen.posting.id, v.version),
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    rationale: String,
}

/// `POST /admin/applications/{id}/exemption`: HR decides one request with a written reason.
pub async fn decide(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<DecisionForm>>,
) -> Result<Response, AppError> {
    let seen = check_readable(&state, &staff, &ip, id).await?;
    if !staff.access.may_manage_postings_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    let posting_id = seen.posting.id;
    let mut errs = Errors::default();
    let granted = match f.decision.as_str() {
        "granted" => Some(true),
        "refused" => Some(false),
        _ => {
            errs.add_labelled(
                format!("decision-{id}"),
                t(lang, "list.decision").to_owned(),
                t(lang, "error.choose_one").to_owned(),
            );
            None
        }
    };
    let rationale = match check_rationale(&f.rationale) {
        Ok(r) => Some(r),
        Err(key) => {
            errs.add_labelled(
                format!("rationale-{id}"),
                t(lang, "list.rationale").to_owned(),
                t(lang, key).to_owned(),
            );
            None
        }
    };
    let (Some(granted), Some(rationale)) = (granted, rationale) else {
        return again(
            &state,
            &staff,
            lang,
            &ip,
            seen,
            id,
            &f,
            errs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let why = rationale.clone();
    let write = move |r: &Recipient, answer_by: Option<chrono::NaiveDate>| -> Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = match answer_by {
            None => Message {
                subject: tf(r.lang, "list.granted_subject", &[("title", title)]),
                body: tf(
                    r.lang,
                    "list.granted_body",
                    &[("name", &r.name), ("title", title), ("rationale", &why)],
                ),
            },
            Some(by) => Message {
                subject: tf(r.lang, "list.refused_subject", &[("title", title)]),
                body: tf(
                    r.lang,
                    "list.refused_body",
                    &[
                        ("name", &r.name),
                        ("title", title),
                        ("rationale", &why),
                        ("date", &i18n::date(r.lang, by)),
                    ],
                ),
            },
        };
        let email = super::pipeline::candidate_message(
            r.email,
            r.lang,
            &message,
            &format!("{base}/portal/applications/{}", r.application_id),
            &brand,
        );
        Written { message, email }
    };
    let decision = ExemptionDecision {
        granted,
        rationale: &rationale,
        today: state.today(),
    };
    match state
        .store
        .decide_exemption(
            &Reader::user(staff.user.id, &ip),
            staff.user.id,
            id,
            decision,
            &write,
        )
        .await?
    {
        Ok(()) => {
            state.wake_jobs();
            state.cache.invalidate();
            Ok(Redirect::to(&format!(
                "/admin/postings/{posting_id}/applicant-list?done={}#exemptions",
                if granted { "granted" } else { "refused" }
            ))
            .into_response())
        }
        Err(why) => {
            let key = match why {
                DecideRefused::Decided => "list.refused_decided",
                DecideRefused::Withdrawn => "list.refused_withdrawn",
                DecideRefused::NotRequested => "list.refused_not_requested",
            };
            let mut errs = Errors::default();
            errs.add_labelled("exemptions".into(), String::new(), t(lang, key).to_owned());
            again(
                &state,
                &staff,
                lang,
                &ip,
                seen,
                id,
                &f,
                errs,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

/// The page again with the form as typed and what was wrong with it.
#[allow(clippy::too_many_arguments)]
async fn again(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    id: i64,
    f: &DecisionForm,
    errs: Errors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut page = page(state, staff, lang, ip, seen, None, errs, String::new()).await?;
    if let Some(c) = page.cases.iter_mut().find(|c| c.id == id) {
        c.typed_decision = f.decision.clone();
        c.typed_rationale = f.rationale.clone();
    }
    render_status(status, &page)
}

struct OverviewLine {
    posting_id: i64,
    title: String,
    reference: String,
    version: i64,
    produced: String,
    total: i64,
    named: i64,
    undecided: i64,
    pending_requests: i64,
}

#[derive(Template)]
#[template(path = "admin/applicant_lists.html")]
struct OverviewPage {
    p: PageCtx,
    lines: Vec<OverviewLine>,
}

/// `GET /admin/applicant-lists`: HR's work list of the lists in their units, those with
/// requests to decide first.
pub async fn overview(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    super::hr_only(&staff)?;
    let paths: Vec<String> = staff
        .access
        .grants
        .iter()
        .filter(|g| g.role.may_manage_postings())
        .filter_map(|g| g.unit_path.clone())
        .collect();
    let lines = state
        .store
        .applicant_list_overview(&paths, 500)
        .await?
        .into_iter()
        .map(|l| OverviewLine {
            posting_id: l.posting_id,
            title: l.title,
            reference: l.reference,
            version: l.version,
            produced: i18n::datetime(lang, l.produced_at),
            total: l.total,
            named: l.named,
            undecided: l.undecided,
            pending_requests: l.pending_requests,
        })
        .collect();
    render(&OverviewPage {
        p: staff.page(
            &state,
            lang,
            t(lang, "list.overview_title"),
            "/admin/applicant-lists",
        ),
        lines,
    })
}

fn request_line(
    lang: Lang,
    r: &talentflyt_store::ListRequest,
    parties: &[(i64, String)],
) -> RequestLine {
    let mut who = r.requester.clone();
    if !r.contact.is_empty() {
        who = format!("{who} ({})", r.contact);
    }
    if let Some(app) = r.application_id {
        let party = parties
            .iter()
            .find(|p| p.0 == app)
            .map(|p| p.1.as_str())
            .unwrap_or_default();
        who = tf(
            lang,
            "list.request_party",
            &[("who", &who), ("party", party)],
        );
    }
    let recorded = match &r.recorded_by_name {
        Some(name) => tf(
            lang,
            "list.request_recorded_by",
            &[
                ("when", &i18n::datetime(lang, r.recorded_at)),
                ("who", name),
            ],
        ),
        None => tf(
            lang,
            "list.request_from_portal",
            &[("when", &i18n::datetime(lang, r.recorded_at))],
        ),
    };
    let at = i18n::datetime(lang, r.decided_at.unwrap_or_default());
    let by = r.decided_by_name.as_deref().unwrap_or("");
    let decided = match r.status.as_str() {
        "given" => tf(lang, "list.request_given", &[("when", &at), ("who", by)]),
        "refused" => tf(
            lang,
            "list.request_refused",
            &[("when", &at), ("who", by), ("note", &r.note)],
        ),
        _ => String::new(),
    };
    RequestLine {
        id: r.id,
        kind: if r.kind == "extended" {
            t(lang, "list.kind_extended")
        } else {
            t(lang, "list.kind_public")
        },
        who,
        received: i18n::date_str(lang, &r.received_on),
        recorded,
        decided,
        pending: r.status == "pending",
    }
}

/// What HR typed to record a request.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct RequestForm {
    kind: String,
    requester: String,
    contact: String,
    party: String,
    received_on: String,
    /// A decision's note as typed, and the request it was for.
    #[serde(skip)]
    note_for: Option<i64>,
    #[serde(skip)]
    note: String,
}

/// The posting for HR over its unit (readers who may not get 403).
async fn hr_posting(state: &AppState, staff: &Staff, ip: &str, id: i64) -> Result<Seen, AppError> {
    let seen = readable_posting(state, staff, ip, id).await?;
    if !staff.access.may_manage_postings_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

/// A line of text of at most `max` characters; `required` refuses a blank one.
fn line_ok(s: &str, required: bool, max: usize) -> bool {
    talentflyt_domain::clean_line(s)
        .is_some_and(|l| (!required || !l.is_empty()) && l.chars().count() <= max)
}

/// `POST /admin/postings/{id}/applicant-list/requests`: HR records a request for access
/// (received by letter, e-mail or phone).
pub async fn record_request(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<RequestForm>>,
) -> Result<Response, AppError> {
    let seen = hr_posting(&state, &staff, &ip, id).await?;
    let mut errs = Errors::default();
    let mut refuse = |field: &str, label: &str, key: &'static str| {
        errs.add_labelled(
            field.into(),
            t(lang, label_key(label)).to_owned(),
            t(lang, key).to_owned(),
        );
    };
    let kind = match f.kind.as_str() {
        k @ ("public" | "extended") => k,
        _ => {
            refuse("kind", "kind", "error.choose_one");
            ""
        }
    };
    if !line_ok(&f.requester, true, 200) {
        refuse("requester", "requester", "list.error_requester");
    }
    if !line_ok(&f.contact, false, 200) {
        refuse("contact", "contact", "error.text_invalid");
    }
    let party = f.party.trim().parse::<i64>().ok();
    if kind == "extended" && party.is_none() {
        refuse("party", "party", "list.error_party");
    }
    let today = state.today();
    let received = chrono::NaiveDate::parse_from_str(f.received_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today && *d > today - chrono::Duration::days(366));
    if received.is_none() {
        refuse("received_on", "received_on", "list.error_received_on");
    }
    let (true, Some(received_on)) = (errs.is_empty(), received) else {
        return request_again(
            &state,
            &staff,
            lang,
            &ip,
            seen,
            f,
            errs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (requester, contact) = (f.requester.trim().to_owned(), f.contact.trim().to_owned());
    let new = talentflyt_store::NewListRequest {
        posting_id: id,
        kind,
        requester: &requester,
        contact: &contact,
        application_id: party,
        received_on,
    };
    match state
        .store
        .record_list_request(&Reader::user(staff.user.id, &ip), Some(staff.user.id), &new)
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/postings/{id}/applicant-list?done=recorded#requests"
        ))
        .into_response()),
        Err(why) => request_refused(&state, &staff, lang, &ip, seen, f, why).await,
    }
}

/// The label of a field of the request form.
fn label_key(field: &str) -> &'static str {
    match field {
        "kind" => "list.request_kind",
        "requester" => "list.requester",
        "contact" => "list.contact",
        "party" => "list.party",
        _ => "list.received_on",
    }
}

#[allow(clippy::too_many_arguments)]
async fn request_again(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    f: RequestForm,
    errs: Errors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut page = page(state, staff, lang, ip, seen, None, errs, String::new()).await?;
    page.typed = f;
    render_status(status, &page)
}

/// The page again with why a request was not recorded or decided (409).
async fn request_refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    f: RequestForm,
    why: talentflyt_store::RequestRefused,
) -> Result<Response, AppError> {
    let mut errs = Errors::default();
    errs.add_labelled(
        "requests".into(),
        String::new(),
        t(lang, why.key()).to_owned(),
    );
    request_again(state, staff, lang, ip, seen, f, errs, StatusCode::CONFLICT).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RequestDecision {
    decision: String,
    note: String,
}

/// `POST /admin/postings/{id}/applicant-list/requests/{rid}`: give or refuse access; a refusal
/// needs its reason.
pub async fn decide_request(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, rid)): Path<(i64, i64)>,
    Csrf(Form(f)): Csrf<Form<RequestDecision>>,
) -> Result<Response, AppError> {
    let seen = hr_posting(&state, &staff, &ip, id).await?;
    let given = f.decision == "given";
    let note = f.note.trim().to_owned();
    if !matches!(f.decision.as_str(), "given" | "refused") || !line_ok(&note, !given, 500) {
        let mut errs = Errors::default();
        errs.add_labelled(
            format!("note-{rid}"),
            t(lang, "list.note").to_owned(),
            t(lang, "list.error_note").to_owned(),
        );
        let typed = RequestForm {
            note_for: Some(rid),
            note: f.note.clone(),
            ..RequestForm::default()
        };
        return request_again(
            &state,
            &staff,
            lang,
            &ip,
            seen,
            typed,
            errs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let why = note.clone();
    let write = move |r: &Recipient| -> Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = if given {
            Message {
                subject: tf(r.lang, "list.given_subject", &[("title", title)]),
                body: tf(
                    r.lang,
                    "list.given_body",
                    &[("name", &r.name), ("title", title)],
                ),
            }
        } else {
            Message {
                subject: tf(r.lang, "list.denied_subject", &[("title", title)]),
                body: tf(
                    r.lang,
                    "list.denied_body",
                    &[("name", &r.name), ("title", title), ("note", &why)],
                ),
            }
        };
        let email = super::pipeline::candidate_message(
            r.email,
            r.lang,
            &message,
            &format!("{base}/portal/applications/{}", r.application_id),
            &brand,
        );
        Written { message, email }
    };
    match state
        .store
        .decide_list_request(
            &Reader::user(staff.user.id, &ip),
            staff.user.id,
            &talentflyt_store::RequestAnswer {
                posting_id: id,
                request_id: rid,
                given,
                note: &note,
            },
            &write,
        )
        .await?
    {
        Ok(()) => {
            state.wake_jobs();
            Ok(Redirect::to(&format!(
                "/admin/postings/{id}/applicant-list?done={}#requests",
                if given { "given" } else { "denied" }
            ))
            .into_response())
        }
        Err(why) => {
            request_refused(&state, &staff, lang, &ip, seen, RequestForm::default(), why).await
        }
    }
}

/// The extended list names everyone with their history: while the posting screens blind, only
/// HR over it may open it (the assessors would match "Søker 3" to a name).
fn may_see_extended(staff: &Staff, seen: &Seen, blind_until: Option<i64>) -> bool {
    staff.access.may_manage_postings_in(&seen.unit.path) || blind_until.is_none()
}

/// One applicant on the extended list as a page shows them.
pub(crate) struct ExtendedLine {
    pub name: String,
    pub age: String,
    pub title: String,
    pub employer: String,
    pub municipality: String,
    pub education: Vec<String>,
    pub work: Vec<String>,
}

pub(crate) fn extended_lines(
    entries: Vec<(i64, talentflyt_domain::applicant_list::ExtendedEntry)>,
) -> Vec<ExtendedLine> {
    entries
        .into_iter()
        .map(|(_, e)| ExtendedLine {
            name: e.name,
            age: e.age.map(|a| a.to_string()).unwrap_or_default(),
            title: e.title,
            employer: e.employer,
            municipality: e.municipality,
            education: e.education,
            work: e.work,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/extended_list.html")]
struct ExtendedPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    lines: Vec<ExtendedLine>,
}

/// `GET /admin/postings/{id}/applicant-list/extended`: the extended list, for the readers of
/// the posting's applications (and to give to the parties); each applicant on it audited.
pub async fn extended(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let blind_until = state.store.applicant_view(id).await?.blind_until;
    if !may_see_extended(&staff, &seen, blind_until) {
        return Err(AppError::Forbidden);
    }
    let entries = state
        .store
        .extended_list(&Reader::user(staff.user.id, &ip), id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&ExtendedPage {
        p: staff.page(
            &state,
            lang,
            format!("{}: {}", t(lang, "list.extended_title"), seen.posting.title),
            format!("/admin/postings/{id}/applicant-list/extended"),
        ),
        posting_id: id,
        posting_title: seen.posting.title,
        lines: extended_lines(entries),
    })
}
