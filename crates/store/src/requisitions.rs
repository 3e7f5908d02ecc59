//! Requisitions and their approval log, and the register of preferential rights with what was
//! recorded for each requisition (capabilities R1, R2). The rules are in `domain::requisition` and
//! `domain::preference`; this module keeps what they decided.

use crate::jobs::OutgoingEmail;
use crate::{now, Result, Store, StoreError, Tx};
use chrono::NaiveDate;
use sqlx::FromRow;
use talentflyt_domain::posting::Engagement;
use talentflyt_domain::preference::{matching_holders, Outcome, PreferenceRight, RightKind};
use talentflyt_domain::requisition::{
    ApprovalPolicy, Decision, Requisition, RequisitionStatus, TemporaryGround,
};
use talentflyt_domain::Refused;

/// A requisition as stored, with its unit's path (for scope checks).
#[derive(Debug, Clone, FromRow)]
pub struct RequisitionRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub requested_by: i64,
    pub profession: String,
    pub positions: i64,
    pub extent_percent: i64,
    #[sqlx(try_from = "String")]
    pub engagement: Engagement,
    /// aml §14-9 (2): `a`–`e`.
    pub temporary_ground: Option<String>,
    pub substitute_for: Option<String>,
    pub substitute_until: Option<String>,
    pub start_date: String,
    pub cost_centre: String,
    pub part_time_justification: Option<String>,
    pub union_discussed_on: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: RequisitionStatus,
    /// Approvals given so far in this round of the chain.
    pub approvals: i64,
    pub created_at: i64,
}

const REQ_COLS: &str = "r.id, r.unit_id, u.path AS unit_path, r.requested_by, r.profession, r.positions, r.extent_percent, r.engagement, r.temporary_ground, r.substitute_for, r.substitute_until, r.start_date, r.cost_centre, r.part_time_justification, r.union_discussed_on, r.status, r.approvals, r.created_at";

/// One step in a requisition's log.
#[derive(Debug, Clone, FromRow)]
pub struct RequisitionEvent {
    pub at: i64,
    pub user_id: i64,
    pub user_name: String,
    pub action: String,
    pub comment: String,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl Tx {
    async fn log_requisition(
        &mut self,
        requisition_id: i64,
        user_id: i64,
        action: &str,
        comment: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO requisition_events (requisition_id, at, user_id, action, comment) VALUES ($1, $2, $3, $4, $5)")
            .bind(requisition_id)
            .bind(now())
            .bind(user_id)
            .bind(action)
            .bind(comment)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// The temporary ground as stored: its letter, and for a substitute whom and until when.
fn ground_columns(r: &Requisition) -> (Option<&'static str>, Option<String>, Option<String>) {
    match &r.ground {
        None => (None, None, None),
        Some(TemporaryGround::Substitute { replaces, until }) => {
            (Some("b"), Some(replaces.clone()), Some(day(*until)))
        }
        Some(g) => (Some(g.letter()), None, None),
    }
}

/// Bind a request's own fields as `$1`…`$12` (unit, profession, positions, extent,
/// engagement, the three § 14-9 columns, start, cost centre, the § 14-1b justification and its
/// union date), in that order, for both the insert and the update.
fn bind_fields<'q, Q: BindFields<'q>>(q: Q, r: &'q Requisition) -> Q {
    let (ground, replaces, until) = ground_columns(r);
    q.bind_i64(r.unit_id)
        .bind_text(Some(r.profession.clone()))
        .bind_i64(r.positions)
        .bind_i64(r.extent_percent)
        .bind_text(Some(r.engagement.as_str().to_owned()))
        .bind_text(ground.map(str::to_owned))
        .bind_text(replaces)
        .bind_text(until)
        .bind_text(Some(day(r.start_date)))
        .bind_text(Some(r.cost_centre.clone()))
        .bind_text(r.part_time.as_ref().map(|p| p.text.clone()))
        .bind_text(r.part_time.as_ref().map(|p| day(p.union_discussed_on)))
}

/// The two kinds of sqlx query `bind_fields` fills.
trait BindFields<'q>: Sized {
    fn bind_i64(self, v: i64) -> Self;
    fn bind_text(self, v: Option<String>) -> Self;
}

impl<'q> BindFields<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_i64(self, v: i64) -> Self {
        self.bind(v)
    }
    fn bind_text(self, v: Option<String>) -> Self {
        self.bind(v)
    }
}

impl<'q, O> BindFields<'q>
    for sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
{
    fn bind_i64(self, v: i64) -> Self {
        self.bind(v)
    }
    fn bind_text(self, v: Option<String>) -> Self {
        self.bind(v)
    }
}

impl Store {
    /// The requester mends a returned request and sends it again: the chain starts over, and
    /// the step is in its log. Refused unless the request was returned.
    pub async fn resubmit_requisition(&self, id: i64, r: &Requisition, user_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = bind_fields(
            sqlx::query(
                "UPDATE requisitions SET unit_id = $1, profession = $2, positions = $3, extent_percent = $4, engagement = $5, temporary_ground = $6, substitute_for = $7, substitute_until = $8,
                        start_date = $9, cost_centre = $10, part_time_justification = $11, union_discussed_on = $12, status = 'submitted', approvals = 0, updated_at = $13
                 WHERE id = $14 AND status = 'returned'",
            ),
            r,
        )
        .bind(now())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(talentflyt_domain::Refused::RequisitionNotAwaiting.into());
        }
        tx.log_requisition(id, user_id, "resubmit", "").await?;
        tx.commit().await
    }

    /// Save a manager's request, waiting for the first approver, with the step in its log.
    pub async fn create_requisition(&self, r: &Requisition, requested_by: i64) -> Result<i64> {
        let t = now();
        let mut tx = self.begin().await?;
        let id: i64 = bind_fields(
            sqlx::query_scalar(
                "INSERT INTO requisitions (unit_id, profession, positions, extent_percent, engagement, temporary_ground, substitute_for, substitute_until, start_date, cost_centre, part_time_justification, union_discussed_on, requested_by, status, approvals, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $15) RETURNING id",
            ),
            r,
        )
        .bind(requested_by)
        .bind(RequisitionStatus::Submitted.as_str())
        .bind(t)
        .fetch_one(tx.conn())
        .await?;
        tx.log_requisition(id, requested_by, "submit", "").await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn requisition(&self, id: i64) -> Result<RequisitionRow> {
        sqlx::query_as(&format!(
            "SELECT {REQ_COLS} FROM requisitions r JOIN org_units u ON u.id = r.unit_id WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.r())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Requisitions in these unit subtrees, newest first, optionally of one status.
    pub async fn requisitions_in(
        &self,
        unit_paths: &[String],
        status: Option<RequisitionStatus>,
        limit: i64,
    ) -> Result<Vec<RequisitionRow>> {
        if unit_paths.is_empty() {
            return Ok(vec![]);
        }
        let likes: Vec<String> = (1..=unit_paths.len())
            .map(|n| format!("u.path LIKE ${n}"))
            .collect();
        let mut sql = format!(
            "SELECT {REQ_COLS} FROM requisitions r JOIN org_units u ON u.id = r.unit_id WHERE ({})",
            likes.join(" OR ")
        );
        if status.is_some() {
            sql.push_str(&format!(" AND r.status = ${}", unit_paths.len() + 1));
        }
        sql.push_str(&format!(
            " ORDER BY r.created_at DESC, r.id DESC LIMIT {}",
            limit.clamp(1, 500)
        ));
        let mut q = sqlx::query_as::<_, RequisitionRow>(&sql);
        for p in unit_paths {
            q = q.bind(format!("{p}%"));
        }
        if let Some(s) = status {
            q = q.bind(s.as_str());
        }
        Ok(q.fetch_all(self.r()).await?)
    }

    /// The log of one requisition, oldest first, with who did each step.
    pub async fn requisition_events(&self, id: i64) -> Result<Vec<RequisitionEvent>> {
        Ok(sqlx::query_as(
            "SELECT e.at, e.user_id, us.display_name AS user_name, e.action, e.comment FROM requisition_events e JOIN users us ON us.id = e.user_id WHERE e.requisition_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.r())
        .await?)
    }

    /// The decision of the approver whose turn it is, in one transaction: the new status, the
    /// step in the log, and the message to the requester. Refused unless the requisition is
    /// waiting for a decision. The caller has checked that `user_id` is that approver.
    pub async fn decide_requisition(
        &self,
        id: i64,
        user_id: i64,
        policy: &ApprovalPolicy,
        decision: Decision,
        comment: &str,
        notice: Option<&OutgoingEmail>,
    ) -> Result<RequisitionStatus> {
        let mut tx = self.begin().await?;
        // The guarded UPDATE below is what makes two approvers at once safe; this read decides.
        let (status, approvals, positions): (String, i64, i64) =
            sqlx::query_as("SELECT status, approvals, positions FROM requisitions WHERE id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        if RequisitionStatus::parse(&status) != Some(RequisitionStatus::Submitted) {
            return Err(Refused::RequisitionNotAwaiting.into());
        }
        let (next, _) = policy
            .decide(positions, approvals as usize, decision, comment)
            .map_err(|e| StoreError::Other(e.key.to_owned()))?;
        let new_approvals = match decision {
            Decision::Approve => approvals + 1,
            _ => 0,
        };
        let changed = sqlx::query(
            "UPDATE requisitions SET status = $1, approvals = $2, updated_at = $3 WHERE id = $4 AND status = $5 AND approvals = $6",
        )
        .bind(next.as_str())
        .bind(new_approvals)
        .bind(now())
        .bind(id)
        .bind(RequisitionStatus::Submitted.as_str())
        .bind(approvals)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Refused::RequisitionNotAwaiting.into());
        }
        let action = match decision {
            Decision::Approve => "approve",
            Decision::Return => "return",
            Decision::Reject => "reject",
        };
        tx.log_requisition(id, user_id, action, comment.trim())
            .await?;
        if let Some(m) = notice {
            tx.enqueue_email(m).await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Add a holder to the register of preferential rights.
    pub async fn add_preference_right(
        &self,
        employee_id: i64,
        kind: RightKind,
        profession: &str,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        talentflyt_domain::preference::check_period(from, to)
            .map_err(|e| StoreError::Other(e.key.to_owned()))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO preference_rights (employee_id, kind, profession, unit_id, valid_from, valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(employee_id)
        .bind(kind.as_str())
        .bind(profession)
        .bind(unit_id)
        .bind(day(from))
        .bind(day(to))
        .bind(now())
        .fetch_one(self.w())
        .await?)
    }

    /// The rights in force on `today` or later, for `profession` (the candidates for a match).
    pub async fn preference_rights_for(
        &self,
        profession: &str,
        today: NaiveDate,
    ) -> Result<Vec<PreferenceRight>> {
        let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
            "SELECT p.employee_id, p.kind, p.profession, u.path, p.valid_from, p.valid_to FROM preference_rights p JOIN org_units u ON u.id = p.unit_id WHERE p.profession = $1 AND p.valid_to >= $2",
        )
        .bind(profession)
        .bind(day(today))
        .fetch_all(self.r())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(employee_id, kind, profession, unit_path, from, to)| {
                Some(PreferenceRight {
                    employee_id,
                    kind: RightKind::parse(&kind)?,
                    profession,
                    unit_path,
                    from: parse_day(&from)?,
                    to: parse_day(&to)?,
                })
            })
            .collect())
    }

    /// The holders a requisition must consider, ranked as the law ranks them.
    pub async fn holders_for_requisition(
        &self,
        r: &RequisitionRow,
        today: NaiveDate,
    ) -> Result<Vec<PreferenceRight>> {
        let rights = self.preference_rights_for(&r.profession, today).await?;
        Ok(
            matching_holders(&rights, &r.profession, &r.unit_path, today)
                .into_iter()
                .cloned()
                .collect(),
        )
    }

    /// Record what happened with one holder for one requisition (replacing an earlier record).
    pub async fn record_preference_outcome(
        &self,
        requisition_id: i64,
        employee_id: i64,
        outcome: Outcome,
        offered_on: Option<NaiveDate>,
        user_id: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO preference_outcomes (requisition_id, employee_id, outcome, offered_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (requisition_id, employee_id) DO UPDATE SET outcome = excluded.outcome, offered_on = excluded.offered_on, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(requisition_id)
        .bind(employee_id)
        .bind(outcome.as_str())
        .bind(offered_on.map(day))
        .bind(user_id)
        .bind(now())
        .execute(self.w())
        .await?;
        Ok(())
    }

    /// The outcomes recorded for a requisition, by employee id.
    pub async fn preference_outcomes(&self, requisition_id: i64) -> Result<Vec<(i64, Outcome)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT employee_id, outcome FROM preference_outcomes WHERE requisition_id = $1",
        )
        .bind(requisition_id)
        .fetch_all(self.r())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, o)| Some((id, Outcome::parse(&o)?)))
            .collect())
    }
}

/// One line of the register as HR reads it.
#[derive(Debug, Clone, FromRow)]
pub struct RegisterRow {
    pub id: i64,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub kind: String,
    pub profession: String,
    pub unit_id: i64,
    pub valid_from: String,
    pub valid_to: String,
}

/// A register line ready to store: the employee and unit looked up.
#[derive(Debug, Clone)]
pub struct NewRight {
    pub employee_id: i64,
    pub kind: RightKind,
    pub profession: String,
    pub unit_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Store {
    /// The register's rights still in force on `today` or later, soonest to expire first.
    pub async fn preference_register(&self, today: NaiveDate) -> Result<Vec<RegisterRow>> {
        Ok(sqlx::query_as(
            "SELECT p.id, e.employee_number, e.given_name, e.family_name, p.kind, p.profession, p.unit_id, p.valid_from, p.valid_to
             FROM preference_rights p JOIN employees e ON e.id = p.employee_id
             WHERE p.valid_to >= $1 ORDER BY p.valid_to, p.id LIMIT 2000",
        )
        .bind(day(today))
        .fetch_all(self.r())
        .await?)
    }

    /// Employee number and name of each of `ids` (for lists of holders).
    pub async fn employee_labels(&self, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(&format!(
            "SELECT id, employee_number, given_name, family_name FROM employees WHERE id IN ({})",
            list.join(",")
        ))
        .fetch_all(self.r())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, number, given, family)| (id, number, format!("{given} {family}")))
            .collect())
    }

    /// The employee with this number, if any.
    pub async fn employee_id_by_number(&self, number: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM employees WHERE employee_number = $1")
                .bind(number)
                .fetch_optional(self.r())
                .await?,
        )
    }

    /// Add several rights at once: all of them or, if one fails, none.
    pub async fn add_preference_rights(&self, rights: &[NewRight]) -> Result<usize> {
        let mut tx = self.begin().await?;
        let t = now();
        for r in rights {
            sqlx::query(
                "INSERT INTO preference_rights (employee_id, kind, profession, unit_id, valid_from, valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(r.employee_id)
            .bind(r.kind.as_str())
            .bind(&r.profession)
            .bind(r.unit_id)
            .bind(day(r.from))
            .bind(day(r.to))
            .bind(t)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        Ok(rights.len())
    }
}
