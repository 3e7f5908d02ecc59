//! Scorecards (R8): an assessor scores an applicant against the ad's requirement profile and
//! sends the card in; only then does the panel open to them. The posting's panel ranks the
//! applicants by their weighted score and marks where the assessors disagree.

use super::applications::check_readable;
use super::pipeline::shown_name;
use super::{refuse, visible_posting, Empty};
use crate::error::AppError;
use crate::extract::{ClientIp, Csrf, ReqLang, Staff};
use crate::i18n::{self, t, tf};
use crate::view::options::Options;
use crate::view::{render, render_status, Errors, PageCtx};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::{BTreeMap, HashMap};
use talentflyt_domain::scorecard::{
    check, criteria, split, Criterion, Problem, RawCard, Recommendation, Spread,
    DISAGREEMENT_SPREAD, MAX_SCORE, MIN_SCORE,
};
use talentflyt_domain::Lang;
use talentflyt_store::{Applicant, CardStatus, Reader, Scorecard, SubjectKind};

/// One criterion on the form.
struct Line {
    item: u32,
    text: String,
    /// "Krav, vekt 5".
    kind: String,
    /// (value, label, checked): 1–5 and "not assessed" ("").
    options: Options,
    note: String,
    error: String,
    note_error: String,
}

/// One row of the panel's grid: a criterion (or the weighted score) across the assessors.
struct GridRow {
    label: String,
    cells: Vec<String>,
    mean: String,
    range: String,
    disagrees: bool,
}

/// One assessor's card as the panel shows it.
struct Written {
    who: String,
    when: String,
    recommendation: String,
    note: String,
    /// (criterion, note) for the criteria they wrote about.
    notes: Vec<(String, String)>,
}

struct Panel {
    assessors: Vec<String>,
    rows: Vec<GridRow>,
    weighted: Option<GridRow>,
    recommendations: Vec<String>,
    split: bool,
    written: Vec<Written>,
    abstained: String,
}

#[derive(Template)]
#[template(path = "admin/scorecard.html")]
struct ScorecardPage {
    p: PageCtx,
    application_id: i64,
    posting_id: i64,
    posting_title: String,
    name: String,
    hidden: bool,
    /// The form is open (the card is a draft or not begun).
    open: bool,
    lines: Vec<Line>,
    recommendations: Options,
    note: String,
    errs: Errors,
    /// "Utkastet er lagret …", after a save.
    saved: String,
    /// How the assessor's own card ended (sent in or stepped aside), when it did.
    own: String,
    /// Their own card, sent in: the grid shows it with the rest.
    panel: Option<Panel>,
    /// What counts as disagreement.
    disagree_note: String,
    /// The ad's version the form was made from: a card is refused if the ad changed since.
    version: i64,
}

fn disagree_note(lang: Lang) -> String {
    tf(
        lang,
        "scorecard.disagree_note",
        &[("spread", &DISAGREEMENT_SPREAD.to_string())],
    )
}

fn criterion_kind(lang: Lang, c: &Criterion) -> String {
    format!(
        "{}, {}",
        t(
            lang,
            if c.required {
                "scorecard.required"
            } else {
                "scorecard.desired"
            }
        ),
        tf(
            lang,
            "scorecard.weight",
            &[("weight", &c.weight.to_string())]
        )
    )
}

fn score_options(lang: Lang, chosen: &str) -> Options {
    let mut v: Options = (MIN_SCORE..=MAX_SCORE)
        .map(|n| {
            let key = match n {
                1 => "scorecard.score_1",
                2 => "scorecard.score_2",
                3 => "scorecard.score_3",
                4 => "scorecard.score_4",
                _ => "scorecard.score_5",
            };
            (
                n.to_string(),
                t(lang, key).to_owned(),
                chosen == n.to_string(),
            )
        })
        .collect();
    v.push((
        String::new(),
        t(lang, "scorecard.not_assessed").to_owned(),
        chosen.is_empty(),
    ));
    v
}

fn recommendation_options(lang: Lang, chosen: &str) -> Options {
    Recommendation::ALL
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t(lang, r.key()).to_owned(),
                chosen == r.as_str(),
            )
        })
        .collect()
}

/// The panel's grid: each criterion (as it read when scored) across the assessors who sent a
/// card in, with the mean and the spread, then the weighted score and the recommendations.
fn panel(lang: Lang, cards: &[Scorecard]) -> Panel {
    let sent: Vec<&Scorecard> = cards
        .iter()
        .filter(|c| c.status == CardStatus::Submitted)
        .collect();
    let grid = criterion_grid(&sent);
    let dash = t(lang, "scorecard.not_assessed_short");
    let weighted = (!grid.is_empty()).then(|| {
        grid_row(
            lang,
            t(lang, "scorecard.weighted").to_owned(),
            sent.iter().map(|c| c.weighted()).collect(),
            dash,
        )
    });
    let rows = grid
        .into_iter()
        .map(|(crit, scores)| {
            grid_row(
                lang,
                format!("{} ({})", crit.text(lang), criterion_kind(lang, &crit)),
                scores.into_iter().map(|s| s.map(f64::from)).collect(),
                dash,
            )
        })
        .collect();
    let recs: Vec<Recommendation> = sent.iter().filter_map(|c| c.recommendation).collect();
    let written = sent
        .iter()
        .map(|c| Written {
            who: c.assessor_name.clone(),
            when: c
                .submitted_at
                .map(|at| i18n::datetime(lang, at))
                .unwrap_or_default(),
            recommendation: c
                .recommendation
                .map(|r| t(lang, r.key()).to_owned())
                .unwrap_or_default(),
            note: c.note.clone(),
            notes: c
                .ratings
                .iter()
                .filter(|r| !r.note.is_empty())
                .map(|r| (r.criterion().text(lang).to_owned(), r.note.clone()))
                .collect(),
        })
        .collect();
    let abstained: Vec<String> = cards
        .iter()
        .filter(|c| c.status == CardStatus::Abstained)
        .map(|c| c.assessor_name.clone())
        .collect();
    Panel {
        assessors: sent.iter().map(|c| c.assessor_name.clone()).collect(),
        rows,
        weighted,
        recommendations: sent
            .iter()
            .map(|c| {
                c.recommendation
                    .map(|r| t(lang, r.key()).to_owned())
                    .unwrap_or_default()
            })
            .collect(),
        split: split(&recs),
        written,
        abstained: if abstained.is_empty() {
            String::new()
        } else {
            tf(
                lang,
                "scorecard.abstained_list",
                &[("names", &abstained.join(", "))],
            )
        },
    }
}

/// A criterion and each card's score on it.
type GridLine = (Criterion, Vec<Option<u8>>);

/// The cards sent in, criterion by criterion as each read when scored (an edit of the ad
/// between two cards shows as two rows), with each card's score in the order of `sent`.
fn criterion_grid(sent: &[&Scorecard]) -> Vec<GridLine> {
    let mut grid: BTreeMap<(i64, &str), GridLine> = BTreeMap::new();
    for (i, c) in sent.iter().enumerate() {
        for r in &c.ratings {
            grid.entry((r.item, r.criterion_nb.as_str()))
                .or_insert_with(|| (r.criterion(), vec![None; sent.len()]))
                .1[i] = r.score();
        }
    }
    grid.into_values().collect()
}

/// Mean and range as the panel shows them ("3,5" and "2,0–5,0"); a dash for none, and for the
/// range of a single score.
fn mean_and_range(lang: Lang, spread: Option<Spread>, dash: &str) -> (String, String) {
    (
        spread
            .map(|s| i18n::decimal(lang, s.mean))
            .unwrap_or_else(|| dash.to_owned()),
        spread
            .filter(|s| s.n > 1)
            .map(|s| {
                format!(
                    "{}–{}",
                    i18n::decimal(lang, s.min),
                    i18n::decimal(lang, s.max)
                )
            })
            .unwrap_or_else(|| dash.to_owned()),
    )
}

fn grid_row(lang: Lang, label: String, scores: Vec<Option<f64>>, dash: &str) -> GridRow {
    let spread = Spread::of(scores.iter().flatten().copied());
    let (mean, range) = mean_and_range(lang, spread, dash);
    GridRow {
        label,
        cells: scores
            .iter()
            .map(|s| match s {
                Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
                Some(x) => i18n::decimal(lang, *x),
                None => dash.to_owned(),
            })
            .collect(),
        mean,
        range,
        disagrees: spread.is_some_and(|s| s.disagrees()),
    }
}

/// Who the applicant is on these pages: their name, or "Søker N" while blind screening hides
/// them. The names come from the applicant list's snapshot.
async fn applicant_name(
    state: &AppState,
    lang: Lang,
    posting_id: i64,
    id: i64,
) -> Result<(String, bool), AppError> {
    let view = state.store.applicant_view(posting_id).await?;
    let a = view.applicant(id).ok_or(AppError::NotFound)?;
    let hidden = a.is_hidden(view.blind_until);
    Ok((shown_name(lang, view.blind_until, a), hidden))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let page = scorecard_page(&state, lang, &ip, &staff, id, None, q.saved.is_some()).await?;
    render(&page)
}

/// The card's page: the form while the card is open (filled from `sent` after a refusal, else
/// from the draft), or the panel once the assessor's own card is done.
async fn scorecard_page(
    state: &AppState,
    lang: Lang,
    ip: &str,
    staff: &Staff,
    id: i64,
    sent: Option<(&RawCard, Vec<Problem>)>,
    saved: bool,
) -> Result<ScorecardPage, AppError> {
    let seen = check_readable(state, staff, ip, id).await?;
    let reader = Reader::user(staff.user.id, ip);
    let (name, hidden) = applicant_name(state, lang, seen.posting.id, id).await?;
    let view = state
        .store
        .scorecard_view(&reader, id, staff.user.id)
        .await?;
    let own = view.own;
    let crit = criteria(&seen.posting.content().requirements);
    let mut errs = Errors::default();
    let (mut lines, mut recommendations, mut note) = (vec![], vec![], String::new());
    let (mut own_text, mut the_panel) = (String::new(), None);
    let open = own.as_ref().is_none_or(|c| !c.status.is_done());
    if open {
        // What the form shows: what was sent (refused), else the draft.
        let raw = match &sent {
            Some((raw, _)) => (*raw).clone(),
            None => own
                .as_ref()
                .map(|c| RawCard {
                    // A rating counts only where its criterion still reads the same (the ad
                    // may have been edited since the draft was kept).
                    scores: c
                        .ratings
                        .iter()
                        .filter(|r| {
                            crit.iter()
                                .any(|x| i64::from(x.item) == r.item && x.nb == r.criterion_nb)
                        })
                        .map(|r| {
                            (
                                r.item as u32,
                                r.score.map(|s| s.to_string()).unwrap_or_default(),
                                r.note.clone(),
                            )
                        })
                        .collect(),
                    recommendation: c
                        .recommendation
                        .map(|r| r.as_str().to_owned())
                        .unwrap_or_default(),
                    note: c.note.clone(),
                })
                .unwrap_or_default(),
        };
        let problems = sent.map(|(_, p)| p).unwrap_or_default();
        for c in &crit {
            let (score, n) = raw
                .scores
                .iter()
                .find(|(item, _, _)| *item == c.item)
                .map(|(_, s, n)| (s.trim().to_owned(), n.clone()))
                .unwrap_or_default();
            let err = |field: &str| {
                problems
                    .iter()
                    .find(|p| p.item == Some(c.item) && p.field == field)
                    .map(|p| t(lang, p.key).to_owned())
                    .unwrap_or_default()
            };
            let (error, note_error) = (err("score"), err("note"));
            if !error.is_empty() {
                // The summary's link goes to the group: the next Tab enters it.
                errs.add_labelled(
                    format!("score-{}", c.item),
                    c.text(lang).to_owned(),
                    error.clone(),
                );
            }
            if !note_error.is_empty() {
                errs.add_labelled(
                    format!("note-{}", c.item),
                    c.text(lang).to_owned(),
                    note_error.clone(),
                );
            }
            lines.push(Line {
                item: c.item,
                text: c.text(lang).to_owned(),
                kind: criterion_kind(lang, c),
                options: score_options(lang, &score),
                note: n,
                error,
                note_error,
            });
        }
        for p in problems.iter().filter(|p| p.item.is_none()) {
            let (field, label) = match p.field {
                "recommendation" => ("recommendation", "scorecard.recommendation"),
                _ => ("note", "scorecard.note"),
            };
            errs.add_labelled(
                field.to_owned(),
                t(lang, label).to_owned(),
                t(lang, p.key).to_owned(),
            );
        }
        recommendations = recommendation_options(lang, raw.recommendation.trim());
        note = raw.note.clone();
    } else if let Some(c) = &own {
        own_text = match c.status {
            CardStatus::Abstained => tf(
                lang,
                "scorecard.abstained_own",
                &[("when", &i18n::datetime(lang, c.updated_at))],
            ),
            _ => tf(
                lang,
                "scorecard.submitted_own",
                &[(
                    "when",
                    &i18n::datetime(lang, c.submitted_at.unwrap_or(c.updated_at)),
                )],
            ),
        };
        the_panel = view.panel.as_deref().map(|cards| panel(lang, cards));
    }
    let saved = match (&own, saved && open) {
        (Some(c), true) => tf(
            lang,
            "scorecard.saved",
            &[("when", &i18n::datetime(lang, c.updated_at))],
        ),
        _ => String::new(),
    };
    Ok(ScorecardPage {
        p: staff.page(
            state,
            lang,
            tf(lang, "scorecard.heading", &[("name", &name)]),
            format!("/admin/applications/{id}/scorecard"),
        ),
        application_id: id,
        posting_id: seen.posting.id,
        posting_title: seen.posting.title,
        name,
        hidden,
        open,
        lines,
        recommendations,
        note,
        errs,
        saved,
        own: own_text,
        panel: the_panel,
        version: seen.posting.version,
        disagree_note: disagree_note(lang),
    })
}

/// `POST /admin/applications/{id}/scorecard`: keep the draft (`action=save`) or send the card
/// in (`action=submit`). A refused card comes back with every problem at its criterion and
/// nothing typed lost; the draft kept before is left as it was.
pub async fn save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(pairs)): Csrf<Form<Vec<(String, String)>>>,
) -> Result<Response, AppError> {
    let seen = check_readable(&state, &staff, &ip, id).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // A card sent in (or stepped aside from) is refused before its input is looked at.
    if state
        .store
        .scorecard_status(id, staff.user.id)
        .await?
        .is_some_and(|c| c.is_done())
    {
        return refused(&state, lang, &ip, &staff, id, "scorecard.locked").await;
    }
    // The form was made from another version of the ad: its items may stand elsewhere now.
    if get("version") != seen.posting.version.to_string() {
        return refused(&state, lang, &ip, &staff, id, "scorecard.profile_changed").await;
    }
    let crit = criteria(&seen.posting.content().requirements);
    let raw = RawCard {
        scores: crit
            .iter()
            .map(|c| {
                (
                    c.item,
                    get(&format!("score-{}", c.item)),
                    get(&format!("note-{}", c.item)),
                )
            })
            .collect(),
        recommendation: get("recommendation"),
        note: get("note"),
    };
    let submit = get("action") == "submit";
    let card = match check(&crit, &raw, submit) {
        Ok(card) => card,
        Err(problems) => {
            let page = scorecard_page(&state, lang, &ip, &staff, id, Some((&raw, problems)), false)
                .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let reader = Reader::user(staff.user.id, &ip);
    if let Err(key) = state
        .store
        .save_scorecard(&reader, id, staff.user.id, &crit, &card, submit)
        .await?
    {
        return refused(&state, lang, &ip, &staff, id, key).await;
    }
    let to = if submit {
        format!("/admin/applications/{id}/scorecard")
    } else {
        format!("/admin/applications/{id}/scorecard?saved=1")
    };
    Ok(Redirect::to(&to).into_response())
}

/// The card's page with a refusal from the store (sent in already, withdrawn) on top: 409.
async fn refused(
    state: &AppState,
    lang: Lang,
    ip: &str,
    staff: &Staff,
    id: i64,
    key: &'static str,
) -> Result<Response, AppError> {
    let mut page = scorecard_page(state, lang, ip, staff, id, None, false).await?;
    page.errs
        .add_labelled("scorecard".into(), String::new(), t(lang, key).to_owned());
    render_status(StatusCode::CONFLICT, &page)
}

/// `POST /admin/applications/{id}/scorecard/abstain`: see the panel without scoring.
pub async fn abstain(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
    Csrf(Form(_)): Csrf<Form<Empty>>,
) -> Result<Response, AppError> {
    check_readable(&state, &staff, &ip, id).await?;
    let reader = Reader::user(staff.user.id, &ip);
    if let Err(key) = state.store.abstain(&reader, id, staff.user.id).await? {
        return refused(&state, lang, &ip, &staff, id, key).await;
    }
    Ok(Redirect::to(&format!("/admin/applications/{id}/scorecard")).into_response())
}

/// One applicant in the posting's panel.
struct PanelLine {
    id: i64,
    name: String,
    cards: usize,
    yours: &'static str,
    /// Empty while closed to this assessor.
    weighted: String,
    range: String,
    recommendations: String,
    disagrees: bool,
    open: bool,
    /// For ordering: the mean weighted score (open rows first, best first).
    mean: f64,
}

#[derive(Template)]
#[template(path = "admin/scores.html")]
struct ScoresPage {
    p: PageCtx,
    posting_id: i64,
    posting_title: String,
    rows: Vec<PanelLine>,
    /// What counts as disagreement.
    disagree_note: String,
}

/// `GET /admin/postings/{id}/scores`: the applicants with cards sent in, best weighted score
/// first; scores only where the reader's own card is done.
pub async fn posting_scores(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let seen = visible_posting(&state, &staff, &ip, id).await?;
    if !seen.may_read {
        return Err(refuse(
            &state,
            &staff,
            &ip,
            SubjectKind::Posting,
            id,
            AppError::NotFound,
        )
        .await);
    }
    let panel = state
        .store
        .posting_panel(&Reader::user(staff.user.id, &ip), id, staff.user.id)
        .await?;
    let view = state.store.applicant_view(id).await?;
    let applicants: HashMap<i64, &Applicant> =
        view.applicants().iter().map(|a| (a.id, a)).collect();
    let own: HashMap<i64, CardStatus> = panel.own.iter().copied().collect();
    let yours = |app: i64| match own.get(&app) {
        Some(CardStatus::Submitted) => "scorecard.yours_submitted",
        Some(CardStatus::Abstained) => "scorecard.yours_abstained",
        Some(CardStatus::Draft) => "scorecard.yours_draft",
        None => "scorecard.yours_none",
    };
    let name = |app: i64| {
        applicants
            .get(&app)
            .map(|a| shown_name(lang, view.blind_until, a))
            .unwrap_or_default()
    };
    let dash = t(lang, "scorecard.not_assessed_short");
    let mut rows = vec![];
    let mut by_app: BTreeMap<i64, Vec<Scorecard>> = BTreeMap::new();
    for c in panel.cards {
        by_app.entry(c.application_id).or_default().push(c);
    }
    for (app, cards) in by_app {
        let sent: Vec<&Scorecard> = cards
            .iter()
            .filter(|c| c.status == CardStatus::Submitted)
            .collect();
        // Only those who stepped aside: nobody has scored the applicant.
        if sent.is_empty() {
            continue;
        }
        let spread = Spread::of(sent.iter().filter_map(|c| c.weighted()));
        let (weighted, range) = mean_and_range(lang, spread, dash);
        let recs: Vec<Recommendation> = sent.iter().filter_map(|c| c.recommendation).collect();
        let yes = recs.iter().filter(|r| r.is_yes()).count();
        // A criterion the assessors are far apart on counts as disagreement too.
        let apart = spread.is_some_and(|s| s.disagrees())
            || criterion_grid(&sent).iter().any(|(_, scores)| {
                Spread::of(scores.iter().flatten().map(|s| f64::from(*s)))
                    .is_some_and(|s| s.disagrees())
            });
        rows.push(PanelLine {
            id: app,
            name: name(app),
            cards: sent.len(),
            yours: yours(app),
            weighted,
            range,
            recommendations: tf(
                lang,
                "scorecard.recs_count",
                &[
                    ("yes", &yes.to_string()),
                    ("no", &(recs.len() - yes).to_string()),
                ],
            ),
            disagrees: apart || split(&recs),
            open: true,
            mean: spread.map(|s| s.mean).unwrap_or(0.0),
        });
    }
    rows.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    for (app, n) in panel.closed {
        rows.push(PanelLine {
            id: app,
            name: name(app),
            cards: n,
            yours: yours(app),
            weighted: String::new(),
            range: String::new(),
            recommendations: String::new(),
            disagrees: false,
            open: false,
            mean: 0.0,
        });
    }
    render(&ScoresPage {
        p: staff.page(
            &state,
            lang,
            t(lang, "scorecard.posting_title"),
            format!("/admin/postings/{id}/scores"),
        ),
        posting_id: id,
        posting_title: seen.posting.title,
        rows,
        disagree_note: disagree_note(lang),
    })
}
