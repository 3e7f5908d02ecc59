//! The walking skeleton, in its own test binary: it reads its own log lines, which tracing's
//! per-callsite interest cache can hide when another thread of the same process hits the
//! callsite first (seen as a rare failure in CI while it shared `tests/app` with 60 others).

#[allow(dead_code)]
#[path = "app/helpers.rs"]
mod helpers;

pub use helpers::*;

#[path = "app/skeleton.rs"]
mod skeleton;
