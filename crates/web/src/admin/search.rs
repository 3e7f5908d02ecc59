//! Search across every application the reader may see (the postings of their grants): names,
//! e-mail, what the forms said and the text of the documents. Each application shown is audited.

use crate::error::AppError;
use crate::extract::{ClientIp, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::{render, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use talentflyt_store::Reader;

const PAGE: i64 = 25;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// `yes`: only those still waiting for a final answer.
    #[serde(default)]
    open: String,
    #[serde(default)]
    page: Option<i64>,
}

struct Hit {
    id: i64,
    name: String,
    posting_id: i64,
    posting_title: String,
    phase: &'static str,
    submitted: String,
}

#[derive(Template)]
#[template(path = "admin/search.html")]
struct SearchPage {
    p: PageCtx,
    q: String,
    open: bool,
    searched: bool,
    hits: Vec<Hit>,
    prev_href: Option<String>,
    next_href: Option<String>,
    no_scope: bool,
}

fn href(q: &SearchQuery, page: i64) -> String {
    let mut h = format!("/admin/search?q={}", urlencoding::encode(&q.q));
    if q.open == "yes" {
        h.push_str("&open=yes");
    }
    if page > 1 {
        h.push_str(&format!("&page={page}"));
    }
    h
}

/// `GET /admin/search?q=…`.
pub async fn search(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let scope = staff.access.staff_scope();
    let page = q.page.unwrap_or(1).clamp(1, 1000);
    let searched = !talentflyt_store::search_words(&q.q).is_empty();
    let (hits, more) = if searched {
        state
            .store
            .search_applications(
                &Reader::user(staff.user.id, &ip),
                &scope,
                &q.q,
                q.open == "yes",
                (page - 1) * PAGE,
                PAGE,
            )
            .await?
    } else {
        (vec![], false)
    };
    let hits = hits
        .into_iter()
        .map(|h| Hit {
            id: h.id,
            name: format!("{} {}", h.given_name, h.family_name),
            posting_id: h.posting_id,
            posting_title: h.posting_title,
            phase: t(lang, h.phase.label_key()),
            submitted: i18n::datetime(lang, h.submitted_at),
        })
        .collect();
    render(&SearchPage {
        p: staff.page(&state, lang, t(lang, "search.title"), "/admin/search"),
        open: q.open == "yes",
        searched,
        hits,
        prev_href: (page > 1).then(|| href(&q, page - 1)),
        next_href: more.then(|| href(&q, page + 1)),
        no_scope: scope.is_empty(),
        q: q.q,
    })
}
