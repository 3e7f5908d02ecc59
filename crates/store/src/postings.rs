//! Postings: written by HR, published on the career site.

use crate::{now, Result, Store, StoreError};
use sqlx::FromRow;
use talentflyt_domain::posting::{search_text, PostingDraft, PostingStatus};

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct Posting {
    pub id: i64,
    pub reference: String,
    pub unit_id: i64,
    pub title: String,
    pub body: String,
    pub profession: String,
    pub engagement: String,
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: String,
    pub status: String,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

impl Posting {
    pub fn status(&self) -> PostingStatus {
        PostingStatus::parse(&self.status).unwrap_or(PostingStatus::Draft)
    }
    pub fn deadline_date(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(&self.deadline, "%Y-%m-%d").ok()
    }
}

const POSTING_COLS: &str =
    "p.id, p.reference, p.unit_id, p.title, p.body, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.status, p.published_at, p.created_at";

/// A line in a list of postings.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct PostingCard {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub profession: String,
    pub engagement: String,
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: String,
    pub status: String,
    pub published_at: Option<i64>,
    pub applications: i64,
}

/// Filters of the public career site.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    /// Words that must all appear in the title or the text (case-insensitive).
    pub words: Vec<String>,
    /// Only postings in this unit's subtree (e.g. a clinic).
    pub unit_path: Option<String>,
    pub profession: Option<String>,
    pub engagement: Option<String>,
    /// Today, `YYYY-MM-DD`: postings whose deadline has passed are not open.
    pub today: String,
    pub offset: i64,
    pub limit: i64,
}

/// Which postings a staff member sees in the back office.
#[derive(Debug, Clone, Default)]
pub struct StaffScope {
    pub unit_paths: Vec<String>,
    pub posting_ids: Vec<i64>,
}

/// Bind-parameter builder for queries whose WHERE clause depends on the filters.
struct Where {
    clauses: Vec<String>,
    texts: Vec<String>,
}

impl Where {
    fn push(&mut self, clause_with_placeholder: impl Fn(usize) -> String, value: String) {
        self.texts.push(value);
        let n = self.texts.len();
        self.clauses.push(clause_with_placeholder(n));
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1=1".into()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    pub async fn create_posting(&self, d: &PostingDraft, created_by: Option<i64>) -> Result<i64> {
        let t = now();
        let mut tx = self.w().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO postings (reference, unit_id, title, body, profession, engagement, extent_percent, positions, deadline, status, created_by, created_at, updated_at, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11, $12) RETURNING id",
        )
        .bind(format!("tmp-{}", rand::random::<u64>()))
        .bind(d.unit_id)
        .bind(&d.title)
        .bind(&d.body)
        .bind(&d.profession)
        .bind(d.engagement.as_str())
        .bind(d.extent_percent)
        .bind(d.positions)
        .bind(d.deadline.format("%Y-%m-%d").to_string())
        .bind(created_by)
        .bind(t)
        .bind(search_text(&d.title, &d.body))
        .fetch_one(&mut *tx)
        .await?;
        let reference = format!("{}-{id}", chrono::Utc::now().format("%Y"));
        sqlx::query("UPDATE postings SET reference = $1 WHERE id = $2")
            .bind(reference)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_posting_status(&self, id: i64, status: PostingStatus) -> Result<()> {
        let t = now();
        let n = sqlx::query(
            "UPDATE postings SET status = $1, updated_at = $2, published_at = CASE WHEN $1 = 'published' AND published_at IS NULL THEN $2 ELSE published_at END WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(t)
        .bind(id)
        .execute(self.w())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn posting(&self, id: i64) -> Result<Posting> {
        sqlx::query_as(&format!(
            "SELECT {POSTING_COLS} FROM postings p WHERE p.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.r())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Open postings for the career site, newest first, and how many match in all.
    pub async fn public_postings(&self, f: &PublicFilter) -> Result<(Vec<PostingCard>, i64)> {
        let mut w = Where {
            clauses: vec![],
            texts: vec![],
        };
        w.clauses.push("p.status = 'published'".into());
        w.push(|n| format!("p.deadline >= ${n}"), f.today.clone());
        for word in &f.words {
            w.push(
                |n| format!("p.search_text LIKE ${n} ESCAPE '\\'"),
                format!("%{}%", like_escape(&word.to_lowercase())),
            );
        }
        if let Some(path) = &f.unit_path {
            w.push(
                |n| format!("u.path LIKE ${n} ESCAPE '\\'"),
                format!("{}%", like_escape(path)),
            );
        }
        if let Some(p) = &f.profession {
            w.push(|n| format!("p.profession = ${n}"), p.clone());
        }
        if let Some(e) = &f.engagement {
            w.push(|n| format!("p.engagement = ${n}"), e.clone());
        }
        let from = format!(
            "FROM postings p JOIN org_units u ON u.id = p.unit_id WHERE {}",
            w.sql()
        );
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for t in &w.texts {
            count = count.bind(t);
        }
        let total = count.fetch_one(self.r()).await?;
        let sql = format!(
            "SELECT p.id, p.title, p.unit_id, u.path AS unit_path, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.status, p.published_at, 0 AS applications
             {from} ORDER BY p.published_at DESC, p.id DESC LIMIT {} OFFSET {}",
            f.limit.clamp(1, 200),
            f.offset.max(0)
        );
        let mut q = sqlx::query_as::<_, PostingCard>(&sql);
        for t in &w.texts {
            q = q.bind(t);
        }
        Ok((q.fetch_all(self.r()).await?, total))
    }

    /// Postings a staff member sees, newest first, with their application counts, one page at a
    /// time, and how many there are in all.
    pub async fn staff_postings(
        &self,
        scope: &StaffScope,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<PostingCard>, i64)> {
        if scope.unit_paths.is_empty() && scope.posting_ids.is_empty() {
            return Ok((vec![], 0));
        }
        let mut ors = Vec::new();
        let mut texts = Vec::new();
        for p in &scope.unit_paths {
            texts.push(format!("{}%", like_escape(p)));
            ors.push(format!("u.path LIKE ${} ESCAPE '\\'", texts.len()));
        }
        if !scope.posting_ids.is_empty() {
            let ids: Vec<String> = scope.posting_ids.iter().map(i64::to_string).collect();
            ors.push(format!("p.id IN ({})", ids.join(",")));
        }
        let from = format!(
            "FROM postings p JOIN org_units u ON u.id = p.unit_id WHERE {}",
            ors.join(" OR ")
        );
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for t in &texts {
            count = count.bind(t);
        }
        let total = count.fetch_one(self.r()).await?;
        let sql = format!(
            "SELECT p.id, p.title, p.unit_id, u.path AS unit_path, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.status, p.published_at,
                    (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id) AS applications
             {from} ORDER BY p.created_at DESC, p.id DESC LIMIT {} OFFSET {}",
            limit.clamp(1, 1000),
            offset.max(0)
        );
        let mut q = sqlx::query_as::<_, PostingCard>(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        Ok((q.fetch_all(self.r()).await?, total))
    }
}
