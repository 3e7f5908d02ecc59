//! The list of open postings with search and filters (`/jobs`).
//!
//! The query string is parsed into a [`Filter`] first: words are cut to what the search uses,
//! unknown clinics, professions and engagements are dropped, and the page is a number in range.
//! The page cache is keyed on the filter's canonical form, so junk parameters and spellings of
//! the same search share one entry, and a page for input that had to be cut or dropped is not
//! kept at all. Only the validated words are shown back to the reader.

use super::cached;
use super::index::Query as IndexQuery;
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::format::UnitNames;
use crate::view::options::{engagement_options, nb_sort_key, profession_options, Options};
use crate::view::{page_count, PageCtx, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::posting::Engagement;
use talentflyt_domain::profession;
use talentflyt_store::OrgUnit;

const PAGE_SIZE: i64 = 20;
/// The most words a search uses, and the longest word and query read.
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 50;
const MAX_QUERY_CHARS: usize = 200;
const MAX_PAGE: i64 = 10_000;

/// The query string as sent; every field is text so that junk is dropped, not refused.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    clinic: Option<String>,
    profession: Option<String>,
    engagement: Option<String>,
    page: Option<String>,
}

/// A search, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Lowercased words.
    pub words: Vec<String>,
    /// The code of a clinic that exists.
    pub clinic: Option<String>,
    pub profession: Option<&'static str>,
    pub engagement: Option<Engagement>,
    pub page: i64,
    /// Whether everything sent was used as sent (only then is the page cached).
    pub clean: bool,
}

impl Filter {
    pub fn parse(q: &ListQuery, units: &[OrgUnit]) -> Filter {
        let mut clean = true;
        let raw = q.q.as_deref().unwrap_or("");
        if raw.chars().count() > MAX_QUERY_CHARS {
            clean = false;
        }
        let mut words: Vec<String> = Vec::new();
        for w in raw
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect::<String>()
            .split_whitespace()
        {
            let w: String = w
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .to_lowercase();
            if w.chars().count() > MAX_WORD_CHARS || words.len() == MAX_WORDS {
                clean = false;
                continue;
            }
            if !w.is_empty() && !words.contains(&w) {
                words.push(w);
            }
        }
        let mut known = |v: Option<&str>, ok: bool| {
            if v.is_some_and(|v| !v.is_empty()) && !ok {
                clean = false;
            }
        };
        let clinic = q.clinic.as_deref().filter(|c| !c.is_empty());
        let clinic_ok = clinic.is_some_and(|c| {
            units
                .iter()
                .any(|u| u.code == c && u.kind == UnitKind::Clinic)
        });
        known(clinic, clinic_ok);
        let prof = q
            .profession
            .as_deref()
            .and_then(profession::find)
            .map(|p| p.code);
        known(q.profession.as_deref(), prof.is_some());
        let engagement = q.engagement.as_deref().and_then(Engagement::parse);
        known(q.engagement.as_deref(), engagement.is_some());
        let page = match q.page.as_deref().filter(|p| !p.is_empty()) {
            None => 1,
            Some(p) => match p.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    clean = false;
                    1
                }
            },
        };
        Filter {
            words,
            clinic: clinic.filter(|_| clinic_ok).map(str::to_owned),
            profession: prof,
            engagement,
            page,
            clean,
        }
    }

    /// The search as the index of open ads takes it.
    pub fn index_query(&self, units: &[OrgUnit]) -> IndexQuery {
        let clinic_unit = self.clinic.as_ref().and_then(|c| {
            units
                .iter()
                .find(|u| &u.code == c && u.kind == UnitKind::Clinic)
        });
        IndexQuery {
            words: self.words.clone(),
            unit_path: clinic_unit.map(|u| u.path.clone()),
            profession: self.profession.map(str::to_owned),
            engagement: self.engagement,
        }
    }

    /// The link to a feed (`path`) of this search: its filters without the page.
    pub fn feed_href(&self, path: &str) -> String {
        let query = self.href(1);
        let query = query
            .trim_start_matches("/jobs?")
            .trim_end_matches("page=1")
            .trim_end_matches('&');
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The link to page `page` of this search (also the cache key, with the page).
    pub fn href(&self, page: i64) -> String {
        let mut parts = vec![];
        let q = self.words.join(" ");
        for (k, v) in [
            ("q", Some(q.as_str())),
            ("clinic", self.clinic.as_deref()),
            ("profession", self.profession),
            ("engagement", self.engagement.map(|e| e.as_str())),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", urlencoding::encode(v)));
            }
        }
        parts.push(format!("page={page}"));
        format!("/jobs?{}", parts.join("&"))
    }
}

pub(crate) struct Card {
    id: i64,
    title: String,
    /// The language the title is written in.
    title_lang: &'static str,
    unit: String,
    clinic: String,
    profession: String,
    extent: String,
    engagement: &'static str,
    deadline: String,
}

#[derive(Template)]
#[template(path = "career/search.html")]
struct SearchPage {
    p: PageCtx,
    q: String,
    clinics: Options,
    professions: Options,
    engagements: Options,
    count_text: String,
    cards: Vec<Card>,
    pager: Pager,
    /// This search as feeds (the query string is encoded already).
    feed_query: String,
    atom_query: String,
}

pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let units = state.units().await;
    let filter = Filter::parse(&q, &units);
    let key = if filter.clean {
        Cacheable::Yes(filter.href(filter.page))
    } else {
        Cacheable::No
    };
    cached(&state, lang, key, || async {
        let names = UnitNames::new(&units);
        let query = filter.index_query(&units);
        let today = state.today();
        let size = PAGE_SIZE as usize;
        let offset = (filter.page as usize - 1) * size;
        let (mut rows, total) = state
            .search
            .search(&state, today, &query, offset, size)
            .await?;
        let pages = page_count(total as i64, PAGE_SIZE);
        // Past the last page (an old link after postings closed): show the last page instead.
        let page = if filter.page > pages {
            rows = state
                .search
                .search(&state, today, &query, (pages as usize - 1) * size, size)
                .await?
                .0;
            pages
        } else {
            filter.page
        };
        let cards = rows
            .into_iter()
            .map(|c| {
                let (title, title_lang) = lang.pick(&c.title, &c.title_en);
                Card {
                    id: c.id,
                    unit: names.unit(c.unit_id, lang),
                    clinic: names.clinic(c.unit_id, lang),
                    profession: profession::name(&c.profession, lang),
                    extent: format!("{} %", c.extent_percent),
                    engagement: t(lang, c.engagement.label_key()),
                    deadline: i18n::date_str(lang, &c.deadline),
                    title_lang: title_lang.code(),
                    title: title.to_owned(),
                }
            })
            .collect();
        let mut clinics: Options = units
            .iter()
            .filter(|u| u.kind == UnitKind::Clinic)
            .map(|u| {
                (
                    u.code.clone(),
                    u.name(lang).to_owned(),
                    Some(&u.code) == filter.clinic.as_ref(),
                )
            })
            .collect();
        clinics.sort_by_cached_key(|c| nb_sort_key(&c.1));
        SearchPage {
            p: PageCtx::new(&state, lang, t(lang, "jobs.title"), filter.href(page)),
            q: filter.words.join(" "),
            clinics,
            professions: profession_options(lang, filter.profession.unwrap_or("")),
            engagements: engagement_options(
                lang,
                filter.engagement.map(|e| e.as_str()).unwrap_or(""),
            ),
            count_text: i18n::count(lang, total as i64, "jobs.count_one", "jobs.count_many"),
            cards,
            pager: Pager::new(lang, page, pages, |n| filter.href(n)),
            feed_query: filter.feed_href("/jobs/feed.rss"),
            atom_query: filter.feed_href("/jobs/feed.atom"),
        }
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str) -> OrgUnit {
        OrgUnit {
            id: 2,
            parent_id: Some(1),
            kind: UnitKind::Clinic,
            code: code.into(),
            name_nb: "Akuttklinikken".into(),
            name_en: "Emergencies".into(),
            path: "/1/2/".into(),
            site: String::new(),
        }
    }

    fn q(query: &str) -> ListQuery {
        serde_urlencoded::from_str(query).unwrap()
    }

    #[test]
    fn searches_are_parsed_into_one_canonical_filter() {
        let units = [unit("AKU")];
        let a = Filter::parse(&q("q=Sykepleier%20%20natt&clinic=AKU&page=2"), &units);
        let b = Filter::parse(&q("page=2&q=sykepleier+natt&clinic=AKU&utm=x"), &units);
        assert_eq!(
            a, b,
            "spelling and junk parameters do not make a new search"
        );
        assert!(a.clean);
        assert_eq!(a.href(2), "/jobs?q=sykepleier%20natt&clinic=AKU&page=2");
    }

    #[test]
    fn invalid_or_overlong_input_is_dropped_and_never_cached() {
        let units = [unit("AKU")];
        for bad in [
            "clinic=NOPE",
            "profession=astronaut",
            "engagement=forever",
            "page=abc",
            "page=99999999",
        ] {
            let f = Filter::parse(&q(bad), &units);
            assert!(!f.clean, "{bad}");
            assert_eq!(f.href(1), "/jobs?page=1", "{bad} is dropped");
        }
        let long = format!("q={}", "a".repeat(5000));
        let f = Filter::parse(&q(&long), &units);
        assert!(!f.clean && f.words.is_empty());
        let many = format!(
            "q={}",
            (0..20)
                .map(|i| format!("w{i}"))
                .collect::<Vec<_>>()
                .join("+")
        );
        let f = Filter::parse(&q(&many), &units);
        assert_eq!(f.words.len(), MAX_WORDS);
        assert!(!f.clean);
    }
}
