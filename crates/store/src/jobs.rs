//! The durable job queue and the e-mail outbox.
//!
//! A job is taken by one worker at a time: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, on SQLite
//! because every write goes through the single writer connection. A taken job holds a lease; if its
//! worker dies, the lease runs out and another worker takes it. Failures retry with backoff.

use crate::{now, Backend, Result, Store, StoreError, Tx};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, FromRow};
use talentflyt_domain::security::job_backoff;

/// A rendered e-mail waiting in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Which template made it (for the operator; no personal data).
    pub template: String,
    /// The one-click unsubscribe address (RFC 8058) for mail the reader asked for.
    #[serde(default)]
    pub list_unsubscribe: Option<String>,
    /// An iCalendar object to send with it (see `talentflyt_domain::ical`).
    #[serde(default)]
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub template: String,
    pub status: String,
    pub list_unsubscribe: Option<String>,
    pub created_at: i64,
    pub calendar: Option<String>,
}

/// What a job does, with what it needs. Stored as JSON in `jobs.payload`, tagged by `kind`; the
/// kind is also in its own column, for operators and their queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    /// Deliver this outbox message.
    SendEmail { outbox_id: i64 },
    /// Close the published postings whose deadline day is over.
    ClosePostings,
    /// Bring NAV arbeidsplassen up to date: send open ads that changed, stop those no longer open.
    SyncNav,
    /// Send job alerts that are due, ask for renewals and delete alerts whose consent ran out.
    SendAlerts,
    /// Remind staff of candidates who have waited longer than their posting's answer time.
    RemindWaiting,
    /// Read the text of documents not read yet, for search and the redacted view.
    IndexDocuments,
    /// Bring a candidate's calendar up to date with their interview: the invitation, a change
    /// or the cancellation.
    InterviewCalendar { application_id: i64 },
    /// Remind candidates of interviews due within a day.
    RemindInterviews,
    /// Produce the public applicant lists that are due, and name refused applicants whose day
    /// to answer has passed.
    ApplicantLists,
    /// Invite candidates given a final answer to the experience survey.
    CandidateSurveys,
}

impl JobKind {
    /// The tag, as in `jobs.kind`.
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::SendEmail { .. } => "send_email",
            JobKind::ClosePostings => "close_postings",
            JobKind::SyncNav => "sync_nav",
            JobKind::SendAlerts => "send_alerts",
            JobKind::RemindWaiting => "remind_waiting",
            JobKind::IndexDocuments => "index_documents",
            JobKind::InterviewCalendar { .. } => "interview_calendar",
            JobKind::RemindInterviews => "remind_interviews",
            JobKind::ApplicantLists => "applicant_lists",
            JobKind::CandidateSurveys => "candidate_surveys",
        }
    }
}

/// A job taken from the queue.
#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: i64,
    /// The tag as stored (also for a kind this build does not know).
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

impl Job {
    /// What to do: the payload read as a [`JobKind`]. Fails for a kind this build does not know
    /// or a payload that does not fit its kind.
    pub fn work(&self) -> Result<JobKind, serde_json::Error> {
        let mut v: serde_json::Value = serde_json::from_str(&self.payload)?;
        // The column is the authority on the kind (rows written before the payload carried it).
        if let Some(o) = v.as_object_mut() {
            o.insert("kind".into(), self.kind.clone().into());
        }
        serde_json::from_value(v)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Will run again at this time (Unix seconds).
    Retry(i64),
    /// Out of attempts.
    Failed,
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct QueueCounts {
    pub queued: i64,
    pub running: i64,
    pub failed: i64,
    pub done: i64,
}

const EMAIL_ATTEMPTS: i64 = 8;

pub(crate) async fn insert_job(
    conn: &mut AnyConnection,
    job: &JobKind,
    run_at: i64,
    max_attempts: i64,
) -> Result<i64> {
    let payload =
        serde_json::to_string(job).map_err(|e| StoreError::Other(format!("job payload: {e}")))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at) VALUES ($1, $2, 'queued', 0, $3, $4, $5) RETURNING id",
    )
    .bind(job.name())
    .bind(payload)
    .bind(max_attempts)
    .bind(run_at)
    .bind(now())
    .fetch_one(conn)
    .await?)
}

impl Tx {
    /// Put an e-mail in the outbox and a job to deliver it. Returns the outbox id.
    pub(crate) async fn enqueue_email(&mut self, m: &OutgoingEmail) -> Result<i64> {
        let t = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (to_addr, subject, body_text, body_html, template, status, created_at, list_unsubscribe, calendar) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) RETURNING id",
        )
        .bind(&m.to)
        .bind(&m.subject)
        .bind(&m.text)
        .bind(&m.html)
        .bind(&m.template)
        .bind(t)
        .bind(&m.list_unsubscribe)
        .bind(&m.calendar)
        .fetch_one(self.conn())
        .await?;
        insert_job(
            self.conn(),
            &JobKind::SendEmail { outbox_id: id },
            t,
            EMAIL_ATTEMPTS,
        )
        .await?;
        Ok(id)
    }
}

impl Store {
    /// Queue `job` to run from `run_at` (Unix seconds), trying at most `max_attempts` times.
    pub async fn enqueue_job(&self, job: &JobKind, run_at: i64, max_attempts: i64) -> Result<i64> {
        let mut conn = self.w().acquire().await?;
        insert_job(&mut conn, job, run_at, max_attempts).await
    }

    pub async fn enqueue_email(&self, m: &OutgoingEmail) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue_email(m).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Take the next due job for `worker`, holding it for `lease_secs`. A job whose lease ran out
    /// (its worker died) is due again.
    pub async fn claim_job(&self, worker: &str, lease_secs: i64) -> Result<Option<Job>> {
        let t = now();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, locked_by = $2
             WHERE id = (SELECT id FROM jobs
                         WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)
                         ORDER BY run_at, id LIMIT 1 {lock})
             RETURNING id, kind, payload, attempts, max_attempts"
        );
        Ok(sqlx::query_as(&sql)
            .bind(t + lease_secs)
            .bind(worker)
            .bind(t)
            .fetch_optional(self.w())
            .await?)
    }

    /// Empty the bodies of e-mails sent before `before` (Unix seconds): a receipt lists what a
    /// candidate sent, and the outbox is no archive. Address, subject and status stay for the
    /// operator. Returns how many were emptied.
    pub async fn prune_outbox(&self, before: i64) -> Result<u64> {
        Ok(sqlx::query("UPDATE outbox SET body_text = '', body_html = '' WHERE status = 'sent' AND sent_at < $1 AND body_text <> ''")
            .bind(before)
            .execute(self.w())
            .await?
            .rows_affected())
    }

    /// Keep holding a job this worker is still working on, until `lease_secs` from now.
    pub async fn extend_lease(&self, id: i64, worker: &str, lease_secs: i64) -> Result<()> {
        sqlx::query("UPDATE jobs SET locked_until = $1 WHERE id = $2 AND locked_by = $3 AND status = 'running'")
            .bind(now() + lease_secs)
            .bind(id)
            .bind(worker)
            .execute(self.w())
            .await?;
        Ok(())
    }

    pub async fn complete_job(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(self.w())
            .await?;
        Ok(())
    }

    /// Record a failure: retry after the backoff, or give up after the last attempt or when the
    /// failure is `permanent`. `error` is for operators and must not contain personal data.
    pub async fn fail_job(&self, job: &Job, error: &str, permanent: bool) -> Result<JobOutcome> {
        let t = now();
        if permanent || job.attempts >= job.max_attempts {
            sqlx::query("UPDATE jobs SET status = 'failed', finished_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3")
                .bind(t)
                .bind(error)
                .bind(job.id)
                .execute(self.w())
                .await?;
            return Ok(JobOutcome::Failed);
        }
        let next = t + job_backoff(job.attempts).as_secs() as i64;
        sqlx::query("UPDATE jobs SET status = 'queued', run_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3")
            .bind(next)
            .bind(error)
            .bind(job.id)
            .execute(self.w())
            .await?;
        Ok(JobOutcome::Retry(next))
    }

    pub async fn job_status(&self, id: i64) -> Result<(String, i64, i64)> {
        sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT status, attempts, run_at FROM jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.r())
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn queue_counts(&self) -> Result<QueueCounts> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status='queued' THEN 1 ELSE 0 END), 0) AS queued,
                    COALESCE(SUM(CASE WHEN status='running' THEN 1 ELSE 0 END), 0) AS running,
                    COALESCE(SUM(CASE WHEN status='failed' THEN 1 ELSE 0 END), 0) AS failed,
                    COALESCE(SUM(CASE WHEN status='done' THEN 1 ELSE 0 END), 0) AS done
             FROM jobs",
        )
        .fetch_one(self.r())
        .await?)
    }

    pub async fn outbox_message(&self, id: i64) -> Result<OutboxMessage> {
        sqlx::query_as("SELECT id, to_addr, subject, body_text, body_html, template, status, list_unsubscribe, created_at, calendar FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn mark_outbox(&self, id: i64, sent: bool) -> Result<()> {
        sqlx::query("UPDATE outbox SET status = $1, sent_at = $2 WHERE id = $3")
            .bind(if sent { "sent" } else { "failed" })
            .bind(if sent { Some(now()) } else { None })
            .bind(id)
            .execute(self.w())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(kind: &str, payload: &str) -> Job {
        Job {
            id: 1,
            kind: kind.into(),
            payload: payload.into(),
            attempts: 1,
            max_attempts: 3,
        }
    }

    #[test]
    fn a_job_reads_back_as_the_kind_it_was_queued_as() {
        let queued = JobKind::SendEmail { outbox_id: 7 };
        let stored = job(queued.name(), &serde_json::to_string(&queued).unwrap());
        assert_eq!(stored.work().unwrap(), queued);
        assert_eq!(
            job("send_email", r#"{"outbox_id":7}"#).work().unwrap(),
            queued,
            "rows written before the payload carried its kind"
        );
        assert_eq!(
            job("close_postings", "{}").work().unwrap(),
            JobKind::ClosePostings
        );
    }

    #[test]
    fn unknown_kinds_and_misfitting_payloads_are_errors() {
        assert!(job("send_fax", "{}").work().is_err());
        assert!(job("send_email", "{}").work().is_err());
        assert!(job("send_email", r#"{"outbox_id":"x"}"#).work().is_err());
        assert!(job("send_email", "not json").work().is_err());
    }
}
