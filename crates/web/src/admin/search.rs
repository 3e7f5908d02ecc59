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
use talentflyt_store::{Reader, SearchAt, SearchHits};

const PAGE: i64 = 25;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// `yes`: only those still waiting for a final answer.
    #[serde(default)]
    open: String,
    /// The page older than this application (the key of the page before); a key that is not
    /// a number shows the newest page.
    #[serde(default)]
    older: String,
    /// The page newer than this application.
    #[serde(default)]
    newer: String,
}

impl SearchQuery {
    fn at(&self) -> SearchAt {
        match (self.older.parse(), self.newer.parse()) {
            (Ok(k), _) => SearchAt::Older(k),
            (_, Ok(k)) => SearchAt::Newer(k),
            _ => SearchAt::Newest,
        }
    }
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

/// The link to the page on one side (`older` or `newer`) of application `key`.
fn href(q: &SearchQuery, side: &str, key: i64) -> String {
    let mut h = format!("/admin/search?q={}", urlencoding::encode(&q.q));
    if q.open == "yes" {
        h.push_str("&open=yes");
    }
    h.push_str(&format!("&{side}={key}"));
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
    let searched = !talentflyt_store::search_words(&q.q).is_empty();
    let page = if searched {
        state
            .store
            .search_applications(
                &Reader::user(staff.user.id, &ip),
                &scope,
                &q.q,
                q.open == "yes",
                q.at(),
                PAGE,
            )
            .await?
    } else {
        SearchHits::default()
    };
    let hits = page
        .hits
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
        prev_href: page.newer.map(|k| href(&q, "newer", k)),
        next_href: page.older.map(|k| href(&q, "older", k)),
        no_scope: scope.is_empty(),
        q: q.q,
    })
}
