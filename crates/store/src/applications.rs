//! Applications, the candidates behind them, and their documents.

use crate::audit::{insert_audit, Actor, AuditEvent};
use crate::jobs::{insert_email, OutgoingEmail};
use crate::{now, Result, Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::FromRow;

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
}

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub posting_id: i64,
    pub candidate_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub phase: String,
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

const APP_COLS: &str = "a.id, a.posting_id, a.candidate_id, c.given_name, c.family_name, c.email, a.phase, a.source, a.submitted_at";

impl Store {
    /// Store the application, its CV, the confirmation e-mail and its delivery job in one
    /// transaction: either the candidate is told and the application is there, or neither.
    pub async fn submit_application(
        &self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<i64> {
        let t = now();
        let mut tx = self.w().begin().await?;
        let candidate_id: i64 = sqlx::query_scalar("INSERT INTO candidates (email, given_name, family_name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(a.email)
            .bind(a.given_name)
            .bind(a.family_name)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
        let app_id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (posting_id, candidate_id, phase, source, submitted_at, updated_at) VALUES ($1, $2, 'applied', $3, $4, $4) RETURNING id",
        )
        .bind(a.posting_id)
        .bind(candidate_id)
        .bind(a.source)
        .bind(t)
        .fetch_one(&mut *tx)
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
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, confirmation).await?;
        insert_audit(
            &mut tx,
            &AuditEvent {
                actor: Actor::Candidate(candidate_id),
                action: "create",
                subject_kind: "application",
                subject_id: app_id,
                ip: a.ip,
                detail: "submitted",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(app_id)
    }

    /// The applications of a posting, oldest first. The caller audits the read.
    pub async fn applications_for_posting(&self, posting_id: i64) -> Result<Vec<ApplicationRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.posting_id = $1 ORDER BY a.submitted_at, a.id"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    pub async fn application(&self, id: i64) -> Result<ApplicationRow> {
        sqlx::query_as(&format!("SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn documents_of(&self, application_id: i64) -> Result<Vec<DocumentMeta>> {
        Ok(sqlx::query_as("SELECT id, application_id, kind, filename, content_type, size_bytes FROM documents WHERE application_id = $1 ORDER BY id")
            .bind(application_id)
            .fetch_all(self.r())
            .await?)
    }

    pub async fn document(&self, application_id: i64, document_id: i64) -> Result<Document> {
        sqlx::query_as("SELECT id, filename, content_type, content FROM documents WHERE id = $1 AND application_id = $2")
            .bind(document_id)
            .bind(application_id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }
}
