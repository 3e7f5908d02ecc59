//! References (R10), the staff's side: the referees named in an application and how far each
//! reference has come; asking the candidate's consent; sending a consented referee the link to
//! the form; and reading the answers side by side.

use super::applications::check_readable;
use super::pipeline::shown_name;
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t, tf};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::pipeline::Message;
use talentflyt_domain::reference::{Kind, LINK_DAYS, QUESTIONS};
use talentflyt_domain::Lang;
use talentflyt_jobs::alerts::Notice;
use talentflyt_store::{secret_hash, Reader, Recipient, ReferenceCheck, ReferenceRequest, Written};

/// One referee as the page shows them.
struct Line {
    id: i64,
    name: String,
    /// "Nærmeste leder · kari@… · 22 33 44 55".
    contact: String,
    /// Where it stands, with who and when.
    status: String,
    may_request: bool,
    /// The link ran out unanswered: the button sends a new one.
    resend: bool,
    /// (question, answer) once answered.
    answers: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/references.html")]
struct ReferencesPage {
    p: PageCtx,
    application_id: i64,
    posting_id: i64,
    posting_title: String,
    name: String,
    errs: Errors,
    done: String,
    lines: Vec<Line>,
    /// Referees in the application not asked about yet: "Navn (relasjon)", or "… – mangler
    /// e-post".
    not_asked: Vec<String>,
    may_ask: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn status_text(lang: Lang, c: &ReferenceCheck) -> String {
    let at = |x: Option<i64>| i18n::datetime(lang, x.unwrap_or_default());
    match c.status.as_str() {
        "consent_asked" => tf(
            lang,
            "reference.status_asked",
            &[
                ("when", &at(Some(c.consent_asked_at))),
                ("who", c.consent_asked_by_name.as_deref().unwrap_or("")),
            ],
        ),
        "consented" => tf(
            lang,
            "reference.status_consented",
            &[("when", &at(c.consent_at))],
        ),
        "declined" => tf(
            lang,
            "reference.status_declined",
            &[("when", &at(c.consent_at))],
        ),
        "requested" => tf(
            lang,
            "reference.status_requested",
            &[
                ("when", &at(c.requested_at)),
                ("who", c.requested_by_name.as_deref().unwrap_or("")),
                ("until", &at(c.expires_at)),
            ],
        ),
        _ => tf(
            lang,
            "reference.status_answered",
            &[("when", &at(c.answered_at))],
        ),
    }
}

/// The label of a question.
pub(crate) fn question(lang: Lang, key: &str) -> &'static str {
    match key {
        "relation" => t(lang, "reference.q_relation"),
        "duties" => t(lang, "reference.q_duties"),
        "competence" => t(lang, "reference.q_competence"),
        "cooperation" => t(lang, "reference.q_cooperation"),
        "reliability" => t(lang, "reference.q_reliability"),
        "rehire" => t(lang, "reference.q_rehire"),
        "strengths" => t(lang, "reference.q_strengths"),
        "development" => t(lang, "reference.q_development"),
        _ => t(lang, "reference.q_other"),
    }
}

/// A rating's label: "4 – svært god".
pub(crate) fn rating(lang: Lang, v: &str) -> &'static str {
    match v {
        "1" => t(lang, "reference.rating_1"),
        "2" => t(lang, "reference.rating_2"),
        "3" => t(lang, "reference.rating_3"),
        "4" => t(lang, "reference.rating_4"),
        "5" => t(lang, "reference.rating_5"),
        _ => t(lang, "reference.rating_na"),
    }
}

pub(crate) fn rehire(lang: Lang, v: &str) -> &'static str {
    match v {
        "yes" => t(lang, "reference.rehire_yes"),
        "no" => t(lang, "reference.rehire_no"),
        _ => t(lang, "reference.rehire_unsure"),
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    id: i64,
    errs: Errors,
    done: String,
) -> Result<ReferencesPage, AppError> {
    let seen = check_readable(state, staff, ip, id).await?;
    let may_handle = staff.access.may_handle_candidates_in(&seen.unit.path);
    // Reading the application's referees and the answers about the candidate is a read of the
    // application (audited).
    let record = state
        .store
        .read_application(&Reader::user(staff.user.id, ip), id)
        .await?;
    let view = state.store.applicant_view(seen.posting.id).await?;
    let name = view
        .applicant(id)
        .map(|a| shown_name(lang, view.blind_until, a))
        .unwrap_or_default();
    let checks = state.store.reference_checks(id).await?;
    let now = state.cfg.clock.unix();
    let lines = checks
        .iter()
        .map(|c| Line {
            id: c.id,
            name: c.referee_name.clone(),
            // The referee's own contact details are for those who contact them.
            contact: if may_handle {
                [&c.referee_relation, &c.referee_email, &c.referee_phone]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" · ")
            } else {
                c.referee_relation.clone()
            },
            status: if c.expired(now) {
                tf(
                    lang,
                    "reference.status_expired",
                    &[(
                        "until",
                        &i18n::datetime(lang, c.expires_at.unwrap_or_default()),
                    )],
                )
            } else {
                status_text(lang, c)
            },
            may_request: may_handle && (c.status == "consented" || c.expired(now)),
            resend: c.expired(now),
            answers: c
                .answers()
                .map(|a| {
                    QUESTIONS
                        .iter()
                        .filter(|(k, _)| !a.get(k).is_empty())
                        .map(|(k, kind)| {
                            let v = a.get(k);
                            let shown = match kind {
                                Kind::Rating => rating(lang, v).to_owned(),
                                Kind::Rehire => rehire(lang, v).to_owned(),
                                Kind::Text { .. } => v.to_owned(),
                            };
                            (question(lang, k).to_owned(), shown)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let referees = record
        .details
        .as_ref()
        .map(|d| d.referees.clone())
        .unwrap_or_default();
    let not_asked: Vec<String> = referees
        .iter()
        .filter(|r| {
            !checks
                .iter()
                .any(|c| c.referee_email.eq_ignore_ascii_case(r.email.trim()))
        })
        .map(|r| {
            let mut s = r.name.clone();
            if !r.relation.is_empty() {
                s = format!("{s} ({})", r.relation);
            }
            if r.email.trim().is_empty() {
                s = format!("{s} – {}", t(lang, "reference.no_email"));
            }
            s
        })
        .collect();
    let may_ask = may_handle
        && referees.iter().any(|r| {
            !r.email.trim().is_empty()
                && !checks
                    .iter()
                    .any(|c| c.referee_email.eq_ignore_ascii_case(r.email.trim()))
        });
    Ok(ReferencesPage {
        p: staff.page(
            state,
            lang,
            tf(lang, "reference.heading", &[("name", &name)]),
            format!("/admin/applications/{id}/references"),
        ),
        application_id: id,
        posting_id: seen.posting.id,
        posting_title: seen.posting.title,
        name,
        errs,
        done,
        lines,
        not_asked,
        may_ask,
    })
}

/// `GET /admin/applications/{id}/references`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let done = match q.done.as_deref() {
        Some("asked") => t(lang, "reference.done_asked"),
        Some("requested") => t(lang, "reference.done_requested"),
        _ => "",
    };
    render(
        &page(
            &state,
            &staff,
            lang,
            &ip,
            id,
            Errors::default(),
            done.to_owned(),
        )
        .await?,
    )
}

async fn refused(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    id: i64,
    key: &'static str,
) -> Result<Response, AppError> {
    let mut errs = Errors::default();
    errs.add_labelled("referees".into(), String::new(), t(lang, key).to_owned());
    let page = page(state, staff, lang, ip, id, errs, String::new()).await?;
    render_status(StatusCode::CONFLICT, &page)
}

/// The application for one who may handle its candidates (others who may read it get 403).
async fn handled(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<super::Seen, AppError> {
    let seen = check_readable(state, staff, ip, id).await?;
    if !staff.access.may_handle_candidates_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

/// `POST /admin/applications/{id}/references/consent`: ask the candidate's consent to contact
/// the referees not asked about yet.
pub async fn ask_consent(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(_)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled(&state, &staff, &ip, id).await?;
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let write = move |r: &Recipient, names: &[String]| -> Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = Message {
            subject: tf(r.lang, "reference.consent_subject", &[("title", title)]),
            body: tf(
                r.lang,
                "reference.consent_body",
                &[
                    ("name", &r.name),
                    ("title", title),
                    ("referees", &names.join(", ")),
                    ("org", &brand.org_name),
                ],
            ),
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
        .ask_reference_consent(&Reader::user(staff.user.id, &ip), staff.user.id, id, &write)
        .await?
    {
        Ok(_) => {
            state.wake_jobs();
            Ok(
                Redirect::to(&format!("/admin/applications/{id}/references?done=asked"))
                    .into_response(),
            )
        }
        Err(why) => refused(&state, &staff, lang, &ip, id, why.key()).await,
    }
}

/// `POST /admin/applications/{id}/references/{rid}/request`: send a consented referee the link.
pub async fn request(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path((id, rid)): Path<(i64, i64)>,
    Csrf(Form(_)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handled(&state, &staff, &ip, id).await?;
    let checks = state.store.reference_checks(id).await?;
    let Some(c) = checks.iter().find(|c| c.id == rid) else {
        return Err(AppError::NotFound);
    };
    let record = state
        .store
        .read_application(&Reader::user(staff.user.id, &ip), id)
        .await?;
    let candidate = format!(
        "{} {}",
        record.application.given_name, record.application.family_name
    );
    let token = hex::encode(rand::random::<[u8; 24]>());
    let expires = state.cfg.clock.unix() + LINK_DAYS * 86_400;
    let until_nb = i18n::date(
        Lang::Nb,
        talentflyt_domain::clock::norwegian_date(
            chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default(),
        ),
    );
    let until_en = i18n::date(
        Lang::En,
        talentflyt_domain::clock::norwegian_date(
            chrono::DateTime::from_timestamp(expires, 0).unwrap_or_default(),
        ),
    );
    let org = state.mail_brand.org_name.clone();
    let title = seen.posting.title.clone();
    let subject = format!("Referanse for {candidate} / Reference for {candidate}");
    let notice = Notice {
        heading: format!("Referanse for {candidate}"),
        paragraphs: vec![
            format!("Hei, {}.", c.referee_name),
            format!(
                "{candidate} har søkt på stillingen {title} hos {org} og har gitt oss lov til å kontakte deg som referanse. Vi setter stor pris på om du svarer på noen korte spørsmål innen {until_nb}. Det tar rundt ti minutter."
            ),
            format!(
                "English: {candidate} has applied for the position {title} at {org} and has allowed us to contact you as a referee. We would be grateful if you answered a few short questions by {until_en}. It takes about ten minutes."
            ),
        ],
        items: vec![],
        action: Some((
            "Svar på spørsmålene / Answer the questions".into(),
            format!(
                "{}/references/{token}",
                state.cfg.base_url.trim_end_matches('/')
            ),
        )),
        footer: vec![
            "Svarene dine leses av dem som vurderer søkerne til stillingen. / Your answers are read by those who assess the applicants for the position.".into(),
        ],
        links: vec![],
    };
    let email = notice
        .render(
            &c.referee_email,
            &subject,
            Lang::Nb,
            &state.mail_brand,
            "reference_request",
            None,
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !state
        .store
        .request_reference(
            &Reader::user(staff.user.id, &ip),
            staff.user.id,
            id,
            &ReferenceRequest {
                check_id: rid,
                token_hash: &secret_hash(&token),
                expires_at: expires,
                email: &email,
                now: state.cfg.clock.unix(),
            },
        )
        .await?
    {
        return refused(&state, &staff, lang, &ip, id, "reference.refused_request").await;
    }
    state.wake_jobs();
    Ok(Redirect::to(&format!(
        "/admin/applications/{id}/references?done=requested"
    ))
    .into_response())
}
