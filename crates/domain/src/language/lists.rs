//! The word lists under `crates/domain/data/language/`, compiled in, and how an entry matches.
//! The format is described in `data/language/README.md`.

use std::ops::Range;
use std::sync::LazyLock;

use super::scan::Word;
use crate::Lang;

/// One line of a list: a word or phrase, and perhaps a suggested alternative.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Lower-case stems; `true` when the word must end where the stem ends.
    pub words: Vec<(&'static str, bool)>,
    pub suggestion: Option<&'static str>,
}

pub(crate) struct Lists {
    pub masculine: Vec<Entry>,
    pub feminine: Vec<Entry>,
    pub exclusionary: Vec<Entry>,
    /// Well-known abbreviations, in capitals.
    pub abbreviations: Vec<&'static str>,
}

macro_rules! list {
    ($lang:literal, $name:literal) => {
        include_str!(concat!("../../data/language/", $lang, "/", $name, ".txt"))
    };
}

pub(crate) const SOURCES: [(&str, &str); 9] = [
    ("nb/masculine", list!("nb", "masculine")),
    ("nb/feminine", list!("nb", "feminine")),
    ("nb/exclusionary", list!("nb", "exclusionary")),
    ("nb/abbreviations", list!("nb", "abbreviations")),
    ("en/masculine", list!("en", "masculine")),
    ("en/feminine", list!("en", "feminine")),
    ("en/exclusionary", list!("en", "exclusionary")),
    ("en/abbreviations", list!("en", "abbreviations")),
    (
        "dotted_abbreviations",
        include_str!("../../data/language/dotted_abbreviations.txt"),
    ),
];

static NB: LazyLock<Lists> = LazyLock::new(|| Lists::from_sources(0));
static EN: LazyLock<Lists> = LazyLock::new(|| Lists::from_sources(4));
static DOTTED: LazyLock<Vec<&'static str>> = LazyLock::new(|| lines(SOURCES[8].1).collect());

pub(crate) fn lists(lang: Lang) -> &'static Lists {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}

/// "f.eks", "Dr": an abbreviation whose full stop does not end a sentence.
pub(crate) fn is_dotted_abbreviation(word: &str) -> bool {
    let word = word.to_lowercase();
    DOTTED.iter().any(|a| *a == word)
}

impl Lists {
    fn from_sources(first: usize) -> Lists {
        Lists {
            masculine: entries(SOURCES[first].1),
            feminine: entries(SOURCES[first + 1].1),
            exclusionary: entries(SOURCES[first + 2].1),
            abbreviations: lines(SOURCES[first + 3].1).collect(),
        }
    }
}

/// The entries of a list: blank lines and `#` comments skipped.
pub(crate) fn lines(source: &'static str) -> impl Iterator<Item = &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

pub(crate) fn entries(source: &'static str) -> Vec<Entry> {
    lines(source)
        .map(|line| {
            let (pattern, suggestion) = match line.split_once("->") {
                Some((p, s)) => (p.trim(), Some(s.trim()).filter(|s| !s.is_empty())),
                None => (line, None),
            };
            let words = pattern
                .split_whitespace()
                .map(|w| match w.strip_suffix('$') {
                    Some(stem) => (stem, true),
                    None => (w, false),
                })
                .collect();
            Entry { words, suggestion }
        })
        .collect()
}

/// Where the entries of `list` occur in `text`: each match starts at the start of a word or of a
/// part of a hyphenated word, and runs to the end of the last word matched. Case-insensitive;
/// the longest entry wins, and matches do not overlap.
pub(crate) fn find<'l>(
    text: &str,
    words: &[Word],
    list: &'l [Entry],
) -> Vec<(Range<usize>, &'l Entry)> {
    let lower: Vec<String> = words
        .iter()
        .map(|w| text[w.start..w.end].to_lowercase())
        .collect();
    let mut found = Vec::new();
    let mut covered = 0;
    for (i, w) in words.iter().enumerate() {
        if w.start < covered {
            continue;
        }
        // Match at the word's start, then after each hyphen ("IT-ambisiøs" finds "ambisiøs").
        let parts = std::iter::once(0).chain(
            lower[i]
                .match_indices('-')
                .map(|(k, _)| k + 1)
                .filter(|&k| k < lower[i].len()),
        );
        for from in parts {
            let best = list
                .iter()
                .filter(|e| matches_at(text, words, &lower, i, from, e))
                .max_by_key(|e| {
                    (
                        e.words.len(),
                        e.words.iter().map(|w| w.0.len()).sum::<usize>(),
                    )
                });
            if let Some(entry) = best {
                let last = &words[i + entry.words.len() - 1];
                found.push((start_of_part(text, w, from)..last.end, entry));
                covered = last.end;
                break;
            }
        }
    }
    found
}

/// Whether `entry` matches from word `i`, beginning `from` bytes into its lower-case form.
fn matches_at(
    text: &str,
    words: &[Word],
    lower: &[String],
    i: usize,
    from: usize,
    entry: &Entry,
) -> bool {
    entry.words.iter().enumerate().all(|(k, &(stem, exact))| {
        let Some(word) = lower.get(i + k) else {
            return false;
        };
        if k > 0 {
            let gap = &text[words[i + k - 1].end..words[i + k].start];
            if !gap.chars().all(char::is_whitespace) {
                return false;
            }
        }
        let rest = if k == 0 { &word[from..] } else { &word[..] };
        if exact {
            rest == stem || rest.split('-').next() == Some(stem)
        } else {
            rest.starts_with(stem)
        }
    })
}

/// The byte where the part `from` bytes into the lower-case form of `word` starts in `text`.
/// Parts follow hyphens, which lower-casing keeps, so count hyphens rather than bytes.
fn start_of_part(text: &str, word: &Word, from: usize) -> usize {
    if from == 0 {
        return word.start;
    }
    let original = &text[word.start..word.end];
    let lower = original.to_lowercase();
    let nth = lower[..from].matches('-').count();
    original
        .match_indices('-')
        .nth(nth - 1)
        .map_or(word.start, |(k, _)| word.start + k + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_names_its_source_and_is_written_in_lower_case() {
        for (name, source) in SOURCES {
            let header: Vec<_> = source.lines().take_while(|l| l.starts_with('#')).collect();
            assert!(header.len() >= 2, "{name}: the header names the source");
            let capitals = name.ends_with("/abbreviations");
            for line in lines(source) {
                let pattern = line.split("->").next().unwrap().trim();
                if capitals {
                    assert_eq!(pattern, pattern.to_uppercase(), "{name}: {line}");
                } else {
                    assert_eq!(pattern, pattern.to_lowercase(), "{name}: {line}");
                }
                assert!(!pattern.is_empty(), "{name}: {line}");
            }
        }
        assert!(lists(Lang::Nb).masculine.len() > 20);
        assert!(lists(Lang::En).feminine.len() > 20);
    }

    #[test]
    fn the_gaucher_lists_cite_the_2011_paper_and_the_norwegian_ones_say_they_are_adapted() {
        for (name, source) in &SOURCES[..] {
            if name.ends_with("masculine") || name.ends_with("feminine") {
                assert!(
                    source.contains("Gaucher, Friesen & Kay")
                        || source.contains("Gaucher, D., Friesen, J. & Kay"),
                    "{name}"
                );
            }
        }
        assert!(SOURCES[0].1.contains("Tilpasset"));
        assert!(SOURCES[1].1.contains("Tilpasset"));
    }

    #[test]
    fn a_stem_finds_inflected_forms_but_an_exact_entry_only_the_word() {
        let list = entries("ambisiøs -> motivert\nkind$\nung og dynamisk\n");
        let text = "Ambisiøse folk, kinds, kind, unge og dynamiske, ung, og dynamisk";
        let scan = super::super::scan::scan(text);
        let found: Vec<_> = find(text, &scan.words, &list)
            .into_iter()
            .map(|(r, e)| (&text[r], e.suggestion))
            .collect();
        assert_eq!(
            found,
            [
                ("Ambisiøse", Some("motivert")),
                ("kind", None),
                ("unge og dynamiske", None)
            ]
        );
    }

    #[test]
    fn a_part_after_a_hyphen_is_the_start_of_a_word_but_the_middle_of_a_compound_is_not() {
        let list = entries("selvstendig\n");
        let text = "Fag-Selvstendighet og ikke-selvstendig, men ikke uselvstendig";
        let scan = super::super::scan::scan(text);
        let found: Vec<_> = find(text, &scan.words, &list)
            .into_iter()
            .map(|(r, _)| &text[r])
            .collect();
        assert_eq!(found, ["Selvstendighet", "selvstendig"]);
    }
}
