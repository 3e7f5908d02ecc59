//! Job alerts on the career site: sign up (double opt-in), confirm through the e-mailed link,
//! see and renew the alert, and unsubscribe with one click (RFC 8058). The person's only key is
//! the token in the links; no account, no cookie. The e-mails and the sending job are in
//! `jobs::alerts`.

use super::index::place_key;
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, FormToken, ReqLang};
use crate::i18n::{self, t};
use crate::view::form::Errors;
use crate::view::options::{nb_sort_key, Options};
use crate::view::{MessagePage, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use talentflyt_domain::ad::TargetGroup;
use talentflyt_domain::alert::{parse_sign_up, Criteria, Frequency};
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{Alert, AuditAction, AuditEvent, OrgUnit, SignUpRefused, SubjectKind};

#[derive(Template)]
#[template(path = "career/alerts.html")]
struct SignUpPage {
    p: PageCtx,
    errs: Errors,
    email: String,
    professions: Options,
    clinics: Options,
    places: Options,
    targets: Options,
    frequencies: Options,
    consent_text: String,
}

#[derive(Template)]
#[template(path = "career/alert_action.html")]
struct ActionPage {
    p: PageCtx,
    heading: String,
    paragraphs: Vec<String>,
    action: String,
    button: String,
}

#[derive(Template)]
#[template(path = "career/alert_manage.html")]
struct ManagePage {
    p: PageCtx,
    notice: Option<String>,
    summary: Vec<(String, String)>,
    token: String,
    /// Confirmed (else the page offers the confirmation instead of renewal).
    active: bool,
}

/// A page with one button that posts to `action` (confirm, unsubscribe): the keys name its
/// title and button, and its text, which names the address.
fn action_page(
    p: PageCtx,
    lang: Lang,
    title: &'static str,
    text: &'static str,
    email: &str,
    action: String,
    button: &'static str,
) -> Result<Response, AppError> {
    render(ActionPage {
        p,
        heading: t(lang, title).to_owned(),
        paragraphs: vec![i18n::tf(lang, text, &[("email", email)])],
        action,
        button: t(lang, button).to_owned(),
    })
}

fn render(t: impl Template) -> Result<Response, AppError> {
    Ok(Html(
        t.render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))?,
    )
    .into_response())
}

fn clinics(units: &[OrgUnit]) -> impl Iterator<Item = &OrgUnit> {
    units.iter().filter(|u| u.kind == UnitKind::Clinic)
}

/// The places ads are in today, as written, in Norwegian order (from the search index).
async fn places(state: &AppState) -> Result<Vec<String>, AppError> {
    let open = state.search.open(state, state.today()).await?;
    let mut places: Vec<String> = open.place_names().values().cloned().collect();
    places.sort_by_cached_key(|s| nb_sort_key(s));
    Ok(places)
}

/// The sign-up form, with `chosen` ticked (from the search page's filters, or as sent).
async fn sign_up_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    chosen: &[(String, String)],
    errs: Errors,
) -> Result<Response, AppError> {
    let units = state.units().await;
    let is = |k: &str, v: &str| chosen.iter().any(|(a, b)| a == k && b == v);
    let mut professions: Options = profession::PROFESSIONS
        .iter()
        .map(|p| {
            (
                p.code.to_owned(),
                p.name(lang).to_owned(),
                is("profession", p.code),
            )
        })
        .collect();
    professions.sort_by_cached_key(|o| nb_sort_key(&o.1));
    let mut clinic_opts: Options = clinics(&units)
        .map(|u| {
            (
                u.code.clone(),
                u.name(lang).to_owned(),
                is("clinic", &u.code),
            )
        })
        .collect();
    clinic_opts.sort_by_cached_key(|o| nb_sort_key(&o.1));
    let places = places(state)
        .await?
        .into_iter()
        .map(|p| {
            let chosen = chosen
                .iter()
                .any(|(a, b)| a == "place" && place_key(b) == place_key(&p));
            (p.clone(), p, chosen)
        })
        .collect();
    let targets = TargetGroup::ALL
        .iter()
        .map(|g| {
            (
                g.as_str().to_owned(),
                t(lang, g.label_key()).to_owned(),
                is("target", g.as_str()),
            )
        })
        .collect();
    let freq_chosen = chosen
        .iter()
        .find(|(k, _)| k == "frequency")
        .and_then(|(_, v)| Frequency::parse(v))
        .unwrap_or_default();
    let frequencies = Frequency::ALL
        .iter()
        .map(|f| {
            (
                f.as_str().to_owned(),
                t(lang, f.label_key()).to_owned(),
                *f == freq_chosen,
            )
        })
        .collect();
    let email = chosen
        .iter()
        .find(|(k, _)| k == "email")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut p = PageCtx::new(state, lang, t(lang, "alerts.title"), "/jobs/alerts");
    p.csrf = token.to_owned();
    render(SignUpPage {
        p,
        errs,
        email,
        professions,
        clinics: clinic_opts,
        places,
        targets,
        frequencies,
        consent_text: i18n::tf(
            lang,
            "alerts.consent_text",
            &[
                ("org", &state.cfg.brand.org_name),
                ("days", &state.cfg.alert_consent_days.to_string()),
            ],
        ),
    })
}

/// `GET /jobs/alerts`: the form; the search page's filters come along as ticked choices.
pub async fn form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let chosen: Vec<(String, String)> = q
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "profession" | "clinic" | "place" | "target"))
        .take(20)
        .collect();
    sign_up_page(&state, lang, &token, &chosen, Errors::default()).await
}

/// `POST /jobs/alerts`: store a pending alert and send the confirmation link.
pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    FormToken(token): FormToken,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    state
        .limits
        .check(&state.limits.alert_sign_ups_per_ip, &ip)?;
    let units = state.units().await;
    let sign_up = match parse_sign_up(&pairs, |c| clinics(&units).any(|u| u.code == c)) {
        Ok(s) => s,
        Err(invalid) => {
            let errs = Errors::from_invalid(lang, &invalid);
            return sign_up_page(&state, lang, &token, &pairs, errs).await;
        }
    };
    let site = state.cfg.alert_site();
    let to = sign_up.email.as_str().to_lowercase();
    let taken = state
        .store
        .sign_up_alert(&sign_up, lang.code(), &ip, |tok| {
            talentflyt_jobs::alerts::confirmation(&site, &to, tok, lang).map_err(|e| e.to_string())
        })
        .await?;
    match taken {
        Ok(_) => {
            state.wake_jobs();
            Ok(Redirect::to("/jobs/alerts/sent").into_response())
        }
        Err(SignUpRefused::TooMany) => {
            let mut errs = Errors::default();
            errs.add(lang, "email", t(lang, "error.alert_too_many").to_owned());
            sign_up_page(&state, lang, &token, &pairs, errs).await
        }
    }
}

fn message(
    state: &AppState,
    lang: Lang,
    heading: &'static str,
    paragraphs: Vec<String>,
    path: &str,
) -> Result<Response, AppError> {
    render(MessagePage::new(
        state,
        lang,
        heading,
        paragraphs,
        path,
        ("/jobs", "applied.back"),
    ))
}

/// `GET /jobs/alerts/sent`: look in your inbox.
pub async fn sent(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, AppError> {
    message(
        &state,
        lang,
        "alerts.sent_title",
        vec![t(lang, "alerts.sent_text").to_owned()],
        "/jobs/alerts/sent",
    )
}

/// The alert this link opens; an unknown or spent link is "not found".
async fn alert(state: &AppState, token: &str) -> Result<Alert, AppError> {
    state
        .store
        .alert_by_token(token)
        .await?
        .ok_or(AppError::NotFound)
}

fn audit<'a>(a: &Alert, action: AuditAction, ip: &'a str, detail: &'a str) -> AuditEvent<'a> {
    AuditEvent {
        actor: talentflyt_store::Actor::System,
        action,
        subject_kind: SubjectKind::JobAlert,
        subject_id: a.id,
        ip,
        detail,
    }
}

/// `GET /jobs/alerts/confirm/{token}`: one button, so that a mail scanner opening the link
/// confirms nothing.
pub async fn confirm_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(csrf): FormToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let a = alert(&state, &token).await?;
    if a.is_active() {
        return Ok(Redirect::to(&format!("/jobs/alerts/{token}")).into_response());
    }
    let path = format!("/jobs/alerts/confirm/{token}");
    let mut p = PageCtx::new(&state, lang, t(lang, "alerts.confirm_title"), path.clone());
    p.csrf = csrf;
    action_page(
        p,
        lang,
        "alerts.confirm_title",
        "alerts.confirm_text",
        &a.email,
        path,
        "alerts.confirm_button",
    )
}

/// Start consent from today for the alert and show its page with `done` said.
async fn activate(state: &AppState, a: &Alert, ip: &str, done: &str) -> Result<Response, AppError> {
    let until = state.cfg.alert_site().consent_until(state.today());
    state
        .store
        .confirm_alert(
            a.id,
            &until.format("%Y-%m-%d").to_string(),
            &state.today().format("%Y-%m-%d").to_string(),
            ip,
        )
        .await?;
    Ok(Redirect::to(&format!("/jobs/alerts/{}?done={done}", a.token)).into_response())
}

/// `POST /jobs/alerts/confirm/{token}`: the alert is active, consent runs from today.
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let a = alert(&state, &token).await?;
    activate(&state, &a, &ip, "confirmed").await
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn summary(a: &Alert, lang: Lang, units: &[OrgUnit]) -> Vec<(String, String)> {
    let c: Criteria = a.criteria();
    let any = || t(lang, "alerts.any").to_owned();
    let list = |v: Vec<String>| if v.is_empty() { any() } else { v.join(", ") };
    let until = a
        .consent_until
        .as_deref()
        .map(|d| i18n::date_str(lang, d))
        .unwrap_or_default();
    vec![
        (t(lang, "alerts.email").to_owned(), a.email.clone()),
        (
            t(lang, "alerts.professions").to_owned(),
            list(
                c.professions
                    .iter()
                    .map(|p| profession::name(p, lang))
                    .collect(),
            ),
        ),
        (
            t(lang, "alerts.clinics").to_owned(),
            list(
                c.clinics
                    .iter()
                    .map(|code| {
                        units
                            .iter()
                            .find(|u| &u.code == code)
                            .map(|u| u.name(lang).to_owned())
                            .unwrap_or_else(|| code.clone())
                    })
                    .collect(),
            ),
        ),
        (t(lang, "alerts.places").to_owned(), list(c.places.clone())),
        (
            t(lang, "alerts.targets").to_owned(),
            list(
                c.targets
                    .iter()
                    .map(|g| t(lang, g.label_key()).to_owned())
                    .collect(),
            ),
        ),
        (
            t(lang, "alerts.frequency").to_owned(),
            t(lang, a.frequency.label_key()).to_owned(),
        ),
        (
            t(lang, "alerts.status").to_owned(),
            if a.is_active() {
                i18n::tf(lang, "alerts.active_until", &[("date", &until)])
            } else {
                t(lang, "alerts.pending").to_owned()
            },
        ),
    ]
}

/// `GET /jobs/alerts/{token}`: what the alert asks for, until when, and the buttons to renew or
/// end it.
pub async fn manage(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    FormToken(csrf): FormToken,
    Path(token): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let a = alert(&state, &token).await?;
    state
        .store
        .audit(audit(&a, AuditAction::Read, &ip, "manage page"))
        .await?;
    let units = state.units().await;
    let notice = match done.done.as_deref() {
        Some("confirmed") => Some(t(lang, "alerts.confirmed").to_owned()),
        Some("renewed") => Some(t(lang, "alerts.renewed").to_owned()),
        _ => None,
    };
    let mut p = PageCtx::new(
        &state,
        lang,
        t(lang, "alerts.manage_title"),
        format!("/jobs/alerts/{token}"),
    );
    p.csrf = csrf;
    render(ManagePage {
        p,
        notice,
        summary: summary(&a, lang, &units),
        active: a.is_active(),
        token,
    })
}

/// `POST /jobs/alerts/{token}/renew`: consent runs anew from today.
pub async fn renew(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let a = alert(&state, &token).await?;
    if !a.is_active() {
        return Ok(Redirect::to(&format!("/jobs/alerts/confirm/{token}")).into_response());
    }
    activate(&state, &a, &ip, "renewed").await
}

/// `GET /jobs/alerts/{token}/unsubscribe`: the one button.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let a = alert(&state, &token).await?;
    let path = format!("/jobs/alerts/{token}/unsubscribe");
    action_page(
        PageCtx::new(
            &state,
            lang,
            t(lang, "alerts.unsubscribe_title"),
            path.clone(),
        ),
        lang,
        "alerts.unsubscribe_title",
        "alerts.unsubscribe_text",
        &a.email,
        path,
        "alerts.unsubscribe_button",
    )
}

/// `POST /jobs/alerts/{token}/unsubscribe`: delete the alert. No CSRF token: a mail program
/// posts `List-Unsubscribe=One-Click` here without cookies (RFC 8058), and the token in the
/// address is the only key. Unsubscribing twice says the same.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if let Some(a) = state.store.alert_by_token(&token).await? {
        state.store.delete_alert(a.id, &ip, "unsubscribed").await?;
    }
    message(
        &state,
        lang,
        "alerts.unsubscribed_title",
        vec![t(lang, "alerts.unsubscribed_text").to_owned()],
        "/jobs/alerts",
    )
}
