//! Postings: written by HR, published on the career site.

use crate::ads::PostingAction;
use crate::{now, Result, Store, StoreError, Tx};
use chrono::NaiveDate;
use sqlx::FromRow;
use talentflyt_domain::ad::{
    join_codes, split_codes, AdContent, AdFields, CompetenceArea, TargetGroup,
};
use talentflyt_domain::posting::{
    search_text, Engagement, PostingDraft, PostingStatus, PublicView, PublishPlan, Schedule, Stage,
    Transition,
};

/// Which postings a staff member sees in the back office: see `Access::staff_scope`.
pub use talentflyt_domain::org::StaffScope;

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct Posting {
    pub id: i64,
    pub reference: String,
    pub unit_id: i64,
    pub title: String,
    pub title_en: String,
    /// The bokmål ad as plain text (search, channels).
    pub body: String,
    /// JSON of [`AdContent`]; empty for ads written before sections (see [`Posting::content`]).
    pub content: String,
    pub profession: String,
    #[sqlx(try_from = "String")]
    pub engagement: Engagement,
    pub extent_percent: i64,
    pub positions: i64,
    /// `YYYY-MM-DD`, a Norwegian day.
    pub deadline: String,
    /// The deadline at approval, kept when the deadline is extended.
    pub original_deadline: Option<String>,
    /// As stored; [`Posting::effective_status`] is what the rules go by.
    #[sqlx(try_from = "String")]
    pub status: PostingStatus,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub work_place: String,
    pub start_date: Option<String>,
    pub salary_text: String,
    pub target_groups: String,
    pub competence_areas: String,
    pub requisition_id: Option<i64>,
    pub publish_on: Option<String>,
    pub internal_until: Option<String>,
    pub review_requested_at: Option<i64>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
    pub version: i64,
}

impl Posting {
    pub fn deadline_date(&self) -> Option<NaiveDate> {
        parse_day(&self.deadline)
    }
    /// Published past its deadline counts as closed.
    pub fn effective_status(&self, today: NaiveDate) -> PostingStatus {
        match self.deadline_date() {
            Some(d) => self.status.effective(d, today),
            None => self.status,
        }
    }
    /// When the ad is shown; `None` for a deadline this application never wrote.
    pub fn schedule(&self) -> Option<Schedule> {
        Some(Schedule {
            publish_on: self.publish_on.as_deref().and_then(parse_day),
            internal_until: self.internal_until.as_deref().and_then(parse_day),
            deadline: self.deadline_date()?,
        })
    }
    /// What the career site shows of this posting today.
    pub fn public_view(&self, today: NaiveDate) -> PublicView {
        match self.schedule() {
            Some(s) => PublicView::of(self.status, &s, today),
            None => PublicView::NotFound,
        }
    }
    /// Where the posting is, as the back office shows it.
    pub fn stage(&self, today: NaiveDate) -> Stage {
        let s = self
            .schedule()
            .unwrap_or_else(|| Schedule::open_until(NaiveDate::MIN));
        Stage::of(self.status, self.review_requested_at.is_some(), &s, today)
    }
    /// The ad's sections, requirement profile and contacts.
    pub fn content(&self) -> AdContent {
        if self.content.is_empty() {
            return AdContent::from_plain(&self.body);
        }
        serde_json::from_str(&self.content).unwrap_or_else(|e| {
            tracing::error!(posting_id = self.id, error = %e, "ad content does not parse");
            AdContent::from_plain(&self.body)
        })
    }
    pub fn fields(&self) -> AdFields {
        AdFields {
            work_place: self.work_place.clone(),
            start_date: self.start_date.as_deref().and_then(parse_day),
            salary_text: self.salary_text.clone(),
            target_groups: split_codes(&self.target_groups, TargetGroup::parse),
            competence_areas: split_codes(&self.competence_areas, CompetenceArea::parse),
        }
    }
    /// The posting with the text and fields of `d` (an earlier version), for showing it as it was.
    pub fn with_draft(mut self, d: &PostingDraft) -> Posting {
        self.title = d.title.clone();
        self.title_en = d.title_en.clone();
        self.body = d.body.clone();
        self.content = content_json(&d.content).unwrap_or_default();
        self.work_place = d.fields.work_place.clone();
        self.start_date = d.fields.start_date.map(day);
        self.salary_text = d.fields.salary_text.clone();
        self.target_groups = join_codes(&d.fields.target_groups);
        self.competence_areas = join_codes(&d.fields.competence_areas);
        self.unit_id = d.unit_id;
        self.profession = d.profession.clone();
        self.engagement = d.engagement;
        self.extent_percent = d.extent_percent;
        self.positions = d.positions;
        self
    }

    /// The posting as a draft: what the edit form starts from and a version keeps.
    pub fn draft(&self) -> PostingDraft {
        PostingDraft {
            title: self.title.clone(),
            title_en: self.title_en.clone(),
            body: self.body.clone(),
            content: self.content(),
            fields: self.fields(),
            unit_id: self.unit_id,
            profession: self.profession.clone(),
            engagement: self.engagement,
            extent_percent: self.extent_percent,
            positions: self.positions,
            deadline: self.deadline_date().unwrap_or_default(),
            requisition_id: self.requisition_id,
        }
    }
}

pub(crate) fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// What the back-office search matches: both titles and the reference, lowercased with Unicode
/// rules (as `search_text`).
pub fn title_search(title: &str, title_en: &str, reference: &str) -> String {
    format!("{} {} {}", title, title_en, reference)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the searches match: both titles, the bokmål text and the English sections.
pub(crate) fn posting_search_text(d: &PostingDraft) -> String {
    let mut extra = d.title_en.clone();
    for (_, text) in d.content.en.sections() {
        extra.push('\n');
        extra.push_str(text);
    }
    search_text(&d.title, &format!("{}\n{extra}", d.body))
}

/// The content as stored: empty for none (the plain body is the ad, see [`Posting::content`]).
pub(crate) fn content_json(c: &AdContent) -> Result<String> {
    if *c == AdContent::default() {
        return Ok(String::new());
    }
    serde_json::to_string(c).map_err(|e| StoreError::Other(format!("ad content: {e}")))
}

pub(crate) const POSTING_COLS: &str =
    "p.id, p.reference, p.unit_id, p.title, p.title_en, p.body, p.content, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.original_deadline, p.status, p.published_at, p.created_at, p.work_place, p.start_date, p.salary_text, p.target_groups, p.competence_areas, p.requisition_id, p.publish_on, p.internal_until, p.review_requested_at, p.approved_by, p.approved_at, p.version";

/// A line in a list of postings.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct PostingCard {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub profession: String,
    #[sqlx(try_from = "String")]
    pub engagement: Engagement,
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: String,
    #[sqlx(try_from = "String")]
    pub status: PostingStatus,
    pub published_at: Option<i64>,
    pub applications: i64,
}

impl PostingCard {
    /// Published past its deadline counts as closed.
    pub fn effective_status(&self, today: NaiveDate) -> PostingStatus {
        match parse_day(&self.deadline) {
            Some(d) => self.status.effective(d, today),
            None => self.status,
        }
    }
}

impl Tx {
    /// Save a new draft and give it its reference (`YYYY-id`).
    pub(crate) async fn create_posting(
        &mut self,
        d: &PostingDraft,
        created_by: Option<i64>,
    ) -> Result<i64> {
        let t = now();
        // The row with what only a new posting has; the ad itself is written as an edit is.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO postings (reference, unit_id, title, body, profession, engagement, extent_percent, positions, deadline, status, created_by, created_at, updated_at, requisition_id)
             VALUES ($1, $2, '', '', '', 'permanent', 100, 1, $3, 'draft', $4, $5, $5, $6) RETURNING id",
        )
        .bind(format!("tmp-{}", rand::random::<u64>()))
        .bind(d.unit_id)
        .bind(day(d.deadline))
        .bind(created_by)
        .bind(t)
        .bind(d.requisition_id)
        .fetch_one(self.conn())
        .await?;
        let reference = format!("{}-{id}", chrono::Utc::now().format("%Y"));
        sqlx::query("UPDATE postings SET reference = $1 WHERE id = $2")
            .bind(&reference)
            .bind(id)
            .execute(self.conn())
            .await?;
        self.write_draft(id, d, &reference).await?;
        self.init_stages(id, &d.profession).await?;
        self.posting_event(id, created_by, PostingAction::Create, "")
            .await?;
        Ok(id)
    }
}

impl Tx {
    /// Write the ad's text and fields, and what the searches read of them. The deadline is
    /// written only while the posting is a draft (a published one moves by extension).
    pub(crate) async fn write_draft(
        &mut self,
        id: i64,
        d: &PostingDraft,
        reference: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE postings SET unit_id = $1, title = $2, body = $3, profession = $4, engagement = $5, extent_percent = $6, positions = $7,
                    deadline = CASE WHEN status = 'draft' THEN $8 ELSE deadline END, updated_at = $9, search_text = $10,
                    title_en = $11, content = $12, work_place = $13, start_date = $14, salary_text = $15, target_groups = $16, competence_areas = $17,
                    title_search = $18
             WHERE id = $19",
        )
        .bind(d.unit_id)
        .bind(&d.title)
        .bind(&d.body)
        .bind(&d.profession)
        .bind(d.engagement.as_str())
        .bind(d.extent_percent)
        .bind(d.positions)
        .bind(day(d.deadline))
        .bind(now())
        .bind(posting_search_text(d))
        .bind(&d.title_en)
        .bind(content_json(&d.content)?)
        .bind(&d.fields.work_place)
        .bind(d.fields.start_date.map(day))
        .bind(&d.fields.salary_text)
        .bind(join_codes(&d.fields.target_groups))
        .bind(join_codes(&d.fields.competence_areas))
        .bind(title_search(&d.title, &d.title_en, reference))
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Save a new draft; returns its id.
    pub async fn create_posting(&self, d: &PostingDraft, created_by: Option<i64>) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = tx.create_posting(d, created_by).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Put a draft on the career site. Refused (`StoreError::Refused`) unless it is a draft whose
    /// deadline is today or later.
    /// Approval by no one in particular (imports, tests): shown from today, no internal period.
    pub async fn publish_posting(&self, id: i64, today: NaiveDate) -> Result<()> {
        let plan = PublishPlan {
            publish_on: today,
            internal_until: None,
        };
        self.approve_posting(id, plan, None, today).await
    }

    /// End a published posting (early, or after its deadline). Refused unless it is published.
    pub async fn close_posting(&self, id: i64, today: NaiveDate) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.step_allowed(id, Transition::Close, today).await?;
        let n = sqlx::query(
            "UPDATE postings SET status = 'closed', updated_at = $1 WHERE id = $2 AND status = 'published'",
        )
        .bind(now())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("posting status".into()));
        }
        tx.posting_event(id, None, PostingAction::Close, "").await?;
        tx.commit().await
    }

    /// Write down as closed every published posting whose deadline day is over (they already
    /// count as closed: [`PostingStatus::effective`]), each with a line in its log. Returns how
    /// many were closed.
    pub async fn close_expired_postings(&self, today: NaiveDate) -> Result<u64> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO posting_events (posting_id, at, action, note)
             SELECT id, $1, 'close', deadline FROM postings WHERE status = 'published' AND deadline < $2",
        )
        .bind(now())
        .bind(day(today))
        .execute(tx.conn())
        .await?;
        let n = sqlx::query(
            "UPDATE postings SET status = $1, updated_at = $2 WHERE status = $3 AND deadline < $4",
        )
        .bind(PostingStatus::Closed.as_str())
        .bind(now())
        .bind(PostingStatus::Published.as_str())
        .bind(day(today))
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        if n > 0 {
            // Every instance's career-site cache and search index learn of it.
            self.bump_public_version().await?;
        }
        Ok(n)
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

    /// The newest posting's id (0 when there is none): postings are never deleted, so a count of
    /// postings is unchanged as long as this is.
    pub async fn latest_posting_id(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM postings")
                .fetch_one(self.r())
                .await?
                .unwrap_or(0),
        )
    }
}
