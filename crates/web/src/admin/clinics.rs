//! HR writes each clinic's page on the career site: "why work here" in bokmål and English, and
//! a picture with its alternative text (A2).

use super::hr_only;
use crate::career::clinics::clinic_by_code;
use crate::error::AppError;
use crate::extract::{upload, Csrf, ReqLang, Staff};
use crate::i18n::t;
use crate::view::options::nb_sort_key;
use crate::view::{render, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::upload::sniff_image;
use talentflyt_domain::Lang;
use talentflyt_store::{ClinicProfile, ClinicProfileEdit, OrgUnit};

/// The largest picture taken.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// The longest "why work here" text, in characters.
const MAX_WHY: usize = 5_000;
const MAX_ALT: usize = 300;

#[derive(Template)]
#[template(path = "admin/clinics.html")]
struct ListPage {
    p: PageCtx,
    clinics: Vec<(String, String)>,
}

/// `GET /admin/clinics`.
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let mut clinics: Vec<(String, String)> = state
        .units()
        .await
        .iter()
        .filter(|u| u.kind == UnitKind::Clinic)
        .map(|u| (u.code.clone(), u.name(lang).to_owned()))
        .collect();
    clinics.sort_by_cached_key(|c| nb_sort_key(&c.1));
    render(&ListPage {
        p: staff.page(&state, lang, t(lang, "clinics.edit_list"), "/admin/clinics"),
        clinics,
    })
}

#[derive(Template)]
#[template(path = "admin/clinic_form.html")]
struct FormPage {
    p: PageCtx,
    errs: Errors,
    code: String,
    name: String,
    f: ClinicProfile,
    saved: bool,
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    c: &OrgUnit,
    f: ClinicProfile,
    errs: Errors,
    saved: bool,
) -> Result<Response, AppError> {
    render(&FormPage {
        p: staff.page(
            state,
            lang,
            format!("{} – {}", t(lang, "clinics.edit_title"), c.name(lang)),
            format!("/admin/clinics/{}", c.code),
        ),
        errs,
        code: c.code.clone(),
        name: c.name(lang).to_owned(),
        f,
        saved,
    })
}

/// `GET /admin/clinics/{code}`.
pub async fn edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Path(code): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let c = clinic_by_code(&state, &code).await?;
    let f = state.store.clinic_profile(c.id).await?.unwrap_or_default();
    form_page(
        &state,
        &staff,
        lang,
        &c,
        f,
        Errors::default(),
        q.saved.is_some(),
    )
}

/// `POST /admin/clinics/{code}`: text, picture and alternative text; everything typed comes
/// back with the errors (the picture must be chosen again, and the message says so).
pub async fn save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Path(code): Path<String>,
    Csrf(mp): Csrf<Multipart>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let c = clinic_by_code(&state, &code).await?;
    let form = upload::read(
        mp,
        upload::Limits {
            file_fields: &["image"],
            max_file: MAX_IMAGE_BYTES,
            max_total: MAX_IMAGE_BYTES,
            max_files: 1,
            max_text: MAX_WHY * 4,
            max_fields: 10,
        },
    )
    .await?;
    let old = state.store.clinic_profile(c.id).await?.unwrap_or_default();
    let text = |k: &str| form.get(k).trim().replace("\r\n", "\n");
    let mut edit = ClinicProfileEdit {
        why_nb: text("why_nb"),
        why_en: text("why_en"),
        image_alt_nb: text("image_alt_nb"),
        image_alt_en: text("image_alt_en"),
        image: None,
        remove_image: form.get("remove_image") == "yes",
    };
    let mut errs = Errors::default();
    for (field, v, max) in [
        ("why_nb", &edit.why_nb, MAX_WHY),
        ("why_en", &edit.why_en, MAX_WHY),
        ("image_alt_nb", &edit.image_alt_nb, MAX_ALT),
        ("image_alt_en", &edit.image_alt_en, MAX_ALT),
    ] {
        if v.chars().count() > max {
            errs.add(lang, field, t(lang, "error.too_long").to_owned());
        }
    }
    let image = form.file("image");
    if form.total_too_large || image.is_some_and(|f| f.too_large) {
        errs.add(lang, "image", t(lang, "error.image_too_large").to_owned());
    } else if let Some(bytes) = image.map(|f| &f.bytes) {
        match sniff_image(bytes, MAX_IMAGE_BYTES) {
            Ok(kind) => {
                if let Some(addr) = &state.cfg.clamd {
                    match crate::scan::scan(addr, bytes).await {
                        Ok(crate::scan::Verdict::Clean) => {}
                        Ok(crate::scan::Verdict::Infected) => {
                            errs.add(lang, "image", t(lang, "error.cv_infected").to_owned())
                        }
                        Err(e) => return Err(AppError::Internal(format!("virus scanner: {e}"))),
                    }
                }
                edit.image = Some((bytes.to_vec(), kind));
            }
            Err(e) => errs.add(lang, "image", t(lang, e.key()).to_owned()),
        }
    }
    let has_image = edit.image.is_some() || (old.image_type.is_some() && !edit.remove_image);
    if has_image {
        for (field, v) in [
            ("image_alt_nb", &edit.image_alt_nb),
            ("image_alt_en", &edit.image_alt_en),
        ] {
            if v.is_empty() {
                errs.add(lang, field, t(lang, "error.image_alt").to_owned());
            }
        }
    }
    if !errs.is_empty() {
        if image.is_some() {
            errs.add(lang, "image", t(lang, "error.image_reselect").to_owned());
        }
        let typed = ClinicProfile {
            unit_id: c.id,
            why_nb: edit.why_nb,
            why_en: edit.why_en,
            image_type: old.image_type,
            image_alt_nb: edit.image_alt_nb,
            image_alt_en: edit.image_alt_en,
            updated_at: old.updated_at,
        };
        return form_page(&state, &staff, lang, &c, typed, errs, false);
    }
    state
        .store
        .save_clinic_profile(c.id, &edit, staff.user.id)
        .await?;
    state.cache.invalidate();
    Ok(Redirect::to(&format!("/admin/clinics/{}?saved=1", c.code)).into_response())
}
