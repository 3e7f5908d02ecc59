//! An ad's life after it is written: edits (versioned once published), HR's approval with the
//! day it is shown and an internal-only period, taking it down, extending its deadline; the log
//! of every step; and HR's ad templates and standard texts.

use crate::postings::day;
use crate::{now, Result, Store, StoreError, Tx};
use chrono::NaiveDate;
use sqlx::FromRow;
use talentflyt_domain::ad::{OrgTexts, Template};
use talentflyt_domain::posting::{PostingDraft, PostingStatus, PublishPlan, Transition};
use talentflyt_domain::preference::may_advertise_externally;
use talentflyt_domain::Refused;

/// A step in an ad's life, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingAction {
    Create,
    Edit,
    /// Sent to HR for approval.
    Submit,
    /// Approved by HR and published (from its publish day).
    Approve,
    Unpublish,
    Extend,
    Close,
    /// The case is over: every candidate has a final answer.
    Finish,
}

impl PostingAction {
    pub const ALL: [PostingAction; 8] = [
        PostingAction::Create,
        PostingAction::Edit,
        PostingAction::Submit,
        PostingAction::Approve,
        PostingAction::Unpublish,
        PostingAction::Extend,
        PostingAction::Close,
        PostingAction::Finish,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PostingAction::Create => "create",
            PostingAction::Edit => "edit",
            PostingAction::Submit => "submit",
            PostingAction::Approve => "approve",
            PostingAction::Unpublish => "unpublish",
            PostingAction::Extend => "extend",
            PostingAction::Close => "close",
            PostingAction::Finish => "finish",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            PostingAction::Create => "posting_event.create",
            PostingAction::Edit => "posting_event.edit",
            PostingAction::Submit => "posting_event.submit",
            PostingAction::Approve => "posting_event.approve",
            PostingAction::Unpublish => "posting_event.unpublish",
            PostingAction::Extend => "posting_event.extend",
            PostingAction::Close => "posting_event.close",
            PostingAction::Finish => "posting_event.finish",
        }
    }
}

impl TryFrom<String> for PostingAction {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self> {
        PostingAction::parse(&s).ok_or_else(|| StoreError::Other(format!("posting action {s:?}")))
    }
}

/// One line of an ad's log.
#[derive(Debug, Clone, FromRow)]
pub struct PostingEvent {
    pub at: i64,
    pub user_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub action: PostingAction,
    pub note: String,
}

/// An earlier version of a published ad.
#[derive(Debug, Clone, FromRow)]
pub struct PostingVersion {
    pub version: i64,
    pub saved_at: i64,
    pub saved_by_name: Option<String>,
    /// JSON of the [`PostingDraft`] as it was.
    pub draft: String,
}

impl PostingVersion {
    pub fn draft(&self) -> Result<PostingDraft> {
        serde_json::from_str(&self.draft).map_err(|e| StoreError::Other(format!("version: {e}")))
    }
}

impl Tx {
    pub(crate) async fn posting_event(
        &mut self,
        posting_id: i64,
        user_id: Option<i64>,
        action: PostingAction,
        note: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO posting_events (posting_id, at, user_id, action, note) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(posting_id)
        .bind(now())
        .bind(user_id)
        .bind(action.as_str())
        .bind(note)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Read the posting's status and deadline, and check that `step` is allowed today.
    pub(crate) async fn step_allowed(
        &mut self,
        id: i64,
        step: Transition,
        today: NaiveDate,
    ) -> Result<(PostingStatus, NaiveDate)> {
        let (status, deadline): (String, String) =
            sqlx::query_as("SELECT status, deadline FROM postings WHERE id = $1")
                .bind(id)
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        let from = PostingStatus::parse(&status)
            .ok_or_else(|| StoreError::Other(format!("posting {id} has status {status:?}")))?;
        let deadline = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d")
            .map_err(|_| StoreError::Other(format!("posting {id} has no valid deadline")))?;
        from.after(step, deadline, today)?;
        Ok((from, deadline))
    }
}

/// Rows changed must be one, or someone else changed the posting between our read and write.
fn one(n: u64) -> Result<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict("posting".into()))
    }
}

impl Store {
    /// Save an edited ad. Once it has been published, the ad as it was is kept as a version
    /// first, so what candidates read at any time can be shown later.
    pub async fn update_posting(&self, id: i64, d: &PostingDraft, user_id: i64) -> Result<()> {
        let old = self.posting(id).await?;
        let mut tx = self.begin().await?;
        let mut version = old.version;
        if old.status != PostingStatus::Draft || old.published_at.is_some() {
            let snapshot = serde_json::to_string(&old.draft())
                .map_err(|e| StoreError::Other(format!("version: {e}")))?;
            sqlx::query(
                "INSERT INTO posting_versions (posting_id, version, saved_at, saved_by, draft) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(old.version)
            .bind(now())
            .bind(user_id)
            .bind(snapshot)
            .execute(tx.conn())
            .await?;
            version += 1;
        }
        // The version guard: someone else's edit in between makes this one a conflict.
        let n = sqlx::query("UPDATE postings SET version = $1 WHERE id = $2 AND version = $3")
            .bind(version)
            .bind(id)
            .bind(old.version)
            .execute(tx.conn())
            .await?
            .rows_affected();
        one(n)?;
        tx.write_draft(id, d, &old.reference).await?;
        let note = if version > old.version {
            format!("{} → {version}", old.version)
        } else {
            String::new()
        };
        tx.posting_event(id, Some(user_id), PostingAction::Edit, &note)
            .await?;
        tx.commit().await
    }

    /// The writer asks HR to approve the draft.
    pub async fn request_posting_approval(&self, id: i64, user_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE postings SET review_requested_at = $1, updated_at = $1 WHERE id = $2 AND status = 'draft'",
        )
        .bind(now())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Refused::PostingTransition {
                from: PostingStatus::Published,
                transition: Transition::Publish,
            }
            .into());
        }
        tx.posting_event(id, Some(user_id), PostingAction::Submit, "")
            .await?;
        tx.commit().await
    }

    /// Whether preferential rights let the ad made from `requisition_id` go outside the
    /// hospital: every matching holder's outcome is recorded and not every post was taken.
    pub async fn check_external_ad(&self, requisition_id: i64, today: NaiveDate) -> Result<()> {
        let r = self.requisition(requisition_id).await?;
        let holders = self.holders_for_requisition(&r, today).await?;
        let outcomes = self.preference_outcomes(requisition_id).await?;
        let refs: Vec<_> = holders.iter().collect();
        may_advertise_externally(&refs, &outcomes, r.positions)
            .map_err(|b| StoreError::Refused(Refused::ExternalAd(b)))
    }

    /// HR approves and publishes an ad: it is shown from `plan.publish_on`, to employees only
    /// until `plan.internal_until` where chosen. Refused unless it is a draft whose deadline is
    /// ahead, and, for an ad made from a requisition, until preferential rights are settled.
    /// The deadline at approval is kept as the original deadline.
    pub async fn approve_posting(
        &self,
        id: i64,
        plan: PublishPlan,
        user_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<()> {
        let requisition: Option<i64> =
            sqlx::query_scalar("SELECT requisition_id FROM postings WHERE id = $1")
                .bind(id)
                .fetch_optional(self.r())
                .await?
                .ok_or(StoreError::NotFound)?;
        if let Some(r) = requisition {
            self.check_external_ad(r, today).await?;
        }
        let mut tx = self.begin().await?;
        let (from, _) = tx.step_allowed(id, Transition::Publish, today).await?;
        let t = now();
        let n = sqlx::query(
            "UPDATE postings SET status = 'published', updated_at = $1, published_at = COALESCE(published_at, $1),
                    publish_on = $2, internal_until = $3, original_deadline = COALESCE(original_deadline, deadline),
                    approved_by = $4, approved_at = $1, review_requested_at = NULL
             WHERE id = $5 AND status = $6",
        )
        .bind(t)
        .bind(day(plan.publish_on))
        .bind(plan.internal_until.map(day))
        .bind(user_id)
        .bind(id)
        .bind(from.as_str())
        .execute(tx.conn())
        .await?
        .rows_affected();
        one(n)?;
        let note = match plan.internal_until {
            Some(until) => format!("{} / {}", day(plan.publish_on), day(until)),
            None => day(plan.publish_on),
        };
        tx.posting_event(id, user_id, PostingAction::Approve, &note)
            .await?;
        tx.commit().await
    }

    /// Take a published ad down: it is a draft again and needs HR's approval to come back.
    pub async fn unpublish_posting(
        &self,
        id: i64,
        user_id: i64,
        reason: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.step_allowed(id, Transition::Unpublish, today).await?;
        let n = sqlx::query(
            "UPDATE postings SET status = 'draft', updated_at = $1, publish_on = NULL, internal_until = NULL, approved_by = NULL, approved_at = NULL
             WHERE id = $2 AND status = 'published'",
        )
        .bind(now())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        one(n)?;
        tx.posting_event(id, Some(user_id), PostingAction::Unpublish, reason)
            .await?;
        tx.commit().await
    }

    /// Move the deadline of an open ad later. The original deadline stays as it was.
    pub async fn extend_deadline(
        &self,
        id: i64,
        new_deadline: NaiveDate,
        user_id: i64,
        today: NaiveDate,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let (_, old) = tx.step_allowed(id, Transition::Extend, today).await?;
        let n = sqlx::query(
            "UPDATE postings SET deadline = $1, updated_at = $2, original_deadline = COALESCE(original_deadline, deadline)
             WHERE id = $3 AND status = 'published' AND deadline = $4",
        )
        .bind(day(new_deadline))
        .bind(now())
        .bind(id)
        .bind(day(old))
        .execute(tx.conn())
        .await?
        .rows_affected();
        one(n)?;
        tx.posting_event(
            id,
            Some(user_id),
            PostingAction::Extend,
            &format!("{} → {}", day(old), day(new_deadline)),
        )
        .await?;
        tx.commit().await
    }

    /// The ad's log, oldest first.
    pub async fn posting_events(&self, id: i64) -> Result<Vec<PostingEvent>> {
        Ok(sqlx::query_as(
            "SELECT e.at, u.display_name AS user_name, e.action, e.note
             FROM posting_events e LEFT JOIN users u ON u.id = e.user_id
             WHERE e.posting_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.r())
        .await?)
    }

    /// Earlier versions of a published ad, newest first.
    pub async fn posting_versions(&self, id: i64) -> Result<Vec<PostingVersion>> {
        Ok(sqlx::query_as(
            "SELECT v.version, v.saved_at, u.display_name AS saved_by_name, v.draft
             FROM posting_versions v LEFT JOIN users u ON u.id = v.saved_by
             WHERE v.posting_id = $1 ORDER BY v.version DESC",
        )
        .bind(id)
        .fetch_all(self.r())
        .await?)
    }

    /// The ad made from a requisition, if one has been.
    pub async fn posting_for_requisition(&self, requisition_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM postings WHERE requisition_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(requisition_id)
        .fetch_optional(self.r())
        .await?)
    }

    /// Add the built-in templates and standard texts the database does not have yet; HR's own
    /// edits are left alone. Returns how many templates were added.
    pub async fn seed_ad_templates(&self, templates: &[Template], org: &OrgTexts) -> Result<u64> {
        let mut added = 0;
        let mut tx = self.begin().await?;
        for t in templates {
            let json = serde_json::to_string(t)
                .map_err(|e| StoreError::Other(format!("template: {e}")))?;
            added += sqlx::query(
                "INSERT INTO ad_templates (profession, template, updated_at) VALUES ($1, $2, $3) ON CONFLICT (profession) DO NOTHING",
            )
            .bind(&t.profession)
            .bind(json)
            .bind(now())
            .execute(tx.conn())
            .await?
            .rows_affected();
        }
        sqlx::query(
            "INSERT INTO org_texts (key, nb, en, updated_at) VALUES ('diversity', $1, $2, $3) ON CONFLICT (key) DO NOTHING",
        )
        .bind(&org.diversity_nb)
        .bind(&org.diversity_en)
        .bind(now())
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Every ad template, by profession code.
    pub async fn ad_templates(&self) -> Result<Vec<Template>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT template FROM ad_templates ORDER BY profession")
                .fetch_all(self.r())
                .await?;
        rows.into_iter()
            .map(|(json,)| {
                serde_json::from_str(&json).map_err(|e| StoreError::Other(format!("template: {e}")))
            })
            .collect()
    }

    /// Save HR's edit of a template.
    pub async fn save_ad_template(&self, t: &Template, user_id: i64) -> Result<()> {
        let json =
            serde_json::to_string(t).map_err(|e| StoreError::Other(format!("template: {e}")))?;
        sqlx::query(
            "INSERT INTO ad_templates (profession, template, updated_at, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (profession) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&t.profession)
        .bind(json)
        .bind(now())
        .bind(user_id)
        .execute(self.w())
        .await?;
        Ok(())
    }

    /// The organisation's standard texts (empty until seeded).
    pub async fn org_texts(&self) -> Result<OrgTexts> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT nb, en FROM org_texts WHERE key = 'diversity'")
                .fetch_optional(self.r())
                .await?;
        Ok(row
            .map(|(nb, en)| OrgTexts {
                diversity_nb: nb,
                diversity_en: en,
            })
            .unwrap_or_default())
    }

    pub async fn save_org_texts(&self, o: &OrgTexts, user_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO org_texts (key, nb, en, updated_at, updated_by) VALUES ('diversity', $1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET nb = excluded.nb, en = excluded.en, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&o.diversity_nb)
        .bind(&o.diversity_en)
        .bind(now())
        .bind(user_id)
        .execute(self.w())
        .await?;
        Ok(())
    }
}
