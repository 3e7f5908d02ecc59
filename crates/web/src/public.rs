//! The career site: open postings, one ad, the application form and its receipt.

use crate::auth::{csrf_token, verify_csrf, ClientIp};
use crate::i18n::{self, t};
use crate::page::{
    engagement_options, nb_sort_key, page_count, profession_options, Options, Pager,
};
use crate::page::{
    render, render_status, AppError, Errors, MessagePage, NextQuery, PageCtx, ReqLang,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, OriginalUri, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use std::collections::HashMap;
use talentflyt_domain::person::{Email, PersonName};
use talentflyt_domain::posting::{accepts_applications, normalise_source, Engagement};
use talentflyt_domain::upload::sniff_cv;
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{NewApplication, OrgUnit, Posting, PublicFilter};
use tower_sessions::Session;

const PAGE_SIZE: i64 = 20;

pub async fn root() -> Redirect {
    Redirect::to("/jobs")
}

/// Serve a public page from the cache, or render, cache and serve it.
async fn cached<F, Fut>(
    state: &AppState,
    lang: Lang,
    key: &str,
    render: F,
) -> Result<Response, AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, AppError>>,
{
    let body = match state.cache.get(lang, key) {
        Some(b) => b,
        None => {
            let b = Bytes::from(render().await?);
            state.cache.put(lang, key, b.clone());
            b
        }
    };
    let mut r = Html(body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=10"),
    );
    Ok(r)
}

/// Names for a unit and the clinic it belongs to.
pub(crate) struct UnitNames<'a> {
    by_id: HashMap<i64, &'a OrgUnit>,
}

impl<'a> UnitNames<'a> {
    pub(crate) fn new(units: &'a [OrgUnit]) -> UnitNames<'a> {
        UnitNames {
            by_id: units.iter().map(|u| (u.id, u)).collect(),
        }
    }
    pub(crate) fn unit(&self, id: i64, lang: Lang) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.name(lang).to_owned())
            .unwrap_or_default()
    }
    /// The clinic (second level) a unit lies in; empty for the trust itself or a clinic.
    pub(crate) fn clinic(&self, id: i64, lang: Lang) -> String {
        let Some(u) = self.by_id.get(&id) else {
            return String::new();
        };
        let ids: Vec<i64> = u.path.split('/').filter_map(|s| s.parse().ok()).collect();
        match ids.get(1) {
            Some(cid) if *cid != id => self
                .by_id
                .get(cid)
                .map(|c| c.name(lang).to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub(crate) fn site(&self, id: i64) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.site.clone())
            .unwrap_or_default()
    }
}

fn engagement_label(lang: Lang, code: &str) -> &'static str {
    Engagement::parse(code)
        .map(|e| t(lang, e.label_key()))
        .unwrap_or("")
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    clinic: Option<String>,
    profession: Option<String>,
    engagement: Option<String>,
    page: Option<i64>,
}

pub(crate) struct Card {
    id: i64,
    title: String,
    unit: String,
    clinic: String,
    profession: String,
    extent: String,
    engagement: &'static str,
    deadline: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    p: PageCtx,
    q: String,
    clinics: Options,
    professions: Options,
    engagements: Options,
    count_text: String,
    cards: Vec<Card>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let key = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/jobs".into());
    let shared = state.clone();
    cached(&shared, lang, &key.clone(), || async move {
        let units = state.units().await;
        let names = UnitNames::new(&units);
        let text = q.q.clone().unwrap_or_default();
        let words: Vec<String> = text
            .split_whitespace()
            .take(8)
            .map(|w| w.chars().take(50).collect())
            .collect();
        let clinic_code = q.clinic.clone().filter(|c| !c.is_empty());
        let clinic_unit = clinic_code
            .as_ref()
            .and_then(|c| units.iter().find(|u| &u.code == c && u.kind == "clinic"));
        let profession_code = q
            .profession
            .clone()
            .filter(|p| profession::find(p).is_some());
        let engagement_code = q
            .engagement
            .clone()
            .filter(|e| Engagement::parse(e).is_some());
        let page = q.page.unwrap_or(1).clamp(1, 10_000);
        let filter = PublicFilter {
            words,
            unit_path: clinic_unit.map(|u| u.path.clone()),
            profession: profession_code.clone(),
            engagement: engagement_code.clone(),
            today: i18n::today().format("%Y-%m-%d").to_string(),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        };
        let (mut rows, total) = state.store.public_postings(&filter).await?;
        let pages = page_count(total, PAGE_SIZE);
        // Past the last page (an old link after postings closed): show the last page instead.
        let page = if page > pages {
            let last = PublicFilter {
                offset: (pages - 1) * PAGE_SIZE,
                ..filter
            };
            rows = state.store.public_postings(&last).await?.0;
            pages
        } else {
            page
        };
        let cards = rows
            .into_iter()
            .map(|c| Card {
                id: c.id,
                unit: names.unit(c.unit_id, lang),
                clinic: names.clinic(c.unit_id, lang),
                profession: profession::name(&c.profession, lang),
                extent: format!("{} %", c.extent_percent),
                engagement: engagement_label(lang, &c.engagement),
                deadline: i18n::date_str(lang, &c.deadline),
                title: c.title,
            })
            .collect();
        let href = |n: i64| {
            let mut parts = vec![];
            for (k, v) in [
                ("q", Some(text.as_str())),
                ("clinic", clinic_code.as_deref()),
                ("profession", profession_code.as_deref()),
                ("engagement", engagement_code.as_deref()),
            ] {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    parts.push(format!("{k}={}", urlencoding::encode(v)));
                }
            }
            parts.push(format!("page={n}"));
            format!("/jobs?{}", parts.join("&"))
        };
        let mut clinics: Options = units
            .iter()
            .filter(|u| u.kind == "clinic")
            .map(|u| {
                (
                    u.code.clone(),
                    u.name(lang).to_owned(),
                    Some(&u.code) == clinic_code.as_ref(),
                )
            })
            .collect();
        clinics.sort_by_cached_key(|c| nb_sort_key(&c.1));
        let page_view = JobsPage {
            p: PageCtx::new(&state, lang, t(lang, "jobs.title"), key.clone()),
            q: text.clone(),
            clinics,
            professions: profession_options(lang, profession_code.as_deref().unwrap_or("")),
            engagements: engagement_options(lang, engagement_code.as_deref().unwrap_or("")),
            count_text: i18n::count(lang, total, "jobs.count_one", "jobs.count_many"),
            cards,
            pager: Pager::new(lang, page, pages, href),
        };
        page_view
            .render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    p: PageCtx,
    posting: Posting,
    unit: String,
    clinic: String,
    site: String,
    profession: String,
    extent: String,
    engagement: &'static str,
    deadline: String,
    paragraphs: Vec<Vec<String>>,
    open: bool,
}

/// Blank lines separate paragraphs; single line breaks stay. Text is escaped by the template.
pub(crate) fn paragraphs(body: &str) -> Vec<Vec<String>> {
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

async fn public_posting(state: &AppState, id: i64) -> Result<Posting, AppError> {
    let posting = state.store.posting(id).await?;
    // Drafts are not public: to the world they do not exist.
    if posting.status() == talentflyt_domain::posting::PostingStatus::Draft {
        return Err(AppError::NotFound);
    }
    Ok(posting)
}

fn is_open(p: &Posting) -> bool {
    p.deadline_date()
        .is_some_and(|d| accepts_applications(p.status(), d, i18n::today()))
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let key = format!("/jobs/{id}");
    let shared = state.clone();
    cached(&shared, lang, &key.clone(), || async move {
        let posting = public_posting(&state, id).await?;
        let units = state.units().await;
        let names = UnitNames::new(&units);
        let page = JobPage {
            p: PageCtx::new(&state, lang, posting.title.clone(), key),
            unit: names.unit(posting.unit_id, lang),
            clinic: names.clinic(posting.unit_id, lang),
            site: names.site(posting.unit_id),
            profession: profession::name(&posting.profession, lang),
            extent: format!("{} %", posting.extent_percent),
            engagement: engagement_label(lang, &posting.engagement),
            deadline: i18n::date_str(lang, &posting.deadline),
            paragraphs: paragraphs(&posting.body),
            open: is_open(&posting),
            posting,
        };
        page.render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    source: String,
    given_name: String,
    family_name: String,
    email: String,
    cv_hint: String,
}

#[derive(Deserialize)]
pub struct SourceQuery {
    source: Option<String>,
}

fn mb(bytes: usize) -> String {
    (bytes / (1024 * 1024)).max(1).to_string()
}

pub async fn apply_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<SourceQuery>,
) -> Result<Response, AppError> {
    let posting = public_posting(&state, id).await?;
    if !is_open(&posting) {
        return Err(AppError::Closed);
    }
    let typed = Typed {
        source: normalise_source(q.source.as_deref()),
        ..Default::default()
    };
    render(&apply_page(&state, lang, &session, posting, typed, Errors::default()).await?)
}

/// What the candidate typed, to show again.
#[derive(Default)]
struct Typed {
    source: String,
    given_name: String,
    family_name: String,
    email: String,
}

async fn apply_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    posting: Posting,
    typed: Typed,
    errs: Errors,
) -> Result<ApplyPage, AppError> {
    let mut p = PageCtx::new(
        state,
        lang,
        format!("{} – {}", t(lang, "apply.title"), posting.title),
        format!("/jobs/{}/apply", posting.id),
    );
    p.csrf = csrf_token(session).await?;
    Ok(ApplyPage {
        p,
        errs,
        posting_id: posting.id,
        posting_title: posting.title,
        source: typed.source,
        given_name: typed.given_name,
        family_name: typed.family_name,
        email: typed.email,
        cv_hint: i18n::tf(
            lang,
            "apply.cv_hint",
            &[("mb", &mb(state.cfg.max_upload_bytes))],
        ),
    })
}

#[derive(Default)]
struct ApplyInput {
    csrf: String,
    given_name: String,
    family_name: String,
    email: String,
    source: String,
    cv_name: String,
    cv: Option<Bytes>,
    too_large: bool,
}

/// Read the form. The CV is read in chunks and dropped once it passes `max_cv` bytes, so a too
/// large file still leaves the other fields to show again with a clear message.
async fn read_apply_form(mut mp: Multipart, max_cv: usize) -> Result<ApplyInput, AppError> {
    let mut f = ApplyInput::default();
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                f.too_large = true;
                break;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "cv" {
            f.cv_name = field.file_name().unwrap_or("cv.pdf").to_owned();
            let mut buf = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if !f.too_large {
                            buf.extend_from_slice(&chunk);
                            if buf.len() > max_cv {
                                f.too_large = true;
                                buf = Vec::new();
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        f.too_large = true;
                        return Ok(f);
                    }
                    Err(_) => return Err(AppError::BadRequest),
                }
            }
            if !f.too_large {
                f.cv = Some(Bytes::from(buf));
            }
            continue;
        }
        let value = match field.text().await {
            Ok(v) => v,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                f.too_large = true;
                break;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        match name.as_str() {
            "csrf" => f.csrf = value,
            "given_name" => f.given_name = value,
            "family_name" => f.family_name = value,
            "email" => f.email = value,
            "source" => f.source = value,
            _ => {}
        }
    }
    Ok(f)
}

/// A file name safe to store and show: the last path part, printable, at most 120 characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .filter(|c| !c.is_control() && !"<>:\"|?*".contains(*c))
        .take(120)
        .collect();
    if s.trim().is_empty() {
        "cv.pdf".into()
    } else {
        s
    }
}

pub async fn apply_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let posting = public_posting(&state, id).await?;
    let input = read_apply_form(mp, state.cfg.max_upload_bytes).await?;
    if !input.csrf.is_empty() || !input.too_large {
        verify_csrf(&session, &input.csrf).await?;
    }
    if !is_open(&posting) {
        return Err(AppError::Closed);
    }
    let max = state.cfg.max_upload_bytes;
    let mut errs = Errors::default();
    let given = PersonName::parse("given_name", &input.given_name);
    let family = PersonName::parse("family_name", &input.family_name);
    let email = Email::parse(&input.email);
    for e in [
        given.as_ref().err(),
        family.as_ref().err(),
        email.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        errs.add(lang, e.field, t(lang, e.key).to_owned());
    }
    let cv_type = if input.too_large {
        Err(talentflyt_domain::upload::UploadError::TooLarge { max_bytes: max })
    } else {
        sniff_cv(input.cv.as_deref().unwrap_or(&[]), max)
    };
    match &cv_type {
        Err(e) => errs.add(lang, "cv", i18n::tf(lang, e.key(), &[("mb", &mb(max))])),
        Ok(_) => {
            if let (Some(addr), Some(bytes)) = (&state.cfg.clamd, &input.cv) {
                match crate::scan::scan(addr, bytes).await {
                    Ok(crate::scan::Verdict::Clean) => {}
                    Ok(crate::scan::Verdict::Infected) => {
                        tracing::warn!(posting_id = id, "upload refused by the virus scanner");
                        errs.add(lang, "cv", t(lang, "error.cv_infected").to_owned());
                    }
                    Err(e) => return Err(AppError::Internal(format!("virus scanner: {e}"))),
                }
            }
        }
    }
    if cv_type.is_ok() && !errs.is_empty() {
        errs.add(lang, "cv", t(lang, "error.cv_reselect").to_owned());
    }
    let (Ok(given), Ok(family), Ok(email), Ok(doc), true) =
        (given, family, email, cv_type, errs.is_empty())
    else {
        let typed = Typed {
            source: normalise_source(Some(&input.source)),
            given_name: input.given_name,
            family_name: input.family_name,
            email: input.email,
        };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &apply_page(&state, lang, &session, posting, typed, errs).await?,
        );
    };
    let cv = input.cv.unwrap_or_default();
    let confirmation = talentflyt_jobs::mail::ApplicationReceived {
        to: email.as_str(),
        given_name: given.as_str(),
        posting_title: &posting.title,
        reference: &posting.reference,
        deadline: &i18n::date_str(lang, &posting.deadline),
    }
    .render(lang, &state.mail_brand)
    .map_err(|e| AppError::Internal(format!("e-mail template: {e}")))?;
    let source = normalise_source(Some(&input.source));
    let filename = clean_filename(&input.cv_name);
    let app_id = state
        .store
        .submit_application(
            &NewApplication {
                posting_id: id,
                given_name: given.as_str(),
                family_name: family.as_str(),
                email: email.as_str(),
                source: &source,
                cv_filename: &filename,
                cv_content_type: doc.mime(),
                cv: &cv,
                ip: &ip,
            },
            &confirmation,
        )
        .await?;
    state.wake_jobs();
    tracing::info!(application_id = app_id, posting_id = id, source = %source, "application received");
    Ok(Redirect::to(&format!("/jobs/{id}/applied")).into_response())
}

#[derive(Template)]
#[template(path = "applied.html")]
struct AppliedPage {
    p: PageCtx,
}

pub async fn applied(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    public_posting(&state, id).await?;
    render(&AppliedPage {
        p: PageCtx::new(
            &state,
            lang,
            t(lang, "applied.title"),
            format!("/jobs/{id}/applied"),
        ),
    })
}

/// Remember the chosen language for a year and go back to the page.
pub async fn switch_lang(
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let next = crate::page::safe_next(q.next.as_deref(), "/jobs");
    let mut r = Redirect::to(&next).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ))
        .map_err(|_| AppError::BadRequest)?,
    );
    Ok(r)
}

pub async fn accessibility(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, AppError> {
    cached(&state, lang, "/accessibility", || async {
        MessagePage {
            p: PageCtx::new(&state, lang, t(lang, "a11y.title"), "/accessibility"),
            heading: t(lang, "a11y.title").to_owned(),
            paragraphs: ["a11y.p1", "a11y.p2", "a11y.p3"]
                .into_iter()
                .map(|k| t(lang, k).to_owned())
                .chain(
                    state
                        .cfg
                        .a11y_contact
                        .iter()
                        .map(|c| i18n::tf(lang, "a11y.contact", &[("contact", c)])),
                )
                .collect(),
            link_href: "/jobs".into(),
            link_text: t(lang, "applied.back").to_owned(),
        }
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn uploaded_file_names_are_cleaned() {
        assert_eq!(clean_filename("C:\\Users\\kari\\CV <ny>.pdf"), "CV ny.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename(""), "cv.pdf");
    }
}
