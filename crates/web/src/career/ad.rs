//! One ad, as the public sees it; the back office previews it through the same page.

use super::{cached, is_open, public_posting};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::format::{blocks, Block, UnitNames};
use crate::view::PageCtx;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use talentflyt_domain::ad::{Contact, OrgTexts};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{OrgUnit, Posting};

/// A section of the ad: its heading (none for the introduction) and its blocks.
pub(crate) struct Section {
    heading: &'static str,
    blocks: Vec<Block>,
}

/// A requirement item with the language it is written in.
pub(crate) struct Item {
    text: String,
    lang: &'static str,
}

/// A contact person, with the phone number as a `tel:` link takes it.
pub(crate) struct ContactView {
    name: String,
    title: String,
    phone: String,
    tel: String,
    email: String,
}

impl From<&Contact> for ContactView {
    fn from(c: &Contact) -> Self {
        ContactView {
            name: c.name.clone(),
            title: c.title.clone(),
            phone: c.phone.clone(),
            tel: c
                .phone
                .chars()
                .filter(|ch| ch.is_ascii_digit() || *ch == '+')
                .collect(),
            email: c.email.clone(),
        }
    }
}

/// The banner above a preview: what it is, the way back, and the other language.
pub(crate) struct Preview {
    pub text: String,
    pub back_href: String,
    pub back_text: &'static str,
    pub other_href: String,
    pub other_text: &'static str,
}

#[derive(Template)]
#[template(path = "career/ad.html")]
pub(crate) struct AdPage {
    p: PageCtx,
    posting: Posting,
    title: String,
    /// The language the ad's text is written in (English where written, else bokmål).
    text_lang: &'static str,
    unit: String,
    clinic: String,
    place: String,
    profession: String,
    extent: String,
    engagement: &'static str,
    deadline: String,
    /// "Extended from …" when the deadline was moved.
    extended_from: String,
    start: String,
    target_groups: String,
    areas: String,
    sections: Vec<Section>,
    required: Vec<Item>,
    desired: Vec<Item>,
    contacts: Vec<ContactView>,
    diversity: String,
    diversity_lang: &'static str,
    open: bool,
    preview: Option<Preview>,
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::Nb => "nb",
        Lang::En => "en",
    }
}

impl AdPage {
    /// The ad page for `posting` in `lang`, with the organisation's standard texts.
    pub(crate) fn build(
        p: PageCtx,
        posting: Posting,
        units: &[OrgUnit],
        org: &OrgTexts,
        open: bool,
        preview: Option<Preview>,
    ) -> AdPage {
        let lang = p.lang;
        let names = UnitNames::new(units);
        let content = posting.content();
        let fields = posting.fields();
        let english = lang == Lang::En && content.has_english() && !posting.title_en.is_empty();
        let text_lang = if english { Lang::En } else { Lang::Nb };
        let text = content.text(text_lang);
        let sections = text
            .sections()
            .into_iter()
            .filter(|(_, s)| !s.trim().is_empty())
            .map(|(key, s)| Section {
                heading: if key == "ad.intro" { "" } else { t(lang, key) },
                blocks: blocks(s),
            })
            .collect();
        let item = |r: &talentflyt_domain::ad::Requirement| {
            let written = if text_lang == Lang::En && !r.en.trim().is_empty() {
                Lang::En
            } else {
                Lang::Nb
            };
            Item {
                text: r.text(written).to_owned(),
                lang: lang_code(written),
            }
        };
        let extent_kind = if posting.extent_percent >= 100 {
            "extent.full_time"
        } else {
            "extent.part_time"
        };
        let labels = |keys: Vec<&'static str>| {
            keys.into_iter()
                .map(|k| t(lang, k))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let place = if fields.work_place.is_empty() {
            names.site(posting.unit_id)
        } else {
            fields.work_place.clone()
        };
        let diversity = org.diversity(lang).to_owned();
        let diversity_lang = if lang == Lang::En && !org.diversity_en.trim().is_empty() {
            "en"
        } else {
            "nb"
        };
        AdPage {
            title: if english {
                posting.title_en.clone()
            } else {
                posting.title.clone()
            },
            text_lang: lang_code(text_lang),
            unit: names.unit(posting.unit_id, lang),
            clinic: names.clinic(posting.unit_id, lang),
            place,
            profession: profession::name(&posting.profession, lang),
            extent: format!("{} %, {}", posting.extent_percent, t(lang, extent_kind)),
            engagement: t(lang, posting.engagement.label_key()),
            deadline: i18n::date_str(lang, &posting.deadline),
            extended_from: match &posting.original_deadline {
                Some(o) if *o != posting.deadline => i18n::tf(
                    lang,
                    "job.extended_from",
                    &[("date", &i18n::date_str(lang, o))],
                ),
                _ => String::new(),
            },
            start: match fields.start_date {
                Some(d) => i18n::date(lang, d),
                None => t(lang, "job.start_by_agreement").to_owned(),
            },
            target_groups: labels(fields.target_groups.iter().map(|g| g.label_key()).collect()),
            areas: labels(
                fields
                    .competence_areas
                    .iter()
                    .map(|a| a.label_key())
                    .collect(),
            ),
            sections,
            required: content
                .requirements
                .iter()
                .filter(|r| r.required)
                .map(item)
                .collect(),
            desired: content
                .requirements
                .iter()
                .filter(|r| !r.required)
                .map(item)
                .collect(),
            contacts: content.contacts.iter().map(ContactView::from).collect(),
            diversity,
            diversity_lang,
            open,
            preview,
            p,
            posting,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let key = format!("/jobs/{id}");
    cached(&state, lang, Cacheable::Yes(key.clone()), || async {
        let posting = public_posting(&state, id).await?;
        let units = state.units().await;
        let org = state.store.org_texts().await?;
        let title = if lang == Lang::En && !posting.title_en.is_empty() {
            posting.title_en.clone()
        } else {
            posting.title.clone()
        };
        let open = is_open(&state, &posting);
        AdPage::build(
            PageCtx::new(&state, lang, title, key),
            posting,
            &units,
            &org,
            open,
            None,
        )
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}
