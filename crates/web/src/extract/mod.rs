//! Request extractors: who is asking (language, address, signed-in staff), CSRF-checked forms,
//! and where to go next.

pub mod client;
pub mod csrf;
pub mod lang;
pub mod next;
pub mod staff;
pub mod upload;

pub use client::ClientIp;

/// The values of every cookie called `name` the request carries, in order.
pub fn cookies<'a>(
    headers: &'a axum::http::HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |c| c.trim().strip_prefix(name)?.strip_prefix('='))
}
pub use csrf::{Csrf, FormToken};
pub use lang::ReqLang;
pub use next::{safe_next, NextQuery};
pub use staff::Staff;
