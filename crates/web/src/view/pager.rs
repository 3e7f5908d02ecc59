//! Paging through long lists.

use crate::i18n;
use talentflyt_domain::Lang;

/// Numbered pages of a list: how many there are, and links to the neighbours.
pub struct Pager {
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub text: String,
}

/// How many pages `total` items make at `size` a page (at least one).
pub fn page_count(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size).max(1)
}

impl Pager {
    pub fn new(lang: Lang, page: i64, pages: i64, href: impl Fn(i64) -> String) -> Pager {
        Pager {
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: (page < pages).then(|| href(page + 1)),
            text: i18n::tf(
                lang,
                "jobs.page_of",
                &[("page", &page.to_string()), ("pages", &pages.to_string())],
            ),
        }
    }
}
