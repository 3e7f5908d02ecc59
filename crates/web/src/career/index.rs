//! The career-site search over today's open postings, in memory.
//!
//! One query loads every open posting (a few thousand at most, however many years of history the
//! database holds); a search is then a scan over prepared lowercase text, with no database
//! round trip. The snapshot is reloaded when the public page cache's generation moves (a posting
//! changed here, or the database's change counter moved), when the date changes in Norway, and
//! at least once a minute.

use crate::error::AppError;
use crate::AppState;
use chrono::NaiveDate;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use talentflyt_store::OpenPosting;

const MAX_AGE: Duration = Duration::from_secs(60);

/// What a search asks for, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Lowercased words; every one must appear in the title or the text.
    pub words: Vec<String>,
    /// Only postings in this unit's subtree (e.g. a clinic).
    pub unit_path: Option<String>,
    pub profession: Option<String>,
    pub engagement: Option<talentflyt_domain::posting::Engagement>,
}

impl Query {
    /// Whether an open posting answers this query.
    pub fn matches(&self, p: &OpenPosting) -> bool {
        self.profession.as_ref().is_none_or(|x| &p.profession == x)
            && self.engagement.is_none_or(|x| p.engagement == x)
            && self
                .unit_path
                .as_ref()
                .is_none_or(|x| p.unit_path.starts_with(x.as_str()))
            && self
                .words
                .iter()
                .all(|w| p.search_text.contains(w.as_str()))
    }
}

struct Snapshot {
    generation: u64,
    today: NaiveDate,
    loaded: Instant,
    postings: Vec<OpenPosting>,
    /// Their ids, sorted.
    ids: Vec<i64>,
}

#[derive(Default)]
pub struct SearchIndex {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    loading: tokio::sync::Mutex<()>,
}

impl SearchIndex {
    fn current(&self, generation: u64, today: NaiveDate) -> Option<Arc<Snapshot>> {
        let g = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .filter(|s| {
                s.generation == generation && s.today == today && s.loaded.elapsed() < MAX_AGE
            })
            .cloned()
    }

    async fn snapshot(
        &self,
        state: &AppState,
        today: NaiveDate,
    ) -> Result<Arc<Snapshot>, AppError> {
        let generation = state.cache.generation();
        if let Some(s) = self.current(generation, today) {
            return Ok(s);
        }
        // One request reloads; the others wait for it rather than all querying at once.
        let _loading = self.loading.lock().await;
        if let Some(s) = self.current(generation, today) {
            return Ok(s);
        }
        let postings = state
            .store
            .open_postings(&today.format("%Y-%m-%d").to_string())
            .await?;
        let mut ids: Vec<i64> = postings.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        let s = Arc::new(Snapshot {
            generation,
            today,
            loaded: Instant::now(),
            postings,
            ids,
        });
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(s.clone());
        Ok(s)
    }

    /// Every posting open today, newest first.
    pub async fn open(&self, state: &AppState, today: NaiveDate) -> Result<Open, AppError> {
        Ok(Open(self.snapshot(state, today).await?))
    }

    /// One page of the postings matching `q` (newest first), and how many match in all.
    pub async fn search(
        &self,
        state: &AppState,
        today: NaiveDate,
        q: &Query,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<OpenPosting>, usize), AppError> {
        let snap = self.snapshot(state, today).await?;
        Ok(matching(&snap.postings, q, offset, limit))
    }
}

/// The postings open today, as one snapshot of the index.
pub struct Open(Arc<Snapshot>);

impl Open {
    pub fn postings(&self) -> &[OpenPosting] {
        &self.0.postings
    }
    /// Whether the posting with this id is open.
    pub fn contains(&self, id: i64) -> bool {
        self.0.ids.binary_search(&id).is_ok()
    }
}

fn matching(
    all: &[OpenPosting],
    q: &Query,
    offset: usize,
    limit: usize,
) -> (Vec<OpenPosting>, usize) {
    let mut total = 0;
    let mut page = Vec::with_capacity(limit);
    for p in all.iter().filter(|p| q.matches(p)) {
        if total >= offset && page.len() < limit {
            page.push(p.clone());
        }
        total += 1;
    }
    (page, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(id: i64, title: &str, path: &str, profession: &str) -> OpenPosting {
        OpenPosting {
            id,
            title: title.into(),
            title_en: String::new(),
            unit_id: id,
            unit_path: path.into(),
            profession: profession.into(),
            engagement: talentflyt_domain::posting::Engagement::Permanent,
            extent_percent: 100,
            positions: 1,
            deadline: "2026-12-31".into(),
            published_at: Some(id),
            internal_until: None,
            body: "Turnus på Ullevål".into(),
            search_text: talentflyt_domain::posting::search_text(title, "Turnus på Ullevål"),
        }
    }

    #[test]
    fn every_word_and_filter_must_match_and_pages_count_all() {
        let all = vec![
            posting(3, "Sykepleier, natt", "/1/2/", "nurse"),
            posting(2, "Sykepleier ØNH", "/1/5/", "nurse"),
            posting(1, "Lege i spesialisering", "/1/2/", "physician_lis"),
        ];
        let q = |words: &[&str]| Query {
            words: words.iter().map(|w| w.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(matching(&all, &q(&["sykepleier"]), 0, 20).1, 2);
        assert_eq!(matching(&all, &q(&["sykepleier", "natt"]), 0, 20).1, 1);
        assert_eq!(
            matching(&all, &q(&["ønh"]), 0, 20).0[0].id,
            2,
            "Norwegian letters"
        );
        assert_eq!(
            matching(&all, &q(&["ullevål"]), 0, 20).1,
            3,
            "the text counts too"
        );
        let clinic = Query {
            unit_path: Some("/1/2/".into()),
            ..Default::default()
        };
        assert_eq!(matching(&all, &clinic, 0, 20).1, 2);
        let (page, total) = matching(&all, &Query::default(), 1, 1);
        assert_eq!((page[0].id, total), (2, 3), "second page of one");
    }
}
