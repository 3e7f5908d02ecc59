//! The public applicant list (offentleglova §25) and the extended list for the parties.
//!
//! Source: offentleglova §25 second paragraph, and PRODUCT.md "Rules that shape it". After the
//! deadline *as first announced* (an extension does not delay it) the public may see a list of
//! the applicants: name, age, position or job title, and municipality of residence. An applicant
//! may ask not to be listed; each request is weighed on its own against the public interest, and
//! an applicant who is refused is told and may withdraw before being named. The total number of
//! applicants and their gender are shown for *all* applicants, those left off included.
//!
//! The applicants for a post are parties to the case (forvaltningsloven §18); they may see the
//! extended list, which names every applicant (left off or not) with education and experience.
//!
//! This module decides who is named and what a version of the list holds; the store keeps the
//! versions and the web shows them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days a refused applicant has to answer (withdraw, or accept being named) before the list
/// names them. The refusal letter gives the date.
pub const ANSWER_DAYS: i64 = 7;

/// How long the list stays on the public site after the original deadline. The law asks for
/// the list on request; publishing it helps the press and the applicants, but a list of names
/// should not stay on the web for good (Datatilsynet's advice), so it is taken down after half
/// a year and given on request from then on. It is never offered to search engines.
pub const PUBLIC_DAYS: i64 = 183;

/// The longest rationale HR may write for a decision on an exemption.
pub const MAX_RATIONALE: usize = 2000;

/// What the law asks of one applicant for the list, as the application gave it.
#[derive(Debug, Clone, Default)]
pub struct Applicant {
    pub application_id: i64,
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`; an unreadable date gives no age.
    pub birth_date: String,
    /// Position or job title (the form's "current title").
    pub title: String,
    pub municipality: String,
    /// "woman", "man", "other" or "" (not stated), as asked for the list's count.
    pub gender: String,
    pub exemption: Exemption,
}

/// Where an applicant's request not to be named stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Exemption {
    /// No request: named.
    #[default]
    None,
    /// Asked; not decided yet: not named until decided.
    Undecided,
    /// Granted: never named, counted.
    Granted,
    /// Refused: named once the applicant accepts, or once the day to answer has passed
    /// without an answer (recorded as `lapsed` by the hourly job); a withdrawal takes them off
    /// the list altogether.
    Refused { named: bool },
}

impl Exemption {
    /// From the application's columns: requested flag, decision, and the answer to a refusal
    /// (`accept_listed`, or `lapsed` when the day to answer passed in silence).
    pub fn from_columns(
        requested: bool,
        decision: Option<&str>,
        answer: Option<&str>,
    ) -> Exemption {
        if !requested {
            return Exemption::None;
        }
        match decision {
            Some("granted") => Exemption::Granted,
            Some("refused") => Exemption::Refused {
                named: matches!(answer, Some("accept_listed" | "lapsed")),
            },
            _ => Exemption::Undecided,
        }
    }

    /// Named on the list.
    pub fn named(&self) -> bool {
        match self {
            Exemption::None => true,
            Exemption::Undecided | Exemption::Granted => false,
            Exemption::Refused { named } => *named,
        }
    }
}

/// One named applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub application_id: i64,
    /// "Given Family".
    pub name: String,
    pub age: Option<i64>,
    pub title: String,
    pub municipality: String,
}

/// The counts over all applicants, named or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: i64,
    pub women: i64,
    pub men: i64,
    pub other: i64,
    /// Gender not stated.
    pub unstated: i64,
}

/// What one version of the list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Content {
    /// Sorted by family name, then given name (Norwegian order: æ, ø, å last).
    pub entries: Vec<Entry>,
    pub counts: Counts,
}

/// Age in whole years on `on`.
pub fn age(birth_date: &str, on: NaiveDate) -> Option<i64> {
    let b = NaiveDate::parse_from_str(birth_date.trim(), "%Y-%m-%d").ok()?;
    if b > on {
        return None;
    }
    let mut years = i64::from(on.year() - b.year());
    if (on.month(), on.day()) < (b.month(), b.day()) {
        years -= 1;
    }
    Some(years)
}

/// The list from the applicants who have not withdrawn, with ages as of `on` (the day the list
/// was first due, so that a birthday does not make a new version).
pub fn build(applicants: &[Applicant], on: NaiveDate) -> Content {
    let mut counts = Counts::default();
    let mut named = vec![];
    for a in applicants {
        counts.total += 1;
        match a.gender.as_str() {
            "woman" => counts.women += 1,
            "man" => counts.men += 1,
            "other" => counts.other += 1,
            _ => counts.unstated += 1,
        }
        if a.exemption.named() {
            named.push((
                sort_key(&a.family_name, &a.given_name),
                Entry {
                    application_id: a.application_id,
                    name: format!("{} {}", a.given_name.trim(), a.family_name.trim()),
                    age: age(&a.birth_date, on),
                    title: a.title.trim().to_owned(),
                    municipality: a.municipality.trim().to_owned(),
                },
            ));
        }
    }
    named.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.application_id.cmp(&y.1.application_id))
    });
    Content {
        entries: named.into_iter().map(|(_, e)| e).collect(),
        counts,
    }
}

/// Family name, then given name, lowercased, in Norwegian order: æ, ø and å after z, and a
/// double "aa" (the old spelling of å, as in Aasen) sorted as å.
pub fn sort_key(family: &str, given: &str) -> Vec<u32> {
    format!("{} {}", family.trim(), given.trim())
        .to_lowercase()
        .replace("aa", "å")
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => 0x7b,
            'ø' | 'ö' => 0x7c,
            'å' => 0x7d,
            c => c as u32,
        })
        .collect()
}

/// How a version differs from the one before, for its heading: who came and who went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    pub added: i64,
    pub removed: i64,
}

pub fn change(before: &Content, after: &Content) -> Change {
    let ids = |c: &Content| -> std::collections::BTreeSet<i64> {
        c.entries.iter().map(|e| e.application_id).collect()
    };
    let (b, a) = (ids(before), ids(after));
    Change {
        added: a.difference(&b).count() as i64,
        removed: b.difference(&a).count() as i64,
    }
}

/// The day the list is first produced: the day after the deadline as first announced.
pub fn produced_from(original_deadline: NaiveDate) -> NaiveDate {
    original_deadline.succ_opt().unwrap_or(original_deadline)
}

/// The last day the list is on the public site.
pub fn public_until(original_deadline: NaiveDate) -> NaiveDate {
    original_deadline + chrono::Duration::days(PUBLIC_DAYS)
}

/// The last day a refused applicant may answer, when refused `on`.
pub fn answer_by(on: NaiveDate) -> NaiveDate {
    on + chrono::Duration::days(ANSWER_DAYS)
}

/// HR's written reason for a decision: required, one to [`MAX_RATIONALE`] characters, no
/// control characters but line breaks. Returns the trimmed text or the message key.
pub fn check_rationale(text: &str) -> Result<String, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("list.error_rationale");
    }
    if t.chars().count() > MAX_RATIONALE {
        return Err("error.too_long");
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("error.text_invalid");
    }
    Ok(t.replace("\r\n", "\n"))
}

/// One applicant on the extended list (for the parties): everyone who has not withdrawn, left
/// off the public list or not, with what bears on the qualification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendedEntry {
    pub name: String,
    pub age: Option<i64>,
    pub title: String,
    pub employer: String,
    pub municipality: String,
    /// "Degree, institution (from–to)" per line.
    pub education: Vec<String>,
    /// "Title, employer (from–to)" per line.
    pub work: Vec<String>,
}

/// "A, B (2010–2014)", leaving out what is blank; an open end reads "2019–".
pub fn line_of(parts: &[&str], from: &str, to: &str) -> String {
    let mut s = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let (f, t) = (from.trim(), to.trim());
    if !f.is_empty() || !t.is_empty() {
        s = format!("{s} ({f}–{t})");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn a(id: i64, given: &str, family: &str, gender: &str, ex: Exemption) -> Applicant {
        Applicant {
            application_id: id,
            given_name: given.into(),
            family_name: family.into(),
            birth_date: "1990-05-17".into(),
            title: "Sykepleier".into(),
            municipality: "Oslo".into(),
            gender: gender.into(),
            exemption: ex,
        }
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age("1990-05-17", d("2026-05-16")), Some(35));
        assert_eq!(age("1990-05-17", d("2026-05-17")), Some(36));
        assert_eq!(age("2000-02-29", d("2026-02-28")), Some(25));
        assert_eq!(age("2000-02-29", d("2026-03-01")), Some(26));
        assert_eq!(age("junk", d("2026-03-01")), None);
        assert_eq!(age("2030-01-01", d("2026-03-01")), None);
    }

    #[test]
    fn exempted_and_undecided_are_counted_not_named() {
        let on = d("2026-12-01");
        let list = build(
            &[
                a(1, "Kari", "Øverby", "woman", Exemption::None),
                a(2, "Ola", "Berg", "man", Exemption::Granted),
                a(3, "Per", "Aas", "man", Exemption::Undecided),
                a(4, "Eva", "Zahl", "", Exemption::None),
                a(5, "Kim", "Ås", "other", Exemption::None),
            ],
            on,
        );
        let names: Vec<&str> = list.entries.iter().map(|e| e.name.as_str()).collect();
        // Norwegian order: Z before Ø before Å.
        assert_eq!(names, ["Eva Zahl", "Kari Øverby", "Kim Ås"]);
        assert!(sort_key("Aasen", "Per") > sort_key("Zahl", "Eva"));
        assert_eq!(
            list.counts,
            Counts {
                total: 5,
                women: 1,
                men: 2,
                other: 1,
                unstated: 1
            }
        );
        assert_eq!(list.entries[0].age, Some(36));
    }

    #[test]
    fn a_refused_applicant_is_named_after_accepting_or_after_the_day_to_answer() {
        assert_eq!(answer_by(d("2026-12-01")), d("2026-12-08"));
        assert!(!Exemption::from_columns(true, Some("refused"), None).named());
        assert!(Exemption::from_columns(true, Some("refused"), Some("accept_listed")).named());
        assert!(Exemption::from_columns(true, Some("refused"), Some("lapsed")).named());
        assert_eq!(
            Exemption::from_columns(true, Some("granted"), None),
            Exemption::Granted
        );
        assert_eq!(
            Exemption::from_columns(true, None, None),
            Exemption::Undecided
        );
        assert_eq!(
            Exemption::from_columns(false, Some("granted"), None),
            Exemption::None
        );
        assert!(Exemption::from_columns(false, None, None).named());
    }

    #[test]
    fn a_change_names_who_came_and_went() {
        let on = d("2026-12-01");
        let before = build(
            &[
                a(1, "A", "A", "", Exemption::None),
                a(2, "B", "B", "", Exemption::None),
            ],
            on,
        );
        let after = build(
            &[
                a(2, "B", "B", "", Exemption::None),
                a(3, "C", "C", "", Exemption::None),
            ],
            on,
        );
        assert_eq!(
            change(&before, &after),
            Change {
                added: 1,
                removed: 1
            }
        );
        assert_eq!(change(&after, &after), Change::default());
    }

    #[test]
    fn the_list_comes_the_day_after_the_first_deadline() {
        assert_eq!(produced_from(d("2026-11-30")), d("2026-12-01"));
        assert_eq!(public_until(d("2026-11-30")), d("2027-06-01"));
    }

    #[test]
    fn a_rationale_is_required_and_bounded() {
        assert_eq!(check_rationale("  "), Err("list.error_rationale"));
        assert_eq!(check_rationale(&"x".repeat(2001)), Err("error.too_long"));
        assert_eq!(check_rationale("a\u{0}b"), Err("error.text_invalid"));
        assert_eq!(
            check_rationale(" Søkeren står i en\r\nsårbar stilling. ").unwrap(),
            "Søkeren står i en\nsårbar stilling."
        );
    }

    #[test]
    fn lines_leave_out_blanks() {
        assert_eq!(
            line_of(&["Bachelor", "OsloMet"], "2010", "2013"),
            "Bachelor, OsloMet (2010–2013)"
        );
        assert_eq!(line_of(&["", "OUS"], "2019", ""), "OUS (2019–)");
        assert_eq!(line_of(&["Sykepleier", ""], "", ""), "Sykepleier");
    }
}
