//! The pipeline (R6): a posting's stages, the applicant list a manager works with, moves and
//! rejections with their messages, the log of every move, reminders for candidates who have
//! waited too long, and finishing the case once everyone has a final answer.

use crate::applications::FINAL_PHASES;
use crate::{
    now, AuditAction, AuditEvent, OutgoingEmail, PostingAction, Reader, Result, Store, StoreError,
    SubjectKind, Tx,
};
use sqlx::FromRow;
use std::collections::HashMap;
use std::sync::Arc;
use talentflyt_domain::ad::{Template, GENERAL_TEMPLATE};
use talentflyt_domain::pipeline::{
    check_move, check_stages, default_stages, numbered, stage_of, Message, MoveRefused, Stage,
    StageDef, Target,
};
use talentflyt_domain::posting::Phase;
use talentflyt_domain::Lang;

#[derive(FromRow)]
struct StageRow {
    position: i64,
    name_nb: String,
    name_en: String,
    #[sqlx(try_from = "String")]
    phase: Phase,
}

/// One applicant as the pipeline list shows them.
#[derive(Debug, Clone, FromRow)]
pub struct Applicant {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "String")]
    pub phase: Phase,
    /// The stage it stands in (`None` for the exits).
    pub stage: Option<i64>,
    pub stage_since: i64,
    pub source: String,
    pub submitted_at: i64,
    /// Any screening answer flagged as a knock-out.
    #[sqlx(skip)]
    pub knocked_out: i64,
    /// "family given" in lower case, for ordering by name.
    #[sqlx(skip)]
    pub name_key: String,
    /// Set when the identity was shown on a posting that screens blind.
    pub revealed_at: Option<i64>,
    /// The applicant's number in the posting, in order of submission (the name they go by
    /// while hidden).
    #[sqlx(skip)]
    pub number: i64,
}

impl Applicant {
    /// Whether the applicant is still hidden on a posting that screens blind (`blind_until`
    /// is the posting's, as [`ApplicantView::blind_until`]).
    pub fn is_hidden(&self, blind_until: Option<i64>) -> bool {
        blind_until.is_some() && self.revealed_at.is_none()
    }
}

/// A screening answer in the list: application, question, answer in both languages, flagged.
#[derive(Debug, Clone, FromRow)]
pub struct ListedAnswer {
    pub application_id: i64,
    pub question_id: Option<i64>,
    pub answer_nb: String,
    pub answer_en: String,
    pub knocked_out: i64,
}

/// One logged move.
#[derive(Debug, Clone, FromRow)]
pub struct TransitionRow {
    pub at: i64,
    pub user_name: Option<String>,
    pub by_candidate: i64,
    #[sqlx(try_from = "String")]
    pub from_phase: Phase,
    pub from_stage: Option<i64>,
    #[sqlx(try_from = "String")]
    pub to_phase: Phase,
    pub to_stage: Option<i64>,
    pub reason: String,
    pub message_subject: Option<String>,
}

/// Whom a move's message goes to, for the caller to write it.
pub struct Recipient<'a> {
    pub application_id: i64,
    pub email: &'a str,
    pub name: String,
    pub lang: Lang,
}

/// A move of several applications of one posting.
pub struct MoveRequest<'a> {
    pub posting_id: i64,
    pub application_ids: &'a [i64],
    pub target: Target,
    /// Why, in the sender's words; kept in the log.
    pub reason: &'a str,
}

/// A message written for one recipient: what the portal shows and the e-mail that carries it.
pub struct Written {
    pub message: Message,
    pub email: OutgoingEmail,
}

/// What a move did: the applications moved, and those left where they were with why.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    pub moved: Vec<i64>,
    pub refused: Vec<(i64, MoveRefused)>,
}

/// Why a posting's stages were not saved: the message key, and the stage it is about (by
/// number) when it is one stage's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagesRefused {
    pub key: &'static str,
    pub position: Option<i64>,
}

/// Why a case may not be finished yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishRefused {
    /// The deadline has not passed: more may apply.
    Open,
    /// This many candidates lack a final answer.
    Unanswered(i64),
    /// It is finished already.
    Finished,
}

/// Candidates who have waited too long on one posting, for one reminder e-mail per recipient.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub posting_id: i64,
    pub title: String,
    pub reference: String,
    pub answer_days: i64,
    pub count: usize,
    pub oldest_since: i64,
    /// Staff to remind: address and display name.
    pub recipients: Vec<(String, String)>,
}

impl Tx {
    /// Copy the stages of the template for `profession` (else the general one, else one stage per
    /// phase) to a new posting.
    pub(crate) async fn init_stages(&mut self, posting_id: i64, profession: &str) -> Result<()> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT template FROM ad_templates WHERE profession IN ($1, $2) ORDER BY CASE WHEN profession = $1 THEN 0 ELSE 1 END LIMIT 1",
        )
        .bind(profession)
        .bind(GENERAL_TEMPLATE)
        .fetch_optional(self.conn())
        .await?;
        let defs = json
            .and_then(|j| serde_json::from_str::<Template>(&j).ok())
            .map(|t| t.stages())
            .filter(|s| check_stages(s).is_ok())
            .unwrap_or_else(default_stages);
        self.write_stages(posting_id, &numbered(&defs)).await
    }

    async fn write_stages(&mut self, posting_id: i64, stages: &[Stage]) -> Result<()> {
        sqlx::query("DELETE FROM posting_stages WHERE posting_id = $1")
            .bind(posting_id)
            .execute(self.conn())
            .await?;
        for (ord, s) in stages.iter().enumerate() {
            sqlx::query("INSERT INTO posting_stages (posting_id, position, ord, name_nb, name_en, phase) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(posting_id)
                .bind(s.position)
                .bind(ord as i64)
                .bind(&s.name_nb)
                .bind(&s.name_en)
                .bind(s.phase.as_str())
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn stages_in(&mut self, posting_id: i64) -> Result<Vec<Stage>> {
        let rows: Vec<StageRow> = sqlx::query_as(STAGES_SQL)
            .bind(posting_id)
            .fetch_all(self.conn())
            .await?;
        Ok(to_stages(rows))
    }

    /// Log one move (and audit it) for an application.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn log_transition(
        &mut self,
        application_id: i64,
        user_id: Option<i64>,
        by_candidate: bool,
        from: (Phase, Option<i64>),
        to: (Phase, Option<i64>),
        reason: &str,
        message_id: Option<i64>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO application_transitions (application_id, at, user_id, by_candidate, from_phase, from_stage, to_phase, to_stage, reason, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(application_id)
            .bind(now())
            .bind(user_id)
            .bind(by_candidate as i64)
            .bind(from.0.as_str())
            .bind(from.1)
            .bind(to.0.as_str())
            .bind(to.1)
            .bind(reason)
            .bind(message_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// The messages of one application, oldest first (staff's view here, the candidate's in Min side).
pub(crate) const MESSAGES_SQL: &str = "SELECT id, from_candidate, subject, body, created_at FROM application_messages WHERE application_id = $1 ORDER BY created_at, id";

/// A posting's own stages in order.
const STAGES_SQL: &str =
    "SELECT position, name_nb, name_en, phase FROM posting_stages WHERE posting_id = $1 ORDER BY ord";

fn to_stages(rows: Vec<StageRow>) -> Vec<Stage> {
    if rows.is_empty() {
        return numbered(&default_stages());
    }
    rows.into_iter()
        .map(|r| Stage {
            position: r.position,
            name_nb: r.name_nb,
            name_en: r.name_en,
            phase: r.phase,
        })
        .collect()
}

const APPLICANT_COLS: &str =
    "a.id, c.given_name, c.family_name, a.phase, a.stage, a.stage_since, a.source, a.submitted_at, a.revealed_at";

impl Store {
    /// A posting's stages in order (one per phase when it has none of its own).
    pub async fn posting_stages(&self, posting_id: i64) -> Result<Vec<Stage>> {
        let rows: Vec<StageRow> = sqlx::query_as(STAGES_SQL)
            .bind(posting_id)
            .fetch_all(self.r())
            .await?;
        Ok(to_stages(rows))
    }

    /// How many applications of a posting stand in each stage (by the stage's number) and in each
    /// exit: counts only, so no audit entry.
    pub async fn stage_counts(&self, posting_id: i64) -> Result<Vec<(Stage, i64)>> {
        let stages = self.posting_stages(posting_id).await?;
        let rows: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT phase, stage, COUNT(*) FROM applications WHERE posting_id = $1 GROUP BY phase, stage",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let mut out: Vec<(Stage, i64)> = stages.iter().map(|s| (s.clone(), 0)).collect();
        for exit in [Phase::Rejected, Phase::Withdrawn] {
            out.push((
                Stage {
                    position: 0,
                    name_nb: String::new(),
                    name_en: String::new(),
                    phase: exit,
                },
                0,
            ));
        }
        for (phase, stage, n) in rows {
            let Some(phase) = Phase::parse(&phase) else {
                continue;
            };
            let at = stage_of(&stages, phase, stage).map(|s| s.position);
            if let Some((_, count)) = out
                .iter_mut()
                .find(|(s, _)| s.phase == phase && (at.is_none() || Some(s.position) == at))
            {
                *count += n;
            }
        }
        Ok(out)
    }

    /// The open posting (deadline `today` or later) with the most applications, and how many:
    /// the benchmark's busiest applicant list.
    pub async fn busiest_open_posting(&self, today: &str) -> Result<Option<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT a.posting_id, COUNT(*) AS n FROM applications a JOIN postings p ON p.id = a.posting_id
             WHERE p.deadline >= $1 GROUP BY a.posting_id ORDER BY n DESC, a.posting_id LIMIT 1",
        )
        .bind(today)
        .fetch_optional(self.r())
        .await?)
    }

    /// How many days a candidate of the posting may wait before staff are reminded.
    pub async fn answer_days(&self, posting_id: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT answer_days FROM postings WHERE id = $1")
            .bind(posting_id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Replace a posting's stages and its answer time. `stages` pairs each definition with the
    /// number of the stage it keeps (`None` for a new one). A stage that goes away must hold no
    /// application. Returns `Ok(Err(refusal))` when a rule refuses.
    pub async fn save_stages(
        &self,
        posting_id: i64,
        stages: &[(Option<i64>, StageDef)],
        answer_days: i64,
        user_id: i64,
    ) -> Result<std::result::Result<(), StagesRefused>> {
        let defs: Vec<StageDef> = stages.iter().map(|(_, d)| d.clone()).collect();
        if let Err(e) = check_stages(&defs) {
            return Ok(Err(StagesRefused {
                key: e.key,
                position: None,
            }));
        }
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let old = tx.stages_in(posting_id).await?;
        // Applications never moved stand in the first stage of their phase; write that down
        // before the stages change, so none moves by itself and the check below sees them.
        for phase in talentflyt_domain::pipeline::STAGE_PHASES {
            if let Some(first) = old.iter().find(|s| s.phase == phase) {
                sqlx::query("UPDATE applications SET stage = $1 WHERE posting_id = $2 AND phase = $3 AND stage IS NULL")
                    .bind(first.position)
                    .bind(posting_id)
                    .bind(phase.as_str())
                    .execute(tx.conn())
                    .await?;
            }
        }
        // A new stage never takes a number an old one had: history still names it.
        let logged: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(COALESCE(t.to_stage, 0)) FROM application_transitions t JOIN applications a ON a.id = t.application_id WHERE a.posting_id = $1",
        )
        .bind(posting_id)
        .fetch_one(tx.conn())
        .await?;
        let mut next = old
            .iter()
            .map(|s| s.position)
            .max()
            .unwrap_or(0)
            .max(logged.unwrap_or(0))
            + 1;
        let mut new = Vec::with_capacity(stages.len());
        for (keep, d) in stages {
            let position = match keep {
                Some(p) if old.iter().any(|s| s.position == *p) => *p,
                Some(_) => {
                    return Ok(Err(StagesRefused {
                        key: "stages.unknown",
                        position: None,
                    }))
                }
                None => {
                    next += 1;
                    next - 1
                }
            };
            new.push(Stage {
                position,
                name_nb: d.name_nb.clone(),
                name_en: d.name_en.clone(),
                phase: d.phase,
            });
        }
        if new
            .iter()
            .enumerate()
            .any(|(i, s)| new[..i].iter().any(|t| t.position == s.position))
        {
            return Ok(Err(StagesRefused {
                key: "stages.unknown",
                position: None,
            }));
        }
        // The stage blind screening shows identity at stays, in a phase it may do so.
        if let Some(n) = tx.blind_until(posting_id).await? {
            if talentflyt_domain::blind::check_reveal_stage(&new, n).is_err() {
                return Ok(Err(StagesRefused {
                    key: "stages.blind_stage",
                    position: Some(n),
                }));
            }
        }
        // Applications keep their stage's meaning: a stage that holds one may not go away or
        // change phase.
        let held: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT stage, phase FROM applications WHERE posting_id = $1 AND stage IS NOT NULL AND phase NOT IN {FINAL_PHASES}"
        ))
        .bind(posting_id)
        .fetch_all(tx.conn())
        .await?;
        for (position, phase) in held {
            if !new
                .iter()
                .any(|s| s.position == position && s.phase.as_str() == phase)
            {
                return Ok(Err(StagesRefused {
                    key: "stages.in_use",
                    position: Some(position),
                }));
            }
        }
        tx.write_stages(posting_id, &new).await?;
        sqlx::query("UPDATE postings SET answer_days = $1 WHERE id = $2")
            .bind(answer_days)
            .bind(posting_id)
            .execute(tx.conn())
            .await?;
        tx.posting_event(posting_id, Some(user_id), PostingAction::Edit, "stages")
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A posting's applicant list as of now: its stages, answer time, blind screening,
    /// questions, applicants (each in the stage it stands in, see
    /// [`talentflyt_domain::pipeline::stage_of`]) and their screening answers. The snapshot in
    /// memory serves while the posting's counter (`posting_applicants_seq`, kept by triggers on
    /// every table it is read from) has not moved, else a new one is read. The counter is read
    /// before the rows, so a change that lands while they are read only makes the next reader
    /// read them again.
    pub async fn applicant_view(&self, posting_id: i64) -> Result<Arc<ApplicantView>> {
        let seq: i64 =
            sqlx::query_scalar("SELECT seq FROM posting_applicants_seq WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?
                .unwrap_or(0);
        if let Some(view) = self.applicants.get(posting_id, seq) {
            return Ok(view);
        }
        #[derive(FromRow)]
        struct Settings {
            answer_days: i64,
            blind_until: Option<i64>,
        }
        let settings: Settings =
            sqlx::query_as("SELECT answer_days, blind_until FROM postings WHERE id = $1")
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?
                .ok_or(StoreError::NotFound)?;
        let stages = self.posting_stages(posting_id).await?;
        let questions = self.questions(posting_id).await?;
        let mut all: Vec<Applicant> = sqlx::query_as(&format!(
            "SELECT {APPLICANT_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.posting_id = $1 ORDER BY a.submitted_at, a.id"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let rows: Vec<ListedAnswer> = sqlx::query_as(
            "SELECT x.application_id, x.question_id, x.answer_nb, x.answer_en, x.knocked_out FROM application_answers x JOIN applications a ON a.id = x.application_id WHERE a.posting_id = $1 ORDER BY x.application_id, x.position",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let mut answers: HashMap<i64, Vec<ListedAnswer>> = HashMap::new();
        for x in rows {
            answers.entry(x.application_id).or_default().push(x);
        }
        for (i, a) in all.iter_mut().enumerate() {
            a.number = i as i64 + 1;
            a.stage = stage_of(&stages, a.phase, a.stage).map(|s| s.position);
            a.knocked_out = answers
                .get(&a.id)
                .is_some_and(|xs| xs.iter().any(|x| x.knocked_out != 0))
                as i64;
            a.name_key = format!("{} {}", a.family_name, a.given_name).to_lowercase();
        }
        // The ambassadors the sources name, by code (a name changed since shows with the next
        // application to the posting).
        let mut codes: Vec<String> = all
            .iter()
            .filter_map(|a| a.source.strip_prefix("amb-").map(str::to_owned))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let ambassadors = self.ambassador_names(&codes).await?;
        let view = Arc::new(ApplicantView {
            seq,
            posting_id,
            ambassadors,
            stages,
            answer_days: settings.answer_days,
            blind_until: settings.blind_until,
            questions,
            applicants: all,
            answers,
        });
        self.applicants.put(posting_id, view.clone());
        Ok(view)
    }

    /// The posting's applicants narrowed by `keep` and ordered by `order`, and the page of them
    /// at `offset`: the page's rows get a `list` entry in the audit trail, with their screening
    /// answers. Counts per (phase, stage) cover the whole posting.
    pub async fn list_applicants(
        &self,
        reader: &Reader<'_>,
        view: &ApplicantView,
        keep: impl Fn(&Applicant) -> bool,
        order: impl Fn(&Applicant, &Applicant) -> std::cmp::Ordering,
        offset: usize,
        limit: usize,
    ) -> Result<ApplicantPage> {
        let mut counts: HashMap<(Phase, Option<i64>), usize> = HashMap::new();
        let mut kept: Vec<&Applicant> = Vec::new();
        for a in &view.applicants {
            *counts.entry((a.phase, a.stage)).or_default() += 1;
            if keep(a) {
                kept.push(a);
            }
        }
        kept.sort_by(|a, b| order(a, b));
        let total = kept.len();
        let page: Vec<Applicant> = kept.into_iter().skip(offset).take(limit).cloned().collect();
        let mut answers = vec![];
        if !page.is_empty() {
            answers = page
                .iter()
                .filter_map(|a| view.answers.get(&a.id))
                .flatten()
                .cloned()
                .collect();
            let ids: Vec<i64> = page.iter().map(|a| a.id).collect();
            self.audit_listed(reader, view.posting_id, &ids, None)
                .await?;
        }
        Ok(ApplicantPage {
            counts,
            total,
            page,
            answers,
        })
    }

    /// Move applications of one posting to a stage, or reject them, in one transaction: each
    /// application the rules allow is moved, its move logged with who and why and audited, and
    /// (when `write` gives one) a message stored for the portal and e-mailed in the candidate's
    /// language. Applications of other postings are left alone as not found.
    pub async fn move_applications(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        req: &MoveRequest<'_>,
        write: Option<&(dyn Fn(&Recipient) -> Written + Sync)>,
    ) -> Result<Moved> {
        let mut tx = self.begin().await?;
        tx.lock_posting(req.posting_id).await?;
        let stages = tx.stages_in(req.posting_id).await?;
        let to = match req.target {
            Target::Reject => (Phase::Rejected, None),
            Target::Stage(n) => {
                let s = stages
                    .iter()
                    .find(|s| s.position == n)
                    .ok_or(StoreError::NotFound)?;
                (s.phase, Some(s.position))
            }
        };
        #[derive(FromRow)]
        struct Current {
            #[sqlx(try_from = "String")]
            phase: Phase,
            stage: Option<i64>,
            lang: String,
            email: String,
            given_name: String,
            family_name: String,
        }
        let until = tx.blind_until(req.posting_id).await?;
        let mut reveal = vec![];
        let mut done = Moved::default();
        let mut details = vec![];
        let t = now();
        for &id in req.application_ids {
            let cur: Option<Current> = sqlx::query_as(
                "SELECT a.phase, a.stage, a.lang, c.email, c.given_name, c.family_name FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1 AND a.posting_id = $2",
            )
            .bind(id)
            .bind(req.posting_id)
            .fetch_optional(tx.conn())
            .await?;
            let Some(cur) = cur else {
                continue;
            };
            // The stage it stands in as the list shows it, so "already there" is judged alike.
            let from_stage = stage_of(&stages, cur.phase, cur.stage).map(|s| s.position);
            if let Err(r) = check_move((cur.phase, from_stage), to) {
                done.refused.push((id, r));
                continue;
            }
            let changed = sqlx::query(
                "UPDATE applications SET phase = $1, stage = $2, stage_since = $3, updated_at = $3, reminded_at = NULL WHERE id = $4 AND phase = $5 AND COALESCE(stage, -1) = $6",
            )
            .bind(to.0.as_str())
            .bind(to.1)
            .bind(t)
            .bind(id)
            .bind(cur.phase.as_str())
            .bind(cur.stage.unwrap_or(-1))
            .execute(tx.conn())
            .await?
            .rows_affected();
            if changed == 0 {
                done.refused.push((id, MoveRefused::Changed));
                continue;
            }
            if to.0.is_final() {
                tx.leave_process(id).await?;
            }
            if crate::blind::move_reveals(&stages, until, to) {
                reveal.push(id);
            }
            let mut message_id = None;
            if let Some(write) = write {
                let w = write(&Recipient {
                    application_id: id,
                    email: &cur.email,
                    name: format!("{} {}", cur.given_name, cur.family_name),
                    lang: Lang::parse(&cur.lang).unwrap_or(Lang::Nb),
                });
                message_id = Some(tx.send_message(id, user_id, &w, t).await?);
            }
            tx.log_transition(
                id,
                Some(user_id),
                false,
                (cur.phase, from_stage),
                to,
                req.reason,
                message_id,
            )
            .await?;
            details.push((
                id,
                format!(
                    "{} → {}{}",
                    cur.phase.as_str(),
                    to.0.as_str(),
                    if message_id.is_some() {
                        ", message"
                    } else {
                        ""
                    }
                ),
            ));
            done.moved.push(id);
        }
        let events: Vec<AuditEvent> = details
            .iter()
            .map(|(id, d)| reader.event(AuditAction::Update, SubjectKind::Application, *id, d))
            .collect();
        tx.audit(&events).await?;
        tx.reveal(reader, user_id, &reveal, crate::blind::RevealKind::Stage)
            .await?;
        // A withdrawal recorded by staff takes the applicant off the list.
        if to.0 == Phase::Withdrawn && !done.moved.is_empty() {
            tx.refresh_applicant_list(req.posting_id, None).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Where an application stands (its stage number as stored) and since when; no personal
    /// data. The caller has checked the reader may see it.
    pub async fn application_stage(&self, application_id: i64) -> Result<(Option<i64>, i64)> {
        sqlx::query_as("SELECT stage, stage_since FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The messages to and from the candidate about one application, oldest first. Read with
    /// the application itself (whose reading is audited).
    pub async fn application_messages(
        &self,
        application_id: i64,
    ) -> Result<Vec<crate::MessageRow>> {
        Ok(sqlx::query_as(MESSAGES_SQL)
            .bind(application_id)
            .fetch_all(self.r())
            .await?)
    }

    /// The moves of one application, oldest first, with who made them and the message's subject.
    pub async fn transitions(&self, application_id: i64) -> Result<Vec<TransitionRow>> {
        Ok(sqlx::query_as(
            "SELECT t.at, u.display_name AS user_name, t.by_candidate, t.from_phase, t.from_stage, t.to_phase, t.to_stage, t.reason, m.subject AS message_subject
             FROM application_transitions t LEFT JOIN users u ON u.id = t.user_id LEFT JOIN application_messages m ON m.id = t.message_id
             WHERE t.application_id = $1 ORDER BY t.id",
        )
        .bind(application_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Finish the case: refused before the deadline has passed (`today` is after it), and while
    /// any candidate lacks a final answer.
    pub async fn finish_posting(
        &self,
        posting_id: i64,
        user_id: i64,
        today: chrono::NaiveDate,
    ) -> Result<std::result::Result<(), FinishRefused>> {
        let mut tx = self.begin().await?;
        let (deadline, finished): (String, Option<i64>) =
            sqlx::query_as("SELECT deadline, finished_at FROM postings WHERE id = $1")
                .bind(posting_id)
                .fetch_optional(tx.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        if finished.is_some() {
            return Ok(Err(FinishRefused::Finished));
        }
        if deadline.as_str() >= today.format("%Y-%m-%d").to_string().as_str() {
            return Ok(Err(FinishRefused::Open));
        }
        let open: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM applications WHERE posting_id = $1 AND phase NOT IN {FINAL_PHASES}"
        ))
        .bind(posting_id)
        .fetch_one(tx.conn())
        .await?;
        if open > 0 {
            return Ok(Err(FinishRefused::Unanswered(open)));
        }
        let t = now();
        sqlx::query(
            "UPDATE postings SET finished_at = $1, finished_by = $2, updated_at = $1 WHERE id = $3",
        )
        .bind(t)
        .bind(user_id)
        .bind(posting_id)
        .execute(tx.conn())
        .await?;
        tx.posting_event(posting_id, Some(user_id), PostingAction::Finish, "")
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// When the case was finished, if it was.
    pub async fn posting_finished_at(&self, posting_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT finished_at FROM postings WHERE id = $1")
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?
                .flatten(),
        )
    }

    /// Queue reminders about candidates who have waited at least their posting's answer time in
    /// one stage, at `now`, once the posting's deadline has passed (before it, more may come): one e-mail (from `write`) per posting and recipient (whoever made
    /// the posting or asked for the position, and the HR advisors nearest above its unit), and
    /// the candidates marked so the next reminder comes one answer time later. One transaction.
    /// Returns how many e-mails were queued.
    pub async fn queue_waiting_reminders(
        &self,
        now: i64,
        write: &(dyn Fn(&Waiting, &str, &str) -> OutgoingEmail + Sync),
    ) -> Result<usize> {
        #[derive(FromRow)]
        struct Due {
            id: i64,
            posting_id: i64,
            stage_since: i64,
        }
        let mut tx = self.begin().await?;
        let due: Vec<Due> = sqlx::query_as(&format!(
            "SELECT a.id, a.posting_id, a.stage_since FROM applications a JOIN postings p ON p.id = a.posting_id
             WHERE a.phase NOT IN {FINAL_PHASES} AND p.deadline < $2 AND a.stage_since <= $1 - p.answer_days * 86400
               AND (a.reminded_at IS NULL OR a.reminded_at <= $1 - p.answer_days * 86400)
             ORDER BY a.posting_id, a.stage_since"
        ))
        .bind(now)
        .bind(
            talentflyt_domain::clock::norwegian_date(
                chrono::DateTime::from_timestamp(now, 0).unwrap_or_default(),
            )
            .format("%Y-%m-%d")
            .to_string(),
        )
        .fetch_all(tx.conn())
        .await?;
        let mut by_posting: Vec<(i64, Vec<&Due>)> = vec![];
        for d in &due {
            match by_posting.last_mut() {
                Some((p, v)) if *p == d.posting_id => v.push(d),
                _ => by_posting.push((d.posting_id, vec![d])),
            }
        }
        let mut sent = 0;
        for (posting_id, apps) in by_posting {
            let (title, reference, answer_days, unit_path): (String, String, i64, String) =
                sqlx::query_as("SELECT p.title, p.reference, p.answer_days, u.path FROM postings p JOIN org_units u ON u.id = p.unit_id WHERE p.id = $1")
                    .bind(posting_id)
                    .fetch_one(tx.conn())
                    .await?;
            let recipients = tx.reminder_recipients(posting_id, &unit_path).await?;
            let w = Waiting {
                posting_id,
                title,
                reference,
                answer_days,
                count: apps.len(),
                oldest_since: apps.iter().map(|a| a.stage_since).min().unwrap_or(now),
                recipients,
            };
            for (email, name) in &w.recipients {
                tx.enqueue_email(&write(&w, email, name)).await?;
                sent += 1;
            }
            for a in apps {
                sqlx::query("UPDATE applications SET reminded_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(a.id)
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(sent)
    }
}

impl Tx {
    /// A message from the staff to the candidate of an application: kept for Min side and
    /// e-mailed (through the outbox, in this transaction). Returns the message's id.
    pub(crate) async fn send_message(
        &mut self,
        application_id: i64,
        user_id: i64,
        w: &Written,
        at: i64,
    ) -> Result<i64> {
        let id = sqlx::query_scalar("INSERT INTO application_messages (application_id, from_candidate, subject, body, created_at, user_id) VALUES ($1, 0, $2, $3, $4, $5) RETURNING id")
            .bind(application_id)
            .bind(&w.message.subject)
            .bind(&w.message.body)
            .bind(at)
            .bind(user_id)
            .fetch_one(self.conn())
            .await?;
        self.enqueue_email(&w.email).await?;
        Ok(id)
    }

    /// An application leaves the process (rejected, withdrawn): a time ahead is freed and
    /// cancelled in the candidate's calendar, references not taken are closed, and an offer not
    /// yet answered is withdrawn.
    pub(crate) async fn leave_process(&mut self, application_id: i64) -> Result<()> {
        self.release_on_exit(application_id).await?;
        self.close_references(application_id).await?;
        sqlx::query(
            "UPDATE offers SET status = 'withdrawn', answered_at = $1 WHERE application_id = $2 AND status IN ('proposed','sent')",
        )
        .bind(now())
        .bind(application_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The staff to remind about a posting: its maker and the requisition's requester (if still
    /// active), and the active HR advisors granted on the nearest unit above it that has any.
    async fn reminder_recipients(
        &mut self,
        posting_id: i64,
        unit_path: &str,
    ) -> Result<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.email, u.display_name FROM users u WHERE u.active = 1 AND u.id IN (
                SELECT created_by FROM postings WHERE id = $1 AND created_by IS NOT NULL
                UNION SELECT r.requested_by FROM requisitions r JOIN postings p ON p.requisition_id = r.id WHERE p.id = $1)
             ORDER BY u.id",
        )
        .bind(posting_id)
        .fetch_all(self.conn())
        .await?;
        let advisors: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.email, u.display_name, o.path FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.unit_id
             WHERE g.role = 'hr_advisor' AND u.active = 1 AND $1 LIKE o.path || '%'
             ORDER BY LENGTH(o.path) DESC, u.id",
        )
        .bind(unit_path)
        .fetch_all(self.conn())
        .await?;
        if let Some(nearest) = advisors.first().map(|a| a.2.clone()) {
            out.extend(
                advisors
                    .into_iter()
                    .filter(|a| a.2 == nearest)
                    .map(|a| (a.0, a.1)),
            );
        }
        out.sort();
        out.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        Ok(out)
    }
}

/// The applicant list's page, with the counts of the whole posting per (phase, stage).
#[derive(Debug, Clone, Default)]
pub struct ApplicantPage {
    pub counts: HashMap<(Phase, Option<i64>), usize>,
    /// How many passed the filter.
    pub total: usize,
    pub page: Vec<Applicant>,
    pub answers: Vec<ListedAnswer>,
}

/// One posting's applicant list, as of one value of its counter (see
/// [`Store::applicant_view`]).
pub struct ApplicantView {
    seq: i64,
    pub posting_id: i64,
    pub stages: Vec<Stage>,
    /// Days an applicant may wait in a stage before they are marked (and reminded of).
    pub answer_days: i64,
    /// The stage from which identity is shown, when the posting screens blind.
    pub blind_until: Option<i64>,
    pub questions: Vec<talentflyt_domain::application::Question>,
    /// In order of submission, each in the stage it stands in.
    applicants: Vec<Applicant>,
    answers: HashMap<i64, Vec<ListedAnswer>>,
    /// (code, name) of the ambassadors whose links the applicants came by.
    pub ambassadors: Vec<(String, String)>,
}

impl ApplicantView {
    /// One applicant of the posting, as the snapshot holds them (no audit: the caller shows
    /// what it takes and audits that).
    pub fn applicant(&self, id: i64) -> Option<&Applicant> {
        self.applicants.iter().find(|a| a.id == id)
    }

    /// Every applicant, in order of submission.
    pub fn applicants(&self) -> &[Applicant] {
        &self.applicants
    }
}

/// Snapshots of the postings whose lists were read lately, at most [`ApplicantCache::MAX`]:
/// the one read longest ago goes first.
#[derive(Default)]
pub(crate) struct ApplicantCache {
    map: std::sync::Mutex<HashMap<i64, (u64, Arc<ApplicantView>)>>,
    tick: std::sync::atomic::AtomicU64,
}

impl ApplicantCache {
    const MAX: usize = 128;

    /// Forget every snapshot (the schema was emptied: counters start again from nothing).
    pub(crate) fn clear(&self) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn get(&self, posting_id: i64, seq: i64) -> Option<Arc<ApplicantView>> {
        let t = self.tick.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let (used, snap) = map.get_mut(&posting_id)?;
        if snap.seq != seq {
            return None;
        }
        *used = t;
        Some(snap.clone())
    }

    fn put(&self, posting_id: i64, snap: Arc<ApplicantView>) {
        let t = self.tick.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        // A slower reader must not put back an older snapshot than the one there.
        if map
            .get(&posting_id)
            .is_some_and(|(_, old)| old.seq > snap.seq)
        {
            return;
        }
        map.insert(posting_id, (t, snap));
        if map.len() > Self::MAX {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| *k)
            {
                map.remove(&oldest);
            }
        }
    }
}
