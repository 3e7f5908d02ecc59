//! The list of open postings with search and filters (`/jobs`).
//!
//! The query string is parsed into a [`Filter`] first: words are cut to what the search uses,
//! unknown clinics, professions and engagements are dropped, and the page is a number in range.
//! The page cache is keyed on the filter's canonical form, so junk parameters and spellings of
//! the same search share one entry, and a page for input that had to be cut or dropped is not
//! kept at all. Only the validated words are shown back to the reader.

use super::cached;
use super::index::{place_key, Extent, Facets, Query as IndexQuery, Sort, WITHIN_DAYS};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::format::UnitNames;
use crate::view::options::{nb_sort_key, Options};
use crate::view::{page_count, PageCtx, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use talentflyt_domain::ad::{CompetenceArea, TargetGroup};
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::posting::Engagement;
use talentflyt_domain::profession;
use talentflyt_domain::Lang;
use talentflyt_store::{OpenPosting, OrgUnit};

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
    unit: Option<String>,
    profession: Option<String>,
    place: Option<String>,
    extent: Option<String>,
    engagement: Option<String>,
    target: Option<String>,
    area: Option<String>,
    within: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// The longest place read (as long as an ad's place may be).
const MAX_PLACE_CHARS: usize = 100;

/// A search, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Lowercased words.
    pub words: Vec<String>,
    /// The code of a clinic that exists.
    pub clinic: Option<String>,
    /// The code of a unit below the clinic.
    pub unit: Option<String>,
    pub profession: Option<&'static str>,
    /// A place as written (trimmed).
    pub place: Option<String>,
    pub extent: Option<Extent>,
    pub engagement: Option<Engagement>,
    pub target: Option<TargetGroup>,
    pub area: Option<CompetenceArea>,
    /// One of [`WITHIN_DAYS`].
    pub within: Option<u32>,
    /// The order asked for, when it is not the default one.
    pub sort: Option<Sort>,
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
        let clinic = q
            .clinic
            .as_deref()
            .filter(|c| !c.is_empty())
            .and_then(|c| unit_by_code(units, c, Some(UnitKind::Clinic)));
        known(q.clinic.as_deref(), clinic.is_some());
        // A unit counts only below the chosen clinic.
        let unit = q
            .unit
            .as_deref()
            .filter(|c| !c.is_empty())
            .and_then(|c| unit_by_code(units, c, None))
            .filter(|u| clinic.is_some_and(|c| u.id != c.id && u.path.starts_with(&c.path)));
        known(q.unit.as_deref(), unit.is_some());
        let prof = q
            .profession
            .as_deref()
            .and_then(profession::find)
            .map(|p| p.code);
        known(q.profession.as_deref(), prof.is_some());
        let place = q
            .place
            .as_deref()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty());
        let place_ok = place.as_ref().is_none_or(|p| {
            p.chars().count() <= MAX_PLACE_CHARS && !p.chars().any(char::is_control)
        });
        known(place.as_deref(), place_ok);
        let extent = q.extent.as_deref().and_then(Extent::parse);
        known(q.extent.as_deref(), extent.is_some());
        let engagement = q.engagement.as_deref().and_then(Engagement::parse);
        known(q.engagement.as_deref(), engagement.is_some());
        let target = q.target.as_deref().and_then(TargetGroup::parse);
        known(q.target.as_deref(), target.is_some());
        let area = q.area.as_deref().and_then(CompetenceArea::parse);
        known(q.area.as_deref(), area.is_some());
        let within = q
            .within
            .as_deref()
            .and_then(|w| w.parse::<u32>().ok())
            .filter(|w| WITHIN_DAYS.contains(w));
        known(q.within.as_deref(), within.is_some());
        let sort = q.sort.as_deref().and_then(Sort::parse);
        known(q.sort.as_deref(), sort.is_some());
        // Best match first; without words every ad matches alike, so that is newest first.
        let default_sort = Sort::Relevance;
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
            clinic: clinic.map(|u| u.code.clone()),
            unit: unit.map(|u| u.code.clone()),
            profession: prof,
            place: place.filter(|_| place_ok),
            extent,
            engagement,
            target,
            area,
            within,
            sort: sort.filter(|s| *s != default_sort),
            page,
            clean,
        }
    }

    /// The order of the results: as asked, or best match first (newest first when there are
    /// no words).
    pub fn sort(&self) -> Sort {
        self.sort.unwrap_or(Sort::Relevance)
    }

    /// The search as the index of open ads takes it.
    pub fn index_query(&self, units: &[OrgUnit]) -> IndexQuery {
        let id = |code: &Option<String>| {
            code.as_deref()
                .and_then(|c| unit_by_code(units, c, None))
                .map(|u| u.id)
        };
        IndexQuery {
            words: self.words.clone(),
            clinic: id(&self.clinic),
            unit: id(&self.unit),
            profession: self.profession.map(str::to_owned),
            place: self.place.as_deref().map(place_key),
            extent: self.extent,
            engagement: self.engagement,
            target: self.target,
            area: self.area,
            within_days: self.within,
            sort: self.sort(),
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

    /// The job-alert form with this search's profession, clinic, place and target group chosen.
    pub fn alert_href(&self) -> String {
        let parts: Vec<String> = [
            ("profession", self.profession),
            ("clinic", self.clinic.as_deref()),
            ("place", self.place.as_deref()),
            ("target", self.target.map(|t| t.as_str())),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{k}={}", urlencoding::encode(v?))))
        .collect();
        if parts.is_empty() {
            "/jobs/alerts".into()
        } else {
            format!("/jobs/alerts?{}", parts.join("&"))
        }
    }

    /// The link to page `page` of this search (also the cache key, with the page).
    pub fn href(&self, page: i64) -> String {
        let mut parts = vec![];
        let q = self.words.join(" ");
        let within = self.within.map(|w| w.to_string());
        for (k, v) in [
            ("q", Some(q.as_str())),
            ("clinic", self.clinic.as_deref()),
            ("unit", self.unit.as_deref()),
            ("profession", self.profession),
            ("place", self.place.as_deref()),
            ("extent", self.extent.map(|e| e.as_str())),
            ("engagement", self.engagement.map(|e| e.as_str())),
            ("target", self.target.map(|e| e.as_str())),
            ("area", self.area.map(|e| e.as_str())),
            ("within", within.as_deref()),
            ("sort", self.sort.map(|e| e.as_str())),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", urlencoding::encode(v)));
            }
        }
        parts.push(format!("page={page}"));
        format!("/jobs?{}", parts.join("&"))
    }
}

/// The unit with this code (of this kind, if given).
fn unit_by_code<'a>(
    units: &'a [OrgUnit],
    code: &str,
    kind: Option<UnitKind>,
) -> Option<&'a OrgUnit> {
    units
        .iter()
        .find(|u| u.code == code && kind.is_none_or(|k| u.kind == k))
}

/// The list's cards of these postings.
pub(crate) fn cards(rows: Vec<OpenPosting>, names: &UnitNames, lang: Lang) -> Vec<Card> {
    rows.into_iter()
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
        .collect()
}

pub(crate) struct Card {
    pub(crate) id: i64,
    pub(crate) title: String,
    /// The language the title is written in.
    pub(crate) title_lang: &'static str,
    pub(crate) unit: String,
    pub(crate) clinic: String,
    pub(crate) profession: String,
    pub(crate) extent: String,
    pub(crate) engagement: &'static str,
    pub(crate) deadline: String,
}

/// A filter's `<select>`: its parameter, label and choices (each with its count).
pub(crate) struct Select {
    name: &'static str,
    label: &'static str,
    options: Options,
}

/// A "did you mean": the link to the corrected search and its words.
pub(crate) struct Suggestion {
    href: String,
    words: String,
}

#[derive(Template)]
#[template(path = "career/search.html")]
struct SearchPage {
    p: PageCtx,
    q: String,
    selects: Vec<Select>,
    sorts: Options,
    count_text: String,
    suggestion: Option<Suggestion>,
    cards: Vec<Card>,
    /// The cards' heading level.
    card_h: &'static str,
    pager: Pager,
    /// This search as feeds (the query string is encoded already).
    feed_query: String,
    atom_query: String,
    /// The job-alert form with this search's filters chosen.
    alert_href: String,
}

/// `label (count)` for each value that has results, or is the one chosen.
fn counted<'a>(
    values: impl IntoIterator<Item = (String, String)>,
    counts: impl Fn(&str) -> usize + 'a,
    selected: Option<&str>,
) -> Options {
    values
        .into_iter()
        .filter_map(|(value, label)| {
            let n = counts(&value);
            let chosen = selected == Some(value.as_str());
            (n > 0 || chosen).then(|| (value, format!("{label} ({n})"), chosen))
        })
        .collect()
}

/// `name (count)` for each of `units` with results in `counts`, or the one chosen, in Norwegian
/// order.
fn unit_choices<'a>(
    lang: Lang,
    units: impl Iterator<Item = &'a OrgUnit>,
    counts: &HashMap<i64, usize>,
    chosen: Option<&str>,
) -> Options {
    sorted(
        units
            .filter_map(|u| {
                let n = counts.get(&u.id).copied().unwrap_or(0);
                let is = chosen == Some(u.code.as_str());
                (n > 0 || is).then(|| (u.code.clone(), format!("{} ({n})", u.name(lang)), is))
            })
            .collect(),
    )
}

fn sorted(mut o: Options) -> Options {
    o.sort_by_cached_key(|c| nb_sort_key(&c.1));
    o
}

/// The filters' choices with their counts for this search.
fn selects(
    lang: Lang,
    filter: &Filter,
    units: &[OrgUnit],
    facets: &Facets,
    place_names: &HashMap<String, String>,
) -> Vec<Select> {
    let n = |m: &HashMap<&'static str, usize>, v: &str| m.get(v).copied().unwrap_or(0);
    let mut out = vec![Select {
        name: "clinic",
        label: t(lang, "jobs.clinic"),
        options: unit_choices(
            lang,
            units.iter().filter(|u| u.kind == UnitKind::Clinic),
            &facets.clinics,
            filter.clinic.as_deref(),
        ),
    }];
    if filter.clinic.is_some() {
        out.push(Select {
            name: "unit",
            label: t(lang, "jobs.unit"),
            options: unit_choices(lang, units.iter(), &facets.units, filter.unit.as_deref()),
        });
    }
    out.push(Select {
        name: "profession",
        label: t(lang, "jobs.profession"),
        options: sorted(counted(
            profession::PROFESSIONS
                .iter()
                .map(|p| (p.code.to_owned(), p.name(lang).to_owned())),
            |v| facets.professions.get(v).copied().unwrap_or(0),
            filter.profession,
        )),
    });
    let chosen_place = filter.place.as_deref().map(place_key);
    let mut places: Vec<(String, String)> = place_names
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let (Some(k), Some(p)) = (&chosen_place, &filter.place) {
        if !place_names.contains_key(k) {
            places.push((k.clone(), p.clone()));
        }
    }
    out.push(Select {
        name: "place",
        label: t(lang, "jobs.place"),
        options: sorted(counted(
            places,
            |v| facets.places.get(v).copied().unwrap_or(0),
            chosen_place.as_deref(),
        )),
    });
    let fixed = |name, label, values: Vec<(&'static str, &'static str)>, m, chosen| Select {
        name,
        label: t(lang, label),
        options: counted(
            values
                .into_iter()
                .map(|(v, k)| (v.to_owned(), t(lang, k).to_owned())),
            |v| n(m, v),
            chosen,
        ),
    };
    out.push(fixed(
        "extent",
        "jobs.extent",
        Extent::ALL.map(|e| (e.as_str(), e.label_key())).to_vec(),
        &facets.extents,
        filter.extent.map(|e| e.as_str()),
    ));
    out.push(fixed(
        "engagement",
        "jobs.engagement",
        [Engagement::Permanent, Engagement::Temporary]
            .map(|e| (e.as_str(), e.label_key()))
            .to_vec(),
        &facets.engagements,
        filter.engagement.map(|e| e.as_str()),
    ));
    out.push(fixed(
        "target",
        "jobs.target",
        TargetGroup::ALL
            .map(|e| (e.as_str(), e.label_key()))
            .to_vec(),
        &facets.targets,
        filter.target.map(|e| e.as_str()),
    ));
    out.push(fixed(
        "area",
        "jobs.area",
        CompetenceArea::ALL
            .map(|e| (e.as_str(), e.label_key()))
            .to_vec(),
        &facets.areas,
        filter.area.map(|e| e.as_str()),
    ));
    let chosen_within = filter.within.map(|w| w.to_string());
    out.push(Select {
        name: "within",
        label: t(lang, "jobs.within"),
        options: counted(
            WITHIN_DAYS.map(|d| {
                (
                    d.to_string(),
                    i18n::tf(lang, "jobs.within_days", &[("n", &d.to_string())]),
                )
            }),
            |v| {
                v.parse()
                    .ok()
                    .and_then(|d| facets.within.get(&d))
                    .copied()
                    .unwrap_or(0)
            },
            chosen_within.as_deref(),
        ),
    });
    out
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
        let open = state.search.open(&state, state.today()).await?;
        let size = PAGE_SIZE as usize;
        let mut found = open.find(&query, (filter.page as usize - 1) * size, size)?;
        let pages = page_count(found.total as i64, PAGE_SIZE);
        // Past the last page (an old link after postings closed): show the last page instead.
        let page = if filter.page > pages {
            found.page = open.find(&query, (pages as usize - 1) * size, size)?.page;
            pages
        } else {
            filter.page
        };
        let cards = cards(std::mem::take(&mut found.page), &names, lang);
        let suggestion = found.suggestion.as_ref().map(|words| {
            let corrected = Filter {
                words: words.clone(),
                sort: None,
                ..filter.clone()
            };
            Suggestion {
                href: corrected.href(1),
                words: words.join(" "),
            }
        });
        let count_text = i18n::count(
            lang,
            found.total as i64,
            "jobs.count_one",
            "jobs.count_many",
        );
        let sort = filter.sort();
        SearchPage {
            p: PageCtx::new(
                &state,
                lang,
                format!("{} ({})", t(lang, "jobs.title"), found.total),
                filter.href(page),
            ),
            q: filter.words.join(" "),
            selects: selects(lang, &filter, &units, &found.facets, &found.place_names),
            sorts: Sort::ALL
                .into_iter()
                .map(|s| {
                    (
                        s.as_str().to_owned(),
                        t(lang, s.label_key()).to_owned(),
                        s == sort,
                    )
                })
                .collect(),
            count_text,
            suggestion,
            cards,
            card_h: "h2",
            pager: Pager::new(lang, page, pages, |n| filter.href(n)),
            feed_query: filter.feed_href("/jobs/feed.rss"),
            atom_query: filter.feed_href("/jobs/feed.atom"),
            alert_href: filter.alert_href(),
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
