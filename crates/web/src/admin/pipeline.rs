//! The pipeline (R6): a posting's applicants as a list the manager works with (search, filters,
//! order, the screening answers side by side, days in stage), moves and rejections of one or
//! many with an editable message in each candidate's language, the posting's stages, and
//! finishing the case once everyone has a final answer.

use super::postings::posting_page;
use super::{visible_posting, Seen};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t, tf};
use crate::view::pager::{page_count, Pager};
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::cmp::Ordering;
use talentflyt_domain::blind::redact;
use talentflyt_domain::pipeline::{
    self, message_templates, Message, MessageTemplate, Purpose, Stage, StageDef, Target,
    MAX_ANSWER_DAYS, MIN_ANSWER_DAYS, STAGE_PHASES,
};
use talentflyt_domain::posting::Phase;
use talentflyt_domain::Lang;
use talentflyt_jobs::alerts::Notice;
use talentflyt_store::{
    Applicant, FinishRefused, MoveRequest, Reader, Recipient, StoreError, Written,
};

/// Applicants on one page of the list.
pub const PAGE_SIZE: usize = 50;
/// At most this many applications in one move.
const MAX_MOVE: usize = 1000;

/// The list's query: words, stage, flag, order and page, all optional.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    /// A stage's number, or `open`, `overdue`, `rejected`, `withdrawn`; empty for all.
    #[serde(default)]
    stage: String,
    /// `knockout` (flagged answers only) or `clear` (none flagged).
    #[serde(default)]
    flag: String,
    /// `submitted` (oldest first, the default), `newest`, `name`, `waiting`.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<i64>,
    /// After a move: how many were moved and how many left where they were.
    #[serde(default)]
    moved: Option<usize>,
    #[serde(default)]
    refused: Option<usize>,
}

impl ListQuery {
    fn href(&self, id: i64, page: i64) -> String {
        let mut parts: Vec<String> = [
            ("q", self.q.as_str()),
            ("stage", self.stage.as_str()),
            ("flag", self.flag.as_str()),
            ("sort", self.sort.as_str()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
        .collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            format!("/admin/postings/{id}/applicants")
        } else {
            format!("/admin/postings/{id}/applicants?{}", parts.join("&"))
        }
    }
}

struct ApplicantLine {
    id: i64,
    name: String,
    submitted: String,
    stage: String,
    waiting: String,
    overdue: bool,
    knocked_out: bool,
    answers: Vec<String>,
    source: String,
}

#[derive(Template)]
#[template(path = "admin/applicants.html")]
struct ApplicantsPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    q: String,
    stage_options: Vec<(String, String, bool)>,
    flag_options: Vec<(String, String, bool)>,
    sort_options: Vec<(String, String, bool)>,
    /// Says the posting screens blind, and until which stage.
    blind_note: String,
    errs: Errors,
    /// The stages with their counts, each a link to the list narrowed to it.
    counts: Vec<(String, usize, String)>,
    count_text: String,
    answer_days_note: String,
    questions: Vec<String>,
    rows: Vec<ApplicantLine>,
    pager: Pager,
    may_handle: bool,
    targets: Vec<(String, String, bool)>,
    templates: Vec<(String, String, bool)>,
    done: String,
}

/// The stage's name as the list and messages show it, or the exit's.
pub(crate) fn stage_name(lang: Lang, stages: &[Stage], phase: Phase, stage: Option<i64>) -> String {
    match pipeline::stage_of(stages, phase, stage) {
        Some(s) => s.name(lang).to_owned(),
        None => t(lang, phase.label_key()).to_owned(),
    }
}

/// The name an applicant goes by in the back office: their own, or "Søker 12" while the
/// posting screens blind and their identity has not been shown.
pub(crate) fn shown_name(lang: Lang, blind: Option<i64>, a: &Applicant) -> String {
    if a.is_hidden(blind) {
        talentflyt_domain::blind::pseudonym(lang, a.number as usize)
    } else {
        format!("{} {}", a.given_name, a.family_name)
    }
}

/// Does `text` hold every word, each as the start of one of its words (as the search matches)?
fn has_words(text: &str, words: &[String]) -> bool {
    let tokens: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .iter()
        .all(|w| tokens.iter().any(|t| t.starts_with(w.as_str())))
}

/// Does an applicant pass the list's filters? `found` is what the search words matched (name,
/// e-mail, the form and the documents' text), `None` without words.
fn keep<'a>(
    q: &'a ListQuery,
    found: Option<&'a [i64]>,
    now: i64,
    answer_days: i64,
) -> impl Fn(&Applicant) -> bool + 'a {
    move |a: &Applicant| {
        let stage_ok = match q.stage.as_str() {
            "" => true,
            "open" => !a.phase.is_final(),
            "overdue" => pipeline::overdue(a.phase, a.stage_since, now, answer_days),
            "rejected" => a.phase == Phase::Rejected,
            "withdrawn" => a.phase == Phase::Withdrawn,
            n => n.parse::<i64>().is_ok_and(|n| a.stage == Some(n)),
        };
        let flag_ok = match q.flag.as_str() {
            "knockout" => a.knocked_out != 0,
            "clear" => a.knocked_out == 0,
            _ => true,
        };
        stage_ok && flag_ok && found.is_none_or(|f| f.contains(&a.id))
    }
}

fn order(sort: &str) -> impl Fn(&Applicant, &Applicant) -> Ordering + '_ {
    move |a: &Applicant, b: &Applicant| match sort {
        "newest" => b.submitted_at.cmp(&a.submitted_at).then(b.id.cmp(&a.id)),
        "name" => a.name_key.cmp(&b.name_key).then(a.id.cmp(&b.id)),
        "waiting" => a.stage_since.cmp(&b.stage_since).then(a.id.cmp(&b.id)),
        _ => a.submitted_at.cmp(&b.submitted_at).then(a.id.cmp(&b.id)),
    }
}

fn options(items: Vec<(String, String)>, chosen: &str) -> Vec<(String, String, bool)> {
    items
        .into_iter()
        .map(|(v, l)| {
            let sel = v == chosen;
            (v, l, sel)
        })
        .collect()
}

/// The targets a move may go to: every stage but the hire (made by acceptance), and a rejection.
pub(crate) fn targets(lang: Lang, stages: &[Stage], chosen: &str) -> Vec<(String, String, bool)> {
    let mut v: Vec<(String, String)> = stages
        .iter()
        .filter(|s| s.phase != Phase::Hired)
        .map(|s| (s.position.to_string(), s.name(lang).to_owned()))
        .collect();
    v.push(("reject".into(), t(lang, "pipeline.reject").to_owned()));
    options(v, chosen)
}

pub(crate) fn template_options(lang: Lang, chosen: &str) -> Vec<(String, String, bool)> {
    let mut v = vec![(String::new(), t(lang, "pipeline.no_template").to_owned())];
    v.extend(message_templates().iter().map(|m| {
        let purpose = match m.purpose {
            Purpose::Reject => t(lang, "pipeline.template_reject"),
            Purpose::Move => t(lang, "pipeline.template_move"),
        };
        (m.key.clone(), format!("{} ({purpose})", m.name(lang)))
    }));
    options(v, chosen)
}

/// `GET /admin/postings/{id}/applicants`.
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_read {
        return Err(AppError::Forbidden);
    }
    let may_handle = staff.access.may_handle_candidates_in(&seen.unit.path);
    // Stages, answer time, questions, blind screening and applicants: one snapshot.
    let view = state.store.applicant_view(id).await?;
    let (stages, answer_days, questions, blind) = (
        &view.stages,
        view.answer_days,
        &view.questions,
        view.blind_until,
    );
    let now = state.cfg.clock.now().timestamp();
    let words = talentflyt_store::search_words(&q.q);
    let found = if words.is_empty() {
        None
    } else {
        let mut found = state.store.matching_in_posting(id, &q.q).await?;
        if blind.is_some() {
            // A hidden applicant is found only by words in what the reader may see of them:
            // the text redacted, so no word that names them (or part of one) tells who they are.
            let hidden = state.store.hidden_search_texts(id, &found).await?;
            found.retain(|a| match hidden.get(a) {
                // Not hidden.
                None => true,
                Some((who, body)) => body
                    .as_deref()
                    .is_some_and(|b| has_words(&redact(b, who, " "), &words)),
            });
        }
        Some(found)
    };
    // Ordered by name, the order itself would tell who the hidden applicants are.
    let sort = if blind.is_some() && q.sort == "name" {
        ""
    } else {
        q.sort.as_str()
    };
    let page = q.page.unwrap_or(1).max(1);
    let offset = ((page - 1) as usize).saturating_mul(PAGE_SIZE);
    let listed = state
        .store
        .list_applicants(
            &Reader::user(staff.user.id, &ip),
            &view,
            keep(&q, found.as_deref(), now, answer_days),
            order(sort),
            offset,
            PAGE_SIZE,
        )
        .await?;
    // What hidden applicants wrote in answer is shown redacted, like on their page.
    let hidden_ids: Vec<i64> = listed
        .page
        .iter()
        .filter(|a| a.is_hidden(blind))
        .map(|a| a.id)
        .collect();
    let who = state.store.hidden_identities(id, &hidden_ids).await?;
    let mark = t(lang, "blind.mark");
    let ambassadors = &view.ambassadors;
    let rows = listed
        .page
        .iter()
        .map(|a| {
            let days = pipeline::days_waiting(a.stage_since, now);
            ApplicantLine {
                id: a.id,
                name: shown_name(lang, blind, a),
                submitted: i18n::datetime(lang, a.submitted_at),
                stage: stage_name(lang, stages, a.phase, a.stage),
                waiting: if a.phase.is_final() {
                    String::new()
                } else {
                    i18n::count(lang, days, "pipeline.days_one", "pipeline.days")
                },
                overdue: pipeline::overdue(a.phase, a.stage_since, now, answer_days),
                knocked_out: a.knocked_out != 0,
                answers: questions
                    .iter()
                    .map(|qu| {
                        listed
                            .answers
                            .iter()
                            .find(|x| x.application_id == a.id && x.question_id == Some(qu.id))
                            .map(|x| {
                                let text = match lang {
                                    Lang::Nb => &x.answer_nb,
                                    Lang::En => &x.answer_en,
                                };
                                match who.get(&a.id) {
                                    Some(w) => redact(text, w, mark),
                                    None => text.clone(),
                                }
                            })
                            .unwrap_or_default()
                    })
                    .collect(),
                source: super::postings::source_label(lang, &a.source, ambassadors),
            }
        })
        .collect();
    let mut counts: Vec<(String, usize, String)> = stages
        .iter()
        .map(|s| {
            (
                s.name(lang).to_owned(),
                listed
                    .counts
                    .get(&(s.phase, Some(s.position)))
                    .copied()
                    .unwrap_or(0),
                format!("/admin/postings/{id}/applicants?stage={}", s.position),
            )
        })
        .collect();
    for (phase, key) in [
        (Phase::Rejected, "rejected"),
        (Phase::Withdrawn, "withdrawn"),
    ] {
        counts.push((
            t(lang, phase.label_key()).to_owned(),
            listed.counts.get(&(phase, None)).copied().unwrap_or(0),
            format!("/admin/postings/{id}/applicants?stage={key}"),
        ));
    }
    let mut stage_items = vec![
        (String::new(), t(lang, "pipeline.all").to_owned()),
        ("open".into(), t(lang, "pipeline.open").to_owned()),
        ("overdue".into(), t(lang, "pipeline.overdue").to_owned()),
    ];
    stage_items.extend(
        stages
            .iter()
            .map(|s| (s.position.to_string(), s.name(lang).to_owned())),
    );
    stage_items.push(("rejected".into(), t(lang, "phase.rejected").to_owned()));
    stage_items.push(("withdrawn".into(), t(lang, "phase.withdrawn").to_owned()));
    let flag_items = vec![
        (String::new(), t(lang, "pipeline.flag_any").to_owned()),
        (
            "knockout".into(),
            t(lang, "pipeline.flag_knockout").to_owned(),
        ),
        ("clear".into(), t(lang, "pipeline.flag_clear").to_owned()),
    ];
    let mut sort_items = vec![
        (String::new(), t(lang, "pipeline.sort_submitted").to_owned()),
        ("newest".into(), t(lang, "pipeline.sort_newest").to_owned()),
        (
            "waiting".into(),
            t(lang, "pipeline.sort_waiting").to_owned(),
        ),
    ];
    if blind.is_none() {
        sort_items.insert(2, ("name".into(), t(lang, "pipeline.sort_name").to_owned()));
    }
    let pages = page_count(listed.total as i64, PAGE_SIZE as i64);
    let done = match (q.moved, q.refused) {
        (Some(m), r) => {
            let mut done = i18n::count(lang, m as i64, "pipeline.moved_one", "pipeline.moved");
            if let Some(r) = r.filter(|r| *r > 0) {
                done.push(' ');
                done.push_str(&i18n::count(
                    lang,
                    r as i64,
                    "pipeline.refused_one",
                    "pipeline.refused",
                ));
            }
            done
        }
        _ => String::new(),
    };
    render(&ApplicantsPage {
        p: staff.page(
            &state,
            lang,
            format!("{} – {}", t(lang, "pipeline.title"), seen.posting.title),
            format!("/admin/postings/{id}/applicants"),
        ),
        posting_id: id,
        posting_title: seen.posting.title.clone(),
        stage_options: options(stage_items, &q.stage),
        flag_options: options(flag_items, &q.flag),
        sort_options: options(sort_items, sort),
        blind_note: blind
            .map(|n| {
                tf(
                    lang,
                    "blind.list_note",
                    &[(
                        "stage",
                        &stages
                            .iter()
                            .find(|s| s.position == n)
                            .map(|s| s.name(lang).to_owned())
                            .unwrap_or_default(),
                    )],
                )
            })
            .unwrap_or_default(),
        errs: Errors::default(),
        counts,
        count_text: i18n::count(
            lang,
            listed.total as i64,
            "pipeline.count_one",
            "pipeline.count",
        ),
        answer_days_note: tf(
            lang,
            "pipeline.answer_days_note",
            &[("n", &answer_days.to_string())],
        ),
        questions: questions.iter().map(|x| x.text(lang).to_owned()).collect(),
        rows,
        pager: Pager::new(lang, page.min(pages), pages, |n| q.href(id, n)),
        may_handle,
        targets: targets(lang, stages, ""),
        templates: template_options(lang, ""),
        done,
        q: q.q.clone(),
    })
}

/// The chosen applications, the target and the message, as the move page holds them.
#[derive(Debug, Default)]
struct MoveForm {
    ids: Vec<i64>,
    target: String,
    template: String,
    reason: String,
    send: bool,
    nb: Message,
    en: Message,
}

impl MoveForm {
    fn from_pairs(pairs: &[(String, String)]) -> MoveForm {
        let mut f = MoveForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "ids" => {
                    if let Ok(id) = v.parse() {
                        if f.ids.len() < MAX_MOVE && !f.ids.contains(&id) {
                            f.ids.push(id);
                        }
                    }
                }
                "target" => f.target = v.clone(),
                "template" => f.template = v.clone(),
                "reason" => f.reason = v.clone(),
                "send" => f.send = v == "yes",
                "nb_subject" => f.nb.subject = v.clone(),
                "nb_body" => f.nb.body = v.clone(),
                "en_subject" => f.en.subject = v.clone(),
                "en_body" => f.en.body = v.clone(),
                _ => {}
            }
        }
        f
    }

    fn parsed_target(&self, stages: &[Stage]) -> Option<Target> {
        if self.target == "reject" {
            return Some(Target::Reject);
        }
        let n: i64 = self.target.parse().ok()?;
        stages
            .iter()
            .find(|s| s.position == n && s.phase != Phase::Hired)
            .map(|_| Target::Stage(n))
    }
}

#[derive(Template)]
#[template(path = "admin/move.html")]
struct MovePage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    /// (id, name, where they stand now)
    chosen: Vec<(i64, String, String)>,
    target: String,
    target_name: String,
    rejecting: bool,
    form: MoveForm,
    templates: Vec<(String, String, bool)>,
}

async fn handler_posting(
    state: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
) -> Result<Seen, AppError> {
    let seen = visible_posting(state, staff, ip, id).await?;
    if !staff.access.may_handle_candidates_in(&seen.unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

async fn move_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    ip: &str,
    seen: Seen,
    mut form: MoveForm,
    errs: Errors,
) -> Result<MovePage, AppError> {
    let id = seen.posting.id;
    let view = state.store.applicant_view(id).await?;
    let stages = &view.stages;
    let target = form.parsed_target(stages).ok_or(AppError::BadRequest)?;
    let rejecting = target == Target::Reject;
    let target_name = match target {
        Target::Reject => t(lang, "pipeline.reject").to_owned(),
        Target::Stage(n) => stages
            .iter()
            .find(|s| s.position == n)
            .map(|s| s.name(lang).to_owned())
            .unwrap_or_default(),
    };
    let ids = form.ids.clone();
    let listed = state
        .store
        .list_applicants(
            &Reader::user(staff.user.id, ip),
            &view,
            |a| ids.contains(&a.id),
            order(""),
            0,
            MAX_MOVE,
        )
        .await?;
    let blind = view.blind_until;
    let chosen = listed
        .page
        .iter()
        .map(|a| {
            (
                a.id,
                shown_name(lang, blind, a),
                stage_name(lang, stages, a.phase, a.stage),
            )
        })
        .collect::<Vec<_>>();
    if chosen.is_empty() {
        return Err(AppError::BadRequest);
    }
    form.ids = chosen.iter().map(|c| c.0).collect();
    // A template fills the message the first time the page is shown; the sender edits it.
    if form.nb.subject.is_empty() && form.nb.body.is_empty() {
        if let Some(m) = message_templates().iter().find(|m| m.key == form.template) {
            fill_from(&mut form, m);
        }
    }
    if rejecting {
        form.send = true;
    }
    Ok(MovePage {
        p: staff.page(
            state,
            lang,
            t(lang, "pipeline.move_title").to_owned(),
            format!("/admin/postings/{id}/applicants/move"),
        ),
        errs,
        posting_id: id,
        posting_title: seen.posting.title,
        chosen,
        target: form.target.clone(),
        target_name,
        rejecting,
        templates: template_options(lang, &form.template),
        form,
    })
}

fn fill_from(form: &mut MoveForm, m: &MessageTemplate) {
    form.nb = m.text(Lang::Nb);
    form.en = m.text(Lang::En);
    form.send = true;
}

/// `GET /admin/postings/{id}/applicants/move?ids=…&target=…&template=…`: the chosen candidates,
/// where they go, and the message to check and edit before anything happens.
pub async fn move_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let seen = handler_posting(&state, &staff, &ip, id).await?;
    let form = MoveForm::from_pairs(&pairs);
    render(&move_page(&state, &staff, lang, &ip, seen, form, Errors::default()).await?)
}

/// `POST /admin/postings/{id}/applicants/move`: move (or reject) and send the messages.
pub async fn move_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = handler_posting(&state, &staff, &ip, id).await?;
    let form = MoveForm::from_pairs(&pairs);
    let stages = state.store.posting_stages(id).await?;
    let target = form.parsed_target(&stages).ok_or(AppError::BadRequest)?;
    let mut errs = Errors::default();
    let reason = form.reason.trim().to_owned();
    if reason.chars().count() > 1000
        || reason
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        errs.add_labelled(
            "reason".into(),
            t(lang, "pipeline.reason").to_owned(),
            t(lang, "error.too_long").to_owned(),
        );
    }
    let send = form.send || target == Target::Reject;
    if send {
        for (m, sf, bf, sl, bl) in [
            (
                &form.nb,
                "nb_subject",
                "nb_body",
                "pipeline.subject_nb",
                "pipeline.body_nb",
            ),
            (
                &form.en,
                "en_subject",
                "en_body",
                "pipeline.subject_en",
                "pipeline.body_en",
            ),
        ] {
            for e in m.check(sf, bf) {
                let label = if e.field == sf { sl } else { bl };
                errs.add_labelled(
                    e.field.into(),
                    t(lang, label).to_owned(),
                    t(lang, e.key).to_owned(),
                );
            }
        }
    }
    if !errs.is_empty() {
        let page = move_page(&state, &staff, lang, &ip, seen, form, errs).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (title, title_en) = (seen.posting.title.clone(), seen.posting.title_en.clone());
    let brand = state.mail_brand.clone();
    let portal = format!("{}/portal", state.cfg.base_url.trim_end_matches('/'));
    let (nb, en) = (form.nb.clone(), form.en.clone());
    let write = move |r: &Recipient| -> Written {
        let text = match r.lang {
            Lang::Nb => &nb,
            Lang::En => &en,
        };
        let title = r.lang.pick(&title, &title_en).0;
        let message = text.fill(&r.name, title, &brand.org_name);
        let email = candidate_message(r.email, r.lang, &message, &portal, &brand);
        Written { message, email }
    };
    let moved = state
        .store
        .move_applications(
            &Reader::user(staff.user.id, &ip),
            staff.user.id,
            &MoveRequest {
                posting_id: id,
                application_ids: &form.ids,
                target,
                reason: &reason,
            },
            if send { Some(&write) } else { None },
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::BadRequest,
            e => e.into(),
        })?;
    tracing::info!(
        user_id = staff.user.id,
        posting_id = id,
        moved = moved.moved.len(),
        refused = moved.refused.len(),
        "candidates moved"
    );
    state.wake_jobs();
    Ok(Redirect::to(&format!(
        "/admin/postings/{id}/applicants?moved={}&refused={}",
        moved.moved.len(),
        moved.refused.len()
    ))
    .into_response())
}

/// The e-mail that carries a message from the staff to a candidate: the text as written, and a
/// link to Min side where it is kept.
pub(crate) fn candidate_message(
    to: &str,
    lang: Lang,
    m: &Message,
    portal: &str,
    brand: &talentflyt_jobs::mail::Brand,
) -> talentflyt_store::OutgoingEmail {
    let paragraphs: Vec<String> = m
        .body
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let notice = Notice {
        heading: m.subject.clone(),
        paragraphs: paragraphs.clone(),
        items: vec![],
        action: Some((t(lang, "portal.title").to_owned(), portal.to_owned())),
        footer: vec![t(lang, "pipeline.mail_footer").to_owned()],
        links: vec![],
    };
    notice
        .render(to, &m.subject, lang, brand, "candidate_message", None)
        .unwrap_or_else(|_| talentflyt_store::OutgoingEmail {
            to: to.to_owned(),
            subject: m.subject.clone(),
            text: m.body.clone(),
            html: String::new(),
            template: format!("candidate_message.{}", lang.code()),
            list_unsubscribe: None,
            calendar: None,
        })
}

#[derive(Template)]
#[template(path = "admin/stages.html")]
struct StagesPage {
    p: PageCtx,
    errs: Errors,
    posting_id: i64,
    posting_title: String,
    /// (kept number or empty, order, bokmål, English, phase options)
    rows: Vec<StageLine>,
    answer_days: String,
    may_manage: bool,
    /// "Off" and the stages identity may be hidden until, the chosen one marked.
    blind_options: Vec<(String, String, bool)>,
    /// The setting in words.
    blind_text: String,
}

struct StageLine {
    n: usize,
    /// The stage the error is about.
    invalid: bool,
    position: String,
    ord: String,
    name_nb: String,
    name_en: String,
    phases: Vec<(String, String, bool)>,
}

fn stage_line(
    lang: Lang,
    n: usize,
    position: String,
    ord: String,
    nb: String,
    en: String,
    phase: &str,
) -> StageLine {
    StageLine {
        n,
        invalid: false,
        position,
        ord,
        name_nb: nb,
        name_en: en,
        phases: STAGE_PHASES
            .iter()
            .map(|p| {
                (
                    p.as_str().to_owned(),
                    t(lang, p.label_key()).to_owned(),
                    p.as_str() == phase,
                )
            })
            .collect(),
    }
}

/// Empty rows under the stages, for new ones.
const NEW_ROWS: usize = 2;

async fn stages_page(
    state: &AppState,
    staff: &Staff,
    lang: Lang,
    seen: Seen,
    rows: Option<Vec<StageLine>>,
    answer_days: Option<String>,
    errs: Errors,
) -> Result<StagesPage, AppError> {
    let id = seen.posting.id;
    let rows = match rows {
        Some(r) => r,
        None => {
            let stages = state.store.posting_stages(id).await?;
            let mut v: Vec<StageLine> = stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    stage_line(
                        lang,
                        i + 1,
                        s.position.to_string(),
                        ((i + 1) * 10).to_string(),
                        s.name_nb.clone(),
                        s.name_en.clone(),
                        s.phase.as_str(),
                    )
                })
                .collect();
            let n = v.len();
            for k in 0..NEW_ROWS {
                v.push(stage_line(
                    lang,
                    n + k + 1,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "screening",
                ));
            }
            v
        }
    };
    let answer_days = match answer_days {
        Some(a) => a,
        None => state.store.answer_days(id).await?.to_string(),
    };
    let blind = state.store.blind_until(id).await?;
    let stages = state.store.posting_stages(id).await?;
    let mut blind_items = vec![(String::new(), t(lang, "blind.off").to_owned())];
    blind_items.extend(
        stages
            .iter()
            .filter(|s| s.phase != Phase::Applied && s.phase != Phase::Hired)
            .map(|s| (s.position.to_string(), s.name(lang).to_owned())),
    );
    let blind_text = match blind.and_then(|n| stages.iter().find(|s| s.position == n)) {
        Some(s) => tf(lang, "blind.list_note", &[("stage", s.name(lang))]),
        None => t(lang, "blind.off_note").to_owned(),
    };
    Ok(StagesPage {
        blind_options: options(
            blind_items,
            &blind.map(|n| n.to_string()).unwrap_or_default(),
        ),
        blind_text,
        p: staff.page(
            state,
            lang,
            format!("{} – {}", t(lang, "stages.title"), seen.posting.title),
            format!("/admin/postings/{id}/stages"),
        ),
        errs,
        posting_id: id,
        posting_title: seen.posting.title,
        rows,
        answer_days,
        may_manage: seen.may_manage,
    })
}

/// `GET /admin/postings/{id}/stages`.
pub async fn stages(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    render(&stages_page(&state, &staff, lang, seen, None, None, Errors::default()).await?)
}

/// `POST /admin/postings/{id}/stages`: HR replaces the stages (rename, add, remove, reorder)
/// and the answer time.
pub async fn save_stages(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
        return Err(AppError::Forbidden);
    }
    let get = |k: String| {
        pairs
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut lines = vec![];
    for n in 1..=(pipeline::MAX_STAGES + NEW_ROWS) {
        let position = get(format!("position-{n}"));
        let nb = get(format!("nb-{n}"));
        if position.is_empty()
            && nb.is_empty()
            && !pairs.iter().any(|(k, _)| *k == format!("ord-{n}"))
        {
            continue;
        }
        lines.push(stage_line(
            lang,
            n,
            position,
            get(format!("ord-{n}")),
            nb,
            get(format!("en-{n}")),
            &get(format!("phase-{n}")),
        ));
    }
    let answer_days_raw = get("answer_days".into());
    let mut errs = Errors::default();
    let answer_days = match answer_days_raw.parse::<i64>() {
        Ok(d) if (MIN_ANSWER_DAYS..=MAX_ANSWER_DAYS).contains(&d) => d,
        _ => {
            errs.add_labelled(
                "answer_days".into(),
                t(lang, "stages.answer_days").to_owned(),
                t(lang, "stages.answer_days_range").to_owned(),
            );
            0
        }
    };
    // Rows with a name, in the order asked for (then as listed); an emptied row goes away.
    let mut kept: Vec<(Option<i64>, usize, Option<i64>, StageDef)> = vec![];
    for (i, l) in lines.iter().enumerate() {
        if l.name_nb.is_empty() {
            continue;
        }
        // No order given: just before the hire (sorted below).
        let ord = l.ord.parse::<i64>().ok();
        let phase = Phase::parse(
            &l.phases
                .iter()
                .find(|p| p.2)
                .map(|p| p.0.clone())
                .unwrap_or_default(),
        );
        let Some(phase) = phase else {
            return Err(AppError::BadRequest);
        };
        kept.push((
            ord,
            i,
            l.position.parse().ok(),
            StageDef {
                name_nb: l.name_nb.split_whitespace().collect::<Vec<_>>().join(" "),
                name_en: l.name_en.split_whitespace().collect::<Vec<_>>().join(" "),
                phase,
            },
        ));
    }
    let hire_ord = kept
        .iter()
        .find(|k| k.3.phase == Phase::Hired)
        .and_then(|k| k.0)
        .unwrap_or(i64::MAX);
    kept.sort_by_key(|k| (k.0.unwrap_or(hire_ord), k.3.phase == Phase::Hired, k.1));
    let defs: Vec<(Option<i64>, StageDef)> = kept.into_iter().map(|k| (k.2, k.3)).collect();
    if errs.is_empty() {
        match state
            .store
            .save_stages(id, &defs, answer_days, staff.user.id)
            .await?
        {
            Ok(()) => {
                tracing::info!(user_id = staff.user.id, posting_id = id, "stages saved");
                return Ok(Redirect::to(&format!("/admin/postings/{id}/stages")).into_response());
            }
            Err(refused) => {
                // Point at the stage's own name field when it is one stage's fault.
                let row = refused.position.and_then(|p| {
                    lines
                        .iter()
                        .find(|l| l.position == p.to_string())
                        .map(|l| l.n)
                });
                let (field, label) = match row {
                    Some(n) => (
                        format!("nb-{n}"),
                        format!("{} {n}", t(lang, "stages.stage")),
                    ),
                    None => ("stages".into(), t(lang, "stages.title").to_owned()),
                };
                if let Some(l) = row.and_then(|n| lines.iter_mut().find(|l| l.n == n)) {
                    l.invalid = true;
                }
                errs.add_labelled(field, label, t(lang, refused.key).to_owned());
            }
        }
    }
    let page = stages_page(
        &state,
        &staff,
        lang,
        seen,
        Some(lines),
        Some(answer_days_raw),
        errs,
    )
    .await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /admin/postings/{id}/finish`: finish the case, refused while anyone waits for an answer.
pub async fn finish(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(_): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
        return Err(AppError::Forbidden);
    }
    let message = match state
        .store
        .finish_posting(id, staff.user.id, state.today())
        .await?
    {
        Ok(()) => {
            tracing::info!(user_id = staff.user.id, posting_id = id, "case finished");
            return Ok(Redirect::to(&format!("/admin/postings/{id}")).into_response());
        }
        Err(FinishRefused::Open) => t(lang, "pipeline.finish_open").to_owned(),
        Err(FinishRefused::Finished) => t(lang, "pipeline.finish_done").to_owned(),
        Err(FinishRefused::Unanswered(n)) => i18n::count(
            lang,
            n,
            "pipeline.finish_unanswered_one",
            "pipeline.finish_unanswered",
        ),
    };
    let mut errs = Errors::default();
    errs.add_labelled(
        "finish".into(),
        t(lang, "pipeline.finish").to_owned(),
        message,
    );
    let mut resp = posting_page(&state, &staff, lang, seen, errs).await?;
    *resp.status_mut() = StatusCode::CONFLICT;
    Ok(resp)
}

#[derive(serde::Deserialize)]
pub struct BlindForm {
    #[serde(default)]
    blind_until: String,
}

/// `POST /admin/postings/{id}/blind`: screen the posting's applicants blind until a stage, or
/// stop. Those already at or past the stage are shown at once; each reveal is audited.
pub async fn save_blind(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(form)): Csrf<Form<BlindForm>>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_manage {
        return Err(AppError::Forbidden);
    }
    let until = match form.blind_until.trim() {
        "" => None,
        n => Some(n.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    match state
        .store
        .set_blind(&Reader::user(staff.user.id, &ip), staff.user.id, id, until)
        .await?
    {
        Ok(_) => {
            tracing::info!(
                user_id = staff.user.id,
                posting_id = id,
                "blind screening set"
            );
            Ok(Redirect::to(&format!("/admin/postings/{id}/stages")).into_response())
        }
        Err(key) => {
            let mut errs = Errors::default();
            errs.add_labelled(
                "blind_until".into(),
                t(lang, "blind.until").to_owned(),
                t(lang, key).to_owned(),
            );
            let page = stages_page(&state, &staff, lang, seen, None, None, errs).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
