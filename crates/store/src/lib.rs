//! Persistence for SQLite and PostgreSQL through one code path.
//!
//! Every query is written once, in the SQL both databases understand, and runs through sqlx's
//! `Any` driver; the backend is chosen by the URL scheme. The few places where the dialects
//! differ (taking a job with `FOR UPDATE SKIP LOCKED`) branch on [`Backend`].
//!
//! SQLite gets two pools: many readers and one writer, so writers queue in the pool instead of
//! failing with "database is locked". PostgreSQL uses one pool for both.
//!
//! A change of several steps takes one [`Tx`] on the write pool; each step is a `Tx` method, so a
//! larger change composes the steps and commits once. Reads of personal data write their audit
//! entry in the same transaction as the read (see [`Reader`]).

mod ads;
mod alerts;
mod app_search;
mod applicant_lists;
mod applications;
mod audit;
mod blind;
mod bulk;
mod channels;
mod clinics;
mod drafts;
mod inclusion;
mod interviews;
mod jobs;
mod maintenance;
mod offers;
mod org;
mod pipeline;
mod portal;
mod postings;
mod questions;
mod recommendations;
mod references;
mod requisitions;
mod scorecards;
mod search;
mod security;
pub mod sessions;
mod staff_list;
mod surveys;
pub mod testing;
mod users;

pub use ads::*;
pub use alerts::*;
pub use app_search::*;
pub use applicant_lists::*;
pub use applications::*;
pub use audit::*;
pub use blind::*;
pub use bulk::*;
pub use channels::*;
pub use clinics::*;
pub use drafts::*;
pub use inclusion::*;
pub use interviews::*;
pub use jobs::*;
pub use maintenance::*;
pub use offers::*;
pub use org::*;
pub use pipeline::*;
pub use portal::*;
pub use postings::*;
pub use questions::*;
pub use recommendations::*;
pub use references::*;
pub use requisitions::*;
pub use scorecards::*;
pub use search::*;
pub use security::*;
pub use staff_list::*;
pub use surveys::*;
pub use users::*;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    /// A rule of the domain refused the change; the web shows `Refused::key` to the user.
    #[error(transparent)]
    Refused(#[from] talentflyt_domain::Refused),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    /// Map a unique-constraint violation to [`StoreError::Conflict`], leave the rest alone.
    pub(crate) fn from_insert(e: sqlx::Error, what: &str) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(what.to_owned());
            }
        }
        StoreError::Db(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
    /// The back-office list in memory, shared by this instance's clones (see `staff_list`).
    lists: std::sync::Arc<staff_list::ListCache>,
    /// Applicant lists in memory, one snapshot per posting (see `pipeline`).
    applicants: std::sync::Arc<pipeline::ApplicantCache>,
    /// Audit events of many callers written in one transaction (see `audit`).
    audit_queue: std::sync::Arc<audit::AuditQueue>,
    /// Sessions this instance read or wrote in the last seconds (see `sessions`).
    sessions: std::sync::Arc<sessions::SessionMemory>,
    /// What the search across applications keeps to choose its way (see `app_search`).
    pub(crate) search_hints: std::sync::Arc<app_search::SearchHints>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

static MIGRATIONS_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static MIGRATIONS_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The current time as Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Connect to `sqlite://path/to/file.db` or `postgres://…`. A SQLite file and its folder are
    /// created if missing; SQLite runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = AnyConnectOptions::from_str(url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                // A connection is checked by using it: a ping first is one more round trip
                // for every statement.
                .test_before_acquire(false)
                .after_connect(postgres_settings)
                .connect_with(opts)
                .await?;
            return Ok(Store {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                lists: Default::default(),
                applicants: Default::default(),
                audit_queue: Default::default(),
                sessions: Default::default(),
                search_hints: Default::default(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                StoreError::Other(format!(
                    "unsupported database URL scheme (use sqlite:// or postgres://): {}",
                    scheme(url)
                ))
            })?;
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(file).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Other(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let full = format!("sqlite://{file}?mode=rwc");
        let opts = AnyConnectOptions::from_str(&full)?;
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(sqlite_writer_pragmas)
            .connect_with(opts.clone())
            .await?;
        tokio::spawn(checkpoint_wal(
            sqlx::ConnectOptions::disable_statement_logging(opts.clone()),
            write.clone(),
        ));
        let read = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(sqlite_pragmas)
            .connect_with(opts)
            .await?;
        Ok(Store {
            read,
            write,
            backend: Backend::Sqlite,
            lists: Default::default(),
            applicants: Default::default(),
            audit_queue: Default::default(),
            sessions: Default::default(),
            search_hints: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Apply the migrations this build carries (already applied ones are skipped), and add the
    /// built-in ad templates and standard texts the database does not have yet.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => MIGRATIONS_SQLITE.run(&self.write).await?,
            Backend::Postgres => MIGRATIONS_POSTGRES.run(&self.write).await?,
        }
        self.seed_ad_templates(
            &talentflyt_domain::ad::builtin_templates(),
            &talentflyt_domain::ad::builtin_org_texts(),
        )
        .await?;
        Ok(())
    }

    /// For `/readyz`: the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Bring PostgreSQL identity sequences past ids that were inserted explicitly (bulk loads).
    pub async fn sync_id_sequences(&self) -> Result<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        for table in [
            "org_units",
            "positions",
            "employees",
            "users",
            "postings",
            "role_grants",
            "candidates",
            "applications",
            "documents",
            "jobs",
            "outbox",
            "audit_log",
            "login_attempts",
            "server_keys",
            "requisitions",
            "requisition_events",
            "preference_rights",
            "posting_questions",
        ] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)");
            sqlx::query(&sql).execute(&self.write).await?;
        }
        Ok(())
    }

    pub(crate) fn r(&self) -> &AnyPool {
        &self.read
    }
    pub(crate) fn w(&self) -> &AnyPool {
        &self.write
    }
}

/// One transaction on the write pool. Dropped without [`Tx::commit`], it rolls back: a change of
/// several steps happens whole or not at all. Store functions of several steps take one and run
/// their steps as `Tx` methods, so a larger change can call the same steps on its own `Tx`.
pub(crate) struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
}

impl Store {
    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads first and writes later fails with SQLITE_BUSY_SNAPSHOT
    /// when another process (a second server, a command-line tool) wrote in between, and no
    /// busy timeout helps; an immediate one waits its turn.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend() {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        };
        Ok(Tx {
            inner,
            backend: self.backend(),
        })
    }
}

impl Tx {
    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }

    /// The connection, for the queries of one step.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

/// The `n`th (from 1) parameter of a statement with many: `?` on SQLite, `$n` on PostgreSQL.
/// SQLite looks a numbered parameter's name up by walking a list of all of them, once for each
/// parameter bound (sqlx binds by name), so a statement of 800 numbered parameters costs 320,000
/// steps; anonymous ones are bound by position.
pub(crate) fn placeholder(conn: &sqlx::AnyConnection, n: usize) -> String {
    if conn.backend_name() == "SQLite" {
        "?".to_owned()
    } else {
        format!("${n}")
    }
}

fn scheme(url: &str) -> &str {
    url.split(':').next().unwrap_or("")
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Every PostgreSQL connection plans for what Talentflyt's queries are: short reads of a
/// database held in memory. A random page costs about what a sequential one does (1.1, the
/// usual figure for SSDs and cached data, instead of the default 4, which assumes spinning
/// disks and keeps the planner from an index's few matches), and no query is worth the tens
/// of milliseconds JIT compilation takes. Both are set for Talentflyt's own sessions only; the
/// server's configuration is left as it is.
fn postgres_settings(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute("SET random_page_cost = 1.1; SET jit = off")
            .await?;
        Ok(())
    })
}

/// Every SQLite connection: WAL (readers never wait for the writer), foreign keys enforced, a
/// writer that waits instead of failing while another process holds the lock, and reads through
/// a memory map with a 16 MiB page cache (fewer system calls and copies on the back-office lists).
fn sqlite_pragmas(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute(SQLITE_PRAGMAS).await?;
        Ok(())
    })
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16384;";

/// The one writer's connection: as every other, but it leaves copying the WAL back into the
/// database file (a checkpoint, with its fsync) to [`checkpoint_wal`], so no commit waits for
/// one; only if that falls far behind (20,000 pages, about 80 MB) does the writer do it itself.
fn sqlite_writer_pragmas(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute(SQLITE_PRAGMAS).await?;
        conn.execute("PRAGMA wal_autocheckpoint=20000;").await?;
        Ok(())
    })
}

/// Checkpoint the WAL four times a second on a connection of its own (PASSIVE: it never blocks
/// the writer or a reader), until the store's writer is closed or the runtime that opened the
/// store stops.
async fn checkpoint_wal(opts: AnyConnectOptions, write: AnyPool) {
    use sqlx::ConnectOptions;
    let mut conn = match opts.connect().await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "WAL checkpointer could not connect; the writer checkpoints");
            return;
        }
    };
    if let Err(e) = conn.execute("PRAGMA busy_timeout=10000;").await {
        tracing::warn!(error = %e, "WAL checkpointer set-up failed");
    }
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if write.is_closed() {
            let _ = sqlx::Connection::close(conn).await;
            return;
        }
        if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE);").await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}
