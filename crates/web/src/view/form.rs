//! Form errors: one message per field, in the reader's language, in form order.

use crate::i18n;
use talentflyt_domain::{Invalid, Lang};

/// One message per field, in the reader's language, in form order.
#[derive(Default)]
pub struct Errors {
    pub items: Vec<FieldError>,
}

pub struct FieldError {
    /// The id of the field in the page (the summary links to it).
    pub field: String,
    /// The field's label, so the summary says which field ("Fornavn: Fyll ut feltet.").
    pub label: String,
    pub message: String,
}

/// The label key of each form field that can have an error.
fn field_label_key(field: &str) -> &'static str {
    match field {
        "given_name" => "apply.given_name",
        "family_name" => "apply.family_name",
        "email" => "apply.email",
        "cv" => "apply.cv",
        "attachments" => "apply.attachments",
        "file" => "portal.file",
        "title" => "posting.title",
        "title_en" => "posting.title_en",
        "intro_nb" => "ad.intro",
        "about_unit_nb" => "ad.about_unit",
        "duties_nb" => "ad.duties",
        "offer_nb" => "ad.offer",
        "intro_en" => "ad.intro_en",
        "about_unit_en" => "ad.about_unit_en",
        "duties_en" => "ad.duties_en",
        "offer_en" => "ad.offer_en",
        "requirements" => "ad.requirement_profile",
        "contacts" => "ad.contacts",
        "target_groups" => "ad.target_groups",
        "competence_areas" => "ad.areas",
        "work_place" => "posting.work_place",
        "salary_text" => "posting.salary_text",
        "publish_on" => "posting.publish_on",
        "internal_until" => "posting.internal_until",
        "reason" => "posting.unpublish_reason",
        "diversity_nb" => "template.diversity_nb",
        "diversity_en" => "template.diversity_en",
        "unit_id" => "posting.unit",
        "profession" => "posting.profession",
        "engagement" => "posting.engagement",
        "extent_percent" => "posting.extent",
        "positions" => "posting.positions",
        "deadline" => "posting.deadline",
        "ground" => "requisition.ground",
        "replaces" => "requisition.replaces",
        "until" => "requisition.until",
        "start_date" => "requisition.start_date",
        "cost_centre" => "requisition.cost_centre",
        "part_time_justification" => "requisition.part_time_justification",
        "union_discussed_on" => "requisition.union_discussed_on",
        "comment" => "requisition.comment",
        "employee_number" => "preference.col_employee",
        "kind" => "questions.kind",
        "text_nb" => "questions.text_nb",
        "text_en" => "questions.text_en",
        "options" => "questions.options",
        "knockout" => "questions.knockout",
        "right" => "requisition.col_right",
        "unit" => "preference.unit_code",
        "from" => "preference.from",
        "to" => "preference.to",
        _ => "",
    }
}

impl Errors {
    pub fn from_invalid(lang: Lang, errs: &[Invalid]) -> Errors {
        let mut out = Errors::default();
        for e in errs {
            out.add(lang, e.field, i18n::t(lang, e.key).to_owned());
        }
        out
    }
    pub fn add(&mut self, lang: Lang, field: &'static str, message: String) {
        if !self.has(field) {
            let key = field_label_key(field);
            let label = if key.is_empty() {
                ""
            } else {
                i18n::t(lang, key)
            };
            self.items.push(FieldError {
                field: field.to_owned(),
                label: label.to_owned(),
                message,
            });
        }
    }
    /// An error on a field whose id and label are made at run time (a repeated row, a
    /// screening question).
    pub fn add_labelled(&mut self, field: String, label: String, message: String) {
        if !self.has(&field) {
            self.items.push(FieldError {
                field,
                label,
                message,
            });
        }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
