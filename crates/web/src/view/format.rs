//! Formatting for pages: unit names, labels of typed values, sizes, ad text as paragraphs.

use std::collections::HashMap;
use talentflyt_domain::Lang;
use talentflyt_store::OrgUnit;

/// Names for a unit and the clinic it belongs to.
pub struct UnitNames<'a> {
    by_id: HashMap<i64, &'a OrgUnit>,
}

impl<'a> UnitNames<'a> {
    pub fn new(units: &'a [OrgUnit]) -> UnitNames<'a> {
        UnitNames {
            by_id: units.iter().map(|u| (u.id, u)).collect(),
        }
    }
    pub fn unit(&self, id: i64, lang: Lang) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.name(lang).to_owned())
            .unwrap_or_default()
    }
    /// The clinic (second level) a unit lies in; empty for the trust itself or a clinic.
    pub fn clinic(&self, id: i64, lang: Lang) -> String {
        let Some(u) = self.by_id.get(&id) else {
            return String::new();
        };
        let ids: Vec<i64> = u.path.split('/').filter_map(|s| s.parse().ok()).collect();
        match ids.get(1) {
            Some(cid) if *cid != id => self
                .by_id
                .get(cid)
                .map(|c| c.name(lang).to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn site(&self, id: i64) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.site.clone())
            .unwrap_or_default()
    }
}

pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// Whole megabytes, at least 1.
pub fn mb(bytes: usize) -> String {
    (bytes / (1024 * 1024)).max(1).to_string()
}

pub use talentflyt_domain::ad::{blocks, paragraphs, Block};
