//! The candidate experience survey (R14): sent after the final answer, anonymous, a Net
//! Promoter Score and three questions on a scale of 1–5, results per unit shown only where at
//! least [`MIN_GROUP`] answered.
//!
//! Source: PRODUCT.md R14 ("candidate experience survey (anonymous, NPS)") and the rule to show
//! small groups only as suppressed.

use serde::Deserialize;

/// Fewer answers than this are not shown, so no one can be recognised by their answer.
pub const MIN_GROUP: usize = 5;
/// Longest comment.
pub const MAX_COMMENT: usize = 2000;
/// Days an invitation may be answered.
pub const ANSWER_DAYS: i64 = 30;

/// The three questions on a scale of 1 (disagree) to 5 (agree), as message keys.
pub const QUESTIONS: [(&str, &str); 3] = [
    ("informed", "survey.q_informed"),
    ("respect", "survey.q_respect"),
    ("speed", "survey.q_speed"),
];

/// The form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawAnswer {
    pub nps: String,
    pub informed: String,
    pub respect: String,
    pub speed: String,
    pub comment: String,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub nps: u8,
    pub informed: u8,
    pub respect: u8,
    pub speed: u8,
    pub comment: String,
}

/// Check an answer: the score 0–10 and each question 1–5 are needed, the comment is optional
/// and bounded. Returns the fields in error, with their message keys.
pub fn check(raw: &RawAnswer) -> Result<Answer, Vec<(&'static str, &'static str)>> {
    let mut errs = vec![];
    let num = |s: &str, lo: u8, hi: u8| {
        s.trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
    };
    let nps = num(&raw.nps, 0, 10);
    if nps.is_none() {
        errs.push(("nps", "survey.choose_score"));
    }
    let mut likert = [0u8; 3];
    for (i, (field, value)) in [
        ("informed", &raw.informed),
        ("respect", &raw.respect),
        ("speed", &raw.speed),
    ]
    .into_iter()
    .enumerate()
    {
        match num(value, 1, 5) {
            Some(n) => likert[i] = n,
            None => errs.push((field, "survey.choose_score")),
        }
    }
    let comment = raw.comment.trim().to_owned();
    if comment.chars().count() > MAX_COMMENT
        || comment
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errs.push(("comment", "survey.comment_invalid"));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Answer {
        nps: nps.unwrap_or(0),
        informed: likert[0],
        respect: likert[1],
        speed: likert[2],
        comment,
    })
}

/// The Net Promoter Score of a group: the share who would recommend (9–10) less the share who
/// would not (0–6), in percentage points. `None` for an empty group.
pub fn net_promoter(scores: &[u8]) -> Option<i64> {
    if scores.is_empty() {
        return None;
    }
    let n = scores.len() as f64;
    let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
    let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
    Some(((promoters - detractors) / n * 100.0).round() as i64)
}

/// Whether a group of `n` answers may be shown.
pub fn shown(n: usize) -> bool {
    n >= MIN_GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(nps: &str, l: &str) -> RawAnswer {
        RawAnswer {
            nps: nps.into(),
            informed: l.into(),
            respect: l.into(),
            speed: l.into(),
            comment: String::new(),
        }
    }

    #[test]
    fn every_score_is_needed_and_bounded() {
        assert!(check(&raw("10", "5")).is_ok());
        assert!(check(&raw("0", "1")).is_ok());
        let e = check(&raw("11", "0")).unwrap_err();
        assert_eq!(
            e.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["nps", "informed", "respect", "speed"]
        );
        let mut r = raw("7", "3");
        r.comment = "x".repeat(MAX_COMMENT + 1);
        assert_eq!(
            check(&r).unwrap_err(),
            [("comment", "survey.comment_invalid")]
        );
    }

    #[test]
    fn the_net_promoter_score_is_promoters_less_detractors() {
        assert_eq!(net_promoter(&[]), None);
        assert_eq!(net_promoter(&[10, 9, 8, 7, 0]), Some(20));
        assert_eq!(net_promoter(&[6, 6]), Some(-100));
        assert_eq!(net_promoter(&[9, 10, 9]), Some(100));
    }

    #[test]
    fn small_groups_are_not_shown() {
        assert!(!shown(MIN_GROUP - 1));
        assert!(shown(MIN_GROUP));
    }
}
