//! Finished public pages kept in memory for a short time.
//!
//! The career site is read far more than it changes. A page rendered once is served as the same
//! bytes until it expires or something public changes. The rules that keep this safe under abuse:
//!
//! - Pages are keyed on the **parsed, validated** request (e.g. the search filter), never on the
//!   raw URI, so junk query strings all land on one entry; pages for invalid or over-long input
//!   are not cached at all (the handler decides, see [`Cacheable`]).
//! - The cache holds at most `max_bytes` in all; the oldest entries go first.
//! - **Single flight and stale-while-revalidate**: when an entry is missing, one request renders
//!   it and the others wait for that result; when an entry has expired, one request renders the
//!   new page while the others keep getting the old one. So a popular page expiring under load
//!   costs one render, not one per connection.
//! - **Across instances**: a change on this instance invalidates at once; other instances read
//!   the database's public change counter at most once a second and invalidate when it moved.

use bytes::Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};
use talentflyt_domain::Lang;
use tokio::sync::watch;

/// How often the database's change counter is read.
const REMOTE_CHECK: Duration = Duration::from_secs(1);

/// Whether a rendered page may be kept.
pub enum Cacheable {
    /// Keep it under this key (the canonical form of the validated request).
    Yes(String),
    /// Do not keep it: the input was invalid or too long.
    No,
}

struct Entry {
    body: Bytes,
    at: Instant,
    generation: u64,
    refreshing: bool,
}

#[derive(Default)]
struct Pages {
    map: HashMap<(Lang, String), Entry>,
    pending: HashMap<(Lang, String), watch::Receiver<Option<Bytes>>>,
    bytes: usize,
}

pub struct PageCache {
    ttl: Duration,
    max_bytes: usize,
    pages: RwLock<Pages>,
    /// Moves on every local change and every change seen in the database's counter.
    generation: AtomicU64,
    /// When the database's counter was last read, and what it said.
    remote: tokio::sync::Mutex<(Option<Instant>, i64)>,
}

enum Plan {
    Hit(Bytes),
    Refresh,
    Wait(watch::Receiver<Option<Bytes>>),
    Lead(watch::Sender<Option<Bytes>>),
}

impl PageCache {
    pub fn new(ttl: Duration, max_bytes: usize) -> PageCache {
        PageCache {
            ttl,
            max_bytes,
            pages: RwLock::new(Pages::default()),
            generation: AtomicU64::new(0),
            remote: tokio::sync::Mutex::new((None, 0)),
        }
    }

    fn lock(&self) -> std::sync::RwLockWriteGuard<'_, Pages> {
        self.pages.write().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh page under `key`, if there is one: the hot path, under a read lock only.
    fn fresh(&self, lang: Lang, key: &str, generation: u64) -> Option<Bytes> {
        let pages = self.pages.read().unwrap_or_else(|e| e.into_inner());
        let e = pages.map.get(&(lang, key.to_owned()))?;
        (e.generation == generation && e.at.elapsed() < self.ttl).then(|| e.body.clone())
    }

    /// The page under `key`, rendering it with `render` when it is missing or stale.
    pub async fn get_or_render<F, Fut, E>(
        &self,
        lang: Lang,
        key: &str,
        render: F,
    ) -> Result<Bytes, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, E>>,
    {
        if self.ttl.is_zero() {
            return render().await;
        }
        let generation = self.generation.load(Ordering::Acquire);
        if let Some(b) = self.fresh(lang, key, generation) {
            return Ok(b);
        }
        let k = (lang, key.to_owned());
        let plan = {
            let mut pages = self.lock();
            match pages.map.get_mut(&k) {
                Some(e) if e.generation == generation && e.at.elapsed() < self.ttl => {
                    Plan::Hit(e.body.clone())
                }
                Some(e) if e.refreshing => Plan::Hit(e.body.clone()),
                Some(e) => {
                    e.refreshing = true;
                    Plan::Refresh
                }
                None => match pages.pending.get(&k) {
                    Some(rx) => Plan::Wait(rx.clone()),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        pages.pending.insert(k.clone(), rx);
                        Plan::Lead(tx)
                    }
                },
            }
        };
        match plan {
            Plan::Hit(b) => Ok(b),
            Plan::Refresh => {
                // If this request is dropped mid-render (timeout, client gone), the guard takes
                // the old page out, so the next request renders instead of the page going stale
                // for good.
                let mut guard = RefreshGuard {
                    cache: self,
                    key: Some(k),
                };
                let out = render().await;
                let k = guard.key.take().expect("the key");
                let mut pages = self.lock();
                match &out {
                    Ok(b) => self.insert(&mut pages, k, b.clone(), generation),
                    // The page is gone or no longer shown (a withdrawn ad): never serve the old one.
                    Err(_) => Self::remove(&mut pages, &k),
                }
                out
            }
            Plan::Wait(mut rx) => {
                if let Ok(b) = rx.wait_for(Option::is_some).await {
                    return Ok(b.clone().unwrap_or_default());
                }
                // The leader failed or its client went away: render here, and keep the page.
                let out = render().await;
                let mut pages = self.lock();
                if pages
                    .pending
                    .get(&k)
                    .is_some_and(|p| p.has_changed().is_err())
                {
                    pages.pending.remove(&k);
                }
                if let Ok(b) = &out {
                    self.insert(&mut pages, k, b.clone(), generation);
                }
                out
            }
            Plan::Lead(tx) => {
                let out = render().await;
                let mut pages = self.lock();
                pages.pending.remove(&k);
                if let Ok(b) = &out {
                    self.insert(&mut pages, k, b.clone(), generation);
                    let _ = tx.send(Some(b.clone()));
                }
                out
            }
        }
    }

    fn remove(pages: &mut Pages, k: &(Lang, String)) {
        if let Some(e) = pages.map.remove(k) {
            pages.bytes -= e.body.len();
        }
    }

    /// Keep `body`, making room within `max_bytes`: expired entries first, then the oldest.
    fn insert(&self, pages: &mut Pages, k: (Lang, String), body: Bytes, generation: u64) {
        if let Some(old) = pages.map.remove(&k) {
            pages.bytes -= old.body.len();
        }
        if body.len() > self.max_bytes / 4 {
            return;
        }
        if pages.bytes + body.len() > self.max_bytes {
            let ttl = self.ttl;
            let current = self.generation.load(Ordering::Acquire);
            let mut freed = 0;
            pages.map.retain(|_, e| {
                let keep = e.at.elapsed() < ttl && e.generation == current;
                if !keep {
                    freed += e.body.len();
                }
                keep
            });
            pages.bytes -= freed;
            if pages.bytes + body.len() > self.max_bytes {
                // Evict the oldest down to three quarters of the budget, so that a stream of
                // distinct searches sorts the entries now and then, not on every insert.
                let target = self.max_bytes / 4 * 3;
                let mut by_age: Vec<(Instant, (Lang, String))> =
                    pages.map.iter().map(|(k, e)| (e.at, k.clone())).collect();
                by_age.sort_by_key(|(at, _)| *at);
                for (_, old) in by_age {
                    if pages.bytes + body.len() <= target {
                        break;
                    }
                    if let Some(e) = pages.map.remove(&old) {
                        pages.bytes -= e.body.len();
                    }
                }
            }
        }
        pages.bytes += body.len();
        pages.map.insert(
            k,
            Entry {
                body,
                at: Instant::now(),
                generation,
                refreshing: false,
            },
        );
    }

    /// Something public changed on this instance: every page is stale from now on.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Read the database's change counter (at most once a second, one request at a time) and
    /// invalidate when another instance changed something.
    pub async fn sync_with<F, Fut>(&self, read_version: F)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<i64>>,
    {
        let Ok(mut remote) = self.remote.try_lock() else {
            return;
        };
        if remote.0.is_some_and(|at| at.elapsed() < REMOTE_CHECK) {
            return;
        }
        if let Some(v) = read_version().await {
            if remote.0.is_some() && v != remote.1 {
                self.invalidate();
            }
            *remote = (Some(Instant::now()), v);
        }
    }

    /// A number that moves whenever the cached pages become stale (for derived caches such as
    /// the search index).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

/// Takes a page out of the cache if its refresh never finished.
struct RefreshGuard<'a> {
    cache: &'a PageCache,
    key: Option<(Lang, String)>,
}

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            PageCache::remove(&mut self.cache.lock(), &k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    async fn page(c: &PageCache, key: &str, body: &'static str, renders: &AtomicUsize) -> Bytes {
        c.get_or_render(Lang::Nb, key, || async {
            renders.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(Bytes::from_static(body.as_bytes()))
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn pages_expire_are_kept_per_language_and_go_stale_on_change() {
        let c = PageCache::new(Duration::from_millis(50), 1 << 20);
        let n = AtomicUsize::new(0);
        assert_eq!(page(&c, "/jobs", "a", &n).await, "a");
        assert_eq!(page(&c, "/jobs", "b", &n).await, "a", "cached");
        let en = c
            .get_or_render(Lang::En, "/jobs", || async {
                Ok::<_, ()>(Bytes::from("en"))
            })
            .await
            .unwrap();
        assert_eq!(en, "en", "each language has its own page");
        c.invalidate();
        assert_eq!(
            page(&c, "/jobs", "c", &n).await,
            "c",
            "stale after a change"
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(page(&c, "/jobs", "d", &n).await, "d", "expired");
    }

    #[tokio::test]
    async fn a_burst_on_a_missing_or_expired_page_renders_it_once() {
        let c = Arc::new(PageCache::new(Duration::from_millis(100), 1 << 20));
        let renders = Arc::new(AtomicUsize::new(0));
        let slow = |c: Arc<PageCache>, renders: Arc<AtomicUsize>, body: &'static str| async move {
            c.get_or_render(Lang::Nb, "/jobs", || async {
                renders.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                Ok::<_, ()>(Bytes::from_static(body.as_bytes()))
            })
            .await
            .unwrap()
        };
        let burst: Vec<_> = (0..50)
            .map(|_| tokio::spawn(slow(c.clone(), renders.clone(), "first")))
            .collect();
        for h in burst {
            assert_eq!(h.await.unwrap(), "first");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "single flight on a miss");
        tokio::time::sleep(Duration::from_millis(110)).await;
        let burst: Vec<_> = (0..50)
            .map(|_| tokio::spawn(slow(c.clone(), renders.clone(), "second")))
            .collect();
        let mut old = 0;
        for h in burst {
            if h.await.unwrap() == "first" {
                old += 1;
            }
        }
        assert_eq!(renders.load(Ordering::SeqCst), 2, "one render on expiry");
        assert!(old >= 40, "the others got the old page meanwhile ({old})");
    }

    #[tokio::test]
    async fn a_refresh_that_fails_or_is_abandoned_never_leaves_the_old_page_behind() {
        let c = Arc::new(PageCache::new(Duration::from_millis(20), 1 << 20));
        let n = AtomicUsize::new(0);
        page(&c, "/jobs/7", "ad", &n).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
        // The refresh is abandoned halfway (a timeout, a client that went away).
        let abandoned = {
            let c = c.clone();
            tokio::spawn(async move {
                c.get_or_render(Lang::Nb, "/jobs/7", || async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    Ok::<_, ()>(Bytes::from_static(b"never"))
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        abandoned.abort();
        let _ = abandoned.await;
        assert_eq!(page(&c, "/jobs/7", "fresh", &n).await, "fresh");
        // A failed refresh (the ad was withdrawn) removes the page.
        tokio::time::sleep(Duration::from_millis(30)).await;
        let gone = c
            .get_or_render(Lang::Nb, "/jobs/7", || async {
                Err::<Bytes, _>("not found")
            })
            .await;
        assert!(gone.is_err());
        assert_eq!(page(&c, "/jobs/7", "again", &n).await, "again");
    }

    #[tokio::test]
    async fn the_cache_never_holds_more_than_its_byte_limit() {
        let c = PageCache::new(Duration::from_secs(60), 10_000);
        for i in 0..1000 {
            c.get_or_render(Lang::Nb, &format!("/jobs?q={i}"), || async {
                Ok::<_, ()>(Bytes::from(vec![b'x'; 1000]))
            })
            .await
            .unwrap();
            assert!(c.bytes() <= 10_000, "{} bytes after {i}", c.bytes());
        }
    }

    #[tokio::test]
    async fn a_change_seen_in_the_database_counter_invalidates() {
        let c = PageCache::new(Duration::from_secs(60), 1 << 20);
        let n = AtomicUsize::new(0);
        c.sync_with(|| async { Some(1) }).await;
        page(&c, "/jobs", "old", &n).await;
        c.sync_with(|| async { Some(2) }).await;
        assert_eq!(
            page(&c, "/jobs", "new", &n).await,
            "old",
            "read at most once a second"
        );
        tokio::time::sleep(REMOTE_CHECK).await;
        c.sync_with(|| async { Some(2) }).await;
        assert_eq!(page(&c, "/jobs", "new", &n).await, "new");
    }
}
