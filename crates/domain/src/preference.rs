//! Preferential rights (fortrinnsrett) that must be tried before a post is advertised externally
//! (capability R2).
//!
//! - **aml §14-2**: an employee dismissed for redundancy, with at least 12 months' service in
//!   the last two years, has a preferential right to a new post in the same undertaking from the
//!   notice until one year after the notice period ends, if qualified. An offer must be accepted
//!   within 14 days of receiving it.
//! - **aml §14-3**: a part-time employee has a preferential right to an enlarged post instead of
//!   the employer advertising a new one, if qualified. It ranks after §14-2.

use crate::{clean_line, Invalid};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    /// aml §14-2: after redundancy. Ranks first.
    Redundancy,
    /// aml §14-3: a part-timer's right to an enlarged post.
    PartTime,
}

crate::text_enum!(RightKind, "preferential right");

impl RightKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RightKind::Redundancy => "aml_14_2",
            RightKind::PartTime => "aml_14_3",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "aml_14_2" | "14-2" | "§14-2" => Some(RightKind::Redundancy),
            "aml_14_3" | "14-3" | "§14-3" => Some(RightKind::PartTime),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            RightKind::Redundancy => "preference.kind.aml_14_2",
            RightKind::PartTime => "preference.kind.aml_14_3",
        }
    }
}

/// One holder of a right in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferenceRight {
    pub employee_id: i64,
    pub kind: RightKind,
    /// The profession the holder is qualified for.
    pub profession: String,
    /// The unit subtree the right is registered for (the trust, for a right in the whole
    /// undertaking), as a materialised path.
    pub unit_path: String,
    pub from: NaiveDate,
    /// The last day of the right (for §14-2: a year after the notice period ends).
    pub to: NaiveDate,
}

impl PreferenceRight {
    /// In force on `today`: expired rights drop out, future ones are not yet in force.
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.from <= today && today <= self.to
    }

    /// Whether the holder must be considered for a post of `profession` in the unit at `unit_path`.
    pub fn matches(&self, profession: &str, unit_path: &str, today: NaiveDate) -> bool {
        self.is_active(today)
            && self.profession == profession
            && crate::org::is_within(unit_path, &self.unit_path)
    }
}

/// The holders a requisition must consider, in the order the law ranks them: §14-2 before
/// §14-3, and within a right, the one who has waited longest first.
pub fn matching_holders<'a>(
    register: &'a [PreferenceRight],
    profession: &str,
    unit_path: &str,
    today: NaiveDate,
) -> Vec<&'a PreferenceRight> {
    let mut v: Vec<&PreferenceRight> = register
        .iter()
        .filter(|r| r.matches(profession, unit_path, today))
        .collect();
    v.sort_by_key(|r| (r.kind, r.from, r.employee_id));
    v
}

/// aml §14-2 (3): an offer must be accepted within 14 days of receiving it.
pub const ANSWER_DAYS: u64 = 14;

/// The last day a holder offered the post on `received` may accept it.
pub fn answer_deadline(received: NaiveDate) -> NaiveDate {
    received + Days::new(ANSWER_DAYS)
}

/// What HR recorded for one holder, or for a requisition with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Offered the post and accepted it: the post is filled without an ad.
    Accepted,
    /// Offered the post and said no (or let the 14 days pass).
    Declined,
    /// Not qualified for this post; the reason is written down.
    NotQualified,
}

crate::text_enum!(Outcome, "preference outcome");

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Declined => "declined",
            Outcome::NotQualified => "not_qualified",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accepted" => Some(Outcome::Accepted),
            "declined" => Some(Outcome::Declined),
            "not_qualified" => Some(Outcome::NotQualified),
            _ => None,
        }
    }
}

/// Whether the posts may be advertised outside the hospital, given the matching holders and the
/// outcomes recorded for them (by employee id). Every matching holder needs an outcome first;
/// each acceptance fills one of the `positions`.
pub fn may_advertise_externally(
    holders: &[&PreferenceRight],
    outcomes: &[(i64, Outcome)],
    positions: i64,
) -> Result<(), ExternalAdBlocked> {
    let mut accepted = 0;
    for h in holders {
        match outcomes.iter().find(|(id, _)| *id == h.employee_id) {
            None => return Err(ExternalAdBlocked::Undecided(h.employee_id)),
            Some((_, Outcome::Accepted)) => accepted += 1,
            Some(_) => {}
        }
    }
    if accepted >= positions {
        Err(ExternalAdBlocked::Filled)
    } else {
        Ok(())
    }
}

/// Why a requisition may not go to an external ad yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalAdBlocked {
    /// This holder's right has not been tried.
    Undecided(i64),
    /// Holders accepted every post.
    Filled,
}

impl ExternalAdBlocked {
    pub fn key(self) -> &'static str {
        match self {
            ExternalAdBlocked::Undecided(_) => "error.preference_undecided",
            ExternalAdBlocked::Filled => "error.preference_filled",
        }
    }
}

/// One line of a register import, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    /// The column's name in the header.
    pub column: &'static str,
    pub key: &'static str,
}

/// The columns a register file has, in this order, separated by `;` or `,`:
/// `employee_number;right;profession;unit;from;to`. `right` is `14-2` or `14-3`; `unit` is a
/// unit code; dates are `YYYY-MM-DD`.
pub const IMPORT_COLUMNS: [&str; 6] = [
    "employee_number",
    "right",
    "profession",
    "unit",
    "from",
    "to",
];

/// A register line before the employee and unit are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub employee_number: String,
    pub kind: RightKind,
    pub profession: String,
    pub unit_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Read a register file: every good line, and every problem with its line and column, so the
/// whole file can be mended in one go. Looking up employee numbers and unit codes is the caller's
/// (the store's) part; it adds its problems to the same report.
pub fn parse_register(text: &str) -> (Vec<ImportRow>, Vec<ImportProblem>) {
    let mut rows = vec![];
    let mut problems = vec![];
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        problems.push(ImportProblem {
            line: 1,
            column: "employee_number",
            key: "import.empty",
        });
        return (rows, problems);
    };
    let sep = if header.contains(';') { ';' } else { ',' };
    let names: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(sep)
        .map(|h| h.trim().to_lowercase())
        .collect();
    if names != IMPORT_COLUMNS {
        problems.push(ImportProblem {
            line: 1,
            column: "employee_number",
            key: "import.header",
        });
        return (rows, problems);
    }
    for (i, raw) in lines {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = raw.split(sep).map(str::trim).collect();
        if cells.len() != IMPORT_COLUMNS.len() {
            problems.push(ImportProblem {
                line,
                column: IMPORT_COLUMNS[cells.len().min(IMPORT_COLUMNS.len() - 1)],
                key: "import.columns",
            });
            continue;
        }
        let mut bad = |column: &'static str, key: &'static str| {
            problems.push(ImportProblem { line, column, key })
        };
        let number = clean_line(cells[0]).unwrap_or_default();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
            bad("employee_number", "import.employee_number");
        }
        let kind = RightKind::parse(cells[1]);
        if kind.is_none() {
            bad("right", "import.right");
        }
        if crate::profession::find(cells[2]).is_none() {
            bad("profession", "import.profession");
        }
        if cells[3].is_empty() {
            bad("unit", "import.unit");
        }
        let from = NaiveDate::parse_from_str(cells[4], "%Y-%m-%d").ok();
        if from.is_none() {
            bad("from", "import.date");
        }
        let to = NaiveDate::parse_from_str(cells[5], "%Y-%m-%d").ok();
        match (from, to) {
            (_, None) => bad("to", "import.date"),
            (Some(f), Some(t)) if t < f => bad("to", "import.to_before_from"),
            _ => {}
        }
        if let (Some(kind), Some(from), Some(to), false) =
            (kind, from, to, problems.iter().any(|p| p.line == line))
        {
            rows.push(ImportRow {
                line,
                employee_number: number,
                kind,
                profession: cells[2].to_owned(),
                unit_code: cells[3].to_owned(),
                from,
                to,
            });
        }
    }
    (rows, problems)
}

/// A hand-entered right, checked like an imported one.
pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), Invalid> {
    if to < from {
        Err(Invalid::new("to", "import.to_before_from"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn right(id: i64, kind: RightKind, from: &str, to: &str) -> PreferenceRight {
        PreferenceRight {
            employee_id: id,
            kind,
            profession: "nurse".into(),
            unit_path: "/1/".into(),
            from: d(from),
            to: d(to),
        }
    }

    #[test]
    fn redundancy_ranks_before_part_time_and_the_longest_waiting_first() {
        let register = vec![
            right(1, RightKind::PartTime, "2026-01-01", "2027-12-31"),
            right(2, RightKind::Redundancy, "2026-06-01", "2027-12-31"),
            right(3, RightKind::Redundancy, "2026-03-01", "2027-12-31"),
            right(4, RightKind::PartTime, "2025-05-01", "2027-12-31"),
        ];
        let ids: Vec<i64> = matching_holders(&register, "nurse", "/1/5/9/", d("2027-02-01"))
            .iter()
            .map(|r| r.employee_id)
            .collect();
        assert_eq!(ids, [3, 2, 4, 1]);
    }

    #[test]
    fn expired_future_and_unrelated_rights_drop_out() {
        let mut other_profession = right(5, RightKind::Redundancy, "2026-01-01", "2027-12-31");
        other_profession.profession = "midwife".into();
        let mut other_clinic = right(6, RightKind::Redundancy, "2026-01-01", "2027-12-31");
        other_clinic.unit_path = "/1/7/".into();
        let register = vec![
            right(1, RightKind::Redundancy, "2025-01-01", "2027-01-31"),
            right(2, RightKind::Redundancy, "2027-03-01", "2028-03-01"),
            other_profession,
            other_clinic,
            right(7, RightKind::PartTime, "2027-02-01", "2027-02-01"),
        ];
        let ids: Vec<i64> = matching_holders(&register, "nurse", "/1/5/9/", d("2027-02-01"))
            .iter()
            .map(|r| r.employee_id)
            .collect();
        assert_eq!(
            ids,
            [7],
            "expired, not yet, other profession, other clinic; the last day counts"
        );
    }

    #[test]
    fn an_offer_must_be_answered_within_14_days() {
        assert_eq!(answer_deadline(d("2027-02-01")), d("2027-02-15"));
        assert_eq!(answer_deadline(d("2027-12-25")), d("2028-01-08"));
    }

    #[test]
    fn the_ad_goes_external_only_when_every_holder_is_tried_and_posts_remain() {
        let a = right(1, RightKind::Redundancy, "2026-01-01", "2027-12-31");
        let b = right(2, RightKind::PartTime, "2026-01-01", "2027-12-31");
        let holders = [&a, &b];
        assert_eq!(
            may_advertise_externally(&holders, &[(1, Outcome::Declined)], 1),
            Err(ExternalAdBlocked::Undecided(2))
        );
        assert_eq!(
            may_advertise_externally(
                &holders,
                &[(1, Outcome::Accepted), (2, Outcome::NotQualified)],
                1
            ),
            Err(ExternalAdBlocked::Filled)
        );
        assert_eq!(
            may_advertise_externally(
                &holders,
                &[(1, Outcome::Accepted), (2, Outcome::NotQualified)],
                2
            ),
            Ok(()),
            "one of two posts is left"
        );
        assert_eq!(may_advertise_externally(&[], &[], 1), Ok(()), "no holders");
    }

    #[test]
    fn a_register_file_is_read_with_every_problem_named_by_line_and_column() {
        let text = "\u{feff}employee_number;right;profession;unit;from;to\n\
                    100231;14-2;nurse;OUS;2026-10-01;2027-12-31\n\
                    \n\
                    100232;14-4;nurse;AKU;2026-10-01;2027-12-31\n\
                    100233;14-3;astronaut;AKU;2026-10-01;2026-09-01\n\
                    100234;14-3;nurse\n";
        let (rows, problems) = parse_register(text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, RightKind::Redundancy);
        assert_eq!(rows[0].line, 2);
        let p: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(p, [(4, "right"), (5, "profession"), (5, "to"), (6, "unit")]);
        let (rows, problems) = parse_register("a,b\n1,2\n");
        assert!(rows.is_empty());
        assert_eq!(problems[0].key, "import.header");
        let (_, problems) = parse_register(
            "employee_number,right,profession,unit,from,to\n9,14-3,nurse,AKU,2026-01-01,2026-12-31\n",
        );
        assert!(problems.is_empty(), "commas work too");
    }
}
