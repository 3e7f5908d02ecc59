//! The offer (R13): the terms offered to a candidate ranked in a signed innstilling, approved
//! by HR (never by the one who wrote it), sent as a letter in the candidate's language, and
//! accepted or declined on Min side before a deadline. Acceptance makes the hire.
//!
//! Sources: PRODUCT.md R13 ("offer letter (PDF), acceptance in the portal, hire"), and
//! aml § 14-9 for a temporary post, which must name its ground (a–e) and, for a substitute,
//! until when.

use crate::pdf::Document;
use crate::{Invalid, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written, waiting for HR's approval.
    Proposed,
    /// Approved and sent to the candidate, who has not answered.
    Sent,
    Accepted,
    Declined,
    /// Taken back by the staff before an answer.
    Withdrawn,
}

crate::text_enum!(Status, "offer status");

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Proposed,
        Status::Sent,
        Status::Accepted,
        Status::Declined,
        Status::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Sent => "sent",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Still open: proposed or waiting for the candidate.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Proposed | Status::Sent)
    }
    /// The message key of how it stands, with an answer day past counted as lapsed.
    pub fn key(self, answer_by: NaiveDate, today: NaiveDate) -> &'static str {
        match self {
            Status::Sent if today > answer_by => "offer.status_lapsed",
            Status::Proposed => "offer.status_proposed",
            Status::Sent => "offer.status_sent",
            Status::Accepted => "offer.status_accepted",
            Status::Declined => "offer.status_declined",
            Status::Withdrawn => "offer.status_withdrawn",
        }
    }
}

/// Longest free text in the letter.
pub const MAX_NOTE: usize = 2000;

/// The terms as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RawTerms {
    pub position_nb: String,
    pub position_en: String,
    pub fte_percent: String,
    pub start_date: String,
    /// Yearly salary in whole kroner.
    pub salary: String,
    /// E.g. "lønnstrinn 55" or the pay scale.
    pub salary_note: String,
    /// `permanent` or `temporary`.
    pub engagement: String,
    /// aml § 14-9 (2) a–e, for a temporary post.
    pub ground: String,
    /// The last day of a temporary post.
    pub until: String,
    pub answer_by: String,
    pub note: String,
}

/// Checked terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub position_nb: String,
    pub position_en: String,
    pub fte_percent: i64,
    pub start_date: NaiveDate,
    pub salary: i64,
    pub salary_note: String,
    pub permanent: bool,
    /// The § 14-9 letter, for a temporary post.
    pub ground: Option<String>,
    pub until: Option<NaiveDate>,
    pub answer_by: NaiveDate,
    pub note: String,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn line(s: &str, max: usize) -> Option<String> {
    let s = crate::clean_line(s)?;
    (s.chars().count() <= max).then_some(s)
}

/// Check the terms on `today`: a position named in bokmål, 1–100 %, a start from today, a
/// salary within reason, a temporary post with its ground and last day after the start, and
/// a day to answer from today and not after the start. Every problem is reported at once.
pub fn check(raw: &RawTerms, today: NaiveDate) -> Result<Terms, Vec<Invalid>> {
    let mut errs = vec![];
    let mut bad = |field, key| errs.push(Invalid::new(field, key));
    let position_nb = line(&raw.position_nb, 200).unwrap_or_default();
    if position_nb.is_empty() {
        bad("position_nb", "offer.position_required");
    }
    let position_en = line(&raw.position_en, 200).unwrap_or_default();
    let fte_percent = raw.fte_percent.trim().parse::<i64>().unwrap_or(0);
    if !(1..=100).contains(&fte_percent) {
        bad("fte_percent", "offer.fte_invalid");
    }
    let start_date = date(&raw.start_date);
    match start_date {
        None => bad("start_date", "offer.date_invalid"),
        Some(d) if d < today => bad("start_date", "offer.start_past"),
        _ => {}
    }
    let salary = raw
        .salary
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .parse::<i64>()
        .unwrap_or(0);
    if !(100_000..=5_000_000).contains(&salary) {
        bad("salary", "offer.salary_invalid");
    }
    let salary_note = line(&raw.salary_note, 200).unwrap_or_default();
    let permanent = match raw.engagement.as_str() {
        "permanent" => Some(true),
        "temporary" => Some(false),
        _ => None,
    };
    if permanent.is_none() {
        bad("engagement", "error.choose_one");
    }
    let (mut ground, mut until) = (None, None);
    if permanent == Some(false) {
        let g = raw.ground.trim();
        if crate::requisition::TemporaryGround::LETTERS.contains(&g) {
            ground = Some(g.to_owned());
        } else {
            bad("ground", "offer.ground_required");
        }
        match (date(&raw.until), start_date) {
            (Some(u), Some(s)) if u > s => until = Some(u),
            (Some(_), Some(_)) => bad("until", "offer.until_before_start"),
            _ => bad("until", "offer.date_invalid"),
        }
    }
    let answer_by = date(&raw.answer_by);
    match (answer_by, start_date) {
        (None, _) => bad("answer_by", "offer.date_invalid"),
        (Some(a), _) if a < today => bad("answer_by", "offer.answer_past"),
        (Some(a), Some(s)) if a > s => bad("answer_by", "offer.answer_after_start"),
        _ => {}
    }
    let note = raw.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE
        || note
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        bad("note", "offer.note_invalid");
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Terms {
        position_nb,
        position_en,
        fte_percent,
        start_date: start_date.unwrap_or(today),
        salary,
        salary_note,
        permanent: permanent.unwrap_or(true),
        ground,
        until,
        answer_by: answer_by.unwrap_or(today),
        note,
    })
}

impl Terms {
    pub fn position(&self, lang: Lang) -> &str {
        lang.pick(&self.position_nb, &self.position_en).0
    }
}

/// Whole kroner as Norwegians write them: "620 000 kr" / "NOK 620,000".
pub fn kroner(lang: Lang, n: i64) -> String {
    let digits = n.abs().to_string();
    let sep = match lang {
        Lang::Nb => '\u{a0}',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    match lang {
        Lang::Nb => format!("{out}\u{a0}kr"),
        Lang::En => format!("NOK {out}"),
    }
}

/// The letter's texts, in its language, as the caller's message catalogue gives them.
pub struct LetterText<'a> {
    pub heading: &'a str,
    /// "Dear …, we are pleased to offer you …" with the names filled in.
    pub opening: String,
    /// (label, value) lines of the terms.
    pub facts: Vec<(String, String)>,
    pub note: &'a str,
    /// How and by when to answer.
    pub answer: String,
    pub closing: String,
    pub page_of: &'a dyn Fn(usize, usize) -> String,
}

/// The offer letter as a PDF.
pub fn letter(lang: Lang, title: &str, text: &LetterText<'_>) -> Vec<u8> {
    let mut d = Document::new(title, lang);
    d.heading(text.heading);
    d.paragraph(&text.opening);
    for (label, value) in &text.facts {
        d.field(&format!("{label}:"), value);
    }
    if !text.note.is_empty() {
        d.paragraph(text.note);
    }
    d.paragraph(&text.answer);
    d.paragraph(&text.closing);
    d.finish(text.page_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn raw() -> RawTerms {
        RawTerms {
            position_nb: "Intensivsykepleier".into(),
            position_en: "Intensive care nurse".into(),
            fte_percent: "100".into(),
            start_date: "2027-02-01".into(),
            salary: "620 000".into(),
            salary_note: "Lønnstrinn 55".into(),
            engagement: "permanent".into(),
            answer_by: "2026-12-08".into(),
            ..RawTerms::default()
        }
    }

    fn fields(r: Result<Terms, Vec<Invalid>>) -> Vec<(&'static str, &'static str)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect()
    }

    #[test]
    fn sound_terms_pass() {
        let t = check(&raw(), today()).unwrap();
        assert_eq!(t.salary, 620_000);
        assert!(t.permanent && t.ground.is_none());
        assert_eq!(t.position(Lang::En), "Intensive care nurse");
    }

    #[test]
    fn a_temporary_post_names_its_ground_and_last_day() {
        let mut r = raw();
        r.engagement = "temporary".into();
        assert_eq!(
            fields(check(&r, today())),
            [
                ("ground", "offer.ground_required"),
                ("until", "offer.date_invalid")
            ]
        );
        r.ground = "b".into();
        r.until = "2027-01-01".into();
        assert_eq!(
            fields(check(&r, today())),
            [("until", "offer.until_before_start")]
        );
        r.until = "2027-12-31".into();
        let t = check(&r, today()).unwrap();
        assert_eq!(t.ground.as_deref(), Some("b"));
        assert!(!t.permanent);
    }

    #[test]
    fn junk_is_refused_field_by_field() {
        let r = RawTerms {
            position_nb: " ".into(),
            fte_percent: "150".into(),
            start_date: "2026-11-01".into(),
            salary: "12".into(),
            engagement: "forever".into(),
            answer_by: "2027-03-01".into(),
            note: "x".repeat(MAX_NOTE + 1),
            ..RawTerms::default()
        };
        assert_eq!(
            fields(check(&r, today())),
            [
                ("position_nb", "offer.position_required"),
                ("fte_percent", "offer.fte_invalid"),
                ("start_date", "offer.start_past"),
                ("salary", "offer.salary_invalid"),
                ("engagement", "error.choose_one"),
                ("answer_by", "offer.answer_after_start"),
                ("note", "offer.note_invalid"),
            ]
        );
        let mut r = raw();
        r.answer_by = "2027-03-01".into();
        assert_eq!(
            fields(check(&r, today())),
            [("answer_by", "offer.answer_after_start")]
        );
        r.answer_by = "2026-11-30".into();
        assert_eq!(
            fields(check(&r, today())),
            [("answer_by", "offer.answer_past")]
        );
    }

    #[test]
    fn kroner_are_written_the_norwegian_way() {
        assert_eq!(kroner(Lang::Nb, 620_000), "620\u{a0}000\u{a0}kr");
        assert_eq!(kroner(Lang::En, 1_234_567), "NOK 1,234,567");
        assert_eq!(kroner(Lang::Nb, 999), "999\u{a0}kr");
    }

    #[test]
    fn an_unanswered_offer_lapses_after_its_day() {
        let by = today();
        assert_eq!(Status::Sent.key(by, by), "offer.status_sent");
        assert_eq!(
            Status::Sent.key(by, by.succ_opt().unwrap()),
            "offer.status_lapsed"
        );
        assert_eq!(
            Status::Accepted.key(by, by.succ_opt().unwrap()),
            "offer.status_accepted"
        );
    }
}
