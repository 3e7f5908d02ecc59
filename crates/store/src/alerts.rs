//! Job alerts: sign-up with double opt-in, consent that runs out, one-click unsubscribe, and
//! which ads each alert has told of. The sending job is `jobs::alerts`.

use crate::jobs::OutgoingEmail;
use crate::{now, Actor, AuditAction, AuditEvent, Backend, Result, Store, SubjectKind};
use sqlx::FromRow;
use talentflyt_domain::alert::{Criteria, Frequency, SignUp};

/// One alert as stored.
#[derive(Debug, Clone, FromRow)]
pub struct Alert {
    pub id: i64,
    pub token: String,
    pub email: String,
    pub lang: String,
    #[sqlx(try_from = "String")]
    pub frequency: Frequency,
    pub professions: String,
    pub clinics: String,
    pub places: String,
    pub target_groups: String,
    /// `pending` until confirmed, then `active`.
    pub status: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    /// The last day of consent (`YYYY-MM-DD`), once confirmed.
    pub consent_until: Option<String>,
    pub renewal_sent_at: Option<i64>,
    pub last_sent_at: Option<i64>,
}

impl Alert {
    pub fn criteria(&self) -> Criteria {
        Criteria::from_stored(
            &self.professions,
            &self.clinics,
            &self.places,
            &self.target_groups,
        )
    }
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

const ALERT_COLS: &str = "id, token, email, lang, frequency, professions, clinics, places, target_groups, status, created_at, confirmed_at, consent_until, renewal_sent_at, last_sent_at";

/// The condition that a posting (`p`) is on the career site on the day bound as `day` (`$n`),
/// as `Store::open_postings` reads them.
fn open_on(day: &str) -> String {
    format!(
        "p.status = 'published' AND p.deadline >= {day}
         AND (p.publish_on IS NULL OR p.publish_on <= {day})
         AND (p.internal_until IS NULL OR p.internal_until < {day})"
    )
}

/// How many sign-ups one address may start in an hour (each sends a confirmation e-mail).
pub const SIGN_UPS_PER_ADDRESS_HOUR: i64 = 3;

/// Why a sign-up was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpRefused {
    /// The address has started too many sign-ups this hour.
    TooMany,
}

fn event<'a>(action: AuditAction, id: i64, ip: &'a str, detail: &'static str) -> AuditEvent<'a> {
    AuditEvent {
        actor: Actor::System,
        action,
        subject_kind: SubjectKind::JobAlert,
        subject_id: id,
        ip,
        detail,
    }
}

impl Store {
    /// Store a pending alert and queue its confirmation e-mail (made by `confirmation` from the
    /// token), all or nothing. Refused when the address has started
    /// [`SIGN_UPS_PER_ADDRESS_HOUR`] sign-ups within the hour: counted in the same transaction
    /// as the insert, which the single writer (SQLite) or the address's lock row (PostgreSQL)
    /// keeps to one at a time per address.
    pub async fn sign_up_alert(
        &self,
        s: &SignUp,
        lang: &str,
        ip: &str,
        confirmation: impl FnOnce(&str) -> std::result::Result<OutgoingEmail, String>,
    ) -> Result<std::result::Result<i64, SignUpRefused>> {
        let email = s.email.as_str().to_lowercase();
        let token = hex::encode(rand::random::<[u8; 24]>());
        let t = now();
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            // Sign-ups of one address wait for each other (SQLite has one writer anyway).
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("alert-sign-up:{email}"))
                .execute(tx.conn())
                .await?;
        }
        let recent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM alert_subscriptions WHERE email = $1 AND created_at > $2",
        )
        .bind(&email)
        .bind(t - 3600)
        .fetch_one(tx.conn())
        .await?;
        if recent >= SIGN_UPS_PER_ADDRESS_HOUR {
            return Ok(Err(SignUpRefused::TooMany));
        }
        let [professions, clinics, places, targets] = s.criteria.joined();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alert_subscriptions (token, email, lang, frequency, professions, clinics, places, target_groups, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id",
        )
        .bind(&token)
        .bind(&email)
        .bind(lang)
        .bind(s.frequency.as_str())
        .bind(professions)
        .bind(clinics)
        .bind(places)
        .bind(targets)
        .bind(t)
        .fetch_one(tx.conn())
        .await?;
        let mail =
            confirmation(&token).map_err(|e| crate::StoreError::Other(format!("e-mail: {e}")))?;
        tx.enqueue_email(&mail).await?;
        tx.audit(&[event(AuditAction::Create, id, ip, "signed up")])
            .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The alert this token opens, if any.
    pub async fn alert_by_token(&self, token: &str) -> Result<Option<Alert>> {
        if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(sqlx::query_as(&format!(
            "SELECT {ALERT_COLS} FROM alert_subscriptions WHERE token = $1"
        ))
        .bind(token)
        .fetch_optional(self.r())
        .await?)
    }

    /// Confirm (or renew) the alert: it is active, with consent until `until` (`YYYY-MM-DD`).
    /// Ads published before the first confirmation are noted as sent, so they never are.
    pub async fn confirm_alert(&self, id: i64, until: &str, today: &str, ip: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let was: Option<String> =
            sqlx::query_scalar("SELECT status FROM alert_subscriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?;
        let Some(was) = was else {
            return Err(crate::StoreError::NotFound);
        };
        sqlx::query(
            "UPDATE alert_subscriptions SET status = 'active', consent_until = $2, renewal_sent_at = NULL,
               confirmed_at = COALESCE(confirmed_at, $3) WHERE id = $1",
        )
        .bind(id)
        .bind(until)
        .bind(now())
        .execute(tx.conn())
        .await?;
        if was != "active" {
            // Ads already out when the person confirmed are not news: only ads that open from
            // now on are sent (one approved for a later day, or in its internal period, is news
            // when it opens).
            sqlx::query(&format!(
                "INSERT INTO alert_sent (subscription_id, posting_id, sent_at)
                 SELECT $1, p.id, $2 FROM postings p WHERE {}
                 ON CONFLICT DO NOTHING",
                open_on("$3")
            ))
            .bind(id)
            .bind(now())
            .bind(today)
            .execute(tx.conn())
            .await?;
        }
        let detail = if was == "active" {
            "renewed"
        } else {
            "confirmed"
        };
        tx.audit(&[event(AuditAction::Update, id, ip, detail)])
            .await?;
        tx.commit().await
    }

    /// Delete the alert and what it has sent (unsubscribe, or consent run out). Returns whether
    /// there was one.
    pub async fn delete_alert(&self, id: i64, ip: &str, why: &'static str) -> Result<bool> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM alert_sent WHERE subscription_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        let gone = sqlx::query("DELETE FROM alert_subscriptions WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected()
            > 0;
        if gone {
            tx.audit(&[event(AuditAction::Delete, id, ip, why)]).await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// Every confirmed alert.
    pub async fn active_alerts(&self) -> Result<Vec<Alert>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ALERT_COLS} FROM alert_subscriptions WHERE status = 'active' ORDER BY id"
        ))
        .fetch_all(self.r())
        .await?)
    }

    /// Which ads each alert has told of, for the ads still published: (alert, posting) pairs.
    pub async fn alert_sent_pairs(&self) -> Result<std::collections::HashSet<(i64, i64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT s.subscription_id, s.posting_id FROM alert_sent s
             JOIN postings p ON p.id = s.posting_id WHERE p.status = 'published'",
        )
        .fetch_all(self.r())
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Note that the alert has told of these ads and queue the e-mail that does, all or nothing.
    pub async fn record_alert_sent(
        &self,
        id: i64,
        postings: &[i64],
        email: &OutgoingEmail,
    ) -> Result<()> {
        let t = now();
        let mut tx = self.begin().await?;
        for p in postings {
            sqlx::query(
                "INSERT INTO alert_sent (subscription_id, posting_id, sent_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(p)
            .bind(t)
            .execute(tx.conn())
            .await?;
        }
        sqlx::query("UPDATE alert_subscriptions SET last_sent_at = $2 WHERE id = $1")
            .bind(id)
            .bind(t)
            .execute(tx.conn())
            .await?;
        tx.enqueue_email(email).await?;
        tx.commit().await
    }

    /// Note that the renewal e-mail went, and queue it.
    pub async fn record_alert_renewal(&self, id: i64, email: &OutgoingEmail) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE alert_subscriptions SET renewal_sent_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now())
            .execute(tx.conn())
            .await?;
        tx.enqueue_email(email).await?;
        tx.commit().await
    }

    /// Delete sign-ups never confirmed within `max_age_secs`.
    pub async fn prune_pending_alerts(&self, max_age_secs: i64) -> Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM alert_subscriptions WHERE status = 'pending' AND created_at < $1",
        )
        .bind(now() - max_age_secs)
        .execute(self.w())
        .await?
        .rows_affected())
    }

    /// Note every published ad as sent to every alert (for a pool made in bulk, as the demo
    /// makes it: only ads published afterwards are news).
    pub async fn mark_open_ads_sent_to_every_alert(&self, today: &str) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO alert_sent (subscription_id, posting_id, sent_at)
             SELECT s.id, p.id, $2 FROM alert_subscriptions s, postings p WHERE {}
             ON CONFLICT DO NOTHING",
            open_on("$1")
        ))
        .bind(today)
        .bind(now())
        .execute(self.w())
        .await?;
        Ok(())
    }
}
