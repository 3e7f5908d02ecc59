//! CSRF protection without server state: a signed double-submit token.
//!
//! Each browser gets a random nonce in the `tf_csrf` cookie the first time a page with a form is
//! rendered for it (no database row: anonymous visitors opening the application form cost
//! nothing). A form's token is `expiry.hmac(key, nonce | user | expiry)`, where `user` is the
//! signed-in staff member's id (0 when anonymous), so a token taken from one browser or one
//! account is worthless in another. Keys come from configuration (`TALENTFLYT_SECRET_KEYS`, the
//! first signs, all verify, so keys can be rotated) or, when none are set, from a random key kept
//! in the database and shared by every instance.
//!
//! A POST handler cannot forget the check: it takes [`Csrf<Form<T>>`] or [`Csrf<Multipart>`],
//! which refuse the request before the handler runs. `tests/app/csrf.rs` walks every route of the
//! router and fails if a state-changing one answers without a valid token.

use crate::error::AppError;
use crate::extract::staff::USER_KEY;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::{header, request::Parts, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Form;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use tower_sessions::Session;

pub const NONCE_COOKIE: &str = "tf_csrf";
/// Over HTTPS the cookie is `__Host-` prefixed: browsers then refuse it from a sibling subdomain
/// (cookie tossing) and insist on Secure, Path=/ and no Domain.
pub const NONCE_COOKIE_SECURE: &str = "__Host-tf_csrf";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        NONCE_COOKIE_SECURE
    } else {
        NONCE_COOKIE
    }
}
/// How long a rendered form may wait before it is sent (a long application takes a while).
const TOKEN_LIFETIME_SECS: i64 = 24 * 3600;
/// The longest token we read; anything longer is refused unread.
const MAX_TOKEN_LEN: usize = 128;

type HmacSha256 = Hmac<Sha256>;

/// The signing keys: the first signs new tokens, every one verifies (rotation).
#[derive(Clone)]
pub struct CsrfKeys(Vec<Vec<u8>>);

impl CsrfKeys {
    pub fn new(keys: Vec<Vec<u8>>) -> CsrfKeys {
        assert!(!keys.is_empty(), "at least one CSRF key");
        CsrfKeys(keys)
    }

    fn mac(key: &[u8], nonce: &str, user: i64, expiry: i64) -> HmacSha256 {
        let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
        m.update(b"talentflyt-csrf-v1|");
        m.update(nonce.as_bytes());
        m.update(format!("|{user}|{expiry}").as_bytes());
        m
    }

    /// A token for this browser (`nonce`) and person (`user`, 0 when anonymous).
    pub fn issue(&self, nonce: &str, user: i64, now: i64) -> String {
        let expiry = now + TOKEN_LIFETIME_SECS;
        let sig = Self::mac(&self.0[0], nonce, user, expiry).finalize();
        format!("{expiry}.{}", hex::encode(sig.into_bytes()))
    }

    /// Whether `token` was issued by one of our keys for this browser and person, and is unexpired.
    /// The signature is compared in constant time.
    pub fn verify(&self, token: &str, nonce: &str, user: i64, now: i64) -> bool {
        if token.len() > MAX_TOKEN_LEN || nonce.is_empty() {
            return false;
        }
        let Some((expiry, sig)) = token.split_once('.') else {
            return false;
        };
        let (Ok(expiry), Ok(sig)) = (expiry.parse::<i64>(), hex::decode(sig)) else {
            return false;
        };
        if expiry < now || expiry > now + TOKEN_LIFETIME_SECS {
            return false;
        }
        self.0
            .iter()
            .any(|k| Self::mac(k, nonce, user, expiry).verify_slice(&sig).is_ok())
    }
}

/// This browser's nonce: the one its cookie carries, or one made now (and set as a cookie on the
/// response) when a form is rendered for a browser that has none.
#[derive(Clone)]
pub struct CsrfNonce {
    existing: Option<String>,
    minted: Arc<OnceLock<String>>,
}

impl CsrfNonce {
    fn get(&self) -> &str {
        match &self.existing {
            Some(n) => n,
            None => self
                .minted
                .get_or_init(|| hex::encode(rand::random::<[u8; 16]>())),
        }
    }
}

fn nonce_from_cookie(parts: &axum::http::HeaderMap, name: &str) -> Option<String> {
    super::cookies(parts, name)
        .find(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// Middleware: give handlers the browser's nonce, and set the cookie when one was made.
pub async fn nonce_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = CsrfNonce {
        existing: nonce_from_cookie(req.headers(), cookie_name(state.cfg.cookie_secure)),
        minted: Arc::new(OnceLock::new()),
    };
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    if let Some(n) = nonce.minted.get() {
        let secure = if state.cfg.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{}={n}; Path=/; HttpOnly; SameSite=Lax{secure}",
            cookie_name(state.cfg.cookie_secure)
        )) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn nonce(parts: &Parts) -> CsrfNonce {
    parts
        .extensions
        .get::<CsrfNonce>()
        .cloned()
        .unwrap_or(CsrfNonce {
            existing: None,
            minted: Arc::new(OnceLock::new()),
        })
}

/// The signed-in user's id from the session, 0 when anonymous. A request without a session
/// cookie does not touch the database.
async fn session_user(parts: &mut Parts, state: &AppState) -> Result<i64, AppError> {
    let Ok(session) = Session::from_request_parts(parts, state).await else {
        return Ok(0);
    };
    Ok(session.get::<i64>(USER_KEY).await?.unwrap_or(0))
}

/// A token for the form on the page being rendered.
pub struct FormToken(pub String);

impl FromRequestParts<AppState> for FormToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = session_user(parts, state).await?;
        Ok(FormToken(token_for(parts, state, user)))
    }
}

/// A token for this request's browser and the given user (used by [`super::Staff`]).
pub fn token_for(parts: &Parts, state: &AppState, user: i64) -> String {
    state
        .csrf
        .issue(nonce(parts).get(), user, talentflyt_store::now())
}

async fn check(parts: &mut Parts, state: &AppState, token: &str) -> Result<(), AppError> {
    let Some(n) = nonce(parts).existing else {
        return Err(AppError::FormExpired);
    };
    let user = session_user(parts, state).await?;
    if state.csrf.verify(token, &n, user, talentflyt_store::now()) {
        Ok(())
    } else {
        Err(AppError::FormExpired)
    }
}

/// A state-changing request whose CSRF token has been checked before the handler runs.
pub struct Csrf<T>(pub T);

impl<T> FromRequest<AppState> for Csrf<Form<T>>
where
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        check(&mut parts, state, token).await?;
        let value = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        Ok(Csrf(Form(value)))
    }
}

/// Multipart forms carry the token as their first field, `csrf`, so it is checked before any
/// upload is read.
impl FromRequest<AppState> for Csrf<Multipart> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        // Not a multipart form at all: it cannot carry a token either.
        let mut mp = Multipart::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|_| AppError::FormExpired)?;
        let mut token = Vec::new();
        match mp.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("csrf") => {
                while let Ok(Some(chunk)) = field.chunk().await {
                    token.extend_from_slice(&chunk);
                    if token.len() > MAX_TOKEN_LEN {
                        return Err(AppError::FormExpired);
                    }
                }
            }
            _ => return Err(AppError::FormExpired),
        }
        check(&mut parts, state, &String::from_utf8_lossy(&token)).await?;
        Ok(Csrf(mp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_browser_person_and_time_and_survive_key_rotation() {
        let old = CsrfKeys::new(vec![b"old-key".to_vec()]);
        let rotated = CsrfKeys::new(vec![b"new-key".to_vec(), b"old-key".to_vec()]);
        let t = old.issue("aaaa", 0, 1000);
        assert!(old.verify(&t, "aaaa", 0, 1000));
        assert!(
            rotated.verify(&t, "aaaa", 0, 2000),
            "old key still verifies"
        );
        assert!(!old.verify(&t, "bbbb", 0, 1000), "another browser");
        assert!(!old.verify(&t, "aaaa", 7, 1000), "another person");
        assert!(
            !old.verify(&t, "aaaa", 0, 1000 + TOKEN_LIFETIME_SECS + 1),
            "expired"
        );
        let forged = t.replacen(|c: char| c.is_ascii_digit(), "9", 1);
        assert!(!old.verify(&forged, "aaaa", 0, 1000), "changed expiry");
        let other = CsrfKeys::new(vec![b"other".to_vec()]);
        assert!(!other.verify(&t, "aaaa", 0, 1000), "unknown key");
        assert!(!old.verify("", "aaaa", 0, 1000));
        assert!(!old.verify(&"9".repeat(500), "aaaa", 0, 1000));
    }
}
