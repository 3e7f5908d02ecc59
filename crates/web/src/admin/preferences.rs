//! The register of preferential rights (aml §14-2, §14-3): HR adds holders by hand or imports a
//! CSV file. An import is all or nothing, and every problem is reported with its line and column.

use crate::error::AppError;
use crate::extract::{Csrf, ReqLang, Staff};
use crate::i18n::{self, t};
use crate::view::format::UnitNames;
use crate::view::options::{profession_options, Options};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use talentflyt_domain::preference::{parse_register, ImportProblem, RightKind};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::NewRight;

/// The largest register file read (a few thousand lines).
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

pub(crate) struct Row {
    employee: String,
    name: String,
    kind: &'static str,
    profession: String,
    unit: String,
    period: String,
}

pub(crate) struct ProblemRow {
    line: usize,
    column: &'static str,
    message: &'static str,
}

#[derive(Template)]
#[template(path = "admin/preferences.html")]
struct RegisterPage {
    p: PageCtx,
    rows: Vec<Row>,
    errs: Errors,
    form: RightForm,
    professions: Options,
    problems: Vec<ProblemRow>,
    imported: Option<String>,
}

/// One right typed by hand.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RightForm {
    employee_number: String,
    right: String,
    profession: String,
    unit: String,
    from: String,
    to: String,
}

fn hr_only(staff: &Staff) -> Result<(), AppError> {
    if staff.access.may_manage_any_postings() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    form: RightForm,
    errs: Errors,
    problems: Vec<ImportProblem>,
    imported: Option<String>,
) -> Result<RegisterPage, AppError> {
    let units = state.units().await;
    let names = UnitNames::new(&units);
    let rows = state
        .store
        .preference_register(state.today())
        .await?
        .into_iter()
        .map(|r| Row {
            employee: r.employee_number,
            name: format!("{} {}", r.given_name, r.family_name),
            kind: RightKind::parse(&r.kind)
                .map(|k| t(lang, k.label_key()))
                .unwrap_or(""),
            profession: profession::name(&r.profession, lang),
            unit: names.unit(r.unit_id, lang),
            period: format!(
                "{} – {}",
                i18n::date_str(lang, &r.valid_from),
                i18n::date_str(lang, &r.valid_to)
            ),
        })
        .collect();
    Ok(RegisterPage {
        p: staff.page(
            state,
            lang,
            t(lang, "preference.register_title"),
            "/admin/preferences",
        ),
        rows,
        professions: profession_options(lang, &form.profession),
        errs,
        form,
        problems: problems
            .into_iter()
            .map(|p| ProblemRow {
                line: p.line,
                column: p.column,
                message: t(lang, p.key),
            })
            .collect(),
        imported,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    render(
        &page(
            &state,
            &staff,
            lang,
            RightForm::default(),
            Errors::default(),
            vec![],
            None,
        )
        .await?,
    )
}

/// Check a register file: its lines (domain rules), then each line's employee and unit (the
/// store). Returns the rights to add and every problem, by line and column.
async fn check_file(
    state: &AppState,
    text: &str,
) -> Result<(Vec<NewRight>, Vec<ImportProblem>), AppError> {
    let (rows, mut problems) = parse_register(text);
    let mut rights = vec![];
    for row in rows {
        let employee = state
            .store
            .employee_id_by_number(&row.employee_number)
            .await?;
        let unit_id = match state.store.unit_by_code(&row.unit_code).await {
            Ok(u) => Some(u.id),
            Err(talentflyt_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if employee.is_none() {
            problems.push(ImportProblem {
                line: row.line,
                column: "employee_number",
                key: "import.unknown_employee",
            });
        }
        if unit_id.is_none() {
            problems.push(ImportProblem {
                line: row.line,
                column: "unit",
                key: "import.unknown_unit",
            });
        }
        if let (Some(employee_id), Some(unit_id)) = (employee, unit_id) {
            rights.push(NewRight {
                employee_id,
                kind: row.kind,
                profession: row.profession,
                unit_id,
                from: row.from,
                to: row.to,
            });
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok((rights, problems))
}

pub async fn add(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Csrf(Form(form)): Csrf<Form<RightForm>>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    // A hand-typed right goes through the same checks as a line of a file.
    let line = format!(
        "employee_number;right;profession;unit;from;to\n{};{};{};{};{};{}",
        form.employee_number.replace(';', ""),
        form.right.replace(';', ""),
        form.profession.replace(';', ""),
        form.unit.replace(';', ""),
        form.from.replace(';', ""),
        form.to.replace(';', "")
    );
    let (rights, problems) = check_file(&state, &line).await?;
    if !problems.is_empty() {
        let mut errs = Errors::default();
        // The form's fields are named after the file's columns.
        for p in &problems {
            errs.add(lang, p.column, t(lang, p.key).to_owned());
        }
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &staff, lang, form, errs, vec![], None).await?,
        );
    }
    state.store.add_preference_rights(&rights).await?;
    tracing::info!(user_id = staff.user.id, "preferential right added");
    Ok(Redirect::to("/admin/preferences").into_response())
}

pub async fn import(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    staff: Staff,
    Csrf(mut mp): Csrf<Multipart>,
) -> Result<Response, AppError> {
    hr_only(&staff)?;
    let mut text = None;
    while let Some(mut field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            buf.extend_from_slice(&chunk);
            if buf.len() > MAX_IMPORT_BYTES {
                return Err(AppError::BadRequest);
            }
        }
        text = Some(String::from_utf8(buf).map_err(|_| AppError::BadRequest)?);
    }
    let (rights, mut problems) = check_file(&state, &text.unwrap_or_default()).await?;
    if !problems.is_empty() || rights.is_empty() {
        if problems.is_empty() {
            problems.push(ImportProblem {
                line: 1,
                column: "employee_number",
                key: "import.empty",
            });
        }
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                &state,
                &staff,
                lang,
                RightForm::default(),
                Errors::default(),
                problems,
                None,
            )
            .await?,
        );
    }
    let n = state.store.add_preference_rights(&rights).await?;
    tracing::info!(
        user_id = staff.user.id,
        rights = n,
        "preferential rights imported"
    );
    render(
        &page(
            &state,
            &staff,
            lang,
            RightForm::default(),
            Errors::default(),
            vec![],
            Some(i18n::count(
                lang,
                n as i64,
                "import.done_one",
                "import.done_many",
            )),
        )
        .await?,
    )
}
