//! The inclusion check (R15), for HR: per clinic and calendar year, whether qualified applicants
//! who declared a disability or a CV gap were called to interview, and the share of hires who
//! had declared, against the owner's target of `domain::inclusion::TARGET_PERCENT` %.
//!
//! Counts only, from the voluntary self-declarations kept apart from the applications; every
//! group under `domain::inclusion::MIN_GROUP`, and every figure that would give one away, is
//! hidden (`domain::inclusion::suppress`). The period is a settled calendar year, never a span
//! of the reader's choosing, and its figures are frozen the first time they are read
//! (`Store::inclusion_year`): overlapping periods, or the same year on two days, cannot give a
//! hidden group away by difference.

use super::{hr_only, report_year};
use crate::error::AppError;
use crate::extract::{ReqLang, Staff};
use crate::i18n::{decimal, t, tf};
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use talentflyt_domain::applicant_list::sort_key;
use talentflyt_domain::inclusion::{suppress, Counts, Shown, MIN_GROUP, TARGET_PERCENT};
use talentflyt_domain::org::{is_within, UnitKind};
use talentflyt_domain::Lang;
use talentflyt_store::{inclusion_settled, OrgUnit};

/// A row as the table shows it: every figure as text, a hidden one as "skjult".
struct Line {
    unit: String,
    cells: Vec<String>,
    share: String,
}

#[derive(Template)]
#[template(path = "admin/inclusion.html")]
struct InclusionPage {
    p: PageCtx,
    /// (year, chosen)
    years: Vec<(i32, bool)>,
    lines: Vec<Line>,
    total: Option<Line>,
    intro: String,
    suppressed_note: String,
    none: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct InclusionQuery {
    year: String,
}

fn line(lang: Lang, unit: String, s: &Shown) -> Line {
    let hidden = t(lang, "inclusion.hidden");
    let cell = |v: Option<i64>| v.map_or_else(|| hidden.to_owned(), |n| n.to_string());
    let share = match (s.share_permille(), s.meets_target()) {
        (Some(p), Some(met)) => tf(
            lang,
            if met {
                "inclusion.share_met"
            } else {
                "inclusion.share_below"
            },
            &[("share", &decimal(lang, p as f64 / 10.0))],
        ),
        _ if s.hires == 0 => t(lang, "inclusion.no_hires").to_owned(),
        _ => hidden.to_owned(),
    };
    Line {
        unit,
        cells: vec![
            s.postings.to_string(),
            cell(s.declared),
            cell(s.qualified),
            cell(s.interviewed),
            cell(s.postings_with),
            cell(s.postings_missed),
            s.hires.to_string(),
            cell(s.hires_declared),
        ],
        share,
    }
}

/// `GET /admin/inclusion`: the last settled year by default, `?year=` for one of the nine
/// before.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Query(q): Query<InclusionQuery>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let today = state.today();
    // The years settled (and so frozen), the newest first.
    let latest = if today >= inclusion_settled(today.year() - 1) {
        today.year() - 1
    } else {
        today.year() - 2
    };
    let (year, years) = report_year(&q.year, latest);
    // The whole trust's figures, hidden as one table in one fixed order (by the clinics'
    // place in the tree), whoever reads them and in whatever language: two readers, or two
    // languages, hiding different cells could be put together to find a hidden group.
    let units_found = state
        .store
        .inclusion_year(year, today)
        .await?
        .unwrap_or_default();
    // Per clinic: a department's or section's figures alone would mostly be too small to
    // show, and one level only, so no level can be taken from another to find a hidden group.
    let units = state.units().await;
    let mut clinics: Vec<(&OrgUnit, Counts)> = vec![];
    for found in &units_found {
        let Some(clinic) = units
            .iter()
            .find(|u| u.kind == UnitKind::Clinic && is_within(&found.unit_path, &u.path))
            .or_else(|| units.iter().find(|u| u.id == found.unit_id))
        else {
            continue;
        };
        match clinics.iter_mut().find(|(c, _)| c.id == clinic.id) {
            Some((_, sum)) => sum.add(&found.counts),
            None => clinics.push((clinic, found.counts)),
        }
    }
    clinics.sort_by(|a, b| a.0.path.cmp(&b.0.path).then(a.0.id.cmp(&b.0.id)));
    let counts: Vec<Counts> = clinics.iter().map(|c| c.1).collect();
    let (shown, sum) = suppress(&counts);
    // The reader sees the clinics wholly within their units (an advisor over one department
    // sees none), and the total only when they see them all.
    let paths = staff.access.staff_scope().unit_paths;
    let mut seen: Vec<(&OrgUnit, &Shown)> = clinics
        .iter()
        .zip(&shown)
        .filter(|((u, _), _)| paths.iter().any(|p| is_within(&u.path, p)))
        .map(|((u, _), s)| (*u, s))
        .collect();
    let all = seen.len() == clinics.len();
    // Whether the reader's units hold a whole clinic at all (else nothing is ever shown).
    let holds_clinic = units
        .iter()
        .any(|u| u.kind == UnitKind::Clinic && paths.iter().any(|p| is_within(&u.path, p)));
    // In Norwegian alphabetical order (æ, ø, å last).
    seen.sort_by_cached_key(|(u, _)| sort_key(u.name(lang), ""));
    let lines: Vec<Line> = seen
        .iter()
        .map(|(u, s)| line(lang, u.name(lang).to_owned(), s))
        .collect();
    let total =
        (all && lines.len() > 1).then(|| line(lang, t(lang, "inclusion.total").to_owned(), &sum));
    let n = MIN_GROUP.to_string();
    render(&InclusionPage {
        // The language switch keeps the year.
        p: staff.page(
            &state,
            lang,
            t(lang, "inclusion.title"),
            format!("/admin/inclusion?year={year}"),
        ),
        years,
        lines,
        total,
        intro: tf(
            lang,
            "inclusion.intro",
            &[("target", &TARGET_PERCENT.to_string())],
        ),
        suppressed_note: tf(lang, "inclusion.suppressed_note", &[("n", &n)]),
        none: if holds_clinic {
            tf(lang, "inclusion.none", &[("year", &year.to_string())])
        } else {
            t(lang, "inclusion.no_clinic").to_owned()
        },
    })
}
