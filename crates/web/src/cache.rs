//! Finished public pages kept in memory for a short time.
//!
//! The career site is read far more than it changes; a page rendered once is served as the same
//! bytes until it expires or a posting changes on this instance. Other instances see a change when
//! their copy expires (`TALENTFLYT_PUBLIC_CACHE_SECONDS`, a few seconds by default).

use bytes::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use talentflyt_domain::Lang;

const MAX_ENTRIES: usize = 4096;

pub struct PageCache {
    ttl: Duration,
    pages: RwLock<HashMap<(Lang, String), (Instant, Bytes)>>,
}

impl PageCache {
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            pages: RwLock::new(HashMap::new()),
        }
    }

    pub fn get(&self, lang: Lang, key: &str) -> Option<Bytes> {
        let pages = self.pages.read().unwrap_or_else(|e| e.into_inner());
        let (at, body) = pages.get(&(lang, key.to_owned()))?;
        (at.elapsed() < self.ttl).then(|| body.clone())
    }

    pub fn put(&self, lang: Lang, key: &str, body: Bytes) {
        if self.ttl.is_zero() {
            return;
        }
        let mut pages = self.pages.write().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_ENTRIES {
            // Searches can make many distinct keys; drop what has expired, and if that is not
            // enough, start over rather than grow without bound.
            let ttl = self.ttl;
            pages.retain(|_, (at, _)| at.elapsed() < ttl);
            if pages.len() >= MAX_ENTRIES {
                pages.clear();
            }
        }
        pages.insert((lang, key.to_owned()), (Instant::now(), body));
    }

    /// Forget every page: a posting changed.
    pub fn clear(&self) {
        self.pages
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_expire_and_are_kept_per_language() {
        let c = PageCache::new(Duration::from_millis(50));
        c.put(Lang::Nb, "/jobs", Bytes::from_static(b"nb"));
        assert_eq!(c.get(Lang::Nb, "/jobs").as_deref(), Some(&b"nb"[..]));
        assert!(c.get(Lang::En, "/jobs").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(c.get(Lang::Nb, "/jobs").is_none());
        c.put(Lang::Nb, "/jobs", Bytes::from_static(b"nb"));
        c.clear();
        assert!(c.get(Lang::Nb, "/jobs").is_none());
    }
}
