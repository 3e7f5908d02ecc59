//! Layers around every request: security headers, metrics and request logs, the public page
//! cache, and rate limits.

pub mod cache;
pub mod limits;
pub mod observe;
pub mod security;
