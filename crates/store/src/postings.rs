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

fn parse_day(s: &str) -> Option<NaiveDate> {
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

const POSTING_COLS: &str =
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

    /// Open postings for the career site, newest first, and how many match in all.
    pub async fn public_postings(&self, f: &PublicFilter) -> Result<(Vec<PostingCard>, i64)> {
        let mut w = Where {
            clauses: vec![],
            texts: vec![],
        };
        w.push(
            |n| format!("p.status = ${n}"),
            PostingStatus::Published.as_str().into(),
        );
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

    /// One page of the postings a staff member sees, filtered and sorted, with their
    /// application counts. Pages are found by key (the posting a page continues from), never by
    /// OFFSET, so the thousandth page of ten years costs what the first does.
    pub async fn staff_postings_page(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
    ) -> Result<StaffPage> {
        if scope.is_empty() {
            return Ok(StaffPage::default());
        }
        let limit = limit.clamp(1, 500);
        let (mut w, binds) = filter_sql(scope, filter);
        let sort = filter.sort;
        // Going forward (the first page, or the next) reads in the sort's own direction;
        // going back reads the other way and the page is turned round below.
        let forward = !matches!(at, PageAt::Newer(_));
        let desc = sort.descending() == forward;
        let (dir, op) = if desc { ("DESC", "<") } else { ("ASC", ">") };
        let col = sort.column();
        let cursor = match &at {
            PageAt::Newest => None,
            PageAt::Older(c) | PageAt::Newer(c) => Some(c),
        };
        let n = binds.len();
        if cursor.is_some() {
            w = format!("{w} AND ({col}, p.id) {op} (${}, ${})", n + 1, n + 2);
        }
        let natural = if sort.descending() { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT p.id, p.title, p.unit_id, u.path AS unit_path, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.status, p.published_at, p.created_at,
                    (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id) AS applications,
                    (SELECT MAX(id) FROM postings) AS latest_id
             FROM (SELECT p.id FROM postings p WHERE {w} ORDER BY {col} {dir}, p.id {dir} LIMIT {}) page
             JOIN postings p ON p.id = page.id JOIN org_units u ON u.id = p.unit_id
             ORDER BY {col} {natural}, p.id {natural}",
            limit + 1
        );
        let mut q = sqlx::query_as::<_, KeyedCard>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        if let Some(c) = &cursor {
            q = match &c.key {
                CursorKey::Int(i) => q.bind(*i),
                CursorKey::Text(t) => q.bind(t.clone()),
            }
            .bind(c.id);
        }
        let mut rows = q.fetch_all(self.r()).await?;
        let more = rows.len() as i64 > limit;
        if more {
            if forward {
                rows.pop();
            } else {
                // Read backwards, the extra row is the one furthest back: the first.
                rows.remove(0);
            }
        }
        let latest_id = rows.first().map(|r| r.latest_id);
        let first = rows.first().map(|r| r.cursor(sort));
        let last = rows.last().map(|r| r.cursor(sort));
        let (older, newer) = match at {
            PageAt::Newest => (last.filter(|_| more), None),
            PageAt::Older(_) => (last.filter(|_| more), first),
            PageAt::Newer(_) => (last, first.filter(|_| more)),
        };
        Ok(StaffPage {
            cards: rows.into_iter().map(|r| r.card).collect(),
            older,
            newer,
            latest_id,
        })
    }

    /// How many postings a staff member sees with `filter`, counted up to `cap` (a list
    /// says "more than 1,000" rather than walk ten years to count them all).
    pub async fn staff_postings_filtered_count(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        cap: i64,
    ) -> Result<i64> {
        if scope.is_empty() {
            return Ok(0);
        }
        let (w, binds) = filter_sql(scope, filter);
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM postings p WHERE {w} LIMIT {}) capped",
            cap.max(1)
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        Ok(q.fetch_one(self.r()).await?)
    }

    /// How many postings a staff member sees in all.
    pub async fn staff_postings_count(&self, scope: &StaffScope) -> Result<i64> {
        if scope.is_empty() {
            return Ok(0);
        }
        let (sql_scope, texts) = scope_sql(scope);
        let sql = format!("SELECT COUNT(*) FROM postings p WHERE {sql_scope}");
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        Ok(q.fetch_one(self.r()).await?)
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
        // Take the page first, then count applications for its rows only: counting inside the
        // paged query would count for every row OFFSET skips (25,000 lookups on page 500).
        let sql = format!(
            "SELECT p.id, p.title, p.unit_id, u.path AS unit_path, p.profession, p.engagement, p.extent_percent, p.positions, p.deadline, p.status, p.published_at,
                    (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id) AS applications
             FROM (SELECT p.id {from} ORDER BY p.created_at DESC, p.id DESC LIMIT {} OFFSET {}) page
             JOIN postings p ON p.id = page.id JOIN org_units u ON u.id = p.unit_id
             ORDER BY p.created_at DESC, p.id DESC",
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

/// Where a page of the back-office list continues from: the sort key and id of a posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// The sort column's value at the posting (created_at, or the deadline).
    pub key: CursorKey,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    Int(i64),
    Text(String),
}

impl ListCursor {
    /// From a link's `KEY.ID`, for the list sorted by `sort`.
    pub fn parse(s: &str, sort: StaffSort) -> Option<ListCursor> {
        let (k, id) = s.rsplit_once('.')?;
        let key = match sort {
            StaffSort::Newest | StaffSort::Oldest => CursorKey::Int(k.parse().ok()?),
            StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest => {
                parse_day(k)?;
                CursorKey::Text(k.to_owned())
            }
        };
        Some(ListCursor {
            key,
            id: id.parse().ok()?,
        })
    }
    /// For a link.
    pub fn param(&self) -> String {
        match &self.key {
            CursorKey::Int(i) => format!("{i}.{}", self.id),
            CursorKey::Text(t) => format!("{t}.{}", self.id),
        }
    }
}

/// The order of the back-office list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StaffSort {
    #[default]
    Newest,
    Oldest,
    DeadlineSoonest,
    DeadlineLatest,
}

impl StaffSort {
    pub const ALL: [StaffSort; 4] = [
        StaffSort::Newest,
        StaffSort::Oldest,
        StaffSort::DeadlineSoonest,
        StaffSort::DeadlineLatest,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StaffSort::Newest => "newest",
            StaffSort::Oldest => "oldest",
            StaffSort::DeadlineSoonest => "deadline",
            StaffSort::DeadlineLatest => "deadline_desc",
        }
    }
    pub fn parse(s: &str) -> Option<StaffSort> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            StaffSort::Newest => "admin.sort.newest",
            StaffSort::Oldest => "admin.sort.oldest",
            StaffSort::DeadlineSoonest => "admin.sort.deadline",
            StaffSort::DeadlineLatest => "admin.sort.deadline_desc",
        }
    }
    fn column(self) -> &'static str {
        match self {
            StaffSort::Newest | StaffSort::Oldest => "p.created_at",
            StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest => "p.deadline",
        }
    }
    fn descending(self) -> bool {
        matches!(self, StaffSort::Newest | StaffSort::DeadlineLatest)
    }
}

/// Where a posting is, as the back-office list filters it (see `domain::posting::Stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageFilter {
    Draft,
    AwaitingApproval,
    /// Approved: scheduled, internal or open, deadline not passed.
    Published,
    Closed,
}

impl StageFilter {
    pub const ALL: [StageFilter; 4] = [
        StageFilter::Draft,
        StageFilter::AwaitingApproval,
        StageFilter::Published,
        StageFilter::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StageFilter::Draft => "draft",
            StageFilter::AwaitingApproval => "awaiting",
            StageFilter::Published => "published",
            StageFilter::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<StageFilter> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            StageFilter::Draft => "status.draft",
            StageFilter::AwaitingApproval => "status.awaiting_approval",
            StageFilter::Published => "status.published",
            StageFilter::Closed => "status.closed",
        }
    }
}

/// The back-office list's filters and order. Words match the title and the reference.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    /// Lowercased words, each of which must appear.
    pub words: Vec<String>,
    pub stage: Option<StageFilter>,
    /// Only postings in this unit's subtree.
    pub unit_path: Option<String>,
    pub profession: Option<String>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    pub sort: StaffSort,
    /// Today, for "published" and "closed".
    pub today: NaiveDate,
}

impl StaffFilter {
    /// No filter at all (the order does not count).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.stage.is_none()
            && self.unit_path.is_none()
            && self.profession.is_none()
            && self.deadline_from.is_none()
            && self.deadline_to.is_none()
    }
}

/// The scope and filters as a WHERE clause on `postings p`, with its text binds in order.
fn filter_sql(scope: &StaffScope, f: &StaffFilter) -> (String, Vec<String>) {
    let (scope_sql, texts) = scope_sql(scope);
    let mut w = Where {
        clauses: vec![scope_sql],
        texts,
    };
    let today = day(f.today);
    match f.stage {
        Some(StageFilter::Draft) => w
            .clauses
            .push("p.status = 'draft' AND p.review_requested_at IS NULL".into()),
        Some(StageFilter::AwaitingApproval) => w
            .clauses
            .push("p.status = 'draft' AND p.review_requested_at IS NOT NULL".into()),
        Some(StageFilter::Published) => w.push(
            |n| format!("p.status = 'published' AND p.deadline >= ${n}"),
            today,
        ),
        Some(StageFilter::Closed) => w.push(
            // `|| ''` keeps SQLite from answering the OR with two index searches and row
            // lookups: the covering list index answers it by itself.
            |n| format!("(p.status || '' = 'closed' OR (p.status || '' = 'published' AND p.deadline < ${n}))"),
            today,
        ),
        None => {}
    }
    if let Some(path) = &f.unit_path {
        w.push(
            |n| format!("p.unit_id IN (SELECT id FROM org_units WHERE path LIKE ${n} ESCAPE '\\')"),
            format!("{}%", like_escape(path)),
        );
    }
    if let Some(code) = &f.profession {
        w.push(|n| format!("p.profession = ${n}"), code.clone());
    }
    if let Some(d) = f.deadline_from {
        w.push(|n| format!("p.deadline >= ${n}"), day(d));
    }
    if let Some(d) = f.deadline_to {
        w.push(|n| format!("p.deadline <= ${n}"), day(d));
    }
    for word in &f.words {
        w.push(
            |n| format!("p.title_search LIKE ${n} ESCAPE '\\'"),
            format!("%{}%", like_escape(word)),
        );
    }
    (w.sql(), w.texts)
}

/// Which page of the back-office list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    Newest,
    /// The postings just older than this one.
    Older(ListCursor),
    /// The postings just newer than this one.
    Newer(ListCursor),
}

/// One page of the back-office list and where its neighbours start.
#[derive(Debug, Clone, Default)]
pub struct StaffPage {
    pub cards: Vec<PostingCard>,
    pub older: Option<ListCursor>,
    pub newer: Option<ListCursor>,
    /// The newest posting's id anywhere, read with the page (for caching counts); `None` when
    /// the page is empty.
    pub latest_id: Option<i64>,
}

#[derive(FromRow)]
struct KeyedCard {
    #[sqlx(flatten)]
    card: PostingCard,
    created_at: i64,
    latest_id: i64,
}

impl KeyedCard {
    fn cursor(&self, sort: StaffSort) -> ListCursor {
        let key = match sort {
            StaffSort::Newest | StaffSort::Oldest => CursorKey::Int(self.created_at),
            StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest => {
                CursorKey::Text(self.card.deadline.clone())
            }
        };
        ListCursor {
            key,
            id: self.card.id,
        }
    }
}

/// The staff scope as a WHERE clause on `postings p` and its bind values: every posting in the
/// scope's unit subtrees (through the small org-unit table), and the postings granted one by one.
fn scope_sql(scope: &StaffScope) -> (String, Vec<String>) {
    let mut ors = Vec::new();
    let mut texts = Vec::new();
    if !scope.unit_paths.is_empty() {
        let likes: Vec<String> = scope
            .unit_paths
            .iter()
            .map(|p| {
                texts.push(format!("{}%", like_escape(p)));
                format!("path LIKE ${} ESCAPE '\\'", texts.len())
            })
            .collect();
        // A scope over a whole trust holds nearly every posting: searching the unit index for
        // each of its units and sorting would cost more than walking the list index in order,
        // so `+` keeps the planner off the unit index there.
        let whole_trust = scope
            .unit_paths
            .iter()
            .any(|p| p.split('/').filter(|s| !s.is_empty()).count() <= 1);
        ors.push(format!(
            "{}p.unit_id IN (SELECT id FROM org_units WHERE {})",
            if whole_trust { "+" } else { "" },
            likes.join(" OR ")
        ));
    }
    if !scope.posting_ids.is_empty() {
        let ids: Vec<String> = scope.posting_ids.iter().map(i64::to_string).collect();
        ors.push(format!("p.id IN ({})", ids.join(",")));
    }
    (format!("({})", ors.join(" OR ")), texts)
}
