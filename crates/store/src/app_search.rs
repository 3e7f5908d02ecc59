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
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use talentflyt_domain::org::StaffScope;
use talentflyt_domain::posting::Phase;

/// At most this many bytes of an application's text are searchable.
const MAX_BODY: usize = 256 * 1024;

/// At most this many words of a search are used.
const MAX_WORDS: usize = 8;

/// The words of a search as the index knows them: letters and digits, lower case, at least two
/// characters, each once; anything else (quotes, operators) is a separator, so no input reaches
/// the query language as syntax.
pub fn search_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in q
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 2)
    {
        if !words.contains(&w) {
            words.push(w);
        }
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
}

/// The query for the backend: every word whole but the last, which is a prefix, as in a search
/// box one types into: "intensiv" finds "intensivsykepleier", "anne hansen" finds Anne Hansen
/// but not Annette, and "kari nordm" finds Kari Nordmann. A word that is asked for whole is
/// also one each way through the index can skip along instead of collecting every word it
/// begins (two common names as prefixes cost twice one). PostgreSQL's index holds letters and
/// digits apart (see [`apart`]), so a word of both is asked for as its parts, the last part of
/// the last word as the prefix; a part of one character is always asked for whole, as a prefix
/// that short would match a good share of all words.
fn query(backend: Backend, words: &[String]) -> String {
    let last = words.len().saturating_sub(1);
    match backend {
        Backend::Sqlite => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => {
            let parts: Vec<String> = words
                .iter()
                .enumerate()
                .flat_map(|(i, w)| {
                    let parts: Vec<String> = apart(w)
                        .split(' ')
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect();
                    let n = parts.len();
                    parts.into_iter().enumerate().map(move |(j, p)| {
                        if i == last && j + 1 == n && p.chars().count() > 1 {
                            format!("{p}:*")
                        } else {
                            p
                        }
                    })
                })
                .collect();
            parts.join(" & ")
        }
    }
}

/// Words as PostgreSQL's search index holds them: only letters and digits, and letters apart
/// from digits ("kari.nordmann85@example.no" is "kari nordmann 85 example no"), as the
/// `tsv` column's expression does in SQL (migration 0029). Its parser would otherwise keep an
/// e-mail address, or a word such as "nordmann85", as one word of its own, different for
/// nearly every applicant, and a search for the prefix "kari" or "nordmann" would go through
/// every one of them in the index.
fn apart(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last: Option<bool> = None; // whether the last character kept was a digit
    for c in text.chars() {
        if c.is_alphanumeric() {
            let digit = c.is_numeric();
            if last.is_some_and(|d| d != digit) {
                out.push(' ');
            }
            out.push(c);
            last = Some(digit);
        } else {
            if last.is_some() {
                out.push(' ');
            }
            last = None;
        }
    }
    out
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
        // The address as words (PostgreSQL's index would make them so anyway).
        let email_words: String = p
            .email
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut body = format!(
            "{} {} {email_words} {} {}",
            p.given_name,
            p.family_name,
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

/// The columns of a [`SearchHit`], and the tables they come from besides the application `a`.
const HIT_COLS: &str = "a.id, c.given_name, c.family_name, a.posting_id, p.title AS posting_title, a.phase, a.submitted_at";
const HIT_JOINS: &str = "JOIN candidates c ON c.id = a.candidate_id JOIN postings p ON p.id = a.posting_id JOIN org_units u ON u.id = p.unit_id";

/// A scope is wide when it holds at least one in this many of the organisation's units.
const WIDE_SHARE: i64 = 25;

/// How long an answer of [`Store::scope_is_wide`] is kept.
const WIDE_KEPT: Duration = Duration::from_secs(300);

/// PostgreSQL's search row holds its application's era, `id >> ERA_BITS`, as the word
/// `#<era>` (migration 0030): 32,768 applications, about seven months of OUS's.
const ERA_BITS: u32 = 15;

/// How long the newest era read is kept (it only chooses the way; see [`Store::search_wide`]).
const ERA_KEPT: Duration = Duration::from_secs(60);

/// A word in at least this share of the applications is common: walking the newest ones
/// finds a page of its matches within a few thousand.
const COMMON_SHARE: f64 = 0.005;

/// How long PostgreSQL's statistics of the most common words are kept.
const COMMON_KEPT: Duration = Duration::from_secs(600);

/// The most common words of the search rows with the share of rows that hold each.
type CommonWords = Arc<Vec<(String, f64)>>;

/// What the search keeps to choose its way, never what it finds: whether a set of unit paths
/// is a wide scope (at most a few hundred: as many as there are different sets of grants), the
/// newest era of the search rows, and their most common words.
#[derive(Default)]
pub(crate) struct SearchHints {
    wide: Mutex<HashMap<String, (Instant, bool)>>,
    newest_era: Kept<i64>,
    pub(crate) common_words: Kept<CommonWords>,
}

impl SearchHints {
    fn wide(&self, key: &str) -> Option<bool> {
        let map = self.wide.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < WIDE_KEPT)
            .map(|(_, wide)| *wide)
    }

    fn put_wide(&self, key: String, wide: bool) {
        let mut map = self.wide.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= 1000 {
            map.retain(|_, (at, _)| at.elapsed() < WIDE_KEPT);
            if map.len() >= 1000 {
                map.clear();
            }
        }
        map.insert(key, (Instant::now(), wide));
    }
}

/// One value read from the database, kept for a while.
pub(crate) struct Kept<T>(Mutex<Option<(Instant, T)>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(Mutex::new(None))
    }
}

impl<T: Clone> Kept<T> {
    /// The value, if it was kept less than `ttl` ago.
    fn get(&self, ttl: Duration) -> Option<T> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    /// Keep `v` from now on, and hand it back.
    pub(crate) fn put(&self, v: T) -> T {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), v.clone()));
        v
    }
}

/// PostgreSQL: the newest matches of one word (`$1`) below `$2`, at most `$3`, in three
/// parts, newest first, of which each is read only when those before it leave the page short:
/// applications beyond the eras the caller knows of (`$4` on; there are none unless a great
/// many came in within a minute), the newest eras (`$5`, the era words as a `tsquery`: the index
/// finds the word and an era together, so only these matches are visited), and the older rest
/// (below `$6`).
const NEWEST_ERAS_FIRST: &str = "SELECT application_id FROM (
    (SELECT application_id FROM application_search
     WHERE tsv @@ to_tsquery('simple', $1) AND application_id >= $4 AND application_id < $2
     ORDER BY application_id DESC LIMIT $3)
    UNION ALL
    (SELECT application_id FROM application_search
     WHERE tsv @@ (to_tsquery('simple', $1) && $5::tsquery) AND application_id < $2
     ORDER BY application_id DESC LIMIT $3)
    UNION ALL
    (SELECT application_id FROM application_search
     WHERE tsv @@ to_tsquery('simple', $1) AND application_id < LEAST($2, $6)
     ORDER BY application_id DESC LIMIT $3)
) newest_first LIMIT $3";

/// The condition that the reader may see application `a` of posting `p` (unit `u`) here: in
/// the scope (unit subtrees by path prefix, bound from `$first` on; posting ids, from the
/// reader's grants, written out), not hidden by blind screening, and without a final answer
/// if `open_only`.
fn visible(scope: &StaffScope, open_only: bool, first: usize) -> String {
    let mut cond: Vec<String> = (0..scope.unit_paths.len())
        .map(|i| format!("u.path LIKE ${}", i + first))
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
    format!(
        "({}){open} AND (p.blind_until IS NULL OR a.revealed_at IS NOT NULL)",
        cond.join(" OR ")
    )
}

/// The scope's unit paths bound as the prefixes `visible` and `scope_is_wide` compare with.
fn bind_paths<'q, O>(
    mut qy: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    scope: &StaffScope,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for p in &scope.unit_paths {
        qy = qy.bind(format!("{p}%"));
    }
    qy
}

impl Store {
    /// Whether the reader's units are a large part of the organisation (HR of the trust or of
    /// a clinic), so that most applications a search matches are theirs. Only the way of
    /// searching depends on it, never what is found, so an answer is kept for a few minutes
    /// without following changes to the organisation.
    async fn scope_is_wide(&self, scope: &StaffScope) -> Result<bool> {
        if scope.unit_paths.is_empty() {
            return Ok(false);
        }
        let key = scope.unit_paths.join(" ");
        if let Some(wide) = self.search_hints.wide(&key) {
            return Ok(wide);
        }
        let cond: Vec<String> = (1..=scope.unit_paths.len())
            .map(|i| format!("path LIKE ${i}"))
            .collect();
        let sql = format!(
            "SELECT COUNT(*) FILTER (WHERE {}), COUNT(*) FROM org_units",
            cond.join(" OR ")
        );
        let (mine, all): (i64, i64) = bind_paths(sqlx::query_as(&sql), scope)
            .fetch_one(self.r())
            .await?;
        let wide = mine * WIDE_SHARE >= all;
        self.search_hints.put_wide(key, wide);
        Ok(wide)
    }

    /// Whether a word (as a prefix) is in between one in 200 and one in a few thousand
    /// applications, by PostgreSQL's statistics of the search rows' words (their most common
    /// words, read at most every ten minutes): too common to visit all its matches, too rare
    /// to find a page soon by walking the newest applications.
    async fn eras_suit(&self, word: &str) -> Result<bool> {
        let common = match self.search_hints.common_words.get(COMMON_KEPT) {
            Some(c) => c,
            None => {
                let rows: Vec<(String, f64)> = sqlx::query_as(
                    "SELECT w, f::float8 FROM pg_stats,
                        unnest(most_common_elems::text::text[], most_common_elem_freqs) AS m(w, f)
                     WHERE schemaname = current_schema() AND tablename = 'application_search'
                       AND attname = 'tsv' AND w IS NOT NULL",
                )
                .fetch_all(self.r())
                .await?;
                self.search_hints.common_words.put(Arc::new(rows))
            }
        };
        let share: f64 = common
            .iter()
            .filter(|(w, _)| w.starts_with(word))
            .map(|(_, f)| f)
            .sum();
        Ok(share > 0.0 && share < COMMON_SHARE)
    }

    /// The newest era of the search rows, read at most once a minute.
    async fn newest_era(&self) -> Result<i64> {
        if let Some(era) = self.search_hints.newest_era.get(ERA_KEPT) {
            return Ok(era);
        }
        let top: Option<i64> =
            sqlx::query_scalar("SELECT MAX(application_id) FROM application_search")
                .fetch_one(self.r())
                .await?;
        let era = top.unwrap_or(0) >> ERA_BITS;
        Ok(self.search_hints.newest_era.put(era))
    }

    /// PostgreSQL, for a wide scope: the first `need` matches the reader may see, newest
    /// first. A batch of the matches' ids is taken first, newest first, from the search rows
    /// alone, so the planner chooses on one table with its statistics for these words: walk
    /// the primary key backwards for a common word, or take the index's matches and sort just
    /// their ids for a rare one. Only that batch is joined to candidates and postings and
    /// held against the scope; when that leaves the page short, the next older batch, four
    /// times larger, follows. Joining every match before sorting, as one plain statement
    /// does, costs in proportion to all the matches of a common pair of names.
    async fn search_wide(
        &self,
        tsq: &str,
        scope: &StaffScope,
        open_only: bool,
        before: i64,
        need: i64,
    ) -> Result<Vec<SearchHit>> {
        // The batch's ids as one parameter, so the statement is the same text for every
        // batch and prepared once: its plan (by primary key, for a few dozen ids) does
        // not depend on the words.
        let details = format!(
            "SELECT {HIT_COLS} FROM applications a {HIT_JOINS}
             WHERE a.id IN (SELECT unnest(string_to_array($1, ',')::bigint[])) AND {}
             ORDER BY a.id DESC",
            visible(scope, open_only, 2)
        );
        // The newest eras first for one word (one part: see [`query`]) of middling
        // frequency: a rarer one has few matches to visit, and PostgreSQL finds a page of a
        // common one soonest by walking the newest applications. Several words together seldom
        // match many, and each way through the index collects every word's prefixes anew, so
        // they are asked for once.
        let era = match tsq.strip_suffix(":*") {
            Some(word) if !tsq.contains('&') && self.eras_suit(word).await? => {
                Some(self.newest_era().await?)
            }
            _ => None,
        };
        let mut hits: Vec<SearchHit> = Vec::new();
        let mut before = before;
        let mut batch = need + need / 4 + 8;
        loop {
            // Planned with its values each time (PostgreSQL's unnamed statement): which way is
            // cheaper depends on the words.
            let ids: Vec<i64> = match era {
                Some(era) => sqlx::query_scalar(NEWEST_ERAS_FIRST)
                    .persistent(false)
                    .bind(tsq)
                    .bind(before)
                    .bind(batch)
                    .bind((era + 3) << ERA_BITS)
                    .bind(
                        (era - 1..=era + 2)
                            .map(|e| format!("'#{e}'"))
                            .collect::<Vec<_>>()
                            .join(" | "),
                    )
                    .bind((era - 1) << ERA_BITS),
                None => sqlx::query_scalar(
                    "SELECT application_id FROM application_search
                     WHERE tsv @@ to_tsquery('simple', $1) AND application_id < $2
                     ORDER BY application_id DESC LIMIT $3",
                )
                .persistent(false)
                .bind(tsq)
                .bind(before)
                .bind(batch),
            }
            .fetch_all(self.r())
            .await?;
            let Some(&last) = ids.last() else { break };
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            hits.extend(
                bind_paths(sqlx::query_as(&details).bind(list.join(",")), scope)
                    .fetch_all(self.r())
                    .await?,
            );
            if hits.len() as i64 >= need || (ids.len() as i64) < batch {
                break;
            }
            before = last;
            batch *= 4;
        }
        hits.truncate(need as usize);
        Ok(hits)
    }

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
    /// the page at `at` (by key, so a page far back costs what the first does, and new
    /// applications do not shift the pages) with the keys of the pages before and after it.
    /// Each application shown is audited as `list`. `open_only` leaves out those with a final
    /// answer. Applicants still hidden by a posting's blind screening are never found here:
    /// the list of that posting shows them.
    pub async fn search_applications(
        &self,
        reader: &Reader<'_>,
        scope: &StaffScope,
        q: &str,
        open_only: bool,
        at: SearchAt,
        limit: i64,
    ) -> Result<SearchHits> {
        let words = search_words(q);
        if words.is_empty() || scope.is_empty() {
            return Ok(SearchHits::default());
        }
        let tsq = query(self.backend(), &words);
        // The page just newer than a key is read upwards; when it is the newest page after
        // all, the newest page is shown in full instead.
        let mut upwards = None;
        if let SearchAt::Newer(key) = at {
            let mut hits = self
                .search_one_way(&tsq, scope, open_only, At::Above(key), limit + 1)
                .await?;
            if hits.len() as i64 > limit {
                hits.truncate(limit as usize);
                hits.reverse();
                upwards = Some(SearchHits {
                    newer: hits.first().map(|h| h.id),
                    older: hits.last().map(|h| h.id),
                    hits,
                });
            }
        }
        let page = match upwards {
            Some(page) => page,
            None => {
                let before = match at {
                    SearchAt::Older(key) => key,
                    _ => i64::MAX,
                };
                let mut hits =
                    if self.backend() == Backend::Postgres && self.scope_is_wide(scope).await? {
                        self.search_wide(&tsq, scope, open_only, before, limit + 1)
                            .await?
                    } else {
                        self.search_one_way(&tsq, scope, open_only, At::Below(before), limit + 1)
                            .await?
                    };
                let more = hits.len() as i64 > limit;
                hits.truncate(limit as usize);
                SearchHits {
                    newer: match at {
                        SearchAt::Older(_) => hits.first().map(|h| h.id),
                        _ => None,
                    },
                    older: if more {
                        hits.last().map(|h| h.id)
                    } else {
                        None
                    },
                    hits,
                }
            }
        };
        if !page.hits.is_empty() {
            let detail = "search";
            let events: Vec<AuditEvent> = page
                .hits
                .iter()
                .map(|h| reader.event(AuditAction::List, SubjectKind::Application, h.id, detail))
                .collect();
            self.audit_many(&events).await?;
        }
        Ok(page)
    }

    /// The first `need` matches the reader may see on one side of a key, nearest first, in
    /// one statement: SQLite's FTS5 yields rowids in order, so the LIMIT stops the walk early
    /// even for a common name; for a narrow scope PostgreSQL's planner starts from the scope's
    /// applications.
    async fn search_one_way(
        &self,
        tsq: &str,
        scope: &StaffScope,
        open_only: bool,
        at: At,
        need: i64,
    ) -> Result<Vec<SearchHit>> {
        let (from, matched, key) = match self.backend() {
            Backend::Sqlite => (
                "application_search s JOIN applications a ON a.id = s.rowid",
                "application_search MATCH $1",
                "s.rowid",
            ),
            Backend::Postgres => (
                "application_search s JOIN applications a ON a.id = s.application_id",
                "s.tsv @@ to_tsquery('simple', $1)",
                "s.application_id",
            ),
        };
        let (bound, order) = match at {
            At::Below(k) => (format!("{key} < {k}"), "DESC"),
            At::Above(k) => (format!("{key} > {k}"), "ASC"),
        };
        let sql = format!(
            "SELECT {HIT_COLS} FROM {from} {HIT_JOINS}
             WHERE {matched} AND {bound} AND {}
             ORDER BY {key} {order} LIMIT {need}",
            visible(scope, open_only, 2),
        );
        // Planned with the values each time (PostgreSQL's unnamed statement): a plan kept for
        // any query and scope suits few of them.
        let qy = sqlx::query_as(&sql)
            .persistent(self.backend() == Backend::Sqlite)
            .bind(tsq);
        Ok(bind_paths(qy, scope).fetch_all(self.r()).await?)
    }
}

/// Where a page of search hits begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchAt {
    /// The newest hits.
    #[default]
    Newest,
    /// The hits just older than this application (the key of the page before).
    Older(i64),
    /// The hits just newer than this application (the key of the page after).
    Newer(i64),
}

/// A page of search hits, newest first, and the keys of the pages around it.
#[derive(Debug, Default)]
pub struct SearchHits {
    pub hits: Vec<SearchHit>,
    /// Where the next older page begins, if any are older.
    pub older: Option<i64>,
    /// Where the page before (newer) ends, if this is not the newest page.
    pub newer: Option<i64>,
}

/// One side of a key.
#[derive(Debug, Clone, Copy)]
enum At {
    Below(i64),
    Above(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_word_is_a_prefix() {
        let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            query(Backend::Sqlite, &words(&["anne", "hansen"])),
            "\"anne\" \"hansen\"*"
        );
        assert_eq!(
            query(Backend::Postgres, &words(&["anne", "hansen"])),
            "anne & hansen:*"
        );
        assert_eq!(
            query(Backend::Postgres, &words(&["intensiv"])),
            "intensiv:*"
        );
        assert_eq!(
            query(Backend::Postgres, &words(&["nordmann85", "kari"])),
            "nordmann & 85 & kari:*"
        );
        assert_eq!(
            query(Backend::Postgres, &words(&["kari", "nordmann85"])),
            "kari & nordmann & 85:*"
        );
        assert_eq!(
            query(Backend::Postgres, &words(&["ola", "b1"])),
            "ola & b & 1"
        );
    }

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(
            search_words("\"Øyen\" OR intensiv* NEAR(x) a"),
            vec!["øyen", "or", "intensiv", "near"]
        );
        assert_eq!(
            query(Backend::Sqlite, &search_words("Kari Nord")),
            "\"kari\" \"nord\"*"
        );
        assert_eq!(
            query(Backend::Postgres, &search_words("Kari Nord")),
            "kari & nord:*"
        );
        assert_eq!(search_words("Kari kari KARI"), vec!["kari"]);
        assert_eq!(
            query(Backend::Postgres, &search_words("nordmann85 b12")),
            "nordmann & 85 & b & 12:*"
        );
        assert_eq!(
            query(Backend::Sqlite, &search_words("nordmann85")),
            "\"nordmann85\"*"
        );
    }

    #[test]
    fn postgres_indexes_words_with_letters_and_digits_apart() {
        assert_eq!(
            apart("Kari.Nordmann85@example.no, tlf. 22 33 (B12-mangel) Ærlig–Øyvind"),
            "Kari Nordmann 85 example no tlf 22 33 B 12 mangel Ærlig Øyvind"
        );
        assert_eq!(apart("  "), "");
        assert!(search_words(" - ' \" ").is_empty());
    }
}
