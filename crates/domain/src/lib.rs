//! The language of the business. Pure: no I/O, no framework.
//!
//! A rule of the law or of the OUS strategy lives here once, with a doc comment naming its source
//! and a test that shows it. Errors carry a message key (see `web/locales`) so the user reads
//! them in their own language.

pub mod ad;
pub mod alert;
pub mod applicant_list;
pub mod application;
pub mod blind;
pub mod clock;
pub mod ical;
pub mod inclusion;
pub mod interview;
pub mod lang;
pub mod language;
pub mod nav;
pub mod offer;
pub mod org;
pub mod pdf;
pub mod person;
pub mod pipeline;
pub mod posting;
pub mod preference;
pub mod profession;
pub mod recommendation;
pub mod reference;
pub mod requisition;
pub mod scorecard;
pub mod security;
pub mod survey;
pub mod upload;

pub use clock::Clock;
pub use lang::Lang;

use org::{Role, UnitKind};
use posting::{PostingStatus, Transition};

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

/// A rule refused a change. `Display` is an English sentence for operators and logs; [`Refused::key`]
/// is the message key the web layer translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A unit must sit one level below its parent (see [`org::check_nesting`]).
    UnitNesting {
        parent: Option<UnitKind>,
        kind: UnitKind,
    },
    /// The role is granted on the other kind of scope (see [`org::grant_scope`]).
    GrantScope { role: Role },
    /// The posting's status does not allow this step (see [`PostingStatus::after`]).
    PostingTransition {
        from: PostingStatus,
        transition: Transition,
    },
    /// The deadline day is over.
    DeadlinePassed,
    /// The requisition is not waiting for a decision (already decided, or returned).
    RequisitionNotAwaiting,
    /// Preferential rights (aml §14-2, §14-3) stand in the way of an external ad.
    ExternalAd(preference::ExternalAdBlocked),
}

impl Refused {
    /// Message key of the text the user reads.
    pub fn key(self) -> &'static str {
        match self {
            Refused::UnitNesting { .. } => "error.unit_nesting",
            Refused::GrantScope { role } if role.scoped_to_posting() => "error.grant_on_posting",
            Refused::GrantScope { .. } => "error.grant_on_unit",
            Refused::PostingTransition { .. } => "error.posting_transition",
            Refused::DeadlinePassed => "error.deadline_past",
            Refused::RequisitionNotAwaiting => "error.requisition_not_awaiting",
            Refused::ExternalAd(b) => b.key(),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Refused::UnitNesting { parent: None, kind } => {
                write!(f, "only a trust can be at the root, not a {kind}")
            }
            Refused::UnitNesting {
                parent: Some(parent),
                kind,
            } => match parent.child() {
                Some(child) => write!(f, "a {parent} holds a {child}, not a {kind}"),
                None => write!(f, "a {parent} holds no units"),
            },
            Refused::GrantScope { role } if role.scoped_to_posting() => {
                write!(f, "{role} is granted on one posting, not on an org unit")
            }
            Refused::GrantScope { role } => {
                write!(f, "{role} is granted on an org unit, not on a posting")
            }
            Refused::PostingTransition { from, transition } => {
                write!(f, "a {from} posting cannot be {}", transition.done())
            }
            Refused::DeadlinePassed => f.write_str("the deadline has passed"),
            Refused::RequisitionNotAwaiting => {
                f.write_str("the requisition is not waiting for a decision")
            }
            Refused::ExternalAd(b) => write!(f, "not yet for an external ad: {b:?}"),
        }
    }
}

impl std::error::Error for Refused {}

/// Text that names none of a type's values, e.g. a status the database holds but this build does
/// not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: {value:?}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

/// `Display`, `FromStr` and `TryFrom<String>` for an enum with `as_str` and `parse`, so it is
/// written and read as the same text everywhere: in the database (`#[sqlx(try_from = "String")]`),
/// forms and messages.
macro_rules! text_enum {
    ($ty:ty, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s).ok_or_else(|| $crate::UnknownValue {
                    what: $what,
                    value: s.to_owned(),
                })
            }
        }
        impl TryFrom<String> for $ty {
            type Error = $crate::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
    };
}
pub(crate) use text_enum;

/// Trim, collapse inner runs of whitespace and refuse control characters.
pub fn clean_line(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_control()) {
        return None;
    }
    Some(raw.split_whitespace().collect::<Vec<_>>().join(" "))
}
