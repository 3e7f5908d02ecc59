//! Interviews (R9): the times a posting offers, as staff plan them (a row of slots on one
//! day), and when a candidate may still choose or change one. Times are Oslo wall-clock times,
//! as people agree on them and as the calendar invitation carries them (`TZID=Europe/Oslo`).

use crate::{Invalid, Lang};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// An interview lasts at least this many minutes…
pub const MIN_MINUTES: u32 = 15;
/// …and at most this many.
pub const MAX_MINUTES: u32 = 240;
/// At most this many slots are made at once.
pub const MAX_SLOTS: u32 = 24;
/// At most this many minutes between two slots in a row.
pub const MAX_GAP: u32 = 120;
/// The place, at most this many characters.
pub const MAX_LOCATION: usize = 200;
/// Slots are planned at most this many days ahead.
pub const MAX_DAYS_AHEAD: i64 = 365;
/// A candidate chooses or changes a time until this many hours before it; after that, a change
/// goes through the staff, who can then still make room for it.
pub const CHANGE_HOURS: i64 = 24;
/// The candidate is reminded this many hours before.
pub const REMIND_HOURS: i64 = 24;

/// How a slot's start is stored: Oslo local time, sortable as text.
pub const STORED: &str = "%Y-%m-%d %H:%M";

/// A slot's start as stored.
pub fn stored(t: NaiveDateTime) -> String {
    t.format(STORED).to_string()
}

/// A stored start read back.
pub fn parse_stored(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, STORED).ok()
}

/// The slots form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSlots {
    /// `2026-12-01` (a date field) or `1.12.2026`.
    pub date: String,
    /// `09:00` (a time field) or `9.00`.
    pub start: String,
    pub minutes: String,
    pub count: String,
    /// Minutes between one slot's end and the next one's start.
    pub gap: String,
    pub location: String,
}

/// A row of slots, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPlan {
    pub starts: Vec<NaiveDateTime>,
    pub minutes: u32,
    pub location: String,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&s, "%H:%M").ok()
}

fn number(s: &str, min: u32, max: u32) -> Option<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

/// Check the form at `now` (Oslo time): a date and a start that lie ahead (at most a year),
/// a length of 15–240 minutes, 1–24 slots with 0–120 minutes between them, all ending the same
/// day, and a place. Every problem is reported, each at its field.
pub fn plan(raw: &RawSlots, now: NaiveDateTime) -> Result<SlotPlan, Vec<Invalid>> {
    let mut errs = vec![];
    let date = parse_date(&raw.date);
    match date {
        None => errs.push(Invalid::new("date", "interview.error_date")),
        Some(d) if d > now.date() + Duration::days(MAX_DAYS_AHEAD) => {
            errs.push(Invalid::new("date", "interview.error_too_far"))
        }
        _ => {}
    }
    let start = parse_time(&raw.start);
    if start.is_none() {
        errs.push(Invalid::new("start", "interview.error_time"));
    }
    let minutes = number(&raw.minutes, MIN_MINUTES, MAX_MINUTES);
    if minutes.is_none() {
        errs.push(Invalid::new("minutes", "interview.error_minutes"));
    }
    let count = number(&raw.count, 1, MAX_SLOTS);
    if count.is_none() {
        errs.push(Invalid::new("count", "interview.error_count"));
    }
    let gap = if raw.gap.trim().is_empty() {
        Some(0)
    } else {
        number(&raw.gap, 0, MAX_GAP)
    };
    if gap.is_none() {
        errs.push(Invalid::new("gap", "interview.error_gap"));
    }
    let location = raw.location.trim();
    if location.is_empty() {
        errs.push(Invalid::new("location", "error.required"));
    } else if location.chars().count() > MAX_LOCATION || location.chars().any(char::is_control) {
        errs.push(Invalid::new("location", "error.too_long"));
    }
    let (Some(d), Some(s), Some(m), Some(n), Some(g)) = (date, start, minutes, count, gap) else {
        return Err(errs);
    };
    let first = d.and_time(s);
    if first <= now {
        errs.push(Invalid::new("date", "interview.error_past"));
    }
    let step = Duration::minutes(i64::from(m + g));
    let starts: Vec<NaiveDateTime> = (0..n).map(|i| first + step * i as i32).collect();
    // The night the clocks go forward has no 02:00–03:00 in Oslo.
    if starts.iter().any(|t| {
        chrono::TimeZone::from_local_datetime(&chrono_tz::Europe::Oslo, t)
            .single()
            .is_none()
    }) {
        errs.push(Invalid::new("start", "interview.error_no_such_time"));
    }
    let end = starts[starts.len() - 1] + Duration::minutes(i64::from(m));
    if end.date() != d && end != d.succ_opt().unwrap_or(d).and_time(NaiveTime::MIN) {
        errs.push(Invalid::new("count", "interview.error_past_midnight"));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(SlotPlan {
        starts,
        minutes: m,
        location: location.to_owned(),
    })
}

/// May the candidate still choose this time, or leave it for another, at `now`?
pub fn may_change(start: NaiveDateTime, now: NaiveDateTime) -> bool {
    start - now >= Duration::hours(CHANGE_HOURS)
}

const WEEKDAYS_NB: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The day of a slot in words: `tirsdag 1. desember 2026` / `Tuesday 1 December 2026`.
pub fn day(lang: Lang, d: NaiveDate) -> String {
    let w = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Nb => format!("{} {}", WEEKDAYS_NB[w], lang.date(d)),
        Lang::En => format!("{} {}", WEEKDAYS_EN[w], lang.date(d)),
    }
}

/// The hours of a slot: `kl. 10.00–10.45` / `10:00–10:45` (bokmål writes the time with a full
/// stop, English with a colon).
pub fn hours(lang: Lang, start: NaiveDateTime, minutes: u32) -> String {
    let end = start + Duration::minutes(i64::from(minutes));
    match lang {
        Lang::Nb => format!("kl. {}–{}", start.format("%H.%M"), end.format("%H.%M")),
        Lang::En => format!("{}–{}", start.format("%H:%M"), end.format("%H:%M")),
    }
}

/// A slot in words: `tirsdag 1. desember 2026 kl. 10.00–10.45` /
/// `Tuesday 1 December 2026, 10:00–10:45`.
pub fn when(lang: Lang, start: NaiveDateTime, minutes: u32) -> String {
    let sep = match lang {
        Lang::Nb => " ",
        Lang::En => ", ",
    };
    format!(
        "{}{sep}{}",
        day(lang, start.date()),
        hours(lang, start, minutes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        parse_stored(s).unwrap()
    }

    fn raw(date: &str, start: &str, minutes: &str, count: &str, gap: &str) -> RawSlots {
        RawSlots {
            date: date.into(),
            start: start.into(),
            minutes: minutes.into(),
            count: count.into(),
            gap: gap.into(),
            location: "Ullevål, bygg 31, møterom 2".into(),
        }
    }

    fn fields(r: Result<SlotPlan, Vec<Invalid>>) -> Vec<(&'static str, &'static str)> {
        r.unwrap_err().iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn a_row_of_slots_on_one_day() {
        let now = at("2026-11-24 12:00");
        let p = plan(&raw("2026-12-01", "09:00", "45", "4", "15"), now).unwrap();
        let s: Vec<String> = p.starts.iter().map(|t| stored(*t)).collect();
        assert_eq!(
            s,
            [
                "2026-12-01 09:00",
                "2026-12-01 10:00",
                "2026-12-01 11:00",
                "2026-12-01 12:00"
            ]
        );
        assert_eq!(p.minutes, 45);
        // Norwegian ways of writing the date and the time are read too; no gap is no gap.
        let p = plan(&raw("1.12.2026", "9.30", "30", "2", ""), now).unwrap();
        assert_eq!(stored(p.starts[1]), "2026-12-01 10:00");
        // The last one may end at midnight, not after.
        assert!(plan(&raw("2026-12-01", "23:00", "60", "1", "0"), now).is_ok());
        assert_eq!(
            fields(plan(&raw("2026-12-01", "23:00", "60", "2", "0"), now)),
            [("count", "interview.error_past_midnight")]
        );
    }

    #[test]
    fn junk_and_the_past_are_refused_where_they_stand() {
        let now = at("2026-11-24 12:00");
        assert_eq!(
            fields(plan(
                &RawSlots {
                    location: " ".into(),
                    ..raw("32.13.2026", "25:61", "5", "0", "500")
                },
                now
            )),
            [
                ("date", "interview.error_date"),
                ("start", "interview.error_time"),
                ("minutes", "interview.error_minutes"),
                ("count", "interview.error_count"),
                ("gap", "interview.error_gap"),
                ("location", "error.required"),
            ]
        );
        assert_eq!(
            fields(plan(&raw("2026-11-24", "11:59", "30", "1", "0"), now)),
            [("date", "interview.error_past")]
        );
        assert_eq!(
            fields(plan(&raw("2028-01-01", "10:00", "30", "1", "0"), now)),
            [("date", "interview.error_too_far")]
        );
        let long = RawSlots {
            location: "x".repeat(MAX_LOCATION + 1),
            ..raw("2026-12-01", "10:00", "30", "1", "0")
        };
        assert_eq!(fields(plan(&long, now)), [("location", "error.too_long")]);
        // 02:30 on the last Sunday of March 2027 does not exist in Oslo.
        assert_eq!(
            fields(plan(&raw("2027-03-28", "02:30", "30", "1", "0"), now)),
            [("start", "interview.error_no_such_time")]
        );
        let injected = RawSlots {
            location: "Rom 1\r\nBCC: x@y".into(),
            ..raw("2026-12-01", "10:00", "30", "1", "0")
        };
        assert_eq!(
            fields(plan(&injected, now)),
            [("location", "error.too_long")]
        );
    }

    #[test]
    fn a_candidate_changes_until_a_day_before() {
        let start = at("2026-12-01 10:00");
        assert!(may_change(start, at("2026-11-30 10:00")));
        assert!(!may_change(start, at("2026-11-30 10:01")));
    }

    #[test]
    fn a_slot_in_words() {
        let t = at("2026-12-01 10:00");
        assert_eq!(
            when(Lang::Nb, t, 45),
            "tirsdag 1. desember 2026 kl. 10.00–10.45"
        );
        assert_eq!(
            when(Lang::En, t, 45),
            "Tuesday 1 December 2026, 10:00–10:45"
        );
    }
}
