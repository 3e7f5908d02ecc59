//! Operator tasks on a whole database: is there anything in it, and empty it completely (the
//! demo and the benchmark fill a database from scratch).

use crate::{Backend, Result, Store};

/// The tables whose rows are an organisation's own data. Migrations write a few bookkeeping
/// rows elsewhere (e.g. `site_changes`); those do not make a database "hold data".
pub const DATA_TABLES: [&str; 6] = [
    "org_units",
    "users",
    "employees",
    "postings",
    "candidates",
    "applications",
];

impl Store {
    /// The tables in the database (its current schema on PostgreSQL), by name.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            }
        };
        Ok(sqlx::query_scalar::<_, String>(sql)
            .fetch_all(self.w())
            .await?)
    }

    /// Whether the database holds an organisation's data: any org unit, user, employee, posting,
    /// candidate or application. An empty or freshly migrated database holds none.
    pub async fn holds_data(&self) -> Result<bool> {
        let tables = self.table_names().await?;
        for table in DATA_TABLES {
            if !tables.iter().any(|t| t == table) {
                continue;
            }
            // The name comes from the constant above, never from input.
            let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS any_row");
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(self.w()).await?;
            if n > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// How many rows each of [`DATA_TABLES`] holds, in that order; missing tables count 0.
    pub async fn data_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let tables = self.table_names().await?;
        let mut counts = Vec::with_capacity(DATA_TABLES.len());
        for table in DATA_TABLES {
            let n = if tables.iter().any(|t| t == table) {
                // The name comes from the constant, never from input.
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(self.r())
                    .await?
            } else {
                0
            };
            counts.push((table, n));
        }
        Ok(counts)
    }

    /// Refresh the query planner's statistics, after a bulk load: without them PostgreSQL
    /// guesses row counts (and may compile plans it does not need), SQLite picks indexes blindly.
    /// On PostgreSQL it also vacuums, which marks the new pages all-visible for index-only scans.
    pub async fn refresh_statistics(&self) -> Result<()> {
        // VACUUM refuses to run in a transaction block: send it as a plain, unprepared statement.
        let sql = match self.backend() {
            Backend::Postgres => "VACUUM ANALYZE",
            Backend::Sqlite => "ANALYZE",
        };
        sqlx::raw_sql(sql).execute(self.w()).await?;
        Ok(())
    }

    /// Remove every table, with its rows, indexes and triggers, and the migration history, so
    /// that [`Store::migrate`] builds the schema again from nothing. Irreversible.
    ///
    /// PostgreSQL: the current schema is dropped with everything in it and created again, owned
    /// by the connecting user (who must own the schema or be a superuser); a recreated `public`
    /// schema gets back the usage right for everyone that PostgreSQL 15 gives it. SQLite: every
    /// table is dropped and the file is compacted.
    pub async fn reset_schema(&self) -> Result<()> {
        self.lists.clear();
        self.applicants.clear();
        match self.backend() {
            Backend::Postgres => {
                let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
                    .fetch_one(self.w())
                    .await?;
                let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
                let mut tx = self.w().begin().await?;
                sqlx::query(&format!("DROP SCHEMA {quoted} CASCADE"))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!("CREATE SCHEMA {quoted}"))
                    .execute(&mut *tx)
                    .await?;
                if schema == "public" {
                    sqlx::query("GRANT USAGE ON SCHEMA public TO PUBLIC")
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            Backend::Sqlite => {
                // One connection throughout: foreign keys are a per-connection setting, and
                // dropping a referenced table first would otherwise fail.
                let mut conn = self.w().acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                )
                .fetch_all(&mut *conn)
                .await?;
                let dropped = async {
                    for t in &tables {
                        let sql = format!("DROP TABLE IF EXISTS \"{}\"", t.replace('"', "\"\""));
                        sqlx::query(&sql).execute(&mut *conn).await?;
                    }
                    sqlx::query("VACUUM").execute(&mut *conn).await?;
                    Ok::<_, sqlx::Error>(())
                }
                .await;
                // Back on before the connection returns to the pool, whatever happened.
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                dropped?;
            }
        }
        Ok(())
    }
}
