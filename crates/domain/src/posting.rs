//! Postings (utlysninger) and applications (søknader): what a posting is, its life from draft to
//! closed, and what the public sees of it.

use crate::ad::{
    self, AdContent, AdFields, AdText, CompetenceArea, Contact, RequirementRow, TargetGroup,
};
use crate::{clean_line, Invalid, Refused};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Fast or midlertidig. A temporary post needs a ground in aml §14-9 (checked from R1 on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engagement {
    #[default]
    Permanent,
    Temporary,
}

crate::text_enum!(Engagement, "engagement");

impl Engagement {
    pub fn as_str(self) -> &'static str {
        match self {
            Engagement::Permanent => "permanent",
            Engagement::Temporary => "temporary",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "permanent" => Some(Engagement::Permanent),
            "temporary" => Some(Engagement::Temporary),
            _ => None,
        }
    }
    /// Message key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Engagement::Permanent => "engagement.permanent",
            Engagement::Temporary => "engagement.temporary",
        }
    }
}

/// Where a posting is in its life: draft → published → closed (OUS strategy step 2, "recruit": HR
/// writes the ad, publishes it, and it closes at its deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingStatus {
    /// Being written; nobody outside the back office sees it.
    Draft,
    /// On the career site; open for applications until the end of the deadline day.
    Published,
    /// No longer takes applications; the ad can still be read by its address.
    Closed,
}

crate::text_enum!(PostingStatus, "posting status");

impl PostingStatus {
    pub const ALL: [PostingStatus; 3] = [
        PostingStatus::Draft,
        PostingStatus::Published,
        PostingStatus::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PostingStatus::Draft => "draft",
            PostingStatus::Published => "published",
            PostingStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        PostingStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            PostingStatus::Draft => "status.draft",
            PostingStatus::Published => "status.published",
            PostingStatus::Closed => "status.closed",
        }
    }

    /// The status every other rule goes by: a published posting whose deadline day is over counts
    /// as closed, whether or not the close-postings job has written that down yet. Deadlines are
    /// Norwegian days, the deadline day included.
    pub fn effective(self, deadline: NaiveDate, today: NaiveDate) -> PostingStatus {
        match self {
            PostingStatus::Published if today > deadline => PostingStatus::Closed,
            s => s,
        }
    }

    /// The status after `step`, or why not: only a draft is published, and only while its deadline
    /// is still ahead (or today); only a published posting is closed (HR ends it early, or the job
    /// closes it after its deadline). A closed posting stays closed.
    pub fn after(
        self,
        step: Transition,
        deadline: NaiveDate,
        today: NaiveDate,
    ) -> Result<PostingStatus, Refused> {
        match (self, step) {
            (PostingStatus::Draft, Transition::Publish) if today > deadline => {
                Err(Refused::DeadlinePassed)
            }
            (PostingStatus::Draft, Transition::Publish) => Ok(PostingStatus::Published),
            (PostingStatus::Published, Transition::Close) => Ok(PostingStatus::Closed),
            // Taken down: back to a draft that needs HR's approval again.
            (PostingStatus::Published, Transition::Unpublish) => Ok(PostingStatus::Draft),
            // A deadline is extended while the ad is still open, not after it has closed.
            (PostingStatus::Published, Transition::Extend) if today > deadline => {
                Err(Refused::DeadlinePassed)
            }
            (PostingStatus::Published, Transition::Extend) => Ok(PostingStatus::Published),
            (from, transition) => Err(Refused::PostingTransition { from, transition }),
        }
    }
}

/// A step in a posting's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Publish,
    Close,
    Unpublish,
    Extend,
}

impl Transition {
    /// "published", "closed": for messages.
    pub fn done(self) -> &'static str {
        match self {
            Transition::Publish => "published",
            Transition::Close => "closed",
            Transition::Unpublish => "unpublished",
            Transition::Extend => "extended",
        }
    }
}

/// When a published posting is shown: from `publish_on` (HR may approve an ad ahead of time), to
/// employees only until `internal_until` (aml §14-1: the internal channel first, where chosen),
/// and until the end of the `deadline` day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub publish_on: Option<NaiveDate>,
    pub internal_until: Option<NaiveDate>,
    pub deadline: NaiveDate,
}

impl Schedule {
    /// Open to everyone from the day it is published to its deadline.
    pub fn open_until(deadline: NaiveDate) -> Schedule {
        Schedule {
            publish_on: None,
            internal_until: None,
            deadline,
        }
    }
}

/// What the public sees of a posting on the career site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicView {
    /// A draft, or approved for a later day: answered as "not found", so its existence is not
    /// revealed.
    NotFound,
    /// In its internal-only period: the internal channel shows it to employees; the public
    /// sees nothing yet.
    Internal,
    /// Closed (or past its deadline): the ad can be read by its address, but it is not listed and
    /// takes no applications.
    ReadOnly,
    /// Published and open: listed, searchable and taking applications.
    Open,
}

impl PublicView {
    /// What the public sees of a posting with this status and schedule today.
    pub fn of(status: PostingStatus, s: &Schedule, today: NaiveDate) -> PublicView {
        match status.effective(s.deadline, today) {
            PostingStatus::Draft => PublicView::NotFound,
            PostingStatus::Closed => PublicView::ReadOnly,
            PostingStatus::Published if s.publish_on.is_some_and(|d| today < d) => {
                PublicView::NotFound
            }
            PostingStatus::Published if s.internal_until.is_some_and(|d| today <= d) => {
                PublicView::Internal
            }
            PostingStatus::Published => PublicView::Open,
        }
    }
    /// The ad answers at its address.
    pub fn is_visible(self) -> bool {
        matches!(self, PublicView::ReadOnly | PublicView::Open)
    }
    /// On the list and in search results.
    pub fn is_listed(self) -> bool {
        self == PublicView::Open
    }
    pub fn accepts_applications(self) -> bool {
        self == PublicView::Open
    }
}

/// Where a posting is, as the back office shows it: the stored status with the dates applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Draft,
    /// A draft sent to HR for approval.
    AwaitingApproval,
    /// Approved and published from a later day.
    Scheduled,
    /// In its internal-only period.
    Internal,
    Open,
    Closed,
}

impl Stage {
    pub fn of(
        status: PostingStatus,
        awaiting_approval: bool,
        s: &Schedule,
        today: NaiveDate,
    ) -> Stage {
        match (status, PublicView::of(status, s, today)) {
            (PostingStatus::Draft, _) if awaiting_approval => Stage::AwaitingApproval,
            (PostingStatus::Draft, _) => Stage::Draft,
            (_, PublicView::ReadOnly) => Stage::Closed,
            (_, PublicView::Internal) => Stage::Internal,
            (_, PublicView::Open) => Stage::Open,
            (_, PublicView::NotFound) => Stage::Scheduled,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Stage::Draft => "status.draft",
            Stage::AwaitingApproval => "status.awaiting_approval",
            Stage::Scheduled => "status.scheduled",
            Stage::Internal => "status.internal",
            Stage::Open => "status.published",
            Stage::Closed => "status.closed",
        }
    }
}

/// HR's approval of an ad: the first day it is shown, and the last day of an internal-only
/// period if one is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishPlan {
    pub publish_on: NaiveDate,
    pub internal_until: Option<NaiveDate>,
}

impl PublishPlan {
    /// `publish_on` empty means today. It may not be in the past or after the deadline. An
    /// internal-only period starts on `publish_on` and must end before the deadline day, so the ad
    /// is open to everyone for at least its last day.
    pub fn parse(
        publish_on: &str,
        internal_until: &str,
        deadline: NaiveDate,
        today: NaiveDate,
    ) -> Result<PublishPlan, Vec<Invalid>> {
        if deadline < today {
            // Nothing to plan: the ad would never be open.
            return Err(vec![Invalid::new("approve", "error.deadline_past")]);
        }
        let mut errs = vec![];
        let publish_on = match publish_on.trim() {
            "" => Some(today),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
        };
        match publish_on {
            None => errs.push(Invalid::new("publish_on", "error.date_invalid")),
            Some(d) if d < today => errs.push(Invalid::new("publish_on", "error.date_past")),
            Some(d) if d > deadline => {
                errs.push(Invalid::new("publish_on", "error.publish_after_deadline"))
            }
            _ => {}
        }
        let internal_until = match internal_until.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push(Invalid::new("internal_until", "error.date_invalid"));
                    None
                }
            },
        };
        if let (Some(until), Some(from)) = (internal_until, publish_on) {
            if until < from || until >= deadline {
                errs.push(Invalid::new("internal_until", "error.internal_period"));
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(PublishPlan {
            publish_on: publish_on.unwrap_or(today),
            internal_until,
        })
    }
}

/// A new deadline for a published posting: later than the current one and not in the past.
/// The original deadline is kept beside it, since the public applicant list is due at the
/// original one (offentleglova §25, R12).
pub fn check_extension(
    current: NaiveDate,
    new: &str,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    let d = NaiveDate::parse_from_str(new.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new("deadline", "error.date_invalid"))?;
    if d <= current || d < today {
        return Err(Invalid::new("deadline", "error.extension_not_later"));
    }
    Ok(d)
}

/// A posting accepts applications while it is published and the deadline day has not passed
/// (the deadline day itself is included, Norwegian time).
pub fn accepts_applications(status: PostingStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    PublicView::of(status, &Schedule::open_until(deadline), today).accepts_applications()
}

/// A posting as HR and the manager write it, parsed from the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostingDraft {
    /// The bokmål title.
    pub title: String,
    /// The English title; empty when the ad is in bokmål only.
    pub title_en: String,
    /// The bokmål ad as plain text ([`AdContent::plain_nb`]): what search and channels read.
    pub body: String,
    pub content: AdContent,
    pub fields: AdFields,
    pub unit_id: i64,
    pub profession: String,
    pub engagement: Engagement,
    /// Stillingsprosent, 1–100.
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: NaiveDate,
    /// The approved requisition the ad was made from.
    pub requisition_id: Option<i64>,
}

impl PostingDraft {
    /// A draft whose whole text is `body` (imports, tests, ads from before sections).
    pub fn plain(title: &str, body: &str) -> PostingDraft {
        PostingDraft {
            title: title.to_owned(),
            body: body.to_owned(),
            content: AdContent::from_plain(body),
            ..PostingDraft::default()
        }
    }
}

/// The raw fields of the posting form (a missing field is empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostingForm {
    pub title: String,
    pub title_en: String,
    pub unit_id: String,
    pub profession: String,
    pub engagement: String,
    pub extent_percent: String,
    pub positions: String,
    pub deadline: String,
    pub work_place: String,
    pub start_date: String,
    pub salary_text: String,
    pub target_groups: Vec<String>,
    pub competence_areas: Vec<String>,
    pub nb: AdText,
    pub en: AdText,
    pub requirements: Vec<RequirementRow>,
    pub contacts: Vec<Contact>,
    pub requisition_id: String,
}

/// Rows of the requirement profile and of the contacts the form offers, counting blank ones.
pub const FORM_REQUIREMENT_ROWS: usize = 3;
pub const FORM_CONTACT_ROWS: usize = 1;

impl PostingForm {
    /// Read the form from its `name=value` pairs. Sections are `intro_nb`, `duties_en`, …;
    /// requirement rows `req_nb_0`, `req_en_0`, `req_kind_0`, `req_weight_0`; contact rows
    /// `contact_name_0`, …; the lists (`target_group`, `competence_area`) repeat their name.
    /// Row numbers beyond the limits are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> PostingForm {
        let mut f = PostingForm::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "title" => f.title = v,
                "title_en" => f.title_en = v,
                "unit_id" => f.unit_id = v,
                "profession" => f.profession = v,
                "engagement" => f.engagement = v,
                "extent_percent" => f.extent_percent = v,
                "positions" => f.positions = v,
                "deadline" => f.deadline = v,
                "work_place" => f.work_place = v,
                "start_date" => f.start_date = v,
                "salary_text" => f.salary_text = v,
                "requisition_id" => f.requisition_id = v,
                "target_group" if f.target_groups.len() < 10 => f.target_groups.push(v),
                "competence_area" if f.competence_areas.len() < 10 => f.competence_areas.push(v),
                _ => {
                    if let Some((section, lang)) = k.rsplit_once('_') {
                        let text = match lang {
                            "nb" => Some(&mut f.nb),
                            "en" => Some(&mut f.en),
                            _ => None,
                        };
                        if let Some(text) = text {
                            match section {
                                "intro" => text.intro = v,
                                "about_unit" => text.about_unit = v,
                                "duties" => text.duties = v,
                                "offer" => text.offer = v,
                                _ => {}
                            }
                            continue;
                        }
                    }
                    f.set_row(k, v);
                }
            }
        }
        f
    }

    fn set_row(&mut self, key: &str, v: String) {
        let Some((name, n)) = key.rsplit_once('_') else {
            return;
        };
        let Ok(n) = n.parse::<usize>() else { return };
        if let Some(field) = name.strip_prefix("req_") {
            let max = ad::MAX_REQUIREMENTS + FORM_REQUIREMENT_ROWS;
            if let Some(row) = row_at(&mut self.requirements, n, max) {
                match field {
                    "nb" => row.nb = v,
                    "en" => row.en = v,
                    "kind" => row.kind = v,
                    "weight" => row.weight = v,
                    _ => {}
                }
            }
        } else if let Some(field) = name.strip_prefix("contact_") {
            let max = ad::MAX_CONTACTS + FORM_CONTACT_ROWS;
            if let Some(row) = row_at(&mut self.contacts, n, max) {
                match field {
                    "name" => row.name = v,
                    "title" => row.title = v,
                    "phone" => row.phone = v,
                    "email" => row.email = v,
                    _ => {}
                }
            }
        }
    }

    /// The form filled from a saved draft, for editing.
    pub fn of(d: &PostingDraft) -> PostingForm {
        PostingForm {
            title: d.title.clone(),
            title_en: d.title_en.clone(),
            unit_id: d.unit_id.to_string(),
            profession: d.profession.clone(),
            engagement: d.engagement.as_str().to_owned(),
            extent_percent: d.extent_percent.to_string(),
            positions: d.positions.to_string(),
            deadline: d.deadline.format("%Y-%m-%d").to_string(),
            work_place: d.fields.work_place.clone(),
            start_date: d
                .fields
                .start_date
                .map(|s| s.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            salary_text: d.fields.salary_text.clone(),
            target_groups: d
                .fields
                .target_groups
                .iter()
                .map(|t| t.to_string())
                .collect(),
            competence_areas: d
                .fields
                .competence_areas
                .iter()
                .map(|t| t.to_string())
                .collect(),
            nb: d.content.nb.clone(),
            en: d.content.en.clone(),
            requirements: d
                .content
                .requirements
                .iter()
                .map(|r| RequirementRow {
                    nb: r.nb.clone(),
                    en: r.en.clone(),
                    kind: if r.required { "required" } else { "desired" }.to_owned(),
                    weight: r.weight.to_string(),
                })
                .collect(),
            contacts: d.content.contacts.clone(),
            requisition_id: d.requisition_id.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The form with the blank rows a writer fills in to add an item.
    pub fn with_blank_rows(mut self) -> PostingForm {
        let filled = |r: &RequirementRow| !r.nb.trim().is_empty() || !r.en.trim().is_empty();
        self.requirements.retain(filled);
        for _ in 0..FORM_REQUIREMENT_ROWS {
            self.requirements.push(RequirementRow {
                kind: "desired".into(),
                weight: "3".into(),
                ..RequirementRow::default()
            });
        }
        self.contacts.retain(|c| c != &Contact::default());
        for _ in 0..FORM_CONTACT_ROWS {
            self.contacts.push(Contact::default());
        }
        self
    }
}

/// Row `n` of a repeated group, made if missing; none beyond `max` rows.
fn row_at<T: Default + Clone>(rows: &mut Vec<T>, n: usize, max: usize) -> Option<&mut T> {
    if n >= max {
        return None;
    }
    if rows.len() <= n {
        rows.resize(n + 1, T::default());
    }
    rows.get_mut(n)
}

fn parse_codes<T>(
    codes: &[String],
    parse: impl Fn(&str) -> Option<T>,
    field: &'static str,
    errs: &mut Vec<Invalid>,
) -> Vec<T> {
    let mut out = vec![];
    for c in codes {
        match parse(c.trim()) {
            Some(v) => out.push(v),
            None => {
                errs.push(Invalid::new(field, "error.unknown_choice"));
                break;
            }
        }
    }
    out
}

impl PostingDraft {
    /// Every problem in the form at once, so the user can mend them in one go. The bokmål text
    /// needs an introduction and the duties; an English version is optional, but once begun it
    /// needs its title and introduction too.
    pub fn parse(form: &PostingForm, today: NaiveDate) -> Result<Self, Vec<Invalid>> {
        let mut errs = Vec::new();
        let title = title_field(&form.title, "title", true, &mut errs);
        let nb = parse_text(&form.nb, false, true, &mut errs);
        let en = parse_text(&form.en, true, false, &mut errs);
        let english = !en.is_blank() || !form.title_en.trim().is_empty();
        let title_en = title_field(&form.title_en, "title_en", english, &mut errs);
        if english && en.intro.is_empty() {
            errs.push(Invalid::new("intro_en", "error.required"));
        }
        let requirements = ad::parse_requirements(&form.requirements, &mut errs);
        let contacts = ad::parse_contacts(&form.contacts, &mut errs);
        let unit_id = form.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(Invalid::new("unit_id", "error.choose_unit"));
        }
        let profession = form.profession.trim().to_owned();
        if profession.is_empty() {
            errs.push(Invalid::new("profession", "error.required"));
        }
        let engagement = Engagement::parse(form.engagement.trim());
        if engagement.is_none() {
            errs.push(Invalid::new("engagement", "error.required"));
        }
        let extent = form
            .extent_percent
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|e| (1..=100).contains(e));
        if extent.is_none() {
            errs.push(Invalid::new("extent_percent", "error.extent_range"));
        }
        let positions = form
            .positions
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100).contains(p));
        if positions.is_none() {
            errs.push(Invalid::new("positions", "error.positions_range"));
        }
        let deadline = NaiveDate::parse_from_str(form.deadline.trim(), "%Y-%m-%d").ok();
        match deadline {
            None => errs.push(Invalid::new("deadline", "error.date_invalid")),
            Some(d) if d < today => errs.push(Invalid::new("deadline", "error.deadline_past")),
            _ => {}
        }
        let start_date = match form.start_date.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push(Invalid::new("start_date", "error.date_invalid"));
                    None
                }
            },
        };
        let work_place = short_field(&form.work_place, "work_place", 100, &mut errs);
        let salary_text = short_field(&form.salary_text, "salary_text", 200, &mut errs);
        let target_groups = parse_codes(
            &form.target_groups,
            TargetGroup::parse,
            "target_groups",
            &mut errs,
        );
        let competence_areas = parse_codes(
            &form.competence_areas,
            CompetenceArea::parse,
            "competence_areas",
            &mut errs,
        );
        let requisition_id = form.requisition_id.trim().parse::<i64>().ok();
        if !errs.is_empty() {
            return Err(errs);
        }
        let content = AdContent {
            nb,
            en,
            requirements,
            contacts,
        };
        Ok(PostingDraft {
            body: content.plain_nb(&title),
            title,
            title_en,
            content,
            fields: AdFields {
                work_place,
                start_date,
                salary_text,
                target_groups,
                competence_areas,
            },
            unit_id: unit_id.unwrap_or_default(),
            profession,
            engagement: engagement.unwrap_or(Engagement::Permanent),
            extent_percent: extent.unwrap_or_default(),
            positions: positions.unwrap_or_default(),
            deadline: deadline.unwrap_or(today),
            requisition_id,
        })
    }
}

/// HR's edit of the template for `profession`, from the same fields as the ad form: both
/// languages need their title, introduction and duties, and the requirement profile needs a
/// required item.
pub fn parse_template(profession: &str, form: &PostingForm) -> Result<ad::Template, Vec<Invalid>> {
    let mut errs = vec![];
    let title_nb = title_field(&form.title, "title", true, &mut errs);
    let title_en = title_field(&form.title_en, "title_en", true, &mut errs);
    let nb = parse_text(&form.nb, false, true, &mut errs);
    let en = parse_text(&form.en, true, true, &mut errs);
    let requirements = ad::parse_requirements(&form.requirements, &mut errs);
    let target_groups = parse_codes(
        &form.target_groups,
        TargetGroup::parse,
        "target_groups",
        &mut errs,
    );
    let competence_areas = parse_codes(
        &form.competence_areas,
        CompetenceArea::parse,
        "competence_areas",
        &mut errs,
    );
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(ad::Template {
        profession: profession.to_owned(),
        competence_areas,
        target_groups,
        nb: ad::TemplateText {
            title: title_nb,
            text: nb,
        },
        en: ad::TemplateText {
            title: title_en,
            text: en,
        },
        requirements,
        // The form does not edit stages; the caller keeps those the template had.
        stages: vec![],
    })
}

/// The form's field names of each section (as [`AdText::sections`] orders them): bokmål, English.
const SECTION_FIELDS: [(&str, &str); 4] = [
    ("intro_nb", "intro_en"),
    ("about_unit_nb", "about_unit_en"),
    ("duties_nb", "duties_en"),
    ("offer_nb", "offer_en"),
];

/// One language's sections, checked; with `required`, the introduction and the duties must be
/// written.
fn parse_text(t: &AdText, en: bool, required: bool, errs: &mut Vec<Invalid>) -> AdText {
    let mut section = |i: usize, raw: &str, needed: bool| {
        let field = if en {
            SECTION_FIELDS[i].1
        } else {
            SECTION_FIELDS[i].0
        };
        let s = ad::clean_section(raw, field, errs);
        if required && needed && s.is_empty() {
            errs.push(Invalid::new(field, "error.required"));
        }
        s
    };
    AdText {
        intro: section(0, &t.intro, true),
        about_unit: section(1, &t.about_unit, false),
        duties: section(2, &t.duties, true),
        offer: section(3, &t.offer, false),
    }
}

/// A title: one line, at most 200 characters, required or not.
fn title_field(raw: &str, field: &'static str, required: bool, errs: &mut Vec<Invalid>) -> String {
    let Some(t) = clean_line(raw) else {
        errs.push(Invalid::new(field, "error.control_chars"));
        return String::new();
    };
    if t.is_empty() && required {
        errs.push(Invalid::new(field, "error.required"));
    } else if t.chars().count() > 200 {
        errs.push(Invalid::new(field, "error.too_long"));
    }
    t
}

/// An optional one-line field of at most `max` characters.
fn short_field(raw: &str, field: &'static str, max: usize, errs: &mut Vec<Invalid>) -> String {
    match clean_line(raw) {
        None => {
            errs.push(Invalid::new(field, "error.control_chars"));
            String::new()
        }
        Some(t) if t.chars().count() > max => {
            errs.push(Invalid::new(field, "error.too_long"));
            t
        }
        Some(t) => t,
    }
}

/// The canonical phases every configurable pipeline stage maps to (R6). An application can be
/// rejected or withdrawn from any phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Applied,
    Screening,
    Interview,
    References,
    /// Innstilling: ranked recommendation with written reasons.
    Recommendation,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

crate::text_enum!(Phase, "application phase");

impl Phase {
    pub const ALL: [Phase; 9] = [
        Phase::Applied,
        Phase::Screening,
        Phase::Interview,
        Phase::References,
        Phase::Recommendation,
        Phase::Offer,
        Phase::Hired,
        Phase::Rejected,
        Phase::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Applied => "applied",
            Phase::Screening => "screening",
            Phase::Interview => "interview",
            Phase::References => "references",
            Phase::Recommendation => "recommendation",
            Phase::Offer => "offer",
            Phase::Hired => "hired",
            Phase::Rejected => "rejected",
            Phase::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Phase::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Phase::Applied => "phase.applied",
            Phase::Screening => "phase.screening",
            Phase::Interview => "phase.interview",
            Phase::References => "phase.references",
            Phase::Recommendation => "phase.recommendation",
            Phase::Offer => "phase.offer",
            Phase::Hired => "phase.hired",
            Phase::Rejected => "phase.rejected",
            Phase::Withdrawn => "phase.withdrawn",
        }
    }
    pub fn is_final(self) -> bool {
        matches!(self, Phase::Hired | Phase::Rejected | Phase::Withdrawn)
    }
}

/// What the career-site search matches against: title and text, lowercased with Unicode rules
/// (SQLite's `LOWER` knows only ASCII, so Æ, Ø and Å are folded here, once, for both databases).
pub fn search_text(title: &str, body: &str) -> String {
    format!("{}\n{}", title.to_lowercase(), body.to_lowercase())
}

/// Where an application came from (A2: the source of every application is recorded).
pub fn normalise_source(raw: Option<&str>) -> String {
    let s: String = raw
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    if s.is_empty() {
        "career_site".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> PostingForm {
        PostingForm {
            title: "  Sykepleier  til   intensiv ".into(),
            nb: AdText {
                intro: "Vi søker sykepleier.".into(),
                duties: "- Pleie".into(),
                ..AdText::default()
            },
            requirements: vec![RequirementRow {
                nb: "Autorisasjon".into(),
                en: "".into(),
                kind: "required".into(),
                weight: "5".into(),
            }],
            unit_id: "4".into(),
            profession: "nurse".into(),
            engagement: "permanent".into(),
            extent_percent: "100".into(),
            positions: "2".into(),
            deadline: "2026-12-01".into(),
            ..PostingForm::default()
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_is_read_from_its_pairs_with_rows_and_lists() {
        let f = PostingForm::from_pairs(&pairs(&[
            ("title", "Jordmor"),
            ("intro_nb", "Hei"),
            ("duties_en", "- Care"),
            ("req_nb_1", "Erfaring"),
            ("req_kind_1", "desired"),
            ("req_weight_1", "2"),
            ("req_nb_0", "Autorisasjon"),
            ("req_kind_0", "required"),
            ("req_weight_0", "5"),
            ("req_nb_999", "ignored"),
            ("contact_name_0", "Kari"),
            ("target_group", "students"),
            ("target_group", "experienced"),
            ("competence_area", "children"),
            ("csrf", "x"),
        ]));
        assert_eq!(f.title, "Jordmor");
        assert_eq!(f.nb.intro, "Hei");
        assert_eq!(f.en.duties, "- Care");
        assert_eq!(f.requirements.len(), 2);
        assert_eq!(f.requirements[0].nb, "Autorisasjon");
        assert_eq!(f.requirements[1].weight, "2");
        assert_eq!(f.contacts[0].name, "Kari");
        assert_eq!(f.target_groups, ["students", "experienced"]);
        assert_eq!(f.competence_areas, ["children"]);
    }

    #[test]
    fn a_parsed_draft_reads_back_as_the_same_form() {
        let mut f = form();
        f.target_groups = vec!["new_graduates".into()];
        f.start_date = "2027-01-15".into();
        let draft = PostingDraft::parse(&f, d("2026-11-22")).unwrap();
        assert_eq!(draft.fields.target_groups, [TargetGroup::NewGraduates]);
        let again = PostingDraft::parse(&PostingForm::of(&draft), d("2026-11-22")).unwrap();
        assert_eq!(again, draft);
        assert!(draft
            .body
            .starts_with("Sykepleier til intensiv\n\nVi søker sykepleier."));
    }

    #[test]
    fn an_english_version_once_begun_needs_its_title_and_introduction() {
        let mut f = form();
        f.en.duties = "- Care".into();
        let errs = PostingDraft::parse(&f, d("2026-11-22")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title_en", "intro_en"]);
        f.title_en = "Nurse".into();
        f.en.intro = "Welcome".into();
        assert!(PostingDraft::parse(&f, d("2026-11-22")).is_ok());
    }

    #[test]
    fn the_publish_plan_keeps_the_internal_period_before_the_deadline() {
        let deadline = d("2026-12-10");
        let today = d("2026-11-22");
        let p = PublishPlan::parse("", "", deadline, today).unwrap();
        assert_eq!(p.publish_on, today);
        assert_eq!(p.internal_until, None);
        let p = PublishPlan::parse("2026-11-25", "2026-12-01", deadline, today).unwrap();
        assert_eq!(p.internal_until, Some(d("2026-12-01")));
        let field = |r: Result<PublishPlan, Vec<Invalid>>| r.unwrap_err()[0].key;
        assert_eq!(
            field(PublishPlan::parse("2026-11-21", "", deadline, today)),
            "error.date_past"
        );
        assert_eq!(
            field(PublishPlan::parse("2026-12-11", "", deadline, today)),
            "error.publish_after_deadline"
        );
        assert_eq!(
            field(PublishPlan::parse("", "2026-12-10", deadline, today)),
            "error.internal_period",
            "the last day is open to everyone"
        );
        assert_eq!(
            field(PublishPlan::parse("", "", d("2026-11-21"), today)),
            "error.deadline_past"
        );
    }

    #[test]
    fn a_deadline_is_only_extended_forwards() {
        let cur = d("2026-12-01");
        let today = d("2026-11-22");
        assert_eq!(
            check_extension(cur, "2026-12-08", today),
            Ok(d("2026-12-08"))
        );
        assert!(check_extension(cur, "2026-12-01", today).is_err());
        assert!(check_extension(cur, "2026-11-30", today).is_err());
        assert!(check_extension(cur, "soon", today).is_err());
    }

    #[test]
    fn an_approved_ad_is_hidden_until_its_day_then_internal_then_open() {
        let s = Schedule {
            publish_on: Some(d("2026-11-25")),
            internal_until: Some(d("2026-11-30")),
            deadline: d("2026-12-10"),
        };
        let at = |day| PublicView::of(PostingStatus::Published, &s, d(day));
        assert_eq!(at("2026-11-24"), PublicView::NotFound);
        assert_eq!(at("2026-11-25"), PublicView::Internal);
        assert!(!at("2026-11-30").is_visible());
        assert_eq!(at("2026-12-01"), PublicView::Open);
        assert_eq!(at("2026-12-11"), PublicView::ReadOnly);
        let stage = |day| Stage::of(PostingStatus::Published, false, &s, d(day));
        assert_eq!(stage("2026-11-24"), Stage::Scheduled);
        assert_eq!(stage("2026-11-26"), Stage::Internal);
        assert_eq!(stage("2026-12-02"), Stage::Open);
        assert_eq!(stage("2026-12-11"), Stage::Closed);
        assert_eq!(
            Stage::of(PostingStatus::Draft, true, &s, d("2026-11-20")),
            Stage::AwaitingApproval
        );
    }

    #[test]
    fn a_valid_form_becomes_a_draft() {
        let p = PostingDraft::parse(&form(), d("2026-11-22")).unwrap();
        assert_eq!(p.title, "Sykepleier til intensiv");
        assert_eq!(p.positions, 2);
        assert_eq!(p.engagement, Engagement::Permanent);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = PostingForm {
            title: "".into(),
            extent_percent: "120".into(),
            deadline: "2026-11-01".into(),
            ..form()
        };
        let errs = PostingDraft::parse(&bad, d("2026-11-22")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "extent_percent", "deadline"]);
        assert_eq!(errs[2].key, "error.deadline_past");
    }

    #[test]
    fn applications_are_taken_until_the_end_of_the_deadline_day() {
        let deadline = d("2026-12-01");
        assert!(accepts_applications(
            PostingStatus::Published,
            deadline,
            d("2026-12-01")
        ));
        assert!(!accepts_applications(
            PostingStatus::Published,
            deadline,
            d("2026-12-02")
        ));
        assert!(!accepts_applications(
            PostingStatus::Draft,
            deadline,
            d("2026-11-01")
        ));
    }

    #[test]
    fn a_published_posting_past_its_deadline_counts_as_closed() {
        let deadline = d("2026-12-01");
        let p = PostingStatus::Published;
        assert_eq!(
            p.effective(deadline, d("2026-12-01")),
            PostingStatus::Published
        );
        assert_eq!(
            p.effective(deadline, d("2026-12-02")),
            PostingStatus::Closed
        );
        assert_eq!(
            PostingStatus::Draft.effective(deadline, d("2027-01-01")),
            PostingStatus::Draft,
            "a forgotten draft does not become public by growing old"
        );
    }

    #[test]
    fn the_public_sees_open_postings_listed_closed_ones_by_address_and_no_drafts() {
        let deadline = d("2026-12-01");
        let before = d("2026-11-22");
        let after = d("2026-12-02");
        let view = |s, today| PublicView::of(s, &Schedule::open_until(deadline), today);
        assert_eq!(view(PostingStatus::Draft, before), PublicView::NotFound);
        assert!(!view(PostingStatus::Draft, before).is_visible());
        let open = view(PostingStatus::Published, before);
        assert_eq!(open, PublicView::Open);
        assert!(open.is_visible() && open.is_listed() && open.accepts_applications());
        for late in [
            view(PostingStatus::Published, after),
            view(PostingStatus::Closed, before),
        ] {
            assert_eq!(late, PublicView::ReadOnly);
            assert!(late.is_visible());
            assert!(!late.is_listed() && !late.accepts_applications());
        }
    }

    #[test]
    fn only_a_draft_is_published_and_only_a_published_posting_is_closed() {
        let deadline = d("2026-12-01");
        let today = d("2026-11-22");
        use PostingStatus::*;
        use Transition::*;
        assert_eq!(Draft.after(Publish, deadline, today), Ok(Published));
        assert_eq!(Published.after(Close, deadline, today), Ok(Closed));
        assert_eq!(
            Published.after(Close, deadline, d("2026-12-05")),
            Ok(Closed),
            "the job closes postings past their deadline"
        );
        for (from, step) in [
            (Published, Publish),
            (Closed, Publish),
            (Draft, Close),
            (Closed, Close),
        ] {
            let refused = from.after(step, deadline, today).unwrap_err();
            assert_eq!(
                refused,
                Refused::PostingTransition {
                    from,
                    transition: step
                }
            );
            assert_eq!(refused.key(), "error.posting_transition");
        }
        assert_eq!(
            Draft.after(Publish, deadline, d("2026-12-02")),
            Err(Refused::DeadlinePassed),
            "a draft whose deadline is over would never be open"
        );
        assert_eq!(
            Closed
                .after(Publish, deadline, today)
                .unwrap_err()
                .to_string(),
            "a closed posting cannot be published"
        );
    }

    #[test]
    fn stored_texts_read_back_as_the_same_values() {
        for s in PostingStatus::ALL {
            assert_eq!(PostingStatus::try_from(s.to_string()), Ok(s));
        }
        for e in [Engagement::Permanent, Engagement::Temporary] {
            assert_eq!(Engagement::try_from(e.as_str().to_owned()), Ok(e));
        }
        for p in Phase::ALL {
            assert_eq!(Phase::try_from(p.as_str().to_owned()), Ok(p));
        }
        let err = PostingStatus::try_from("archived".to_owned()).unwrap_err();
        assert_eq!(err.to_string(), "unknown posting status: \"archived\"");
    }

    #[test]
    fn search_text_folds_norwegian_letters() {
        assert_eq!(
            search_text("ØNH-sykepleier", "Ærlig Å"),
            "ønh-sykepleier\nærlig å"
        );
    }

    #[test]
    fn sources_are_normalised() {
        assert_eq!(normalise_source(None), "career_site");
        assert_eq!(normalise_source(Some("NAV<script>")), "navscript");
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
    }
}
