//! Sign-in for staff: local accounts (argon2, throttled atomically per user name and address)
//! and OpenID Connect; sign-out. Every sign-in, failure, lockout and sign-out is in the audit
//! trail, with the user's id when the account exists and otherwise a hash of the name typed.

pub mod oidc;
pub mod password;

use crate::error::AppError;
use crate::extract::staff::start_session;
use crate::extract::staff::USER_KEY;
use crate::extract::{safe_next, ClientIp, Csrf, FormToken, NextQuery, ReqLang};
use crate::i18n;
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use sha2::Sha256;
use talentflyt_domain::Lang;
use talentflyt_store::{Actor, AuditAction, AuditEvent, LoginReservation, SubjectKind};

pub use oidc::{OidcConfig, OidcRuntime};
pub use password::hash_password;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    p: PageCtx,
    error: Option<String>,
    oidc: bool,
    next: String,
    username: String,
}

/// The sign-in page; with an error it answers 401.
pub(crate) fn login_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    error: Option<&'static str>,
    next: String,
    username: String,
) -> Result<Response, AppError> {
    let mut p = PageCtx::new(state, lang, i18n::t(lang, "login.title"), "/login");
    p.csrf = token.to_owned();
    let page = LoginPage {
        p,
        error: error.map(|k| i18n::t(lang, k).to_owned()),
        oidc: state.cfg.oidc.is_some(),
        next,
        username,
    };
    let mut r = render(&page)?;
    if error.is_some() {
        *r.status_mut() = StatusCode::UNAUTHORIZED;
    }
    Ok(r)
}

pub async fn login_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    login_page(
        &state,
        lang,
        &token,
        None,
        safe_next(q.next.as_deref(), "/admin"),
        String::new(),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// What a sign-in attempt came to, for the audit trail.
pub(crate) enum SignIn<'a> {
    Ok(i64),
    Failed(Option<i64>, &'a str),
    Locked(Option<i64>, &'a str),
}

/// A user name as the audit trail keeps it when no account has it: a keyed hash (HMAC with a
/// server secret), never the text, so a password typed into the name field cannot be guessed
/// back from the trail.
fn name_hash(key: &[u8], username: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(username.to_lowercase().as_bytes());
    hex::encode(&m.finalize().into_bytes()[..8])
}

pub(crate) async fn audit_sign_in(
    state: &AppState,
    ip: &str,
    what: SignIn<'_>,
    method: &str,
) -> Result<(), AppError> {
    let (action, user, name) = match what {
        SignIn::Ok(id) => (AuditAction::Login, Some(id), None),
        SignIn::Failed(id, name) => (AuditAction::LoginFailed, id, Some(name)),
        SignIn::Locked(id, name) => (AuditAction::Locked, id, Some(name)),
    };
    let detail = match (user, name) {
        (None, Some(n)) => format!(
            "{method}; unknown user name {}",
            name_hash(&state.audit_key, n)
        ),
        _ => method.to_owned(),
    };
    state
        .store
        .audit(AuditEvent {
            actor: user.map(Actor::User).unwrap_or(Actor::System),
            action,
            subject_kind: SubjectKind::User,
            subject_id: user.unwrap_or(0),
            ip,
            detail: &detail,
        })
        .await?;
    Ok(())
}

pub async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    session: tower_sessions::Session,
    FormToken(token): FormToken,
    Csrf(Form(f)): Csrf<Form<LoginForm>>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref(), "/admin");
    let username: String = f.username.trim().chars().take(200).collect();
    if let Err(AppError::TooManyRequests(wait)) =
        state.limits.check(&state.limits.login_per_ip, &ip)
    {
        let mut r = login_page(
            &state,
            lang,
            &token,
            Some("error.rate_limited"),
            next,
            username,
        )?;
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        crate::error::set_retry_after(&mut r, &wait);
        return Ok(r);
    }
    let user = state.store.user_by_username(&username).await?;
    let user_id = user.as_ref().map(|u| u.id);
    // The attempt is counted before the password is checked, in one atomic statement, so a
    // burst of parallel guesses gets no more tries than a patient attacker.
    let addr = crate::middleware::limits::address_key(&ip);
    let reservation = state.store.reserve_login_attempt(&username, &addr).await?;
    if reservation == LoginReservation::Locked {
        audit_sign_in(&state, &ip, SignIn::Locked(user_id, &username), "password").await?;
        tracing::warn!("sign-in refused: throttled");
        let mut r = login_page(
            &state,
            lang,
            &token,
            Some("login.throttled"),
            next,
            username,
        )?;
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        crate::error::set_retry_after(&mut r, &talentflyt_domain::security::LOGIN_WINDOW);
        return Ok(r);
    }
    let ok = password::verify_password(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        f.password,
    )
    .await;
    match (ok, user) {
        (true, Some(user)) => {
            state.store.release_login_attempt(&username, &addr).await?;
            start_session(&session, user.id).await?;
            audit_sign_in(&state, &ip, SignIn::Ok(user.id), "password").await?;
            tracing::info!(user_id = user.id, method = "password", "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        _ => {
            audit_sign_in(&state, &ip, SignIn::Failed(user_id, &username), "password").await?;
            tracing::info!("sign-in failed");
            login_page(&state, lang, &token, Some("login.failed"), next, username)
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: tower_sessions::Session,
    Csrf(Form(_)): Csrf<Form<Empty>>,
) -> Result<Response, AppError> {
    if let Some(user_id) = session.get::<i64>(USER_KEY).await? {
        state
            .store
            .audit(AuditEvent {
                actor: Actor::User(user_id),
                action: AuditAction::Logout,
                subject_kind: SubjectKind::User,
                subject_id: user_id,
                ip: &ip,
                detail: "",
            })
            .await?;
    }
    session.flush().await?;
    Ok(Redirect::to("/jobs").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_user_names_are_kept_only_as_a_hash() {
        let h = super::name_hash(b"key", "Kari.Nordmann");
        assert_eq!(h.len(), 16);
        assert_eq!(h, super::name_hash(b"key", "kari.nordmann"));
        assert_ne!(h, super::name_hash(b"other key", "kari.nordmann"), "keyed");
        assert!(!h.contains("kari"));
    }
}
