//! Search: the seam where each backend may do its best.
//!
//! The career site searches only the postings open today: at OUS a few hundred to a couple of
//! thousand, whatever the years of history behind them. They are read with one query (the same
//! on both databases) into memory, and the web layer filters them there in microseconds
//! (`web::career::index`). Searches across history (back office, reports) will get a function
//! here per need, with a SQLite body (FTS5) and a PostgreSQL body (`tsvector` and GIN) behind one
//! signature; see ARCHITECTURE.md, "Search and reporting".

use crate::{Result, Store};
use sqlx::FromRow;

/// An open posting as the career-site search needs it.
#[derive(Debug, Clone, FromRow)]
pub struct OpenPosting {
    pub id: i64,
    pub title: String,
    /// The English title; empty when the ad is in bokmål only.
    pub title_en: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub profession: String,
    #[sqlx(try_from = "String")]
    pub engagement: talentflyt_domain::posting::Engagement,
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: String,
    pub published_at: Option<i64>,
    /// The last day of its internal-only period, if it has one.
    pub internal_until: Option<String>,
    /// The bokmål ad as plain text (feeds show its beginning).
    pub body: String,
    pub reference: String,
    /// Where the work is (e.g. "Ullevål").
    pub work_place: String,
    /// Target group and competence area codes, comma-separated.
    pub target_groups: String,
    pub competence_areas: String,
}

/// The columns and joins of an [`OpenPosting`].
const OPEN_SELECT: &str =
    "SELECT p.id, p.title, p.title_en, p.unit_id, u.path AS unit_path, p.profession, p.engagement,
        p.extent_percent, p.positions, p.deadline, p.published_at, p.internal_until, p.body,
        p.reference, p.work_place, p.target_groups, p.competence_areas
     FROM postings p JOIN org_units u ON u.id = p.unit_id
     WHERE p.status = 'published' AND p.deadline >= $1
       AND (p.publish_on IS NULL OR p.publish_on <= $1)";

impl Store {
    /// Every posting open on `today` (`YYYY-MM-DD`), newest first.
    pub async fn open_postings(&self, today: &str) -> Result<Vec<OpenPosting>> {
        Ok(sqlx::query_as(&format!(
            "{OPEN_SELECT} AND (p.internal_until IS NULL OR p.internal_until < $1)
             ORDER BY p.published_at DESC, p.id DESC"
        ))
        .bind(today)
        .fetch_all(self.r())
        .await?)
    }

    /// Every posting in its internal-only period on `today` (aml § 14-1: employees see it
    /// first), newest first.
    pub async fn internal_postings(&self, today: &str) -> Result<Vec<OpenPosting>> {
        Ok(sqlx::query_as(&format!(
            "{OPEN_SELECT} AND p.internal_until >= $1
             ORDER BY p.published_at DESC, p.id DESC"
        ))
        .bind(today)
        .fetch_all(self.r())
        .await?)
    }
}
