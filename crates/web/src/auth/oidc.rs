//! Staff sign-in by OpenID Connect (e.g. Entra ID): discovery, authorization code with PKCE,
//! nonce and state; users must exist beforehand.

use super::login_page;
use crate::error::AppError;
use crate::extract::staff::start_session;
use crate::extract::{safe_next, ClientIp, Csrf, FormToken, ReqLang};
use crate::AppState;
use axum::extract::{Query, State};
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
use subtle::ConstantTimeEq;
use tokio::sync::Mutex;
use tower_sessions::Session;

const OIDC_KEY: &str = "oidc_pending";

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
    ClientIp(ip): ClientIp,
    session: Session,
    FormToken(token): FormToken,
    Csrf(Form(f)): Csrf<Form<OidcStartForm>>,
) -> Result<Response, AppError> {
    // Starting a sign-in stores its state in a new session row: limited per address.
    state.limits.check(&state.limits.oidc_per_ip, &ip)?;
    let next = safe_next(f.next.as_deref(), "/admin");
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
                lang,
                &token,
                Some("login.oidc_failed"),
                next,
                String::new(),
            )
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
    ClientIp(ip): ClientIp,
    session: Session,
    FormToken(token): FormToken,
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
            bool::from(st.as_bytes().ct_eq(pending.state.as_bytes())),
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
            super::audit_sign_in(&state, &ip, super::SignIn::Ok(user_id), "oidc").await?;
            tracing::info!(user_id, method = "oidc", "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        Ok(OidcOutcome::Unknown) => {
            tracing::info!("OIDC sign-in by an account without a Talentflyt user");
            login_page(
                &state,
                lang,
                &token,
                Some("login.oidc_unknown"),
                "/admin".into(),
                String::new(),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "OIDC callback failed");
            state.oidc.forget().await;
            login_page(
                &state,
                lang,
                &token,
                Some("login.oidc_failed"),
                "/admin".into(),
                String::new(),
            )
        }
    }
}
