//! The offer (R13), the staff's side: once the innstilling is signed, its writers propose an
//! offer to a ranked candidate (position, extent, start, salary, permanent or temporary with
//! its ground, the day to answer); HR over the unit approves it (never the one who proposed
//! it), which sends the letter to the candidate's Min side and e-mail in their language. The
//! candidate's answer is on Min side (`career::portal`).

use super::pipeline::shown_name;
use super::{readable_posting, Seen};
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
use chrono::Days;
use std::collections::HashMap;
use talentflyt_domain::offer::{self, kroner, LetterText, RawTerms, Status, Terms};
use talentflyt_domain::pipeline::Message;
use talentflyt_domain::Lang;
use talentflyt_store::{OfferRow, Reader, Recipient, Written};

struct OfferLine {
    id: i64,
    name: String,
    status: String,
    answer_by: String,
    proposed: String,
    approved: String,
    may_approve: bool,
    may_withdraw: bool,
}

#[derive(Template)]
#[template(path = "admin/offers.html")]
struct OffersPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    signed: bool,
    filled_text: String,
    lines: Vec<OfferLine>,
    may_propose: bool,
    /// Ranked candidates without an open offer: (application, "1. Navn").
    choices: Vec<(i64, String)>,
    chosen: String,
    raw: RawTerms,
    grounds: Vec<(&'static str, &'static str)>,
    errs: Errors,
    done: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OffersQuery {
    done: Option<String>,
}

/// The form's starting values: the posting's title, extent and engagement; a start in a month
/// and a week to answer.
fn default_terms(seen: &Seen, today: chrono::NaiveDate) -> RawTerms {
    RawTerms {
        position_nb: seen.posting.title.clone(),
        position_en: seen.posting.title_en.clone(),
        fte_percent: seen.posting.extent_percent.to_string(),
        start_date: (today + Days::new(30)).to_string(),
        engagement: seen.posting.engagement.as_str().to_owned(),
        answer_by: (today + Days::new(7)).to_string(),
        ..RawTerms::default()
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    typed: Option<(String, RawTerms)>,
    errs: Errors,
    done: String,
) -> Result<OffersPage, AppError> {
    let id = seen.posting.id;
    let today = state.today();
    let reader = Reader::user(staff.user.id, ip);
    let signed = state.store.recommendation_status(id).await?
        == Some(talentflyt_domain::recommendation::Status::Signed);
    let ranking = if signed {
        state.store.signed_ranking(id).await?
    } else {
        vec![]
    };
    let view = state.store.applicant_view(id).await?;
    let by_id: HashMap<i64, _> = view.applicants().iter().map(|a| (a.id, a)).collect();
    let name = |app: i64| {
        by_id
            .get(&app)
            .map(|a| shown_name(lang, view.blind_until, a))
            .unwrap_or_default()
    };
    let offers = state.store.posting_offers(id).await?;
    let hired = state.store.hires_of(id).await?;
    let positions = seen.posting.positions;
    let may_handle = staff.access.may_handle_candidates_in(&seen.unit.path);
    let may_approve_any = staff.access.may_manage_postings_in(&seen.unit.path);
    let lines = offers
        .iter()
        .map(|o| OfferLine {
            id: o.id,
            name: name(o.application_id),
            status: t(lang, o.status.key(o.answer_by(), today)).to_owned(),
            answer_by: i18n::date(lang, o.answer_by()),
            proposed: tf(
                lang,
                "offer.by_when",
                &[
                    ("who", o.proposed_by_name.as_deref().unwrap_or("")),
                    ("when", &i18n::datetime(lang, o.proposed_at)),
                ],
            ),
            approved: match (&o.approved_by_name, o.approved_at) {
                (Some(who), Some(at)) => tf(
                    lang,
                    "offer.by_when",
                    &[("who", who), ("when", &i18n::datetime(lang, at))],
                ),
                _ => String::new(),
            },
            may_approve: may_approve_any
                && o.status == Status::Proposed
                && o.proposed_by != Some(staff.user.id),
            may_withdraw: may_handle && o.status.is_open(),
        })
        .collect();
    let open: Vec<i64> = offers
        .iter()
        .filter(|o| o.status.is_open() || o.status == Status::Accepted)
        .map(|o| o.application_id)
        .collect();
    let ranked: Vec<(i64, i64)> = ranking
        .into_iter()
        .filter(|(_, app)| {
            !open.contains(app) && by_id.get(app).is_some_and(|a| !a.phase.is_final())
        })
        .collect();
    // Every candidate the page names, on an offer or as a choice, is audited as listed.
    let shown: Vec<i64> = offers
        .iter()
        .map(|o| o.application_id)
        .chain(ranked.iter().map(|(_, app)| *app))
        .collect();
    state
        .store
        .audit_listed(&reader, id, &shown, Some("offers"))
        .await?;
    let choices = ranked
        .into_iter()
        .map(|(r, app)| (app, format!("{r}. {}", name(app))))
        .collect();
    let filled = hired >= positions;
    let (chosen, raw) = typed.unwrap_or_else(|| (String::new(), default_terms(&seen, today)));
    Ok(OffersPage {
        p: staff.page(
            state,
            lang,
            format!("{}: {}", t(lang, "offer.title"), seen.posting.title),
            format!("/admin/postings/{id}/offers"),
        ),
        posting_id: id,
        posting_title: seen.posting.title.clone(),
        signed,
        filled_text: tf(
            lang,
            "offer.filled_count",
            &[
                ("hired", &hired.to_string()),
                ("positions", &positions.to_string()),
            ],
        ),
        lines,
        may_propose: may_handle && signed && !filled,
        choices,
        chosen,
        raw,
        grounds: talentflyt_domain::requisition::TemporaryGround::LETTERS
            .iter()
            .map(|l| (*l, t(lang, ground_key(l))))
            .collect(),
        errs,
        done,
    })
}

/// The label of a field of the offer form, for the error summary.
fn field_label(field: &str) -> &'static str {
    match field {
        "position_nb" => "offer.position_nb",
        "position_en" => "offer.position_en",
        "fte_percent" => "offer.fte",
        "start_date" => "offer.start",
        "salary" => "offer.salary_kroner",
        "salary_note" => "offer.salary_note",
        "engagement" => "offer.engagement",
        "ground" => "offer.ground",
        "until" => "offer.until",
        "answer_by" => "offer.answer_by",
        _ => "offer.note",
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

/// `GET /admin/postings/{id}/offers`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<OffersQuery>,
) -> Result<Response, AppError> {
    let seen = readable_posting(&state, &staff, &ip, id).await?;
    let done = match q.done.as_deref() {
        Some("proposed") => t(lang, "offer.done_proposed"),
        Some("approved") => t(lang, "offer.done_approved"),
        Some("withdrawn") => t(lang, "offer.done_withdrawn"),
        _ => "",
    }
    .to_owned();
    render(
        &page(
            &state,
            &staff,
            lang,
            &ip,
            seen,
            None,
            Errors::default(),
            done,
        )
        .await?,
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProposeForm {
    application: String,
    #[serde(flatten)]
    terms: RawTerms,
}

/// `POST /admin/postings/{id}/offers`: propose an offer to a ranked candidate.
pub async fn propose(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(f)): Csrf<Form<ProposeForm>>,
) -> Result<Response, AppError> {
    let seen = super::handled_posting(&state, &staff, &ip, id).await?;
    let app: Option<i64> = f.application.parse().ok();
    let checked = offer::check(&f.terms, state.today());
    let typed = (f.application.clone(), f.terms.clone());
    let (errs, status) = match (app, checked) {
        (Some(app), Ok(terms)) => {
            let reader = Reader::user(staff.user.id, &ip);
            let title = seen.posting.title.clone();
            let sender = staff.user.display_name.clone();
            let link = format!(
                "{}/admin/postings/{id}/offers",
                state.cfg.base_url.trim_end_matches('/')
            );
            let st = state.clone();
            let notify = move |to: &talentflyt_store::StaffAddress| {
                super::recommendation::staff_mail(
                    &st,
                    to,
                    "offer_proposed",
                    "offer.mail_proposed_subject",
                    "offer.mail_proposed_body",
                    &[("title", &title), ("sender", &sender)],
                    link.clone(),
                )
            };
            match state
                .store
                .propose_offer(
                    &reader,
                    staff.user.id,
                    seen.posting.id,
                    app,
                    &terms,
                    &notify,
                )
                .await?
            {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/admin/postings/{id}/offers?done=proposed"))
                            .into_response(),
                    )
                }
                Err(r) => {
                    let mut errs = Errors::default();
                    errs.add_labelled("offers".into(), String::new(), t(lang, r.key()).to_owned());
                    (errs, StatusCode::CONFLICT)
                }
            }
        }
        (app, checked) => {
            let mut errs = Errors::default();
            for e in checked.err().unwrap_or_default() {
                errs.add_labelled(
                    e.field.to_owned(),
                    t(lang, field_label(e.field)).to_owned(),
                    t(lang, e.key).to_owned(),
                );
            }
            if app.is_none() {
                errs.add_labelled(
                    "application".into(),
                    t(lang, "offer.candidate").to_owned(),
                    t(lang, "error.choose_one").to_owned(),
                );
            }
            (errs, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let page = page(
        &state,
        &staff,
        lang,
        &ip,
        seen,
        Some(typed),
        errs,
        String::new(),
    )
    .await?;
    render_status(status, &page)
}

/// The offer and its posting, for a reader of the posting's applications; others get 404.
async fn readable_offer(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    offer_id: i64,
) -> Result<(OfferRow, Seen), AppError> {
    let o = state.store.offer(offer_id).await?;
    let seen = readable_posting(state, staff, ip, o.posting_id).await?;
    Ok((o, seen))
}

/// The letter of an offer as a PDF, in `lang`.
pub(crate) async fn letter_pdf(
    state: &AppState,
    lang: Lang,
    o: &OfferRow,
    candidate_name: &str,
) -> Result<Vec<u8>, AppError> {
    let terms: Terms = o.terms()?;
    let posting = state.store.posting(o.posting_id).await?;
    let unit = super::unit_of(state, posting.unit_id).await?;
    let org = state.cfg.brand.org_name.clone();
    Ok(letter(
        lang,
        &terms,
        candidate_name,
        unit.name(lang),
        &org,
        &posting.reference,
    ))
}

fn letter(
    lang: Lang,
    terms: &Terms,
    name: &str,
    unit: &str,
    org: &str,
    reference: &str,
) -> Vec<u8> {
    let engagement = if terms.permanent {
        t(lang, "offer.permanent").to_owned()
    } else {
        tf(
            lang,
            "offer.temporary_until",
            &[
                (
                    "ground",
                    t(lang, ground_key(terms.ground.as_deref().unwrap_or("a"))),
                ),
                (
                    "until",
                    &terms.until.map(|d| i18n::date(lang, d)).unwrap_or_default(),
                ),
            ],
        )
    };
    let salary = if terms.salary_note.is_empty() {
        kroner(lang, terms.salary)
    } else {
        format!("{} ({})", kroner(lang, terms.salary), terms.salary_note)
    };
    let page_of = |n: usize, of: usize| {
        tf(
            lang,
            "list.page_of",
            &[("n", &n.to_string()), ("of", &of.to_string())],
        )
    };
    let text = LetterText {
        heading: t(lang, "offer.letter_heading"),
        opening: tf(
            lang,
            "offer.letter_opening",
            &[
                ("name", name),
                ("position", terms.position(lang)),
                ("unit", unit),
                ("org", org),
            ],
        ),
        facts: vec![
            (
                t(lang, "offer.position").to_owned(),
                terms.position(lang).to_owned(),
            ),
            (t(lang, "offer.unit").to_owned(), unit.to_owned()),
            (t(lang, "list.reference").to_owned(), reference.to_owned()),
            (
                t(lang, "offer.fte").to_owned(),
                format!("{} %", terms.fte_percent),
            ),
            (
                t(lang, "offer.start").to_owned(),
                i18n::date(lang, terms.start_date),
            ),
            (t(lang, "offer.salary").to_owned(), salary),
            (t(lang, "offer.engagement").to_owned(), engagement),
        ],
        note: &terms.note,
        answer: tf(
            lang,
            "offer.letter_answer",
            &[("date", &i18n::date(lang, terms.answer_by))],
        ),
        closing: tf(lang, "offer.letter_closing", &[("org", org)]),
        page_of: &page_of,
    };
    offer::letter(lang, t(lang, "offer.letter_heading"), &text)
}

/// `GET /admin/offers/{oid}.pdf`: the letter as the candidate gets it.
pub async fn pdf(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(oid): Path<i64>,
) -> Result<Response, AppError> {
    let (o, seen) = readable_offer(&state, &staff, &ip, oid).await?;
    let view = state.store.applicant_view(seen.posting.id).await?;
    let lang = Lang::parse(&o.lang).unwrap_or(Lang::Nb);
    let name = view
        .applicant(o.application_id)
        .map(|a| shown_name(lang, view.blind_until, a))
        .unwrap_or_default();
    state
        .store
        .audit(Reader::user(staff.user.id, &ip).event(
            talentflyt_store::AuditAction::Read,
            talentflyt_store::SubjectKind::Application,
            o.application_id,
            "offer letter",
        ))
        .await?;
    staff_pdf(
        letter_pdf(&state, lang, &o, &name).await?,
        &format!("tilbud-{oid}.pdf"),
    )
}

/// `POST /admin/offers/{oid}/approve`: HR over the unit sends the offer; the one who proposed
/// it may not (409), others who read the posting get 403.
pub async fn approve(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(oid): Path<i64>,
    Csrf(Form(_)): Csrf<Form<super::Empty>>,
) -> Result<Response, AppError> {
    let (o, seen) = readable_offer(&state, &staff, &ip, oid).await?;
    if !staff.access.may_manage_postings_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let brand = state.mail_brand.clone();
    let answer_by = o.answer_by();
    let write = move |r: &Recipient| -> Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = Message {
            subject: tf(r.lang, "offer.mail_subject", &[("title", title)]),
            body: tf(
                r.lang,
                "offer.mail_body",
                &[
                    ("name", &r.name),
                    ("title", title),
                    ("date", &i18n::date(r.lang, answer_by)),
                ],
            ),
        };
        let email = super::pipeline::candidate_message(
            r.email,
            r.lang,
            &message,
            &format!("{base}/portal/applications/{}#offer", r.application_id),
            &brand,
        );
        Written { message, email }
    };
    let reader = Reader::user(staff.user.id, &ip);
    match state
        .store
        .approve_offer(&reader, staff.user.id, oid, &write)
        .await?
    {
        Ok(()) => {
            state.wake_jobs();
            Ok(Redirect::to(&format!(
                "/admin/postings/{}/offers?done=approved",
                seen.posting.id
            ))
            .into_response())
        }
        Err(r) => refused(&state, &staff, lang, &ip, seen, r.key()).await,
    }
}

/// `POST /admin/offers/{oid}/withdraw`: take back an offer not yet answered.
pub async fn withdraw(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(oid): Path<i64>,
    Csrf(Form(_)): Csrf<Form<super::Empty>>,
) -> Result<Response, AppError> {
    let (_, seen) = readable_offer(&state, &staff, &ip, oid).await?;
    if !staff.access.may_handle_candidates_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    let reader = Reader::user(staff.user.id, &ip);
    match state.store.withdraw_offer(&reader, oid).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/postings/{}/offers?done=withdrawn",
            seen.posting.id
        ))
        .into_response()),
        Err(r) => refused(&state, &staff, lang, &ip, seen, r.key()).await,
    }
}

async fn refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    key: &'static str,
) -> Result<Response, AppError> {
    let mut errs = Errors::default();
    errs.add_labelled("offers".into(), String::new(), t(lang, key).to_owned());
    let page = page(state, staff, lang, ip, seen, None, errs, String::new()).await?;
    render_status(StatusCode::CONFLICT, &page)
}
