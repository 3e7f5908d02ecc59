//! The open ads for machines: RSS 2.0 and Atom 1.0 feeds (all ads, or those of one clinic,
//! profession or search: the same query string as `/jobs`), `sitemap.xml` and `robots.txt`.
//! Made from the in-memory index of open ads and kept in the page cache, so a feed reader
//! polling every minute costs no database query.

use super::cached_as;
use super::index::{Open, Query as IndexQuery, Sort};
use super::search::{Filter, ListQuery};
use super::structured::{html_escape, summary};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::format::UnitNames;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OpenPosting, OrgUnit};

/// The most entries a feed holds (the newest).
const MAX_ENTRIES: usize = 500;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rss,
    Atom,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Rss => "/jobs/feed.rss",
            Kind::Atom => "/jobs/feed.atom",
        }
    }
    fn content_type(self) -> &'static str {
        match self {
            Kind::Rss => "application/rss+xml; charset=utf-8",
            Kind::Atom => "application/atom+xml; charset=utf-8",
        }
    }
}

pub async fn rss(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    feed(state, lang, q, Kind::Rss).await
}

pub async fn atom(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    feed(state, lang, q, Kind::Atom).await
}

/// One entry, ready to be written either way.
struct Entry {
    title: String,
    url: String,
    published: DateTime<Utc>,
    text: String,
    category: String,
}

fn entries(
    open: &Open,
    filter: &Filter,
    units: &[OrgUnit],
    lang: Lang,
    base: &str,
) -> Result<Vec<Entry>, AppError> {
    let names = UnitNames::new(units);
    // A feed is newest first, whatever order the search page had.
    let query = IndexQuery {
        sort: Sort::Newest,
        ..filter.index_query(units)
    };
    Ok(open
        .find(&query, 0, MAX_ENTRIES)?
        .page
        .iter()
        .map(|p| entry(p, &names, lang, base))
        .collect())
}

fn entry(p: &OpenPosting, names: &UnitNames, lang: Lang, base: &str) -> Entry {
    let title = lang.pick(&p.title, &p.title_en).0.to_owned();
    let profession = profession::name(&p.profession, lang);
    let facts = format!(
        "{} · {} · {} %, {}. {}: {}.",
        names.unit(p.unit_id, lang),
        profession,
        p.extent_percent,
        t(lang, p.engagement.label_key()),
        t(lang, "job.deadline"),
        i18n::date_str(lang, &p.deadline),
    );
    Entry {
        title,
        url: format!("{base}/jobs/{}", p.id),
        published: p
            .published_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or_default(),
        text: format!("{facts} {}", summary(&p.body, 300)),
        category: profession,
    }
}

async fn feed(state: AppState, lang: Lang, q: ListQuery, kind: Kind) -> Result<Response, AppError> {
    let units = state.units().await;
    let filter = Filter::parse(&q, &units);
    let self_path = filter.feed_href(kind.path());
    let key = if filter.clean {
        Cacheable::Yes(self_path.clone())
    } else {
        Cacheable::No
    };
    cached_as(&state, lang, key, kind.content_type(), || async {
        let base = state.cfg.base_url.trim_end_matches('/').to_owned();
        let open = state.search.open(&state, state.today()).await?;
        let list = entries(&open, &filter, &units, lang, &base)?;
        let mut title = format!("{} – {}", state.cfg.brand.org_name, t(lang, "jobs.title"));
        if let Some(c) = filter
            .clinic
            .as_ref()
            .and_then(|c| units.iter().find(|u| &u.code == c))
        {
            title.push_str(&format!(" – {}", c.name(lang)));
        }
        if let Some(p) = filter.profession {
            title.push_str(&format!(" – {}", profession::name(p, lang)));
        }
        let feed = Feed {
            title,
            self_url: format!("{base}{self_path}"),
            page_url: format!("{base}{}", filter.feed_href("/jobs")),
            org: state.cfg.brand.org_name.clone(),
            lang,
            updated: list.iter().map(|e| e.published).max().unwrap_or_default(),
            entries: list,
        };
        Ok(match kind {
            Kind::Rss => feed.rss(),
            Kind::Atom => feed.atom(),
        })
    })
    .await
}

struct Feed {
    title: String,
    self_url: String,
    page_url: String,
    org: String,
    lang: Lang,
    updated: DateTime<Utc>,
    entries: Vec<Entry>,
}

impl Feed {
    fn rss(&self) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
        x.push_str(&format!(
            "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>{}</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n<lastBuildDate>{}</lastBuildDate>\n",
            html_escape(&self.title),
            html_escape(&self.page_url),
            html_escape(&self.title),
            self.lang.code(),
            html_escape(&self.self_url),
            self.updated.to_rfc2822(),
        ));
        for e in &self.entries {
            x.push_str(&format!(
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n<category>{}</category>\n</item>\n",
                html_escape(&e.title),
                html_escape(&e.url),
                html_escape(&e.url),
                e.published.to_rfc2822(),
                html_escape(&e.text),
                html_escape(&e.category),
            ));
        }
        x.push_str("</channel>\n</rss>\n");
        x
    }

    fn atom(&self) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
            self.lang.code(),
            html_escape(&self.title),
            html_escape(&self.self_url),
            html_escape(&self.self_url),
            html_escape(&self.page_url),
            self.updated.to_rfc3339(),
            html_escape(&self.org),
        ));
        for e in &self.entries {
            x.push_str(&format!(
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n<summary>{}</summary>\n<category term=\"{}\"/>\n</entry>\n",
                html_escape(&e.title),
                html_escape(&e.url),
                html_escape(&e.url),
                e.published.to_rfc3339(),
                e.published.to_rfc3339(),
                html_escape(&e.text),
                html_escape(&e.category),
            ));
        }
        x.push_str("</feed>\n");
        x
    }
}

/// Every open ad and the list, for search engines.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    cached_as(
        &state,
        Lang::Nb,
        Cacheable::Yes("/sitemap.xml".into()),
        "application/xml; charset=utf-8",
        || async {
            let base = state.cfg.base_url.trim_end_matches('/').to_owned();
            let open = state.search.open(&state, state.today()).await?;
            let mut x = String::from(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            let units = state.units().await;
            let pages = ["/jobs", "/jobs/clinics", "/jobs/students"]
                .into_iter()
                .map(str::to_owned)
                .chain(
                    units
                        .iter()
                        .filter(|u| u.kind == talentflyt_domain::org::UnitKind::Clinic)
                        .map(|u| format!("/jobs/clinics/{}", urlencoding::encode(&u.code))),
                );
            for page in pages {
                x.push_str(&format!("<url><loc>{}{page}</loc></url>\n", html_escape(&base)));
            }
            for p in open.postings() {
                let lastmod = p
                    .published_at
                    .and_then(|t| DateTime::from_timestamp(t, 0))
                    .map(|d| format!("<lastmod>{}</lastmod>", d.format("%Y-%m-%d")))
                    .unwrap_or_default();
                x.push_str(&format!(
                    "<url><loc>{}/jobs/{}</loc>{lastmod}</url>\n",
                    html_escape(&base),
                    p.id
                ));
            }
            x.push_str("</urlset>\n");
            Ok(x)
        },
    )
    .await
}

/// Crawlers may read the career site, not the back office; the sitemap is named.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.cfg.base_url.trim_end_matches('/');
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        format!("User-agent: *\nDisallow: /admin\nDisallow: /login\nSitemap: {base}/sitemap.xml\n"),
    )
        .into_response()
}
