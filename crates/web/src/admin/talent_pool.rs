//! The talent pool as HR sees it: how many confirmed job alerts follow each profession, clinic,
//! place and target group. Counts only, and a count under five is not shown, so no one's
//! interests can be read from it (A4).

use crate::error::AppError;
use crate::extract::{ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::options::nb_sort_key;
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use std::collections::HashMap;
use talentflyt_domain::ad::TargetGroup;
use talentflyt_domain::{profession, Lang};
use talentflyt_jobs::alerts::pool_sizes;

/// Counts below this are shown as "fewer than 5".
pub const MIN_SHOWN: usize = 5;

pub(crate) struct PoolTable {
    id: &'static str,
    caption: &'static str,
    rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/talent_pool.html")]
struct PoolPage {
    p: PageCtx,
    total: String,
    tables: Vec<PoolTable>,
}

fn shown(lang: Lang, n: usize) -> String {
    if n < MIN_SHOWN {
        i18n::tf(lang, "pool.fewer_than", &[("n", &MIN_SHOWN.to_string())])
    } else {
        n.to_string()
    }
}

fn table(
    lang: Lang,
    id: &'static str,
    caption: &'static str,
    counts: &HashMap<String, usize>,
    name: impl Fn(&str) -> String,
) -> PoolTable {
    let mut rows: Vec<(String, usize)> = counts
        .iter()
        .map(|(k, n)| {
            let label = if k.is_empty() {
                t(lang, "pool.any").to_owned()
            } else {
                name(k)
            };
            (label, *n)
        })
        .collect();
    rows.sort_by_cached_key(|(label, n)| (std::cmp::Reverse(*n), nb_sort_key(label)));
    PoolTable {
        id,
        caption: t(lang, caption),
        rows: rows
            .into_iter()
            .map(|(label, n)| (label, shown(lang, n)))
            .collect(),
    }
}

/// `GET /admin/talent-pool`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    super::hr_only(&staff)?;
    let sizes = pool_sizes(&state.store.active_alerts().await?);
    let units = state.units().await;
    let unit_name = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.name(lang).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    let tables = vec![
        table(
            lang,
            "pool-professions",
            "pool.by_profession",
            &sizes.professions,
            |c| profession::name(c, lang),
        ),
        table(
            lang,
            "pool-clinics",
            "pool.by_clinic",
            &sizes.clinics,
            unit_name,
        ),
        table(lang, "pool-places", "pool.by_place", &sizes.places, |p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }),
        table(
            lang,
            "pool-targets",
            "pool.by_target",
            &sizes.targets,
            |g| {
                TargetGroup::parse(g)
                    .map(|g| t(lang, g.label_key()).to_owned())
                    .unwrap_or_else(|| g.to_owned())
            },
        ),
    ];
    render(&PoolPage {
        p: staff.page(&state, lang, t(lang, "pool.title"), "/admin/talent-pool"),
        total: shown(lang, sizes.total),
        tables,
    })
}
