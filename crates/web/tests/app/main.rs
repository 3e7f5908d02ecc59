//! Behaviour through the real application: router, database (SQLite, or PostgreSQL when
//! TALENTFLYT_TEST_POSTGRES is set), job worker and a real SMTP server.

mod ads;
mod alerts;
mod applicant_list;
mod apply;
mod blind;
mod career;
mod helpers;
mod inclusion;
mod interviews;
mod offers;
mod pipeline;
mod recommendation;
mod references;
mod requisitions;
mod roles;
mod scorecards;
mod security;
mod site;
mod surveys;

pub use helpers::*;
