//! One ad, as the public sees it; the back office previews it through the same page.

use super::structured::{self, AdFacts};
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
use talentflyt_store::{OpenPosting, OrgUnit, Posting};

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

/// An open ad offered beside a closed one.
pub(crate) struct Similar {
    id: i64,
    title: String,
    unit: String,
    deadline: String,
}

/// What only the public ad page has: structured data for search engines and link previews,
/// share links, the deadline in words, and similar open ads when this one has closed.
pub(crate) struct Public {
    pub base_url: String,
    pub has_logo: bool,
    pub today: chrono::NaiveDate,
    pub similar: Vec<OpenPosting>,
}

/// The parts of the page made from [`Public`].
#[derive(Default)]
pub(crate) struct PublicView {
    json_ld: String,
    meta: Vec<(&'static str, String)>,
    canonical: String,
    share: Vec<(&'static str, String)>,
    deadline_words: String,
    similar: Vec<Similar>,
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
    public: PublicView,
    /// Where "Apply" leads.
    apply_href: String,
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::Nb => "nb",
        Lang::En => "en",
    }
}

impl AdPage {
    /// "Apply" records where the candidate came from (e.g. `internal`).
    pub(crate) fn with_source(mut self, source: &str) -> AdPage {
        self.apply_href = format!("/jobs/{}/apply?source={source}", self.posting.id);
        self
    }

    /// The ad page for `posting` in `lang`, with the organisation's standard texts.
    pub(crate) fn build(
        p: PageCtx,
        posting: Posting,
        units: &[OrgUnit],
        org: &OrgTexts,
        open: bool,
        preview: Option<Preview>,
        public: Option<Public>,
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
        let title = if english {
            posting.title_en.clone()
        } else {
            posting.title.clone()
        };
        let public = match public {
            Some(pb) => public_view(
                &pb,
                &posting,
                &title,
                &place,
                &p,
                &names,
                talentflyt_domain::ad::html(text, &content.requirements, text_lang, |key| {
                    t(lang, key).to_owned()
                }),
            ),
            None => PublicView::default(),
        };
        let diversity = org.diversity(lang).to_owned();
        let diversity_lang = if lang == Lang::En && !org.diversity_en.trim().is_empty() {
            "en"
        } else {
            "nb"
        };
        AdPage {
            apply_href: format!("/jobs/{}/apply", posting.id),
            title,
            public,
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

/// "today", "tomorrow", "in 5 days"; nothing once the day has passed.
fn deadline_words(lang: Lang, today: chrono::NaiveDate, deadline: &str) -> String {
    let Ok(d) = chrono::NaiveDate::parse_from_str(deadline, "%Y-%m-%d") else {
        return String::new();
    };
    match (d - today).num_days() {
        n if n < 0 => String::new(),
        0 => t(lang, "job.deadline_today").to_owned(),
        1 => t(lang, "job.deadline_tomorrow").to_owned(),
        n => i18n::tf(lang, "job.deadline_in_days", &[("n", &n.to_string())]),
    }
}

fn public_view(
    pb: &Public,
    posting: &Posting,
    title: &str,
    place: &str,
    p: &PageCtx,
    names: &UnitNames,
    description_html: String,
) -> PublicView {
    let lang = p.lang;
    let facts = AdFacts {
        posting,
        title,
        description_html,
        place,
        org_name: &p.brand.org_name,
        base_url: &pb.base_url,
        has_logo: pb.has_logo,
    };
    let content = posting.content();
    let intro = &content.text(lang).intro;
    let summary = structured::summary(
        if intro.trim().is_empty() {
            &posting.body
        } else {
            intro
        },
        200,
    );
    let url = format!("{}/jobs/{}", pb.base_url, posting.id);
    let mut meta = structured::open_graph(&facts, &summary, lang);
    meta.push(("description", summary));
    PublicView {
        json_ld: structured::script_json(&structured::job_posting(&facts)),
        meta,
        canonical: url.clone(),
        share: structured::share_links(&url, title, lang),
        deadline_words: deadline_words(lang, pb.today, &posting.deadline),
        similar: pb
            .similar
            .iter()
            .map(|o| Similar {
                id: o.id,
                title: lang.pick(&o.title, &o.title_en).0.to_owned(),
                unit: names.unit(o.unit_id, lang),
                deadline: i18n::date_str(lang, &o.deadline),
            })
            .collect(),
    }
}

/// The path of the clinic (second level) a unit's path lies in.
fn clinic_path(path: &str) -> Option<String> {
    let ids: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    (ids.len() >= 2).then(|| format!("/{}/{}/", ids[0], ids[1]))
}

/// Up to four open ads like `posting`: the same profession first, then the same clinic.
fn similar_open(
    open: &[OpenPosting],
    posting: &Posting,
    clinic_path: Option<&str>,
) -> Vec<OpenPosting> {
    let mut out: Vec<OpenPosting> = open
        .iter()
        .filter(|o| o.id != posting.id && o.profession == posting.profession)
        .take(4)
        .cloned()
        .collect();
    if let Some(path) = clinic_path {
        for o in open
            .iter()
            .filter(|o| o.id != posting.id && o.unit_path.starts_with(path))
        {
            if out.len() >= 4 {
                break;
            }
            if !out.iter().any(|x| x.id == o.id) {
                out.push(o.clone());
            }
        }
    }
    out
}

/// The ad page. An ad past its deadline answers 410 Gone with the closed notice and similar
/// open ads; one that was never public (a draft, a scheduled or internal-only ad) or does not
/// exist answers 404. Both kinds of page come from the page cache; whether the ad is open is
/// read from the in-memory index of open ads.
/// Where a visitor came from, as boards and campaigns say it: `?src=` or `?utm_source=`.
#[derive(serde::Deserialize, Default)]
pub struct Came {
    src: Option<String>,
    utm_source: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
    axum::extract::Query(came): axum::extract::Query<Came>,
) -> Result<Response, AppError> {
    let key = format!("/jobs/{id}");
    let today = state.today();
    let open_now = state.search.open(&state, today).await?;
    let is_open_now = open_now.contains(id);
    let mut r = cached(&state, lang, Cacheable::Yes(key.clone()), || async {
        let posting = public_posting(&state, id).await?;
        let units = state.units().await;
        let org = state.store.org_texts().await?;
        let title = lang.pick(&posting.title, &posting.title_en).0.to_owned();
        let open = is_open(&state, &posting);
        let clinic_path = units
            .iter()
            .find(|u| u.id == posting.unit_id)
            .and_then(|u| clinic_path(&u.path));
        let similar = if open {
            vec![]
        } else {
            similar_open(open_now.postings(), &posting, clinic_path.as_deref())
        };
        let public = Public {
            base_url: state.cfg.base_url.trim_end_matches('/').to_owned(),
            has_logo: state.cfg.brand.logo_path.is_some(),
            today,
            similar,
        };
        AdPage::build(
            PageCtx::new(&state, lang, title, key),
            posting,
            &units,
            &org,
            open,
            None,
            Some(public),
        )
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await?;
    if !is_open_now {
        *r.status_mut() = axum::http::StatusCode::GONE;
    } else if let Some(src) = came.src.as_deref().or(came.utm_source.as_deref()) {
        // The page is the same for everyone (and cached); where the visitor came from goes in
        // a cookie the application form reads (A2: every application records its source).
        let src = talentflyt_domain::posting::normalise_source(Some(src));
        let secure = if state.cfg.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
            "{}={src}; Path=/jobs; Max-Age=2592000; HttpOnly; SameSite=Lax{secure}",
            super::apply::SOURCE_COOKIE
        )) {
            let h = r.headers_mut();
            h.insert(axum::http::header::SET_COOKIE, v);
            // A shared cache must not hand this cookie to others.
            h.insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("private, max-age=10"),
            );
        }
    }
    Ok(r)
}
