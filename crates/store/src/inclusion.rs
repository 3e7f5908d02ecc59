//! The inclusion check's figures (R15): per unit, for the postings whose deadline fell in a
//! year, how many applicants declared a disability or a CV gap, how many of them were qualified
//! and how many were called to interview, and how many of the hired had declared. Counts only:
//! the caller hides small groups with `domain::inclusion::suppress`, and nothing here returns
//! a person.

use crate::{Result, Store};
use talentflyt_domain::inclusion::Counts;

/// One unit's figures.
#[derive(Debug, Clone)]
pub struct UnitInclusion {
    pub unit_id: i64,
    pub unit_path: String,
    pub counts: Counts,
}

/// A unit's id and path, then its figures in the order of [`Counts`].
type Row = (i64, String, i64, i64, i64, i64, i64, i64, i64, i64);

/// Phases that mean the applicant was called to interview (or went further).
const FROM_INTERVIEW: &str = "('interview','references','recommendation','offer','hired')";

/// The first day a year's figures are shown (and frozen): 1 February the year after, when
/// the year's last postings have mostly been decided.
pub fn inclusion_settled(year: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year + 1, 2, 1).unwrap_or(chrono::NaiveDate::MAX)
}

const SNAPSHOT_COLS: &str = "postings, declared, qualified, interviewed, postings_with, postings_interviewed, hires, hires_declared";

/// A per-posting sum summed per unit, as a BIGINT on both databases (PostgreSQL's SUM of a
/// BIGINT is a NUMERIC).
fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM(pp.{column}), 0) AS BIGINT)")
}

impl Store {
    /// A settled year's figures per unit, the whole trust's (the caller hides them as one table
    /// and then shows what the reader may), frozen the first time they are read, so they never change from one day to the next; `None` before the year is settled
    /// ([`inclusion_settled`]).
    pub async fn inclusion_year(
        &self,
        year: i32,
        today: chrono::NaiveDate,
    ) -> Result<Option<Vec<UnitInclusion>>> {
        if today < inclusion_settled(year) {
            return Ok(None);
        }
        let frozen: Option<i64> =
            sqlx::query_scalar("SELECT frozen_at FROM inclusion_years WHERE year = $1")
                .bind(i64::from(year))
                .fetch_optional(self.r())
                .await?;
        if frozen.is_none() {
            let rows = self
                .inclusion_counts(
                    &["/".to_owned()],
                    &format!("{year}-01-01"),
                    &format!("{}-01-01", year + 1),
                    &today.to_string(),
                )
                .await?;
            let mut tx = self.begin().await?;
            // Whoever marks the year first writes it; a second writer at the same time
            // leaves it be and reads theirs.
            let marked = sqlx::query(
                "INSERT INTO inclusion_years (year, frozen_at) VALUES ($1, $2) ON CONFLICT (year) DO NOTHING",
            )
            .bind(i64::from(year))
            .bind(crate::now())
            .execute(tx.conn())
            .await?
            .rows_affected();
            if marked == 1 {
                for r in &rows {
                    let c = &r.counts;
                    sqlx::query(&format!(
                        "INSERT INTO inclusion_snapshots (year, unit_id, {SNAPSHOT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                    ))
                    .bind(i64::from(year))
                    .bind(r.unit_id)
                    .bind(c.postings)
                    .bind(c.declared)
                    .bind(c.qualified)
                    .bind(c.interviewed)
                    .bind(c.postings_with)
                    .bind(c.postings_interviewed)
                    .bind(c.hires)
                    .bind(c.hires_declared)
                    .execute(tx.conn())
                    .await?;
                }
                tx.commit().await?;
            }
        }
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT s.unit_id, u.path, {SNAPSHOT_COLS} FROM inclusion_snapshots s JOIN org_units u ON u.id = s.unit_id WHERE s.year = $1 ORDER BY u.path"
        ))
        .bind(i64::from(year))
        .fetch_all(self.r())
        .await?;
        Ok(Some(within(&["/".to_owned()], rows)))
    }

    /// The figures per unit (within `unit_paths`) for postings whose deadline is on or after
    /// `from` and before `to` (ISO dates), and has passed by `today`. Units without such a
    /// posting are left out.
    pub async fn inclusion_counts(
        &self,
        unit_paths: &[String],
        from: &str,
        to: &str,
        today: &str,
    ) -> Result<Vec<UnitInclusion>> {
        // Per application: declared, qualified (no knock-out answer, and not withdrawn before
        // being called) and interviewed (now in or once moved to the interview phase or
        // later), the last two looked up only for those who declared. Then per posting, then per unit.
        let sql = format!(
            "WITH apps AS (
               SELECT a.posting_id,
                 CASE WHEN e.disability = 'yes' OR e.cv_gap = 'yes' THEN 1 ELSE 0 END AS declared,
                 CASE WHEN (e.disability = 'yes' OR e.cv_gap = 'yes') AND NOT EXISTS (
                     SELECT 1 FROM application_answers x WHERE x.application_id = a.id AND x.knocked_out <> 0)
                   AND NOT (a.phase = 'withdrawn' AND NOT EXISTS (
                     SELECT 1 FROM application_transitions t WHERE t.application_id = a.id AND t.to_phase IN {FROM_INTERVIEW}))
                   THEN 1 ELSE 0 END AS qualified,
                 CASE WHEN (e.disability = 'yes' OR e.cv_gap = 'yes') AND (a.phase IN {FROM_INTERVIEW} OR EXISTS (
                     SELECT 1 FROM application_transitions t WHERE t.application_id = a.id AND t.to_phase IN {FROM_INTERVIEW}))
                   THEN 1 ELSE 0 END AS interviewed,
                 CASE WHEN a.phase = 'hired' THEN 1 ELSE 0 END AS hired
               FROM postings p
               JOIN applications a ON a.posting_id = p.id
               LEFT JOIN equality_declarations e ON e.application_id = a.id
               WHERE p.deadline >= $1 AND p.deadline < $2 AND p.deadline < $3
             ),
             per_posting AS (
               SELECT posting_id, SUM(declared) AS d, SUM(qualified) AS q,
                 SUM(qualified * interviewed) AS qi, SUM(hired) AS h, SUM(declared * hired) AS hd
               FROM apps GROUP BY posting_id
             )
             SELECT p.unit_id, u.path, COUNT(*),
               {d}, {q}, {qi},
               CAST(SUM(CASE WHEN pp.q > 0 THEN 1 ELSE 0 END) AS BIGINT),
               CAST(SUM(CASE WHEN pp.qi > 0 THEN 1 ELSE 0 END) AS BIGINT),
               {h}, {hd}
             FROM postings p
             JOIN org_units u ON u.id = p.unit_id
             LEFT JOIN per_posting pp ON pp.posting_id = p.id
             WHERE p.deadline >= $1 AND p.deadline < $2 AND p.deadline < $3 AND p.status <> 'draft'
             GROUP BY p.unit_id, u.path
             ORDER BY u.path",
            d = sum("d"),
            q = sum("q"),
            qi = sum("qi"),
            h = sum("h"),
            hd = sum("hd"),
        );
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(from)
            .bind(to)
            .bind(today)
            .fetch_all(self.r())
            .await?;
        Ok(within(unit_paths, rows))
    }
}

/// The rows of units within `unit_paths`, as figures.
fn within(unit_paths: &[String], rows: Vec<Row>) -> Vec<UnitInclusion> {
    rows.into_iter()
        .filter(|r| {
            unit_paths
                .iter()
                .any(|p| talentflyt_domain::org::is_within(&r.1, p))
        })
        .map(|r| UnitInclusion {
            unit_id: r.0,
            unit_path: r.1,
            counts: Counts {
                postings: r.2,
                declared: r.3,
                qualified: r.4,
                interviewed: r.5,
                postings_with: r.6,
                postings_interviewed: r.7,
                hires: r.8,
                hires_declared: r.9,
            },
        })
        .collect()
}
