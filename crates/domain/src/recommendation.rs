//! The innstilling (R12): the written, ranked recommendation of whom to appoint, with each
//! candidate's assessment against the ad's requirements, holders of a preferential right
//! flagged, and the sign-off by the appointing authority the trust has configured.
//!
//! Sources: PRODUCT.md R12 and the rules it names. The qualification principle
//! (kvalifikasjonsprinsippet) asks for the best qualified measured against the ad's
//! requirements, the central steps in writing, and no decision before the deadline. A qualified
//! holder of a preferential right (aml §14-2 before §14-3) goes ahead of other applicants.
//!
//! The rules here are pure: the store keeps what they accept, the web shows their keys.

use crate::ad::Requirement;
use crate::preference::RightKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest text per candidate, and for the summary and notes.
pub const MAX_REASON: usize = 4000;
pub const MAX_SUMMARY: usize = 8000;
pub const MAX_NOTE: usize = 2000;

/// Where the innstilling stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written (also after the authority returned it).
    Draft,
    /// Sent to the appointing authority: no longer edited; union representatives may comment.
    Submitted,
    /// Signed by the authority: final.
    Signed,
}

crate::text_enum!(Status, "recommendation status");

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Signed => "signed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Status::Draft, Status::Submitted, Status::Signed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
    pub fn key(self) -> &'static str {
        match self {
            Status::Draft => "rec.status_draft",
            Status::Submitted => "rec.status_submitted",
            Status::Signed => "rec.status_signed",
        }
    }
}

/// Who signs an innstilling off, configured per trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// An HR advisor or HR administrator over the posting's unit.
    Hr,
    /// A manager at clinic level (klinikkleder) over the posting's unit.
    ClinicLeader,
    /// Any manager over the posting's unit.
    Manager,
}

impl Authority {
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::Hr => "hr",
            Authority::ClinicLeader => "clinic_leader",
            Authority::Manager => "manager",
        }
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "hr" => Ok(Authority::Hr),
            "clinic_leader" => Ok(Authority::ClinicLeader),
            "manager" => Ok(Authority::Manager),
            other => Err(format!(
                "unknown appointing authority {other:?} (hr, clinic_leader, manager)"
            )),
        }
    }
    /// The message key of who signs, as the page names them.
    pub fn key(self) -> &'static str {
        match self {
            Authority::Hr => "rec.authority_hr",
            Authority::ClinicLeader => "rec.authority_clinic_leader",
            Authority::Manager => "rec.authority_manager",
        }
    }
}

/// The first day an innstilling may be written: the day after the posting's deadline (as
/// extended). Nothing is decided while people may still apply.
pub fn open_from(deadline: NaiveDate) -> NaiveDate {
    deadline.succ_opt().unwrap_or(deadline)
}

pub fn is_open(deadline: NaiveDate, today: NaiveDate) -> bool {
    today >= open_from(deadline)
}

/// One candidate's assessment as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry {
    pub application_id: i64,
    /// "" (not ranked) or 1, 2, …
    pub rank: String,
    /// "" or a [`RightKind`] as text.
    pub right: String,
    /// The requirement items (numbered from 1 in the ad's order) the candidate meets.
    pub meets: Vec<u32>,
    pub reason: String,
}

/// One candidate's checked assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub application_id: i64,
    pub rank: Option<u32>,
    pub right: Option<RightKind>,
    /// Sorted, without repeats, only items the profile holds.
    pub meets: Vec<u32>,
    pub reason: String,
}

impl Entry {
    /// Meets every required item of the profile.
    pub fn qualified(&self, profile: &[Requirement]) -> bool {
        required_items(profile)
            .iter()
            .all(|i| self.meets.contains(i))
    }
}

/// The items of the profile that are required (skal-krav), numbered from 1.
pub fn required_items(profile: &[Requirement]) -> Vec<u32> {
    profile
        .iter()
        .enumerate()
        .filter(|(_, r)| r.required)
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

/// What is wrong and where: the candidate (`None`: the innstilling as a whole) and the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub application_id: Option<i64>,
    /// `rank`, `right`, `reason`; for the whole, `summary` or `ranking`.
    pub field: &'static str,
    pub key: &'static str,
}

fn text_problem(s: &str, max: usize) -> Option<&'static str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\r' && c != '\t';
    if s.chars().count() > max {
        Some("rec.too_long")
    } else if s.chars().any(bad) {
        Some("rec.bad_characters")
    } else {
        None
    }
}

/// A checked innstilling, ready to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub summary: String,
    /// In the order of the form.
    pub entries: Vec<Entry>,
}

/// Check an innstilling. A draft may be incomplete (texts are still bounded and ranks must
/// parse); one sent for sign-off (`submit`) must hold:
/// - a summary and written reasons for every candidate;
/// - ranks 1, 2, … without gaps or repeats, at least one;
/// - only qualified candidates ranked (they meet every required item);
/// - every qualified holder of a preferential right ranked, ahead of everyone without one,
///   and §14-2 ahead of §14-3.
///
/// Every problem is reported at once.
pub fn check(
    profile: &[Requirement],
    summary: &str,
    raw: &[RawEntry],
    submit: bool,
) -> Result<Checked, Vec<Problem>> {
    let mut problems = vec![];
    let at = |id: i64, field, key| Problem {
        application_id: Some(id),
        field,
        key,
    };
    let items = profile.len() as u32;
    let mut entries = vec![];
    for r in raw {
        let rank = match r.rank.trim() {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(n) if n >= 1 && n as usize <= raw.len() => Some(n),
                _ => {
                    problems.push(at(r.application_id, "rank", "rec.rank_invalid"));
                    None
                }
            },
        };
        let right = match r.right.trim() {
            "" => None,
            s => match RightKind::parse(s) {
                Some(k) => Some(k),
                None => {
                    problems.push(at(r.application_id, "right", "rec.right_invalid"));
                    None
                }
            },
        };
        let mut meets: Vec<u32> = r
            .meets
            .iter()
            .copied()
            .filter(|i| (1..=items).contains(i))
            .collect();
        meets.sort_unstable();
        meets.dedup();
        let reason = r.reason.trim();
        if let Some(key) = text_problem(reason, MAX_REASON) {
            problems.push(at(r.application_id, "reason", key));
        } else if submit && reason.is_empty() {
            problems.push(at(r.application_id, "reason", "rec.reason_required"));
        }
        entries.push(Entry {
            application_id: r.application_id,
            rank,
            right,
            meets,
            reason: reason.to_owned(),
        });
    }
    let summary = summary.trim();
    let whole = |key| Problem {
        application_id: None,
        field: "summary",
        key,
    };
    if let Some(key) = text_problem(summary, MAX_SUMMARY) {
        problems.push(whole(key));
    } else if submit && summary.is_empty() {
        problems.push(whole("rec.summary_required"));
    }
    // A rank given twice is wrong on both, in a draft too: the form could not show the order.
    for e in &entries {
        if e.rank.is_some() && entries.iter().filter(|o| o.rank == e.rank).count() > 1 {
            problems.push(at(e.application_id, "rank", "rec.rank_twice"));
        }
    }
    if submit {
        submit_rules(profile, &entries, &mut problems);
    }
    if problems.is_empty() {
        Ok(Checked {
            summary: summary.to_owned(),
            entries,
        })
    } else {
        Err(problems)
    }
}

/// The rules a draft may still break but one sent for sign-off may not.
fn submit_rules(profile: &[Requirement], entries: &[Entry], problems: &mut Vec<Problem>) {
    let at = |id: i64, field, key| Problem {
        application_id: Some(id),
        field,
        key,
    };
    let ranked = entries.iter().filter(|e| e.rank.is_some()).count() as u32;
    if ranked == 0 {
        problems.push(Problem {
            application_id: None,
            field: "ranking",
            key: "rec.none_ranked",
        });
        return;
    }
    // Ranks 1..=ranked, each once: with no repeats (checked above), a gap shows as a rank
    // above the count.
    for e in entries {
        if e.rank.is_some_and(|r| r > ranked) {
            problems.push(at(e.application_id, "rank", "rec.rank_gap"));
        }
    }
    for e in entries {
        if e.rank.is_some() && !e.qualified(profile) {
            problems.push(at(e.application_id, "rank", "rec.ranked_unqualified"));
        }
    }
    // The preferential rights: a qualified holder is ranked, and ahead of everyone with a
    // weaker right or none (aml §14-2 ranks before §14-3, both before the rest).
    let strength = |e: &Entry| match e.right {
        Some(RightKind::Redundancy) => 2,
        Some(RightKind::PartTime) => 1,
        None => 0,
    };
    for e in entries.iter().filter(|e| e.right.is_some()) {
        if !e.qualified(profile) {
            continue;
        }
        match e.rank {
            None => problems.push(at(e.application_id, "rank", "rec.holder_unranked")),
            Some(r) => {
                if entries
                    .iter()
                    .any(|o| strength(o) < strength(e) && o.rank.is_some_and(|or| or < r))
                {
                    problems.push(at(e.application_id, "rank", "rec.holder_behind"));
                }
            }
        }
    }
}

/// The authority's answer to an innstilling sent for sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Sign,
    /// Back to the writers, with the reason.
    Return,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sign" => Some(Decision::Sign),
            "return" => Some(Decision::Return),
            _ => None,
        }
    }
}

/// The authority's note: needed when the innstilling is returned, bounded always.
pub fn check_decision_note(decision: Decision, note: &str) -> Result<String, &'static str> {
    let note = note.trim();
    if let Some(key) = text_problem(note, MAX_NOTE) {
        return Err(key);
    }
    if decision == Decision::Return && note.is_empty() {
        return Err("rec.return_note_required");
    }
    Ok(note.to_owned())
}

/// A union representative's statement on the innstilling: not blank, bounded.
pub fn check_comment(body: &str) -> Result<String, &'static str> {
    let body = body.trim();
    if let Some(key) = text_problem(body, MAX_NOTE) {
        return Err(key);
    }
    if body.is_empty() {
        return Err("rec.comment_required");
    }
    Ok(body.to_owned())
}

/// The items met, as stored: "1,3".
pub fn items_text(items: &[u32]) -> String {
    items
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The items met, from their stored text; anything else is skipped.
pub fn parse_items(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(nb: &str, required: bool) -> Requirement {
        Requirement {
            nb: nb.into(),
            en: String::new(),
            required,
            weight: 3,
        }
    }

    fn profile() -> Vec<Requirement> {
        vec![
            req("Autorisasjon som sykepleier", true),
            req("Erfaring fra intensiv", false),
            req("Gode norskkunnskaper", true),
        ]
    }

    fn raw(id: i64, rank: &str, right: &str, meets: &[u32], reason: &str) -> RawEntry {
        RawEntry {
            application_id: id,
            rank: rank.into(),
            right: right.into(),
            meets: meets.to_vec(),
            reason: reason.into(),
        }
    }

    fn keys(r: Result<Checked, Vec<Problem>>) -> Vec<(Option<i64>, &'static str)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.application_id, p.key))
            .collect()
    }

    #[test]
    fn nothing_is_written_before_the_day_after_the_deadline() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(open_from(d), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert!(!is_open(d, d), "not on the deadline itself");
        assert!(is_open(d, open_from(d)));
    }

    #[test]
    fn a_sound_innstilling_passes_and_keeps_what_was_written() {
        let c = check(
            &profile(),
            "  Tre intervjuet. ",
            &[
                raw(1, "2", "", &[1, 3, 2, 3, 9], "God faglig bredde."),
                raw(2, "1", "", &[1, 2, 3], "Best på intensiv."),
                raw(3, "", "", &[2], "Mangler autorisasjon."),
            ],
            true,
        )
        .unwrap();
        assert_eq!(c.summary, "Tre intervjuet.");
        assert_eq!(
            c.entries[0].meets,
            [1, 2, 3],
            "sorted, no repeats, no item 9"
        );
        assert_eq!(c.entries[1].rank, Some(1));
        assert!(c.entries[1].qualified(&profile()));
        assert!(!c.entries[2].qualified(&profile()));
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_submission_may_not() {
        let entries = [raw(1, "", "", &[], ""), raw(2, "", "", &[], "")];
        assert!(check(&profile(), "", &entries, false).is_ok());
        let k = keys(check(&profile(), "", &entries, true));
        assert!(k.contains(&(Some(1), "rec.reason_required")));
        assert!(k.contains(&(Some(2), "rec.reason_required")));
        assert!(k.contains(&(None, "rec.summary_required")));
        assert!(k.contains(&(None, "rec.none_ranked")));
    }

    #[test]
    fn ranks_run_from_one_without_gaps_or_repeats() {
        let p = profile();
        let all = [1, 3];
        let k = keys(check(
            &p,
            "s",
            &[raw(1, "1", "", &all, "a"), raw(2, "1", "", &all, "b")],
            false,
        ));
        assert_eq!(
            k,
            [(Some(1), "rec.rank_twice"), (Some(2), "rec.rank_twice")],
            "a repeat is wrong in a draft too"
        );
        let k = keys(check(
            &p,
            "s",
            &[
                raw(1, "1", "", &all, "a"),
                raw(2, "3", "", &all, "b"),
                raw(3, "", "", &all, "c"),
            ],
            true,
        ));
        assert_eq!(k, [(Some(2), "rec.rank_gap")]);
        for junk in ["0", "-1", "x", "4", "1.5"] {
            let k = keys(check(
                &p,
                "s",
                &[
                    raw(1, junk, "", &all, "a"),
                    raw(2, "", "", &all, "b"),
                    raw(3, "", "", &all, "c"),
                ],
                false,
            ));
            assert_eq!(k, [(Some(1), "rec.rank_invalid")], "{junk}");
        }
    }

    #[test]
    fn only_a_candidate_who_meets_every_required_item_is_ranked() {
        let k = keys(check(
            &profile(),
            "s",
            &[raw(1, "1", "", &[1, 2], "Mangler norsk.")],
            true,
        ));
        assert_eq!(k, [(Some(1), "rec.ranked_unqualified")]);
        // The desired item (2) is not needed.
        assert!(check(&profile(), "s", &[raw(1, "1", "", &[1, 3], "r")], true).is_ok());
    }

    #[test]
    fn a_qualified_holder_of_a_preferential_right_goes_first() {
        let p = profile();
        let q = [1, 3];
        // Holder ranked second behind one without a right.
        let k = keys(check(
            &p,
            "s",
            &[
                raw(1, "1", "", &[1, 2, 3], "a"),
                raw(2, "2", "aml_14_3", &q, "b"),
            ],
            true,
        ));
        assert_eq!(k, [(Some(2), "rec.holder_behind")]);
        // §14-2 ranks before §14-3.
        let k = keys(check(
            &p,
            "s",
            &[
                raw(1, "1", "aml_14_3", &q, "a"),
                raw(2, "2", "aml_14_2", &q, "b"),
            ],
            true,
        ));
        assert_eq!(k, [(Some(2), "rec.holder_behind")]);
        assert!(check(
            &p,
            "s",
            &[
                raw(1, "2", "aml_14_3", &q, "a"),
                raw(2, "1", "aml_14_2", &q, "b"),
                raw(3, "3", "", &q, "c"),
            ],
            true,
        )
        .is_ok());
        // A qualified holder left out.
        let k = keys(check(
            &p,
            "s",
            &[raw(1, "1", "", &q, "a"), raw(2, "", "aml_14_2", &q, "b")],
            true,
        ));
        assert_eq!(k, [(Some(2), "rec.holder_unranked")]);
        // A holder found not qualified may stand unranked, with the reason written.
        assert!(check(
            &p,
            "s",
            &[
                raw(1, "1", "", &q, "a"),
                raw(2, "", "aml_14_2", &[1], "Mangler norsk.")
            ],
            true,
        )
        .is_ok());
        let k = keys(check(&p, "s", &[raw(1, "1", "14-9", &q, "a")], false));
        assert_eq!(k, [(Some(1), "rec.right_invalid")]);
    }

    #[test]
    fn texts_are_bounded_and_clean() {
        let long = "x".repeat(MAX_REASON + 1);
        let k = keys(check(&profile(), "s", &[raw(1, "", "", &[], &long)], false));
        assert_eq!(k, [(Some(1), "rec.too_long")]);
        let k = keys(check(
            &profile(),
            "bad\u{0}",
            &[raw(1, "", "", &[], "ok")],
            false,
        ));
        assert_eq!(k, [(None, "rec.bad_characters")]);
        assert_eq!(
            check_decision_note(Decision::Return, "  "),
            Err("rec.return_note_required")
        );
        assert_eq!(check_decision_note(Decision::Sign, " "), Ok(String::new()));
        assert_eq!(check_comment(""), Err("rec.comment_required"));
        assert_eq!(check_comment(" Enig. "), Ok("Enig.".into()));
    }

    #[test]
    fn items_and_authorities_round_trip() {
        assert_eq!(items_text(&[1, 3]), "1,3");
        assert_eq!(parse_items("1,3,x,"), [1, 3]);
        assert_eq!(parse_items(""), Vec::<u32>::new());
        for a in [Authority::Hr, Authority::ClinicLeader, Authority::Manager] {
            assert_eq!(Authority::parse(a.as_str()), Ok(a));
        }
        assert!(Authority::parse("ceo").is_err());
        for s in [Status::Draft, Status::Submitted, Status::Signed] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
