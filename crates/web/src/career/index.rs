//! The career-site search over today's open postings, in memory.
//!
//! One query loads every open posting (a few thousand at most, however many years of history the
//! database holds) and indexes their text (`text.rs`); a search is then a text query and a pass
//! over the matches for filters and counts, with no database round trip. The snapshot is
//! reloaded when the public page cache's generation moves (a posting changed here, or the
//! database's change counter moved) and when the date changes in Norway, while searches wait;
//! and once a minute in the background, while searches go on with the old one.

use super::text::{Doc, TextIndex};
use crate::error::AppError;
use crate::AppState;
use chrono::{Days, NaiveDate};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use talentflyt_domain::ad::{CompetenceArea, TargetGroup};
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::posting::Engagement;
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OpenPosting, OrgUnit};

const MAX_AGE: Duration = Duration::from_secs(60);

/// The "deadline within" choices, in days.
pub const WITHIN_DAYS: [u32; 4] = [3, 7, 14, 30];

/// Full time (100 %) or part time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    Full,
    Part,
}

impl Extent {
    pub const ALL: [Extent; 2] = [Extent::Full, Extent::Part];
    pub fn as_str(self) -> &'static str {
        match self {
            Extent::Full => "full",
            Extent::Part => "part",
        }
    }
    pub fn parse(s: &str) -> Option<Extent> {
        Extent::ALL.into_iter().find(|e| e.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Extent::Full => "jobs.extent_full",
            Extent::Part => "jobs.extent_part",
        }
    }
    fn of(percent: i64) -> Extent {
        if percent >= 100 {
            Extent::Full
        } else {
            Extent::Part
        }
    }
}

/// The order of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; newest first among equals (so all of them without words).
    #[default]
    Relevance,
    Newest,
    /// Soonest deadline first.
    Deadline,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Newest, Sort::Deadline];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Deadline => "deadline",
        }
    }
    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|e| e.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Sort::Relevance => "jobs.sort_relevance",
            Sort::Newest => "jobs.sort_newest",
            Sort::Deadline => "jobs.sort_deadline",
        }
    }
}

/// What a search asks for, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Lowercased words; every one must match (in one of its forms).
    pub words: Vec<String>,
    /// Only postings in this clinic's subtree, and in this unit's below it.
    pub clinic: Option<i64>,
    pub unit: Option<i64>,
    pub profession: Option<String>,
    /// A place as [`place_key`] writes it.
    pub place: Option<String>,
    pub extent: Option<Extent>,
    pub engagement: Option<Engagement>,
    pub target: Option<TargetGroup>,
    pub area: Option<CompetenceArea>,
    /// Only postings whose deadline is at most this many days away.
    pub within_days: Option<u32>,
    pub sort: Sort,
}

/// How a place is compared: trimmed and lowercased.
pub fn place_key(place: &str) -> String {
    place.trim().to_lowercase()
}

/// The filters, one bit each, for counting every filter's values as if it alone were not set.
mod dim {
    pub const CLINIC: u16 = 1;
    pub const UNIT: u16 = 1 << 1;
    pub const PROFESSION: u16 = 1 << 2;
    pub const PLACE: u16 = 1 << 3;
    pub const EXTENT: u16 = 1 << 4;
    pub const ENGAGEMENT: u16 = 1 << 5;
    pub const TARGET: u16 = 1 << 6;
    pub const AREA: u16 = 1 << 7;
    pub const WITHIN: u16 = 1 << 8;
}

/// What the filters need of a posting, worked out once per snapshot.
struct Facts {
    /// The unit and its ancestors, from the top.
    path: Vec<i64>,
    clinic: Option<i64>,
    place: String,
    extent: Extent,
    targets: Vec<TargetGroup>,
    areas: Vec<CompetenceArea>,
    deadline: Option<NaiveDate>,
}

impl Facts {
    fn of(p: &OpenPosting, clinics: &HashMap<i64, ()>) -> Facts {
        let path: Vec<i64> = p
            .unit_path
            .split('/')
            .filter_map(|s| s.parse().ok())
            .collect();
        Facts {
            clinic: path.iter().copied().find(|id| clinics.contains_key(id)),
            path,
            place: place_key(&p.work_place),
            extent: Extent::of(p.extent_percent),
            targets: p
                .target_groups
                .split(',')
                .filter_map(TargetGroup::parse)
                .collect(),
            areas: p
                .competence_areas
                .split(',')
                .filter_map(CompetenceArea::parse)
                .collect(),
            deadline: NaiveDate::parse_from_str(&p.deadline, "%Y-%m-%d").ok(),
        }
    }

    /// The filters of `q` this posting fails, as a set of [`dim`] bits.
    fn fails(&self, p: &OpenPosting, q: &Query, last_day: Option<NaiveDate>) -> u16 {
        let mut m = 0;
        let mut check = |bit: u16, ok: bool| {
            if !ok {
                m |= bit;
            }
        };
        check(dim::CLINIC, q.clinic.is_none_or(|c| self.clinic == Some(c)));
        check(dim::UNIT, q.unit.is_none_or(|u| self.path.contains(&u)));
        check(
            dim::PROFESSION,
            q.profession.as_ref().is_none_or(|x| &p.profession == x),
        );
        check(
            dim::PLACE,
            q.place.as_ref().is_none_or(|x| &self.place == x),
        );
        check(dim::EXTENT, q.extent.is_none_or(|x| self.extent == x));
        check(
            dim::ENGAGEMENT,
            q.engagement.is_none_or(|x| p.engagement == x),
        );
        check(
            dim::TARGET,
            q.target.is_none_or(|x| self.targets.contains(&x)),
        );
        check(dim::AREA, q.area.is_none_or(|x| self.areas.contains(&x)));
        check(
            dim::WITHIN,
            last_day.is_none_or(|l| self.deadline.is_some_and(|d| d <= l)),
        );
        m
    }
}

/// How many results each filter value would give with the other filters as they are.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Facets {
    /// Clinic unit ids.
    pub clinics: HashMap<i64, usize>,
    /// Ids of the units right below the chosen clinic.
    pub units: HashMap<i64, usize>,
    pub professions: HashMap<String, usize>,
    /// By [`place_key`].
    pub places: HashMap<String, usize>,
    pub extents: HashMap<&'static str, usize>,
    pub engagements: HashMap<&'static str, usize>,
    pub targets: HashMap<&'static str, usize>,
    pub areas: HashMap<&'static str, usize>,
    /// By [`WITHIN_DAYS`].
    pub within: HashMap<u32, usize>,
}

/// One page of a search's results.
pub struct Found {
    pub page: Vec<OpenPosting>,
    pub total: usize,
    pub facets: Facets,
    /// The words with each unknown word replaced by the nearest known one, when a word matched
    /// nothing and a near word exists.
    pub suggestion: Option<Vec<String>>,
    /// Each place as first written (by [`place_key`]), for showing it.
    pub place_names: Arc<HashMap<String, String>>,
}

struct Snapshot {
    generation: u64,
    today: NaiveDate,
    loaded: Instant,
    postings: Vec<OpenPosting>,
    facts: Vec<Facts>,
    text: TextIndex,
    place_names: Arc<HashMap<String, String>>,
    /// Their ids, sorted.
    ids: Vec<i64>,
}

impl Snapshot {
    fn build(
        generation: u64,
        today: NaiveDate,
        postings: Vec<OpenPosting>,
        units: &[OrgUnit],
    ) -> Result<Snapshot, AppError> {
        let by_id: HashMap<i64, &OrgUnit> = units.iter().map(|u| (u.id, u)).collect();
        let clinics: HashMap<i64, ()> = units
            .iter()
            .filter(|u| u.kind == UnitKind::Clinic)
            .map(|u| (u.id, ()))
            .collect();
        let facts: Vec<Facts> = postings.iter().map(|p| Facts::of(p, &clinics)).collect();
        let docs: Vec<Doc> = postings
            .iter()
            .zip(&facts)
            .map(|(p, f)| {
                let mut names = vec![p.work_place.clone(), p.reference.clone()];
                for lang in Lang::ALL {
                    names.push(profession::name(&p.profession, lang));
                    for id in [Some(p.unit_id), f.clinic].into_iter().flatten() {
                        if let Some(u) = by_id.get(&id) {
                            names.push(u.name(lang).to_owned());
                        }
                    }
                }
                Doc {
                    title: format!("{} {}", p.title, p.title_en),
                    names: names.join(" "),
                    body: p.body.clone(),
                }
            })
            .collect();
        let text = TextIndex::build(&docs)
            .map_err(|e| AppError::Internal(format!("search index: {e}")))?;
        let mut place_names = HashMap::new();
        for (p, f) in postings.iter().zip(&facts) {
            if !f.place.is_empty() {
                place_names
                    .entry(f.place.clone())
                    .or_insert_with(|| p.work_place.trim().to_owned());
            }
        }
        let mut ids: Vec<i64> = postings.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        Ok(Snapshot {
            generation,
            today,
            loaded: Instant::now(),
            postings,
            facts,
            text,
            place_names: Arc::new(place_names),
            ids,
        })
    }

    fn find(&self, q: &Query, offset: usize, limit: usize) -> Result<Found, AppError> {
        let (hits, unknown) = if q.words.is_empty() {
            (
                (0..self.postings.len() as u32).map(|i| (i, 0.0)).collect(),
                vec![],
            )
        } else {
            let t = self
                .text
                .search(&q.words)
                .map_err(|e| AppError::Internal(format!("search: {e}")))?;
            (t.hits, t.unknown)
        };
        let last_day = q
            .within_days
            .and_then(|d| self.today.checked_add_days(Days::new(d.into())));
        let mut facets = Facets::default();
        let mut matching: Vec<(u32, f32)> = Vec::new();
        for (i, score) in hits {
            let (p, f) = (&self.postings[i as usize], &self.facts[i as usize]);
            let fails = f.fails(p, q, last_day);
            // A value of a filter is counted where no other filter fails; the clinic's count
            // ignores the unit below it too.
            let counts = |d: u16| fails & !d == 0;
            if fails == 0 {
                matching.push((i, score));
            }
            if counts(dim::CLINIC | dim::UNIT) {
                if let Some(c) = f.clinic {
                    *facets.clinics.entry(c).or_default() += 1;
                }
            }
            if counts(dim::UNIT) {
                if let Some(c) = q.clinic {
                    let below = f.path.iter().position(|x| *x == c).map(|at| at + 1);
                    if let Some(u) = below.and_then(|at| f.path.get(at)) {
                        *facets.units.entry(*u).or_default() += 1;
                    }
                }
            }
            if counts(dim::PROFESSION) {
                *facets.professions.entry(p.profession.clone()).or_default() += 1;
            }
            if counts(dim::PLACE) && !f.place.is_empty() {
                *facets.places.entry(f.place.clone()).or_default() += 1;
            }
            if counts(dim::EXTENT) {
                *facets.extents.entry(f.extent.as_str()).or_default() += 1;
            }
            if counts(dim::ENGAGEMENT) {
                *facets.engagements.entry(p.engagement.as_str()).or_default() += 1;
            }
            if counts(dim::TARGET) {
                for t in &f.targets {
                    *facets.targets.entry(t.as_str()).or_default() += 1;
                }
            }
            if counts(dim::AREA) {
                for a in &f.areas {
                    *facets.areas.entry(a.as_str()).or_default() += 1;
                }
            }
            if counts(dim::WITHIN) {
                if let Some(d) = f.deadline {
                    let days = (d - self.today).num_days();
                    for w in WITHIN_DAYS {
                        if days <= i64::from(w) {
                            *facets.within.entry(w).or_default() += 1;
                        }
                    }
                }
            }
        }
        match q.sort {
            // The snapshot is newest first; the text index gives its hits in that order.
            Sort::Newest => matching.sort_unstable_by_key(|m| m.0),
            Sort::Deadline => matching.sort_unstable_by(|a, b| {
                let d = |i: u32| &self.postings[i as usize].deadline;
                d(a.0).cmp(d(b.0)).then(a.0.cmp(&b.0))
            }),
            Sort::Relevance => {
                matching.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)))
            }
        }
        let suggestion = (!unknown.is_empty())
            .then(|| {
                let mut changed = false;
                let words: Vec<String> = q
                    .words
                    .iter()
                    .map(
                        |w| match unknown.contains(w).then(|| self.text.suggest(w)) {
                            Some(Some(s)) => {
                                changed = true;
                                s
                            }
                            _ => w.clone(),
                        },
                    )
                    .collect();
                changed.then_some(words)
            })
            .flatten();
        Ok(Found {
            total: matching.len(),
            page: matching
                .iter()
                .skip(offset)
                .take(limit)
                .map(|m| self.postings[m.0 as usize].clone())
                .collect(),
            facets,
            suggestion,
            place_names: self.place_names.clone(),
        })
    }
}

#[derive(Default)]
pub struct SearchIndex {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    loading: tokio::sync::Mutex<()>,
    /// A background reload is under way.
    refreshing: AtomicBool,
}

impl SearchIndex {
    /// The snapshot of this generation and day, however old.
    fn current(&self, generation: u64, today: NaiveDate) -> Option<Arc<Snapshot>> {
        let g = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .filter(|s| s.generation == generation && s.today == today)
            .cloned()
    }

    async fn snapshot(
        &self,
        state: &AppState,
        today: NaiveDate,
    ) -> Result<Arc<Snapshot>, AppError> {
        let generation = state.cache.generation();
        if let Some(s) = self.current(generation, today) {
            // Nothing changed that we know of: past its age, one task reloads it in the
            // background (a safety net) while searches go on with this one.
            if s.loaded.elapsed() >= MAX_AGE && !self.refreshing.swap(true, Ordering::AcqRel) {
                let state = state.clone();
                tokio::spawn(async move {
                    let index = &state.search;
                    if let Err(e) = index.load(&state, generation, today).await {
                        tracing::warn!(error = ?e, "reloading the search index failed");
                    }
                    index.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(s);
        }
        // A change or a new day: one request reloads; the others wait for it rather than all
        // querying at once.
        let _loading = self.loading.lock().await;
        if let Some(s) = self.current(generation, today) {
            return Ok(s);
        }
        self.load(state, generation, today).await
    }

    async fn load(
        &self,
        state: &AppState,
        generation: u64,
        today: NaiveDate,
    ) -> Result<Arc<Snapshot>, AppError> {
        let postings = state
            .store
            .open_postings(&today.format("%Y-%m-%d").to_string())
            .await?;
        let units = state.units().await;
        let s = Arc::new(Snapshot::build(generation, today, postings, &units)?);
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(s.clone());
        Ok(s)
    }

    /// Every posting open today, newest first.
    pub async fn open(&self, state: &AppState, today: NaiveDate) -> Result<Open, AppError> {
        Ok(Open(self.snapshot(state, today).await?))
    }
}

/// The postings open today, as one snapshot of the index.
pub struct Open(Arc<Snapshot>);

impl Open {
    pub fn postings(&self) -> &[OpenPosting] {
        &self.0.postings
    }
    /// Each place ads are in, as first written, by [`place_key`].
    pub fn place_names(&self) -> &HashMap<String, String> {
        &self.0.place_names
    }
    /// Whether the posting with this id is open.
    pub fn contains(&self, id: i64) -> bool {
        self.0.ids.binary_search(&id).is_ok()
    }
    /// Results `offset..offset + limit` of the postings matching `q`, how many match in all,
    /// and the counts per filter value.
    pub fn find(&self, q: &Query, offset: usize, limit: usize) -> Result<Found, AppError> {
        self.0.find(q, offset, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>, kind: UnitKind, path: &str, name: &str) -> OrgUnit {
        OrgUnit {
            id,
            parent_id: parent,
            kind,
            code: format!("U{id}"),
            name_nb: name.into(),
            name_en: name.into(),
            path: path.into(),
            site: String::new(),
        }
    }

    fn units() -> Vec<OrgUnit> {
        vec![
            unit(1, None, UnitKind::Trust, "/1/", "OUS"),
            unit(2, Some(1), UnitKind::Clinic, "/1/2/", "Akuttklinikken"),
            unit(
                3,
                Some(2),
                UnitKind::Department,
                "/1/2/3/",
                "Intensivavdelingen",
            ),
            unit(
                4,
                Some(2),
                UnitKind::Department,
                "/1/2/4/",
                "Anestesiavdelingen",
            ),
            unit(5, Some(1), UnitKind::Clinic, "/1/5/", "Barneklinikken"),
        ]
    }

    #[allow(clippy::too_many_arguments)]
    fn posting(
        id: i64,
        title: &str,
        unit_id: i64,
        path: &str,
        profession: &str,
        extent: i64,
        place: &str,
        deadline: &str,
        targets: &str,
    ) -> OpenPosting {
        OpenPosting {
            id,
            title: title.into(),
            title_en: String::new(),
            unit_id,
            unit_path: path.into(),
            profession: profession.into(),
            engagement: Engagement::Permanent,
            extent_percent: extent,
            positions: 1,
            deadline: deadline.into(),
            published_at: Some(id),
            internal_until: None,
            body: "Turnus på Ullevål".into(),
            reference: format!("2026-{id}"),
            work_place: place.into(),
            target_groups: targets.into(),
            competence_areas: String::new(),
        }
    }

    fn snapshot() -> Snapshot {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let all = vec![
            posting(
                4,
                "Sykepleier, natt",
                3,
                "/1/2/3/",
                "nurse",
                100,
                "Ullevål",
                "2026-12-03",
                "",
            ),
            posting(
                3,
                "Intensivsykepleier",
                3,
                "/1/2/3/",
                "nurse",
                80,
                "Ullevål",
                "2026-12-20",
                "new_graduates",
            ),
            posting(
                2,
                "Sykepleier",
                5,
                "/1/5/",
                "nurse",
                100,
                "Rikshospitalet",
                "2026-12-10",
                "students,new_graduates",
            ),
            posting(
                1,
                "Lege i spesialisering",
                4,
                "/1/2/4/",
                "physician_lis",
                100,
                " ullevål ",
                "2026-12-31",
                "",
            ),
        ];
        Snapshot::build(1, today, all, &units()).unwrap()
    }

    fn ids(f: &Found) -> Vec<i64> {
        f.page.iter().map(|p| p.id).collect()
    }

    #[test]
    fn words_in_their_forms_and_every_filter_must_match() {
        let s = snapshot();
        let q = |words: &[&str]| Query {
            words: words.iter().map(|w| w.to_string()).collect(),
            sort: Sort::Newest,
            ..Default::default()
        };
        assert_eq!(
            ids(&s.find(&q(&["sykepleiere"]), 0, 20).unwrap()),
            [4, 3, 2]
        );
        assert_eq!(
            ids(&s.find(&q(&["sykepleier", "natt"]), 0, 20).unwrap()),
            [4]
        );
        assert_eq!(
            ids(&s.find(&q(&["akuttklinikken"]), 0, 20).unwrap()),
            [4, 3, 1],
            "unit names"
        );
        assert_eq!(
            ids(&s.find(&q(&["2026-2"]), 0, 20).unwrap()),
            [2],
            "the reference"
        );
        assert_eq!(
            s.find(&q(&["ullevål"]), 0, 20).unwrap().total,
            4,
            "the text counts"
        );
        let f = Query {
            clinic: Some(2),
            place: Some(place_key("Ullevål")),
            extent: Some(Extent::Full),
            ..Default::default()
        };
        assert_eq!(ids(&s.find(&f, 0, 20).unwrap()), [4, 1]);
        let f = Query {
            target: Some(TargetGroup::NewGraduates),
            within_days: Some(14),
            ..Default::default()
        };
        assert_eq!(ids(&s.find(&f, 0, 20).unwrap()), [2]);
        let f = Query {
            unit: Some(3),
            clinic: Some(2),
            ..Default::default()
        };
        assert_eq!(ids(&s.find(&f, 0, 20).unwrap()), [4, 3]);
        let (page, total) = {
            let f = s.find(&Query::default(), 1, 1).unwrap();
            (ids(&f), f.total)
        };
        assert_eq!((page, total), (vec![3], 4), "second page of one");
    }

    #[test]
    fn each_filter_counts_its_values_as_if_it_alone_were_not_set() {
        let s = snapshot();
        let q = Query {
            clinic: Some(2),
            profession: Some("nurse".into()),
            ..Default::default()
        };
        let found = s.find(&q, 0, 20).unwrap();
        assert_eq!(found.total, 2);
        let f = &found.facets;
        // Clinics: nurses anywhere. Professions: anything in the clinic.
        assert_eq!(f.clinics, HashMap::from([(2, 2), (5, 1)]));
        assert_eq!(
            f.professions,
            HashMap::from([("nurse".into(), 2), ("physician_lis".into(), 1)])
        );
        assert_eq!(f.units, HashMap::from([(3, 2)]));
        assert_eq!(f.places, HashMap::from([("ullevål".into(), 2)]));
        assert_eq!(f.extents, HashMap::from([("full", 1), ("part", 1)]));
        assert_eq!(f.targets, HashMap::from([("new_graduates", 1)]));
        assert_eq!(f.within, HashMap::from([(3, 1), (7, 1), (14, 1), (30, 2)]));
        assert_eq!(found.place_names["ullevål"], "Ullevål");
    }

    #[test]
    fn results_sort_by_relevance_newest_or_deadline() {
        let s = snapshot();
        let q = |sort| Query {
            words: vec!["sykepleier".into()],
            sort,
            ..Default::default()
        };
        assert_eq!(ids(&s.find(&q(Sort::Newest), 0, 20).unwrap()), [4, 3, 2]);
        assert_eq!(ids(&s.find(&q(Sort::Deadline), 0, 20).unwrap()), [4, 2, 3]);
        let by_relevance = ids(&s.find(&q(Sort::Relevance), 0, 20).unwrap());
        assert_eq!(
            by_relevance.last(),
            Some(&3),
            "a compound ranks below the word"
        );
    }

    #[test]
    fn a_misspelt_word_gets_a_suggestion() {
        let s = snapshot();
        let q = Query {
            words: vec!["sykepelier".into(), "natt".into()],
            ..Default::default()
        };
        let found = s.find(&q, 0, 20).unwrap();
        assert_eq!(found.total, 0);
        assert_eq!(
            found.suggestion,
            Some(vec!["sykepleier".to_string(), "natt".to_string()])
        );
    }
}
