//! What time it is, and which day it is in Norway.
//!
//! Deadlines and other dates in Norwegian hiring are Norwegian calendar days: a deadline of
//! 1 December ends at midnight in Oslo, whatever the server's time zone. Code that needs "now" or
//! "today" takes a [`Clock`], so a test can set it to any moment.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The time, from the system or set by a test. Cheap to clone; clones of a fixed clock share it,
/// so a test that moves its clock moves it for everyone holding a copy.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Unix milliseconds, when fixed.
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The real time.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// Always this instant, until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(AtomicI64::new(at.timestamp_millis()))),
        }
    }

    /// Noon, Norwegian time, on this Norwegian day: far from either midnight, so "today" is this
    /// day however the test moves the clock within it.
    pub fn fixed_on(day: NaiveDate) -> Clock {
        Clock::fixed(oslo_noon(day))
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now(),
            Some(ms) => DateTime::from_timestamp_millis(ms.load(Ordering::Relaxed))
                .unwrap_or(DateTime::UNIX_EPOCH),
        }
    }

    /// Now as Unix seconds, the way the database keeps timestamps.
    pub fn unix(&self) -> i64 {
        self.now().timestamp()
    }

    /// Today in Norway (Europe/Oslo).
    pub fn today(&self) -> NaiveDate {
        norwegian_date(self.now())
    }

    /// Move a fixed clock to `at`. A system clock cannot be moved: this panics, since only a test
    /// calls it and it would otherwise test nothing.
    pub fn set(&self, at: DateTime<Utc>) {
        self.fixed
            .as_ref()
            .expect("only a fixed clock can be set")
            .store(at.timestamp_millis(), Ordering::Relaxed);
    }

    /// Move a fixed clock forward (or back, with a negative span). Panics on a system clock.
    pub fn advance(&self, by: chrono::Duration) {
        self.fixed
            .as_ref()
            .expect("only a fixed clock can be advanced")
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

/// The Norwegian calendar day of an instant (CET in winter, CEST in summer).
pub fn norwegian_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Oslo).date_naive()
}

/// The wall-clock time in Oslo at an instant (what a time on an interview slot is written in).
pub fn oslo_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&Oslo).naive_local()
}

fn oslo_noon(day: NaiveDate) -> DateTime<Utc> {
    Oslo.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()))
        .single()
        .map(|t| t.with_timezone(&Utc))
        // Noon is never skipped or repeated by a Norwegian clock change; keep a sane fallback.
        .unwrap_or_else(|| day.and_hms_opt(11, 0, 0).unwrap_or_default().and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn today_is_the_norwegian_day_not_the_utc_day() {
        // Winter: Oslo is UTC+1, so 23:30 UTC is already tomorrow.
        assert_eq!(
            Clock::fixed(utc("2026-11-30T23:30:00Z")).today(),
            d("2026-12-01")
        );
        assert_eq!(
            Clock::fixed(utc("2026-11-30T22:30:00Z")).today(),
            d("2026-11-30")
        );
        // Summer: UTC+2.
        assert_eq!(
            Clock::fixed(utc("2026-06-30T22:30:00Z")).today(),
            d("2026-07-01")
        );
        assert_eq!(
            Clock::fixed(utc("2026-06-30T21:30:00Z")).today(),
            d("2026-06-30")
        );
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told_and_clones_share_it() {
        let clock = Clock::fixed_on(d("2026-11-22"));
        let copy = clock.clone();
        assert_eq!(clock.today(), d("2026-11-22"));
        assert_eq!(clock.now(), copy.now());
        copy.advance(chrono::Duration::days(10));
        assert_eq!(clock.today(), d("2026-12-02"));
        clock.set(utc("2027-01-01T00:30:00Z"));
        assert_eq!(copy.today(), d("2027-01-01"));
        assert_eq!(copy.unix(), utc("2027-01-01T00:30:00Z").timestamp());
    }

    #[test]
    fn the_system_clock_follows_real_time() {
        let clock = Clock::system();
        assert!(!clock.is_fixed());
        let before = Utc::now();
        let (now, today) = (clock.now(), clock.today());
        let after = Utc::now();
        assert!(now >= before && now <= after);
        assert!((norwegian_date(before)..=norwegian_date(after)).contains(&today));
    }
}
