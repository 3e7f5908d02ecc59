//! The language of the business. Pure: no I/O, no framework.
//!
//! A rule of the law or of the OUS strategy lives here once, with a doc comment naming its source
//! and a test that shows it. Errors carry a message key (see `web/locales`) so the user reads
//! them in their own language.

pub mod lang;
pub mod org;
pub mod person;
pub mod posting;
pub mod profession;
pub mod security;
pub mod upload;

pub use lang::Lang;

/// A validation failure: which field, and the message key the web layer translates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {key}")]
pub struct Invalid {
    pub field: &'static str,
    pub key: &'static str,
}

impl Invalid {
    pub fn new(field: &'static str, key: &'static str) -> Self {
        Self { field, key }
    }
}

/// Trim, collapse inner runs of whitespace and refuse control characters.
pub(crate) fn clean_line(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_control()) {
        return None;
    }
    Some(raw.split_whitespace().collect::<Vec<_>>().join(" "))
}
