//! Interviews (R9), the staff's side: a posting's interview times by day, booked or free; adding
//! a row of times; booking, moving and cancelling an applicant's time; and asking applicants to
//! choose their own time in the portal. Each change sends the candidate's calendar what it
//! needs (see `talentflyt_store::interviews`).

use super::pipeline::shown_name;
use super::{handled_posting, readable_posting, Seen};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{count, t, tf};
use crate::view::options::Options;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use talentflyt_domain::clock::oslo_local;
use talentflyt_domain::interview::{day, hours, plan, RawSlots, MAX_SLOTS};
use talentflyt_domain::pipeline::Message;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::Lang;
use talentflyt_store::{Booked, Booker, Reader, Recipient, Written};

/// The applicant holding a time.
struct Who {
    id: i64,
    name: String,
    /// The candidate chose it in the portal.
    by_candidate: bool,
}

/// One time in the plan.
struct SlotLine {
    id: i64,
    hours: String,
    location: String,
    who: Option<Who>,
    past: bool,
}

struct Day {
    heading: String,
    slots: Vec<SlotLine>,
}

/// An applicant in an interview stage, with or without a time.
struct Waiting {
    id: i64,
    name: String,
    /// Stands in an interview stage (may be given a time or moved).
    in_interview: bool,
    /// "tirsdag 1. desember 2026 kl. 10.00–10.45", or empty.
    booked: String,
    /// "Bedt om å velge tid …", or empty.
    invited: String,
    /// The free times ahead, to book or move to.
    options: Options,
}

#[derive(Template)]
#[template(path = "admin/interviews.html")]
struct InterviewsPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    may_handle: bool,
    done: String,
    errs: Errors,
    form: RawSlots,
    days: Vec<Day>,
    applicants: Vec<Waiting>,
    /// Applicants with no time who were not asked to choose: (application, name).
    choosers: Vec<(i64, String)>,
    /// "4 ledige tider fram i tid".
    free_text: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
    n: Option<usize>,
    existed: Option<usize>,
}

/// The applicant's shown name (a pseudonym while screening hides them), by application.
type Names = HashMap<i64, (String, Phase)>;

/// Of the posting's applicants (a cached snapshot), those in an interview stage and those
/// `holding` a time: the only ones the plan names (not all 500 of a busy posting).
async fn names(
    state: &AppState,
    lang: Lang,
    posting_id: i64,
    holding: &[i64],
) -> Result<Names, AppError> {
    let view = state.store.applicant_view(posting_id).await?;
    Ok(view
        .applicants()
        .iter()
        .filter(|a| a.phase == Phase::Interview || holding.contains(&a.id))
        .map(|a| (a.id, (shown_name(lang, view.blind_until, a), a.phase)))
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    form: RawSlots,
    errs: Errors,
    done: String,
) -> Result<InterviewsPage, AppError> {
    let id = seen.posting.id;
    let schedule = state.store.interview_schedule(id).await?;
    let holding: Vec<i64> = schedule
        .slots
        .iter()
        .filter_map(|s| s.application_id)
        .collect();
    let names = names(state, lang, id, &holding).await?;
    let now = oslo_local(state.cfg.clock.now());
    let mut days: Vec<Day> = vec![];
    let mut shown = vec![];
    for s in &schedule.slots {
        let start = s.start();
        let heading = day(lang, start.date());
        let who = s.application_id.map(|a| {
            shown.push(a);
            Who {
                id: a,
                name: names.get(&a).map(|n| n.0.clone()).unwrap_or_default(),
                by_candidate: s.booked_by.as_deref() == Some("candidate"),
            }
        });
        let line = SlotLine {
            id: s.id,
            hours: hours(lang, start, s.minutes()),
            location: s.location.clone(),
            who,
            past: start <= now,
        };
        match days.last_mut() {
            Some(d) if d.heading == heading => d.slots.push(line),
            _ => days.push(Day {
                heading,
                slots: vec![line],
            }),
        }
    }
    let free: Vec<&talentflyt_store::Slot> = schedule
        .slots
        .iter()
        .filter(|s| s.application_id.is_none() && s.start() > now)
        .collect();
    // In an interview stage, or holding a time (moved on or back since: staff can still
    // cancel it): those `names` holds.
    let mut applicants: Vec<Waiting> = names
        .iter()
        .map(|(&app, (name, phase))| {
            let booked = schedule
                .booked(app)
                .map(|s| talentflyt_domain::interview::when(lang, s.start(), s.minutes()))
                .unwrap_or_default();
            let invited = schedule
                .invited
                .iter()
                .find(|i| i.application_id == app)
                .map(|i| {
                    tf(
                        lang,
                        "interview.invited_on",
                        &[(
                            "when",
                            &crate::i18n::datetime(lang, i.invited_at.unwrap_or_default()),
                        )],
                    )
                })
                .unwrap_or_default();
            Waiting {
                id: app,
                name: name.clone(),
                in_interview: *phase == Phase::Interview,
                booked,
                invited,
                options: free
                    .iter()
                    .map(|s| {
                        (
                            s.id.to_string(),
                            format!(
                                "{} – {}",
                                talentflyt_domain::interview::when(lang, s.start(), s.minutes()),
                                s.location
                            ),
                            false,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    // Those without a time first (they need something done), then by their time.
    let when_of = |id: i64| schedule.booked(id).map(|s| s.starts_at.clone());
    applicants.sort_by_key(|a| (when_of(a.id), a.name.clone()));
    shown.extend(applicants.iter().map(|a| a.id));
    shown.sort_unstable();
    shown.dedup();
    let reader = Reader::user(staff.user.id, ip);
    state
        .store
        .audit_listed(&reader, id, &shown, Some("interview schedule"))
        .await?;
    Ok(InterviewsPage {
        p: staff.page(
            state,
            lang,
            t(lang, "interview.title").to_owned(),
            format!("/admin/postings/{id}/interviews"),
        ),
        posting_id: id,
        posting_title: seen.posting.title.clone(),
        may_handle: staff.access.may_handle_candidates_in(&seen.unit.path),
        done,
        errs,
        form,
        days,
        choosers: applicants
            .iter()
            .filter(|a| a.in_interview && a.booked.is_empty() && a.invited.is_empty())
            .map(|a| (a.id, a.name.clone()))
            .collect(),
        applicants,
        free_text: tf(
            lang,
            "interview.free_count",
            &[("n", &free.len().to_string())],
        ),
    })
}

fn done_text(lang: Lang, q: &DoneQuery) -> String {
    let n = q.n.unwrap_or(0).min(i64::MAX as usize) as i64;
    match q.done.as_deref() {
        Some("added") => {
            let mut text = count(lang, n, "interview.done_added_one", "interview.done_added");
            if let Some(e) = q.existed.filter(|e| *e > 0) {
                text.push(' ');
                text.push_str(&count(
                    lang,
                    e.min(i64::MAX as usize) as i64,
                    "interview.done_existed_one",
                    "interview.done_existed",
                ));
            }
            text
        }
        Some("deleted") => t(lang, "interview.done_deleted").to_owned(),
        Some("booked") => t(lang, "interview.done_booked").to_owned(),
        Some("moved") => t(lang, "interview.done_moved").to_owned(),
        Some("cancelled") => t(lang, "interview.done_cancelled").to_owned(),
        Some("invited") => count(
            lang,
            n,
            "interview.done_invited_one",
            "interview.done_invited",
        ),
        _ => String::new(),
    }
}

/// The form for new times as it first shows: 45-minute interviews, six in a row, 15 minutes
/// between.
fn blank_form() -> RawSlots {
    RawSlots {
        minutes: "45".into(),
        count: "6".into(),
        gap: "15".into(),
        ..RawSlots::default()
    }
}

/// `GET /admin/postings/{id}/interviews`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    render(
        &page(
            &state,
            &staff,
            lang,
            &ip,
            seen,
            blank_form(),
            Errors::default(),
            done_text(lang, &q),
        )
        .await?,
    )
}

fn field(pairs: &[(String, String)], k: &str) -> String {
    pairs
        .iter()
        .find(|(x, _)| x == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn number(pairs: &[(String, String)], k: &str) -> Result<i64, AppError> {
    field(pairs, k)
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest)
}

/// `POST /admin/postings/{id}/interviews/slots`: a row of times on one day.
pub async fn add_slots(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    let raw = RawSlots {
        date: field(&pairs, "date"),
        start: field(&pairs, "start"),
        minutes: field(&pairs, "minutes"),
        count: field(&pairs, "count"),
        gap: field(&pairs, "gap"),
        location: field(&pairs, "location"),
    };
    match plan(&raw, oslo_local(state.cfg.clock.now())) {
        Ok(p) => match state
            .store
            .add_interview_slots(staff.user.id, id, &p)
            .await?
        {
            Ok(added) => {
                let existed = if added.existed > 0 {
                    format!("&existed={}", added.existed)
                } else {
                    String::new()
                };
                Ok(Redirect::to(&format!(
                    "/admin/postings/{id}/interviews?done=added&n={}{existed}",
                    added.added
                ))
                .into_response())
            }
            Err(key) => {
                let mut errs = Errors::default();
                errs.add_labelled(
                    "count".into(),
                    t(lang, "interview.count").to_owned(),
                    tf(
                        lang,
                        key,
                        &[("max", &talentflyt_store::MAX_SLOTS_PER_POSTING.to_string())],
                    ),
                );
                let page = page(&state, &staff, lang, &ip, seen, raw, errs, String::new()).await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
        },
        Err(problems) => {
            let mut errs = Errors::default();
            for e in problems {
                let label = match e.field {
                    "date" => "interview.date",
                    "start" => "interview.start",
                    "minutes" => "interview.minutes",
                    "count" => "interview.count",
                    "gap" => "interview.gap",
                    _ => "interview.location",
                };
                let message = match e.key {
                    "interview.error_minutes" => tf(
                        lang,
                        e.key,
                        &[
                            (
                                "min",
                                &talentflyt_domain::interview::MIN_MINUTES.to_string(),
                            ),
                            (
                                "max",
                                &talentflyt_domain::interview::MAX_MINUTES.to_string(),
                            ),
                        ],
                    ),
                    "interview.error_count" => tf(lang, e.key, &[("max", &MAX_SLOTS.to_string())]),
                    "interview.error_gap" => tf(
                        lang,
                        e.key,
                        &[("max", &talentflyt_domain::interview::MAX_GAP.to_string())],
                    ),
                    k => t(lang, k).to_owned(),
                };
                errs.add_labelled(e.field.into(), t(lang, label).to_owned(), message);
            }
            let page = page(&state, &staff, lang, &ip, seen, raw, errs, String::new()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /admin/postings/{id}/interviews/slots/{slot}/delete`: remove a free time.
pub async fn delete_slot(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, slot)): Path<(i64, i64)>,
    Csrf(Form(_)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    if !state.store.delete_interview_slot(id, slot).await? {
        return refused(&state, &staff, lang, &ip, seen, "interview.refused_delete").await;
    }
    Ok(Redirect::to(&format!("/admin/postings/{id}/interviews?done=deleted")).into_response())
}

/// The plan again with a refusal at the top (409: the plan changed under the click).
async fn refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    key: &'static str,
) -> Result<Response, AppError> {
    let mut errs = Errors::default();
    errs.add_labelled("plan".into(), String::new(), t(lang, key).to_owned());
    let page = page(
        state,
        staff,
        lang,
        ip,
        seen,
        blank_form(),
        errs,
        String::new(),
    )
    .await?;
    render_status(StatusCode::CONFLICT, &page)
}

/// `POST /admin/postings/{id}/interviews/book`: give an applicant a time, or move them to
/// another (`application`, `slot`).
pub async fn book(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    let app = number(&pairs, "application")?;
    let Ok(slot) = number(&pairs, "slot") else {
        return refused(&state, &staff, lang, &ip, seen, "interview.choose_slot").await;
    };
    let r = state
        .store
        .book_interview(
            &Reader::user(staff.user.id, &ip),
            Booker::Staff(staff.user.id),
            id,
            app,
            slot,
            oslo_local(state.cfg.clock.now()),
        )
        .await
        .map_err(|e| match e {
            talentflyt_store::StoreError::NotFound => AppError::BadRequest,
            e => e.into(),
        })?;
    match r {
        Ok(b) => {
            state.wake_jobs();
            let done = if b == Booked::Moved {
                "moved"
            } else {
                "booked"
            };
            Ok(
                Redirect::to(&format!("/admin/postings/{id}/interviews?done={done}"))
                    .into_response(),
            )
        }
        Err(why) => refused(&state, &staff, lang, &ip, seen, why.key()).await,
    }
}

/// `POST /admin/postings/{id}/interviews/cancel`: call off an applicant's interview.
pub async fn cancel(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    let app = number(&pairs, "application")?;
    // The candidate is e-mailed at once and it cannot be undone: asked first.
    if field(&pairs, "confirm") != "yes" {
        let schedule = state.store.interview_schedule(id).await?;
        let Some(slot) = schedule.booked(app) else {
            return refused(&state, &staff, lang, &ip, seen, "interview.refused_no_time").await;
        };
        let name = names(&state, lang, id, &[app])
            .await?
            .remove(&app)
            .map(|n| n.0)
            .unwrap_or_default();
        let page = CancelPage {
            p: staff.page(
                &state,
                lang,
                tf(lang, "interview.cancel_heading", &[("name", &name)]),
                format!("/admin/postings/{id}/interviews"),
            ),
            posting_id: id,
            posting_title: seen.posting.title.clone(),
            application_id: app,
            heading: tf(lang, "interview.cancel_heading", &[("name", &name)]),
            when: format!(
                "{} – {}",
                talentflyt_domain::interview::when(lang, slot.start(), slot.minutes()),
                slot.location
            ),
        };
        return render(&page);
    }
    let freed = state
        .store
        .cancel_interview(&Reader::user(staff.user.id, &ip), id, app)
        .await
        .map_err(|e| match e {
            talentflyt_store::StoreError::NotFound => AppError::BadRequest,
            e => e.into(),
        })?;
    if !freed {
        return refused(&state, &staff, lang, &ip, seen, "interview.refused_no_time").await;
    }
    state.wake_jobs();
    Ok(Redirect::to(&format!("/admin/postings/{id}/interviews?done=cancelled")).into_response())
}

/// "Avlyse intervjuet med …?": the question before a cancellation.
#[derive(Template)]
#[template(path = "admin/interview_cancel.html")]
struct CancelPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    application_id: i64,
    heading: String,
    /// The time and place.
    when: String,
}

/// The message asking a candidate to choose a time, in their language.
fn choose_message(lang: Lang, name: &str, title: &str, org: &str) -> Message {
    Message {
        subject: tf(lang, "interview.choose_subject", &[("title", title)]),
        body: tf(
            lang,
            "interview.choose_body",
            &[("name", name), ("title", title), ("org", org)],
        ),
    }
}

/// `POST /admin/postings/{id}/interviews/invite`: ask the chosen applicants (`ids`) to choose
/// their own time in the portal.
pub async fn invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled_posting(&state, &staff, &ip, id).await?;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.trim().parse().map_err(|_| AppError::BadRequest))
        .collect::<Result<_, _>>()?;
    if ids.len() > 1000 {
        return Err(AppError::BadRequest);
    }
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let write = move |r: &Recipient| -> Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = choose_message(r.lang, &r.name, title, &brand.org_name);
        let email = super::pipeline::candidate_message(
            r.email,
            r.lang,
            &message,
            &format!("{base}/portal/applications/{}", r.application_id),
            &brand,
        );
        Written { message, email }
    };
    let asked = state
        .store
        .invite_to_choose(
            &Reader::user(staff.user.id, &ip),
            staff.user.id,
            id,
            &ids,
            &write,
        )
        .await?;
    state.wake_jobs();
    Ok(Redirect::to(&format!(
        "/admin/postings/{id}/interviews?done=invited&n={}",
        asked.len()
    ))
    .into_response())
}
