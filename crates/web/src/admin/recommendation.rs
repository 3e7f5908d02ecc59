//! The innstilling (R12), the staff's side: the posting's managers and HR write it after the
//! deadline, ranking the candidates with written reasons against the ad's requirements and
//! flagging preferential rights; the appointing authority the trust has configured signs it or
//! sends it back; the posting's union representatives may add a statement while it waits.
//!
//! Every reader of the posting's applications may read it (each candidate on it is audited as
//! read); names follow blind screening as the applicant list shows them.

use super::pipeline::{shown_name, stage_name};
use super::{handled_posting, readable_posting, Seen};
use crate::career::applicant_list::staff_pdf;
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t, tf};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use std::collections::HashMap;
use talentflyt_domain::ad::Requirement;
use talentflyt_domain::pdf::{Column, Document};
use talentflyt_domain::posting::Phase;
use talentflyt_domain::preference::{matching_holders, RightKind};
use talentflyt_domain::recommendation::{
    self as rules, check_comment, check_decision_note, Decision, Problem, RawEntry, Status,
};
use talentflyt_domain::Lang;
use talentflyt_store::{
    Applicant, OutgoingEmail, Reader, RecEntry, SaveRecommendation, StaffAddress,
};

/// The phases whose candidates the form offers: interviewed and on, still in the process.
const CONSIDERED: [Phase; 4] = [
    Phase::Interview,
    Phase::References,
    Phase::Recommendation,
    Phase::Offer,
];

/// One requirement of the profile as the page lists it.
struct Item {
    n: u32,
    text: String,
    required: bool,
}

/// One candidate as the form or the read view shows them.
struct Candidate {
    id: i64,
    name: String,
    stage: String,
    withdrawn: bool,
    rank: String,
    right: String,
    /// (item, text, met)
    meets: Vec<(u32, String, bool)>,
    reason: String,
    /// Meets every required item.
    qualified: bool,
    /// The register holds a right for someone of this name (a hint to check, not a fact).
    register_hint: String,
    rank_error: String,
    right_error: String,
    reason_error: String,
}

impl Candidate {
    fn right_label(&self, lang: Lang) -> &'static str {
        match RightKind::parse(&self.right) {
            Some(k) => t(lang, k.label_key()),
            None => t(lang, "rec.right_none"),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/recommendation.html")]
struct RecPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    /// Before the deadline has passed: when it may be written.
    not_yet: String,
    /// "Sendt til signering 3. desember kl. 10.00 av Lise Leder" etc.
    status_line: String,
    return_note: String,
    sign_note: String,
    summary: String,
    items: Vec<Item>,
    candidates: Vec<Candidate>,
    /// The register's holders for this post: "Navn (ansattnr. 123), §14-2, til 1. mars 2027".
    holders: Vec<String>,
    editable: bool,
    may_sign: bool,
    /// Waiting for a signature, but this user sent it.
    own_submission: bool,
    may_comment: bool,
    comment: String,
    comments: Vec<(String, String, String)>,
    events: Vec<(String, String, String)>,
    has_rec: bool,
    /// Signed: the offers come next.
    signed: bool,
    authority: &'static str,
    rank_options: Vec<String>,
    right_options: Vec<(&'static str, &'static str)>,
    seen: i64,
    ad_version: i64,
    errs: Errors,
    done: String,
    decision_note: String,
    /// The decision chosen, when the form came back with an error.
    decision_choice: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RecQuery {
    done: Option<String>,
}

fn done_text(lang: Lang, done: Option<&str>) -> String {
    match done {
        Some("saved") => t(lang, "rec.done_saved"),
        Some("submitted") => t(lang, "rec.done_submitted"),
        Some("signed") => t(lang, "rec.done_signed"),
        Some("returned") => t(lang, "rec.done_returned"),
        Some("commented") => t(lang, "rec.done_commented"),
        _ => "",
    }
    .to_owned()
}

fn profile_items(lang: Lang, profile: &[Requirement]) -> Vec<Item> {
    profile
        .iter()
        .enumerate()
        .map(|(i, r)| Item {
            n: i as u32 + 1,
            text: r.text(lang).to_owned(),
            required: r.required,
        })
        .collect()
}

fn deadline_of(seen: &Seen) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&seen.posting.deadline, "%Y-%m-%d").ok()
}

/// What the form sent, per candidate.
struct Typed<'a> {
    summary: &'a str,
    raw: &'a [RawEntry],
    problems: &'a [Problem],
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    typed: Option<Typed<'_>>,
    mut errs: Errors,
    done: String,
) -> Result<RecPage, AppError> {
    let id = seen.posting.id;
    let reader = Reader::user(staff.user.id, ip);
    let rec = state.store.recommendation(&reader, id).await?;
    let view = state.store.applicant_view(id).await?;
    let today = state.today();
    let deadline = deadline_of(&seen);
    let open = deadline.is_some_and(|d| rules::is_open(d, today));
    let not_yet = match deadline {
        Some(d) if !open => tf(
            lang,
            "rec.not_yet",
            &[
                ("date", &i18n::date(lang, rules::open_from(d))),
                ("deadline", &i18n::date(lang, d)),
            ],
        ),
        _ => String::new(),
    };
    let authority = state.cfg.appointing_authority;
    let head = rec.head.as_ref();
    let status = head.map(|h| h.status).unwrap_or(Status::Draft);
    let may_write = staff.access.may_handle_candidates_in(&seen.unit.path);
    let editable = open && may_write && status == Status::Draft;
    let may_sign_role = staff.access.may_sign(authority, &seen.unit.path);
    let own_submission = head.is_some_and(|h| h.submitted_by == Some(staff.user.id));
    let may_sign = may_sign_role && status == Status::Submitted && !own_submission;
    let may_comment = staff.access.is_union_rep_of(id) && status == Status::Submitted;
    let content = seen.posting.content();
    let profile = &content.requirements;
    let items = profile_items(lang, profile);

    // The register's holders of a right for this post, and their names, to hint at a match:
    // read only for those who write or sign it (readers are shown neither).
    let sees_register = may_write || may_sign_role;
    let rights = if sees_register {
        state
            .store
            .preference_rights_for(&seen.posting.profession, today)
            .await?
    } else {
        vec![]
    };
    let holders = matching_holders(&rights, &seen.posting.profession, &seen.unit.path, today);
    let labels = if holders.is_empty() {
        vec![]
    } else {
        state
            .store
            .employee_labels(&holders.iter().map(|h| h.employee_id).collect::<Vec<_>>())
            .await?
    };
    let label_of: HashMap<i64, (String, String)> = labels
        .into_iter()
        .map(|(id, number, name)| (id, (number, name)))
        .collect();
    let holder_lines: Vec<String> = holders
        .iter()
        .filter_map(|h| {
            let (number, name) = label_of.get(&h.employee_id)?;
            Some(tf(
                lang,
                "rec.holder_line",
                &[
                    ("name", name),
                    ("number", number),
                    ("right", t(lang, h.kind.label_key())),
                    ("date", &i18n::date(lang, h.to)),
                ],
            ))
        })
        .collect();
    // An applicant still hidden by blind screening is matched to no one: a hint beside
    // "Søker 3" that the register holds someone of that name would say who it is.
    let holder_name = |a: &Applicant| -> Option<RightKind> {
        if a.is_hidden(view.blind_until) {
            return None;
        }
        let full = format!("{} {}", a.given_name, a.family_name).to_lowercase();
        holders.iter().find_map(|h| {
            label_of
                .get(&h.employee_id)
                .filter(|(_, n)| n.to_lowercase() == full)
                .map(|_| h.kind)
        })
    };

    // The candidates: those on it, then (while it is written) the others interviewed.
    let by_id: HashMap<i64, &Applicant> = view.applicants().iter().map(|a| (a.id, a)).collect();
    let mut order: Vec<(i64, Option<&RecEntry>)> = rec
        .entries
        .iter()
        .map(|e| (e.application_id, Some(e)))
        .collect();
    if editable {
        for a in view.applicants() {
            if CONSIDERED.contains(&a.phase) && !order.iter().any(|(id, _)| *id == a.id) {
                order.push((a.id, None));
            }
        }
    }
    let problem = |app: i64, field: &str| -> String {
        typed
            .as_ref()
            .and_then(|ty| {
                ty.problems
                    .iter()
                    .find(|p| p.application_id == Some(app) && p.field == field)
            })
            .map(|p| t(lang, p.key).to_owned())
            .unwrap_or_default()
    };
    let mut candidates = vec![];
    for (app, entry) in order {
        let Some(a) = by_id.get(&app) else { continue };
        let withdrawn = a.phase == Phase::Withdrawn;
        // Withdrawn candidates leave the form; a sent or signed innstilling keeps them.
        if editable && withdrawn {
            continue;
        }
        let from_form = typed
            .as_ref()
            .and_then(|ty| ty.raw.iter().find(|r| r.application_id == app));
        let (rank, right, met, reason) = match (from_form, entry) {
            (Some(r), _) => (
                r.rank.clone(),
                r.right.clone(),
                r.meets.clone(),
                r.reason.clone(),
            ),
            (None, Some(e)) => (
                e.rank.map(|r| r.to_string()).unwrap_or_default(),
                e.preferential.clone().unwrap_or_default(),
                e.items(),
                e.reason.clone(),
            ),
            (None, None) => (
                String::new(),
                holder_name(a)
                    .map(|k| k.as_str().to_owned())
                    .unwrap_or_default(),
                vec![],
                String::new(),
            ),
        };
        let register_hint = match holder_name(a) {
            Some(k) => tf(
                lang,
                "rec.register_hint",
                &[("right", t(lang, k.label_key()))],
            ),
            _ => String::new(),
        };
        let qualified = rules::required_items(profile)
            .iter()
            .all(|i| met.contains(i));
        let mut c = Candidate {
            id: app,
            name: shown_name(lang, view.blind_until, a),
            stage: stage_name(lang, &view.stages, a.phase, a.stage),
            withdrawn,
            rank,
            right,
            meets: items
                .iter()
                .map(|i| (i.n, i.text.clone(), met.contains(&i.n)))
                .collect(),
            reason,
            qualified,
            register_hint,
            rank_error: problem(app, "rank"),
            right_error: problem(app, "right"),
            reason_error: problem(app, "reason"),
        };
        for (field, msg) in [
            ("rank", &c.rank_error),
            ("right", &c.right_error),
            ("reason", &c.reason_error),
        ] {
            if !msg.is_empty() {
                errs.add_labelled(format!("{field}-{app}"), c.name.clone(), msg.clone());
            }
        }
        if c.withdrawn {
            c.stage = t(lang, Phase::Withdrawn.label_key()).to_owned();
        }
        candidates.push(c);
    }
    // Problems with the whole: on the summary, or on the ranking as a whole (the candidates'
    // heading), each on its own so every one is reported.
    if let Some(ty) = typed.as_ref() {
        for p in ty.problems.iter().filter(|p| p.application_id.is_none()) {
            let label = if p.field == "ranking" {
                "rec.candidates"
            } else {
                "rec.summary"
            };
            errs.add_labelled(
                p.field.into(),
                t(lang, label).to_owned(),
                t(lang, p.key).to_owned(),
            );
        }
    }
    // The read view ranks first, in order, then the rest.
    if !editable {
        candidates.sort_by_key(|c| c.rank.parse::<u32>().unwrap_or(u32::MAX));
    }
    let when_who = |key, at: Option<i64>, who: &Option<String>| {
        tf(
            lang,
            key,
            &[
                (
                    "when",
                    &at.map(|at| i18n::datetime(lang, at)).unwrap_or_default(),
                ),
                ("who", who.as_deref().unwrap_or("")),
            ],
        )
    };
    let status_line = match head {
        None => String::new(),
        Some(h) => match h.status {
            Status::Draft => t(lang, "rec.status_draft").to_owned(),
            Status::Submitted => when_who(
                "rec.status_submitted_by",
                h.submitted_at,
                &h.submitted_by_name,
            ),
            Status::Signed => when_who("rec.status_signed_by", h.signed_at, &h.signed_by_name),
        },
    };
    let events = rec
        .events
        .iter()
        .map(|e| {
            (
                i18n::datetime(lang, e.at),
                e.user_name.clone().unwrap_or_default(),
                format!(
                    "{}{}",
                    t(lang, event_key(&e.action)),
                    if e.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", e.note)
                    }
                ),
            )
        })
        .collect();
    let comments = rec
        .comments
        .iter()
        .map(|c| {
            (
                c.user_name.clone(),
                i18n::datetime(lang, c.at),
                c.body.clone(),
            )
        })
        .collect();
    let own_comment = rec
        .comments
        .iter()
        .find(|c| c.user_id == staff.user.id)
        .map(|c| c.body.clone())
        .unwrap_or_default();
    let n = candidates.len().max(1);
    Ok(RecPage {
        p: staff.page(
            state,
            lang,
            format!("{}: {}", t(lang, "rec.title"), seen.posting.title),
            format!("/admin/postings/{id}/recommendation"),
        ),
        posting_id: id,
        posting_title: seen.posting.title.clone(),
        not_yet,
        status_line,
        return_note: head
            .filter(|h| h.status == Status::Draft)
            .map(|h| h.return_note.clone())
            .unwrap_or_default(),
        sign_note: head
            .filter(|h| h.status == Status::Signed)
            .map(|h| h.sign_note.clone())
            .unwrap_or_default(),
        summary: typed
            .as_ref()
            .map(|ty| ty.summary.to_owned())
            .or_else(|| head.map(|h| h.summary.clone()))
            .unwrap_or_default(),
        items,
        candidates,
        holders: holder_lines,
        editable,
        may_sign,
        own_submission: may_sign_role && own_submission && status == Status::Submitted,
        may_comment,
        comment: own_comment,
        comments,
        events,
        has_rec: head.is_some(),
        signed: status == Status::Signed,
        authority: t(lang, authority.key()),
        rank_options: (1..=n).map(|i| i.to_string()).collect(),
        right_options: vec![
            ("", t(lang, "rec.right_none")),
            (
                RightKind::Redundancy.as_str(),
                t(lang, RightKind::Redundancy.label_key()),
            ),
            (
                RightKind::PartTime.as_str(),
                t(lang, RightKind::PartTime.label_key()),
            ),
        ],
        seen: head.map(|h| h.updated_at).unwrap_or(0),
        ad_version: seen.posting.version,
        errs,
        done,
        decision_note: String::new(),
        decision_choice: String::new(),
    })
}

fn event_key(action: &str) -> &'static str {
    match action {
        "save" => "rec.event_save",
        "submit" => "rec.event_submit",
        "return" => "rec.event_return",
        "sign" => "rec.event_sign",
        _ => "rec.event_comment",
    }
}

/// `GET /admin/postings/{id}/recommendation`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<RecQuery>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let done = done_text(lang, q.done.as_deref());
    let page = page(
        &state,
        &staff,
        lang,
        &ip,
        seen,
        None,
        Errors::default(),
        done,
    )
    .await?;
    render(&page)
}

/// The page again with a refusal on top: 409.
async fn refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    key: &'static str,
) -> Result<Response, AppError> {
    let mut errs = Errors::default();
    errs.add_labelled(
        "recommendation".into(),
        String::new(),
        t(lang, key).to_owned(),
    );
    let page = page(state, staff, lang, ip, seen, None, errs, String::new()).await?;
    render_status(StatusCode::CONFLICT, &page)
}

/// A bilingual e-mail to a member of staff (staff have no language on record): bokmål first.
#[allow(clippy::too_many_arguments)]
pub(crate) fn staff_mail(
    state: &AppState,
    to: &StaffAddress,
    template: &str,
    subject_key: &'static str,
    body_key: &'static str,
    args: &[(&str, &str)],
    link: String,
) -> OutgoingEmail {
    let site = state.cfg.alert_site();
    let with_name: Vec<(&str, &str)> = args
        .iter()
        .copied()
        .chain([("name", to.1.as_str())])
        .collect();
    let subject = format!(
        "{} / {}",
        tf(Lang::Nb, subject_key, args),
        tf(Lang::En, subject_key, args)
    );
    let notice = talentflyt_jobs::alerts::Notice {
        heading: tf(Lang::Nb, subject_key, args),
        paragraphs: vec![
            tf(Lang::Nb, body_key, &with_name),
            format!("English: {}", tf(Lang::En, body_key, &with_name)),
        ],
        items: vec![],
        action: Some((
            format!(
                "{} / {}",
                t(Lang::Nb, "rec.mail_open"),
                t(Lang::En, "rec.mail_open")
            ),
            link,
        )),
        footer: vec![],
        links: vec![],
    };
    notice
        .render(&to.0, &subject, Lang::Nb, &site.brand, template, None)
        .unwrap_or_else(|_| OutgoingEmail {
            to: to.0.clone(),
            subject: subject.clone(),
            text: notice.paragraphs.join("\n\n"),
            html: String::new(),
            template: format!("{template}.nb"),
            list_unsubscribe: None,
            calendar: None,
        })
}

/// `POST /admin/postings/{id}/recommendation`: keep the draft (`action=save`) or send it for
/// sign-off (`action=submit`). Refused before the deadline has passed, once sent, and for a
/// reader who does not handle the posting's candidates. A refused form comes back with every
/// problem at its candidate and nothing typed lost; what was kept before is left as it was.
pub async fn save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let today = state.today();
    if !deadline_of(&seen).is_some_and(|d| rules::is_open(d, today)) {
        return refused(&state, &staff, lang, &ip, seen, "rec.before_deadline").await;
    }
    if get("version") != seen.posting.version.to_string() {
        return refused(&state, &staff, lang, &ip, seen, "rec.profile_changed").await;
    }
    // The candidates the form held, in its order; an id twice counts once.
    let mut ids: Vec<i64> = vec![];
    for (k, v) in &pairs {
        if k == "candidate" {
            if let Ok(n) = v.parse::<i64>() {
                if !ids.contains(&n) {
                    ids.push(n);
                }
            }
        }
    }
    if ids.len() > 500 {
        return Err(AppError::BadRequest);
    }
    let raw: Vec<RawEntry> = ids
        .iter()
        .map(|app| RawEntry {
            application_id: *app,
            rank: get(&format!("rank-{app}")).to_owned(),
            right: get(&format!("right-{app}")).to_owned(),
            meets: pairs
                .iter()
                .filter(|(k, _)| *k == format!("meets-{app}"))
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
            reason: get(&format!("reason-{app}")).to_owned(),
        })
        .collect();
    let submit = get("action") == "submit";
    let summary = get("summary");
    let profile = seen.posting.content().requirements.clone();
    let checked = match rules::check(&profile, summary, &raw, submit) {
        Ok(c) => c,
        Err(problems) => {
            let page = page(
                &state,
                &staff,
                lang,
                &ip,
                seen,
                Some(Typed {
                    summary,
                    raw: &raw,
                    problems: &problems,
                }),
                Errors::default(),
                String::new(),
            )
            .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let title = seen.posting.title.clone();
    let link = format!(
        "{}/admin/postings/{id}/recommendation",
        state.cfg.base_url.trim_end_matches('/')
    );
    let sender = staff.user.display_name.clone();
    let st = state.clone();
    let notify = move |to: &StaffAddress| {
        staff_mail(
            &st,
            to,
            "recommendation_submitted",
            "rec.mail_submitted_subject",
            "rec.mail_submitted_body",
            &[("title", &title), ("sender", &sender)],
            link.clone(),
        )
    };
    let save = SaveRecommendation {
        posting_id: id,
        ad_version: seen.posting.version,
        checked: &checked,
        submit,
        seen: get("seen").parse().unwrap_or(-1),
    };
    let reader = Reader::user(staff.user.id, &ip);
    if let Err(r) = state
        .store
        .save_recommendation(
            &reader,
            staff.user.id,
            &save,
            state.cfg.appointing_authority,
            &notify,
        )
        .await?
    {
        return refused(&state, &staff, lang, &ip, seen, r.key()).await;
    }
    let done = if submit { "submitted" } else { "saved" };
    Ok(Redirect::to(&format!(
        "/admin/postings/{id}/recommendation?done={done}#recommendation"
    ))
    .into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    note: String,
}

/// `POST /admin/postings/{id}/recommendation/decision`: the appointing authority signs it or
/// sends it back with the reason. Others who may read it get 403.
pub async fn decide(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<DecisionForm>>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let authority = state.cfg.appointing_authority;
    if !staff.access.may_sign(authority, &seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    let decision = Decision::parse(&f.decision);
    let note = decision.map(|d| check_decision_note(d, &f.note));
    let (Some(decision), Some(Ok(note))) = (decision, note.clone()) else {
        let mut errs = Errors::default();
        match note {
            None => errs.add_labelled(
                "decision".into(),
                t(lang, "rec.decision").to_owned(),
                t(lang, "error.choose_one").to_owned(),
            ),
            Some(Err(key)) => errs.add_labelled(
                "note".into(),
                t(lang, "rec.decision_note").to_owned(),
                t(lang, key).to_owned(),
            ),
            Some(Ok(_)) => {}
        }
        let mut page = page(&state, &staff, lang, &ip, seen, None, errs, String::new()).await?;
        page.decision_note = f.note.clone();
        page.decision_choice = f.decision.clone();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let title = seen.posting.title.clone();
    let link = format!(
        "{}/admin/postings/{id}/recommendation",
        state.cfg.base_url.trim_end_matches('/')
    );
    let signer = staff.user.display_name.clone();
    let why = note.clone();
    let st = state.clone();
    let notify = move |to: &StaffAddress| match decision {
        Decision::Sign => staff_mail(
            &st,
            to,
            "recommendation_signed",
            "rec.mail_signed_subject",
            "rec.mail_signed_body",
            &[("title", &title), ("signer", &signer)],
            link.clone(),
        ),
        Decision::Return => staff_mail(
            &st,
            to,
            "recommendation_returned",
            "rec.mail_returned_subject",
            "rec.mail_returned_body",
            &[("title", &title), ("signer", &signer), ("note", &why)],
            link.clone(),
        ),
    };
    if let Err(r) = state
        .store
        .decide_recommendation(staff.user.id, id, decision, &note, &notify)
        .await?
    {
        return refused(&state, &staff, lang, &ip, seen, r.key()).await;
    }
    let done = match decision {
        Decision::Sign => "signed",
        Decision::Return => "returned",
    };
    Ok(Redirect::to(&format!(
        "/admin/postings/{id}/recommendation?done={done}#recommendation"
    ))
    .into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    comment: String,
}

/// `POST /admin/postings/{id}/recommendation/comment`: a union representative's statement
/// while the innstilling waits for its signature. Other readers get 403.
pub async fn comment(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<CommentForm>>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    if !staff.access.is_union_rep_of(id) {
        return Err(AppError::Forbidden);
    }
    let body = match check_comment(&f.comment) {
        Ok(b) => b,
        Err(key) => {
            let mut errs = Errors::default();
            errs.add_labelled(
                "comment".into(),
                t(lang, "rec.comment").to_owned(),
                t(lang, key).to_owned(),
            );
            let mut page = page(&state, &staff, lang, &ip, seen, None, errs, String::new()).await?;
            page.comment = f.comment.clone();
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if let Err(r) = state
        .store
        .comment_recommendation(staff.user.id, id, &body)
        .await?
    {
        return refused(&state, &staff, lang, &ip, seen, r.key()).await;
    }
    Ok(Redirect::to(&format!(
        "/admin/postings/{id}/recommendation?done=commented#recommendation"
    ))
    .into_response())
}

/// `GET /admin/postings/{id}/recommendation.pdf`: the innstilling for the case file.
pub async fn pdf(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let reference = seen.posting.reference.clone();
    let page = page(
        &state,
        &staff,
        lang,
        &ip,
        seen,
        None,
        Errors::default(),
        String::new(),
    )
    .await?;
    if !page.has_rec {
        return Err(AppError::NotFound);
    }
    let bytes = document(lang, &page, &reference, &state.cfg.brand.org_name);
    staff_pdf(bytes, &format!("innstilling-{id}.pdf"))
}

fn document(lang: Lang, page: &RecPage, reference: &str, org: &str) -> Vec<u8> {
    let heading = t(lang, "rec.title");
    let mut d = Document::new(&format!("{heading}: {}", page.posting_title), lang);
    d.heading(heading);
    d.field(
        &format!("{}:", t(lang, "list.position")),
        &page.posting_title,
    );
    d.field(&format!("{}:", t(lang, "list.reference")), reference);
    d.field(&format!("{}:", t(lang, "list.employer")), org);
    d.field(&format!("{}:", t(lang, "rec.status")), &page.status_line);
    if !page.sign_note.is_empty() {
        d.field(&format!("{}:", t(lang, "rec.sign_note")), &page.sign_note);
    }
    d.subheading(t(lang, "rec.requirements"));
    for i in &page.items {
        d.paragraph(&format!(
            "{}. {} ({})",
            i.n,
            i.text,
            t(
                lang,
                if i.required {
                    "rec.required"
                } else {
                    "rec.desired"
                }
            )
        ));
    }
    d.subheading(t(lang, "rec.summary"));
    d.paragraph(&page.summary);
    d.subheading(t(lang, "rec.ranking"));
    let yes = t(lang, "rec.yes");
    let no = t(lang, "rec.no");
    d.table(
        &[
            Column {
                heading: t(lang, "rec.col_rank"),
                share: 0.1,
            },
            Column {
                heading: t(lang, "rec.col_name"),
                share: 0.3,
            },
            Column {
                heading: t(lang, "rec.col_qualified"),
                share: 0.2,
            },
            Column {
                heading: t(lang, "rec.col_right"),
                share: 0.4,
            },
        ],
        &page
            .candidates
            .iter()
            .map(|c| {
                vec![
                    if c.rank.is_empty() {
                        t(lang, "rec.not_ranked").to_owned()
                    } else {
                        c.rank.clone()
                    },
                    c.name.clone(),
                    if c.qualified { yes } else { no }.to_owned(),
                    c.right_label(lang).to_owned(),
                ]
            })
            .collect::<Vec<_>>(),
    );
    d.subheading(t(lang, "rec.reasons"));
    for c in &page.candidates {
        let met: Vec<String> = c
            .meets
            .iter()
            .filter(|m| m.2)
            .map(|m| m.0.to_string())
            .collect();
        d.field(
            &format!("{}:", c.name),
            &format!(
                "{} {}. {}",
                t(lang, "rec.meets_items"),
                if met.is_empty() {
                    "-".to_owned()
                } else {
                    met.join(", ")
                },
                c.reason
            ),
        );
    }
    if !page.comments.is_empty() {
        d.subheading(t(lang, "rec.comments"));
        for (who, when, body) in &page.comments {
            d.field(&format!("{who} ({when}):"), body);
        }
    }
    d.finish(|n, of| {
        tf(
            lang,
            "list.page_of",
            &[("n", &n.to_string()), ("of", &of.to_string())],
        )
    })
}
