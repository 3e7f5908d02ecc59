//! The candidate portal ("Min side", R5) and the e-mails around an application.
//!
//! Sign-in is by a link sent to the address: it works once, for [`LINK_MINUTES`] minutes, and
//! only in the browser that asked (a random cookie whose hash the link row holds), so a link
//! forwarded, leaked or opened by a mail scanner signs no one in. A signed-in candidate sees
//! their own applications only: another's id answers "not found", like one that does not exist.

use super::apply::{signed_in_candidate, submission_key, CANDIDATE_KEY};
use super::posting_for;
use crate::error::AppError;
use crate::extract::{upload, ClientIp, Csrf, FormToken, ReqLang};
use crate::i18n::{self, t};
use crate::view::format::mb;
use crate::view::{render, render_status, Errors, MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::io::Write;
use talentflyt_domain::application::{ApplicationInput, Checked, NorwegianLevel, MAX_ATTACHMENTS};
use talentflyt_domain::clock::oslo_local;
use talentflyt_domain::interview;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::upload::{sniff_cv, stored_filename};
use talentflyt_domain::Lang;
use talentflyt_jobs::alerts::Notice;
use talentflyt_store::{
    secret_hash, DocumentChange, LinkRefused, LinkRequest, NewApplication, NewFile, OutgoingEmail,
    PortalApplication, Posting, LINK_MINUTES,
};

/// The cookie that binds a sign-in link to the browser that asked for it.
const BROWSER_COOKIE: &str = "tf_portal";

fn brand(state: &AppState) -> talentflyt_jobs::mail::Brand {
    state.mail_brand.clone()
}

fn base(state: &AppState) -> &str {
    state.cfg.base_url.trim_end_matches('/')
}

fn mail_err(e: askama::Error) -> AppError {
    AppError::Internal(format!("e-mail template: {e}"))
}

/// The receipt: what the candidate sent, in their language, with the way to the portal.
pub(crate) fn receipt_mail(
    state: &AppState,
    lang: Lang,
    posting: &Posting,
    f: &ApplicationInput,
    c: &Checked,
    files: &[NewFile<'_>],
) -> Result<OutgoingEmail, AppError> {
    let label = |k: &str| super::apply::field_label(lang, k).to_owned();
    let mut receipt: Vec<(String, String)> = vec![
        (
            t(lang, "receipt.name").to_owned(),
            format!("{} {}", c.given_name.as_str(), c.family_name.as_str()),
        ),
        (label("email"), c.email.as_str().to_owned()),
        (label("phone"), f.phone.trim().to_owned()),
        (label("birth_date"), i18n::date_str(lang, &f.birth_date)),
        (label("municipality"), f.municipality.trim().to_owned()),
    ];
    for (k, v) in [
        ("current_title", &f.current_title),
        ("current_employer", &f.current_employer),
        ("hpr_number", &f.hpr_number),
    ] {
        if !v.trim().is_empty() {
            receipt.push((label(k), v.trim().to_owned()));
        }
    }
    receipt.push((
        label("norwegian_level"),
        t(lang, c.norwegian_level.label_key()).to_owned(),
    ));
    // Referees by name only: their numbers and addresses are theirs, not for an e-mail.
    receipt.extend(entry_lines(lang, &f.education, &f.work, &[]));
    for r in &f.referees {
        receipt.push((t(lang, "apply.referees").to_owned(), r.name.clone()));
    }
    for a in &c.answers {
        let (q, ans) = match lang {
            Lang::Nb => (&a.question_nb, &a.answer_nb),
            Lang::En => (&a.question_en, &a.answer_en),
        };
        receipt.push((q.clone(), ans.clone()));
    }
    receipt.push((
        t(lang, "apply.cover_letter").to_owned(),
        i18n::count(
            lang,
            f.cover_letter.trim().chars().count() as i64,
            "receipt.characters_one",
            "receipt.characters_many",
        ),
    ));
    for file in files {
        receipt.push((
            t(
                lang,
                if file.kind == "cv" {
                    "apply.cv"
                } else {
                    "apply.attachment"
                },
            )
            .to_owned(),
            format!("{} ({})", file.filename, mb(file.bytes.len())),
        ));
    }
    if f.exemption {
        receipt.push((
            t(lang, "apply.exemption").to_owned(),
            t(lang, "receipt.exemption_requested").to_owned(),
        ));
    }
    if c.equality.is_some() {
        receipt.push((
            t(lang, "apply.equality_title").to_owned(),
            t(lang, "receipt.equality_given").to_owned(),
        ));
    }
    if f.talent_pool {
        receipt.push((
            t(lang, "apply.talent_pool_title").to_owned(),
            t(lang, "receipt.talent_pool_given").to_owned(),
        ));
    }
    talentflyt_jobs::mail::ApplicationReceived {
        to: c.email.as_str(),
        given_name: c.given_name.as_str(),
        posting_title: &posting.title,
        reference: &posting.reference,
        deadline: &i18n::date_str(lang, &posting.deadline),
        receipt: &receipt,
        portal_url: &format!("{}/portal", base(state)),
    }
    .render(lang, &brand(state))
    .map_err(mail_err)
}

/// A candidate e-mail of the plain kind: heading, paragraphs, one button, a footer line.
struct CandidateMail<'a> {
    to: &'a str,
    subject: String,
    heading: &'static str,
    paragraphs: Vec<String>,
    action: (&'static str, String),
    footer: &'static str,
    template: &'static str,
}

impl CandidateMail<'_> {
    fn render(self, state: &AppState, lang: Lang) -> Result<OutgoingEmail, AppError> {
        Notice {
            heading: t(lang, self.heading).to_owned(),
            paragraphs: self.paragraphs,
            items: vec![],
            action: Some((t(lang, self.action.0).to_owned(), self.action.1)),
            footer: vec![t(lang, self.footer).to_owned()],
            links: vec![],
        }
        .render(
            self.to,
            &self.subject,
            lang,
            &brand(state),
            self.template,
            None,
        )
        .map_err(mail_err)
    }
}

/// To the owner of an address: a second application to the same posting came in.
pub(crate) fn again_mail(
    state: &AppState,
    lang: Lang,
    to: &str,
    posting_title: &str,
    link: &str,
) -> Result<OutgoingEmail, AppError> {
    CandidateMail {
        to,
        subject: i18n::tf(lang, "again_mail.subject", &[("title", posting_title)]),
        heading: "again_mail.heading",
        paragraphs: vec![
            i18n::tf(lang, "again_mail.text", &[("title", posting_title)]),
            t(lang, "again_mail.choose").to_owned(),
        ],
        action: ("again_mail.action", link.to_owned()),
        footer: "again_mail.not_you",
        template: "application_again",
    }
    .render(state, lang)
}

/// The link to continue a saved draft.
pub(crate) fn draft_mail(
    state: &AppState,
    lang: Lang,
    to: &str,
    posting_title: &str,
    link: &str,
) -> Result<OutgoingEmail, AppError> {
    CandidateMail {
        to,
        subject: t(lang, "draft_mail.subject").to_owned(),
        heading: "draft_mail.heading",
        paragraphs: vec![
            i18n::tf(lang, "draft_mail.text", &[("title", posting_title)]),
            i18n::tf(
                lang,
                "draft_mail.keep",
                &[("days", &talentflyt_store::DRAFT_DAYS.to_string())],
            ),
        ],
        action: ("draft_mail.action", link.to_owned()),
        footer: "mail.not_you",
        template: "application_draft",
    }
    .render(state, lang)
}

fn withdrawn_mail(
    state: &AppState,
    lang: Lang,
    to: &str,
    a: &PortalApplication,
) -> Result<OutgoingEmail, AppError> {
    CandidateMail {
        to,
        subject: i18n::tf(lang, "withdrawn_mail.subject", &[("title", &a.title)]),
        heading: "withdrawn_mail.heading",
        paragraphs: vec![i18n::tf(
            lang,
            "withdrawn_mail.text",
            &[("title", &a.title), ("reference", &a.reference)],
        )],
        action: ("portal.title", format!("{}/portal", base(state))),
        footer: "withdrawn_mail.not_you",
        template: "application_withdrawn",
    }
    .render(state, lang)
}

/// The cookie value that binds sign-in to this browser, if it has one.
fn browser_secret(headers: &HeaderMap) -> Option<String> {
    crate::extract::cookies(headers, BROWSER_COOKIE)
        .find(|v| v.len() == 48 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// The signed-in candidate, or the way to sign in and come back.
fn candidate_or_sign_in(id: Option<i64>, next: &str) -> Result<i64, Redirect> {
    id.ok_or_else(|| Redirect::to(&format!("/portal?next={}", urlencoding::encode(next))))
}

// --- Sign-in ---

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct SignInPage {
    p: PageCtx,
    errs: Errors,
    email: String,
    next: String,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    p: PageCtx,
    name: String,
    email: String,
    talent_pool_until: String,
    applications: Vec<AppLine>,
}

struct AppLine {
    id: i64,
    title: String,
    reference: String,
    status: String,
    submitted: String,
    deadline: String,
    /// A refused exemption waiting for the candidate's answer.
    needs_answer: bool,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// A path on this site to go on to after sign-in, or the portal.
fn safe_portal_next(next: Option<&str>) -> String {
    let n = crate::extract::safe_next(next, "/portal");
    if n.starts_with("/portal") || n.starts_with("/jobs/") {
        n
    } else {
        "/portal".into()
    }
}

fn status_text(lang: Lang, a: &PortalApplication) -> String {
    let key = match a.phase {
        Phase::Applied => "portal.status_applied",
        Phase::Screening | Phase::Interview | Phase::References => "portal.status_in_process",
        Phase::Recommendation | Phase::Offer => "portal.status_final_stage",
        Phase::Hired => "portal.status_hired",
        Phase::Rejected => "portal.status_rejected",
        Phase::Withdrawn => "portal.status_withdrawn",
    };
    t(lang, key).to_owned()
}

/// A refused request not to be named, not answered yet. One whose application is already
/// decided (rejected, hired) is still an applicant on the list: they may accept being named
/// (withdrawing is over for them); one who withdrew is off the list.
fn needs_answer(a: &PortalApplication) -> bool {
    a.exemption_decision.as_deref() == Some("refused")
        && a.exemption_answer.is_none()
        && a.phase != Phase::Withdrawn
}

/// `GET /portal`: the sign-in form, or the signed-in candidate's applications.
pub async fn home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Query(q): Query<NextQuery>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let Some(cid) = signed_in_candidate(&session).await else {
        let mut p = PageCtx::new(&state, lang, t(lang, "portal.sign_in_title"), "/portal");
        p.csrf = token;
        return render(&SignInPage {
            p,
            errs: Errors::default(),
            email: String::new(),
            next: safe_portal_next(q.next.as_deref()),
        });
    };
    let c = match state.store.candidate(cid).await {
        Ok(c) => c,
        Err(talentflyt_store::StoreError::NotFound) => {
            // Erased since: the session is over.
            session.flush().await.ok();
            return Ok(Redirect::to("/portal").into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let apps = state.store.candidate_applications(cid, &ip).await?;
    let mut p = PageCtx::new(&state, lang, t(lang, "portal.title"), "/portal");
    p.csrf = token;
    render(&HomePage {
        p,
        name: format!("{} {}", c.given_name, c.family_name),
        email: c.email,
        talent_pool_until: c
            .talent_pool_until
            .map(|d| i18n::date_str(lang, &d))
            .unwrap_or_default(),
        applications: apps
            .iter()
            .map(|a| AppLine {
                id: a.id,
                title: a.title.clone(),
                reference: a.reference.clone(),
                status: status_text(lang, a),
                submitted: i18n::date_str(lang, &day_of(a.submitted_at)),
                deadline: i18n::date_str(lang, &a.deadline),
                needs_answer: needs_answer(a),
            })
            .collect(),
    })
}

fn day_of(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| {
            d.with_timezone(&chrono_tz::Europe::Oslo)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
}

/// `POST /portal/link`: send a sign-in link to the address, bound to this browser. The answer
/// is the same whether or not the address has applied, so the form tells no one who applied.
pub async fn request_link(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Csrf(Form(f)): Csrf<Form<LinkForm>>,
) -> Result<Response, AppError> {
    state
        .limits
        .check(&state.limits.alert_sign_ups_per_ip, &ip)?;
    let next = safe_portal_next(Some(&f.next));
    let email = match talentflyt_domain::person::Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => {
            let mut errs = Errors::default();
            errs.add(lang, "email", t(lang, e.key).to_owned());
            let mut p = PageCtx::new(&state, lang, t(lang, "portal.sign_in_title"), "/portal");
            p.csrf = token;
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SignInPage {
                    p,
                    errs,
                    email: f.email.chars().take(254).collect(),
                    next,
                },
            );
        }
    };
    let secret = hex::encode(rand::random::<[u8; 24]>());
    let link_base = format!("{}/portal/sign-in/", base(&state));
    let brand = brand(&state);
    let next_q = format!("?next={}", urlencoding::encode(&next));
    let done = state
        .store
        .request_portal_link(
            email.as_str(),
            &secret_hash(&secret),
            &ip,
            state.cfg.clock.unix(),
            |tok| {
                Notice {
                    heading: t(lang, "link_mail.heading").to_owned(),
                    paragraphs: vec![
                        i18n::tf(
                            lang,
                            "link_mail.text",
                            &[("minutes", &LINK_MINUTES.to_string())],
                        ),
                        t(lang, "link_mail.same_browser").to_owned(),
                    ],
                    items: vec![],
                    action: Some((
                        t(lang, "link_mail.action").to_owned(),
                        format!("{link_base}{tok}{next_q}"),
                    )),
                    footer: vec![t(lang, "mail.not_you").to_owned()],
                    links: vec![],
                }
                .render(
                    email.as_str(),
                    t(lang, "link_mail.subject"),
                    lang,
                    &brand,
                    "portal_link",
                    None,
                )
                .map_err(|e| e.to_string())
            },
        )
        .await?;
    match done {
        LinkRequest::Sent => state.wake_jobs(),
        // The same page whether the address is unknown or has had its links this hour: the
        // answer tells no one whether an address has applied. The page says a link works
        // once and for a while, and the newest one in the inbox is the one to use.
        LinkRequest::Unknown | LinkRequest::TooMany => {}
    }
    let mut r = message(
        &state,
        lang,
        "portal.link_sent_title",
        vec![
            i18n::tf(
                lang,
                "portal.link_sent_text",
                &[("minutes", &LINK_MINUTES.to_string())],
            ),
            t(lang, "link_mail.same_browser").to_owned(),
        ],
        "/portal",
    )?;
    let secure = if state.cfg.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{BROWSER_COOKIE}={secret}; Path=/portal; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        LINK_MINUTES * 60
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

fn message(
    state: &AppState,
    lang: Lang,
    heading: &'static str,
    paragraphs: Vec<String>,
    path: &str,
) -> Result<Response, AppError> {
    render(&MessagePage::new(
        state,
        lang,
        heading,
        paragraphs,
        path,
        ("/portal", "portal.back"),
    ))
}

/// `GET /portal/sign-in/{token}`: sign in, once, in the browser that asked.
pub async fn sign_in(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    Path(tok): Path<String>,
    Query(q): Query<NextQuery>,
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let refused = |why: LinkRefused| {
        let key = match why {
            LinkRefused::Expired => "portal.link_expired",
            LinkRefused::Used => "portal.link_used",
            LinkRefused::OtherBrowser => "portal.link_other_browser",
            LinkRefused::Unknown => "portal.link_unknown",
        };
        let mut r = message(
            &state,
            lang,
            "portal.link_refused_title",
            vec![
                t(lang, key).to_owned(),
                t(lang, "portal.link_again").to_owned(),
            ],
            "/portal",
        )?;
        *r.status_mut() = StatusCode::FORBIDDEN;
        Ok::<Response, AppError>(r)
    };
    if tok.len() != 48 || !tok.bytes().all(|b| b.is_ascii_hexdigit()) {
        return refused(LinkRefused::Unknown);
    }
    let Some(secret) = browser_secret(&headers) else {
        return refused(LinkRefused::OtherBrowser);
    };
    match state
        .store
        .use_portal_link(&tok, &secret_hash(&secret), &ip, state.cfg.clock.unix())
        .await?
    {
        Ok(cid) => {
            // A new session id for the signed-in candidate (no fixation).
            session
                .cycle_id()
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            session
                .insert(CANDIDATE_KEY, cid)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(Redirect::to(&safe_portal_next(q.next.as_deref())).into_response())
        }
        Err(why) => refused(why),
    }
}

/// `POST /portal/sign-out`.
pub async fn sign_out(
    session: tower_sessions::Session,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    session
        .remove::<i64>(CANDIDATE_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/portal").into_response())
}

// --- One application ---

#[derive(Template)]
#[template(path = "portal/application.html")]
struct ApplicationPage {
    p: PageCtx,
    errs: Errors,
    notice: String,
    id: i64,
    title: String,
    reference: String,
    status: String,
    open: bool,
    can_change: bool,
    deadline: String,
    needs_answer: bool,
    exemption: String,
    details: Vec<(String, String)>,
    answers: Vec<(String, String)>,
    documents: Vec<(i64, String, String, String, bool)>,
    messages: Vec<(String, String, String, bool)>,
    upload_hint: String,
    interview: Option<PortalInterview>,
    /// Referees the candidate may still consent to or not: (row, "Name (relation)", consented).
    consents: Vec<(i64, String, bool)>,
    /// Referees contacted: "Name: kontaktet 1. desember 2026".
    contacted: Vec<String>,
    /// The extended applicant list, once the list is made: where the request stands, and
    /// the list when given.
    party: Option<PartyList>,
    /// An offer sent to the candidate.
    offer: Option<PortalOffer>,
}

/// The offer as the candidate sees it on Min side.
struct PortalOffer {
    status: String,
    facts: Vec<(String, String)>,
    note: String,
    /// "Svar innen 8. desember 2026."
    answer_by: String,
    may_answer: bool,
}

/// The offer sent on application `id`, in `lang`.
async fn portal_offer(
    state: &AppState,
    lang: Lang,
    id: i64,
) -> Result<Option<PortalOffer>, AppError> {
    let Some(o) = state.store.candidate_offer(id).await? else {
        return Ok(None);
    };
    let terms = o.terms()?;
    let today = state.today();
    let lapsed = today > o.answer_by();
    let engagement = if terms.permanent {
        t(lang, "offer.permanent").to_owned()
    } else {
        i18n::tf(
            lang,
            "offer.temporary_short",
            &[(
                "until",
                &terms.until.map(|d| i18n::date(lang, d)).unwrap_or_default(),
            )],
        )
    };
    Ok(Some(PortalOffer {
        status: t(lang, o.status.key(o.answer_by(), today)).to_owned(),
        facts: vec![
            (
                t(lang, "offer.position").to_owned(),
                terms.position(lang).to_owned(),
            ),
            (
                t(lang, "offer.fte").to_owned(),
                format!("{} %", terms.fte_percent),
            ),
            (
                t(lang, "offer.start").to_owned(),
                i18n::date(lang, terms.start_date),
            ),
            (
                t(lang, "offer.salary").to_owned(),
                talentflyt_domain::offer::kroner(lang, terms.salary),
            ),
            (t(lang, "offer.engagement").to_owned(), engagement),
        ],
        note: terms.note.clone(),
        answer_by: i18n::tf(
            lang,
            "offer.answer_by_text",
            &[("date", &i18n::date(lang, o.answer_by()))],
        ),
        may_answer: o.status == talentflyt_domain::offer::Status::Sent && !lapsed,
    }))
}

/// `POST /portal/applications/{id}/offer`: accept (`choice=accept`) or decline the offer.
pub async fn answer_offer(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    // Only the candidate's own application: another's answers as missing.
    let rec = state.store.candidate_application(cid, id, &ip).await?;
    let accept = match pairs
        .iter()
        .find(|(k, _)| k == "choice")
        .map(|(_, v)| v.as_str())
    {
        Some("accept") => true,
        Some("decline") => false,
        _ => return Err(AppError::BadRequest),
    };
    let posting = state.store.posting(rec.application.posting_id).await?;
    let (title, title_en) = (posting.title.clone(), posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let base = state.cfg.base_url.trim_end_matches('/').to_owned();
    let final_answer = move |r: &talentflyt_store::Recipient| -> talentflyt_store::Written {
        let title = r.lang.pick(&title, &title_en).0;
        let message = talentflyt_domain::pipeline::Message {
            subject: i18n::tf(r.lang, "offer.final_subject", &[("title", title)]),
            body: i18n::tf(
                r.lang,
                "offer.final_body",
                &[("name", &r.name), ("title", title)],
            ),
        };
        let email = crate::admin::pipeline::candidate_message(
            r.email,
            r.lang,
            &message,
            &format!("{base}/portal/applications/{}", r.application_id),
            &brand,
        );
        talentflyt_store::Written { message, email }
    };
    let site_title = rec.application.title.clone();
    let st = state.clone();
    let staff_mail = move |to: &(String, String), accepted: bool| {
        crate::admin::recommendation::staff_mail(
            &st,
            to,
            "offer_answered",
            if accepted {
                "offer.mail_accepted_subject"
            } else {
                "offer.mail_declined_subject"
            },
            if accepted {
                "offer.mail_accepted_body"
            } else {
                "offer.mail_declined_body"
            },
            &[("title", &site_title)],
            format!(
                "{}/admin/postings/{}/offers",
                st.cfg.base_url.trim_end_matches('/'),
                rec.application.posting_id
            ),
        )
    };
    match state
        .store
        .answer_offer(
            cid,
            id,
            accept,
            state.today(),
            &ip,
            &staff_mail,
            &final_answer,
        )
        .await?
    {
        Ok(_) => {
            state.wake_jobs();
            let done = if accept { "hired" } else { "declined" };
            Ok(Redirect::to(&format!("/portal/applications/{id}?done={done}")).into_response())
        }
        Err(r) => {
            let mut errs = Errors::default();
            errs.add_labelled("offer".into(), String::new(), t(lang, r.key()).to_owned());
            let page = application_page(&state, lang, &token, cid, id, &ip, errs, "").await?;
            render_status(StatusCode::CONFLICT, &page)
        }
    }
}

/// `GET /portal/applications/{id}/offer.pdf`: the offer letter, in the candidate's language.
pub async fn offer_pdf(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let rec = state.store.candidate_application(cid, id, &ip).await?;
    let o = state
        .store
        .candidate_offer(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = state.store.candidate(cid).await?;
    let lang = Lang::parse(&rec.application.lang).unwrap_or(Lang::Nb);
    let name = format!("{} {}", c.given_name, c.family_name);
    let bytes = crate::admin::offers::letter_pdf(&state, lang, &o, &name).await?;
    crate::career::applicant_list::staff_pdf(bytes, "tilbud.pdf")
}

/// The extended applicant list as a party (an applicant) sees it on Min side.
struct PartyList {
    /// Where the request stands, or what the candidate may ask for.
    text: String,
    may_ask: bool,
    /// Given: the page links to the list.
    given: bool,
}

/// The party's side of the extended list for application `id` (posting `posting_id`).
async fn party_list(
    state: &AppState,
    lang: Lang,
    id: i64,
    posting_id: i64,
    withdrawn: bool,
) -> Result<Option<PartyList>, AppError> {
    if withdrawn
        || state
            .store
            .applicant_list(posting_id, None)
            .await?
            .is_none()
    {
        return Ok(None);
    }
    let requests = state.store.party_requests(id).await?;
    let at = |x: Option<i64>| i18n::datetime(lang, x.unwrap_or_default());
    if let Some(r) = requests.iter().find(|r| r.status == "given") {
        return Ok(Some(PartyList {
            text: i18n::tf(lang, "portal.party_given", &[("when", &at(r.decided_at))]),
            may_ask: false,
            given: true,
        }));
    }
    let (text, may_ask) = match requests.last() {
        Some(r) if r.status == "pending" => (
            i18n::tf(
                lang,
                "portal.party_pending",
                &[("when", &at(Some(r.recorded_at)))],
            ),
            false,
        ),
        Some(r) => (
            i18n::tf(
                lang,
                "portal.party_refused",
                &[("when", &at(r.decided_at)), ("note", &r.note)],
            ),
            true,
        ),
        None => (t(lang, "portal.party_intro").to_owned(), true),
    };
    Ok(Some(PartyList {
        text,
        may_ask,
        given: false,
    }))
}

#[derive(Template)]
#[template(path = "portal/extended_list.html")]
struct ExtendedListPage {
    p: PageCtx,
    id: i64,
    title: String,
    lines: Vec<crate::admin::applicant_list::ExtendedLine>,
}

/// `GET /portal/applications/{id}/extended-list`: the extended list, for a party given it;
/// each applicant on it audited as read by the candidate. Others get 404.
pub async fn extended_list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let rec = state.store.candidate_application(cid, id, &ip).await?;
    let a = &rec.application;
    let given = state
        .store
        .party_requests(id)
        .await?
        .iter()
        .any(|r| r.status == "given");
    if a.phase == Phase::Withdrawn || !given {
        return Err(AppError::NotFound);
    }
    let entries = state
        .store
        .extended_list(&talentflyt_store::Reader::candidate(cid, &ip), a.posting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&ExtendedListPage {
        p: PageCtx::new(
            &state,
            lang,
            format!("{} – {}", t(lang, "list.extended_title"), a.title),
            format!("/portal/applications/{id}/extended-list"),
        ),
        id,
        title: a.title.clone(),
        lines: crate::admin::applicant_list::extended_lines(entries),
    })
}

/// `POST /portal/applications/{id}/extended-list`: a party asks for the extended list.
pub async fn ask_extended_list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    // Asking reads nothing of the application: who owns it and its posting are enough.
    if state.store.application_candidate_id(id).await? != cid {
        return Err(AppError::NotFound);
    }
    let posting_id = state.store.application_posting_id(id).await?;
    let c = state.store.candidate(cid).await?;
    let new = talentflyt_store::NewListRequest {
        posting_id,
        kind: "extended",
        requester: &format!("{} {}", c.given_name, c.family_name),
        contact: &c.email,
        application_id: Some(id),
        received_on: state.today(),
    };
    match state
        .store
        .record_list_request(&talentflyt_store::Reader::candidate(cid, &ip), None, &new)
        .await?
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/portal/applications/{id}?done=extended#extended"))
                .into_response(),
        ),
        Err(why) => Err(AppError::Refused(why.key())),
    }
}

/// The candidate's interview as the portal shows it.
struct PortalInterview {
    /// "tirsdag 1. desember 2026 kl. 10.00–10.45", empty without a time.
    when: String,
    location: String,
    /// Asked to choose: the free times a day or more ahead (value, label, chosen).
    free: Vec<(String, String, bool)>,
    /// Asked to choose, and may still choose or change.
    may_choose: bool,
    /// Asked to choose, with no time yet and none free.
    none_free: bool,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn application_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    cid: i64,
    id: i64,
    ip: &str,
    errs: Errors,
    notice: &str,
) -> Result<ApplicationPage, AppError> {
    let rec = state.store.candidate_application(cid, id, ip).await?;
    let a = &rec.application;
    let today = state.today().to_string();
    let mut p = PageCtx::new(
        state,
        lang,
        format!("{} – {}", t(lang, "portal.application_title"), a.title),
        format!("/portal/applications/{id}"),
    );
    p.csrf = token.to_owned();
    let details = rec
        .details
        .as_ref()
        .map(|d| detail_lines(lang, d))
        .unwrap_or_default();
    let exemption = match (
        rec.exemption.exemption_requested,
        rec.exemption.exemption_decision.as_deref(),
        rec.exemption.exemption_answer.as_deref(),
    ) {
        (0, _, _) => String::new(),
        (_, None, _) => t(lang, "portal.exemption_pending").to_owned(),
        (_, Some("granted"), _) => t(lang, "portal.exemption_granted").to_owned(),
        (_, _, Some("lapsed")) => t(lang, "portal.exemption_lapsed").to_owned(),
        (_, _, Some("off_list")) => t(lang, "portal.exemption_off_list").to_owned(),
        (_, _, Some(_)) => t(lang, "portal.exemption_accepted").to_owned(),
        _ => match rec.exemption.exemption_answer_by.as_deref() {
            Some(by) => i18n::tf(
                lang,
                if a.phase.is_final() {
                    "portal.exemption_refused_closed_by"
                } else {
                    "portal.exemption_refused_by"
                },
                &[("date", &i18n::date_str(lang, by))],
            ),
            None => t(lang, "portal.exemption_refused").to_owned(),
        },
    };
    let open = !a.phase.is_final();
    let interview = state
        .store
        .candidate_interview(cid, id, oslo_local(state.cfg.clock.now()))
        .await?
        .map(|i| {
            let (when, location) = i
                .booked
                .as_ref()
                .map(|b| {
                    (
                        interview::when(lang, b.start(), b.minutes()),
                        b.location.clone(),
                    )
                })
                .unwrap_or_default();
            let may_choose = i.self_booking && (i.booked.is_none() || i.may_change);
            PortalInterview {
                none_free: may_choose && i.booked.is_none() && i.free.is_empty(),
                free: i
                    .free
                    .iter()
                    .map(|s| {
                        (
                            s.id.to_string(),
                            format!(
                                "{} – {}",
                                interview::when(lang, s.start(), s.minutes()),
                                s.location
                            ),
                            false,
                        )
                    })
                    .collect(),
                may_choose,
                when,
                location,
            }
        });
    let checks = state.store.reference_checks(id).await?;
    let consents = checks
        .iter()
        .filter(|c| c.open_to_candidate())
        .map(|c| {
            let mut label = if c.referee_relation.is_empty() {
                c.referee_name.clone()
            } else {
                format!("{} ({})", c.referee_name, c.referee_relation)
            };
            if c.status == "requested" {
                label = i18n::tf(
                    lang,
                    "portal.reference_contacted",
                    &[
                        ("name", &label),
                        (
                            "when",
                            &i18n::date_str(lang, &day_of(c.requested_at.unwrap_or_default())),
                        ),
                    ],
                );
            }
            (
                c.id,
                label,
                matches!(c.status.as_str(), "consented" | "requested"),
            )
        })
        .collect();
    let contacted = checks
        .iter()
        .filter(|c| c.status == "answered")
        .map(|c| {
            i18n::tf(
                lang,
                "portal.reference_answered",
                &[("name", &c.referee_name)],
            )
        })
        .collect();
    let withdrawn = a.phase == Phase::Withdrawn;
    let party = party_list(state, lang, id, a.posting_id, withdrawn).await?;
    Ok(ApplicationPage {
        p,
        errs,
        notice: notice.to_owned(),
        id,
        title: a.title.clone(),
        reference: a.reference.clone(),
        status: status_text(lang, a),
        open,
        can_change: open && a.deadline >= today,
        deadline: i18n::date_str(lang, &a.deadline),
        needs_answer: needs_answer(a),
        exemption,
        details,
        answers: rec
            .answers
            .iter()
            .map(|x| match lang {
                Lang::Nb => (x.question_nb.clone(), x.answer_nb.clone()),
                Lang::En => (x.question_en.clone(), x.answer_en.clone()),
            })
            .collect(),
        documents: rec
            .documents
            .iter()
            .map(|d| {
                (
                    d.id,
                    d.filename.clone(),
                    t(
                        lang,
                        if d.kind == "cv" {
                            "apply.cv"
                        } else {
                            "apply.attachment"
                        },
                    )
                    .to_owned(),
                    mb(d.size_bytes as usize),
                    d.kind != "cv",
                )
            })
            .collect(),
        messages: rec
            .messages
            .iter()
            .map(|m| {
                (
                    i18n::date_str(lang, &day_of(m.created_at)),
                    m.subject.clone(),
                    m.body.clone(),
                    m.from_candidate != 0,
                )
            })
            .collect(),
        upload_hint: i18n::tf(
            lang,
            "apply.cv_hint",
            &[("mb", &mb(state.cfg.max_upload_bytes))],
        ),
        interview,
        consents,
        contacted,
        party,
        offer: portal_offer(state, lang, id).await?,
    })
}

/// The repeated rows of a form as (label, value) lines.
fn entry_lines(
    lang: Lang,
    education: &[talentflyt_domain::application::Education],
    work: &[talentflyt_domain::application::Work],
    referees: &[talentflyt_domain::application::Referee],
) -> Vec<(String, String)> {
    let mut out = vec![];
    for e in education {
        out.push((
            t(lang, "apply.education").to_owned(),
            format!(
                "{}, {} ({}–{})",
                e.degree, e.institution, e.from_year, e.to_year
            ),
        ));
    }
    for w in work {
        out.push((
            t(lang, "apply.work").to_owned(),
            format!(
                "{}, {} ({}–{})",
                w.title, w.employer, w.from_year, w.to_year
            ),
        ));
    }
    for r in referees {
        out.push((
            t(lang, "apply.referees").to_owned(),
            [&r.name, &r.relation, &r.phone, &r.email]
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    out
}

/// An application's details as (label, value) lines in a language; empty values left out.
pub(crate) fn detail_lines(lang: Lang, d: &talentflyt_store::Details) -> Vec<(String, String)> {
    let l = |k: &str| super::apply::field_label(lang, k).to_owned();
    let mut details = vec![
        (l("phone"), d.phone.clone()),
        (l("birth_date"), i18n::date_str(lang, &d.birth_date)),
        (l("municipality"), d.municipality.clone()),
        (l("current_title"), d.current_title.clone()),
        (l("current_employer"), d.current_employer.clone()),
        (l("hpr_number"), d.hpr_number.clone()),
        (
            l("norwegian_level"),
            NorwegianLevel::parse(&d.norwegian_level)
                .map(|n| t(lang, n.label_key()).to_owned())
                .unwrap_or_default(),
        ),
    ];
    details.extend(entry_lines(lang, &d.education, &d.work, &d.referees));
    details.push((
        t(lang, "apply.cover_letter").to_owned(),
        d.cover_letter.clone(),
    ));
    details.retain(|(_, v)| !v.is_empty());
    details
}

/// `GET /portal/applications/{id}`.
pub async fn application(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = match candidate_or_sign_in(
        signed_in_candidate(&session).await,
        &format!("/portal/applications/{id}"),
    ) {
        Ok(c) => c,
        Err(r) => return Ok(r.into_response()),
    };
    let notice = match q.done.as_deref() {
        Some("withdrawn") => t(lang, "portal.done_withdrawn"),
        Some("listed") => t(lang, "portal.done_listed"),
        Some("uploaded") => t(lang, "portal.done_uploaded"),
        Some("removed") => t(lang, "portal.done_removed"),
        Some("updated") => t(lang, "portal.done_updated"),
        Some("interview") => t(lang, "portal.done_interview"),
        Some("references") => t(lang, "portal.done_references"),
        Some("extended") => t(lang, "portal.done_extended"),
        Some("hired") => t(lang, "portal.done_hired"),
        Some("declined") => t(lang, "portal.done_declined"),
        _ => "",
    };
    render(
        &application_page(
            &state,
            lang,
            &token,
            cid,
            id,
            &ip,
            Errors::default(),
            notice,
        )
        .await?,
    )
}

async fn signed_in(session: &tower_sessions::Session) -> Result<i64, AppError> {
    signed_in_candidate(session).await.ok_or(AppError::NotFound)
}

/// `POST /portal/applications/{id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let rec = state.store.candidate_application(cid, id, &ip).await?;
    let c = state.store.candidate(cid).await?;
    let mail_lang = Lang::parse(&rec.application.lang).unwrap_or(lang);
    let mail = withdrawn_mail(&state, mail_lang, &c.email, &rec.application)?;
    if state
        .store
        .withdraw_application(cid, id, &ip, &mail)
        .await?
    {
        state.wake_jobs();
    }
    Ok(Redirect::to(&format!("/portal/applications/{id}?done=withdrawn")).into_response())
}

/// `POST /portal/applications/{id}/interview`: the candidate chooses a time (or changes to
/// another) when asked to. A time someone else took meanwhile gives the page again (409) with
/// the times still free.
pub async fn choose_interview(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let rec = state.store.candidate_application(cid, id, &ip).await?;
    let slot = pairs
        .iter()
        .find(|(k, _)| k == "slot")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let refusal = match slot {
        None => Some("interview.choose_slot"),
        Some(slot) => {
            let reader = talentflyt_store::Reader::candidate(cid, &ip);
            match state
                .store
                .book_interview(
                    &reader,
                    talentflyt_store::Booker::Candidate(cid),
                    rec.application.posting_id,
                    id,
                    slot,
                    oslo_local(state.cfg.clock.now()),
                )
                .await?
            {
                Ok(_) => None,
                Err(why) => Some(why.key()),
            }
        }
    };
    let Some(key) = refusal else {
        state.wake_jobs();
        return Ok(
            Redirect::to(&format!("/portal/applications/{id}?done=interview")).into_response(),
        );
    };
    let mut errs = Errors::default();
    errs.add_labelled("interview".into(), String::new(), t(lang, key).to_owned());
    let page = application_page(&state, lang, &token, cid, id, &ip, errs, "").await?;
    let status = if key == "interview.choose_slot" {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    render_status(status, &page)
}

/// `GET /portal/applications/{id}/interview.ics`: the interview as a calendar file, for those
/// who did not keep the e-mail.
pub async fn interview_ics(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    // Reads (and audits) the application as the candidate's own, or 404.
    state.store.candidate_application(cid, id, &ip).await?;
    let site = state.cfg.alert_site();
    // The file is the version the calendar was sent: send it now if the job has not yet, so a
    // later change or cancellation reaches a calendar that took the file.
    talentflyt_jobs::interviews::sync(&state.store, &site, &state.cfg.mail_from, id).await?;
    state.wake_jobs();
    let notice = state
        .store
        .interview_notice(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ics = talentflyt_domain::ical::calendar(
        talentflyt_domain::ical::Method::Request,
        &talentflyt_jobs::interviews::event(&site, &state.cfg.mail_from, &notice),
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8; method=REQUEST",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"intervju.ics\"",
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        ics,
    )
        .into_response())
}

/// `POST /portal/applications/{id}/references`: which referees may be contacted (`consent`,
/// by row); the others may not.
pub async fn consent_references(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let consented: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "consent")
        .map(|(_, v)| v.trim().parse().map_err(|_| AppError::BadRequest))
        .collect::<Result<_, _>>()?;
    if consented.len() > 50 {
        return Err(AppError::BadRequest);
    }
    state
        .store
        .answer_reference_consent(cid, id, &consented, &ip)
        .await?;
    Ok(Redirect::to(&format!("/portal/applications/{id}?done=references")).into_response())
}

/// `POST /portal/applications/{id}/listing`: a refused exemption; stay on the public list.
pub async fn accept_listing(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let accept = !pairs.iter().any(|(k, v)| k == "choice" && v == "off");
    state.store.accept_listing(cid, id, accept, &ip).await?;
    Ok(Redirect::to(&format!("/portal/applications/{id}?done=listed")).into_response())
}

/// `POST /portal/applications/{id}/documents`: a new CV or another attachment, before the
/// deadline.
pub async fn upload(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(mp): Csrf<Multipart>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    state.limits.check(&state.limits.applications_per_ip, &ip)?;
    let max = state.cfg.max_upload_bytes;
    let form = upload::read(
        mp,
        upload::Limits {
            file_fields: &["file"],
            max_file: max,
            max_total: max,
            max_files: 1,
            max_text: 64,
            max_fields: 4,
        },
    )
    .await?;
    let kind = if form.get("kind") == "cv" {
        "cv"
    } else {
        "attachment"
    };
    let mut errs = Errors::default();
    let file = form.file("file");
    let checked = match file {
        None => Err(t(lang, "error.cv_missing").to_owned()),
        Some(f) if f.too_large || form.total_too_large => {
            Err(i18n::tf(lang, "error.cv_too_large", &[("mb", &mb(max))]))
        }
        Some(f) => {
            sniff_cv(&f.bytes, max).map_err(|e| i18n::tf(lang, e.key(), &[("mb", &mb(max))]))
        }
    };
    match checked {
        Ok(doc) => {
            let f = file.ok_or(AppError::BadRequest)?;
            if let Some(addr) = &state.cfg.clamd {
                match crate::scan::scan(addr, &f.bytes).await {
                    Ok(crate::scan::Verdict::Clean) => {}
                    Ok(crate::scan::Verdict::Infected) => {
                        errs.add(lang, "file", t(lang, "error.cv_infected").to_owned())
                    }
                    Err(e) => return Err(AppError::Internal(format!("virus scanner: {e}"))),
                }
            }
            if errs.is_empty() {
                let name = stored_filename(&f.name, doc);
                let done = state
                    .store
                    .change_document(
                        cid,
                        id,
                        &NewFile {
                            kind,
                            filename: &name,
                            content_type: doc.mime(),
                            bytes: &f.bytes,
                        },
                        &state.today().to_string(),
                        state.cfg.max_application_bytes,
                        &ip,
                    )
                    .await?;
                let refused = match done {
                    DocumentChange::Done => None,
                    DocumentChange::Closed => Some(t(lang, "portal.no_longer_changes").to_owned()),
                    DocumentChange::TooMany => Some(i18n::tf(
                        lang,
                        "error.too_many_files",
                        &[("n", &MAX_ATTACHMENTS.to_string())],
                    )),
                    DocumentChange::TooLarge => Some(i18n::tf(
                        lang,
                        "error.files_total",
                        &[("mb", &mb(state.cfg.max_application_bytes))],
                    )),
                };
                if let Some(msg) = refused {
                    errs.add(lang, "file", msg);
                }
            }
        }
        Err(msg) => errs.add(lang, "file", msg),
    }
    if errs.is_empty() {
        return Ok(
            Redirect::to(&format!("/portal/applications/{id}?done=uploaded")).into_response(),
        );
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &application_page(&state, lang, &token, cid, id, &ip, errs, "").await?,
    )
}

/// `GET /portal/applications/{id}/documents/{doc}`.
pub async fn document(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, doc)): Path<(i64, i64)>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let d = state.store.candidate_document(cid, id, doc, &ip).await?;
    Ok(crate::admin::applications::download_response(d))
}

/// `POST /portal/applications/{id}/documents/{doc}/delete`: remove an attachment.
pub async fn remove_document(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, doc)): Path<(i64, i64)>,
    session: tower_sessions::Session,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    if !state
        .store
        .remove_attachment(cid, id, doc, &state.today().to_string(), &ip)
        .await?
    {
        return Err(AppError::Refused("portal.no_longer_changes"));
    }
    Ok(Redirect::to(&format!("/portal/applications/{id}?done=removed")).into_response())
}

// --- Own data: export and erasure ---

/// `GET /portal/export`: everything about the candidate as a ZIP: `data.json` and the files.
pub async fn export(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    let x = state.store.export_candidate(cid, &ip).await?;
    let apps: Vec<serde_json::Value> = x
        .applications
        .iter()
        .map(|(r, eq)| {
            let files: Vec<String> = x
                .files
                .iter()
                .filter(|(a, _, _)| *a == r.application.id)
                .map(|(a, n, _)| format!("files/{a}/{n}"))
                .collect();
            serde_json::json!({
                "application": r.application,
                "details": r.details.as_ref().map(|d| serde_json::json!({
                    "phone": d.phone, "birth_date": d.birth_date, "municipality": d.municipality,
                    "current_title": d.current_title, "current_employer": d.current_employer,
                    "education": d.education, "work": d.work, "referees": d.referees,
                    "hpr_number": d.hpr_number, "norwegian_level": d.norwegian_level,
                    "cover_letter": d.cover_letter,
                })),
                "screening_answers": r.answers,
                "exemption": r.exemption,
                "messages": r.messages,
                "equality_self_declaration": eq,
                "files": files,
                "interview": x.interviews.iter().find(|(a, _)| *a == r.application.id).map(|(_, s)| serde_json::json!({
                    "starts_at_oslo_time": s.starts_at, "minutes": s.minutes, "place": s.location,
                    "booked_by": s.booked_by,
                })),
                "references": x.references.iter().filter(|c| c.application_id == r.application.id).map(|c| serde_json::json!({
                    "referee": c.referee_name, "relation": c.referee_relation, "email": c.referee_email,
                    "phone": c.referee_phone, "status": c.status, "consent_asked_at": c.consent_asked_at,
                    "consent_answered_at": c.consent_at, "requested_at": c.requested_at,
                    "answered_at": c.answered_at,
                })).collect::<Vec<_>>(),
                "offers": x.offers.iter().filter(|o| o.application_id == r.application.id).map(|o| serde_json::json!({
                    "status": o.status.as_str(), "terms": o.terms().ok(), "answer_by": o.answer_by,
                    "sent_at": o.approved_at, "answered_at": o.answered_at,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let data = serde_json::json!({
        "exported_at": chrono::Utc::now().to_rfc3339(),
        "candidate": x.candidate,
        "applications": apps,
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let err = |e: zip::result::ZipError| AppError::Internal(format!("zip: {e}"));
        zip.start_file("data.json", opts).map_err(err)?;
        zip.write_all(
            serde_json::to_string_pretty(&data)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .as_bytes(),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut used = std::collections::HashSet::new();
        for (a, name, bytes) in &x.files {
            let mut path = format!("files/{a}/{name}");
            let mut n = 1;
            while !used.insert(path.clone()) {
                n += 1;
                path = format!("files/{a}/{n}-{name}");
            }
            zip.start_file(path, opts).map_err(err)?;
            zip.write_all(bytes)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        zip.finish().map_err(err)?;
    }
    let mut r = buf.into_inner().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"mine-data.zip\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

#[derive(Template)]
#[template(path = "portal/erase.html")]
struct ErasePage {
    p: PageCtx,
    erasable: usize,
    kept: usize,
}

/// `GET /portal/erase`: what erasure will delete and what the law keeps.
pub async fn erase_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let cid = match candidate_or_sign_in(signed_in_candidate(&session).await, "/portal/erase") {
        Ok(c) => c,
        Err(r) => return Ok(r.into_response()),
    };
    let apps = state.store.candidate_applications(cid, &ip).await?;
    let erasable = apps
        .iter()
        .filter(|a| talentflyt_store::erasable(a.phase))
        .count();
    let mut p = PageCtx::new(&state, lang, t(lang, "portal.erase_title"), "/portal/erase");
    p.csrf = token;
    render(&ErasePage {
        p,
        erasable,
        kept: apps.len() - erasable,
    })
}

/// `POST /portal/erase`.
pub async fn erase(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    session: tower_sessions::Session,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let cid = signed_in(&session).await?;
    // A cancellation not yet sent goes out before the rows it is made from are erased.
    let site = state.cfg.alert_site();
    for a in state.store.candidate_applications(cid, &ip).await? {
        talentflyt_jobs::interviews::sync(&state.store, &site, &state.cfg.mail_from, a.id).await?;
    }
    let e = state.store.erase_candidate(cid, &ip).await?;
    let mut paragraphs = vec![i18n::count(
        lang,
        e.deleted as i64,
        "portal.erased_one",
        "portal.erased_many",
    )];
    if e.kept > 0 {
        paragraphs.push(i18n::count(
            lang,
            e.kept as i64,
            "portal.kept_one",
            "portal.kept_many",
        ));
    } else {
        session.flush().await.ok();
    }
    message(
        &state,
        lang,
        "portal.erased_title",
        paragraphs,
        "/portal/erase",
    )
}

// --- A second application to the same posting ---

#[derive(Template)]
#[template(path = "portal/again.html")]
struct AgainPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    draft: String,
    /// Signed in as the owner of the first application: its id.
    first: Option<i64>,
    email: String,
    /// What the new one holds, for the owner to see before it replaces the first.
    summary: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct DraftQuery {
    #[serde(default)]
    draft: String,
}

/// The draft and, when this browser is signed in as its owner, the first application.
async fn again_state(
    state: &AppState,
    session: &tower_sessions::Session,
    posting_id: i64,
    key: &str,
) -> Result<(talentflyt_store::Draft, Option<(i64, i64)>), AppError> {
    let key = submission_key(key).ok_or(AppError::NotFound)?;
    let draft = state
        .store
        .draft(key, posting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let first = state
        .store
        .active_application_for(&draft.form.email, posting_id)
        .await?;
    let cid = signed_in_candidate(session).await;
    Ok((draft, first.filter(|(c, _)| Some(*c) == cid)))
}

/// `GET /jobs/{id}/apply/again?draft=`: the candidate already has an application here.
pub async fn again(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    Path(id): Path<i64>,
    Query(q): Query<DraftQuery>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    let employee = super::is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    let (draft, first) = again_state(&state, &session, id, &q.draft).await?;
    let mut p = PageCtx::new(
        &state,
        lang,
        t(lang, "again.title"),
        format!("/jobs/{id}/apply/again?draft={}", q.draft),
    );
    p.csrf = token;
    // Only the owner, signed in, sees what was sent with their address.
    let summary = if first.is_some() {
        let f = &draft.form;
        let mut lines = vec![
            (
                t(lang, "receipt.name").to_owned(),
                format!("{} {}", f.given_name, f.family_name),
            ),
            (
                super::apply::field_label(lang, "phone").to_owned(),
                f.phone.clone(),
            ),
            (
                super::apply::field_label(lang, "municipality").to_owned(),
                f.municipality.clone(),
            ),
            (
                t(lang, "apply.cover_letter").to_owned(),
                f.cover_letter.chars().take(600).collect(),
            ),
        ];
        lines.extend(draft.files.iter().map(|d| {
            (
                t(
                    lang,
                    if d.slot == "cv" {
                        "apply.cv"
                    } else {
                        "apply.attachment"
                    },
                )
                .to_owned(),
                d.filename.clone(),
            )
        }));
        lines.retain(|(_, v)| !v.trim().is_empty());
        lines
    } else {
        vec![]
    };
    render(&AgainPage {
        p,
        posting_id: id,
        posting_title: posting.title,
        draft: q.draft.clone(),
        first: first.map(|(_, a)| a),
        email: draft.form.email,
        summary,
    })
}

#[derive(Deserialize)]
pub struct AgainForm {
    #[serde(default)]
    draft: String,
    #[serde(default)]
    choice: String,
}

/// `POST /jobs/{id}/apply/again`: update the first application with the draft, or withdraw
/// the first.
pub async fn again_choose(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(Form(f)): Csrf<Form<AgainForm>>,
) -> Result<Response, AppError> {
    let employee = super::is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    let (draft, first) = again_state(&state, &session, id, &f.draft).await?;
    let (cid, app_id) = first.ok_or(AppError::NotFound)?;
    match f.choice.as_str() {
        "withdraw" => {
            let rec = state.store.candidate_application(cid, app_id, &ip).await?;
            let c = state.store.candidate(cid).await?;
            let mail = withdrawn_mail(&state, lang, &c.email, &rec.application)?;
            state
                .store
                .withdraw_application(cid, app_id, &ip, &mail)
                .await?;
            state.wake_jobs();
            // The new one is not sent yet: back to the form with it, to look over and send.
            Ok(
                Redirect::to(&format!("/jobs/{id}/apply?draft={}&withdrawn=1", f.draft))
                    .into_response(),
            )
        }
        "update" => {
            let questions = state.store.questions(id).await?;
            let c = draft
                .form
                .check(&questions, state.today())
                .map_err(|_| AppError::BadRequest)?;
            let contents = state.store.draft_file_contents(draft.id).await?;
            let files: Vec<NewFile> = contents
                .iter()
                .map(|k| NewFile {
                    kind: if k.slot == "cv" { "cv" } else { "attachment" },
                    filename: &k.filename,
                    content_type: &k.content_type,
                    bytes: &k.content,
                })
                .collect();
            if !files.iter().any(|f| f.kind == "cv") {
                // Nothing to update the CV with: go back to the form to add one.
                return Ok(
                    Redirect::to(&format!("/jobs/{id}/apply?draft={}", f.draft)).into_response()
                );
            }
            let receipt = receipt_mail(&state, lang, &posting, &draft.form, &c, &files)?;
            let ok = state
                .store
                .update_application(
                    cid,
                    app_id,
                    &NewApplication {
                        posting_id: id,
                        given_name: c.given_name.as_str(),
                        family_name: c.family_name.as_str(),
                        email: c.email.as_str(),
                        source: "",
                        files,
                        ip: &ip,
                        submission_key: Some(&f.draft),
                        lang: lang.code(),
                        form: Some(&draft.form),
                        answers: &c.answers,
                        equality: c.equality.as_ref(),
                        talent_pool_until: None,
                    },
                    &state.today().to_string(),
                    &receipt,
                )
                .await?;
            if !ok {
                return Err(AppError::Refused("portal.no_longer_changes"));
            }
            state.wake_jobs();
            Ok(
                Redirect::to(&format!("/portal/applications/{app_id}?done=updated"))
                    .into_response(),
            )
        }
        _ => Err(AppError::BadRequest),
    }
}
