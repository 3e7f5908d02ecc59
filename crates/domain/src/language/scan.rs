//! Words and sentences of a text, with their byte ranges, for LIX and the findings.
//!
//! - A word is a run of letters (æøå included); hyphens, apostrophes and full stops *between*
//!   letters join, so "IT-avdelingen", "don't" and "f.eks." are one word each.
//! - Numbers are not words, nor letters glued to digits ("B12", "3D"); "covid-19" gives "covid".
//! - Web and e-mail addresses are not words.
//! - A sentence ends at `.` `!` `?` `:` (and `…`), at a blank line, and around a list item. A full
//!   stop ends nothing when it sits inside a token ("08.30", "ous.no"), before a lower-case letter
//!   or a digit ("bl.a. sykepleiere", "ca. 30"), or after a known abbreviation ("f.eks. Kari").

use std::ops::Range;

use super::lists;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    /// Letters only: hyphens, apostrophes and inner full stops are not counted.
    pub letters: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// From the first word to the end of the closing punctuation (or of the last word).
    pub range: Range<usize>,
    /// Indices into [`Scan::words`].
    pub words: Range<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub words: Vec<Word>,
    pub sentences: Vec<Sentence>,
}

pub(crate) fn scan(text: &str) -> Scan {
    let mut b = Builder {
        text,
        scan: Scan::default(),
        first: 0,
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            b.end_sentence(None);
        } else if let Some(marker) = list_marker_len(content) {
            b.end_sentence(None);
            b.span(start + marker, start + content.len());
            b.end_sentence(None);
        } else {
            b.span(start, start + content.len());
        }
    }
    b.end_sentence(None);
    b.scan
}

struct Builder<'a> {
    text: &'a str,
    scan: Scan,
    /// Index of the first word of the open sentence.
    first: usize,
}

impl Builder<'_> {
    fn end_sentence(&mut self, end: Option<usize>) {
        let words = &self.scan.words;
        if self.first < words.len() {
            let start = words[self.first].start;
            let end = end.unwrap_or(words[words.len() - 1].end);
            self.scan.sentences.push(Sentence {
                range: start..end,
                words: self.first..words.len(),
            });
            self.first = words.len();
        }
    }

    /// One line's text (without a list marker), chunk by whitespace-separated chunk.
    fn span(&mut self, start: usize, end: usize) {
        let span = &self.text[start..end];
        for chunk in span.split_whitespace() {
            let at = start + (chunk.as_ptr() as usize - span.as_ptr() as usize);
            self.chunk(at, chunk);
        }
    }

    fn chunk(&mut self, at: usize, chunk: &str) {
        if is_address(chunk) {
            let core = chunk.trim_end_matches(|c| is_terminator(c) || is_closer(c));
            let tail = &chunk[core.len()..];
            if tail.chars().any(is_terminator) {
                self.terminator(at + core.len(), at + chunk.len(), tail);
            }
            return;
        }
        let chars: Vec<(usize, char)> = chunk.char_indices().collect();
        let mut open: Option<(usize, usize)> = None; // (start index in chars, letters)
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphabetic() {
                match &mut open {
                    Some((_, letters)) => *letters += 1,
                    None => open = Some((j, 1)),
                }
                j += 1;
                continue;
            }
            let joins = open.is_some()
                && is_joiner(c)
                && chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphabetic());
            if joins {
                j += 1;
                continue;
            }
            if let Some((first, letters)) = open.take() {
                self.word(at, &chars, first, j, letters);
            }
            if is_terminator(c) {
                let mut k = j;
                while k < chars.len() && is_terminator(chars[k].1) {
                    k += 1;
                }
                let mut m = k;
                while m < chars.len() && is_closer(chars[m].1) {
                    m += 1;
                }
                if m == chars.len() {
                    let run_end = chars.get(k).map_or(chunk.len(), |&(i, _)| i);
                    let run = &chunk[chars[j].0..run_end];
                    self.terminator(at + chars[j].0, at + chunk.len(), run);
                }
                j = m.max(j + 1);
                continue;
            }
            j += 1;
        }
        if let Some((first, letters)) = open {
            self.word(at, &chars, first, chars.len(), letters);
        }
    }

    /// Letters `chars[first..end]` of the chunk at byte `at`; kept unless glued to a digit.
    fn word(
        &mut self,
        at: usize,
        chars: &[(usize, char)],
        first: usize,
        end: usize,
        letters: usize,
    ) {
        let glued_before = first > 0 && chars[first - 1].1.is_numeric();
        let glued_after = chars.get(end).is_some_and(|&(_, c)| c.is_numeric());
        if glued_before || glued_after {
            return;
        }
        let start = at + chars[first].0;
        let end = at + chars.get(end).map_or_else(|| chunk_len(chars), |&(i, _)| i);
        self.scan.words.push(Word {
            start,
            end,
            letters,
        });
    }

    /// Closing punctuation `run` at `start`, the chunk ending at `end`.
    fn terminator(&mut self, start: usize, end: usize, run: &str) {
        let only_full_stops = run.chars().all(|c| c == '.' || c == '…');
        if only_full_stops {
            let after_abbreviation = self.scan.words.last().is_some_and(|w| {
                w.end == start && lists::is_dotted_abbreviation(&self.text[w.start..w.end])
            });
            let continues = self.text[end..]
                .chars()
                .find(|c| !c.is_whitespace())
                .is_some_and(|c| c.is_lowercase() || c.is_numeric());
            if after_abbreviation || continues {
                return;
            }
        }
        self.end_sentence(Some(end));
    }
}

fn chunk_len(chars: &[(usize, char)]) -> usize {
    chars.last().map_or(0, |&(i, c)| i + c.len_utf8())
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '"' | '\'' | '»' | '”' | '’')
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\u{2011}' | '\'' | '’' | '.')
}

fn is_address(chunk: &str) -> bool {
    let lower = chunk.to_lowercase();
    chunk.contains('@')
        || lower.contains("://")
        || lower
            .trim_start_matches(['(', '<', '«', '"'])
            .starts_with("www.")
}

/// Bytes taken by a list marker and the whitespace after it: "- ", "* ", "• ", "– ", "1. ",
/// "2) ", "a) ".
fn list_marker_len(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    let mut chars = body.char_indices();
    let (_, first) = chars.next()?;
    let marker_end = if matches!(first, '-' | '*' | '•' | '–' | '—' | '·' | '▪') {
        first.len_utf8()
    } else {
        let digits = body.chars().take_while(char::is_ascii_digit).count();
        let rest = &body[digits..];
        if (1..=3).contains(&digits) && (rest.starts_with('.') || rest.starts_with(')')) {
            digits + 1
        } else if first.is_alphabetic() && body[first.len_utf8()..].starts_with(')') {
            first.len_utf8() + 1
        } else {
            return None;
        }
    };
    let after = &body[marker_end..];
    let gap = after.len() - after.trim_start().len();
    (gap > 0).then_some(indent + marker_end + gap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        scan(text)
            .words
            .iter()
            .map(|w| &text[w.start..w.end])
            .collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        scan(text)
            .sentences
            .iter()
            .map(|s| &text[s.range.clone()])
            .collect()
    }

    #[test]
    fn words_are_letter_runs_and_compounds_with_hyphens_count_once() {
        assert_eq!(
            words("IT-avdelingen på Ullevål, 3. etg. (B12), covid-19 og 100 %"),
            ["IT-avdelingen", "på", "Ullevål", "etg", "covid", "og"]
        );
        assert_eq!(
            words("Don't stop – it’s f.eks. fine"),
            ["Don't", "stop", "it’s", "f.eks", "fine"]
        );
    }

    #[test]
    fn addresses_are_not_words() {
        assert_eq!(
            words("Søk på www.ous.no eller skriv til post@ous.no."),
            ["Søk", "på", "eller", "skriv", "til"]
        );
        assert_eq!(
            sentences("Se https://ous.no. Søk nå"),
            ["Se https://ous.no.", "Søk nå"]
        );
    }

    #[test]
    fn full_stops_inside_numbers_and_abbreviations_end_no_sentence() {
        assert_eq!(
            sentences("Oppmøte kl. 08.30 den 1. mars, bl.a. på Dr. Hansens kontor. Velkommen!"),
            [
                "Oppmøte kl. 08.30 den 1. mars, bl.a. på Dr. Hansens kontor.",
                "Velkommen!"
            ]
        );
    }

    #[test]
    fn colons_blank_lines_and_list_items_end_sentences_but_a_wrapped_line_does_not() {
        let text = "Vi tilbyr:\n- gode kolleger\n  * fast stilling\n\nOverskrift\n\nDen første setningen\nfortsetter her.";
        assert_eq!(
            sentences(text),
            [
                "Vi tilbyr:",
                "gode kolleger",
                "fast stilling",
                "Overskrift",
                "Den første setningen\nfortsetter her."
            ]
        );
        assert_eq!(
            sentences("1. Søk\n2. Kom på intervju"),
            ["Søk", "Kom på intervju"]
        );
    }

    #[test]
    fn a_run_of_marks_and_closing_quotes_belong_to_the_sentence() {
        assert_eq!(
            sentences("Er du klar?! «Ja.» (Sikkert.) Bra"),
            ["Er du klar?!", "Ja.»", "Sikkert.)", "Bra"]
        );
    }
}
