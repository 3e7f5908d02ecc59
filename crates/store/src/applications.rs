//! Applications, the candidates behind them, and their documents.

use crate::audit::{Actor, AuditAction, AuditEvent, Reader, SubjectKind};
use crate::jobs::OutgoingEmail;
use crate::{now, Result, Store, StoreError, Tx};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use talentflyt_domain::posting::Phase;

/// A new application as the candidate submitted it, already parsed.
pub struct NewApplication<'a> {
    pub posting_id: i64,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub email: &'a str,
    pub source: &'a str,
    pub cv_filename: &'a str,
    pub cv_content_type: &'a str,
    pub cv: &'a [u8],
    pub ip: &'a str,
    /// The form's random key: a second submission with it finds the first application.
    pub submission_key: Option<&'a str>,
}

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub posting_id: i64,
    pub candidate_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub phase: Phase,
    pub source: String,
    pub submitted_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct DocumentMeta {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Document {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An application as staff open it: the candidate's answers and the list of their documents.
#[derive(Debug, Clone)]
pub struct ApplicationRecord {
    pub application: ApplicationRow,
    pub documents: Vec<DocumentMeta>,
}

const APP_COLS: &str = "a.id, a.posting_id, a.candidate_id, c.given_name, c.family_name, c.email, a.phase, a.source, a.submitted_at";

impl Tx {
    /// Store the application, its CV, the confirmation e-mail with its delivery job, and the audit
    /// entry, as steps of this transaction.
    pub(crate) async fn submit_application(
        &mut self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<Submitted> {
        let t = now();
        if let Some(key) = a.submission_key {
            let first: Option<i64> =
                sqlx::query_scalar("SELECT id FROM applications WHERE submission_key = $1")
                    .bind(key)
                    .fetch_optional(self.conn())
                    .await?;
            if let Some(id) = first {
                return Ok(Submitted::Repeat(id));
            }
        }
        let candidate_id: i64 = sqlx::query_scalar("INSERT INTO candidates (email, given_name, family_name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(a.email)
            .bind(a.given_name)
            .bind(a.family_name)
            .bind(t)
            .fetch_one(self.conn())
            .await?;
        let app_id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (posting_id, candidate_id, phase, source, submitted_at, updated_at, submission_key) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
        )
        .bind(a.posting_id)
        .bind(candidate_id)
        .bind(Phase::Applied.as_str())
        .bind(a.source)
        .bind(t)
        .bind(a.submission_key)
        .fetch_one(self.conn())
        .await?;
        let sha = hex::encode(Sha256::digest(a.cv));
        sqlx::query(
            "INSERT INTO documents (application_id, kind, filename, content_type, size_bytes, sha256, content, created_at) VALUES ($1, 'cv', $2, $3, $4, $5, $6, $7)",
        )
        .bind(app_id)
        .bind(a.cv_filename)
        .bind(a.cv_content_type)
        .bind(a.cv.len() as i64)
        .bind(sha)
        .bind(a.cv.to_vec())
        .bind(t)
        .execute(self.conn())
        .await?;
        self.enqueue_email(confirmation).await?;
        self.audit(&[AuditEvent {
            actor: Actor::Candidate(candidate_id),
            action: AuditAction::Create,
            subject_kind: SubjectKind::Application,
            subject_id: app_id,
            ip: a.ip,
            detail: "submitted",
        }])
        .await?;
        Ok(Submitted::New(app_id))
    }
}

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// A new application with this id.
    New(i64),
    /// The form's key was used before: the first application's id; nothing stored or sent.
    Repeat(i64),
}

impl Submitted {
    pub fn id(self) -> i64 {
        match self {
            Submitted::New(id) | Submitted::Repeat(id) => id,
        }
    }
}

impl Store {
    /// Store the application, its CV, the confirmation e-mail and its delivery job in one
    /// transaction: either the candidate is told and the application is there, or neither.
    pub async fn submit_application(
        &self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<i64> {
        Ok(self.submit_application_once(a, confirmation).await?.id())
    }

    /// [`Store::submit_application`], saying whether the form's key was used before (then
    /// nothing is stored or sent). Submissions with one key wait for each other: on PostgreSQL
    /// an advisory lock on the key, on SQLite the one writer; the unique index on the key is the
    /// last guard.
    pub async fn submit_application_once(
        &self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<Submitted> {
        let mut tx = self.begin().await?;
        if let (Some(key), crate::Backend::Postgres) = (a.submission_key, self.backend()) {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("submission:{key}"))
                .execute(tx.conn())
                .await?;
        }
        let done = tx.submit_application(a, confirmation).await?;
        if let Submitted::New(_) = done {
            tx.commit().await?;
        }
        Ok(done)
    }

    /// The posting an application belongs to: no personal data, so not audited. Lets the caller
    /// decide whether the reader may see the application before reading it.
    pub async fn application_posting_id(&self, id: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT posting_id FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The applications of a posting, oldest first. Each listed application gets a `list` entry in
    /// the audit trail, in the same transaction as the read.
    pub async fn list_applications(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
    ) -> Result<Vec<ApplicationRow>> {
        let mut tx = self.begin().await?;
        let rows: Vec<ApplicationRow> = sqlx::query_as(&format!(
            "SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.posting_id = $1 ORDER BY a.submitted_at, a.id"
        ))
        .bind(posting_id)
        .fetch_all(tx.conn())
        .await?;
        let detail = format!("posting {posting_id}");
        let events: Vec<AuditEvent> = rows
            .iter()
            .map(|a| reader.event(AuditAction::List, SubjectKind::Application, a.id, &detail))
            .collect();
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// One application and its documents' names and sizes, with a `read` entry in the audit trail.
    pub async fn read_application(
        &self,
        reader: &Reader<'_>,
        id: i64,
    ) -> Result<ApplicationRecord> {
        let mut tx = self.begin().await?;
        let application: ApplicationRow = sqlx::query_as(&format!(
            "SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let documents = sqlx::query_as("SELECT id, application_id, kind, filename, content_type, size_bytes FROM documents WHERE application_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
        tx.audit(&[reader.event(AuditAction::Read, SubjectKind::Application, id, "")])
            .await?;
        tx.commit().await?;
        Ok(ApplicationRecord {
            application,
            documents,
        })
    }

    /// A document of an application (reached only through its own application), with a
    /// `download` entry on the application's audit trail.
    pub async fn read_document(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        document_id: i64,
    ) -> Result<Document> {
        let mut tx = self.begin().await?;
        let doc: Document = sqlx::query_as("SELECT id, filename, content_type, content FROM documents WHERE id = $1 AND application_id = $2")
            .bind(document_id)
            .bind(application_id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let detail = format!("document {document_id}");
        tx.audit(&[reader.event(
            AuditAction::Download,
            SubjectKind::Application,
            application_id,
            &detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(doc)
    }
}
