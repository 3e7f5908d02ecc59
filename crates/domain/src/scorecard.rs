//! Structured evaluation (R8): each assessor scores an applicant against the ad's requirement
//! profile, one criterion at a time (1–5), with a recommendation, and sends the card in before
//! seeing anyone else's. The panel then sees where they agree and where they do not.
//!
//! Source: PRODUCT.md R8 ("scorecards from the ad's requirements, each assessor scores before
//! seeing others"); the requirement profile and its weights are the ad's
//! ([`crate::ad::Requirement`]). Scoring every required criterion before sending in follows the
//! qualification principle: a decision must rest on the requirements the ad named.

use crate::ad::Requirement;
use crate::Lang;

/// The scale: 1 (does not meet it) to 5 (meets it very well).
pub const MIN_SCORE: u8 = 1;
pub const MAX_SCORE: u8 = 5;
/// Longest note, per criterion and for the card.
pub const MAX_NOTE: usize = 4000;
/// Scores this far apart on one criterion are a disagreement the panel should talk through.
pub const DISAGREEMENT_SPREAD: u8 = 2;

/// The assessor's overall advice: four steps, no middle, so each one takes a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recommendation {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [
        Recommendation::StrongYes,
        Recommendation::Yes,
        Recommendation::No,
        Recommendation::StrongNo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "strong_no",
            Recommendation::No => "no",
            Recommendation::Yes => "yes",
            Recommendation::StrongYes => "strong_yes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The message key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "scorecard.rec_strong_no",
            Recommendation::No => "scorecard.rec_no",
            Recommendation::Yes => "scorecard.rec_yes",
            Recommendation::StrongYes => "scorecard.rec_strong_yes",
        }
    }

    pub fn is_yes(self) -> bool {
        matches!(self, Recommendation::Yes | Recommendation::StrongYes)
    }
}

/// One criterion of the card: an item of the requirement profile, numbered from 1 in the order
/// of the ad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub item: u32,
    pub nb: String,
    pub en: String,
    pub required: bool,
    pub weight: u8,
}

impl Criterion {
    /// The criterion in `lang`, or in bokmål where it has no English text.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.nb,
        }
    }
}

/// The card's criteria: the ad's requirement profile, item by item.
pub fn criteria(profile: &[Requirement]) -> Vec<Criterion> {
    profile
        .iter()
        .enumerate()
        .map(|(i, r)| Criterion {
            item: i as u32 + 1,
            nb: r.nb.clone(),
            en: r.en.clone(),
            required: r.required,
            weight: r.weight.clamp(1, 5),
        })
        .collect()
}

/// One criterion as scored: `None` is "not assessed" (allowed for desired items only, once the
/// card is sent in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub item: u32,
    pub score: Option<u8>,
    pub note: String,
}

/// A checked card, ready to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// One per criterion, in the criteria's order.
    pub ratings: Vec<Rating>,
    pub recommendation: Option<Recommendation>,
    pub note: String,
}

/// The card as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct RawCard {
    /// Per criterion's item: the score as typed ("" for none) and the note.
    pub scores: Vec<(u32, String, String)>,
    pub recommendation: String,
    pub note: String,
}

/// What is wrong, and where: `item` names the criterion; `None` is the card as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub item: Option<u32>,
    /// The field within: `score`, `note` or `recommendation`.
    pub field: &'static str,
    pub key: &'static str,
}

fn note_problem(s: &str) -> Option<&'static str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\r' && c != '\t';
    if s.chars().count() > MAX_NOTE {
        Some("scorecard.note_long")
    } else if s.chars().any(bad) {
        Some("scorecard.note_characters")
    } else {
        None
    }
}

/// Check a card against the criteria. A draft may be incomplete; a card sent in (`submit`)
/// scores every required criterion and gives a recommendation. Every problem is reported at
/// once. Items the criteria do not hold are ignored.
pub fn check(criteria: &[Criterion], raw: &RawCard, submit: bool) -> Result<Card, Vec<Problem>> {
    let mut problems = vec![];
    let mut ratings = vec![];
    for c in criteria {
        let (score_raw, note) = raw
            .scores
            .iter()
            .find(|(item, _, _)| *item == c.item)
            .map(|(_, s, n)| (s.trim(), n.trim()))
            .unwrap_or(("", ""));
        let score = match score_raw {
            "" => None,
            s => match s.parse::<u8>() {
                Ok(n) if (MIN_SCORE..=MAX_SCORE).contains(&n) => Some(n),
                _ => {
                    problems.push(Problem {
                        item: Some(c.item),
                        field: "score",
                        key: "scorecard.score_invalid",
                    });
                    None
                }
            },
        };
        if submit && c.required && score_raw.is_empty() {
            problems.push(Problem {
                item: Some(c.item),
                field: "score",
                key: "scorecard.score_required",
            });
        }
        if let Some(key) = note_problem(note) {
            problems.push(Problem {
                item: Some(c.item),
                field: "note",
                key,
            });
        }
        ratings.push(Rating {
            item: c.item,
            score,
            note: note.to_owned(),
        });
    }
    let recommendation = match raw.recommendation.trim() {
        "" => {
            if submit {
                problems.push(Problem {
                    item: None,
                    field: "recommendation",
                    key: "scorecard.recommendation_required",
                });
            }
            None
        }
        s => {
            let r = Recommendation::parse(s);
            if r.is_none() {
                problems.push(Problem {
                    item: None,
                    field: "recommendation",
                    key: "scorecard.recommendation_invalid",
                });
            }
            r
        }
    };
    let note = raw.note.trim();
    if let Some(key) = note_problem(note) {
        problems.push(Problem {
            item: None,
            field: "note",
            key,
        });
    }
    if problems.is_empty() {
        Ok(Card {
            ratings,
            recommendation,
            note: note.to_owned(),
        })
    } else {
        Err(problems)
    }
}

/// The weighted score of one card: each scored criterion counts by its weight; criteria not
/// assessed count not at all. `None` when nothing is scored. Pairs are (weight, score).
pub fn weighted(scores: impl IntoIterator<Item = (u8, Option<u8>)>) -> Option<f64> {
    let (mut sum, mut weights) = (0u32, 0u32);
    for (w, s) in scores {
        if let Some(s) = s {
            sum += u32::from(w) * u32::from(s);
            weights += u32::from(w);
        }
    }
    (weights > 0).then(|| f64::from(sum) / f64::from(weights))
}

/// How the panel scored one criterion (or one applicant, on weighted scores).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// `None` when nobody scored it.
    pub fn of(scores: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let mut n = 0;
        let (mut sum, mut min, mut max) = (0.0, f64::MAX, f64::MIN);
        for s in scores {
            n += 1;
            sum += s;
            min = min.min(s);
            max = max.max(s);
        }
        (n > 0).then(|| Spread {
            n,
            mean: sum / n as f64,
            min,
            max,
        })
    }

    /// The assessors are [`DISAGREEMENT_SPREAD`] or more apart.
    pub fn disagrees(&self) -> bool {
        self.max - self.min >= f64::from(DISAGREEMENT_SPREAD) - 1e-9
    }
}

/// The panel is split: some recommend and some do not.
pub fn split(recs: &[Recommendation]) -> bool {
    recs.iter().any(|r| r.is_yes()) && recs.iter().any(|r| !r.is_yes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Vec<Criterion> {
        criteria(&[
            Requirement {
                nb: "Norsk autorisasjon som sykepleier".into(),
                en: "Norwegian authorisation as a nurse".into(),
                required: true,
                weight: 5,
            },
            Requirement {
                nb: "Erfaring fra intensiv".into(),
                en: String::new(),
                required: false,
                weight: 2,
            },
        ])
    }

    fn raw(s1: &str, s2: &str, rec: &str) -> RawCard {
        RawCard {
            scores: vec![
                (1, s1.into(), "Har autorisasjon".into()),
                (2, s2.into(), String::new()),
            ],
            recommendation: rec.into(),
            note: "  God samtale  ".into(),
        }
    }

    #[test]
    fn the_criteria_are_the_profile_numbered_in_order() {
        let c = profile();
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].item, c[0].required, c[0].weight), (1, true, 5));
        assert_eq!(c[1].item, 2);
        assert_eq!(c[1].text(Lang::En), "Erfaring fra intensiv");
        assert_eq!(c[0].text(Lang::En), "Norwegian authorisation as a nurse");
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_card_sent_in_may_not() {
        let c = profile();
        let draft = check(&c, &raw("4", "", ""), false).unwrap();
        assert_eq!(draft.ratings[0].score, Some(4));
        assert_eq!(draft.ratings[1].score, None);
        assert_eq!(draft.recommendation, None);
        assert_eq!(draft.note, "God samtale");

        let errs = check(&c, &raw("", "", ""), true).unwrap_err();
        assert_eq!(
            errs,
            vec![
                Problem {
                    item: Some(1),
                    field: "score",
                    key: "scorecard.score_required"
                },
                Problem {
                    item: None,
                    field: "recommendation",
                    key: "scorecard.recommendation_required"
                },
            ]
        );
        // A desired criterion may be left "not assessed".
        let sent = check(&c, &raw("5", "", "yes"), true).unwrap();
        assert_eq!(sent.recommendation, Some(Recommendation::Yes));
    }

    #[test]
    fn junk_is_refused_where_it_stands() {
        let c = profile();
        let errs = check(&c, &raw("9", "x", "maybe"), false).unwrap_err();
        let keys: Vec<(Option<u32>, &str)> = errs.iter().map(|p| (p.item, p.key)).collect();
        assert_eq!(
            keys,
            vec![
                (Some(1), "scorecard.score_invalid"),
                (Some(2), "scorecard.score_invalid"),
                (None, "scorecard.recommendation_invalid"),
            ]
        );
        let mut long = raw("3", "", "");
        long.scores[1].2 = "x".repeat(MAX_NOTE + 1);
        long.note = "bell\u{7}".into();
        let errs = check(&c, &long, false).unwrap_err();
        assert_eq!(errs[0].key, "scorecard.note_long");
        assert_eq!(errs[0].item, Some(2));
        assert_eq!(errs[1].key, "scorecard.note_characters");
        assert_eq!(errs[1].item, None);
    }

    #[test]
    fn the_weighted_score_counts_only_what_was_assessed() {
        assert_eq!(weighted([(5, Some(4)), (2, None)]), Some(4.0));
        assert_eq!(weighted([(5, Some(4)), (1, Some(1))]), Some(21.0 / 6.0));
        assert_eq!(weighted([(5, None)]), None);
    }

    #[test]
    fn the_panel_sees_spread_and_split() {
        let s = Spread::of([2.0, 4.0, 3.0]).unwrap();
        assert_eq!((s.n, s.mean, s.min, s.max), (3, 3.0, 2.0, 4.0));
        assert!(s.disagrees());
        assert!(!Spread::of([3.0, 4.0]).unwrap().disagrees());
        assert!(Spread::of(std::iter::empty()).is_none());
        assert!(split(&[Recommendation::Yes, Recommendation::No]));
        assert!(!split(&[Recommendation::Yes, Recommendation::StrongYes]));
        assert_eq!(
            Recommendation::parse("strong_no"),
            Some(Recommendation::StrongNo)
        );
        assert_eq!(Recommendation::parse("meh"), None);
    }
}
