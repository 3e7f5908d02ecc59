//! The public applicant list (offentleglova §25) on the career site, as a page and as a PDF.
//!
//! The newest version of the list, from the day after the first deadline until
//! [`PUBLIC_DAYS`](talentflyt_domain::applicant_list::PUBLIC_DAYS) after it; then 410 with
//! where to ask. Never offered to search engines (`noindex`, and not in the sitemap). Cached
//! like the other public pages; a new version moves the public change counter.

use super::{cached, cached_as, public_posting};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t, tf};
use crate::middleware::cache::Cacheable;
use crate::view::{render_status, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use talentflyt_domain::applicant_list::public_until;
use talentflyt_domain::pdf::{Column, Document};
use talentflyt_domain::Lang;
use talentflyt_store::{ListEntry, ListVersion, Posting};

/// One version of a list as a reader sees it (the public page, the staff page, the PDFs).
pub(crate) struct ListView {
    pub version: i64,
    /// "Versjon 2, laget 12. desember 2026 kl. 09.00".
    pub version_text: String,
    /// "Søknadsfrist: 30. november 2026".
    pub deadline: String,
    /// (label, figure) for all applicants: in all, women, men, other, not stated, not named.
    pub counts: Vec<(&'static str, i64)>,
    pub rows: Vec<[String; 4]>,
}

impl ListView {
    pub(crate) fn new(
        lang: Lang,
        posting: &Posting,
        v: &ListVersion,
        entries: &[ListEntry],
    ) -> ListView {
        let c = v.counts();
        ListView {
            version: v.version,
            version_text: tf(
                lang,
                "list.version_of",
                &[
                    ("n", &v.version.to_string()),
                    ("when", &i18n::datetime(lang, v.produced_at)),
                ],
            ),
            deadline: first_deadline(posting)
                .map(|d| i18n::date(lang, d))
                .unwrap_or_default(),
            counts: vec![
                (t(lang, "list.count_total"), c.total),
                (t(lang, "list.count_women"), c.women),
                (t(lang, "list.count_men"), c.men),
                (t(lang, "list.count_other"), c.other),
                (t(lang, "list.count_unstated"), c.unstated),
                (t(lang, "list.count_not_named"), c.total - v.named),
            ],
            rows: entries
                .iter()
                .map(|e| {
                    [
                        e.name.clone(),
                        e.age.map(|a| a.to_string()).unwrap_or_default(),
                        e.title.clone(),
                        e.municipality.clone(),
                    ]
                })
                .collect(),
        }
    }

    /// The list as a PDF with the posting's title, reference and the counts.
    pub(crate) fn pdf(&self, lang: Lang, title: &str, reference: &str, org: &str) -> Vec<u8> {
        let heading = t(lang, "list.title");
        let mut d = Document::new(&format!("{heading}: {title}"), lang);
        d.heading(heading);
        d.field(&format!("{}:", t(lang, "list.position")), title);
        d.field(&format!("{}:", t(lang, "list.reference")), reference);
        d.field(&format!("{}:", t(lang, "list.employer")), org);
        d.field(&format!("{}:", t(lang, "list.deadline")), &self.deadline);
        d.field(&format!("{}:", t(lang, "list.version")), &self.version_text);
        d.subheading(t(lang, "list.counts"));
        for (label, n) in &self.counts {
            d.field(&format!("{label}:"), &n.to_string());
        }
        d.subheading(t(lang, "list.named"));
        if self.rows.is_empty() {
            d.paragraph(t(lang, "list.none_named"));
        } else {
            d.table(
                &[
                    Column {
                        heading: t(lang, "list.col_name"),
                        share: 0.32,
                    },
                    Column {
                        heading: t(lang, "list.col_age"),
                        share: 0.1,
                    },
                    Column {
                        heading: t(lang, "list.col_title"),
                        share: 0.33,
                    },
                    Column {
                        heading: t(lang, "list.col_municipality"),
                        share: 0.25,
                    },
                ],
                &self.rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            );
        }
        d.paragraph(t(lang, "list.legal"));
        d.finish(|n, of| {
            tf(
                lang,
                "list.page_of",
                &[("n", &n.to_string()), ("of", &of.to_string())],
            )
        })
    }
}

/// The deadline as first announced (an extension does not move the list).
pub(crate) fn first_deadline(p: &Posting) -> Option<NaiveDate> {
    let d = p.original_deadline.as_deref().unwrap_or(&p.deadline);
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

#[derive(Template)]
#[template(path = "career/applicant_list.html")]
struct ListPage {
    p: PageCtx,
    posting_id: i64,
    title: String,
    reference: String,
    list: Option<ListView>,
    /// "Listen var offentlig til …": taken down.
    gone: String,
    public_until: String,
}

/// The day the posting's list left the public site, once it has; 404 for a posting that never
/// had a list.
async fn taken_down(state: &AppState, posting: &Posting) -> Result<Option<NaiveDate>, AppError> {
    let Some(until) = first_deadline(posting).map(public_until) else {
        return Ok(None);
    };
    if state.today() <= until {
        return Ok(None);
    }
    if state
        .store
        .applicant_list_versions(posting.id)
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound);
    }
    Ok(Some(until))
}

/// `GET /jobs/{id}/applicants`.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let key = format!("/jobs/{id}/applicants");
    // The posting (a read by key) decides 404 and 410; the list itself is read only when the
    // page is rendered, not on every cached answer.
    let posting = public_posting(&state, id).await?;
    let title = lang.pick(&posting.title, &posting.title_en).0.to_owned();
    let mut page = ListPage {
        p: PageCtx::new(
            &state,
            lang,
            format!("{}: {title}", t(lang, "list.title")),
            key.clone(),
        ),
        posting_id: id,
        title,
        reference: posting.reference.clone(),
        list: None,
        gone: String::new(),
        public_until: first_deadline(&posting)
            .map(|d| {
                tf(
                    lang,
                    "list.public_until",
                    &[("date", &i18n::date(lang, public_until(d)))],
                )
            })
            .unwrap_or_default(),
    };
    if let Some(until) = taken_down(&state, &posting).await? {
        page.gone = tf(lang, "list.gone", &[("date", &i18n::date(lang, until))]);
        return noindex(render_status(StatusCode::GONE, &page)?);
    }
    let store = state.store.clone();
    noindex(
        cached(&state, lang, Cacheable::Yes(key), || async move {
            let (v, entries) = store
                .applicant_list(id, None)
                .await?
                .ok_or(AppError::NotFound)?;
            page.list = Some(ListView::new(lang, &posting, &v, &entries));
            page.render()
                .map_err(|e| AppError::Internal(format!("template: {e}")))
        })
        .await?,
    )
}

/// `GET /jobs/{id}/applicants.pdf`.
pub async fn pdf(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let posting = public_posting(&state, id).await?;
    if taken_down(&state, &posting).await?.is_some() {
        return Err(AppError::Closed);
    }
    let org = state.cfg.brand.org_name.clone();
    let store = state.store.clone();
    let mut r = cached_as(
        &state,
        lang,
        Cacheable::Yes(format!("/jobs/{id}/applicants.pdf")),
        "application/pdf",
        || async move {
            let (v, entries) = store
                .applicant_list(id, None)
                .await?
                .ok_or(AppError::NotFound)?;
            let title = lang.pick(&posting.title, &posting.title_en).0;
            let bytes = ListView::new(lang, &posting, &v, &entries).pdf(
                lang,
                title,
                &posting.reference,
                &org,
            );
            // The cache keeps text; a PDF of Windows-1252 text in ASCII escapes is ASCII.
            String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("pdf: {e}")))
        },
    )
    .await?;
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"sokerliste.pdf\""),
    );
    noindex(r)
}

/// A PDF made for the staff (never cached), shown in the browser as `filename`, kept away from
/// search engines.
pub(crate) fn staff_pdf(bytes: Vec<u8>, filename: &str) -> Result<Response, AppError> {
    let mut r = axum::response::IntoResponse::into_response(bytes);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("inline; filename=\"{filename}\""))
            .map_err(|_| AppError::BadRequest)?,
    );
    noindex(r)
}

/// Keep search engines away from a list of names.
pub(crate) fn noindex(mut r: Response) -> Result<Response, AppError> {
    r.headers_mut().insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    Ok(r)
}
