//! Back-office search across applications: one full-text row per application (the person, what
//! the form said and the text of every document), SQLite FTS5 and PostgreSQL `tsvector` behind
//! one signature (see ARCHITECTURE.md, "Search and reporting"). Document text is read by the
//! `index_documents` job after the application is stored, so reading a large PDF never holds up
//! a submission.

use crate::applications::FINAL_PHASES;
use crate::{
    now, AuditAction, AuditEvent, Backend, JobKind, Reader, Result, Store, SubjectKind, Tx,
};
use sqlx::FromRow;
use talentflyt_domain::org::StaffScope;
use talentflyt_domain::posting::Phase;

/// At most this many bytes of an application's text are searchable.
const MAX_BODY: usize = 256 * 1024;

/// At most this many words of a search are used.
const MAX_WORDS: usize = 8;

/// The words of a search as the index knows them: letters and digits, lower case, at least two
/// characters; anything else (quotes, operators) is a separator, so no input reaches the query
/// language as syntax.
pub fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 2)
        .take(MAX_WORDS)
        .collect()
}

/// The query for the backend: every word, each as a prefix (Norwegian compounds: "intensiv"
/// finds "intensivsykepleier").
fn query(backend: Backend, words: &[String]) -> String {
    match backend {
        Backend::Sqlite => words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// The condition that an application (`a.id`) matches the query in `$1`.
fn matches(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "a.id IN (SELECT rowid FROM application_search WHERE application_search MATCH $1)"
        }
        Backend::Postgres => {
            "a.id IN (SELECT application_id FROM application_search WHERE tsv @@ to_tsquery('simple', $1))"
        }
    }
}

/// Every string in a JSON value (the form's rows), space-separated.
fn json_strings(json: &str, out: &mut String) {
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push(' ');
                out.push_str(s);
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(json) {
        walk(&v, out);
    }
}

impl Tx {
    /// Write the application's search row from what is stored now.
    pub(crate) async fn index_application(&mut self, id: i64) -> Result<()> {
        #[derive(FromRow)]
        struct Parts {
            given_name: String,
            family_name: String,
            email: String,
            current_title: Option<String>,
            current_employer: Option<String>,
            education: Option<String>,
            work: Option<String>,
            cover_letter: Option<String>,
        }
        let Some(p): Option<Parts> = sqlx::query_as(
            "SELECT c.given_name, c.family_name, c.email, d.current_title, d.current_employer, d.education, d.work, d.cover_letter
             FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN application_details d ON d.application_id = a.id
             WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok(());
        };
        // The address also as words, as PostgreSQL's parser keeps an address whole.
        let email_words: String = p
            .email
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut body = format!(
            "{} {} {} {email_words} {} {}",
            p.given_name,
            p.family_name,
            p.email,
            p.current_title.unwrap_or_default(),
            p.current_employer.unwrap_or_default()
        );
        json_strings(&p.education.unwrap_or_default(), &mut body);
        json_strings(&p.work.unwrap_or_default(), &mut body);
        body.push('\n');
        body.push_str(&p.cover_letter.unwrap_or_default());
        let texts: Vec<Option<String>> =
            sqlx::query_scalar("SELECT text FROM documents WHERE application_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(self.conn())
                .await?;
        for t in texts.into_iter().flatten() {
            body.push('\n');
            body.push_str(&t);
        }
        // Within what a PostgreSQL tsvector holds (1 MB), with room for its positions.
        if body.len() > MAX_BODY {
            let mut cut = MAX_BODY;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
        match self.backend() {
            Backend::Sqlite => {
                sqlx::query("DELETE FROM application_search WHERE rowid = $1")
                    .bind(id)
                    .execute(self.conn())
                    .await?;
                sqlx::query("INSERT INTO application_search (rowid, body) VALUES ($1, $2)")
                    .bind(id)
                    .bind(&body)
                    .execute(self.conn())
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("INSERT INTO application_search (application_id, body) VALUES ($1, $2) ON CONFLICT (application_id) DO UPDATE SET body = excluded.body")
                    .bind(id)
                    .bind(&body)
                    .execute(self.conn())
                    .await?;
            }
        }
        Ok(())
    }

    /// Take an application out of the search (PostgreSQL's row goes with the application by its
    /// foreign key; SQLite's full-text table has none).
    pub(crate) async fn unindex_application(&mut self, id: i64) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            sqlx::query("DELETE FROM application_search WHERE rowid = $1")
                .bind(id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Ask the worker to read the text of documents not read yet.
    pub(crate) async fn queue_document_reading(&mut self) -> Result<()> {
        crate::jobs::insert_job(self.conn(), &JobKind::IndexDocuments, now(), 3).await?;
        Ok(())
    }
}

/// A document whose text is not read yet.
#[derive(Debug, Clone, FromRow)]
pub struct UnreadDocument {
    pub id: i64,
    pub application_id: i64,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// One application found by a back-office search.
#[derive(Debug, Clone, FromRow)]
pub struct SearchHit {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub posting_id: i64,
    pub posting_title: String,
    #[sqlx(try_from = "String")]
    pub phase: Phase,
    pub submitted_at: i64,
}

impl Store {
    /// Up to `limit` documents whose text is not read yet, oldest first.
    pub async fn unread_documents(&self, limit: i64) -> Result<Vec<UnreadDocument>> {
        Ok(sqlx::query_as(
            "SELECT id, application_id, content_type, content FROM documents WHERE text IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.r())
        .await?)
    }

    /// Note that a document's text is being read ('' until it is), so a document that fails
    /// is not taken again.
    pub async fn mark_document_tried(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE documents SET text = '' WHERE id = $1 AND text IS NULL")
            .bind(id)
            .execute(self.w())
            .await?;
        Ok(())
    }

    /// Keep the text read from a document ('' when it has none) and index its application anew.
    pub async fn set_document_text(&self, id: i64, application_id: i64, text: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE documents SET text = $1 WHERE id = $2")
            .bind(text)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.index_application(application_id).await?;
        tx.commit().await
    }

    /// The applications of one posting that match `q` (name, e-mail, form, documents).
    pub async fn matching_in_posting(&self, posting_id: i64, q: &str) -> Result<Vec<i64>> {
        let words = search_words(q);
        if words.is_empty() {
            return Ok(vec![]);
        }
        Ok(sqlx::query_scalar(&format!(
            "SELECT a.id FROM applications a WHERE a.posting_id = $2 AND {}",
            matches(self.backend())
        ))
        .bind(query(self.backend(), &words))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Search every application the reader may see (the postings of `scope`), newest first:
    /// the page at `offset` and whether more follow. Each application shown is audited as
    /// `list`. `open_only` leaves out those with a final answer. Applicants still hidden by a
    /// posting's blind screening are never found here: the list of that posting shows them.
    pub async fn search_applications(
        &self,
        reader: &Reader<'_>,
        scope: &StaffScope,
        q: &str,
        open_only: bool,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SearchHit>, bool)> {
        let words = search_words(q);
        if words.is_empty() || scope.is_empty() {
            return Ok((vec![], false));
        }
        // The scope as SQL: unit subtrees by path prefix, postings by id. Paths and ids come
        // from the reader's grants, bound as parameters.
        let mut cond: Vec<String> = (0..scope.unit_paths.len())
            .map(|i| format!("u.path LIKE ${}", i + 2))
            .collect();
        if !scope.posting_ids.is_empty() {
            let ids: Vec<String> = scope.posting_ids.iter().map(|i| i.to_string()).collect();
            cond.push(format!("p.id IN ({})", ids.join(",")));
        }
        let open = if open_only {
            format!(" AND a.phase NOT IN {FINAL_PHASES}")
        } else {
            String::new()
        };
        // Newest first straight from the search rows: SQLite's FTS5 yields rowids in order, so
        // the LIMIT stops the walk early even for a common name; PostgreSQL's planner picks
        // between the GIN index's matches sorted and the primary key walked backwards.
        let (from, matched, newest) = match self.backend() {
            Backend::Sqlite => (
                "application_search s JOIN applications a ON a.id = s.rowid",
                "application_search MATCH $1",
                "s.rowid DESC",
            ),
            Backend::Postgres => (
                "application_search s JOIN applications a ON a.id = s.application_id",
                "s.tsv @@ to_tsquery('simple', $1)",
                "s.application_id DESC",
            ),
        };
        let sql = format!(
            "SELECT a.id, c.given_name, c.family_name, a.posting_id, p.title AS posting_title, a.phase, a.submitted_at
             FROM {from} JOIN candidates c ON c.id = a.candidate_id JOIN postings p ON p.id = a.posting_id JOIN org_units u ON u.id = p.unit_id
             WHERE {matched} AND ({}){open} AND (p.blind_until IS NULL OR a.revealed_at IS NOT NULL)
             ORDER BY {newest} LIMIT {} OFFSET {}",
            cond.join(" OR "),
            limit + 1,
            offset.max(0)
        );
        let mut qy = sqlx::query_as(&sql).bind(query(self.backend(), &words));
        for p in &scope.unit_paths {
            qy = qy.bind(format!("{p}%"));
        }
        let mut hits: Vec<SearchHit> = qy.fetch_all(self.r()).await?;
        let more = hits.len() as i64 > limit;
        hits.truncate(limit as usize);
        if !hits.is_empty() {
            let detail = "search";
            let events: Vec<AuditEvent> = hits
                .iter()
                .map(|h| reader.event(AuditAction::List, SubjectKind::Application, h.id, detail))
                .collect();
            self.audit_many(&events).await?;
        }
        Ok((hits, more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(
            search_words("\"Øyen\" OR intensiv* NEAR(x) a"),
            vec!["øyen", "or", "intensiv", "near"]
        );
        assert_eq!(
            query(Backend::Sqlite, &search_words("Kari Nord")),
            "\"kari\"* \"nord\"*"
        );
        assert_eq!(
            query(Backend::Postgres, &search_words("Kari Nord")),
            "kari:* & nord:*"
        );
        assert!(search_words(" - ' \" ").is_empty());
    }
}
