//! Application drafts: a form saved by the candidate, or kept when a submission had errors, with
//! its files, so nothing typed or chosen is lost. A draft is reached by the form's submission
//! key; sending the application consumes it (in the same transaction), and drafts untouched for
//! [`DRAFT_DAYS`] are swept with their files.

use crate::{now, Result, Store};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use talentflyt_domain::application::ApplicationInput;

/// Days a draft is kept after it was last saved.
pub const DRAFT_DAYS: i64 = 30;

/// A saved draft.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub posting_id: i64,
    pub form: ApplicationInput,
    pub lang: String,
    pub files: Vec<DraftFile>,
    pub updated_at: i64,
}

/// A file kept with a draft (without its bytes).
#[derive(Debug, Clone, FromRow)]
pub struct DraftFile {
    pub id: i64,
    /// "cv" or "attachment".
    pub slot: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A file kept with a draft, with its bytes.
#[derive(Debug, Clone, FromRow)]
pub struct DraftFileContent {
    pub id: i64,
    pub slot: String,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A file to keep with a draft.
pub struct NewDraftFile<'a> {
    pub slot: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

impl Store {
    /// Save the form under its key: the typed fields replace the draft's, `remove` drops kept
    /// files by id, a new CV replaces the kept one, new attachments are added. Returns the
    /// draft as saved.
    pub async fn save_draft(
        &self,
        key: &str,
        posting_id: i64,
        lang: &str,
        form: &ApplicationInput,
        files: &[NewDraftFile<'_>],
        remove: &[i64],
    ) -> Result<Draft> {
        let t = now();
        let json =
            serde_json::to_string(form).map_err(|e| crate::StoreError::Other(e.to_string()))?;
        let mut tx = self.begin().await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM application_drafts WHERE draft_key = $1 AND posting_id = $2",
        )
        .bind(key)
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?;
        let id = match existing {
            Some(id) => {
                sqlx::query("UPDATE application_drafts SET form = $1, lang = $2, updated_at = $3 WHERE id = $4")
                    .bind(&json)
                    .bind(lang)
                    .bind(t)
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                id
            }
            None => sqlx::query_scalar("INSERT INTO application_drafts (draft_key, posting_id, form, lang, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
                .bind(key)
                .bind(posting_id)
                .bind(&json)
                .bind(lang)
                .bind(t)
                .fetch_one(tx.conn())
                .await
                .map_err(|e| crate::StoreError::from_insert(e, "draft"))?,
        };
        for r in remove {
            sqlx::query("DELETE FROM draft_files WHERE id = $1 AND draft_id = $2")
                .bind(r)
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        for f in files {
            let sha = hex::encode(Sha256::digest(f.bytes));
            // The same attachment sent again (a double click, a refresh of a page with errors)
            // is kept once; a CV always replaces the kept one.
            let known: Option<i64> = if f.slot == "cv" {
                None
            } else {
                sqlx::query_scalar(
                    "SELECT id FROM draft_files WHERE draft_id = $1 AND slot = $2 AND sha256 = $3",
                )
                .bind(id)
                .bind(f.slot)
                .bind(&sha)
                .fetch_optional(tx.conn())
                .await?
            };
            if known.is_some() {
                continue;
            }
            if f.slot == "cv" {
                sqlx::query("DELETE FROM draft_files WHERE draft_id = $1 AND slot = 'cv'")
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
            }
            sqlx::query("INSERT INTO draft_files (draft_id, slot, filename, content_type, size_bytes, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id)
                .bind(f.slot)
                .bind(f.filename)
                .bind(f.content_type)
                .bind(f.bytes.len() as i64)
                .bind(sha)
                .bind(f.bytes.to_vec())
                .bind(t)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        self.draft(key, posting_id)
            .await?
            .ok_or(crate::StoreError::NotFound)
    }

    /// The draft saved under a key for a posting, if any.
    pub async fn draft(&self, key: &str, posting_id: i64) -> Result<Option<Draft>> {
        let row: Option<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, form, lang, updated_at FROM application_drafts WHERE draft_key = $1 AND posting_id = $2",
        )
        .bind(key)
        .bind(posting_id)
        .fetch_optional(self.r())
        .await?;
        let Some((id, form, lang, updated_at)) = row else {
            return Ok(None);
        };
        let files = sqlx::query_as("SELECT id, slot, filename, content_type, size_bytes FROM draft_files WHERE draft_id = $1 ORDER BY slot DESC, id")
            .bind(id)
            .fetch_all(self.r())
            .await?;
        Ok(Some(Draft {
            id,
            posting_id,
            form: serde_json::from_str(&form).unwrap_or_default(),
            lang,
            files,
            updated_at,
        }))
    }

    /// The kept files of a draft with their bytes, the CV first.
    pub async fn draft_file_contents(&self, draft_id: i64) -> Result<Vec<DraftFileContent>> {
        Ok(sqlx::query_as("SELECT id, slot, filename, content_type, content FROM draft_files WHERE draft_id = $1 ORDER BY slot DESC, id")
            .bind(draft_id)
            .fetch_all(self.r())
            .await?)
    }

    /// Delete drafts not saved since `before` (Unix seconds), with their files.
    pub async fn prune_drafts(&self, before: i64) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM application_drafts WHERE updated_at < $1")
                .bind(before)
                .execute(self.w())
                .await?
                .rows_affected(),
        )
    }
}
