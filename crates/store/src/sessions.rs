//! Sign-in sessions in the database, so several server instances share them.
//! The session id is stored only as its SHA-256: a copy of the table signs no one in.
//!
//! Each instance keeps a session it has read or written for [`SESSION_MEMORY`], so a person
//! clicking through the back office costs one database read every few seconds rather than one a
//! page. A session ended on this instance is forgotten at once; one ended on another instance
//! (signing out there) still works here for at most that long. Who the person is and what they
//! may do is read on every request regardless (`Store::active_user_with_access`), so a removed
//! or deactivated user or a withdrawn role takes effect at once everywhere.

use crate::{now, Store};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

fn key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

/// How long an instance trusts a session it read or wrote without reading it again.
pub const SESSION_MEMORY: Duration = Duration::from_secs(2);

/// Sessions read or written lately, by key.
#[derive(Default)]
pub(crate) struct SessionMemory {
    recent: Mutex<HashMap<String, (Instant, Record)>>,
}

impl SessionMemory {
    fn get(&self, key: &str) -> Option<Record> {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let (at, record) = recent.get(key)?;
        (at.elapsed() < SESSION_MEMORY && record.expiry_date > time::OffsetDateTime::now_utc())
            .then(|| record.clone())
    }
    fn put(&self, key: String, record: &Record) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() >= 10_000 {
            recent.retain(|_, (at, _)| at.elapsed() < SESSION_MEMORY);
            if recent.len() >= 10_000 {
                recent.clear();
            }
        }
        recent.insert(key, (Instant::now(), record.clone()));
    }
    fn forget(&self, key: &str) {
        self.recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
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
        self.sessions.put(key(&record.id), record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let k = key(id);
        if let Some(record) = self.sessions.get(&k) {
            return Ok(Some(record));
        }
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(&k)
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
        let record = Record {
            id: *id,
            data,
            expiry_date,
        };
        self.sessions.put(k, &record);
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let k = key(id);
        self.sessions.forget(&k);
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(&k)
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
