//! References (R10): staff ask the candidate's consent to contact the referees named in the
//! application; the candidate answers per referee in the portal (and may change the answer
//! until the referee is contacted); staff then send a consented referee a link to a structured
//! form, which the referee answers once, before the link runs out. Each step is audited on the
//! application, and who asked when is kept on the row.

use crate::{
    now, Actor, AuditAction, AuditEvent, OutgoingEmail, Reader, Recipient, Result, Store,
    StoreError, SubjectKind, Written,
};
use sqlx::FromRow;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::reference::Answers;
use talentflyt_domain::Lang;

/// One referee of an application, and how far the reference has come.
#[derive(Debug, Clone, FromRow)]
pub struct ReferenceCheck {
    pub id: i64,
    pub application_id: i64,
    pub referee_name: String,
    pub referee_relation: String,
    pub referee_email: String,
    pub referee_phone: String,
    /// `consent_asked`, `consented`, `declined`, `requested` or `answered`.
    pub status: String,
    pub consent_asked_at: i64,
    pub consent_asked_by_name: Option<String>,
    pub consent_at: Option<i64>,
    pub requested_at: Option<i64>,
    pub requested_by_name: Option<String>,
    pub expires_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub answers: Option<String>,
}

impl ReferenceCheck {
    pub fn answers(&self) -> Option<Answers> {
        self.answers
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
    }

    /// The candidate may still give or take back consent: the referee has not answered (a
    /// consent taken back after the link was sent voids the link).
    pub fn open_to_candidate(&self) -> bool {
        matches!(
            self.status.as_str(),
            "consent_asked" | "consented" | "declined" | "requested"
        )
    }

    /// The link was sent and ran out unanswered: staff may send a new one.
    pub fn expired(&self, now_unix: i64) -> bool {
        self.status == "requested" && self.expires_at.is_some_and(|e| e <= now_unix)
    }
}

/// What a referee's link opens.
#[derive(Debug, Clone, FromRow)]
pub struct RefereeView {
    pub id: i64,
    pub application_id: i64,
    pub status: String,
    pub expires_at: Option<i64>,
    pub referee_name: String,
    pub given_name: String,
    pub family_name: String,
    pub title: String,
    pub title_en: String,
    pub lang: String,
}

/// A link sent to a consented referee.
#[derive(Clone, Copy)]
pub struct ReferenceRequest<'a> {
    /// The referee's row.
    pub check_id: i64,
    /// The hash of the link's token.
    pub token_hash: &'a str,
    pub expires_at: i64,
    /// The e-mail that carries the link.
    pub email: &'a OutgoingEmail,
    /// Now (Unix seconds), by the caller's clock: a link that ran out may be sent anew.
    pub now: i64,
}

/// Why consent was not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentRefused {
    /// References come once the candidate is met: interview or later, and still in the running.
    Phase,
    /// No referee in the application has an e-mail address not asked about already.
    NoReferees,
}

impl ConsentRefused {
    pub fn key(self) -> &'static str {
        match self {
            ConsentRefused::Phase => "reference.refused_phase",
            ConsentRefused::NoReferees => "reference.refused_none",
        }
    }
}

const CHECK_SQL: &str = "SELECT r.id, r.application_id, r.referee_name, r.referee_relation, r.referee_email, r.referee_phone, r.status,
        r.consent_asked_at, ua.display_name AS consent_asked_by_name, r.consent_at, r.requested_at, ur.display_name AS requested_by_name,
        r.expires_at, r.answered_at, r.answers
     FROM reference_checks r LEFT JOIN users ua ON ua.id = r.consent_asked_by LEFT JOIN users ur ON ur.id = r.requested_by";

impl crate::Tx {
    /// An application's references, read inside this transaction.
    pub(crate) async fn reference_checks_of(
        &mut self,
        application_id: i64,
    ) -> Result<Vec<ReferenceCheck>> {
        Ok(sqlx::query_as(&format!(
            "{CHECK_SQL} WHERE r.application_id = $1 ORDER BY r.id"
        ))
        .bind(application_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// An application leaves the process (rejected, withdrawn, hired): references not taken
    /// are closed, and links sent no longer work.
    pub(crate) async fn close_references(&mut self, application_id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE reference_checks SET status = 'closed', token_hash = NULL WHERE application_id = $1 AND status IN ('consent_asked', 'consented', 'requested')",
        )
        .bind(application_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// An application's referees as far as references have come, in the order asked. Read with
    /// the application (whose reading is audited by the caller's page).
    pub async fn reference_checks(&self, application_id: i64) -> Result<Vec<ReferenceCheck>> {
        Ok(sqlx::query_as(&format!(
            "{CHECK_SQL} WHERE r.application_id = $1 ORDER BY r.id"
        ))
        .bind(application_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Ask the candidate's consent to contact the application's referees that have an e-mail
    /// address and were not asked about before: a row each, and one message to the candidate
    /// (stored for the portal and e-mailed) that `write` makes from the referees' names.
    pub async fn ask_reference_consent(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        application_id: i64,
        write: &(dyn Fn(&Recipient, &[String]) -> Written + Sync),
    ) -> Result<std::result::Result<usize, ConsentRefused>> {
        #[derive(FromRow)]
        struct Cur {
            #[sqlx(try_from = "String")]
            phase: Phase,
            lang: String,
            email: String,
            given_name: String,
            family_name: String,
            referees: Option<String>,
        }
        let mut tx = self.begin().await?;
        let cur: Cur = sqlx::query_as(
            "SELECT a.phase, a.lang, c.email, c.given_name, c.family_name, d.referees FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN application_details d ON d.application_id = a.id WHERE a.id = $1",
        )
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        if !matches!(
            cur.phase,
            Phase::Interview | Phase::References | Phase::Recommendation | Phase::Offer
        ) {
            return Ok(Err(ConsentRefused::Phase));
        }
        let referees: Vec<talentflyt_domain::application::Referee> = cur
            .referees
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let asked: Vec<String> = sqlx::query_scalar(
            "SELECT referee_email FROM reference_checks WHERE application_id = $1",
        )
        .bind(application_id)
        .fetch_all(tx.conn())
        .await?;
        let t = now();
        let mut names = vec![];
        for r in referees {
            let email = r.email.trim().to_lowercase();
            if email.is_empty() || asked.contains(&email) || names.iter().any(|(_, e)| *e == email)
            {
                continue;
            }
            // A second click at once asks about no one twice (the pair is UNIQUE).
            let added = sqlx::query("INSERT INTO reference_checks (application_id, referee_name, referee_relation, referee_email, referee_phone, status, consent_asked_at, consent_asked_by) VALUES ($1, $2, $3, $4, $5, 'consent_asked', $6, $7) ON CONFLICT (application_id, referee_email) DO NOTHING")
                .bind(application_id)
                .bind(r.name.trim())
                .bind(r.relation.trim())
                .bind(&email)
                .bind(r.phone.trim())
                .bind(t)
                .bind(user_id)
                .execute(tx.conn())
                .await?
                .rows_affected();
            if added == 1 {
                names.push((r.name.trim().to_owned(), email));
            }
        }
        if names.is_empty() {
            return Ok(Err(ConsentRefused::NoReferees));
        }
        let w = write(
            &Recipient {
                application_id,
                email: &cur.email,
                name: format!("{} {}", cur.given_name, cur.family_name),
                lang: Lang::parse(&cur.lang).unwrap_or(Lang::Nb),
            },
            &names.iter().map(|n| n.0.clone()).collect::<Vec<_>>(),
        );
        tx.send_message(application_id, user_id, &w, t).await?;
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            "consent to contact referees asked",
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(names.len()))
    }

    /// The candidate's answer: consent to contacting the referees in `consented` (by row id),
    /// none to the others still open to them. Referees already contacted are left as they are.
    /// Returns how many rows were answered; `NotFound` if the application is not theirs.
    pub async fn answer_reference_consent(
        &self,
        candidate_id: i64,
        application_id: i64,
        consented: &[i64],
        ip: &str,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT id FROM applications WHERE id = $1 AND candidate_id = $2")
                .bind(application_id)
                .bind(candidate_id)
                .fetch_optional(tx.conn())
                .await?;
        if owner.is_none() {
            return Err(StoreError::NotFound);
        }
        let open: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, status FROM reference_checks WHERE application_id = $1 AND status IN ('consent_asked', 'consented', 'declined', 'requested') ORDER BY id",
        )
        .bind(application_id)
        .fetch_all(tx.conn())
        .await?;
        let t = now();
        for (id, was) in &open {
            let status = match (consented.contains(id), was.as_str()) {
                // Sent, and still consented to: the link stands.
                (true, "requested") => continue,
                (true, _) => "consented",
                // Taken back: a link sent no longer works.
                (false, _) => "declined",
            };
            sqlx::query(
                "UPDATE reference_checks SET status = $1, consent_at = $2, token_hash = NULL WHERE id = $3 AND status IN ('consent_asked', 'consented', 'declined', 'requested')",
            )
            .bind(status)
            .bind(t)
            .bind(id)
            .execute(tx.conn())
            .await?;
        }
        if !open.is_empty() {
            tx.audit(&[crate::portal::candidate_event(
                candidate_id,
                AuditAction::Update,
                SubjectKind::Application,
                application_id,
                ip,
                "consent to contact referees answered",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(open.len())
    }

    /// Send a consented referee the link (its token's hash, valid until `expires_at`) by the
    /// e-mail given. `false` when the row is not the application's or not consented (any more).
    pub async fn request_reference(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        application_id: i64,
        req: &ReferenceRequest<'_>,
    ) -> Result<bool> {
        let ReferenceRequest {
            check_id,
            token_hash,
            expires_at,
            email,
            now: t,
        } = *req;
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE reference_checks SET status = 'requested', requested_at = $1, requested_by = $2, token_hash = $3, expires_at = $4
             WHERE id = $5 AND application_id = $6 AND (status = 'consented' OR (status = 'requested' AND expires_at <= $1))
               AND application_id IN (SELECT id FROM applications WHERE phase IN ('interview', 'references', 'recommendation', 'offer'))",
        )
        .bind(t)
        .bind(user_id)
        .bind(token_hash)
        .bind(expires_at)
        .bind(check_id)
        .bind(application_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed != 1 {
            return Ok(false);
        }
        tx.enqueue_email(email).await?;
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            "reference requested from a referee",
        )])
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The referee's row a link's token opens (by its hash).
    pub async fn reference_by_token(&self, token_hash: &str) -> Result<Option<RefereeView>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.application_id, r.status, r.expires_at, r.referee_name, c.given_name, c.family_name, p.title, p.title_en, a.lang
             FROM reference_checks r JOIN applications a ON a.id = r.application_id JOIN candidates c ON c.id = a.candidate_id JOIN postings p ON p.id = a.posting_id
             WHERE r.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.r())
        .await?)
    }

    /// The referee's answers, once, before the link runs out (`now`). `false` if it was
    /// answered already or has run out.
    pub async fn answer_reference(
        &self,
        token_hash: &str,
        answers: &Answers,
        now_unix: i64,
        ip: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let app: Option<i64> = sqlx::query_scalar(
            "UPDATE reference_checks SET status = 'answered', answered_at = $1, answers = $2
             WHERE token_hash = $3 AND status = 'requested' AND expires_at > $1
               AND application_id IN (SELECT id FROM applications WHERE phase NOT IN ('withdrawn', 'rejected', 'hired'))
             RETURNING application_id",
        )
        .bind(now_unix)
        .bind(serde_json::to_string(answers).unwrap_or_default())
        .bind(token_hash)
        .fetch_optional(tx.conn())
        .await?;
        let Some(app) = app else {
            return Ok(false);
        };
        tx.audit(&[AuditEvent {
            actor: Actor::System,
            action: AuditAction::Update,
            subject_kind: SubjectKind::Application,
            subject_id: app,
            ip,
            detail: "reference answered by the referee",
        }])
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
