//! What a candidate sends: the application form (R4), its screening questions, the exemption
//! request for the public applicant list (offentleglova §25) and the voluntary equality
//! self-declaration, which is kept apart from the application.
//!
//! The form is held as typed ([`ApplicationInput`], all text) so a draft or a form with errors
//! comes back exactly as it was; [`ApplicationInput::check`] says what is wrong, field by field.

use crate::person::{Email, PersonName};
use crate::{clean_line, Invalid};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The most rows of each repeatable part of the form.
pub const MAX_EDUCATION: usize = 10;
pub const MAX_WORK: usize = 15;
pub const MAX_REFEREES: usize = 5;
/// The most attachments besides the CV.
pub const MAX_ATTACHMENTS: usize = 5;
/// The most characters of the cover letter, and of the exemption reason.
pub const MAX_COVER_LETTER: usize = 8000;
pub const MAX_EXEMPTION_REASON: usize = 2000;
/// The most characters of a short text field.
const MAX_LINE: usize = 200;

/// Where a form's field value comes from: a parsed multipart form, or a saved draft.
pub trait Fields {
    /// The first value of a field, or "".
    fn get(&self, name: &str) -> &str;
    /// Every value of a field, in form order (repeated rows, ticked boxes).
    fn all(&self, name: &str) -> Vec<&str>;
}

/// One education: where, what, from which year to which (blank: still studying).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    pub institution: String,
    pub degree: String,
    pub from_year: String,
    pub to_year: String,
}

/// One job: employer, title, from which year to which (blank: still there).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub employer: String,
    pub title: String,
    pub from_year: String,
    pub to_year: String,
}

/// One referee, reached by phone or e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referee {
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub email: String,
}

/// Norwegian language level, in the steps of the Common European Framework that Norwegian
/// authorisation asks for (B2 for health personnel trained outside the EEA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NorwegianLevel {
    Native,
    Proficient,
    B2,
    B1,
    Basic,
}

impl NorwegianLevel {
    pub const ALL: [NorwegianLevel; 5] = [
        NorwegianLevel::Native,
        NorwegianLevel::Proficient,
        NorwegianLevel::B2,
        NorwegianLevel::B1,
        NorwegianLevel::Basic,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            NorwegianLevel::Native => "native",
            NorwegianLevel::Proficient => "c1_c2",
            NorwegianLevel::B2 => "b2",
            NorwegianLevel::B1 => "b1",
            NorwegianLevel::Basic => "a1_a2",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            NorwegianLevel::Native => "norwegian.native",
            NorwegianLevel::Proficient => "norwegian.c1_c2",
            NorwegianLevel::B2 => "norwegian.b2",
            NorwegianLevel::B1 => "norwegian.b1",
            NorwegianLevel::Basic => "norwegian.a1_a2",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// The application as typed. Every field is text, so nothing typed is ever lost to a parse error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub phone: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub municipality: String,
    pub current_title: String,
    pub current_employer: String,
    pub education: Vec<Education>,
    pub work: Vec<Work>,
    pub referees: Vec<Referee>,
    /// Helsepersonellregisteret number, if authorised.
    pub hpr_number: String,
    pub norwegian_level: String,
    pub cover_letter: String,
    /// Screening answers by question id; several values for multiple choice.
    pub answers: Vec<(i64, Vec<String>)>,
    pub exemption: bool,
    pub exemption_reason: String,
    /// Gender for the public applicant list's count ("woman", "man", "other" or "" when not
    /// stated): never shown by the name, and apart from the equality self-declaration.
    pub list_gender: String,
    /// Never saved with a draft (special-category data, kept apart from everything with a
    /// name): the form carries it from page to page, a draft resumed from its link asks again.
    #[serde(skip)]
    pub equality: EqualityInput,
    pub talent_pool: bool,
}

/// A validation failure of the application form: the field's id in the page (a repeated row's
/// fields carry the row number, `education_institution-2`) and the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormInvalid {
    pub field: String,
    /// The field's label key, and the row number (from 1) for a repeated row.
    pub label: &'static str,
    pub row: Option<usize>,
    pub key: &'static str,
}

impl FormInvalid {
    fn at(field: &'static str, key: &'static str) -> Self {
        FormInvalid {
            field: field.to_owned(),
            label: label_key(field),
            row: None,
            key,
        }
    }
    fn in_row(field: &'static str, row: usize, key: &'static str) -> Self {
        FormInvalid {
            field: format!("{field}-{row}"),
            label: label_key(field),
            row: Some(row),
            key,
        }
    }
}

impl From<Invalid> for FormInvalid {
    fn from(e: Invalid) -> Self {
        FormInvalid::at(e.field, e.key)
    }
}

/// The label key of each field of the form.
pub fn label_key(field: &str) -> &'static str {
    match field {
        "given_name" => "apply.given_name",
        "family_name" => "apply.family_name",
        "email" => "apply.email",
        "phone" => "apply.phone",
        "birth_date" => "apply.birth_date",
        "municipality" => "apply.municipality",
        "current_title" => "apply.current_title",
        "current_employer" => "apply.current_employer",
        "education_institution" => "apply.education_institution",
        "education_degree" => "apply.education_degree",
        "education_from" => "apply.from_year",
        "education_to" => "apply.to_year",
        "work_employer" => "apply.work_employer",
        "work_title" => "apply.work_title",
        "work_from" => "apply.from_year",
        "work_to" => "apply.to_year",
        "referee_name" => "apply.referee_name",
        "referee_relation" => "apply.referee_relation",
        "referee_phone" => "apply.referee_phone",
        "referee_email" => "apply.referee_email",
        "hpr_number" => "apply.hpr_number",
        "norwegian_level" => "apply.norwegian_level",
        "cover_letter" => "apply.cover_letter",
        "exemption_reason" => "apply.exemption_reason",
        "list_gender" => "apply.list_gender",
        "cv" => "apply.cv",
        "attachments" => "apply.attachments",
        _ => "",
    }
}

/// Read rows of same-named fields: row `i` takes the `i`th value of each column. Rows left
/// wholly blank are dropped.
fn rows<T, const N: usize>(
    f: &dyn Fields,
    names: [&str; N],
    max: usize,
    make: impl Fn([String; N]) -> T,
) -> Vec<T> {
    let cols: Vec<Vec<&str>> = names.iter().map(|n| f.all(n)).collect();
    let n = cols.iter().map(Vec::len).max().unwrap_or(0).min(max);
    (0..n)
        .filter_map(|i| {
            let row: [String; N] =
                std::array::from_fn(|j| cols[j].get(i).copied().unwrap_or("").trim().to_owned());
            row.iter().any(|v| !v.is_empty()).then(|| make(row))
        })
        .collect()
}

impl ApplicationInput {
    /// The form as the candidate sent it. Screening answers are read for `questions` only.
    pub fn read(f: &dyn Fields, questions: &[Question]) -> Self {
        ApplicationInput {
            given_name: f.get("given_name").to_owned(),
            family_name: f.get("family_name").to_owned(),
            email: f.get("email").trim().to_owned(),
            phone: f.get("phone").to_owned(),
            birth_date: f.get("birth_date").trim().to_owned(),
            municipality: f.get("municipality").to_owned(),
            current_title: f.get("current_title").to_owned(),
            current_employer: f.get("current_employer").to_owned(),
            list_gender: f.get("list_gender").trim().to_owned(),
            education: rows(
                f,
                [
                    "education_institution",
                    "education_degree",
                    "education_from",
                    "education_to",
                ],
                MAX_EDUCATION,
                |[institution, degree, from_year, to_year]| Education {
                    institution,
                    degree,
                    from_year,
                    to_year,
                },
            ),
            work: rows(
                f,
                ["work_employer", "work_title", "work_from", "work_to"],
                MAX_WORK,
                |[employer, title, from_year, to_year]| Work {
                    employer,
                    title,
                    from_year,
                    to_year,
                },
            ),
            referees: rows(
                f,
                [
                    "referee_name",
                    "referee_relation",
                    "referee_phone",
                    "referee_email",
                ],
                MAX_REFEREES,
                |[name, relation, phone, email]| Referee {
                    name,
                    relation,
                    phone,
                    email,
                },
            ),
            hpr_number: f.get("hpr_number").trim().to_owned(),
            norwegian_level: f.get("norwegian_level").to_owned(),
            cover_letter: f.get("cover_letter").replace("\r\n", "\n"),
            answers: questions
                .iter()
                .map(|q| {
                    let name = format!("q-{}", q.id);
                    let vals = f
                        .all(&name)
                        .into_iter()
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty())
                        .collect();
                    (q.id, vals)
                })
                .collect(),
            exemption: f.get("exemption") == "yes",
            exemption_reason: f.get("exemption_reason").replace("\r\n", "\n"),
            equality: EqualityInput {
                gender: f.get("eq_gender").to_owned(),
                disability: f.get("eq_disability").to_owned(),
                cv_gap: f.get("eq_cv_gap").to_owned(),
            },
            talent_pool: f.get("talent_pool") == "yes",
        }
    }

    /// The screening answer given to a question, as typed.
    pub fn answer(&self, question_id: i64) -> &[String] {
        self.answers
            .iter()
            .find(|(id, _)| *id == question_id)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// Check the form against its rules and the posting's questions; `today` bounds dates.
    /// Returns the answers to store when all is well.
    pub fn check(
        &self,
        questions: &[Question],
        today: NaiveDate,
    ) -> Result<Checked, Vec<FormInvalid>> {
        let mut errs: Vec<FormInvalid> = vec![];
        let given = PersonName::parse("given_name", &self.given_name).map_err(FormInvalid::from);
        let family = PersonName::parse("family_name", &self.family_name).map_err(FormInvalid::from);
        let email = Email::parse(&self.email).map_err(FormInvalid::from);
        for e in [
            given.as_ref().err(),
            family.as_ref().err(),
            email.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            errs.push(e.clone());
        }
        if let Err(k) = phone(&self.phone, true) {
            errs.push(FormInvalid::at("phone", k));
        }
        if let Err(k) = birth_date(&self.birth_date, today) {
            errs.push(FormInvalid::at("birth_date", k));
        }
        if let Err(k) = line(&self.municipality, true, 100) {
            errs.push(FormInvalid::at("municipality", k));
        }
        for (field, v) in [
            ("current_title", &self.current_title),
            ("current_employer", &self.current_employer),
        ] {
            if let Err(k) = line(v, false, MAX_LINE) {
                errs.push(FormInvalid::at(field, k));
            }
        }
        let year = today.year();
        for (i, e) in self.education.iter().enumerate() {
            let row = i + 1;
            if let Err(k) = line(&e.institution, true, MAX_LINE) {
                errs.push(FormInvalid::in_row("education_institution", row, k));
            }
            if let Err(k) = line(&e.degree, true, MAX_LINE) {
                errs.push(FormInvalid::in_row("education_degree", row, k));
            }
            errs.extend(years(
                &e.from_year,
                &e.to_year,
                year + 6,
                "education_from",
                "education_to",
                row,
            ));
        }
        for (i, w) in self.work.iter().enumerate() {
            let row = i + 1;
            if let Err(k) = line(&w.employer, true, MAX_LINE) {
                errs.push(FormInvalid::in_row("work_employer", row, k));
            }
            if let Err(k) = line(&w.title, true, MAX_LINE) {
                errs.push(FormInvalid::in_row("work_title", row, k));
            }
            errs.extend(years(
                &w.from_year,
                &w.to_year,
                year,
                "work_from",
                "work_to",
                row,
            ));
        }
        for (i, r) in self.referees.iter().enumerate() {
            let row = i + 1;
            if let Err(k) = line(&r.name, true, 100) {
                errs.push(FormInvalid::in_row("referee_name", row, k));
            }
            if let Err(k) = line(&r.relation, false, MAX_LINE) {
                errs.push(FormInvalid::in_row("referee_relation", row, k));
            }
            if r.phone.is_empty() && r.email.is_empty() {
                errs.push(FormInvalid::in_row(
                    "referee_phone",
                    row,
                    "error.referee_contact",
                ));
            }
            if let Err(k) = phone(&r.phone, false) {
                errs.push(FormInvalid::in_row("referee_phone", row, k));
            }
            if !r.email.is_empty() {
                if let Err(e) = Email::parse(&r.email) {
                    errs.push(FormInvalid::in_row("referee_email", row, e.key));
                }
            }
        }
        let hpr_ok =
            self.hpr_number.len() <= 9 && self.hpr_number.bytes().all(|b| b.is_ascii_digit());
        if !hpr_ok {
            errs.push(FormInvalid::at("hpr_number", "error.hpr_number"));
        }
        let level = NorwegianLevel::parse(&self.norwegian_level);
        if level.is_none() {
            errs.push(FormInvalid::at("norwegian_level", "error.choose_one"));
        }
        if let Err(k) = text(&self.cover_letter, true, MAX_COVER_LETTER) {
            errs.push(FormInvalid::at("cover_letter", k));
        }
        if self.exemption {
            if let Err(k) = text(&self.exemption_reason, true, MAX_EXEMPTION_REASON) {
                errs.push(FormInvalid::at("exemption_reason", k));
            }
        }
        if !self.list_gender.is_empty() && !GENDERS.contains(&self.list_gender.as_str()) {
            errs.push(FormInvalid::at("list_gender", "error.choose_one"));
        }
        let equality = self.equality.check();
        if equality.is_err() {
            errs.push(FormInvalid::at("eq_gender", "error.choose_one"));
        }
        let mut answers = vec![];
        for q in questions {
            match q.answer(self.answer(q.id)) {
                Ok(Some(a)) => answers.push(a),
                Ok(None) => {}
                Err(key) => errs.push(FormInvalid {
                    field: format!("q-{}", q.id),
                    label: "",
                    row: None,
                    key,
                }),
            }
        }
        match (given, family, email, level, equality) {
            (Ok(given), Ok(family), Ok(email), Some(level), Ok(equality)) if errs.is_empty() => {
                Ok(Checked {
                    given_name: given,
                    family_name: family,
                    email,
                    norwegian_level: level,
                    answers,
                    equality,
                })
            }
            _ => Err(errs),
        }
    }

    /// The form without what a second application must not take from the first: screening
    /// answers, cover letter, the exemption request and the self-declaration belong to one
    /// posting.
    pub fn reusable(&self) -> ApplicationInput {
        ApplicationInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            birth_date: self.birth_date.clone(),
            municipality: self.municipality.clone(),
            current_title: self.current_title.clone(),
            current_employer: self.current_employer.clone(),
            education: self.education.clone(),
            work: self.work.clone(),
            referees: self.referees.clone(),
            hpr_number: self.hpr_number.clone(),
            norwegian_level: self.norwegian_level.clone(),
            list_gender: self.list_gender.clone(),
            ..Default::default()
        }
    }
}

/// What [`ApplicationInput::check`] parsed: the parts that have types beyond text.
#[derive(Debug, Clone)]
pub struct Checked {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub email: Email,
    pub norwegian_level: NorwegianLevel,
    pub answers: Vec<Answer>,
    /// `None` when the candidate declared nothing.
    pub equality: Option<Equality>,
}

/// A line of text: no control characters, at most `max` characters.
fn line(v: &str, required: bool, max: usize) -> Result<(), &'static str> {
    let s = clean_line(v).ok_or("error.text_invalid")?;
    if s.is_empty() {
        return if required {
            Err("error.required")
        } else {
            Ok(())
        };
    }
    if s.chars().count() > max {
        return Err("error.too_long");
    }
    Ok(())
}

/// A longer text: line breaks and tabs allowed, other control characters not.
fn text(v: &str, required: bool, max: usize) -> Result<(), &'static str> {
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("error.text_invalid");
    }
    if v.trim().is_empty() {
        return if required {
            Err("error.required")
        } else {
            Ok(())
        };
    }
    if v.chars().count() > max {
        return Err("error.too_long");
    }
    Ok(())
}

/// A phone number: digits with an optional leading +, spaces allowed; 8 to 15 digits.
fn phone(v: &str, required: bool) -> Result<(), &'static str> {
    let s = v.trim();
    if s.is_empty() {
        return if required {
            Err("error.required")
        } else {
            Ok(())
        };
    }
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !body.chars().all(|c| c.is_ascii_digit() || c == ' ') || !(8..=15).contains(&digits) {
        return Err("error.phone_invalid");
    }
    Ok(())
}

/// A date of birth: a real date that makes the candidate between 15 and 80 years old.
fn birth_date(v: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    if v.is_empty() {
        return Err("error.required");
    }
    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| "error.date_invalid")?;
    let age = today.years_since(d).unwrap_or(0);
    if !(15..=80).contains(&age) {
        return Err("error.birth_date_range");
    }
    Ok(d)
}

/// A row's years: from is required, to is blank (still there) or not before from.
fn years(
    from: &str,
    to: &str,
    latest: i32,
    from_field: &'static str,
    to_field: &'static str,
    row: usize,
) -> Vec<FormInvalid> {
    let parse = |v: &str| {
        v.parse::<i32>()
            .ok()
            .filter(|y| (1940..=latest).contains(y))
    };
    let mut errs = vec![];
    let f = parse(from);
    if from.is_empty() {
        errs.push(FormInvalid::in_row(from_field, row, "error.required"));
    } else if f.is_none() {
        errs.push(FormInvalid::in_row(from_field, row, "error.year_invalid"));
    }
    if !to.is_empty() {
        match (f, parse(to)) {
            (_, None) => errs.push(FormInvalid::in_row(to_field, row, "error.year_invalid")),
            (Some(f), Some(t)) if t < f => {
                errs.push(FormInvalid::in_row(to_field, row, "error.year_before_from"))
            }
            _ => {}
        }
    }
    errs
}

/// The age in whole years on `on` of someone born on `birth` (`YYYY-MM-DD`), for the public
/// applicant list.
pub fn age_on(birth: &str, on: NaiveDate) -> Option<u32> {
    let d = NaiveDate::parse_from_str(birth, "%Y-%m-%d").ok()?;
    on.years_since(d)
}

// --- Screening questions ---

/// The kind of a screening question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    YesNo,
    Single,
    Multiple,
    Number,
    ShortText,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 5] = [
        QuestionKind::YesNo,
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::Number,
        QuestionKind::ShortText,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::Number => "number",
            QuestionKind::ShortText => "text",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            QuestionKind::YesNo => "question.kind_yes_no",
            QuestionKind::Single => "question.kind_single",
            QuestionKind::Multiple => "question.kind_multiple",
            QuestionKind::Number => "question.kind_number",
            QuestionKind::ShortText => "question.kind_text",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Whether the question offers options to choose from.
    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }
}

/// One option of a choice question; choosing a knock-out option flags the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionOption {
    pub nb: String,
    pub en: String,
    #[serde(default)]
    pub knockout: bool,
}

/// A screening question of a posting.
///
/// A knock-out answer is never a silent rejection: it flags the application for HR, who decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub kind: QuestionKind,
    pub text_nb: String,
    pub text_en: String,
    pub options: Vec<QuestionOption>,
    pub required: bool,
    /// Yes/no: the answer that flags (`Some(false)`: "no" flags).
    pub knockout_yes_no: Option<bool>,
    /// Number: a lower answer flags.
    pub knockout_below: Option<i64>,
}

/// A checked screening answer, in both languages so it reads the same later whatever is done
/// to the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question_id: i64,
    pub question_nb: String,
    pub question_en: String,
    pub answer_nb: String,
    pub answer_en: String,
    pub knocked_out: bool,
}

impl Question {
    /// The question's text in a language (bokmål when it has no English).
    pub fn text(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::En if !self.text_en.is_empty() => &self.text_en,
            _ => &self.text_nb,
        }
    }

    /// Check an answer; `Ok(None)` for an optional question left blank.
    pub fn answer(&self, given: &[String]) -> Result<Option<Answer>, &'static str> {
        if given.is_empty() {
            return if self.required {
                Err(
                    if self.kind.has_options() || self.kind == QuestionKind::YesNo {
                        "error.choose_one"
                    } else {
                        "error.required"
                    },
                )
            } else {
                Ok(None)
            };
        }
        let en = |s: &str| -> String { s.to_owned() };
        let (nb, en_text, knocked) = match self.kind {
            QuestionKind::YesNo => {
                let yes = match given[0].as_str() {
                    "yes" => true,
                    "no" => false,
                    _ => return Err("error.choose_one"),
                };
                let (nb, e) = if yes { ("Ja", "Yes") } else { ("Nei", "No") };
                (nb.to_owned(), en(e), self.knockout_yes_no == Some(yes))
            }
            QuestionKind::Single | QuestionKind::Multiple => {
                let mut picked: Vec<usize> = vec![];
                for g in given {
                    let i: usize = g.parse().map_err(|_| "error.choose_one")?;
                    if i >= self.options.len() {
                        return Err("error.choose_one");
                    }
                    if !picked.contains(&i) {
                        picked.push(i);
                    }
                }
                if self.kind == QuestionKind::Single && picked.len() != 1 {
                    return Err("error.choose_one");
                }
                picked.sort_unstable();
                let opts: Vec<&QuestionOption> = picked.iter().map(|&i| &self.options[i]).collect();
                let join = |f: fn(&QuestionOption) -> &str| {
                    opts.iter().map(|o| f(o)).collect::<Vec<_>>().join("; ")
                };
                (
                    join(|o| &o.nb),
                    join(|o| if o.en.is_empty() { &o.nb } else { &o.en }),
                    opts.iter().any(|o| o.knockout),
                )
            }
            QuestionKind::Number => {
                let n: i64 = given[0]
                    .replace([' ', '\u{a0}'], "")
                    .parse()
                    .map_err(|_| "error.number_invalid")?;
                if !(0..=1_000_000).contains(&n) {
                    return Err("error.number_invalid");
                }
                (
                    n.to_string(),
                    n.to_string(),
                    self.knockout_below.is_some_and(|min| n < min),
                )
            }
            QuestionKind::ShortText => {
                line(&given[0], self.required, MAX_LINE)?;
                let s = clean_line(&given[0]).unwrap_or_default();
                (s.clone(), s, false)
            }
        };
        Ok(Some(Answer {
            question_id: self.id,
            question_nb: self.text_nb.clone(),
            question_en: if self.text_en.is_empty() {
                self.text_nb.clone()
            } else {
                self.text_en.clone()
            },
            answer_nb: nb,
            answer_en: en_text,
            knocked_out: knocked,
        }))
    }
}

/// A question as HR types it in the editor, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct QuestionDraft {
    pub kind: String,
    pub text_nb: String,
    pub text_en: String,
    /// One option a line, bokmål; a line may end in ` | English`, and a leading `!` marks a
    /// knock-out option.
    pub options: String,
    pub required: bool,
    /// Yes/no: "yes" or "no" flags; number: the lowest answer that does not flag.
    pub knockout: String,
}

impl QuestionDraft {
    /// Check HR's question; `id` is 0 for a new one.
    pub fn check(&self, id: i64) -> Result<Question, Vec<Invalid>> {
        let mut errs = vec![];
        let kind = QuestionKind::parse(&self.kind);
        if kind.is_none() {
            errs.push(Invalid::new("kind", "error.choose_one"));
        }
        if let Err(k) = line(&self.text_nb, true, 300) {
            errs.push(Invalid::new("text_nb", k));
        }
        if let Err(k) = line(&self.text_en, false, 300) {
            errs.push(Invalid::new("text_en", k));
        }
        let mut options = vec![];
        let (mut knockout_yes_no, mut knockout_below) = (None, None);
        match kind {
            Some(k) if k.has_options() => {
                for l in self
                    .options
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    let (knockout, l) = match l.strip_prefix('!') {
                        Some(rest) => (true, rest.trim()),
                        None => (false, l),
                    };
                    let (nb, en) = l.split_once('|').unwrap_or((l, ""));
                    let (nb, en) = (nb.trim(), en.trim());
                    if line(nb, true, 200).is_err() || line(en, false, 200).is_err() {
                        errs.push(Invalid::new("options", "error.question_options"));
                        break;
                    }
                    options.push(QuestionOption {
                        nb: nb.to_owned(),
                        en: en.to_owned(),
                        knockout,
                    });
                }
                if !(2..=20).contains(&options.len()) {
                    errs.push(Invalid::new("options", "error.question_options"));
                }
            }
            Some(QuestionKind::YesNo) => match self.knockout.trim() {
                "" => {}
                "yes" => knockout_yes_no = Some(true),
                "no" => knockout_yes_no = Some(false),
                _ => errs.push(Invalid::new("knockout", "error.choose_one")),
            },
            Some(QuestionKind::Number) => {
                let k = self.knockout.trim();
                if !k.is_empty() {
                    match k.parse::<i64>() {
                        Ok(n) if (0..=1_000_000).contains(&n) => knockout_below = Some(n),
                        _ => errs.push(Invalid::new("knockout", "error.number_invalid")),
                    }
                }
            }
            _ => {}
        }
        match kind {
            Some(kind) if errs.is_empty() => Ok(Question {
                id,
                kind,
                text_nb: clean_line(&self.text_nb).unwrap_or_default(),
                text_en: clean_line(&self.text_en).unwrap_or_default(),
                options,
                required: self.required,
                knockout_yes_no,
                knockout_below,
            }),
            _ => Err(errs),
        }
    }
}

// --- The equality self-declaration ---

/// What a candidate may declare about themselves, voluntarily. Special-category data: stored
/// apart from the application and shown only as counts with groups under 5 hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EqualityInput {
    pub gender: String,
    pub disability: String,
    pub cv_gap: String,
}

/// A checked self-declaration; each part may be left unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equality {
    /// "woman", "man", "other", or "" when not answered.
    pub gender: &'static str,
    /// "yes", "no", or "".
    pub disability: &'static str,
    /// A gap in the CV: at least 2 of the last 5 years outside work or education
    /// (Inkluderingsdugnaden's definition). "yes", "no", or "".
    pub cv_gap: &'static str,
}

pub const GENDERS: [&str; 3] = ["woman", "man", "other"];
pub const YES_NO: [&str; 2] = ["yes", "no"];

impl EqualityInput {
    /// `Ok(None)` when nothing was declared; `Err` for a value the form never offers.
    pub fn check(&self) -> Result<Option<Equality>, Invalid> {
        let pick = |v: &str, allowed: &[&'static str]| -> Result<&'static str, Invalid> {
            if v.is_empty() {
                return Ok("");
            }
            allowed
                .iter()
                .copied()
                .find(|a| *a == v)
                .ok_or(Invalid::new("eq_gender", "error.choose_one"))
        };
        let e = Equality {
            gender: pick(&self.gender, &GENDERS)?,
            disability: pick(&self.disability, &YES_NO)?,
            cv_gap: pick(&self.cv_gap, &YES_NO)?,
        };
        Ok((!(e.gender.is_empty() && e.disability.is_empty() && e.cv_gap.is_empty())).then_some(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Form(HashMap<&'static str, Vec<&'static str>>);
    impl Fields for Form {
        fn get(&self, name: &str) -> &str {
            self.0
                .get(name)
                .and_then(|v| v.first().copied())
                .unwrap_or("")
        }
        fn all(&self, name: &str) -> Vec<&str> {
            self.0.get(name).cloned().unwrap_or_default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn good() -> Form {
        Form(HashMap::from([
            ("given_name", vec!["Kari"]),
            ("family_name", vec!["Nordmann"]),
            ("email", vec!["kari@example.no"]),
            ("phone", vec!["+47 912 34 567"]),
            ("birth_date", vec!["1990-05-17"]),
            ("municipality", vec!["Oslo"]),
            ("education_institution", vec!["OsloMet", ""]),
            ("education_degree", vec!["Bachelor i sykepleie", ""]),
            ("education_from", vec!["2010", ""]),
            ("education_to", vec!["2013", ""]),
            ("norwegian_level", vec!["native"]),
            ("cover_letter", vec!["Jeg søker fordi …"]),
        ]))
    }

    fn yes_no(knockout: Option<bool>) -> Question {
        Question {
            id: 7,
            kind: QuestionKind::YesNo,
            text_nb: "Har du norsk autorisasjon?".into(),
            text_en: "Are you authorised in Norway?".into(),
            options: vec![],
            required: true,
            knockout_yes_no: knockout,
            knockout_below: None,
        }
    }

    #[test]
    fn a_complete_form_passes_and_blank_rows_are_dropped() {
        let input = ApplicationInput::read(&good(), &[]);
        assert_eq!(input.education.len(), 1);
        let ok = input.check(&[], today()).unwrap();
        assert_eq!(ok.norwegian_level, NorwegianLevel::Native);
        assert_eq!(ok.equality, None);
    }

    #[test]
    fn row_errors_name_their_row() {
        let mut f = good();
        f.0.insert("work_employer", vec!["OUS", "Ahus"]);
        f.0.insert("work_title", vec!["Sykepleier", ""]);
        f.0.insert("work_from", vec!["2013", "2020"]);
        f.0.insert("work_to", vec!["2012", ""]);
        let errs = ApplicationInput::read(&f, &[])
            .check(&[], today())
            .unwrap_err();
        let ids: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert!(ids.contains(&("work_to-1", "error.year_before_from")));
        assert!(ids.contains(&("work_title-2", "error.required")));
        assert_eq!(errs.len(), 2, "{ids:?}");
    }

    #[test]
    fn required_fields_and_bad_values_are_reported() {
        let mut f = good();
        f.0.insert("phone", vec!["call me"]);
        f.0.insert("birth_date", vec!["2020-01-01"]);
        f.0.insert("hpr_number", vec!["12ab"]);
        f.0.insert("norwegian_level", vec!["fluent-ish"]);
        f.0.insert("cover_letter", vec![" "]);
        f.0.insert("exemption", vec!["yes"]);
        let errs = ApplicationInput::read(&f, &[])
            .check(&[], today())
            .unwrap_err();
        let keys: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            keys,
            vec![
                ("phone", "error.phone_invalid"),
                ("birth_date", "error.birth_date_range"),
                ("hpr_number", "error.hpr_number"),
                ("norwegian_level", "error.choose_one"),
                ("cover_letter", "error.required"),
                ("exemption_reason", "error.required"),
            ]
        );
    }

    #[test]
    fn knock_out_answers_flag_and_never_refuse() {
        let q = yes_no(Some(false));
        let a = q.answer(&["no".into()]).unwrap().unwrap();
        assert!(a.knocked_out);
        assert_eq!((a.answer_nb.as_str(), a.answer_en.as_str()), ("Nei", "No"));
        assert!(!q.answer(&["yes".into()]).unwrap().unwrap().knocked_out);
        assert_eq!(q.answer(&[]), Err("error.choose_one"));
        assert_eq!(q.answer(&["maybe".into()]), Err("error.choose_one"));

        let n = Question {
            kind: QuestionKind::Number,
            knockout_below: Some(2),
            knockout_yes_no: None,
            ..q.clone()
        };
        assert!(n.answer(&["1".into()]).unwrap().unwrap().knocked_out);
        assert!(!n.answer(&["3".into()]).unwrap().unwrap().knocked_out);
        assert_eq!(n.answer(&["to".into()]), Err("error.number_invalid"));

        let m = QuestionDraft {
            kind: "multiple".into(),
            text_nb: "Hvilke vakter kan du ta?".into(),
            options: "Dag | Day\nKveld | Evening\n!Ingen | None".into(),
            required: true,
            ..Default::default()
        }
        .check(3)
        .unwrap();
        let a = m.answer(&["1".into(), "0".into()]).unwrap().unwrap();
        assert_eq!(a.answer_nb, "Dag; Kveld");
        assert_eq!(a.answer_en, "Day; Evening");
        assert!(!a.knocked_out);
        assert!(m.answer(&["2".into()]).unwrap().unwrap().knocked_out);
        assert_eq!(m.answer(&["9".into()]), Err("error.choose_one"));
    }

    #[test]
    fn questions_are_read_by_id_and_checked_with_the_form() {
        let q = yes_no(None);
        let mut f = good();
        let errs = ApplicationInput::read(&f, std::slice::from_ref(&q))
            .check(std::slice::from_ref(&q), today())
            .unwrap_err();
        assert_eq!(errs[0].field, "q-7");
        f.0.insert("q-7", vec!["yes"]);
        let ok = ApplicationInput::read(&f, std::slice::from_ref(&q))
            .check(std::slice::from_ref(&q), today())
            .unwrap();
        assert_eq!(ok.answers.len(), 1);
    }

    #[test]
    fn a_question_draft_needs_its_options() {
        let d = QuestionDraft {
            kind: "single".into(),
            text_nb: "Turnus?".into(),
            options: "Ja".into(),
            ..Default::default()
        };
        assert_eq!(
            d.check(0).unwrap_err(),
            vec![Invalid::new("options", "error.question_options")]
        );
    }

    #[test]
    fn the_self_declaration_takes_only_offered_values() {
        let blank = EqualityInput::default();
        assert_eq!(blank.check(), Ok(None));
        let e = EqualityInput {
            gender: "woman".into(),
            cv_gap: "yes".into(),
            ..Default::default()
        };
        assert_eq!(
            e.check().unwrap().unwrap(),
            Equality {
                gender: "woman",
                disability: "",
                cv_gap: "yes"
            }
        );
        let bad = EqualityInput {
            gender: "<script>".into(),
            ..Default::default()
        };
        assert!(bad.check().is_err());
    }

    #[test]
    fn a_draft_never_holds_the_self_declaration() {
        let mut input = ApplicationInput::read(&good(), &[]);
        input.equality.gender = "woman".into();
        let json = serde_json::to_string(&input).unwrap();
        assert!(
            !json.contains("woman") && !json.contains("equality"),
            "{json}"
        );
        let back: ApplicationInput = serde_json::from_str(&json).unwrap();
        assert_eq!(back.equality, EqualityInput::default());
        assert_eq!(back.given_name, "Kari");
    }

    #[test]
    fn reuse_keeps_the_person_and_drops_what_belongs_to_one_posting() {
        let mut input = ApplicationInput::read(&good(), &[]);
        input.exemption = true;
        input.answers = vec![(1, vec!["yes".into()])];
        let r = input.reusable();
        assert_eq!(r.education, input.education);
        assert!(r.cover_letter.is_empty() && !r.exemption && r.answers.is_empty());
    }
}
