//! The back office: postings for HR and managers, and the applications behind them.
//! Every read of a candidate's data is written to the audit trail by the store call that reads it;
//! a record someone may not see answers like a missing one, and the attempt is audited.

pub mod applicant_list;
pub mod applications;
pub mod clinics;
pub mod inclusion;
pub mod interviews;
pub mod offers;
pub mod pipeline;
pub mod postings;
pub mod preferences;
pub mod publishing;
pub mod questions;
pub mod recommendation;
pub mod references;
pub mod requisitions;
pub mod scorecards;
pub mod search;
pub mod surveys;
pub mod talent_pool;
pub mod templates;

use crate::error::AppError;
use crate::extract::{ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::UnitNames;
use crate::view::options::Options;
use crate::view::{render, PageCtx, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use talentflyt_store::{
    ListCursor, OrgUnit, PageAt, Posting, Reader, StaffFilter, StaffSort, StageFilter, SubjectKind,
};

/// A form with nothing but its CSRF token (publish).
#[derive(Deserialize)]
pub struct Empty {}

/// HR's pages (templates, clinic pages, the talent pool, sources): for those who manage
/// postings anywhere.
pub(crate) fn hr_only(staff: &Staff) -> Result<(), AppError> {
    if staff.access.may_manage_any_postings() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The calendar year a yearly report (surveys, inclusion) shows: `?year=` when it is one of the
/// ten up to this one, else this one; and the ten to choose from, newest first, with the chosen
/// one marked. A year, never a span of the reader's choosing: overlapping spans would give a
/// hidden group away by difference.
pub(crate) fn report_year(asked: &str, this_year: i32) -> (i32, Vec<(i32, bool)>) {
    let year = asked
        .parse::<i32>()
        .ok()
        .filter(|y| (this_year - 9..=this_year).contains(y))
        .unwrap_or(this_year);
    let years = (this_year - 9..=this_year)
        .rev()
        .map(|y| (y, y == year))
        .collect();
    (year, years)
}

/// Refuse `staff` a record they may not see: the attempt goes to the audit trail, and the answer
/// is `answer` (404 for a record they may not know exists, 403 for an action on one they see).
pub(crate) async fn refuse(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    kind: SubjectKind,
    id: i64,
    answer: AppError,
) -> AppError {
    match state
        .store
        .audit_denied(&Reader::user(staff.user.id, ip), kind, id)
        .await
    {
        Ok(()) => answer,
        Err(e) => e.into(),
    }
}

/// A unit from the cached org tree (no database round trip); a unit newer than the cache is
/// read from the database.
pub(crate) async fn unit_of(state: &AppState, id: i64) -> Result<OrgUnit, AppError> {
    if let Some(u) = state.units().await.iter().find(|u| u.id == id) {
        return Ok(u.clone());
    }
    Ok(state.store.unit(id).await?)
}

/// A posting as one staff member sees it.
pub(crate) struct Seen {
    pub posting: Posting,
    pub unit: OrgUnit,
    pub may_manage: bool,
    pub may_read: bool,
}

/// The posting and its unit, if this person may see it at all. If not, the answer is the same
/// "not found" as for a posting that does not exist, and the attempt is in the audit trail.
pub(crate) async fn visible_posting(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<Seen, AppError> {
    let posting = state.store.posting(id).await?;
    let unit = unit_of(state, posting.unit_id).await?;
    let may_manage = staff.access.may_manage_postings_in(&unit.path);
    let may_read = staff
        .access
        .may_read_applications_of(&unit.path, posting.id);
    if !may_manage && !may_read {
        return Err(refuse(
            state,
            staff,
            ip,
            SubjectKind::Posting,
            id,
            AppError::NotFound,
        )
        .await);
    }
    Ok(Seen {
        posting,
        unit,
        may_manage,
        may_read,
    })
}

/// The posting for a reader of its applications; others get its 404, audited.
pub(crate) async fn readable_posting(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<Seen, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    if !seen.may_read {
        return Err(refuse(
            state,
            staff,
            ip,
            SubjectKind::Posting,
            id,
            AppError::NotFound,
        )
        .await);
    }
    Ok(seen)
}

/// The posting for one who may handle its candidates: readers who may not get 403.
pub(crate) async fn handled_posting(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<Seen, AppError> {
    let seen = readable_posting(state, staff, ip, id).await?;
    if !staff.access.may_handle_candidates_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

pub(crate) struct Row {
    id: i64,
    title: String,
    unit: String,
    status: &'static str,
    deadline: String,
    applications: i64,
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    p: PageCtx,
    may_create: bool,
    /// HR edits the ad templates.
    may_templates: bool,
    rows: Vec<Row>,
    /// Innstillinger waiting for this user's signature: posting and title.
    to_sign: Vec<(i64, String)>,
    /// Offers waiting for this user's approval: posting and title.
    to_approve: Vec<(i64, String)>,
    /// Signed in, but with no role that shows postings (e.g. an employee).
    no_roles: bool,
    count_text: String,
    pager: Pager,
    /// The filter form as sent.
    q: String,
    statuses: Options,
    units: Vec<(i64, String, bool)>,
    professions: Options,
    sorts: Options,
    from: String,
    to: String,
    filtered: bool,
}

const STAFF_PAGE_SIZE: i64 = 50;
/// A filtered list counts its postings up to this many.
const COUNT_CAP: i64 = 1000;

/// The list's query: filters, order, and where the page starts. Unknown values are ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    q: String,
    status: String,
    unit: String,
    profession: String,
    from: String,
    to: String,
    sort: String,
    older: Option<String>,
    newer: Option<String>,
}

impl PageQuery {
    /// The filter this query asks for, within what `units` holds.
    fn filter(&self, units: &[OrgUnit], today: chrono::NaiveDate) -> StaffFilter {
        let date = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        StaffFilter {
            words: self
                .q
                .chars()
                .take(100)
                .collect::<String>()
                .to_lowercase()
                .split_whitespace()
                .take(5)
                .map(str::to_owned)
                .collect(),
            stage: StageFilter::parse(&self.status),
            unit_path: self
                .unit
                .parse::<i64>()
                .ok()
                .and_then(|id| units.iter().find(|u| u.id == id))
                .map(|u| u.path.clone()),
            profession: talentflyt_domain::profession::find(&self.profession)
                .map(|p| p.code.to_owned()),
            deadline_from: date(&self.from),
            deadline_to: date(&self.to),
            sort: StaffSort::parse(&self.sort).unwrap_or_default(),
            today,
        }
    }

    /// The filters as a query string, for links that keep them (paging).
    fn params(&self, f: &StaffFilter) -> String {
        let mut out = vec![];
        let mut add = |k: &str, v: &str| {
            if !v.is_empty() {
                out.push(format!("{k}={}", urlencoding::encode(v)));
            }
        };
        add("q", self.q.trim());
        add("status", f.stage.map(|s| s.as_str()).unwrap_or(""));
        add(
            "unit",
            if f.unit_path.is_some() {
                &self.unit
            } else {
                ""
            },
        );
        add("profession", f.profession.as_deref().unwrap_or(""));
        add(
            "from",
            if f.deadline_from.is_some() {
                &self.from
            } else {
                ""
            },
        );
        add(
            "to",
            if f.deadline_to.is_some() {
                &self.to
            } else {
                ""
            },
        );
        if f.sort != StaffSort::default() {
            add("sort", f.sort.as_str());
        }
        out.join("&")
    }
}

pub async fn home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let scope = staff.access.staff_scope();
    let scope_empty = scope.is_empty();
    let units = state.units().await;
    let filter = q.filter(&units, state.today());
    // Pages are found by key ("after this posting"), so page 1,000 of ten years costs what
    // page 1 does; a bad key shows the first page.
    let at = match (
        q.older
            .as_deref()
            .and_then(|c| ListCursor::parse(c, filter.sort)),
        q.newer
            .as_deref()
            .and_then(|c| ListCursor::parse(c, filter.sort)),
    ) {
        (Some(c), _) => PageAt::Older(c),
        (None, Some(c)) => PageAt::Newer(c),
        _ => PageAt::Newest,
    };
    // A filtered list is counted up to COUNT_CAP (see `store::staff_list`).
    let (page, n) = state
        .store
        .staff_list_page(&scope, &filter, at, STAFF_PAGE_SIZE, COUNT_CAP + 1)
        .await?;
    let count_text = if !filter.is_empty() && n > COUNT_CAP {
        i18n::tf(lang, "admin.count_over", &[("n", &COUNT_CAP.to_string())])
    } else {
        i18n::count(lang, n, "admin.count_one", "admin.count_many")
    };
    let names = UnitNames::new(&units);
    let today = state.today();
    let rows = page
        .cards
        .into_iter()
        .map(|c| Row {
            id: c.id,
            unit: names.unit(c.unit_id, lang),
            status: t(lang, c.effective_status(today).label_key()),
            deadline: i18n::date_str(lang, &c.deadline),
            applications: c.applications,
            title: c.title,
        })
        .collect();
    let params = q.params(&filter);
    let href = |key: &str, c: ListCursor| {
        let sep = if params.is_empty() { "" } else { "&" };
        format!("/admin?{params}{sep}{key}={}", c.param())
    };
    let option = |value: &str, label: &str, on: bool| (value.to_owned(), label.to_owned(), on);
    let to_sign = if scope_empty {
        vec![]
    } else {
        let authority = state.cfg.appointing_authority;
        state
            .store
            .awaiting_signature()
            .await?
            .into_iter()
            .filter(|r| {
                r.submitted_by != Some(staff.user.id)
                    && staff.access.may_sign(authority, &r.unit_path)
            })
            .map(|r| (r.posting_id, r.title))
            .collect()
    };
    let to_approve = if scope_empty {
        vec![]
    } else {
        let mut v: Vec<(i64, String)> = state
            .store
            .offers_awaiting_approval()
            .await?
            .into_iter()
            .filter(|o| {
                o.proposed_by != Some(staff.user.id)
                    && staff.access.may_manage_postings_in(&o.unit_path)
            })
            .map(|o| (o.posting_id, o.title))
            .collect();
        v.dedup();
        v
    };
    render(&HomePage {
        to_sign,
        to_approve,
        p: staff.page(&state, lang, t(lang, "admin.postings"), "/admin"),
        may_create: staff.access.may_write_any_ads(),
        may_templates: staff.access.may_manage_any_postings(),
        no_roles: scope_empty && !staff.access.may_manage_any_postings(),
        rows,
        count_text,
        pager: Pager {
            prev_href: page.newer.map(|c| href("newer", c)),
            next_href: page.older.map(|c| href("older", c)),
            text: t(lang, filter.sort.label_key()).to_owned(),
        },
        statuses: StageFilter::ALL
            .iter()
            .map(|s| option(s.as_str(), t(lang, s.label_key()), filter.stage == Some(*s)))
            .collect(),
        units: crate::view::options::unit_options(&units, lang, &q.unit, |u| {
            scope
                .unit_paths
                .iter()
                .any(|p| talentflyt_domain::org::is_within(&u.path, p))
        }),
        professions: crate::view::options::profession_options(
            lang,
            filter.profession.as_deref().unwrap_or(""),
        ),
        sorts: StaffSort::ALL
            .iter()
            .map(|s| option(s.as_str(), t(lang, s.label_key()), filter.sort == *s))
            .collect(),
        from: filter
            .deadline_from
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        to: filter
            .deadline_to
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        filtered: !filter.is_empty(),
        q: q.q.chars().take(100).collect(),
    })
}
