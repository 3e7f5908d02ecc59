//! The durable job queue's workers: the e-mail outbox now; alerts, retention and channel
//! publishing later. Jobs live in the database (see `talentflyt_store::jobs`).

pub mod alerts;
pub mod documents;
pub mod interviews;
pub mod mail;
pub mod nav;
pub mod reminders;
pub mod surveys;
pub mod worker;

pub use mail::{MailConfig, Mailer};
pub use worker::Worker;

#[cfg(feature = "testing")]
pub mod testing;
