//! The signed-in staff member, with their access rights, and the session rules: a session ends
//! after `TALENTFLYT_SESSION_IDLE_MINUTES` without activity and, whatever the user does,
//! `TALENTFLYT_SESSION_MAX_HOURS` after sign-in.

use crate::error::AppError;
use crate::view::PageCtx;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::org::Access;
use talentflyt_store::User;
use tower_sessions::Session;

pub const USER_KEY: &str = "user_id";
/// When the person signed in (Unix seconds): the absolute limit counts from here.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// When the session was last renewed (Unix seconds): the idle clock restarts here.
pub const SEEN_AT_KEY: &str = "seen_at";

/// A signed-in staff member. Pages that take this send everyone else to the sign-in page.
pub struct Staff {
    pub user: User,
    pub access: Access,
    pub session: Session,
    /// The CSRF token for forms on this staff member's pages.
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

/// Begin a signed-in session: a new session id (no fixation) and the clocks.
pub async fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    let now = talentflyt_store::now();
    session.insert(USER_KEY, user_id).await?;
    session.insert(SIGNED_IN_AT_KEY, now).await?;
    session.insert(SEEN_AT_KEY, now).await?;
    Ok(())
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
        let fail = |e: AppError| e.into_response();
        let Some(user_id) = session
            .get::<i64>(USER_KEY)
            .await
            .map_err(|e| fail(e.into()))?
        else {
            return Err(to_login());
        };
        let now = talentflyt_store::now();
        let signed_in_at = session
            .get::<i64>(SIGNED_IN_AT_KEY)
            .await
            .map_err(|e| fail(e.into()))?
            .unwrap_or(0);
        if now - signed_in_at >= state.cfg.session_max.as_secs() as i64 {
            // The absolute limit: sign in again, however active the session has been.
            let _ = session.flush().await;
            tracing::info!(user_id, "session ended: absolute limit");
            return Err(to_login());
        }
        // Renew the idle clock on activity: the session is saved with a new expiry when it was
        // last renewed more than a tenth of the idle limit ago (at most once a minute), so an
        // active person stays signed in without a database write on every request.
        let seen_at = session
            .get::<i64>(SEEN_AT_KEY)
            .await
            .map_err(|e| fail(e.into()))?
            .unwrap_or(0);
        let renew_after = (state.cfg.session_idle.as_secs() as i64 / 10).clamp(1, 60);
        if now - seen_at >= renew_after {
            session
                .insert(SEEN_AT_KEY, now)
                .await
                .map_err(|e| fail(e.into()))?;
        }
        let Some((user, access)) = state
            .store
            .active_user_with_access(user_id)
            .await
            .map_err(|e| fail(e.into()))?
        else {
            // Removed or deactivated since signing in.
            let _ = session.flush().await;
            return Err(to_login());
        };
        let csrf = crate::extract::csrf::token_for(parts, state, user.id);
        Ok(Staff {
            user,
            access,
            session,
            csrf,
        })
    }
}
