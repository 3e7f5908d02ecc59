//! The two languages of every page: Norwegian bokmål first, English second.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Norwegian bokmål, the default.
    #[default]
    Nb,
    En,
}

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    /// A date in words: `1. desember 2026` / `1 December 2026`.
    pub fn date(self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let m = d.month0() as usize;
        match self {
            Lang::Nb => format!("{}. {} {}", d.day(), MONTHS_NB[m], d.year()),
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        }
    }

    pub const ALL: [Lang; 2] = [Lang::Nb, Lang::En];

    /// Of a text written in bokmål and perhaps in English: the one to show in this language, and
    /// the language it is written in (bokmål when there is no English).
    pub fn pick<'a>(self, nb: &'a str, en: &'a str) -> (&'a str, Lang) {
        if self == Lang::En && !en.trim().is_empty() {
            (en, Lang::En)
        } else {
            (nb, Lang::Nb)
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" | "nb-no" | "no-no" | "nn-no" => Some(Lang::Nb),
            "en" | "en-gb" | "en-us" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language for an `Accept-Language` header: the first (by q-value) of nb/no/nn or en;
    /// bokmål when nothing matches.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "nb" | "no" | "nn" => Some(Lang::Nb),
                "en" => Some(Lang::En),
                _ => None,
            };
            if let Some(lang) = lang {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Nb => Lang::En,
            Lang::En => Lang::Nb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_quality_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,nb;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,nn;q=0.5,en;q=0.4"),
            Lang::Nb
        );
        assert_eq!(Lang::from_accept_language("sv,da"), Lang::Nb);
        assert_eq!(Lang::from_accept_language(""), Lang::Nb);
        assert_eq!(Lang::from_accept_language("en;q=0.2, no;q=0.9"), Lang::Nb);
    }
}
