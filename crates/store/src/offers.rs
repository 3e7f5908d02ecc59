//! The offer (R13) and the hire. An offer goes to a candidate ranked in the posting's signed
//! innstilling; HR approves it (never the one who proposed it), which sends it and moves the
//! candidate to the offer stage; the candidate accepts or declines on Min side by its day.
//! Acceptance makes the hire: the application is hired, an employee record is made, and a row
//! in `hires` hands the new employee to onboarding. When every position is filled, everyone
//! still waiting gets their final answer in the same transaction.

use crate::{
    now, AuditAction, OutgoingEmail, Reader, Recipient, Result, Store, StoreError, SubjectKind, Tx,
    Written,
};
use sqlx::FromRow;
use talentflyt_domain::offer::{Status, Terms};
use talentflyt_domain::posting::Phase;
use talentflyt_domain::Lang;

/// An offer as kept.
#[derive(Debug, Clone, FromRow)]
pub struct OfferRow {
    pub id: i64,
    pub posting_id: i64,
    pub application_id: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub terms: String,
    pub answer_by: String,
    pub lang: String,
    pub proposed_by: Option<i64>,
    pub proposed_by_name: Option<String>,
    pub proposed_at: i64,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<i64>,
    pub answered_at: Option<i64>,
}

impl OfferRow {
    pub fn terms(&self) -> Result<Terms> {
        serde_json::from_str(&self.terms)
            .map_err(|e| StoreError::Other(format!("offer terms: {e}")))
    }
    pub fn answer_by(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(&self.answer_by, "%Y-%m-%d").unwrap_or_default()
    }
}

/// Why an offer step was refused; the key of the text the reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferRefused {
    /// The posting's innstilling is not signed.
    NotSigned,
    /// The candidate is not ranked in it.
    NotRanked,
    /// The candidate has a final answer already.
    Final,
    /// An offer to this candidate is open already.
    Open,
    /// Every position is filled.
    Filled,
    /// Not waiting for this step (approved, answered or withdrawn already).
    NotWaiting,
    /// The one who proposed it may not approve it too.
    OwnProposal,
    /// The day to answer has passed.
    Lapsed,
}

impl OfferRefused {
    pub fn key(self) -> &'static str {
        match self {
            OfferRefused::NotSigned => "offer.not_signed",
            OfferRefused::NotRanked => "offer.not_ranked",
            OfferRefused::Final => "offer.final",
            OfferRefused::Open => "offer.open_exists",
            OfferRefused::Filled => "offer.filled",
            OfferRefused::NotWaiting => "offer.not_waiting",
            OfferRefused::OwnProposal => "offer.own_proposal",
            OfferRefused::Lapsed => "offer.lapsed",
        }
    }
}

type Refusable<T> = std::result::Result<T, OfferRefused>;

pub(crate) const OFFER: &str = "SELECT o.id, o.posting_id, o.application_id, o.status, o.terms, o.answer_by, o.lang, o.proposed_by, pu.display_name AS proposed_by_name, o.proposed_at, au.display_name AS approved_by_name, o.approved_at, o.answered_at
     FROM offers o LEFT JOIN users pu ON pu.id = o.proposed_by LEFT JOIN users au ON au.id = o.approved_by";

/// What the candidate's answer did.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    pub accepted: bool,
    /// The employee record made.
    pub employee_id: Option<i64>,
    /// Every position is now filled: those still waiting were given their final answer.
    pub answered_rest: usize,
}

/// An offer waiting for HR's approval, for HR's front page.
#[derive(Debug, Clone, FromRow)]
pub struct AwaitingApproval {
    pub posting_id: i64,
    pub title: String,
    pub unit_path: String,
    pub proposed_by: Option<i64>,
}

impl Store {
    /// Every offer waiting for approval (the caller keeps those the reader may approve); they
    /// wait hours or days, so there are never many.
    pub async fn offers_awaiting_approval(&self) -> Result<Vec<AwaitingApproval>> {
        Ok(sqlx::query_as(
            "SELECT o.posting_id, p.title, u.path AS unit_path, o.proposed_by FROM offers o JOIN postings p ON p.id = o.posting_id JOIN org_units u ON u.id = p.unit_id
             WHERE o.status = 'proposed' ORDER BY o.proposed_at, o.id",
        )
        .fetch_all(self.r())
        .await?)
    }

    /// The posting's offers, newest first (no candidate data but ids).
    pub async fn posting_offers(&self, posting_id: i64) -> Result<Vec<OfferRow>> {
        Ok(sqlx::query_as(&format!(
            "{OFFER} WHERE o.posting_id = $1 ORDER BY o.id DESC"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    pub async fn offer(&self, id: i64) -> Result<OfferRow> {
        sqlx::query_as(&format!("{OFFER} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The newest offer sent to the candidate's application (what Min side shows). The caller
    /// has checked the application is theirs.
    pub async fn candidate_offer(&self, application_id: i64) -> Result<Option<OfferRow>> {
        Ok(sqlx::query_as(&format!(
            "{OFFER} WHERE o.application_id = $1 AND o.status <> 'proposed' ORDER BY o.id DESC LIMIT 1"
        ))
        .bind(application_id)
        .fetch_optional(self.r())
        .await?)
    }

    /// How many the posting has hired.
    pub async fn hires_of(&self, posting_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM hires WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_one(self.r())
                .await?,
        )
    }

    /// Propose an offer to a candidate ranked in the signed innstilling, while positions are
    /// left and no offer to them is open. Audited as a change to the application; HR over the
    /// unit (but the proposer) are e-mailed (`notify`) to approve it.
    pub async fn propose_offer(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        posting_id: i64,
        application_id: i64,
        terms: &Terms,
        notify: &(dyn Fn(&crate::StaffAddress) -> OutgoingEmail + Sync),
    ) -> Result<Refusable<i64>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM recommendations WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_optional(tx.conn())
                .await?;
        if status.as_deref() != Some("signed") {
            return Ok(Err(OfferRefused::NotSigned));
        }
        let ranked: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT rank FROM recommendation_entries WHERE posting_id = $1 AND application_id = $2",
        )
        .bind(posting_id)
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?;
        if !matches!(ranked, Some(Some(_))) {
            return Ok(Err(OfferRefused::NotRanked));
        }
        let (phase, lang): (String, String) = sqlx::query_as(
            "SELECT phase, lang FROM applications WHERE id = $1 AND posting_id = $2",
        )
        .bind(application_id)
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        if Phase::parse(&phase).is_none_or(Phase::is_final) {
            return Ok(Err(OfferRefused::Final));
        }
        if tx.filled(posting_id).await? {
            return Ok(Err(OfferRefused::Filled));
        }
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM offers WHERE application_id = $1 AND status IN ('proposed','sent')",
        )
        .bind(application_id)
        .fetch_one(tx.conn())
        .await?;
        if open > 0 {
            return Ok(Err(OfferRefused::Open));
        }
        let json = serde_json::to_string(terms)
            .map_err(|e| StoreError::Other(format!("offer terms: {e}")))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO offers (posting_id, application_id, status, terms, answer_by, lang, proposed_by, proposed_at) VALUES ($1, $2, 'proposed', $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(posting_id)
        .bind(application_id)
        .bind(json)
        .bind(terms.answer_by.format("%Y-%m-%d").to_string())
        .bind(lang)
        .bind(user_id)
        .bind(now())
        .fetch_one(tx.conn())
        .await?;
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            "offer proposed",
        )])
        .await?;
        for to in tx
            .signers(
                posting_id,
                talentflyt_domain::recommendation::Authority::Hr,
                Some(user_id),
            )
            .await?
        {
            tx.enqueue_email(&notify(&to)).await?;
        }
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// HR approves a proposed offer: it is sent (the message and e-mail `write` makes, in the
    /// candidate's language) and the candidate moves to the posting's offer stage.
    pub async fn approve_offer(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        offer_id: i64,
        write: &(dyn Fn(&Recipient) -> Written + Sync),
    ) -> Result<Refusable<()>> {
        let o = self.offer(offer_id).await?;
        let mut tx = self.begin().await?;
        tx.lock_posting(o.posting_id).await?;
        if o.proposed_by == Some(user_id) {
            return Ok(Err(OfferRefused::OwnProposal));
        }
        if tx.phase_of(o.application_id).await?.is_final() {
            return Ok(Err(OfferRefused::Final));
        }
        let t = now();
        let changed = sqlx::query(
            "UPDATE offers SET status = 'sent', approved_by = $1, approved_at = $2 WHERE id = $3 AND status = 'proposed'",
        )
        .bind(user_id)
        .bind(t)
        .bind(offer_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Err(OfferRefused::NotWaiting));
        }
        let r = tx.recipient(o.application_id).await?;
        let w = write(&r.borrowed());
        let message = tx.send_message(o.application_id, user_id, &w, t).await?;
        tx.move_to_phase(
            o.application_id,
            Phase::Offer,
            Some(user_id),
            false,
            "offer sent",
            Some(message),
        )
        .await?;
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            o.application_id,
            "offer sent",
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The staff take back an offer not yet answered.
    pub async fn withdraw_offer(
        &self,
        reader: &Reader<'_>,
        offer_id: i64,
    ) -> Result<Refusable<()>> {
        let o = self.offer(offer_id).await?;
        let mut tx = self.begin().await?;
        tx.lock_posting(o.posting_id).await?;
        let changed = sqlx::query(
            "UPDATE offers SET status = 'withdrawn', answered_at = $1 WHERE id = $2 AND status IN ('proposed','sent')",
        )
        .bind(now())
        .bind(offer_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Err(OfferRefused::NotWaiting));
        }
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            o.application_id,
            "offer withdrawn",
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The candidate's answer on Min side, by the offer's day. Accepting hires them (an
    /// employee record, the hand-off to onboarding) and, once every position is filled, gives
    /// everyone still waiting the final answer `final_answer` writes; `staff` is e-mailed to
    /// the one who proposed the offer. Declining withdraws the application. The caller has
    /// checked the application is the candidate's.
    #[allow(clippy::too_many_arguments)]
    pub async fn answer_offer(
        &self,
        candidate_id: i64,
        application_id: i64,
        accept: bool,
        today: chrono::NaiveDate,
        ip: &str,
        staff: &(dyn Fn(&(String, String), bool) -> OutgoingEmail + Sync),
        final_answer: &(dyn Fn(&Recipient) -> Written + Sync),
    ) -> Result<Refusable<Answered>> {
        let o = self
            .candidate_offer(application_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if o.status != Status::Sent {
            return Ok(Err(OfferRefused::NotWaiting));
        }
        if today > o.answer_by() {
            return Ok(Err(OfferRefused::Lapsed));
        }
        let terms = o.terms()?;
        let reader = Reader::candidate(candidate_id, ip);
        let mut tx = self.begin().await?;
        tx.lock_posting(o.posting_id).await?;
        // Withdrawn meanwhile (the offer went with it, but a stale page may still post).
        if tx.phase_of(application_id).await?.is_final() {
            return Ok(Err(OfferRefused::NotWaiting));
        }
        let t = now();
        let changed = sqlx::query(
            "UPDATE offers SET status = $1, answered_at = $2 WHERE id = $3 AND status = 'sent'",
        )
        .bind(if accept { "accepted" } else { "declined" })
        .bind(t)
        .bind(o.id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Err(OfferRefused::NotWaiting));
        }
        let mut out = Answered {
            accepted: accept,
            ..Answered::default()
        };
        if accept {
            tx.move_to_phase(
                application_id,
                Phase::Hired,
                None,
                true,
                "offer accepted",
                None,
            )
            .await?;
            let employee = tx
                .make_employee(o.posting_id, application_id, &terms)
                .await?;
            sqlx::query(
                "INSERT INTO hires (posting_id, application_id, offer_id, employee_id, start_date, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(o.posting_id)
            .bind(application_id)
            .bind(o.id)
            .bind(employee)
            .bind(terms.start_date.format("%Y-%m-%d").to_string())
            .bind(t)
            .execute(tx.conn())
            .await?;
            out.employee_id = Some(employee);
            if tx.filled(o.posting_id).await? {
                out.answered_rest = tx
                    .answer_the_rest(o.posting_id, o.proposed_by, final_answer)
                    .await?;
            }
        } else {
            sqlx::query("UPDATE applications SET withdrawn_at = $1 WHERE id = $2")
                .bind(t)
                .bind(application_id)
                .execute(tx.conn())
                .await?;
            tx.move_to_phase(
                application_id,
                Phase::Withdrawn,
                None,
                true,
                "offer declined",
                None,
            )
            .await?;
            tx.refresh_applicant_list(o.posting_id, None).await?;
        }
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            if accept {
                "offer accepted"
            } else {
                "offer declined"
            },
        )])
        .await?;
        if let Some(by) = o.proposed_by {
            let to: Option<(String, String)> = sqlx::query_as(
                "SELECT email, display_name FROM users WHERE id = $1 AND active = 1",
            )
            .bind(by)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(to) = to {
                tx.enqueue_email(&staff(&to, accept)).await?;
            }
        }
        tx.commit().await?;
        Ok(Ok(out))
    }
}

/// The candidate of an application, owned, for a message.
struct Owned {
    application_id: i64,
    email: String,
    name: String,
    lang: Lang,
}

impl Owned {
    fn borrowed(&self) -> Recipient<'_> {
        Recipient {
            application_id: self.application_id,
            email: &self.email,
            name: self.name.clone(),
            lang: self.lang,
        }
    }
}

impl Tx {
    async fn recipient(&mut self, application_id: i64) -> Result<Owned> {
        let (email, given, family, lang): (String, String, String, String) = sqlx::query_as(
            "SELECT c.email, c.given_name, c.family_name, a.lang FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1",
        )
        .bind(application_id)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(Owned {
            application_id,
            email,
            name: format!("{given} {family}"),
            lang: Lang::parse(&lang).unwrap_or(Lang::Nb),
        })
    }

    async fn phase_of(&mut self, application_id: i64) -> Result<Phase> {
        let p: String = sqlx::query_scalar("SELECT phase FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Phase::parse(&p).unwrap_or(Phase::Applied))
    }

    /// Every position of the posting is filled.
    async fn filled(&mut self, posting_id: i64) -> Result<bool> {
        let (hired, positions): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM hires WHERE posting_id = $1), positions FROM postings WHERE id = $1",
        )
        .bind(posting_id)
        .fetch_one(self.conn())
        .await?;
        Ok(hired >= positions)
    }

    /// Move one application to the first stage of `phase` (or to the exit), logged.
    async fn move_to_phase(
        &mut self,
        application_id: i64,
        phase: Phase,
        user_id: Option<i64>,
        by_candidate: bool,
        reason: &str,
        message_id: Option<i64>,
    ) -> Result<()> {
        let (posting_id, from, stage): (i64, String, Option<i64>) =
            sqlx::query_as("SELECT posting_id, phase, stage FROM applications WHERE id = $1")
                .bind(application_id)
                .fetch_one(self.conn())
                .await?;
        let from = Phase::parse(&from).unwrap_or(Phase::Applied);
        let stages = self.stages_in(posting_id).await?;
        let to_stage = if phase.is_final() && phase != Phase::Hired {
            None
        } else {
            talentflyt_domain::pipeline::stage_of(&stages, phase, None).map(|s| s.position)
        };
        let from_stage =
            talentflyt_domain::pipeline::stage_of(&stages, from, stage).map(|s| s.position);
        let t = now();
        sqlx::query(
            "UPDATE applications SET phase = $1, stage = $2, stage_since = $3, updated_at = $3, reminded_at = NULL WHERE id = $4",
        )
        .bind(phase.as_str())
        .bind(to_stage)
        .bind(t)
        .bind(application_id)
        .execute(self.conn())
        .await?;
        if phase.is_final() {
            self.leave_process(application_id).await?;
        }
        self.log_transition(
            application_id,
            user_id,
            by_candidate,
            (from, from_stage),
            (phase, to_stage),
            reason,
            message_id,
        )
        .await
    }

    /// The employee record of a hire, from what the candidate told and the offer's terms.
    async fn make_employee(
        &mut self,
        posting_id: i64,
        application_id: i64,
        terms: &Terms,
    ) -> Result<i64> {
        let (given, family, birth, gender, unit_id, profession): (
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            String,
        ) = sqlx::query_as(
            "SELECT c.given_name, c.family_name, d.birth_date, d.gender, p.unit_id, p.profession
             FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN postings p ON p.id = a.posting_id
             LEFT JOIN application_details d ON d.application_id = a.id WHERE a.id = $1 AND p.id = $2",
        )
        .bind(application_id)
        .bind(posting_id)
        .fetch_one(self.conn())
        .await?;
        let birth_year = birth
            .as_deref()
            .and_then(|b| b.get(..4))
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(0);
        Ok(sqlx::query_scalar(
            "INSERT INTO employees (employee_number, given_name, family_name, birth_year, gender, unit_id, profession, fte_percent, permanent, hired_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(format!("TF{application_id:07}"))
        .bind(given)
        .bind(family)
        .bind(birth_year)
        .bind(gender.unwrap_or_default())
        .bind(unit_id)
        .bind(profession)
        .bind(terms.fte_percent)
        .bind(terms.permanent as i64)
        .bind(terms.start_date.format("%Y-%m-%d").to_string())
        .fetch_one(self.conn())
        .await?)
    }

    /// Every position filled: each applicant still waiting gets the final answer (rejected,
    /// with the message `write` makes in their language), as if `user_id` had sent it. Open
    /// offers to them are withdrawn.
    async fn answer_the_rest(
        &mut self,
        posting_id: i64,
        user_id: Option<i64>,
        write: &(dyn Fn(&Recipient) -> Written + Sync),
    ) -> Result<usize> {
        let waiting: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM applications WHERE posting_id = $1 AND phase NOT IN ('withdrawn','rejected','hired') ORDER BY id",
        )
        .bind(posting_id)
        .fetch_all(self.conn())
        .await?;
        let t = now();
        for id in &waiting {
            sqlx::query(
                "UPDATE offers SET status = 'withdrawn', answered_at = $1 WHERE application_id = $2 AND status IN ('proposed','sent')",
            )
            .bind(t)
            .bind(id)
            .execute(self.conn())
            .await?;
            let r = self.recipient(*id).await?;
            let w = write(&r.borrowed());
            let message = match user_id {
                Some(u) => Some(self.send_message(*id, u, &w, t).await?),
                None => {
                    self.enqueue_email(&w.email).await?;
                    None
                }
            };
            self.move_to_phase(
                *id,
                Phase::Rejected,
                user_id,
                false,
                "position filled",
                message,
            )
            .await?;
        }
        Ok(waiting.len())
    }
}
