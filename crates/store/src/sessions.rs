//! Sign-in sessions in the database, so several server instances share them.
//! The session id is stored only as its SHA-256: a copy of the table signs no one in.

use crate::{now, Store};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

fn key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random 128-bit id collides with an existing one only in theory; if it does, draw again.
        loop {
            let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM sessions WHERE id = $1")
                .bind(key(&record.id))
                .fetch_optional(self.r())
                .await
                .map_err(backend)?;
            if exists.is_none() {
                break;
            }
            record.id = Id::default();
        }
        self.save(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(key(&record.id))
        .bind(data)
        .bind(record.expiry_date.unix_timestamp())
        .execute(self.w())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(key(id))
        .bind(now())
        .fetch_optional(self.r())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(key(id))
            .execute(self.w())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl Store {
    /// Remove expired sessions and old sign-in attempts; run periodically.
    pub async fn prune_sessions(&self) -> crate::Result<u64> {
        let t = now();
        let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(t)
            .execute(self.w())
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(t - 86_400)
            .execute(self.w())
            .await?;
        Ok(n)
    }
}

impl Store {
    /// How many sessions are stored (for tests and operators: anonymous visitors make none).
    pub async fn session_count(&self) -> crate::Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(self.r())
            .await?)
    }
}
