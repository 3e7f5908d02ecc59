//! Request extractors: who is asking (language, address, signed-in staff), CSRF-checked forms,
//! and where to go next.

pub mod client;
pub mod csrf;
pub mod lang;
pub mod next;
pub mod staff;
pub mod upload;

pub use client::ClientIp;
pub use csrf::{Csrf, FormToken};
pub use lang::ReqLang;
pub use next::{safe_next, NextQuery};
pub use staff::Staff;
