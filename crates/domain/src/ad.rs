//! The ad (stillingsannonse): its text in bokmål and English, the requirement profile
//! (kravprofil) that later becomes the evaluation criteria, the structured fields the career site
//! filters on, and the templates HR starts from (A5, A6, R2 in PRODUCT.md).
//!
//! The offentleglova §25 notice and the organisation's diversity sentence are not part of the
//! text anyone writes: the career site adds them to every ad, so they cannot be left out.

use crate::{clean_line, Invalid, Lang};
use serde::{Deserialize, Serialize};

/// The vulnerable competence areas of the OUS strategy (sårbare kompetanseområder): the career
/// site lets candidates find these ads directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompetenceArea {
    IntensiveCare,
    Children,
    MentalHealth,
    Surgery,
    Cancer,
}

crate::text_enum!(CompetenceArea, "competence area");

impl CompetenceArea {
    pub const ALL: [CompetenceArea; 5] = [
        CompetenceArea::IntensiveCare,
        CompetenceArea::Children,
        CompetenceArea::MentalHealth,
        CompetenceArea::Surgery,
        CompetenceArea::Cancer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CompetenceArea::IntensiveCare => "intensive_care",
            CompetenceArea::Children => "children",
            CompetenceArea::MentalHealth => "mental_health",
            CompetenceArea::Surgery => "surgery",
            CompetenceArea::Cancer => "cancer",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            CompetenceArea::IntensiveCare => "area.intensive_care",
            CompetenceArea::Children => "area.children",
            CompetenceArea::MentalHealth => "area.mental_health",
            CompetenceArea::Surgery => "area.surgery",
            CompetenceArea::Cancer => "area.cancer",
        }
    }
}

/// Who an ad speaks to, besides everyone: students (summer jobs, extra shifts), new graduates
/// (mentoring, training positions) and the experienced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    Students,
    NewGraduates,
    Experienced,
}

crate::text_enum!(TargetGroup, "target group");

impl TargetGroup {
    pub const ALL: [TargetGroup; 3] = [
        TargetGroup::Students,
        TargetGroup::NewGraduates,
        TargetGroup::Experienced,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TargetGroup::Students => "students",
            TargetGroup::NewGraduates => "new_graduates",
            TargetGroup::Experienced => "experienced",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            TargetGroup::Students => "target.students",
            TargetGroup::NewGraduates => "target.new_graduates",
            TargetGroup::Experienced => "target.experienced",
        }
    }
}

/// A list of codes as stored in one column: `a,b,c`, sorted, no duplicates.
pub fn join_codes<T: Copy + Ord + std::fmt::Display>(items: &[T]) -> String {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The codes of a stored list; unknown ones (written by a newer build) are skipped.
pub fn split_codes<T>(s: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    s.split(',').filter_map(|c| parse(c.trim())).collect()
}

/// The sections of an ad in one language. Lists (duties, what we offer) are lines starting with
/// "- "; paragraphs are separated by a blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdText {
    pub intro: String,
    pub about_unit: String,
    pub duties: String,
    pub offer: String,
}

impl AdText {
    /// Section message keys and texts, in the order the ad shows them.
    pub fn sections(&self) -> [(&'static str, &str); 4] {
        [
            ("ad.intro", self.intro.as_str()),
            ("ad.about_unit", self.about_unit.as_str()),
            ("ad.duties", self.duties.as_str()),
            ("ad.offer", self.offer.as_str()),
        ]
    }
    pub fn is_blank(&self) -> bool {
        self.sections().iter().all(|(_, s)| s.trim().is_empty())
    }
}

/// One item of the requirement profile: required (krav) or desired (ønskelig), with the weight
/// it carries when candidates are evaluated against it (1–5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub nb: String,
    #[serde(default)]
    pub en: String,
    pub required: bool,
    pub weight: u8,
}

impl Requirement {
    /// The item in `lang`, or in bokmål where it has no English text.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.nb,
        }
    }
}

/// A person candidates may call or write to about the post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub name: String,
    /// Their title, e.g. "Seksjonsleder".
    pub title: String,
    pub phone: String,
    pub email: String,
}

/// What is written in an ad: both languages, the requirement profile and the contacts. Stored
/// as one JSON document with the posting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdContent {
    pub nb: AdText,
    /// Blank when the ad is in bokmål only.
    pub en: AdText,
    pub requirements: Vec<Requirement>,
    pub contacts: Vec<Contact>,
}

impl AdContent {
    /// An ad written before ads had sections: its whole text is the introduction.
    pub fn from_plain(body: &str) -> AdContent {
        AdContent {
            nb: AdText {
                intro: body.to_owned(),
                ..AdText::default()
            },
            ..AdContent::default()
        }
    }
    pub fn has_english(&self) -> bool {
        !self.en.is_blank()
    }
    /// The text a reader in `lang` gets: English where written, bokmål otherwise.
    pub fn text(&self, lang: Lang) -> &AdText {
        match lang {
            Lang::En if self.has_english() => &self.en,
            _ => &self.nb,
        }
    }
    /// The bokmål ad as plain text, for search, the language check and channels that take text.
    pub fn plain_nb(&self, title: &str) -> String {
        let mut out = String::from(title.trim());
        for (_, text) in self.nb.sections() {
            if !text.trim().is_empty() {
                out.push_str("\n\n");
                out.push_str(text.trim());
            }
        }
        let reqs: Vec<&str> = self.requirements.iter().map(|r| r.nb.as_str()).collect();
        if !reqs.is_empty() {
            out.push_str("\n\n- ");
            out.push_str(&reqs.join("\n- "));
        }
        out
    }
}

/// Structured fields of an ad that the career site filters on and shows at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdFields {
    /// Place of work (arbeidssted), e.g. "Rikshospitalet".
    pub work_place: String,
    /// First day of work; none means "by agreement".
    pub start_date: Option<chrono::NaiveDate>,
    /// Salary as the ad states it, e.g. "Etter avtale" or "Lønnstrinn 45–55".
    pub salary_text: String,
    pub target_groups: Vec<TargetGroup>,
    pub competence_areas: Vec<CompetenceArea>,
}

/// An ad template for a profession, in both languages. The built-in ones are in
/// `data/templates/`; HR edits its own copies in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub profession: String,
    #[serde(default)]
    pub competence_areas: Vec<CompetenceArea>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    pub nb: TemplateText,
    pub en: TemplateText,
    pub requirements: Vec<Requirement>,
    /// The pipeline's stages for postings made from this template; none means
    /// [`crate::pipeline::default_stages`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<crate::pipeline::StageDef>,
}

impl Template {
    /// The stages a posting made from this template starts with.
    pub fn stages(&self) -> Vec<crate::pipeline::StageDef> {
        if self.stages.is_empty() {
            crate::pipeline::default_stages()
        } else {
            self.stages.clone()
        }
    }
}

/// A template's text in one language: a default title and the sections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateText {
    pub title: String,
    #[serde(flatten)]
    pub text: AdText,
}

/// The profession code of the template used when a profession has none of its own.
pub const GENERAL_TEMPLATE: &str = "general";

macro_rules! builtin {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../data/templates/", $code, ".toml")))),*]
    };
}

const BUILTIN: &[(&str, &str)] = builtin!(
    "nurse",
    "specialist_nurse_intensive",
    "operating_nurse",
    "anaesthesia_nurse",
    "midwife",
    "physician_resident",
    "physician_specialist",
    "psychologist",
    "bioengineer",
    "health_secretary",
    "leader",
    "general",
);

/// The built-in templates, one per profession listed above plus the general one.
pub fn builtin_templates() -> Vec<Template> {
    BUILTIN
        .iter()
        .map(|(code, text)| {
            let t: Template = toml::from_str(text)
                .unwrap_or_else(|e| panic!("built-in template {code} does not parse: {e}"));
            assert_eq!(
                t.profession, *code,
                "template file name and profession differ"
            );
            t
        })
        .collect()
}

/// The template for `profession`: its own, or the general one.
pub fn template_for<'a>(templates: &'a [Template], profession: &str) -> Option<&'a Template> {
    templates
        .iter()
        .find(|t| t.profession == profession)
        .or_else(|| templates.iter().find(|t| t.profession == GENERAL_TEMPLATE))
}

/// The organisation's standard texts that every ad carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTexts {
    /// The diversity sentence, bokmål and English.
    pub diversity_nb: String,
    pub diversity_en: String,
}

impl OrgTexts {
    pub fn diversity(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.diversity_en.trim().is_empty() => &self.diversity_en,
            _ => &self.diversity_nb,
        }
    }
}

#[derive(Deserialize)]
struct OrgFile {
    diversity: LangPair,
}

#[derive(Deserialize)]
struct LangPair {
    nb: String,
    en: String,
}

/// The built-in organisation texts (`data/templates/organisation.toml`).
pub fn builtin_org_texts() -> OrgTexts {
    let f: OrgFile = toml::from_str(include_str!("../data/templates/organisation.toml"))
        .expect("organisation.toml parses");
    OrgTexts {
        diversity_nb: f.diversity.nb.trim().to_owned(),
        diversity_en: f.diversity.en.trim().to_owned(),
    }
}

/// Longest section of an ad, in characters.
pub const MAX_SECTION: usize = 10_000;
/// At most this many requirement items and contacts.
pub const MAX_REQUIREMENTS: usize = 20;
pub const MAX_CONTACTS: usize = 5;

/// The raw rows of the requirement profile as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementRow {
    pub nb: String,
    pub en: String,
    /// `required` or `desired`.
    pub kind: String,
    pub weight: String,
}

/// Check the requirement rows (blank rows are dropped): each item needs its bokmål text, a kind
/// and a weight 1–5, and the profile needs at least one required item, since candidates are
/// later evaluated against it.
pub fn parse_requirements(rows: &[RequirementRow], errs: &mut Vec<Invalid>) -> Vec<Requirement> {
    let mut out = vec![];
    for row in rows {
        let nb = clean_line(&row.nb);
        let en = clean_line(&row.en);
        if row.nb.trim().is_empty() && row.en.trim().is_empty() {
            continue;
        }
        let (Some(nb), Some(en)) = (nb, en) else {
            errs.push(Invalid::new("requirements", "error.requirement_text"));
            continue;
        };
        if nb.is_empty() {
            errs.push(Invalid::new("requirements", "error.requirement_text"));
            continue;
        }
        if nb.chars().count() > 300 || en.chars().count() > 300 {
            errs.push(Invalid::new("requirements", "error.too_long"));
            continue;
        }
        let required = match row.kind.as_str() {
            "required" => true,
            "desired" => false,
            _ => {
                errs.push(Invalid::new("requirements", "error.requirement_kind"));
                continue;
            }
        };
        let Some(weight) = row
            .weight
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|w| (1..=5).contains(w))
        else {
            errs.push(Invalid::new("requirements", "error.requirement_weight"));
            continue;
        };
        out.push(Requirement {
            nb,
            en,
            required,
            weight,
        });
    }
    if out.len() > MAX_REQUIREMENTS {
        errs.push(Invalid::new("requirements", "error.too_many_requirements"));
    } else if !out.iter().any(|r| r.required) {
        errs.push(Invalid::new(
            "requirements",
            "error.requirement_none_required",
        ));
    }
    out
}

/// Check the contact rows (blank rows are dropped): a name, and a phone number or an e-mail
/// address that looks like one.
pub fn parse_contacts(rows: &[Contact], errs: &mut Vec<Invalid>) -> Vec<Contact> {
    let mut out = vec![];
    for row in rows {
        let fields = [&row.name, &row.title, &row.phone, &row.email];
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cleaned: Vec<Option<String>> = fields.iter().map(|f| clean_line(f)).collect();
        if cleaned
            .iter()
            .any(|c| c.as_ref().is_none_or(|s| s.chars().count() > 120))
        {
            errs.push(Invalid::new("contacts", "error.contact_invalid"));
            continue;
        }
        let c = Contact {
            name: cleaned[0].clone().unwrap_or_default(),
            title: cleaned[1].clone().unwrap_or_default(),
            phone: cleaned[2].clone().unwrap_or_default(),
            email: cleaned[3].clone().unwrap_or_default(),
        };
        let phone_ok = c.phone.is_empty()
            || (c
                .phone
                .chars()
                .all(|ch| ch.is_ascii_digit() || " +-()".contains(ch))
                && c.phone.chars().filter(|ch| ch.is_ascii_digit()).count() >= 8);
        let email_ok = c.email.is_empty() || crate::person::Email::parse(&c.email).is_ok();
        if c.name.is_empty() || (c.phone.is_empty() && c.email.is_empty()) {
            errs.push(Invalid::new("contacts", "error.contact_incomplete"));
        } else if !phone_ok || !email_ok {
            errs.push(Invalid::new("contacts", "error.contact_invalid"));
        } else {
            out.push(c);
        }
    }
    if out.len() > MAX_CONTACTS {
        errs.push(Invalid::new("contacts", "error.too_many_contacts"));
    }
    out
}

/// Check a section's text: line endings made `\n`, trimmed, no control characters but newlines
/// and tabs, and not longer than [`MAX_SECTION`].
pub fn clean_section(raw: &str, field: &'static str, errs: &mut Vec<Invalid>) -> String {
    let text = raw.trim().replace("\r\n", "\n").replace('\r', "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errs.push(Invalid::new(field, "error.control_chars"));
    } else if text.chars().count() > MAX_SECTION {
        errs.push(Invalid::new(field, "error.too_long"));
    }
    text
}

/// Blank lines separate paragraphs; single line breaks stay. (A page escapes the text; [`html`] does here.)
pub fn paragraphs(body: &str) -> Vec<Vec<String>> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A block of an ad's section: a paragraph (its lines) or a list (its items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub list: bool,
    pub lines: Vec<String>,
}

/// A section's text as blocks: paragraphs separated by blank lines, and runs of lines starting
/// with "- " or "• " as lists.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = vec![];
    for para in paragraphs(text) {
        for (j, line) in para.into_iter().enumerate() {
            let t = line.trim_start();
            let item = t.strip_prefix("- ").or_else(|| t.strip_prefix("• "));
            let (list, text) = match item {
                Some(t) => (true, t.trim().to_owned()),
                None => (false, line),
            };
            // A list goes on across a blank line; a paragraph ends at one.
            let same_block = match out.last() {
                Some(b) if b.list => list,
                Some(b) => !b.list && !list && j > 0,
                None => false,
            };
            match out.last_mut() {
                Some(b) if same_block => b.lines.push(text),
                _ => out.push(Block {
                    list,
                    lines: vec![text],
                }),
            }
        }
    }
    out
}

/// Escape text for HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An ad's text as simple HTML (paragraphs, lists, `<h3>` headings), for machines that take
/// HTML: the structured data on the ad page and the NAV channel. `heading` names a section
/// by its label key (`ad.about_unit`, …, `ad.required`, `ad.desired`).
pub fn html(
    text: &AdText,
    requirements: &[Requirement],
    lang: Lang,
    heading: impl Fn(&'static str) -> String,
) -> String {
    let mut html = String::new();
    for (key, section) in text.sections().iter().filter(|(_, t)| !t.trim().is_empty()) {
        if *key != "ad.intro" {
            html.push_str(&format!("<h3>{}</h3>", escape_html(&heading(key))));
        }
        for b in blocks(section) {
            let lines: Vec<String> = b.lines.iter().map(|l| escape_html(l)).collect();
            if b.list {
                html.push_str(&format!("<ul><li>{}</li></ul>", lines.join("</li><li>")));
            } else {
                html.push_str(&format!("<p>{}</p>", lines.join("<br>")));
            }
        }
    }
    for (required, key) in [(true, "ad.required"), (false, "ad.desired")] {
        let items: Vec<String> = requirements
            .iter()
            .filter(|r| r.required == required)
            .map(|r| escape_html(r.text(lang)))
            .collect();
        if !items.is_empty() {
            html.push_str(&format!(
                "<h3>{}</h3><ul><li>{}</li></ul>",
                escape_html(&heading(key)),
                items.join("</li><li>")
            ));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_has_sound_stages() {
        for t in builtin_templates() {
            assert_eq!(
                crate::pipeline::check_stages(&t.stages()),
                Ok(()),
                "{}",
                t.profession
            );
        }
        let all = builtin_templates();
        let specialist = template_for(&all, "physician_specialist").unwrap();
        assert!(specialist
            .stages()
            .iter()
            .any(|s| s.name_nb == "Prøveforelesning"));
    }

    #[test]
    fn sections_become_paragraphs_and_lists() {
        let b = blocks(
            "Vi søker deg.\nDu får mye.\n\n- Pleie\n- Dokumentasjon\n\n- Veiledning\n\nSlutt.",
        );
        assert_eq!(
            b,
            vec![
                Block {
                    list: false,
                    lines: vec!["Vi søker deg.".into(), "Du får mye.".into()]
                },
                Block {
                    list: true,
                    lines: vec!["Pleie".into(), "Dokumentasjon".into(), "Veiledning".into()]
                },
                Block {
                    list: false,
                    lines: vec!["Slutt.".into()]
                },
            ]
        );
    }

    #[test]
    fn ad_text_becomes_paragraphs_and_lines() {
        let p = paragraphs(
            "Vi søker sykepleier.\r\n\r\nKvalifikasjoner:\n- Autorisasjon\n- Norsk\n\n\n",
        );
        assert_eq!(
            p,
            vec![
                vec!["Vi søker sykepleier.".to_string()],
                vec![
                    "Kvalifikasjoner:".into(),
                    "- Autorisasjon".into(),
                    "- Norsk".into()
                ]
            ]
        );
    }

    #[test]
    fn every_builtin_template_parses_and_is_complete() {
        let all = builtin_templates();
        assert_eq!(all.len(), BUILTIN.len());
        for t in &all {
            for text in [&t.nb, &t.en] {
                assert!(!text.title.trim().is_empty(), "{}: title", t.profession);
                assert!(
                    !text.text.intro.trim().is_empty(),
                    "{}: intro",
                    t.profession
                );
                assert!(
                    !text.text.duties.trim().is_empty(),
                    "{}: duties",
                    t.profession
                );
                assert!(
                    !text.text.offer.trim().is_empty(),
                    "{}: offer",
                    t.profession
                );
            }
            assert!(
                t.requirements.iter().any(|r| r.required),
                "{}",
                t.profession
            );
            assert!(
                t.requirements.iter().any(|r| !r.required),
                "{}",
                t.profession
            );
            for r in &t.requirements {
                assert!((1..=5).contains(&r.weight), "{}: {}", t.profession, r.nb);
                assert!(!r.nb.is_empty() && !r.en.is_empty());
            }
            if t.profession != GENERAL_TEMPLATE {
                assert!(
                    crate::profession::find(&t.profession).is_some(),
                    "{} is a profession",
                    t.profession
                );
            }
        }
        let org = builtin_org_texts();
        assert!(!org.diversity_nb.is_empty() && !org.diversity_en.is_empty());
    }

    #[test]
    fn a_profession_without_its_own_template_gets_the_general_one() {
        let all = builtin_templates();
        assert_eq!(template_for(&all, "midwife").unwrap().profession, "midwife");
        assert_eq!(
            template_for(&all, "pharmacist").unwrap().profession,
            GENERAL_TEMPLATE
        );
    }

    fn row(nb: &str, kind: &str, weight: &str) -> RequirementRow {
        RequirementRow {
            nb: nb.into(),
            en: String::new(),
            kind: kind.into(),
            weight: weight.into(),
        }
    }

    #[test]
    fn the_requirement_profile_needs_a_required_item_and_sane_weights() {
        let mut errs = vec![];
        let got = parse_requirements(
            &[
                row("Norsk autorisasjon", "required", "5"),
                row("", "required", "3"),
                row("Erfaring", "desired", "2"),
            ],
            &mut errs,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(got.len(), 2, "the blank row is dropped");
        assert!(got[0].required && !got[1].required);

        let mut errs = vec![];
        parse_requirements(&[row("Erfaring", "desired", "2")], &mut errs);
        assert_eq!(errs[0].key, "error.requirement_none_required");

        let mut errs = vec![];
        parse_requirements(
            &[row("Autorisasjon", "required", "9"), row("X", "maybe", "1")],
            &mut errs,
        );
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert!(keys.contains(&"error.requirement_weight"));
        assert!(keys.contains(&"error.requirement_kind"));
    }

    #[test]
    fn a_contact_needs_a_name_and_a_way_to_reach_them() {
        let mut errs = vec![];
        let got = parse_contacts(
            &[
                Contact {
                    name: "Kari Nordmann".into(),
                    title: "Seksjonsleder".into(),
                    phone: "+47 23 07 00 00".into(),
                    email: "".into(),
                },
                Contact::default(),
            ],
            &mut errs,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(got.len(), 1);
        let mut errs = vec![];
        parse_contacts(
            &[Contact {
                name: "Ola".into(),
                ..Contact::default()
            }],
            &mut errs,
        );
        assert_eq!(errs[0].key, "error.contact_incomplete");
        let mut errs = vec![];
        parse_contacts(
            &[Contact {
                name: "Ola".into(),
                phone: "call me".into(),
                ..Contact::default()
            }],
            &mut errs,
        );
        assert_eq!(errs[0].key, "error.contact_invalid");
    }

    #[test]
    fn codes_are_stored_sorted_once_and_unknown_ones_skipped() {
        let s = join_codes(&[
            TargetGroup::Experienced,
            TargetGroup::Students,
            TargetGroup::Experienced,
        ]);
        assert_eq!(s, "students,experienced");
        assert_eq!(
            split_codes("students,astronauts,experienced", TargetGroup::parse),
            [TargetGroup::Students, TargetGroup::Experienced]
        );
        assert!(split_codes("", CompetenceArea::parse).is_empty());
    }

    #[test]
    fn plain_text_has_the_title_sections_and_requirements() {
        let c = AdContent {
            nb: AdText {
                intro: "Velkommen.".into(),
                duties: "- Pleie".into(),
                ..AdText::default()
            },
            requirements: vec![Requirement {
                nb: "Autorisasjon".into(),
                en: "Authorisation".into(),
                required: true,
                weight: 5,
            }],
            ..AdContent::default()
        };
        assert_eq!(
            c.plain_nb("Sykepleier"),
            "Sykepleier\n\nVelkommen.\n\n- Pleie\n\n- Autorisasjon"
        );
        assert_eq!(c.text(Lang::En).intro, "Velkommen.", "no English: bokmål");
        assert_eq!(c.requirements[0].text(Lang::En), "Authorisation");
    }
}
