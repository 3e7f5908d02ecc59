//! Sign-in throttling, counted atomically in the database (so it holds across instances and
//! against parallel bursts), and the server's own signing keys.

use crate::{now, Result, Store};
use talentflyt_domain::security::{
    LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_WINDOW,
};

/// Whether a sign-in attempt may go on to check the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReservation {
    Allowed,
    Locked,
}

fn user_key(username: &str) -> String {
    format!("user:{}", username.to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

impl Store {
    /// Count one more attempt for `key` in the current window, atomically, and return the count
    /// including this one. A window starts at the first attempt after the last one ended.
    async fn bump(&self, key: &str) -> Result<i64> {
        let t = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO login_throttle (key, window_start, failures) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.failures + 1 END,
               window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END
             RETURNING failures",
        )
        .bind(key)
        .bind(t)
        .bind(t - LOGIN_WINDOW.as_secs() as i64)
        .fetch_one(self.w())
        .await?)
    }

    /// Reserve a sign-in attempt for this user name and address before the password is checked.
    /// The attempt counts as a failure until [`Store::release_login_attempt`] says it succeeded,
    /// so parallel guesses cannot all slip under the limit: the sixth within the window is locked.
    pub async fn reserve_login_attempt(
        &self,
        username: &str,
        ip: &str,
    ) -> Result<LoginReservation> {
        let by_user = self.bump(&user_key(username)).await?;
        let by_ip = self.bump(&ip_key(ip)).await?;
        Ok(
            if by_user > LOGIN_MAX_FAILURES || by_ip > LOGIN_MAX_FAILURES_PER_ADDRESS {
                LoginReservation::Locked
            } else {
                LoginReservation::Allowed
            },
        )
    }

    /// The reserved attempt succeeded: it no longer counts as a failure.
    pub async fn release_login_attempt(&self, username: &str, ip: &str) -> Result<()> {
        for key in [user_key(username), ip_key(ip)] {
            sqlx::query(
                "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
            )
            .bind(key)
            .execute(self.w())
            .await?;
        }
        Ok(())
    }

    /// Forget windows that have ended; run periodically.
    pub async fn prune_login_throttle(&self) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM login_throttle WHERE window_start <= $1")
                .bind(now() - LOGIN_WINDOW.as_secs() as i64)
                .execute(self.w())
                .await?
                .rows_affected(),
        )
    }

    /// The server's secret for `purpose`, made (32 random bytes, hex) on first use and shared by
    /// every instance on this database. Two instances starting at once agree on the first one
    /// written.
    pub async fn server_key(&self, purpose: &str) -> Result<Vec<u8>> {
        let fresh = hex::encode(rand::random::<[u8; 32]>());
        sqlx::query(
            "INSERT INTO server_keys (purpose, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (purpose) DO NOTHING",
        )
        .bind(purpose)
        .bind(&fresh)
        .bind(now())
        .execute(self.w())
        .await?;
        let secret: String =
            sqlx::query_scalar("SELECT secret FROM server_keys WHERE purpose = $1")
                .bind(purpose)
                .fetch_one(self.w())
                .await?;
        hex::decode(secret).map_err(|e| crate::StoreError::Other(format!("server key: {e}")))
    }

    /// Note that something on the public site changed (a posting was published, changed or
    /// closed): every instance drops its cached pages when it next reads the counter.
    pub async fn bump_public_version(&self) -> Result<()> {
        sqlx::query("UPDATE site_changes SET public_version = public_version + 1 WHERE id = 1")
            .execute(self.w())
            .await?;
        Ok(())
    }

    /// The public site's change counter.
    pub async fn public_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT public_version FROM site_changes WHERE id = 1")
                .fetch_one(self.r())
                .await?,
        )
    }
}
