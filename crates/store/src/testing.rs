//! A fresh database for each test: a SQLite file in a temporary folder, or, when
//! `TALENTFLYT_TEST_POSTGRES` holds a server URL (e.g. `postgres://postgres@127.0.0.1:5432`),
//! a PostgreSQL database with a unique name that is dropped when the test ends.

use crate::Store;

pub const POSTGRES_ENV: &str = "TALENTFLYT_TEST_POSTGRES";

pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { server: String, name: String },
}

fn unique_name() -> String {
    format!(
        "talentflyt_test_{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

fn server_url_with_db(server: &str, db: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    // Replace a path (database name) if one is given.
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{db}{query}")
}

impl TestDb {
    /// A migrated, empty database.
    pub async fn new() -> TestDb {
        let name = unique_name();
        match std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty()) {
            Some(server) => {
                sqlx::any::install_default_drivers();
                let admin_url = server_url_with_db(&server, "postgres");
                let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
                    .await
                    .expect("connect to the PostgreSQL server");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                let url = server_url_with_db(&server, &name);
                let store = Store::connect(&url)
                    .await
                    .expect("connect to test database");
                store.migrate().await.expect("migrate");
                TestDb {
                    store,
                    url,
                    cleanup: Cleanup::Postgres { server, name },
                }
            }
            None => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("test.db").display());
                let store = Store::connect(&url).await.expect("open SQLite");
                store.migrate().await.expect("migrate");
                TestDb {
                    store,
                    url,
                    cleanup: Cleanup::Dir(dir),
                }
            }
        }
    }

    /// A second, independent connection pool to the same database, like a second server instance.
    pub async fn second_instance(&self) -> Store {
        Store::connect(&self.url).await.expect("second connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { server, name } => {
                let admin_url = server_url_with_db(server, "postgres");
                let name = name.clone();
                // The test's runtime is blocked here; use a thread with its own. FORCE ends the
                // test's still-open connections.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        if let Ok(mut admin) =
                            <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await
                        {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut admin)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Tries to rewrite an audit entry, to prove in tests that the database refuses it.
pub async fn try_tamper_with_audit(store: &Store, id: i64) -> crate::Result<()> {
    sqlx::query("UPDATE audit_log SET detail = 'changed' WHERE id = $1")
        .bind(id)
        .execute(store.w())
        .await?;
    Ok(())
}

/// An employee (Kari Nordmann{id}, employee number `10023{id}`, a nurse at 60 %) in `unit_id`,
/// for tests of what refers to employees (preferential rights). There is no other way in yet:
/// employees come from the HR system's import.
pub async fn add_employee(store: &Store, id: i64, unit_id: i64) -> crate::Result<()> {
    use crate::Val;
    store
        .bulk_insert(
            "employees",
            &[
                "id",
                "employee_number",
                "given_name",
                "family_name",
                "birth_year",
                "gender",
                "unit_id",
                "profession",
                "fte_percent",
                "permanent",
                "hired_on",
            ],
            &[vec![
                Val::I(id),
                Val::S(format!("10023{id}")),
                Val::S("Kari".into()),
                Val::S(format!("Nordmann{id}")),
                Val::I(1980),
                Val::S("female".into()),
                Val::I(unit_id),
                Val::S("nurse".into()),
                Val::I(60),
                Val::I(1),
                Val::S("2020-01-01".into()),
            ]],
        )
        .await
}

/// How many rows a table has (a table name the test writes, never input).
/// Have the search take `word` as in this share of all applications, as if PostgreSQL's
/// statistics said so (for the ten minutes they are kept), to choose its way by it.
pub fn pretend_word_share(store: &Store, word: &str, share: f64) {
    store
        .search_hints
        .common_words
        .put(std::sync::Arc::new(vec![(word.to_owned(), share)]));
}

pub async fn count_rows(store: &Store, table: &str) -> crate::Result<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.r())
        .await?)
}

/// Run raw SQL (several statements allowed, no parameters) on one connection: for tests that
/// act as an attacker or an operator.
pub async fn execute_raw(store: &Store, sql: &str) -> crate::Result<()> {
    use sqlx::Executor;
    let mut conn = store.w().acquire().await?;
    conn.execute(sql).await?;
    Ok(())
}

/// Run `sql` as database role `role` in a transaction that is rolled back whatever happens.
pub async fn execute_as(store: &Store, role: &str, sql: &str) -> crate::Result<()> {
    use sqlx::Executor;
    let mut tx = store.w().begin().await?;
    tx.execute(format!("SET LOCAL ROLE {role}").as_str())
        .await?;
    tx.execute(sql).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::server_url_with_db;

    #[test]
    fn database_names_replace_the_path() {
        assert_eq!(
            server_url_with_db("postgres://postgres@127.0.0.1:5432", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            server_url_with_db("postgres://u@h:5432/other?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
    }
}
