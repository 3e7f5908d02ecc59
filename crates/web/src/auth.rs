//! Sign-in: local accounts (argon2) and OpenID Connect for staff; sessions in the database;
//! CSRF tokens on every state-changing form.

use crate::i18n;
use crate::page::{render, AppError, CsrfForm, NextQuery, PageCtx, ReqLang};
use crate::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::LazyLock;
use talentflyt_domain::org::Access;
use talentflyt_domain::security::{login_locked, LOGIN_WINDOW};
use talentflyt_store::User;
use tokio::sync::Mutex;
use tower_sessions::Session;

const USER_KEY: &str = "user_id";
const CSRF_KEY: &str = "csrf";
const OIDC_KEY: &str = "oidc_pending";

// ---------- CSRF ----------

/// The session's CSRF token, made on first use. Forms carry it in a hidden `csrf` field.
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await? {
        return Ok(t);
    }
    let t = hex::encode(rand::random::<[u8; 32]>());
    session.insert(CSRF_KEY, &t).await?;
    Ok(t)
}

/// Refuse a state-changing request whose token does not match the session's.
pub async fn verify_csrf(session: &Session, submitted: &str) -> Result<(), AppError> {
    let expected = session
        .get::<String>(CSRF_KEY)
        .await?
        .ok_or(AppError::FormExpired)?;
    if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::FormExpired)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------- Who is asking ----------

/// The client's address, for throttling and the audit trail. Behind `trusted_proxy_hops`
/// reverse proxies it is taken from `X-Forwarded-For`, counting that many entries from the right
/// (each proxy appends the address it saw); otherwise it is the socket's peer.
pub struct ClientIp(pub String);

pub fn client_ip(parts: &Parts, trusted_proxy_hops: usize) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if trusted_proxy_hops == 0 {
        return peer;
    }
    let hops: Vec<String> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        .collect();
    match hops.len().checked_sub(trusted_proxy_hops) {
        Some(i) => hops[i].clone(),
        None => peer,
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state.cfg.trusted_proxy_hops)))
    }
}

/// A signed-in staff member. Pages that take this send everyone else to the sign-in page.
pub struct Staff {
    pub user: User,
    pub access: Access,
    pub session: Session,
    pub csrf: String,
}

impl Staff {
    pub fn page(
        &self,
        state: &AppState,
        lang: talentflyt_domain::Lang,
        title: impl Into<String>,
        path: impl Into<String>,
    ) -> PageCtx {
        let mut p = PageCtx::new(state, lang, title, path);
        p.user = Some(self.user.display_name.clone());
        p.csrf = self.csrf.clone();
        p
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/admin");
            Redirect::to(&format!("/login?next={}", urlencoding::encode(next))).into_response()
        };
        let Some(user_id) = session
            .get::<i64>(USER_KEY)
            .await
            .map_err(|e| AppError::from(e).into_response())?
        else {
            return Err(to_login());
        };
        let user = match state.store.user(user_id).await {
            Ok(u) if u.active == 1 => u,
            Ok(_) | Err(talentflyt_store::StoreError::NotFound) => {
                let _ = session.flush().await;
                return Err(to_login());
            }
            Err(e) => return Err(AppError::from(e).into_response()),
        };
        let access = state
            .store
            .access(user.id)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        let csrf = csrf_token(&session)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Staff {
            user,
            access,
            session,
            csrf,
        })
    }
}

// ---------- Passwords ----------

/// An argon2id hash in PHC format.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

/// Used for unknown users so a failed sign-in takes as long whether or not the name exists.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not-a-real-password-just-for-timing").expect("hash"));

async fn verify_password(hash: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match hash {
            Some(h) => (h, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let ok = PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

// ---------- Pages ----------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: PageCtx,
    error: Option<String>,
    oidc: bool,
    next: String,
    username: String,
}

fn safe_next(next: Option<&str>) -> String {
    crate::page::safe_next(next, "/admin")
}

async fn login_page(
    state: &AppState,
    session: &Session,
    lang: talentflyt_domain::Lang,
    error: Option<&'static str>,
    next: String,
    username: String,
) -> Result<Response, AppError> {
    let mut p = PageCtx::new(state, lang, i18n::t(lang, "login.title"), "/login");
    p.csrf = csrf_token(session).await?;
    let page = LoginPage {
        p,
        error: error.map(|k| i18n::t(lang, k).to_owned()),
        oidc: state.cfg.oidc.is_some(),
        next,
        username,
    };
    let mut r = render(&page)?;
    if error.is_some() {
        *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
    }
    Ok(r)
}

pub async fn login_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    login_page(
        &state,
        &session,
        lang,
        None,
        safe_next(q.next.as_deref()),
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    verify_csrf(&session, &f.csrf).await?;
    let next = safe_next(f.next.as_deref());
    let username = f.username.trim().to_owned();
    let since = talentflyt_store::now() - LOGIN_WINDOW.as_secs() as i64;
    if login_locked(
        state
            .store
            .recent_login_failures(&username, &ip, since)
            .await?,
    ) {
        tracing::warn!("sign-in refused: throttled");
        return login_page(
            &state,
            &session,
            lang,
            Some("login.throttled"),
            next,
            username,
        )
        .await;
    }
    let user = state.store.user_by_username(&username).await?;
    let ok = verify_password(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        f.password,
    )
    .await;
    state.store.record_login_attempt(&username, &ip, ok).await?;
    match (ok, user) {
        (true, Some(user)) => {
            start_session(&session, user.id).await?;
            tracing::info!(user_id = user.id, method = "password", "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        _ => {
            tracing::info!("sign-in failed");
            login_page(&state, &session, lang, Some("login.failed"), next, username).await
        }
    }
}

/// A new session id on sign-in (no fixation) with a fresh CSRF token.
async fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user_id).await?;
    session
        .insert(CSRF_KEY, hex::encode(rand::random::<[u8; 32]>()))
        .await?;
    Ok(())
}

pub async fn logout(session: Session, Form(f): Form<CsrfForm>) -> Result<Response, AppError> {
    verify_csrf(&session, &f.csrf).await?;
    session.flush().await?;
    Ok(Redirect::to("/jobs").into_response())
}

// ---------- OpenID Connect ----------

/// The staff identity provider (e.g. Entra ID), from configuration.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer; `/.well-known/openid-configuration` is found under it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

/// How long discovered metadata (and the provider's signing keys) are trusted before asking again.
const OIDC_METADATA_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// The provider's metadata, discovered on first use, kept for an hour, and discovered again after
/// a failed sign-in (the provider may have rotated its signing keys).
pub struct OidcRuntime {
    cfg: Option<OidcConfig>,
    metadata: Mutex<Option<(std::time::Instant, CoreProviderMetadata)>>,
    http: openidconnect::reqwest::Client,
}

impl OidcRuntime {
    pub fn new(cfg: Option<OidcConfig>) -> OidcRuntime {
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        OidcRuntime {
            cfg,
            metadata: Mutex::new(None),
            http,
        }
    }

    async fn metadata(&self) -> anyhow::Result<(CoreProviderMetadata, OidcConfig)> {
        let cfg = self
            .cfg
            .clone()
            .ok_or_else(|| anyhow::anyhow!("OIDC is not configured"))?;
        let mut guard = self.metadata.lock().await;
        if let Some((at, m)) = guard.as_ref() {
            if at.elapsed() < OIDC_METADATA_TTL {
                return Ok((m.clone(), cfg));
            }
        }
        let issuer = IssuerUrl::new(cfg.issuer.clone())?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| anyhow::anyhow!("discovery: {e}"))?;
        *guard = Some((std::time::Instant::now(), m.clone()));
        Ok((m, cfg))
    }

    async fn forget(&self) {
        *self.metadata.lock().await = None;
    }

    async fn client(&self, state: &AppState) -> anyhow::Result<OidcClient> {
        let (metadata, cfg) = self.metadata().await?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(cfg.client_id),
            Some(ClientSecret::new(cfg.client_secret)),
        )
        .set_redirect_uri(redirect_url(state)?))
    }
}

type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Serialize, Deserialize)]
struct PendingOidc {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
}

#[derive(Deserialize)]
pub struct OidcStartForm {
    csrf: String,
    next: Option<String>,
}

fn redirect_url(state: &AppState) -> anyhow::Result<RedirectUrl> {
    Ok(RedirectUrl::new(format!(
        "{}/auth/oidc/callback",
        state.cfg.base_url.trim_end_matches('/')
    ))?)
}

pub async fn oidc_start(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    session: Session,
    Form(f): Form<OidcStartForm>,
) -> Result<Response, AppError> {
    verify_csrf(&session, &f.csrf).await?;
    let next = safe_next(f.next.as_deref());
    let built = async {
        let client = state.oidc.client(&state).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, csrf_state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        anyhow::Ok((
            url,
            PendingOidc {
                state: csrf_state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                next: next.clone(),
            },
        ))
    }
    .await;
    match built {
        Ok((url, pending)) => {
            session.insert(OIDC_KEY, pending).await?;
            Ok(Redirect::to(url.as_str()).into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "OIDC start failed");
            login_page(
                &state,
                &session,
                lang,
                Some("login.oidc_failed"),
                next,
                String::new(),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct OidcCallback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

enum OidcOutcome {
    SignedIn(i64, String),
    Unknown,
}

pub async fn oidc_callback(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    session: Session,
    Query(q): Query<OidcCallback>,
) -> Result<Response, AppError> {
    let pending: Option<PendingOidc> = session.remove(OIDC_KEY).await?;
    let outcome = async {
        let pending = pending.ok_or_else(|| anyhow::anyhow!("no sign-in in progress"))?;
        if let Some(err) = q.error {
            anyhow::bail!("provider said {err}");
        }
        let (Some(code), Some(st)) = (q.code, q.state) else {
            anyhow::bail!("code or state missing")
        };
        anyhow::ensure!(
            constant_time_eq(st.as_bytes(), pending.state.as_bytes()),
            "state mismatch"
        );
        let client = state.oidc.client(&state).await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&state.oidc.http)
            .await
            .map_err(|e| anyhow::anyhow!("token exchange: {e}"))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| anyhow::anyhow!("no id token"))?;
        let claims = id_token.claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))?;
        let subject = claims.subject().as_str().to_owned();
        // Only an address the provider vouches for may bind an account; a missing
        // email_verified is not a yes (Entra ID sends none: bind its subject with `user create`).
        let mut email = claims
            .email()
            .filter(|_| claims.email_verified() == Some(true))
            .map(|e| e.as_str().to_owned());
        if email.is_none() {
            // Many providers put the e-mail only in the userinfo answer.
            let info: CoreUserInfoClaims = client
                .user_info(token.access_token().clone(), Some(claims.subject().clone()))?
                .request_async(&state.oidc.http)
                .await
                .map_err(|e| anyhow::anyhow!("userinfo: {e}"))?;
            email = info
                .email()
                .filter(|_| info.email_verified() == Some(true))
                .map(|e| e.as_str().to_owned());
        }
        let user = state
            .store
            .user_for_oidc(&subject, email.as_deref())
            .await?;
        anyhow::Ok(match user {
            Some(u) => OidcOutcome::SignedIn(u.id, pending.next),
            None => OidcOutcome::Unknown,
        })
    }
    .await;
    match outcome {
        Ok(OidcOutcome::SignedIn(user_id, next)) => {
            start_session(&session, user_id).await?;
            tracing::info!(user_id, method = "oidc", "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        Ok(OidcOutcome::Unknown) => {
            tracing::info!("OIDC sign-in by an account without a Talentflyt user");
            login_page(
                &state,
                &session,
                lang,
                Some("login.oidc_unknown"),
                "/admin".into(),
                String::new(),
            )
            .await
        }
        Err(e) => {
            tracing::warn!(error = %e, "OIDC callback failed");
            state.oidc.forget().await;
            login_page(
                &state,
                &session,
                lang,
                Some("login.oidc_failed"),
                "/admin".into(),
                String::new(),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_found_behind_trusted_proxies_only() {
        let req = axum::http::Request::builder()
            .header("x-forwarded-for", "203.0.113.9, 10.0.0.2")
            .body(())
            .unwrap();
        let (mut parts, _) = req.into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 443))));
        assert_eq!(
            client_ip(&parts, 0),
            "10.0.0.1",
            "no proxies trusted: the peer, whatever the header says"
        );
        assert_eq!(client_ip(&parts, 1), "10.0.0.2");
        assert_eq!(client_ip(&parts, 2), "203.0.113.9");
        assert_eq!(
            client_ip(&parts, 3),
            "10.0.0.1",
            "fewer hops than proxies: the peer"
        );
    }

    #[test]
    fn password_hashes_verify() {
        let h = hash_password("et-langt-passord").unwrap();
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(Argon2::default()
            .verify_password(b"et-langt-passord", &parsed)
            .is_ok());
        assert!(Argon2::default().verify_password(b"feil", &parsed).is_err());
    }
}
