//! The back-office list of postings, served from memory.
//!
//! Staff filter ten years of postings (about 53,000 at OUS) by words, stage, unit, profession
//! and deadline, in four orders, a page at a time. Any combination of five filters has some that
//! no index serves well (a word in no title, a rare profession sorted by deadline), and such a
//! query walks tens of thousands of rows. Here every posting is a 32-byte record in one array
//! (stage, profession, deadline day, unit slot, and a 128-bit mask of the letter pairs in its
//! titles and reference), so the worst query is a scan of about 1.7 MB that rejects most
//! postings on a few integer tests; a page that matches early stops early. Orders are arrays of
//! slots sorted once, and a page starts by binary search at its key, in both directions.
//!
//! Freshness: triggers (migration 0008) move `staff_list_version.seq` on every change to a
//! posting or an org unit and note each changed posting in `posting_changes` with that number.
//! [`Store::staff_list`] reads the counter (one small query) on every use: when it has moved,
//! the changed postings (or everything, after a large change) are read again and a new snapshot
//! replaces the old one. So a list shows every change already committed, on every instance, and
//! a writer sees its own change on the next page it loads. Application counts are read for the
//! rows of the page shown, from the database ([`Store::fill_application_counts`]).

use crate::postings::{parse_day, PostingCard};
use crate::{Result, Store};
use chrono::{Datelike, NaiveDate};
use sqlx::FromRow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use talentflyt_domain::org::{is_within, StaffScope};
use talentflyt_domain::posting::{Engagement, PostingStatus};
use talentflyt_domain::profession::PROFESSIONS;

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

/// Above this many changed postings a refresh reads everything again rather than the changes.
const FULL_RELOAD_OVER: usize = 2000;

/// The current snapshot, and one refresh at a time.
#[derive(Default)]
pub(crate) struct ListCache {
    current: RwLock<Option<Arc<StaffList>>>,
    loading: tokio::sync::Mutex<()>,
}

impl ListCache {
    fn get(&self) -> Option<Arc<StaffList>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
    fn set(&self, list: Option<Arc<StaffList>>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = list;
    }
    /// Forget the snapshot (the schema was dropped and built again).
    pub(crate) fn clear(&self) {
        self.set(None);
    }
}

/// A posting as the list shows it.
#[derive(Debug)]
struct Entry {
    id: i64,
    created_at: i64,
    deadline: String,
    unit_id: i64,
    status: PostingStatus,
    profession: String,
    title: String,
    /// Both titles and the reference, lowercased (`postings.title_search`).
    search: String,
    engagement: Engagement,
    extent_percent: i64,
    positions: i64,
    published_at: Option<i64>,
    /// `hot` without its slot and unit slot, which depend on the snapshot.
    hot: Hot,
}

/// What a filter tests, packed: 32 bytes a posting, kept in each order's own array so that a
/// walk reads memory in sequence.
#[derive(Debug, Clone, Copy)]
struct Hot {
    mask: u128,
    deadline: i32,
    /// Where the posting is in `StaffList::entries`.
    slot: u32,
    unit: u32,
    stage: u8,
    profession: u8,
}

const DRAFT: u8 = 0;
const AWAITING: u8 = 1;
const PUBLISHED: u8 = 2;
const CLOSED: u8 = 3;
const OTHER_PROFESSION: u8 = u8::MAX;

fn profession_ix(code: &str) -> u8 {
    PROFESSIONS
        .iter()
        .position(|p| p.code == code)
        .map(|i| i as u8)
        .unwrap_or(OTHER_PROFESSION)
}

/// Days since 1 January of year 1 (a deadline that cannot be read sorts first).
fn day_number(s: &str) -> i32 {
    parse_day(s)
        .map(|d| d.num_days_from_ce())
        .unwrap_or(i32::MIN)
}

/// The letter pairs of `s` as bits: a word can be inside `s` only if its pairs' bits are all
/// set in `s`'s mask. (False positives are checked with `contains`; there are no false
/// negatives, since every pair of a substring is a pair of the string.)
fn pair_mask(s: &str) -> u128 {
    let b = s.as_bytes();
    let mut m = 0u128;
    for w in b.windows(2) {
        let h = (u32::from(w[0]) << 8 | u32::from(w[1])).wrapping_mul(2_654_435_761);
        m |= 1u128 << (h >> 25);
    }
    m
}

#[derive(FromRow)]
struct ListRow {
    id: i64,
    created_at: i64,
    deadline: String,
    unit_id: i64,
    status: String,
    review_requested_at: Option<i64>,
    profession: String,
    title: String,
    title_search: String,
    engagement: String,
    extent_percent: i64,
    positions: i64,
    published_at: Option<i64>,
}

const LIST_COLS: &str = "p.id, p.created_at, p.deadline, p.unit_id, p.status, p.review_requested_at, p.profession, p.title, p.title_search, p.engagement, p.extent_percent, p.positions, p.published_at";

impl ListRow {
    fn entry(self) -> Entry {
        let status = PostingStatus::try_from(self.status).unwrap_or(PostingStatus::Draft);
        let stage = match status {
            PostingStatus::Draft if self.review_requested_at.is_some() => AWAITING,
            PostingStatus::Draft => DRAFT,
            PostingStatus::Published => PUBLISHED,
            PostingStatus::Closed => CLOSED,
        };
        let hot = Hot {
            mask: pair_mask(&self.title_search),
            deadline: day_number(&self.deadline),
            slot: u32::MAX,
            unit: u32::MAX,
            stage,
            profession: profession_ix(&self.profession),
        };
        Entry {
            id: self.id,
            created_at: self.created_at,
            deadline: self.deadline,
            unit_id: self.unit_id,
            status,
            engagement: Engagement::try_from(self.engagement).unwrap_or(Engagement::Permanent),
            profession: self.profession,
            title: self.title,
            search: self.title_search,
            extent_percent: self.extent_percent,
            positions: self.positions,
            published_at: self.published_at,
            hot,
        }
    }
}

/// Every posting, as of one value of the change counter.
pub struct StaffList {
    seq: i64,
    /// Org units as (id, path), by id.
    units: Vec<(i64, String)>,
    entries: Vec<Arc<Entry>>,
    /// Every posting by (created_at, id), ascending.
    by_created: Vec<Hot>,
    /// Every posting by (deadline, id), ascending.
    by_deadline: Vec<Hot>,
    /// The postings not stored as closed (drafts, awaiting approval, published), by
    /// (created_at, id): at any time a few hundred of the tens of thousands.
    live: Vec<Hot>,
    latest_id: i64,
    /// Totals per scope, for this snapshot.
    totals: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for StaffList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffList")
            .field("seq", &self.seq)
            .field("postings", &self.entries.len())
            .finish()
    }
}

impl StaffList {
    fn build(seq: i64, mut units: Vec<(i64, String)>, entries: Vec<Arc<Entry>>) -> StaffList {
        units.sort_by_key(|u| u.0);
        let slot_of = |unit_id: i64| {
            units
                .binary_search_by_key(&unit_id, |u| u.0)
                .map(|i| i as u32)
                .unwrap_or(u32::MAX)
        };
        let hot: Vec<Hot> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| Hot {
                slot: i as u32,
                unit: slot_of(e.unit_id),
                ..e.hot
            })
            .collect();
        let mut by_created = hot.clone();
        by_created.sort_unstable_by_key(|h| {
            let e = &entries[h.slot as usize];
            (e.created_at, e.id)
        });
        let mut by_deadline = hot;
        by_deadline.sort_unstable_by_key(|h| (h.deadline, entries[h.slot as usize].id));
        let live = by_created
            .iter()
            .filter(|h| h.stage != CLOSED)
            .copied()
            .collect();
        StaffList {
            seq,
            latest_id: entries.iter().map(|e| e.id).max().unwrap_or(0),
            units,
            entries,
            by_created,
            by_deadline,
            live,
            totals: Mutex::default(),
        }
    }

    /// How many postings the list holds in all.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn matcher(&self, scope: &StaffScope, filter: &StaffFilter) -> Matcher {
        let allowed = self
            .units
            .iter()
            .map(|(_, path)| scope.unit_paths.iter().any(|p| is_within(path, p)))
            .collect();
        let under = filter.unit_path.as_ref().map(|top| {
            self.units
                .iter()
                .map(|(_, path)| is_within(path, top))
                .collect()
        });
        let profession = filter
            .profession
            .as_ref()
            .map(|code| (profession_ix(code), code.clone()));
        Matcher {
            allowed,
            granted: scope.posting_ids.clone(),
            under,
            stage: filter.stage,
            profession,
            from: filter.deadline_from.map(|d| d.num_days_from_ce()),
            to: filter.deadline_to.map(|d| d.num_days_from_ce()),
            today: filter.today.num_days_from_ce(),
            words: filter
                .words
                .iter()
                .map(|w| w.to_lowercase())
                .filter(|w| !w.is_empty())
                .map(|w| (pair_mask(&w), w))
                .collect(),
        }
    }

    fn matches(&self, m: &Matcher, h: &Hot) -> bool {
        let slot = h.slot as usize;
        let unit = h.unit as usize;
        let in_unit = |v: &Vec<bool>| v.get(unit).copied().unwrap_or(false);
        if !in_unit(&m.allowed)
            && (m.granted.is_empty() || m.granted.binary_search(&self.entries[slot].id).is_err())
        {
            return false;
        }
        if let Some(under) = &m.under {
            if !in_unit(under) {
                return false;
            }
        }
        let stage_ok = match m.stage {
            None => true,
            Some(StageFilter::Draft) => h.stage == DRAFT,
            Some(StageFilter::AwaitingApproval) => h.stage == AWAITING,
            Some(StageFilter::Published) => h.stage == PUBLISHED && h.deadline >= m.today,
            Some(StageFilter::Closed) => {
                h.stage == CLOSED || (h.stage == PUBLISHED && h.deadline < m.today)
            }
        };
        if !stage_ok
            || m.from.is_some_and(|d| h.deadline < d)
            || m.to.is_some_and(|d| h.deadline > d)
        {
            return false;
        }
        if let Some((ix, code)) = &m.profession {
            let same = if *ix == OTHER_PROFESSION {
                self.entries[slot].profession == *code
            } else {
                h.profession == *ix
            };
            if !same {
                return false;
            }
        }
        m.words.iter().all(|(mask, w)| {
            h.mask & mask == *mask && self.entries[slot].search.contains(w.as_str())
        })
    }

    /// A small set of postings that holds every match of `filter`, in `sort`'s order, when
    /// the filter allows one much smaller than the whole list: the live postings for a stage
    /// other than closed, or the deadline window's stretch of the deadline order. (What a
    /// database planner does with an index; without it a rare stage or a month of deadlines
    /// would be a walk through ten years.)
    fn narrowed(&self, filter: &StaffFilter, sort: StaffSort) -> Option<Vec<Hot>> {
        let mut best: Option<&[Hot]> = None;
        if matches!(
            filter.stage,
            Some(StageFilter::Draft | StageFilter::AwaitingApproval | StageFilter::Published)
        ) {
            best = Some(&self.live);
        }
        if filter.deadline_from.is_some() || filter.deadline_to.is_some() {
            let d = &self.by_deadline;
            let start = filter.deadline_from.map_or(0, |from| {
                let from = from.num_days_from_ce();
                d.partition_point(|h| h.deadline < from)
            });
            let end = filter.deadline_to.map_or(d.len(), |to| {
                let to = to.num_days_from_ce();
                d.partition_point(|h| h.deadline <= to)
            });
            let window = &d[start..end.max(start)];
            if best.is_none_or(|b| window.len() < b.len()) {
                best = Some(window);
            }
        }
        let few = best.filter(|b| b.len() <= self.by_created.len() / 8)?;
        let mut few = few.to_vec();
        few.sort_unstable_by_key(|h| self.key(sort, h));
        Some(few)
    }

    /// The sort key of a posting.
    fn key(&self, sort: StaffSort, h: &Hot) -> (i64, i64) {
        let e = &self.entries[h.slot as usize];
        match sort {
            StaffSort::Newest | StaffSort::Oldest => (e.created_at, e.id),
            StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest => (i64::from(h.deadline), e.id),
        }
    }

    fn card(&self, h: &Hot) -> PostingCard {
        let e = &self.entries[h.slot as usize];
        let unit_path = self
            .units
            .get(h.unit as usize)
            .map(|u| u.1.clone())
            .unwrap_or_default();
        PostingCard {
            id: e.id,
            title: e.title.clone(),
            unit_id: e.unit_id,
            unit_path,
            profession: e.profession.clone(),
            engagement: e.engagement,
            extent_percent: e.extent_percent,
            positions: e.positions,
            deadline: e.deadline.clone(),
            status: e.status,
            published_at: e.published_at,
            applications: 0,
        }
    }

    fn cursor(&self, sort: StaffSort, h: &Hot) -> ListCursor {
        let e = &self.entries[h.slot as usize];
        let key = match sort {
            StaffSort::Newest | StaffSort::Oldest => CursorKey::Int(e.created_at),
            StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest => {
                CursorKey::Text(e.deadline.clone())
            }
        };
        ListCursor { key, id: e.id }
    }

    /// One page of the postings `scope` sees with `filter`, in its order, starting after `at`
    /// (application counts are 0: see [`Store::fill_application_counts`]).
    pub fn page(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
    ) -> StaffPage {
        self.walk(scope, filter, at, limit, None).0
    }

    /// A page as [`StaffList::page`], and how many postings match in all, counted up to `cap`.
    /// The first page and its count are one walk through the list.
    pub fn page_and_count(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
        cap: i64,
    ) -> (StaffPage, i64) {
        let cap = cap.max(1) as usize;
        if at == PageAt::Newest {
            let (page, n) = self.walk(scope, filter, at, limit, Some(cap));
            (page, n as i64)
        } else {
            let page = self.walk(scope, filter, at, limit, None).0;
            (page, self.count(scope, filter, cap as i64))
        }
    }

    fn walk(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
        count_to: Option<usize>,
    ) -> (StaffPage, usize) {
        if scope.is_empty() {
            return (StaffPage::default(), 0);
        }
        let limit = limit.clamp(1, 500) as usize;
        let sort = filter.sort;
        let m = self.matcher(scope, filter);
        // Going forward (the first page, or the next) reads in the sort's own direction;
        // going back reads the other way and the page is turned round below.
        let forward = !matches!(at, PageAt::Newer(_));
        let desc = sort.descending() == forward;
        let narrowed = self.narrowed(filter, sort);
        let order: &[Hot] = match (&narrowed, sort) {
            (Some(few), _) => few,
            (None, StaffSort::Newest | StaffSort::Oldest) => &self.by_created,
            (None, StaffSort::DeadlineSoonest | StaffSort::DeadlineLatest) => &self.by_deadline,
        };
        let cursor = match &at {
            PageAt::Newest => None,
            PageAt::Older(c) | PageAt::Newer(c) => Some(match &c.key {
                CursorKey::Int(i) => (*i, c.id),
                CursorKey::Text(t) => (i64::from(day_number(t)), c.id),
            }),
        };
        let range = if desc {
            0..cursor.map_or(order.len(), |c| {
                order.partition_point(|h| self.key(sort, h) < c)
            })
        } else {
            cursor.map_or(0, |c| order.partition_point(|h| self.key(sort, h) <= c))..order.len()
        };
        let mut found: Vec<&Hot> = Vec::with_capacity(limit + 1);
        let mut counted = 0;
        let mut take = |h| {
            if self.matches(&m, h) {
                counted += 1;
                if found.len() <= limit {
                    found.push(h);
                }
            }
            // Done when the page is full and counted far enough.
            found.len() > limit && count_to.is_none_or(|cap| counted >= cap)
        };
        if desc {
            for h in order[range].iter().rev() {
                if take(h) {
                    break;
                }
            }
        } else {
            for h in &order[range] {
                if take(h) {
                    break;
                }
            }
        }
        let counted = count_to.map_or(counted, |cap| counted.min(cap));
        let more = found.len() > limit;
        if more {
            // The extra row is the one furthest along the walk.
            found.pop();
        }
        if !forward {
            // Read backwards: turn the page the sort's way round.
            found.reverse();
        }
        let first = found.first().map(|h| self.cursor(sort, h));
        let last = found.last().map(|h| self.cursor(sort, h));
        let (older, newer) = match at {
            PageAt::Newest => (last.filter(|_| more), None),
            PageAt::Older(_) => (last.filter(|_| more), first),
            PageAt::Newer(_) => (last, first.filter(|_| more)),
        };
        let page = StaffPage {
            latest_id: (!found.is_empty()).then_some(self.latest_id),
            cards: found.into_iter().map(|h| self.card(h)).collect(),
            older,
            newer,
        };
        (page, counted)
    }

    /// How many postings `scope` sees with `filter`, counted up to `cap`.
    pub fn count(&self, scope: &StaffScope, filter: &StaffFilter, cap: i64) -> i64 {
        if scope.is_empty() {
            return 0;
        }
        let m = self.matcher(scope, filter);
        let cap = cap.max(1) as usize;
        self.narrowed(filter, StaffSort::Newest)
            .as_deref()
            .unwrap_or(&self.by_created)
            .iter()
            .filter(|h| self.matches(&m, h))
            .take(cap)
            .count() as i64
    }

    /// How many postings `scope` sees in all (counted once per scope and snapshot).
    pub fn total(&self, scope: &StaffScope) -> i64 {
        let key = format!("{:?}|{:?}", scope.unit_paths, scope.posting_ids);
        if let Some(n) = self
            .totals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return *n;
        }
        let everything = StaffFilter::default();
        let n = self.count(scope, &everything, i64::MAX);
        let mut totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
        if totals.len() > 10_000 {
            totals.clear();
        }
        totals.insert(key, n);
        n
    }
}

struct Matcher {
    /// Per unit slot: in the scope's subtrees.
    allowed: Vec<bool>,
    /// Postings granted one by one, sorted.
    granted: Vec<i64>,
    /// Per unit slot: under the unit filtered on.
    under: Option<Vec<bool>>,
    stage: Option<StageFilter>,
    profession: Option<(u8, String)>,
    from: Option<i32>,
    to: Option<i32>,
    today: i32,
    words: Vec<(u128, String)>,
}

impl Store {
    /// The back-office list as of now: the snapshot in memory if the change counter has not
    /// moved since it was read, else a new one with what changed.
    pub async fn staff_list(&self) -> Result<Arc<StaffList>> {
        let seq = self.staff_list_seq().await?;
        if let Some(l) = self.lists.get().filter(|l| l.seq == seq) {
            return Ok(l);
        }
        let _one = self.lists.loading.lock().await;
        // Another request may have loaded it meanwhile.
        let seq = self.staff_list_seq().await?;
        let old = self.lists.get();
        if let Some(l) = old.as_ref().filter(|l| l.seq == seq) {
            return Ok(l.clone());
        }
        let units: Vec<(i64, String)> = sqlx::query_as("SELECT id, path FROM org_units")
            .fetch_all(self.r())
            .await?;
        let changed: Option<Vec<i64>> = match &old {
            // Behind the counter (a fresh schema) or nothing yet: read everything.
            Some(l) if l.seq < seq => {
                let ids: Vec<i64> =
                    sqlx::query_scalar("SELECT posting_id FROM posting_changes WHERE seq > $1")
                        .bind(l.seq)
                        .fetch_all(self.r())
                        .await?;
                (ids.len() <= FULL_RELOAD_OVER).then_some(ids)
            }
            _ => None,
        };
        let entries: Vec<Arc<Entry>> = match (changed, &old) {
            (Some(ids), Some(l)) => {
                let rows: Vec<ListRow> = sqlx::query_as(&format!(
                    "SELECT {LIST_COLS} FROM postings p
                     WHERE p.id IN (SELECT posting_id FROM posting_changes WHERE seq > $1)"
                ))
                .bind(l.seq)
                .fetch_all(self.r())
                .await?;
                let mut fresh: HashMap<i64, Arc<Entry>> = rows
                    .into_iter()
                    .map(|r| (r.id, Arc::new(r.entry())))
                    .collect();
                let gone: std::collections::HashSet<i64> = ids
                    .into_iter()
                    .filter(|id| !fresh.contains_key(id))
                    .collect();
                let mut entries: Vec<Arc<Entry>> = l
                    .entries
                    .iter()
                    .filter(|e| !gone.contains(&e.id))
                    .map(|e| fresh.remove(&e.id).unwrap_or_else(|| e.clone()))
                    .collect();
                entries.extend(fresh.into_values());
                entries
            }
            _ => {
                let rows: Vec<ListRow> =
                    sqlx::query_as(&format!("SELECT {LIST_COLS} FROM postings p"))
                        .fetch_all(self.r())
                        .await?;
                rows.into_iter().map(|r| Arc::new(r.entry())).collect()
            }
        };
        let list = Arc::new(StaffList::build(seq, units, entries));
        self.lists.set(Some(list.clone()));
        Ok(list)
    }

    async fn staff_list_seq(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT seq FROM staff_list_version WHERE id = 1")
                .fetch_one(self.r())
                .await?,
        )
    }

    /// Fill in how many applications each card's posting has, and read the change counter in
    /// the same query (one round trip for a page of up to 256).
    async fn fill_counts_read_seq(&self, cards: &mut [PostingCard]) -> Result<i64> {
        let mut seq = None;
        for chunk in cards.chunks_mut(256) {
            // A fixed number of placeholders per size class keeps the prepared statement reused;
            // the rest are 0, which is no posting's id.
            let n = chunk.len().next_power_of_two().max(16);
            let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT posting_id, COUNT(*) FROM applications WHERE posting_id IN ({}) GROUP BY posting_id
                 UNION ALL SELECT -1, seq FROM staff_list_version WHERE id = 1",
                marks.join(", ")
            );
            let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
            for i in 0..n {
                q = q.bind(chunk.get(i).map(|c| c.id).unwrap_or(0));
            }
            let mut counts: HashMap<i64, i64> = q.fetch_all(self.r()).await?.into_iter().collect();
            seq = seq.or(counts.remove(&-1));
            for c in chunk.iter_mut() {
                c.applications = counts.get(&c.id).copied().unwrap_or(0);
            }
        }
        match seq {
            Some(seq) => Ok(seq),
            None => self.staff_list_seq().await,
        }
    }

    /// What the back-office list shows: one page of the postings a staff member sees, filtered
    /// and sorted, with their application counts, and how many match (all of them unfiltered,
    /// up to `cap` filtered). The page is taken from the snapshot in memory and checked against
    /// the change counter read with the application counts, so the usual page costs one small
    /// query; when the counter has moved, the snapshot is brought up to date and the page taken
    /// again. Going back to the top gives the first page, full.
    pub async fn staff_list_page(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
        cap: i64,
    ) -> Result<(StaffPage, i64)> {
        let mut list = match self.lists.get() {
            Some(l) => l,
            None => self.staff_list().await?,
        };
        let mut refreshed = false;
        loop {
            let (mut page, n) = if filter.is_empty() {
                (
                    list.page(scope, filter, at.clone(), limit),
                    list.total(scope),
                )
            } else {
                list.page_and_count(scope, filter, at.clone(), limit, cap)
            };
            if matches!(at, PageAt::Newer(_)) && page.newer.is_none() {
                page = list.page(scope, filter, PageAt::Newest, limit);
            }
            let seq = self.fill_counts_read_seq(&mut page.cards).await?;
            if seq == list.seq || refreshed {
                return Ok((page, n));
            }
            list = self.staff_list().await?;
            refreshed = true;
        }
    }

    /// One page of the postings a staff member sees, filtered and sorted, with their
    /// application counts. Pages are found by key (the posting a page continues from), so the
    /// thousandth page of ten years costs what the first does.
    pub async fn staff_postings_page(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        at: PageAt,
        limit: i64,
    ) -> Result<StaffPage> {
        let mut page = self.staff_list().await?.page(scope, filter, at, limit);
        self.fill_counts_read_seq(&mut page.cards).await?;
        Ok(page)
    }

    /// How many postings a staff member sees with `filter`, counted up to `cap`.
    pub async fn staff_postings_filtered_count(
        &self,
        scope: &StaffScope,
        filter: &StaffFilter,
        cap: i64,
    ) -> Result<i64> {
        Ok(self.staff_list().await?.count(scope, filter, cap))
    }

    /// How many postings a staff member sees in all.
    pub async fn staff_postings_count(&self, scope: &StaffScope) -> Result<i64> {
        Ok(self.staff_list().await?.total(scope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_inside_a_title_always_passes_the_pair_mask() {
        let title = "intensivsykepleier – seksjon for barn og unge 2026-114";
        for (i, _) in title.char_indices() {
            for (j, _) in title[i..].char_indices().skip(1) {
                let word = &title[i..i + j];
                assert_eq!(
                    pair_mask(word) & pair_mask(title),
                    pair_mask(word),
                    "{word}"
                );
            }
        }
        // Most words that are not there are turned away by the mask alone.
        let absent = [
            "psykolog",
            "jordmor",
            "radiograf",
            "bioingeniør",
            "overlege",
        ];
        let passed = absent
            .iter()
            .filter(|w| pair_mask(w) & pair_mask(title) == pair_mask(w))
            .count();
        assert!(
            passed <= 1,
            "{passed} of {} absent words passed",
            absent.len()
        );
    }

    /// A list of `n` postings over ten years, one in ten not closed, on three units.
    fn synthetic(n: i64) -> StaffList {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let professions = ["nurse", "midwife", "psychologist"];
        let entries = (1..=n)
            .map(|id| {
                let created = today - chrono::Days::new((n - id) as u64 * 3650 / n as u64);
                let deadline = created + chrono::Days::new(14 + (id % 20) as u64);
                let status = match id % 10 {
                    0 => "draft",
                    1 if id > n - 200 => "published",
                    _ => "closed",
                };
                Arc::new(
                    ListRow {
                        id,
                        created_at: created.and_hms_opt(8, 0, 0).unwrap().and_utc().timestamp()
                            + id % 7,
                        deadline: deadline.format("%Y-%m-%d").to_string(),
                        unit_id: 1 + id % 3,
                        status: status.into(),
                        review_requested_at: (id % 20 == 0).then_some(1),
                        profession: professions[(id % 3) as usize].into(),
                        title: format!("Stilling {id}"),
                        title_search: format!("stilling {id} 2026-{id}"),
                        engagement: "permanent".into(),
                        extent_percent: 100,
                        positions: 1,
                        published_at: None,
                    }
                    .entry(),
                )
            })
            .collect();
        let units = vec![(1, "/1/".into()), (2, "/1/2/".into()), (3, "/1/3/".into())];
        StaffList::build(1, units, entries)
    }

    /// Pages through a narrowed set (live postings, a deadline window) give exactly what a
    /// check of every posting in the list's order gives.
    #[test]
    fn narrowed_pages_and_counts_match_a_check_of_every_posting() {
        let list = synthetic(4000);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let scope = StaffScope {
            unit_paths: vec!["/1/".into()],
            posting_ids: vec![],
        };
        let windows = [
            (None, None),
            (
                Some(today - chrono::Days::new(400)),
                Some(today - chrono::Days::new(340)),
            ),
            (Some(today - chrono::Days::new(30)), None),
            (None, Some(today - chrono::Days::new(3600))),
        ];
        let mut narrowed = 0;
        for stage in [
            None,
            Some(StageFilter::Draft),
            Some(StageFilter::AwaitingApproval),
            Some(StageFilter::Published),
            Some(StageFilter::Closed),
        ] {
            for (from, to) in windows {
                for sort in StaffSort::ALL {
                    let f = StaffFilter {
                        stage,
                        deadline_from: from,
                        deadline_to: to,
                        sort,
                        today,
                        ..StaffFilter::default()
                    };
                    narrowed += usize::from(list.narrowed(&f, sort).is_some());
                    let m = list.matcher(&scope, &f);
                    let order = match sort {
                        StaffSort::Newest | StaffSort::Oldest => &list.by_created,
                        _ => &list.by_deadline,
                    };
                    let mut expected: Vec<i64> = order
                        .iter()
                        .filter(|h| list.matches(&m, h))
                        .map(|h| list.entries[h.slot as usize].id)
                        .collect();
                    if sort.descending() {
                        expected.reverse();
                    }
                    let (first, n) = list.page_and_count(&scope, &f, PageAt::Newest, 25, 100_000);
                    assert_eq!(n as usize, expected.len(), "{f:?}");
                    assert_eq!(list.count(&scope, &f, 100_000) as usize, expected.len());
                    let mut seen: Vec<i64> = first.cards.iter().map(|c| c.id).collect();
                    let mut older = first.older;
                    while let Some(c) = older {
                        let page = list.page(&scope, &f, PageAt::Older(c), 25);
                        seen.extend(page.cards.iter().map(|c| c.id));
                        older = page.older;
                    }
                    assert_eq!(seen, expected, "{f:?}");
                }
            }
        }
        assert!(
            narrowed >= 40,
            "the narrowed paths were taken ({narrowed} times)"
        );
    }

    #[test]
    fn deadlines_number_in_date_order() {
        assert!(day_number("2026-01-31") < day_number("2026-02-01"));
        assert_eq!(day_number("2026-02-01") - day_number("2026-01-31"), 1);
        assert_eq!(day_number("not a date"), i32::MIN);
    }
}
