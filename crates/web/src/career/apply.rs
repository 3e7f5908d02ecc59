//! The application form (R4): no account; details, education and work as repeatable rows,
//! referees, cover letter, CV and attachments, the posting's screening questions, the exemption
//! request for the public applicant list, the voluntary equality self-declaration and the
//! separate talent-pool consent.
//!
//! Nothing typed or chosen is lost: a form with errors is kept as a draft under its submission
//! key with the files that passed, so the candidate sees every file still there; "save and
//! continue later" e-mails a link to the draft; adding a row is a round trip that keeps all. The
//! form is read with a limit on each field, on each file, on the files together and on the
//! number of fields; files are recognised by their content and scanned when a scanner is set.

use super::{is_employee, posting_for, takes_applications};
use crate::error::{set_retry_after, AppError};
use crate::extract::{upload, ClientIp, Csrf, FormToken, ReqLang};
use crate::i18n::{self, t};
use crate::view::format::mb;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use talentflyt_domain::application::{
    label_key, ApplicationInput, Education, FormInvalid, NorwegianLevel, Question, QuestionKind,
    Referee, Work, GENDERS, MAX_ATTACHMENTS,
};
use talentflyt_domain::posting::{normalise_source, PublicView};
use talentflyt_domain::upload::{sniff_cv, stored_filename, UploadError};
use talentflyt_domain::Lang;
use talentflyt_store::{
    Draft, DraftFile, NewApplication, NewDraftFile, NewFile, Posting, Submitted,
};

/// The most fields a form may have: rows of education, work and referees, and questions.
const MAX_FIELDS: usize = 400;
/// The most bytes of one text field: a cover letter of 8,000 characters in any script.
const MAX_TEXT_FIELD_BYTES: usize = 40_000;

/// The session key of a candidate signed in to the portal.
pub const CANDIDATE_KEY: &str = "candidate_id";

/// A screening question as the form shows it.
struct QuestionView {
    id: i64,
    kind: &'static str,
    text: String,
    required: bool,
    /// (value, label, chosen) for yes/no and choice questions.
    options: Vec<(String, String, bool)>,
    /// What was typed, for number and text questions.
    value: String,
}

/// One choice of a radio group or select: value, label, chosen.
type Choice = (&'static str, &'static str, bool);

#[derive(Template)]
#[template(path = "career/apply.html")]
struct ApplyPage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    deadline: String,
    source: String,
    /// The form's random key (see [`submission_key`]).
    submission: String,
    f: ApplicationInput,
    education: Vec<Education>,
    work: Vec<Work>,
    referees: Vec<Referee>,
    /// The row to focus after "add a row": (part, row number).
    focus_row: Option<(&'static str, usize)>,
    levels: Vec<Choice>,
    genders: Vec<Choice>,
    /// Gender for the public list's count.
    list_genders: Vec<Choice>,
    disability: Vec<Choice>,
    cv_gap: Vec<Choice>,
    questions: Vec<QuestionView>,
    kept_cv: Option<DraftFile>,
    kept_attachments: Vec<DraftFile>,
    cv_hint: String,
    attachments_hint: String,
    /// A status line after saving a draft.
    notice: String,
    /// Offer to fill in from the signed-in candidate's last application.
    offer_reuse: bool,
}

impl ApplyPage {
    /// Whether this row's first field takes the focus (the row just added).
    fn focused(&self, name: &str, row: &usize) -> bool {
        self.focus_row == Some((name, *row))
    }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    source: Option<String>,
    /// Continue a saved draft.
    draft: Option<String>,
    /// A row was added to this part ("education", "work", "referee").
    add: Option<String>,
    /// The first application to the posting was just withdrawn (the "again" choice).
    withdrawn: Option<String>,
    /// Fill in from the signed-in candidate's last application.
    reuse: Option<String>,
}

/// The cookie the ad page leaves when a visitor came from a board or campaign (`?src=`).
pub const SOURCE_COOKIE: &str = "tf_src";

/// The source the ad page remembered for this browser, if any.
fn remembered_source(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::extract::cookies(headers, SOURCE_COOKIE)
        .next()
        .map(|v| normalise_source(Some(v)))
}

/// The candidate signed in to the portal in this browser, if any.
pub(crate) async fn signed_in_candidate(session: &tower_sessions::Session) -> Option<i64> {
    session.get::<i64>(CANDIDATE_KEY).await.ok().flatten()
}

fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

#[allow(clippy::too_many_arguments)] // an axum handler: one argument per extractor
pub async fn form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    FormToken(token): FormToken,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(q): Query<FormQuery>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let employee = is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    if !takes_applications(&state, &posting, employee) {
        return Err(AppError::Closed);
    }
    // The link's own source first, then the one the ad page remembered.
    let source = match q.source.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => normalise_source(Some(s)),
        None => remembered_source(&headers).unwrap_or_else(|| normalise_source(None)),
    };
    let candidate = signed_in_candidate(&session).await;
    let draft = match q.draft.as_deref().and_then(submission_key) {
        Some(key) => state.store.draft(key, id).await?,
        None => None,
    };
    let mut typed = Typed {
        source,
        submission: new_key(),
        ..Default::default()
    };
    if let Some(d) = &draft {
        typed.submission = q.draft.clone().unwrap_or_default();
        typed.form = d.form.clone();
    } else if let (Some(cid), Some(_)) = (candidate, q.reuse.as_deref()) {
        if let Some(f) = state.store.latest_form(cid, &ip).await? {
            typed.form = f.reusable();
        }
    }
    typed.add = q.add.as_deref().and_then(|a| match a {
        "education" => Some("education"),
        "work" => Some("work"),
        "referee" => Some("referee"),
        _ => None,
    });
    typed.offer_reuse = candidate.is_some() && draft.is_none() && q.reuse.is_none();
    if q.withdrawn.is_some() && draft.is_some() {
        typed.notice = t(lang, "apply.first_withdrawn").to_owned();
    }
    let questions = state.store.questions(id).await?;
    render(&apply_page(
        &state,
        lang,
        &token,
        posting,
        &questions,
        typed,
        draft.as_ref(),
        Errors::default(),
    ))
}

/// What the candidate typed, to show again.
#[derive(Default)]
struct Typed {
    source: String,
    /// The form's random key (see [`submission_key`]).
    submission: String,
    form: ApplicationInput,
    add: Option<&'static str>,
    notice: String,
    offer_reuse: bool,
}

/// Rows to show: what was typed, at least one, and one more for the part just added to.
fn padded<T: Default + Clone>(rows: &[T], add: bool, max: usize) -> (Vec<T>, Option<usize>) {
    let mut v = rows.to_vec();
    let mut focus = None;
    if v.is_empty() || (add && v.len() < max) {
        v.push(T::default());
        if add {
            focus = Some(v.len());
        }
    }
    (v, focus)
}

fn choices(
    lang: Lang,
    values: &[&'static str],
    key: impl Fn(&str) -> &'static str,
    chosen: &str,
) -> Vec<Choice> {
    values
        .iter()
        .map(|v| (*v, t(lang, key(v)), *v == chosen))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn apply_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    posting: Posting,
    questions: &[Question],
    typed: Typed,
    draft: Option<&Draft>,
    errs: Errors,
) -> ApplyPage {
    let mut p = PageCtx::new(
        state,
        lang,
        format!("{} – {}", t(lang, "apply.title"), posting.title),
        format!("/jobs/{}/apply", posting.id),
    );
    p.csrf = token.to_owned();
    let f = typed.form;
    use talentflyt_domain::application::{MAX_EDUCATION, MAX_REFEREES, MAX_WORK};
    let (education, fe) = padded(&f.education, typed.add == Some("education"), MAX_EDUCATION);
    let (work, fw) = padded(&f.work, typed.add == Some("work"), MAX_WORK);
    let (referees, fr) = padded(&f.referees, typed.add == Some("referee"), MAX_REFEREES);
    let focus_row = fe
        .map(|r| ("education_institution", r))
        .or(fw.map(|r| ("work_employer", r)))
        .or(fr.map(|r| ("referee_name", r)));
    let levels: Vec<&'static str> = NorwegianLevel::ALL.iter().map(|l| l.as_str()).collect();
    let yes_no = ["yes", "no"];
    let questions = questions
        .iter()
        .map(|q| {
            let given = f.answer(q.id);
            let options = match q.kind {
                QuestionKind::YesNo => vec![
                    (
                        "yes".into(),
                        t(lang, "common.yes").into(),
                        given.iter().any(|g| g == "yes"),
                    ),
                    (
                        "no".into(),
                        t(lang, "common.no").into(),
                        given.iter().any(|g| g == "no"),
                    ),
                ],
                QuestionKind::Single | QuestionKind::Multiple => q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let label = match lang {
                            Lang::En if !o.en.is_empty() => o.en.clone(),
                            _ => o.nb.clone(),
                        };
                        (i.to_string(), label, given.contains(&i.to_string()))
                    })
                    .collect(),
                _ => vec![],
            };
            QuestionView {
                id: q.id,
                kind: q.kind.as_str(),
                text: q.text(lang).to_owned(),
                required: q.required,
                options,
                value: given.first().cloned().unwrap_or_default(),
            }
        })
        .collect();
    let (kept_cv, kept_attachments) = match draft {
        Some(d) => (
            d.files.iter().find(|f| f.slot == "cv").cloned(),
            d.files
                .iter()
                .filter(|f| f.slot == "attachment")
                .cloned()
                .collect(),
        ),
        None => (None, vec![]),
    };
    ApplyPage {
        p,
        errs,
        posting_id: posting.id,
        posting_title: posting.title,
        deadline: i18n::date_str(lang, &posting.deadline),
        source: typed.source,
        submission: typed.submission,
        education,
        work,
        referees,
        focus_row,
        levels: choices(
            lang,
            &levels,
            |v| {
                NorwegianLevel::parse(v)
                    .map(|l| l.label_key())
                    .unwrap_or("")
            },
            &f.norwegian_level,
        ),
        genders: choices(lang, &GENDERS, gender_key, &f.equality.gender),
        list_genders: choices(lang, &GENDERS, gender_key, &f.list_gender),
        disability: choices(lang, &yes_no, yes_no_key, &f.equality.disability),
        cv_gap: choices(lang, &yes_no, yes_no_key, &f.equality.cv_gap),
        f,
        questions,
        kept_cv,
        kept_attachments,
        cv_hint: i18n::tf(
            lang,
            "apply.cv_hint",
            &[("mb", &mb(state.cfg.max_upload_bytes))],
        ),
        attachments_hint: i18n::tf(
            lang,
            "apply.attachments_hint",
            &[
                ("n", &MAX_ATTACHMENTS.to_string()),
                ("mb", &mb(state.cfg.max_upload_bytes)),
                ("total", &mb(state.cfg.max_application_bytes)),
            ],
        ),
        notice: typed.notice,
        offer_reuse: typed.offer_reuse,
    }
}

fn gender_key(v: &str) -> &'static str {
    match v {
        "woman" => "equality.woman",
        "man" => "equality.man",
        _ => "equality.other",
    }
}

fn yes_no_key(v: &str) -> &'static str {
    if v == "yes" {
        "common.yes"
    } else {
        "common.no"
    }
}

/// The form's key as sent, if it is one we could have made (32 hex characters). A form without
/// one (an old page, a hand-made request) is submitted as before, without the guard.
pub(crate) fn submission_key(sent: &str) -> Option<&str> {
    (sent.len() == 32 && sent.bytes().all(|b| b.is_ascii_hexdigit())).then_some(sent)
}

/// The files of the form that passed every check, ready to keep or send.
struct CheckedFile {
    slot: &'static str,
    filename: String,
    content_type: &'static str,
    bytes: bytes::Bytes,
}

/// Check each new file: type by content, size, virus scan. Errors go to `errs`; a scanner
/// that cannot answer is an error of ours, never a pass.
async fn check_files(
    state: &AppState,
    lang: Lang,
    form: &upload::UploadForm,
    errs: &mut Errors,
) -> Result<Vec<CheckedFile>, AppError> {
    let max = state.cfg.max_upload_bytes;
    let mut out = vec![];
    for (slot, field) in [("cv", "cv"), ("attachment", "attachments")] {
        for file in form.files_of(field) {
            let sniffed = if file.too_large {
                Err(UploadError::TooLarge { max_bytes: max })
            } else {
                sniff_cv(&file.bytes, max)
            };
            let problem = match sniffed {
                Err(e) => Some(i18n::tf(lang, e.key(), &[("mb", &mb(max))])),
                Ok(doc) => match &state.cfg.clamd {
                    Some(addr) => match crate::scan::scan(addr, &file.bytes).await {
                        Ok(crate::scan::Verdict::Clean) => {
                            out.push(CheckedFile {
                                slot,
                                filename: stored_filename(&file.name, doc),
                                content_type: doc.mime(),
                                bytes: file.bytes.clone(),
                            });
                            None
                        }
                        Ok(crate::scan::Verdict::Infected) => {
                            tracing::warn!("upload refused by the virus scanner");
                            Some(t(lang, "error.cv_infected").to_owned())
                        }
                        Err(e) => return Err(AppError::Internal(format!("virus scanner: {e}"))),
                    },
                    None => {
                        out.push(CheckedFile {
                            slot,
                            filename: stored_filename(&file.name, doc),
                            content_type: doc.mime(),
                            bytes: file.bytes.clone(),
                        });
                        None
                    }
                },
            };
            if let Some(msg) = problem {
                let name: String = file.name.chars().take(80).collect();
                let msg = if name.is_empty() {
                    msg
                } else {
                    format!("{name}: {msg}")
                };
                errs.add(lang, field, msg);
            }
        }
    }
    if form.total_too_large {
        errs.add(
            lang,
            "attachments",
            i18n::tf(
                lang,
                "error.files_total",
                &[("mb", &mb(state.cfg.max_application_bytes))],
            ),
        );
    }
    if form.too_many_files {
        errs.add(
            lang,
            "attachments",
            i18n::tf(
                lang,
                "error.too_many_files",
                &[("n", &MAX_ATTACHMENTS.to_string())],
            ),
        );
    }
    Ok(out)
}

fn add_form_errors(lang: Lang, errs: &mut Errors, found: &[FormInvalid], questions: &[Question]) {
    for e in found {
        let label = if e.label.is_empty() {
            questions
                .iter()
                .find(|q| format!("q-{}", q.id) == e.field)
                .map(|q| q.text(lang).to_owned())
                .unwrap_or_default()
        } else {
            match e.row {
                Some(r) => format!("{} ({r})", t(lang, e.label)),
                None => t(lang, e.label).to_owned(),
            }
        };
        errs.add_labelled(e.field.clone(), label, t(lang, e.key).to_owned());
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    FormToken(token): FormToken,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
    Csrf(mp): Csrf<Multipart>,
) -> Result<Response, AppError> {
    // Checked before the upload is read: an address over its limit costs us almost nothing.
    state.limits.check(&state.limits.applications_per_ip, &ip)?;
    let employee = is_employee(&state, &session).await;
    let posting = posting_for(&state, id, employee).await?;
    let form = upload::read(
        mp,
        upload::Limits {
            file_fields: &["cv", "attachments"],
            max_file: state.cfg.max_upload_bytes,
            max_total: state.cfg.max_application_bytes,
            max_files: MAX_ATTACHMENTS + 1,
            max_text: MAX_TEXT_FIELD_BYTES,
            max_fields: MAX_FIELDS,
        },
    )
    .await?;
    if !takes_applications(&state, &posting, employee) {
        return Err(AppError::Closed);
    }
    let questions = state.store.questions(id).await?;
    let input = ApplicationInput::read(&form, &questions);
    let key = submission_key(form.get("submission"))
        .map(str::to_owned)
        .unwrap_or_else(new_key);
    let source = normalise_source(Some(form.get("source")));
    let remove: Vec<i64> = upload_all(&form, "remove_file")
        .filter_map(|v| v.parse().ok())
        .collect();
    let mut errs = Errors::default();
    let files = check_files(&state, lang, &form, &mut errs).await?;
    // A form without the field (Enter in a browser that sends no default button, an older
    // page) submits.
    let action = match form.get("action") {
        "" => "submit",
        a => a,
    };
    let typed = |form: ApplicationInput, notice: String| Typed {
        source: source.clone(),
        submission: key.clone(),
        form,
        notice,
        ..Default::default()
    };
    // Adding a row, or saving to continue later: keep everything, come back to the form.
    // Adding a row, or saving to continue later: keep everything and show the form again,
    // answered directly (no redirect: the draft's key stays out of addresses and history, and
    // the new row's `autofocus` runs). A refused file is said, not dropped in silence.
    if action != "submit" {
        let saved = state
            .store
            .save_draft(&key, id, lang.code(), &input, &keep(&files), &remove)
            .await?;
        let mut notice = String::new();
        let add = match action {
            "add_education" => Some("education"),
            "add_work" => Some("work"),
            "add_referee" => Some("referee"),
            _ => {
                notice = match talentflyt_domain::person::Email::parse(&input.email) {
                    Ok(email) if errs.is_empty() => {
                        state.limits.check(
                            &state.limits.applications_per_email,
                            &email.as_str().to_lowercase(),
                        )?;
                        let link = format!(
                            "{}/jobs/{id}/apply?draft={key}",
                            state.cfg.base_url.trim_end_matches('/')
                        );
                        let mail = crate::career::portal::draft_mail(
                            &state,
                            lang,
                            email.as_str(),
                            &posting.title,
                            &link,
                        )?;
                        state.store.enqueue_email(&mail).await?;
                        state.wake_jobs();
                        t(lang, "apply.draft_saved").to_owned()
                    }
                    _ => t(lang, "apply.draft_saved_no_mail").to_owned(),
                };
                None
            }
        };
        let status = if errs.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut shown = typed(input, notice);
        shown.add = add;
        return render_status(
            status,
            &apply_page(
                &state,
                lang,
                &token,
                posting,
                &questions,
                shown,
                Some(&saved),
                errs,
            ),
        );
    }
    let checked = input.check(&questions, state.today());
    if let Err(found) = &checked {
        add_form_errors(lang, &mut errs, found, &questions);
    }
    // What the draft kept, minus what the candidate removed, plus what came now.
    let draft = state.store.draft(&key, id).await?;
    let kept: Vec<&DraftFile> = draft
        .iter()
        .flat_map(|d| d.files.iter())
        .filter(|f| !remove.contains(&f.id))
        .collect();
    let new_cv = files.iter().any(|f| f.slot == "cv");
    let has_cv = new_cv || kept.iter().any(|f| f.slot == "cv");
    if !has_cv && !errs.has("cv") {
        errs.add(lang, "cv", t(lang, "error.cv_missing").to_owned());
    }
    let attachments = files.iter().filter(|f| f.slot == "attachment").count()
        + kept.iter().filter(|f| f.slot == "attachment").count();
    if attachments > MAX_ATTACHMENTS {
        errs.add(
            lang,
            "attachments",
            i18n::tf(
                lang,
                "error.too_many_files",
                &[("n", &MAX_ATTACHMENTS.to_string())],
            ),
        );
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum::<usize>()
        + kept
            .iter()
            .filter(|f| !(new_cv && f.slot == "cv"))
            .map(|f| f.size_bytes as usize)
            .sum::<usize>();
    if total > state.cfg.max_application_bytes {
        errs.add(
            lang,
            "attachments",
            i18n::tf(
                lang,
                "error.files_total",
                &[("mb", &mb(state.cfg.max_application_bytes))],
            ),
        );
    }
    // One person (e-mail address) may send only so many applications an hour.
    let mut limited = None;
    if let (Ok(c), true) = (&checked, errs.is_empty()) {
        if let Err(AppError::TooManyRequests(wait)) = state.limits.check(
            &state.limits.applications_per_email,
            &c.email.as_str().to_lowercase(),
        ) {
            limited = Some(wait);
            errs.add(
                lang,
                "email",
                i18n::count(
                    lang,
                    wait.as_secs().div_ceil(60).max(1) as i64,
                    "error.rate_limited_wait_one",
                    "error.rate_limited_wait_many",
                ),
            );
        }
    }
    let (Ok(c), true) = (&checked, errs.is_empty()) else {
        // Keep what passed, so the files need not be chosen again.
        let saved = state
            .store
            .save_draft(&key, id, lang.code(), &input, &keep(&files), &remove)
            .await?;
        let status = if limited.is_some() {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut r = render_status(
            status,
            &apply_page(
                &state,
                lang,
                &token,
                posting,
                &questions,
                typed(input, String::new()),
                Some(&saved),
                errs,
            ),
        )?;
        if let Some(wait) = limited {
            set_retry_after(&mut r, &wait);
        }
        return Ok(r);
    };
    // The files to send: new ones, and the kept ones not replaced or removed.
    let kept_bytes = match &draft {
        Some(d) => state.store.draft_file_contents(d.id).await?,
        None => vec![],
    };
    let kept_ids: Vec<i64> = kept.iter().map(|f| f.id).collect();
    let mut send: Vec<NewFile> = vec![];
    if let Some(f) = files.iter().find(|f| f.slot == "cv") {
        send.push(NewFile {
            kind: "cv",
            filename: &f.filename,
            content_type: f.content_type,
            bytes: &f.bytes,
        });
    }
    for k in kept_bytes.iter().filter(|k| kept_ids.contains(&k.id)) {
        if k.slot == "cv" && new_cv {
            continue;
        }
        send.push(NewFile {
            kind: if k.slot == "cv" { "cv" } else { "attachment" },
            filename: &k.filename,
            content_type: &k.content_type,
            bytes: &k.content,
        });
    }
    for f in files.iter().filter(|f| f.slot == "attachment") {
        send.push(NewFile {
            kind: "attachment",
            filename: &f.filename,
            content_type: f.content_type,
            bytes: &f.bytes,
        });
    }
    send.sort_by_key(|f| f.kind != "cv");
    // In its internal-only period an ad is reached only through the internal channel, whatever
    // the form says.
    let source = if posting.public_view(state.today()) == PublicView::Internal {
        "internal".to_owned()
    } else {
        source.clone()
    };
    let confirmation =
        crate::career::portal::receipt_mail(&state, lang, &posting, &input, c, &send)?;
    let talent_until = input.talent_pool.then(|| {
        (state.today() + chrono::Days::new(state.cfg.alert_consent_days.into())).to_string()
    });
    let done = state
        .store
        .submit_application_once(
            &NewApplication {
                posting_id: id,
                given_name: c.given_name.as_str(),
                family_name: c.family_name.as_str(),
                email: c.email.as_str(),
                source: &source,
                files: send,
                ip: &ip,
                submission_key: Some(&key),
                lang: lang.code(),
                form: Some(&input),
                answers: &c.answers,
                equality: c.equality.as_ref(),
                talent_pool_until: talent_until.as_deref(),
            },
            &confirmation,
        )
        .await?;
    match done {
        Submitted::New(app_id) => {
            state.wake_jobs();
            tracing::info!(application_id = app_id, posting_id = id, source = %source, "application received");
        }
        Submitted::Repeat(app_id) => {
            tracing::info!(
                application_id = app_id,
                posting_id = id,
                "the same form sent again: one application"
            );
        }
        Submitted::Duplicate(first) => {
            // Kept as a draft, and the address's owner is asked by e-mail what to do with the
            // first. The sender sees the same answer as for a new application: the page must
            // not tell anyone typing an address whether it has applied.
            state
                .store
                .save_draft(&key, id, lang.code(), &input, &keep(&files), &remove)
                .await?;
            let link = format!(
                "{}/jobs/{id}/apply/again?draft={key}",
                state.cfg.base_url.trim_end_matches('/')
            );
            let mail = crate::career::portal::again_mail(
                &state,
                lang,
                c.email.as_str(),
                &posting.title,
                &link,
            )?;
            state.store.enqueue_email(&mail).await?;
            state.wake_jobs();
            tracing::info!(
                application_id = first,
                posting_id = id,
                "a second application to the same posting: its owner is asked to choose"
            );
        }
    }
    Ok(Redirect::to(&format!("/jobs/{id}/applied")).into_response())
}

/// The checked files as a draft keeps them.
fn keep(files: &[CheckedFile]) -> Vec<NewDraftFile<'_>> {
    files
        .iter()
        .map(|f| NewDraftFile {
            slot: f.slot,
            filename: &f.filename,
            content_type: f.content_type,
            bytes: &f.bytes,
        })
        .collect()
}

/// Every value of a text field.
fn upload_all<'a>(form: &'a upload::UploadForm, name: &'a str) -> impl Iterator<Item = &'a str> {
    form.fields
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[derive(Template)]
#[template(path = "career/applied.html")]
struct AppliedPage {
    p: PageCtx,
}

pub async fn applied(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    posting_for(&state, id, is_employee(&state, &session).await).await?;
    render(&AppliedPage {
        p: PageCtx::new(
            &state,
            lang,
            t(lang, "applied.title"),
            format!("/jobs/{id}/applied"),
        ),
    })
}

/// The label of a form field in a language (for the receipt).
pub(crate) fn field_label(lang: Lang, field: &str) -> &'static str {
    t(lang, label_key(field))
}
