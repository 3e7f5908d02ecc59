//! References (R10): asked for only with the candidate's consent, one referee at a time, and
//! answered by the referee through a link on a structured form: the same questions for every
//! referee, so the answers can be read side by side.

use crate::Invalid;
use serde::{Deserialize, Serialize};

/// A referee's link lasts this many days.
pub const LINK_DAYS: i64 = 14;
/// A free-text answer, at most this many characters.
pub const MAX_TEXT: usize = 2000;

/// What the form asks: its key, and whether it is a 1–5 rating or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text { required: bool },
    Rating,
    Rehire,
}

/// The questions, in order. Their texts are `reference.q_<key>` in the locales.
pub const QUESTIONS: [(&str, Kind); 9] = [
    ("relation", Kind::Text { required: true }),
    ("duties", Kind::Text { required: true }),
    ("competence", Kind::Rating),
    ("cooperation", Kind::Rating),
    ("reliability", Kind::Rating),
    ("rehire", Kind::Rehire),
    ("strengths", Kind::Text { required: false }),
    ("development", Kind::Text { required: false }),
    ("other", Kind::Text { required: false }),
];

/// A rating the referee cannot give.
pub const NOT_JUDGED: &str = "na";

/// The answers to "would you hire them again?".
pub const REHIRE: [&str; 3] = ["yes", "no", "unsure"];

/// A referee's answers, as stored (JSON): the question's key and the answer as given ("1"–"5",
/// "yes"/"no"/"unsure", or text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers(pub Vec<(String, String)>);

impl Answers {
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// Check the form as sent (`get` reads a field): every required question answered, ratings
/// 1–5, texts without control characters and at most [`MAX_TEXT`] characters. Every problem is
/// reported at its question.
pub fn check(get: impl Fn(&str) -> String) -> Result<Answers, Vec<Invalid>> {
    let mut errs = vec![];
    let mut out = vec![];
    for (key, kind) in QUESTIONS {
        let v = get(key).trim().replace("\r\n", "\n");
        let field: &'static str = key;
        match kind {
            Kind::Text { required } => {
                if v.is_empty() && required {
                    errs.push(Invalid::new(field, "error.required"));
                } else if v.chars().count() > MAX_TEXT
                    || v.chars().any(|c| c.is_control() && c != '\n')
                {
                    errs.push(Invalid::new(field, "reference.error_text"));
                }
            }
            Kind::Rating => {
                // "na": the referee cannot judge it (one outside health care, on patients).
                if !matches!(v.as_str(), "1" | "2" | "3" | "4" | "5" | NOT_JUDGED) {
                    errs.push(Invalid::new(field, "reference.error_rating"));
                }
            }
            Kind::Rehire => {
                if !REHIRE.contains(&v.as_str()) {
                    errs.push(Invalid::new(field, "reference.error_rehire"));
                }
            }
        }
        out.push((key.to_owned(), v));
    }
    if errs.is_empty() {
        Ok(Answers(out))
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(x, _)| *x == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        }
    }

    #[test]
    fn a_whole_answer_is_kept_as_given() {
        let a = check(form(&[
            ("relation", "Nærmeste leder 2021–2025"),
            ("duties", "Intensivpleie\r\nOpplæring av nyansatte"),
            ("competence", "5"),
            ("cooperation", "4"),
            ("reliability", "na"),
            ("rehire", "yes"),
        ]))
        .unwrap();
        assert_eq!(a.get("reliability"), NOT_JUDGED);
        assert_eq!(a.get("duties"), "Intensivpleie\nOpplæring av nyansatte");
        assert_eq!(a.get("rehire"), "yes");
        assert_eq!(a.get("other"), "");
        assert_eq!(a.0.len(), QUESTIONS.len());
    }

    #[test]
    fn gaps_and_junk_are_named_where_they_stand() {
        let long = "x".repeat(MAX_TEXT + 1);
        let errs = check(form(&[
            ("duties", "ok"),
            ("competence", "6"),
            ("cooperation", "fire"),
            ("reliability", "3"),
            ("rehire", "kanskje"),
            ("strengths", &long),
            ("other", "a\u{0}b"),
        ]))
        .unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            got,
            [
                ("relation", "error.required"),
                ("competence", "reference.error_rating"),
                ("cooperation", "reference.error_rating"),
                ("rehire", "reference.error_rehire"),
                ("strengths", "reference.error_text"),
                ("other", "reference.error_text"),
            ]
        );
    }
}
