//! Full-text search of the open ads, in Norwegian: tantivy holds the index and ranks by BM25;
//! this module decides what a word matches.
//!
//! Words are cut where a letter or digit ends, lowercased, and stemmed with the Snowball
//! Norwegian stemmer until the stem stops changing ("sykepleiere" → "sykepleier" → "sykeplei",
//! the same stem as "sykepleier" and "sykepleie"). Norwegian joins words into compounds, so a
//! search word also matches stems of the index that begin or end with it, where the rest is a
//! word of its own ("barn" finds "barneavdeling", "sykepleier" finds "intensivsykepleier"); a
//! long word also finds the words it begins ("sykepl" finds "sykepleier"). Such matches count
//! less than the word itself, and a word in the title counts more than one in the text.
//! A word that matches nothing gets the nearest word of the index as a "did you mean".
//!
//! See ARCHITECTURE.md, "Search and reporting".

use std::collections::HashMap;
use std::sync::Mutex;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocId, Index, IndexReader, Score, SegmentReader, TantivyDocument, Term};

/// The longest word indexed or searched, in characters.
const MAX_WORD: usize = 40;
/// The most index words one search word may stand for.
const MAX_EXPANSIONS: usize = 40;
/// How much a match counts in each field.
const TITLE_BOOST: Score = 3.0;
const NAMES_BOOST: Score = 2.0;
/// How much a compound or a beginning counts beside the word itself.
const PART_WEIGHT: Score = 0.6;
const PREFIX_WEIGHT: Score = 0.4;
/// The score of a match on another form of the word, before weights.
const FORM_SCORE: Score = 0.25;
/// How many "did you mean" answers a snapshot remembers.
const SUGGESTIONS_KEPT: usize = 4096;

/// One ad's text, by field.
pub struct Doc {
    /// Titles in both languages.
    pub title: String,
    /// Profession, unit, clinic and place names in both languages, and the reference.
    pub names: String,
    /// The ad text.
    pub body: String,
}

/// The words of `text`: each as written (lowercased) and its stem.
pub fn words(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
        .map(|w| {
            let lower = w.to_lowercase();
            let stem = stem(&lower);
            (lower, stem)
        })
}

/// The Norwegian stem of a lowercased word, stemmed until it stops changing.
pub fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::Norwegian);
    }
    if word.chars().any(|c| c.is_numeric()) {
        return word.to_owned();
    }
    // Snowball takes "-leg" for a suffix ("overlege" → "over"); in a hospital it is a doctor.
    for tail in ["legene", "legens", "legen", "leger", "lege"] {
        if let Some(head) = word.strip_suffix(tail) {
            return format!("{head}leg");
        }
    }
    STEMMER.with(|s| {
        let mut w = word.to_owned();
        for _ in 0..3 {
            let next = s.stem(&w);
            if next == w {
                break;
            }
            w = next.into_owned();
        }
        w
    })
}

/// The stems of the index in both directions, and the words as written, for expansion and
/// suggestions.
struct Vocabulary {
    /// Every stem, sorted.
    stems: Vec<String>,
    /// Every stem reversed (by character), sorted.
    reversed: Vec<String>,
    /// Words as written, by length in characters: (word, how many times it occurs).
    by_length: Vec<Vec<(String, u32)>>,
}

impl Vocabulary {
    fn has(&self, stem: &str) -> bool {
        self.stems
            .binary_search_by(|s| s.as_str().cmp(stem))
            .is_ok()
    }

    /// Whether `rest` is a word of its own after a compound's joint: the stem itself, or it
    /// after the linking "e" or "s" ("barn-e-avdeling", "bemanning-s-plan").
    fn is_part(&self, rest: &str) -> bool {
        let ok = |r: &str| r.chars().count() >= 3 && self.has(r);
        ok(rest)
            || rest
                .strip_prefix(['e', 's'])
                .is_some_and(|r| !r.is_empty() && ok(r))
    }

    /// Whether `head` is a word of its own before a compound's joint (with or without the
    /// linking "e" or "s").
    fn is_head(&self, head: &str) -> bool {
        let ok = |h: &str| h.chars().count() >= 3 && self.has(h);
        ok(head) || head.strip_suffix(['e', 's']).is_some_and(ok)
    }

    /// The index stems a search stem stands for, with their weight: itself; compounds it
    /// begins or ends; and, for a long word, any stem it begins.
    fn expand(&self, stem: &str) -> Vec<(String, Score)> {
        let mut out = Vec::new();
        if self.has(stem) {
            out.push((stem.to_owned(), 1.0));
        }
        let len = stem.chars().count();
        if len < 3 || stem.chars().any(|c| c.is_numeric()) {
            return out;
        }
        // Stems that begin with it.
        let from = self.stems.partition_point(|s| s.as_str() < stem);
        for s in self.stems[from..]
            .iter()
            .take_while(|s| s.starts_with(stem))
            .filter(|s| s.as_str() != stem)
        {
            let rest = &s[stem.len()..];
            let weight = if self.is_part(rest) {
                PART_WEIGHT
            } else if len >= 5 {
                PREFIX_WEIGHT
            } else {
                continue;
            };
            out.push((s.clone(), weight));
            if out.len() >= MAX_EXPANSIONS {
                return out;
            }
        }
        // Stems that end with it, where what comes before is long enough to be a word, or is
        // one ("over-lege", not "kol-lega").
        let rev: String = stem.chars().rev().collect();
        let from = self.reversed.partition_point(|s| s.as_str() < rev.as_str());
        for r in self.reversed[from..]
            .iter()
            .take_while(|r| r.starts_with(rev.as_str()))
            .filter(|r| r.as_str() != rev)
        {
            let s: String = r.chars().rev().collect();
            let head = &s[..s.len() - stem.len()];
            let head_len = head.chars().count();
            if head_len >= 3 && (len >= 6 || head_len >= 4 || self.is_head(head)) {
                out.push((s, PART_WEIGHT));
                if out.len() >= MAX_EXPANSIONS {
                    break;
                }
            }
        }
        out
    }

    /// The word of the index nearest to `word` (a misspelling), if one is near enough.
    fn nearest(&self, word: &str) -> Option<String> {
        let len = word.chars().count();
        if !(3..=MAX_WORD).contains(&len) {
            return None;
        }
        let max = if len <= 5 { 1 } else { 2 };
        let first: Vec<char> = word.chars().take(2).collect();
        let mut best: Option<(usize, u32, &str)> = None;
        for l in len.saturating_sub(max)..=(len + max) {
            for (w, n) in self.by_length.get(l).into_iter().flatten() {
                // A misspelling seldom touches both of the first two letters.
                let mut c = w.chars();
                if c.next() != first.first().copied() && c.next() != first.get(1).copied() {
                    continue;
                }
                let d = strsim::osa_distance(word, w);
                if d == 0 || d > max {
                    continue;
                }
                if best.is_none_or(|(bd, bn, _)| d < bd || (d == bd && *n > bn)) {
                    best = Some((d, *n, w));
                }
            }
        }
        best.map(|b| b.2.to_owned())
    }
}

/// The fields of the index.
#[derive(Clone, Copy)]
struct Fields {
    title: Field,
    names: Field,
    body: Field,
    /// The document's position in the snapshot.
    idx: Field,
}

/// The open ads' text, indexed.
pub struct TextIndex {
    reader: IndexReader,
    fields: Fields,
    vocabulary: Vocabulary,
    suggestions: Mutex<HashMap<String, Option<String>>>,
}

/// What a text search found.
pub struct TextHits {
    /// Positions of the matching documents (in the order given to [`TextIndex::build`]) and
    /// their scores; every search word matched each.
    pub hits: Vec<(u32, Score)>,
    /// The search words that match nothing in the index.
    pub unknown: Vec<String>,
}

/// The stems of a field, as tantivy takes text already cut into words. The text itself is not
/// kept: the index only answers which documents match.
fn pre_tokenized(stems: Vec<String>) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens: stems
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect(),
    }
}

impl TextIndex {
    /// Index the documents; each is known by its position in `docs`.
    pub fn build(docs: &[Doc]) -> tantivy::Result<TextIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            title: schema.add_text_field("title", text.clone()),
            names: schema.add_text_field("names", text.clone()),
            body: schema.add_text_field("body", text),
            idx: schema.add_u64_field("idx", NumericOptions::default().set_fast()),
        };
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        let mut stems: Vec<String> = Vec::new();
        let mut written: HashMap<String, u32> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for (field, text) in [
                (fields.title, &d.title),
                (fields.names, &d.names),
                (fields.body, &d.body),
            ] {
                let mut field_stems = Vec::new();
                for (word, stem) in words(text) {
                    if word.chars().all(char::is_alphabetic) {
                        *written.entry(word).or_default() += 1;
                    }
                    stems.push(stem.clone());
                    field_stems.push(stem);
                }
                doc.add_pre_tokenized_text(field, pre_tokenized(field_stems));
            }
            doc.add_u64(fields.idx, i as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        stems.sort_unstable();
        stems.dedup();
        let mut reversed: Vec<String> = stems.iter().map(|s| s.chars().rev().collect()).collect();
        reversed.sort_unstable();
        let mut by_length: Vec<Vec<(String, u32)>> = vec![Vec::new(); MAX_WORD + 1];
        for (w, n) in written {
            by_length[w.chars().count()].push((w, n));
        }
        for b in &mut by_length {
            b.sort_unstable();
        }
        Ok(TextIndex {
            reader: index.reader()?,
            fields,
            vocabulary: Vocabulary {
                stems,
                reversed,
                by_length,
            },
            suggestions: Mutex::new(HashMap::new()),
        })
    }

    /// The documents that match every word (each with its word forms), with their scores.
    pub fn search(&self, query_words: &[String]) -> tantivy::Result<TextHits> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut unknown = Vec::new();
        for w in query_words {
            for (written, stem) in words(w) {
                let forms = self.vocabulary.expand(&stem);
                if forms.is_empty() {
                    unknown.push(written);
                    continue;
                }
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (form, weight) in forms {
                    for (field, boost) in [
                        (self.fields.title, TITLE_BOOST),
                        (self.fields.names, NAMES_BOOST),
                        (self.fields.body, 1.0),
                    ] {
                        let q = Box::new(TermQuery::new(
                            Term::from_field_text(field, &form),
                            IndexRecordOption::WithFreqs,
                        ));
                        // The word itself ranks by BM25; another form only adds a little,
                        // however rare it is, so it never outranks the word.
                        let q: Box<dyn Query> = if weight < 1.0 {
                            Box::new(ConstScoreQuery::new(q, boost * weight * FORM_SCORE))
                        } else {
                            Box::new(BoostQuery::new(q, boost))
                        };
                        any.push((Occur::Should, q));
                    }
                }
                must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        if !unknown.is_empty() || must.is_empty() {
            return Ok(TextHits {
                hits: Vec::new(),
                unknown,
            });
        }
        let searcher = self.reader.searcher();
        let hits = searcher.search(&BooleanQuery::new(must), &All)?;
        Ok(TextHits { hits, unknown })
    }

    /// The word of the index nearest to a word that matched nothing.
    pub fn suggest(&self, word: &str) -> Option<String> {
        let mut kept = self.suggestions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = kept.get(word) {
            return s.clone();
        }
        let s = self.vocabulary.nearest(word);
        if kept.len() < SUGGESTIONS_KEPT {
            kept.insert(word.to_owned(), s.clone());
        }
        s
    }
}

/// Collects every matching document with its score.
struct All;

struct AllInSegment {
    idx: tantivy::columnar::Column<u64>,
    hits: Vec<(u32, Score)>,
}

impl Collector for All {
    type Fruit = Vec<(u32, Score)>;
    type Child = AllInSegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<AllInSegment> {
        Ok(AllInSegment {
            idx: segment.fast_fields().u64("idx")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllInSegment {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(i) = self.idx.first(doc) {
            self.hits.push((i as u32, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(titles: &[&str]) -> TextIndex {
        let docs: Vec<Doc> = titles
            .iter()
            .map(|t| Doc {
                title: t.to_string(),
                names: "Oslo universitetssykehus avdeling".into(),
                body: "Vi søker en dyktig kollega til turnus.".into(),
            })
            .collect();
        TextIndex::build(&docs).unwrap()
    }

    fn found(ix: &TextIndex, q: &str) -> Vec<u32> {
        let words: Vec<String> = q.split(' ').map(str::to_owned).collect();
        let mut hits = ix.search(&words).unwrap().hits;
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|h| h.0).collect()
    }

    #[test]
    fn word_forms_find_each_other() {
        assert_eq!(stem("sykepleiere"), stem("sykepleier"));
        assert_eq!(stem("sykepleie"), stem("sykepleier"));
        assert_eq!(stem("legene"), stem("lege"));
        assert_eq!(stem("overleger"), "overleg");
        assert_eq!(stem("2026"), "2026");
    }

    #[test]
    fn compounds_and_inflections_match_and_rank_below_the_word_itself() {
        let ix = index(&[
            "Intensivsykepleier",           // 0
            "Sykepleier til barneavdeling", // 1
            "Overlege, anestesi",           // 2
            "Lege i spesialisering",        // 3
            "Kollega søkes",                // 4
            "Barnepleier",                  // 5
        ]);
        assert_eq!(
            found(&ix, "sykepleiere"),
            vec![1, 0],
            "the word itself first"
        );
        assert_eq!(found(&ix, "intensivsykepleie"), vec![0]);
        assert_eq!(
            found(&ix, "barn"),
            vec![1],
            "barne-avdeling: \"avdeling\" is a word here, \"pleier\" is not"
        );
        assert_eq!(found(&ix, "lege"), vec![3, 2], "overlege is a lege");
        assert!(!found(&ix, "leg").contains(&4), "kollega is no lege");
        assert_eq!(found(&ix, "sykepl"), vec![1], "a long beginning");
        assert_eq!(
            found(&ix, "sykepleier barn"),
            vec![1],
            "every word must match"
        );
        assert_eq!(
            found(&ix, "turnus"),
            vec![0, 1, 2, 3, 4, 5],
            "the text counts"
        );
    }

    #[test]
    fn a_misspelling_gets_the_nearest_word() {
        let ix = index(&["Sykepleier", "Jordmor", "Radiograf"]);
        let hits = ix.search(&["sykepelier".into()]).unwrap();
        assert!(hits.hits.is_empty());
        assert_eq!(hits.unknown, vec!["sykepelier".to_string()]);
        assert_eq!(ix.suggest("sykepelier").as_deref(), Some("sykepleier"));
        assert_eq!(ix.suggest("jordmr").as_deref(), Some("jordmor"));
        assert_eq!(ix.suggest("xqzvw"), None);
    }
}
