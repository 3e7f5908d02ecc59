//! The candidate experience survey's results (R14), for HR: per unit, the number of answers,
//! the Net Promoter Score and the mean of each question, and the comments, each only where at
//! least `domain::survey::MIN_GROUP` answered; smaller groups say so and show nothing else.
//!
//! The period is a calendar year, never a span of months of the reader's choosing: two
//! overlapping spans would give a hidden group's answers by difference. For the same reason
//! the total covers only the units shown.

use super::{hr_only, report_year};
use crate::error::AppError;
use crate::extract::{ReqLang, Staff};
use crate::i18n::{t, tf};
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use talentflyt_domain::survey::{net_promoter, shown, MIN_GROUP};
use talentflyt_store::UnitAnswers;

struct Line {
    unit: String,
    answers: usize,
    /// Empty when the group is too small.
    nps: String,
    means: Vec<String>,
    comments: Vec<String>,
    shown: bool,
}

#[derive(Template)]
#[template(path = "admin/surveys.html")]
struct SurveysPage {
    p: PageCtx,
    /// (year, chosen)
    years: Vec<(i32, bool)>,
    lines: Vec<Line>,
    total: Option<Line>,
    suppressed_note: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SurveysQuery {
    year: String,
}

fn mean(v: &[u8]) -> String {
    if v.is_empty() {
        return String::new();
    }
    let m = v.iter().map(|x| f64::from(*x)).sum::<f64>() / v.len() as f64;
    format!("{m:.1}").replace('.', ",")
}

fn line(unit: String, a: &UnitAnswers) -> Line {
    let n = a.nps.len();
    if !shown(n) {
        return Line {
            unit,
            answers: n,
            nps: String::new(),
            means: vec![],
            comments: vec![],
            shown: false,
        };
    }
    let means = vec![mean(&a.informed), mean(&a.respect), mean(&a.speed)];
    let nps = net_promoter(&a.nps)
        .map(|x| format!("{x:+}"))
        .unwrap_or_default();
    Line {
        unit,
        answers: n,
        nps,
        means,
        comments: a.comments.clone(),
        shown: true,
    }
}

/// `GET /admin/surveys`: the last twelve months by default.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Query(q): Query<SurveysQuery>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let this_year = state.today().year();
    let (year, years) = report_year(&q.year, this_year);
    let (from, to) = (format!("{year}-01"), format!("{year}-12"));
    let paths = staff.access.staff_scope().unit_paths;
    let answers = state.store.survey_answers(&paths, &from, &to).await?;
    let units = state.units().await;
    let name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name(lang).to_owned())
            .unwrap_or_default()
    };
    let lines = answers.iter().map(|a| line(name(a.unit_id), a)).collect();
    // The total of the units shown only: with the hidden ones it would give them away.
    let mut all = UnitAnswers::default();
    for a in answers.iter().filter(|a| shown(a.nps.len())) {
        all.nps.extend(&a.nps);
        all.informed.extend(&a.informed);
        all.respect.extend(&a.respect);
        all.speed.extend(&a.speed);
    }
    let total = shown(all.nps.len()).then(|| line(t(lang, "survey.all_units").to_owned(), &all));
    render(&SurveysPage {
        p: staff.page(
            &state,
            lang,
            t(lang, "survey.results_title"),
            // The language switch keeps the year.
            format!("/admin/surveys?year={year}"),
        ),
        years,
        lines,
        total,
        suppressed_note: tf(
            lang,
            "survey.suppressed_note",
            &[("n", &MIN_GROUP.to_string())],
        ),
    })
}
