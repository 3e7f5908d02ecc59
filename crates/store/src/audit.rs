//! The audit trail: who read or changed which personal record, when, and from where.
//! Append-only: the database refuses UPDATE and DELETE on `audit_log` (a trigger in each backend).

use crate::{now, Result, Store};
use sqlx::{AnyConnection, FromRow};

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Candidate(i64),
    System,
}

impl Actor {
    fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Actor::User(id) => ("user", Some(id)),
            Actor::Candidate(id) => ("candidate", Some(id)),
            Actor::System => ("system", None),
        }
    }
}

/// One audited event. `detail` never holds personal data: ids and names of fields only.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: Actor,
    /// `read`, `create`, `update`, `download`, …
    pub action: &'a str,
    /// `application`, `candidate`, `document`, …
    pub subject_kind: &'a str,
    pub subject_id: i64,
    pub ip: &'a str,
    pub detail: &'a str,
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: i64,
    pub ip: String,
    pub detail: String,
}

pub(crate) async fn insert_audit(conn: &mut AnyConnection, e: &AuditEvent<'_>) -> Result<()> {
    let (kind, id) = e.actor.parts();
    sqlx::query("INSERT INTO audit_log (at, actor_kind, actor_id, action, subject_kind, subject_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(now())
        .bind(kind)
        .bind(id)
        .bind(e.action)
        .bind(e.subject_kind)
        .bind(e.subject_id)
        .bind(e.ip)
        .bind(e.detail)
        .execute(conn)
        .await?;
    Ok(())
}

impl Store {
    pub async fn audit(&self, e: AuditEvent<'_>) -> Result<()> {
        let mut conn = self.w().acquire().await?;
        insert_audit(&mut conn, &e).await
    }

    /// Several events at once, all or none (e.g. every application on a list that was read).
    pub async fn audit_many(&self, events: &[AuditEvent<'_>]) -> Result<()> {
        let mut tx = self.w().begin().await?;
        for e in events {
            insert_audit(&mut tx, e).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The trail of one record, oldest first.
    pub async fn audit_trail(
        &self,
        subject_kind: &str,
        subject_id: i64,
    ) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip, detail FROM audit_log WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id",
        )
        .bind(subject_kind)
        .bind(subject_id)
        .fetch_all(self.r())
        .await?)
    }
}
