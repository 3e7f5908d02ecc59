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

/// Phases that mean the applicant was called to interview (or went further).
const FROM_INTERVIEW: &str = "('interview','references','recommendation','offer','hired')";

/// A per-posting sum summed per unit, as a BIGINT on both databases (PostgreSQL's SUM of a
/// BIGINT is a NUMERIC).
fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM(pp.{column}), 0) AS BIGINT)")
}

impl Store {
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
        // Per application: declared, qualified (no knock-out answer) and interviewed (now in
        // or once moved to the interview phase or later), the last two looked up only for
        // those who declared. Then per posting, then per unit.
        let sql = format!(
            "WITH apps AS (
               SELECT a.posting_id,
                 CASE WHEN e.disability = 'yes' OR e.cv_gap = 'yes' THEN 1 ELSE 0 END AS declared,
                 CASE WHEN (e.disability = 'yes' OR e.cv_gap = 'yes') AND NOT EXISTS (
                     SELECT 1 FROM application_answers x WHERE x.application_id = a.id AND x.knocked_out <> 0)
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
        type Row = (i64, String, i64, i64, i64, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(from)
            .bind(to)
            .bind(today)
            .fetch_all(self.r())
            .await?;
        Ok(rows
            .into_iter()
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
            .collect())
    }
}
