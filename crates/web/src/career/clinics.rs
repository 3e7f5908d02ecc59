//! Pages that show the organisation from the inside: every clinic with its open ads, one page
//! per clinic with HR's "why work here" text and picture, and the page for students and new
//! graduates. All are public and served from the page cache.

use super::cached;
use super::index::{Query as IndexQuery, Sort};
use super::search::{cards, Card};
use crate::error::AppError;
use crate::extract::ReqLang;
use crate::i18n::{self, t};
use crate::middleware::cache::Cacheable;
use crate::view::format::UnitNames;
use crate::view::options::nb_sort_key;
use crate::view::PageCtx;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use talentflyt_domain::ad::TargetGroup;
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::Lang;
use talentflyt_store::OrgUnit;

/// The most ads a page lists before it links to the search.
const MAX_LISTED: usize = 50;

fn render(t: impl Template) -> Result<String, AppError> {
    t.render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// The clinic with this code; any other code is "not found".
pub(crate) async fn clinic_by_code(state: &AppState, code: &str) -> Result<OrgUnit, AppError> {
    state
        .units()
        .await
        .iter()
        .find(|u| u.code == code && u.kind == UnitKind::Clinic)
        .cloned()
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "career/clinics.html")]
struct ClinicsPage {
    p: PageCtx,
    /// (code, name, open ads)
    clinics: Vec<(String, String, String)>,
}

/// `GET /jobs/clinics`: every clinic and how many ads it has open.
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, AppError> {
    cached(
        &state,
        lang,
        Cacheable::Yes("/jobs/clinics".into()),
        || async {
            let units = state.units().await;
            let open = state.search.open(&state, state.today()).await?;
            let found = open.find(&IndexQuery::default(), 0, 0)?;
            let mut clinics: Vec<(String, String, String)> = units
                .iter()
                .filter(|u| u.kind == UnitKind::Clinic)
                .map(|u| {
                    let n = found.facets.clinics.get(&u.id).copied().unwrap_or(0) as i64;
                    (
                        u.code.clone(),
                        u.name(lang).to_owned(),
                        i18n::count(lang, n, "jobs.count_one", "jobs.count_many"),
                    )
                })
                .collect();
            clinics.sort_by_cached_key(|c| nb_sort_key(&c.1));
            render(ClinicsPage {
                p: PageCtx::new(&state, lang, t(lang, "clinics.title"), "/jobs/clinics"),
                clinics,
            })
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "career/clinic.html")]
struct ClinicPage {
    p: PageCtx,
    code: String,
    name: String,
    why: Vec<String>,
    /// The picture's alternative text, when there is a picture.
    image_alt: Option<String>,
    image_version: i64,
    count_text: String,
    cards: Vec<Card>,
    card_h: &'static str,
    more: bool,
}

/// The paragraphs of a text: separated by blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// `GET /jobs/clinics/{code}`: the clinic's page.
pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let clinic = clinic_by_code(&state, &code).await?;
    let key = Cacheable::Yes(format!("/jobs/clinics/{}", clinic.code));
    cached(&state, lang, key, || async {
        let units = state.units().await;
        let names = UnitNames::new(&units);
        let profile = state
            .store
            .clinic_profile(clinic.id)
            .await?
            .unwrap_or_default();
        let open = state.search.open(&state, state.today()).await?;
        let found = open.find(
            &IndexQuery {
                clinic: Some(clinic.id),
                sort: Sort::Newest,
                ..Default::default()
            },
            0,
            MAX_LISTED,
        )?;
        let (why, alt) = match lang {
            Lang::Nb => (&profile.why_nb, &profile.image_alt_nb),
            Lang::En => (&profile.why_en, &profile.image_alt_en),
        };
        let why = if why.trim().is_empty() {
            vec![i18n::tf(
                lang,
                "clinics.default_why",
                &[
                    ("clinic", clinic.name(lang)),
                    ("org", &state.cfg.brand.org_name),
                ],
            )]
        } else {
            paragraphs(why)
        };
        render(ClinicPage {
            p: PageCtx::new(
                &state,
                lang,
                clinic.name(lang).to_owned(),
                format!("/jobs/clinics/{}", clinic.code),
            ),
            code: clinic.code.clone(),
            name: clinic.name(lang).to_owned(),
            why,
            image_alt: profile.image_type.as_ref().map(|_| alt.clone()),
            image_version: profile.updated_at,
            count_text: i18n::count(
                lang,
                found.total as i64,
                "jobs.count_one",
                "jobs.count_many",
            ),
            more: found.total > found.page.len(),
            cards: cards(found.page, &names, lang),
            card_h: "h3",
        })
    })
    .await
}

/// `GET /jobs/clinics/{code}/image`: the clinic's picture, as sniffed when HR uploaded it.
pub async fn image(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let clinic = clinic_by_code(&state, &code).await?;
    let (bytes, kind) = state
        .store
        .clinic_image(clinic.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&kind).map_err(|_| AppError::NotFound)?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "career/students.html")]
struct StudentsPage {
    p: PageCtx,
    /// (target group code, heading, count, cards)
    sections: Vec<(&'static str, &'static str, String, Vec<Card>)>,
    card_h: &'static str,
}

/// `GET /jobs/students`: open ads for students and new graduates.
pub async fn students(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, AppError> {
    cached(
        &state,
        lang,
        Cacheable::Yes("/jobs/students".into()),
        || async {
            let units = state.units().await;
            let names = UnitNames::new(&units);
            let open = state.search.open(&state, state.today()).await?;
            let group = |g: TargetGroup| {
                open.find(
                    &IndexQuery {
                        target: Some(g),
                        sort: Sort::Deadline,
                        ..Default::default()
                    },
                    0,
                    MAX_LISTED,
                )
            };
            let (s, g) = (
                group(TargetGroup::Students)?,
                group(TargetGroup::NewGraduates)?,
            );
            let count = |n: usize| i18n::count(lang, n as i64, "jobs.count_one", "jobs.count_many");
            render(StudentsPage {
                p: PageCtx::new(&state, lang, t(lang, "students.title"), "/jobs/students"),
                sections: vec![
                    (
                        "students",
                        t(lang, "students.for_students"),
                        count(s.total),
                        cards(s.page, &names, lang),
                    ),
                    (
                        "new_graduates",
                        t(lang, "students.for_graduates"),
                        count(g.total),
                        cards(g.page, &names, lang),
                    ),
                ],
                card_h: "h3",
            })
        },
    )
    .await
}
