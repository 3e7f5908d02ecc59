//! Inclusive language and readability of a job ad, in bokmål and English
//! (PRODUCT.md A5, issue 10 "Inclusive language and readability").
//!
//! [`check`] reads the ad's text and returns a [`Report`]: the LIX readability score and a list
//! of [`Finding`]s, each with the matched text, its byte range in the input, a message key and
//! perhaps a suggested alternative. Everything here is advice for the person writing the ad:
//! nothing blocks saving or publishing.
//!
//! The word lists are data files under `crates/domain/data/language/{nb,en}/`, one entry a line,
//! each with a header naming its source.

mod lists;
mod scan;

use std::ops::Range;

use serde::Serialize;

use crate::Lang;

/// A sentence of more than this many words is reported as long.
pub const LONG_SENTENCE_WORDS: usize = 25;
/// A word (or part of a hyphenated word) of more than this many letters is reported as long —
/// common in Norwegian compounds ("røntgenundersøkelsesrommet").
pub const LONG_WORD_LETTERS: usize = 20;
/// LIX counts a word of more than this many letters as long.
pub const LIX_LONG_WORD_LETTERS: usize = 6;

/// Läsbarhetsindex, Carl-Hugo Björnsson (1968): words per sentence plus the percentage of long
/// words (more than six letters).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lix {
    pub score: f64,
    pub words: usize,
    pub sentences: usize,
    pub long_words: usize,
    pub band: LixBand,
}

/// The usual Swedish and Norwegian reading of a LIX score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LixBand {
    /// Under 25: children's books.
    VeryEasy,
    /// 25–34: easy texts, popular fiction.
    Easy,
    /// 35–44: newspapers; what a job ad should aim for.
    Medium,
    /// 45–54: official texts.
    Difficult,
    /// 55 and over: specialist and legal texts.
    VeryDifficult,
}

impl LixBand {
    pub fn from_score(score: f64) -> LixBand {
        match score {
            s if s < 25.0 => LixBand::VeryEasy,
            s if s < 35.0 => LixBand::Easy,
            s if s < 45.0 => LixBand::Medium,
            s if s < 55.0 => LixBand::Difficult,
            _ => LixBand::VeryDifficult,
        }
    }

    /// Message key of the band's name.
    pub fn key(self) -> &'static str {
        match self {
            LixBand::VeryEasy => "lix.band.very_easy",
            LixBand::Easy => "lix.band.easy",
            LixBand::Medium => "lix.band.medium",
            LixBand::Difficult => "lix.band.difficult",
            LixBand::VeryDifficult => "lix.band.very_difficult",
        }
    }
}

/// LIX = words / sentences + 100 × long words / words (Björnsson's läsbarhetsindex).
///
/// Words are runs of letters; a hyphenated compound counts once, numbers are not words. A
/// sentence ends at `.` `!` `?` `:`, at a blank line and around a list item; the full stop of an
/// abbreviation or a number does not end one. An empty text scores 0.
pub fn lix(text: &str) -> Lix {
    lix_of(&scan::scan(text))
}

fn lix_of(scan: &scan::Scan) -> Lix {
    let words = scan.words.len();
    let sentences = scan.sentences.len();
    let long_words = scan
        .words
        .iter()
        .filter(|w| w.letters > LIX_LONG_WORD_LETTERS)
        .count();
    let score = if words == 0 {
        0.0
    } else {
        words as f64 / sentences as f64 + 100.0 * long_words as f64 / words as f64
    };
    Lix {
        score,
        words,
        sentences,
        long_words,
        band: LixBand::from_score(score),
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// More than [`LONG_SENTENCE_WORDS`] words.
    LongSentence,
    /// More than [`LONG_WORD_LETTERS`] letters.
    LongWord,
    /// Gaucher, Friesen & Kay (2011); the Norwegian list is adapted.
    MasculineCoded,
    /// Gaucher, Friesen & Kay (2011); the Norwegian list is adapted.
    FeminineCoded,
    /// Excludes by age, disability or language background (likestillings- og
    /// diskrimineringsloven § 6; arbeidsmiljøloven § 13-1 for age).
    Exclusionary,
    /// 2–6 capitals, not well known and not explained in parentheses anywhere in the text.
    UnexplainedAbbreviation,
}

impl FindingKind {
    /// Message key of the advice.
    pub fn key(self) -> &'static str {
        match self {
            FindingKind::LongSentence => "language.long_sentence",
            FindingKind::LongWord => "language.long_word",
            FindingKind::MasculineCoded => "language.masculine_coded",
            FindingKind::FeminineCoded => "language.feminine_coded",
            FindingKind::Exclusionary => "language.exclusionary",
            FindingKind::UnexplainedAbbreviation => "language.unexplained_abbreviation",
        }
    }
}

/// One piece of advice about the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The matched text, `&input[range]`.
    pub text: String,
    /// Byte range in the input (always on character boundaries).
    pub range: Range<usize>,
    /// Message key of the advice, the same as `kind.key()`.
    pub key: &'static str,
    /// A suggested alternative, in the ad's language, from the word list.
    pub suggestion: Option<&'static str>,
}

/// Which way the gender-coded words lean (Gaucher, Friesen & Kay 2011, as scored by Kat Matfield's
/// Gender Decoder: more masculine than feminine words leans masculine, and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaning {
    Masculine,
    Feminine,
    Balanced,
}

impl Leaning {
    pub fn key(self) -> &'static str {
        match self {
            Leaning::Masculine => "language.leans.masculine",
            Leaning::Feminine => "language.leans.feminine",
            Leaning::Balanced => "language.leans.balanced",
        }
    }
}

/// The result of [`check`]. Advice only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub lix: Lix,
    /// In the order they occur in the text.
    pub findings: Vec<Finding>,
    pub masculine_count: usize,
    pub feminine_count: usize,
}

impl Report {
    /// "Leans masculine/feminine/balanced".
    pub fn leaning(&self) -> Leaning {
        use std::cmp::Ordering::*;
        match self.masculine_count.cmp(&self.feminine_count) {
            Greater => Leaning::Masculine,
            Less => Leaning::Feminine,
            Equal => Leaning::Balanced,
        }
    }

    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// Check a job ad written in `lang`: readability (LIX, long sentences, long words), gender-coded
/// words, exclusionary phrasing and unexplained abbreviations.
pub fn check(text: &str, lang: Lang) -> Report {
    let scan = scan::scan(text);
    let lists = lists::lists(lang);
    let mut findings = Vec::new();
    let mut add = |kind: FindingKind, range: Range<usize>, suggestion: Option<&'static str>| {
        findings.push(Finding {
            kind,
            text: text[range.clone()].to_owned(),
            range,
            key: kind.key(),
            suggestion,
        });
    };

    for sentence in &scan.sentences {
        if sentence.words.len() > LONG_SENTENCE_WORDS {
            add(FindingKind::LongSentence, sentence.range.clone(), None);
        }
    }
    for word in &scan.words {
        for part in parts(text, word.start..word.end) {
            let letters = text[part.clone()]
                .chars()
                .filter(|c| c.is_alphabetic())
                .count();
            if letters > LONG_WORD_LETTERS {
                add(FindingKind::LongWord, part, None);
            }
        }
    }
    let masculine = lists::find(text, &scan.words, &lists.masculine);
    let feminine = lists::find(text, &scan.words, &lists.feminine);
    let exclusionary = lists::find(text, &scan.words, &lists.exclusionary);
    let (masculine_count, feminine_count) = (masculine.len(), feminine.len());
    for (kind, found) in [
        (FindingKind::MasculineCoded, masculine),
        (FindingKind::FeminineCoded, feminine),
        (FindingKind::Exclusionary, exclusionary),
    ] {
        for (range, entry) in found {
            add(kind, range, entry.suggestion);
        }
    }
    for range in unexplained_abbreviations(text, &scan, &lists.abbreviations) {
        add(FindingKind::UnexplainedAbbreviation, range, None);
    }

    findings.sort_by_key(|f| (f.range.start, f.range.end));
    Report {
        lix: lix_of(&scan),
        findings,
        masculine_count,
        feminine_count,
    }
}

/// The hyphen-separated parts of a word.
fn parts(text: &str, word: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = word.start;
    text[word.clone()].split('-').map(move |p| {
        let part = start..start + p.len();
        start += p.len() + 1;
        part
    })
}

/// The first use of each abbreviation — a word or hyphen part of 2–6 capitals — that is not in
/// `known` and is explained nowhere in the text, i.e. never written inside parentheses ("(ITA)")
/// nor followed by one ("ITA (intensivavdelingen)"). Roman numerals ("II") and lines written all
/// in capitals (headings like "VI TILBYR") are left alone.
fn unexplained_abbreviations(text: &str, scan: &scan::Scan, known: &[&str]) -> Vec<Range<usize>> {
    let is_capitals =
        |s: &str| s.chars().all(|c| c.is_alphabetic() && c.is_uppercase()) && !s.is_empty();
    let is_roman = |s: &str| s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    let heading_line = |at: usize| {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let on_line: Vec<_> = scan
            .words
            .iter()
            .filter(|w| w.start >= start && w.end <= end)
            .collect();
        on_line.len() >= 2
            && on_line
                .iter()
                .all(|w| !text[w.start..w.end].chars().any(char::is_lowercase))
    };
    let in_parentheses = |at: usize| {
        let before = &text[..at];
        match (before.rfind('('), before.rfind(')')) {
            (Some(open), Some(close)) => open > close,
            (Some(_), None) => true,
            _ => false,
        }
    };
    let followed_by_parenthesis = |end: usize| text[end..].trim_start().starts_with('(');

    let candidates: Vec<Range<usize>> = scan
        .words
        .iter()
        .flat_map(|w| parts(text, w.start..w.end))
        .filter(|p| {
            let s = &text[p.clone()];
            let n = s.chars().count();
            (2..=6).contains(&n) && is_capitals(s) && !is_roman(s) && !known.contains(&s)
        })
        .collect();
    let mut reported: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for part in &candidates {
        let abbreviation = &text[part.clone()];
        if reported.contains(&abbreviation) || heading_line(part.start) {
            continue;
        }
        reported.push(abbreviation);
        let explained = candidates
            .iter()
            .filter(|p| &text[(*p).clone()] == abbreviation)
            .any(|p| in_parentheses(p.start) || followed_by_parenthesis(p.end));
        if !explained {
            out.push(part.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
