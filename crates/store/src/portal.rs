//! The candidate portal (R5) and the candidate's rights (GDPR art. 15 and 17): sign-in by a
//! single-use link bound to the asking browser, the candidate's own applications, withdrawal,
//! changed documents, the answer to a refused exemption, an export of everything, and erasure
//! where no legal duty keeps the data.
//!
//! Every read and change here is on the audit trail with the candidate as the actor.

use crate::applications::{AnswerRow, Details, DocumentMeta, Exemption, NewFile};
use crate::audit::{Actor, AuditAction, AuditEvent, SubjectKind};
use crate::jobs::OutgoingEmail;
use crate::{now, Backend, Result, Store, StoreError, Tx};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use talentflyt_domain::posting::Phase;

/// Minutes a sign-in link works.
pub const LINK_MINUTES: i64 = 15;
/// Sign-in links one address may get in an hour.
pub const LINKS_PER_ADDRESS_HOUR: i64 = 3;

/// The hash a token or browser secret is stored as.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// What asking for a sign-in link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRequest {
    /// A link was queued to the address.
    Sent,
    /// No candidate has this address: nothing sent (the page says the same as for `Sent`).
    Unknown,
    /// The address has had [`LINKS_PER_ADDRESS_HOUR`] links within the hour.
    TooMany,
}

/// Why a sign-in link did not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    Unknown,
    Expired,
    Used,
    /// Opened in another browser than the one that asked.
    OtherBrowser,
}

/// A candidate as the portal shows them.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct CandidateRow {
    pub id: i64,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub talent_pool_until: Option<String>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

/// One of the candidate's applications, as their list shows it.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct PortalApplication {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    pub reference: String,
    pub deadline: String,
    #[sqlx(try_from = "String")]
    #[serde(serialize_with = "phase_str")]
    pub phase: Phase,
    pub submitted_at: i64,
    pub withdrawn_at: Option<i64>,
    pub lang: String,
    pub exemption_requested: i64,
    pub exemption_decision: Option<String>,
    pub exemption_answer: Option<String>,
}

fn phase_str<S: serde::Serializer>(p: &Phase, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

/// A message to or from the candidate about an application.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub from_candidate: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// One application in full, as its candidate sees it (never the posting's other applicants).
#[derive(Debug, Clone)]
pub struct PortalRecord {
    pub application: PortalApplication,
    pub details: Option<Details>,
    pub answers: Vec<AnswerRow>,
    pub exemption: Exemption,
    pub documents: Vec<DocumentMeta>,
    pub messages: Vec<MessageRow>,
}

/// Everything the candidate gave us, for the export (art. 15 and 20).
#[derive(Debug, Clone)]
pub struct CandidateExport {
    pub candidate: CandidateRow,
    pub applications: Vec<(PortalRecord, Option<EqualityRow>)>,
    /// Per application: its interview time, if it holds one.
    pub interviews: Vec<(i64, crate::Slot)>,
    /// Per application: the references asked about, as far as they came (without the
    /// referees' answers, which are part of the assessment: access to them is decided case by
    /// case, as for the rest of the case file).
    pub references: Vec<crate::ReferenceCheck>,
    /// Each file: application id, file name, bytes.
    pub files: Vec<(i64, String, Vec<u8>)>,
    /// The offers made to the candidate (approved and sent; not one still being proposed).
    pub offers: Vec<crate::OfferRow>,
}

/// A candidate's own equality self-declaration (only ever shown to themselves).
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct EqualityRow {
    pub gender: String,
    pub disability: String,
    pub cv_gap: String,
}

/// What changing a document came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentChange {
    Done,
    /// The deadline has passed or the case is over.
    Closed,
    /// The application has as many attachments as it may.
    TooMany,
    /// The files together would pass the limit.
    TooLarge,
}

/// What erasure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    /// Applications deleted with their files.
    pub deleted: usize,
    /// Applications kept because the case is still open or led to a hire.
    pub kept: usize,
}

const PORTAL_COLS: &str = "a.id, a.posting_id, p.title, p.reference, p.deadline, a.phase, a.submitted_at, a.withdrawn_at, a.lang, a.exemption_requested, a.exemption_decision, a.exemption_answer";

pub(crate) fn candidate_event<'a>(
    candidate_id: i64,
    action: AuditAction,
    kind: SubjectKind,
    id: i64,
    ip: &'a str,
    detail: &'a str,
) -> AuditEvent<'a> {
    AuditEvent {
        actor: Actor::Candidate(candidate_id),
        action,
        subject_kind: kind,
        subject_id: id,
        ip,
        detail,
    }
}

/// Whether a candidate may erase an application: only when its case is over for them
/// (withdrawn or rejected). An open case keeps what the assessment needs, and a hire becomes
/// the employment record.
pub fn erasable(phase: Phase) -> bool {
    matches!(phase, Phase::Withdrawn | Phase::Rejected)
}

impl Tx {
    async fn own_application(
        &mut self,
        candidate_id: i64,
        app_id: i64,
    ) -> Result<PortalApplication> {
        sqlx::query_as(&format!(
            "SELECT {PORTAL_COLS} FROM applications a JOIN postings p ON p.id = a.posting_id WHERE a.id = $1 AND a.candidate_id = $2"
        ))
        .bind(app_id)
        .bind(candidate_id)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound)
    }

    async fn portal_record(&mut self, application: PortalApplication) -> Result<PortalRecord> {
        let (details, answers, exemption) = self.application_parts(application.id).await?;
        let documents = sqlx::query_as("SELECT id, application_id, kind, filename, content_type, size_bytes FROM documents WHERE application_id = $1 ORDER BY id")
            .bind(application.id)
            .fetch_all(self.conn())
            .await?;
        let messages = sqlx::query_as(crate::pipeline::MESSAGES_SQL)
            .bind(application.id)
            .fetch_all(self.conn())
            .await?;
        Ok(PortalRecord {
            application,
            details,
            answers,
            exemption,
            documents,
            messages,
        })
    }
}

impl Store {
    /// Queue a sign-in link to the candidate with this address, bound to the browser whose
    /// secret hashes to `browser_hash`; `t` is now (Unix seconds). `mail` makes the e-mail from the token. Requests for one
    /// address are counted in the transaction that stores the link (advisory lock on
    /// PostgreSQL, the one writer on SQLite).
    pub async fn request_portal_link(
        &self,
        email: &str,
        browser_hash: &str,
        ip: &str,
        t: i64,
        mail: impl FnOnce(&str) -> std::result::Result<OutgoingEmail, String>,
    ) -> Result<LinkRequest> {
        let key = email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("portal-link:{key}"))
                .execute(tx.conn())
                .await?;
        }
        let found: Option<(i64, String)> =
            sqlx::query_as("SELECT id, email FROM candidates WHERE email_key = $1")
                .bind(&key)
                .fetch_optional(tx.conn())
                .await?;
        let Some((candidate_id, to)) = found else {
            return Ok(LinkRequest::Unknown);
        };
        let recent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM portal_links WHERE candidate_id = $1 AND created_at > $2",
        )
        .bind(candidate_id)
        .bind(t - 3600)
        .fetch_one(tx.conn())
        .await?;
        if recent >= LINKS_PER_ADDRESS_HOUR {
            return Ok(LinkRequest::TooMany);
        }
        let token = hex::encode(rand::random::<[u8; 24]>());
        sqlx::query("INSERT INTO portal_links (token_hash, candidate_id, browser_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(secret_hash(&token))
            .bind(candidate_id)
            .bind(browser_hash)
            .bind(t)
            .bind(t + LINK_MINUTES * 60)
            .execute(tx.conn())
            .await?;
        let mut m = mail(&token).map_err(|e| StoreError::Other(format!("e-mail: {e}")))?;
        m.to = to;
        tx.enqueue_email(&m).await?;
        tx.audit(&[AuditEvent {
            actor: Actor::System,
            action: AuditAction::Create,
            subject_kind: SubjectKind::Candidate,
            subject_id: candidate_id,
            ip,
            detail: "portal sign-in link sent",
        }])
        .await?;
        tx.commit().await?;
        Ok(LinkRequest::Sent)
    }

    /// Use a sign-in link: once, before it expires, in the browser that asked. Marks the
    /// candidate's address as verified. `t` is now (Unix seconds), as for the request.
    pub async fn use_portal_link(
        &self,
        token: &str,
        browser_hash: &str,
        ip: &str,
        t: i64,
    ) -> Result<std::result::Result<i64, LinkRefused>> {
        let hash = secret_hash(token);
        let mut tx = self.begin().await?;
        let used: Option<i64> = sqlx::query_scalar(
            "UPDATE portal_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND browser_hash = $3 RETURNING candidate_id",
        )
        .bind(t)
        .bind(&hash)
        .bind(browser_hash)
        .fetch_optional(tx.conn())
        .await?;
        let Some(candidate_id) = used else {
            let row: Option<(Option<i64>, i64, String)> = sqlx::query_as(
                "SELECT used_at, expires_at, browser_hash FROM portal_links WHERE token_hash = $1",
            )
            .bind(&hash)
            .fetch_optional(tx.conn())
            .await?;
            return Ok(Err(match row {
                None => LinkRefused::Unknown,
                Some((Some(_), _, _)) => LinkRefused::Used,
                Some((None, exp, _)) if exp <= t => LinkRefused::Expired,
                Some(_) => LinkRefused::OtherBrowser,
            }));
        };
        sqlx::query("UPDATE candidates SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL")
            .bind(t)
            .bind(candidate_id)
            .execute(tx.conn())
            .await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Login,
            SubjectKind::Candidate,
            candidate_id,
            ip,
            "portal",
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(candidate_id))
    }

    /// The candidate's own record.
    pub async fn candidate(&self, candidate_id: i64) -> Result<CandidateRow> {
        sqlx::query_as("SELECT id, email, given_name, family_name, talent_pool_until, verified_at, created_at FROM candidates WHERE id = $1")
            .bind(candidate_id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The candidate's applications, newest first; audited as the candidate's own read.
    pub async fn candidate_applications(
        &self,
        candidate_id: i64,
        ip: &str,
    ) -> Result<Vec<PortalApplication>> {
        let mut tx = self.begin().await?;
        let rows: Vec<PortalApplication> = sqlx::query_as(&format!(
            "SELECT {PORTAL_COLS} FROM applications a JOIN postings p ON p.id = a.posting_id WHERE a.candidate_id = $1 ORDER BY a.submitted_at DESC, a.id DESC"
        ))
        .bind(candidate_id)
        .fetch_all(tx.conn())
        .await?;
        let events: Vec<AuditEvent> = rows
            .iter()
            .map(|a| {
                candidate_event(
                    candidate_id,
                    AuditAction::List,
                    SubjectKind::Application,
                    a.id,
                    ip,
                    "portal",
                )
            })
            .collect();
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// One of the candidate's own applications in full; another's is "not found".
    pub async fn candidate_application(
        &self,
        candidate_id: i64,
        app_id: i64,
        ip: &str,
    ) -> Result<PortalRecord> {
        let mut tx = self.begin().await?;
        let a = tx.own_application(candidate_id, app_id).await?;
        let rec = tx.portal_record(a).await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Read,
            SubjectKind::Application,
            app_id,
            ip,
            "portal",
        )])
        .await?;
        tx.commit().await?;
        Ok(rec)
    }

    /// One file of the candidate's own application.
    pub async fn candidate_document(
        &self,
        candidate_id: i64,
        app_id: i64,
        document_id: i64,
        ip: &str,
    ) -> Result<crate::Document> {
        let mut tx = self.begin().await?;
        tx.own_application(candidate_id, app_id).await?;
        let doc: crate::Document = sqlx::query_as("SELECT id, filename, content_type, content FROM documents WHERE id = $1 AND application_id = $2")
            .bind(document_id)
            .bind(app_id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let detail = format!("document {document_id}");
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Download,
            SubjectKind::Application,
            app_id,
            ip,
            &detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Withdraw the candidate's application, queue the confirmation e-mail, and audit it.
    /// `Ok(false)` when it was already over (withdrawn, rejected or hired).
    pub async fn withdraw_application(
        &self,
        candidate_id: i64,
        app_id: i64,
        ip: &str,
        mail: &OutgoingEmail,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let a = tx.own_application(candidate_id, app_id).await?;
        if a.phase.is_final() {
            return Ok(false);
        }
        let t = now();
        let stage: Option<i64> = sqlx::query_scalar("SELECT stage FROM applications WHERE id = $1")
            .bind(app_id)
            .fetch_one(tx.conn())
            .await?;
        sqlx::query(
            "UPDATE applications SET phase = $1, stage = NULL, stage_since = $2, withdrawn_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(Phase::Withdrawn.as_str())
        .bind(t)
        .bind(app_id)
        .execute(tx.conn())
        .await?;
        tx.log_transition(
            app_id,
            None,
            true,
            (a.phase, stage),
            (Phase::Withdrawn, None),
            "",
            None,
        )
        .await?;
        tx.leave_process(app_id).await?;
        tx.refresh_applicant_list(a.posting_id, None).await?;
        tx.enqueue_email(mail).await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Update,
            SubjectKind::Application,
            app_id,
            ip,
            "withdrawn",
        )])
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A refused exemption answered: the candidate accepts being on the public list, or (with
    /// `accept` false, for an application already decided, which can no longer be withdrawn)
    /// asks to be kept off it as a withdrawal would. An open application is withdrawn with
    /// [`Store::withdraw_application`]. `Ok(false)` when there is no refusal to answer.
    pub async fn accept_listing(
        &self,
        candidate_id: i64,
        app_id: i64,
        accept: bool,
        ip: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let a = tx.own_application(candidate_id, app_id).await?;
        if a.exemption_decision.as_deref() != Some("refused")
            || a.exemption_answer.is_some()
            || a.phase == Phase::Withdrawn
            || (!accept && !a.phase.is_final())
        {
            return Ok(false);
        }
        let n = sqlx::query("UPDATE applications SET exemption_answer = $1, updated_at = $2 WHERE id = $3 AND exemption_answer IS NULL")
            .bind(if accept { "accept_listed" } else { "off_list" })
            .bind(now())
            .bind(app_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        tx.refresh_applicant_list(a.posting_id, None).await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Update,
            SubjectKind::Application,
            app_id,
            ip,
            if accept {
                "accepted being listed"
            } else {
                "asked to be kept off the applicant list"
            },
        )])
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Replace the CV or add an attachment to the candidate's own application, while the
    /// posting's deadline (`today` or later) has not passed and the application is open.
    /// `Ok(false)` when it may no longer change.
    pub async fn change_document(
        &self,
        candidate_id: i64,
        app_id: i64,
        file: &NewFile<'_>,
        today: &str,
        max_total: usize,
        ip: &str,
    ) -> Result<DocumentChange> {
        let mut tx = self.begin().await?;
        let a = tx.own_application(candidate_id, app_id).await?;
        if a.phase.is_final() || a.deadline.as_str() < today {
            return Ok(DocumentChange::Closed);
        }
        // The same limits as the form: attachments and the total of all files, counted in the
        // transaction that adds the file.
        let (attachments, total): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(CASE WHEN kind = 'attachment' THEN 1 END), CAST(SUM(CASE WHEN kind = $2 AND kind = 'cv' THEN 0 ELSE size_bytes END) AS BIGINT) FROM documents WHERE application_id = $1",
        )
        .bind(app_id)
        .bind(file.kind)
        .fetch_one(tx.conn())
        .await?;
        if file.kind == "attachment"
            && attachments as usize >= talentflyt_domain::application::MAX_ATTACHMENTS
        {
            return Ok(DocumentChange::TooMany);
        }
        if total.unwrap_or(0) as usize + file.bytes.len() > max_total {
            return Ok(DocumentChange::TooLarge);
        }
        if file.kind == "cv" {
            sqlx::query("DELETE FROM documents WHERE application_id = $1 AND kind = 'cv'")
                .bind(app_id)
                .execute(tx.conn())
                .await?;
        }
        tx.add_document(app_id, file, now()).await?;
        sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
            .bind(now())
            .bind(app_id)
            .execute(tx.conn())
            .await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Update,
            SubjectKind::Application,
            app_id,
            ip,
            if file.kind == "cv" {
                "cv replaced"
            } else {
                "attachment added"
            },
        )])
        .await?;
        tx.index_application(app_id).await?;
        tx.queue_document_reading().await?;
        tx.commit().await?;
        Ok(DocumentChange::Done)
    }

    /// Remove an attachment (not the CV) from the candidate's own open application before the
    /// deadline. `Ok(false)` when it may no longer change.
    pub async fn remove_attachment(
        &self,
        candidate_id: i64,
        app_id: i64,
        document_id: i64,
        today: &str,
        ip: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let a = tx.own_application(candidate_id, app_id).await?;
        if a.phase.is_final() || a.deadline.as_str() < today {
            return Ok(false);
        }
        let n = sqlx::query(
            "DELETE FROM documents WHERE id = $1 AND application_id = $2 AND kind = 'attachment'",
        )
        .bind(document_id)
        .bind(app_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Update,
            SubjectKind::Application,
            app_id,
            ip,
            "attachment removed",
        )])
        .await?;
        tx.index_application(app_id).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Everything about the candidate, their applications with details, answers, messages,
    /// their own self-declarations and every file, for their download; audited.
    pub async fn export_candidate(&self, candidate_id: i64, ip: &str) -> Result<CandidateExport> {
        let candidate = self.candidate(candidate_id).await?;
        let mut tx = self.begin().await?;
        let apps: Vec<PortalApplication> = sqlx::query_as(&format!(
            "SELECT {PORTAL_COLS} FROM applications a JOIN postings p ON p.id = a.posting_id WHERE a.candidate_id = $1 ORDER BY a.submitted_at, a.id"
        ))
        .bind(candidate_id)
        .fetch_all(tx.conn())
        .await?;
        let mut applications = vec![];
        let mut files = vec![];
        let (mut interviews, mut references) = (vec![], vec![]);
        for a in apps {
            let id = a.id;
            let rec = tx.portal_record(a).await?;
            let eq: Option<EqualityRow> = sqlx::query_as("SELECT gender, disability, cv_gap FROM equality_declarations WHERE application_id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?;
            let docs: Vec<(String, Vec<u8>)> = sqlx::query_as(
                "SELECT filename, content FROM documents WHERE application_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
            files.extend(docs.into_iter().map(|(n, c)| (id, n, c)));
            applications.push((rec, eq));
            if let Some(slot) = tx.held_slot(id).await? {
                interviews.push((id, slot));
            }
            references.extend(tx.reference_checks_of(id).await?);
        }
        let offers: Vec<crate::OfferRow> = sqlx::query_as(&format!(
            "{} WHERE o.application_id IN (SELECT id FROM applications WHERE candidate_id = $1) AND o.status <> 'proposed' ORDER BY o.id",
            crate::offers::OFFER
        ))
        .bind(candidate_id)
        .fetch_all(tx.conn())
        .await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Download,
            SubjectKind::Candidate,
            candidate_id,
            ip,
            "own data export",
        )])
        .await?;
        tx.commit().await?;
        Ok(CandidateExport {
            candidate,
            applications,
            interviews,
            references,
            files,
            offers,
        })
    }

    /// Erase what the candidate may have erased: applications whose case is over for them (see
    /// [`erasable`]) with their files, every self-declaration, the talent-pool consent, and the
    /// candidate when nothing is left. Audited without personal data.
    pub async fn erase_candidate(&self, candidate_id: i64, ip: &str) -> Result<Erasure> {
        let mut tx = self.begin().await?;
        let apps: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, phase, posting_id FROM applications WHERE candidate_id = $1",
        )
        .bind(candidate_id)
        .fetch_all(tx.conn())
        .await?;
        let mut e = Erasure {
            deleted: 0,
            kept: 0,
        };
        // The copies of e-mails already sent to the address (receipts list what was sent).
        sqlx::query("DELETE FROM outbox WHERE status <> 'pending' AND to_addr = (SELECT email FROM candidates WHERE id = $1)")
            .bind(candidate_id)
            .execute(tx.conn())
            .await?;
        let mut events = vec![];
        // The postings whose lists may change are locked first, in one order, before any row
        // goes (a list being made refers to the applications erased here).
        let mut postings: Vec<i64> = apps.iter().map(|a| a.2).collect();
        postings.sort_unstable();
        postings.dedup();
        for p in &postings {
            tx.lock_posting(*p).await?;
        }
        let mut postings = vec![];
        for (id, phase, posting_id) in &apps {
            let phase = Phase::parse(phase).unwrap_or(Phase::Applied);
            sqlx::query("DELETE FROM equality_declarations WHERE application_id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
            if erasable(phase) {
                tx.unindex_application(*id).await?;
                sqlx::query("DELETE FROM applications WHERE id = $1")
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                e.deleted += 1;
                postings.push(*posting_id);
                events.push(candidate_event(
                    candidate_id,
                    AuditAction::Delete,
                    SubjectKind::Application,
                    *id,
                    ip,
                    "erased at the candidate's request",
                ));
            } else {
                e.kept += 1;
            }
        }
        if e.kept == 0 {
            sqlx::query("DELETE FROM candidates WHERE id = $1")
                .bind(candidate_id)
                .execute(tx.conn())
                .await?;
        } else {
            sqlx::query("UPDATE candidates SET talent_pool_until = NULL WHERE id = $1")
                .bind(candidate_id)
                .execute(tx.conn())
                .await?;
        }
        events.push(candidate_event(
            candidate_id,
            AuditAction::Delete,
            SubjectKind::Candidate,
            candidate_id,
            ip,
            if e.kept == 0 {
                "erased at the candidate's request"
            } else {
                "erased in part: open cases kept"
            },
        ));
        // A list that named them or counted them gets a version without them (the versions
        // before lose their entry with the application).
        for posting_id in postings {
            tx.refresh_applicant_list(posting_id, None).await?;
        }
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// The candidate's latest application as a form, to fill in a new one from.
    pub async fn latest_form(
        &self,
        candidate_id: i64,
        ip: &str,
    ) -> Result<Option<talentflyt_domain::application::ApplicationInput>> {
        let c = self.candidate(candidate_id).await?;
        let latest: Option<i64> = sqlx::query_scalar("SELECT a.id FROM applications a JOIN application_details d ON d.application_id = a.id WHERE a.candidate_id = $1 ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1")
            .bind(candidate_id)
            .fetch_optional(self.r())
            .await?;
        let Some(id) = latest else {
            return Ok(None);
        };
        let mut tx = self.begin().await?;
        let (details, _, _) = tx.application_parts(id).await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Read,
            SubjectKind::Application,
            id,
            ip,
            "reused for a new form",
        )])
        .await?;
        tx.commit().await?;
        Ok(
            details.map(|d| talentflyt_domain::application::ApplicationInput {
                given_name: c.given_name,
                family_name: c.family_name,
                email: c.email,
                phone: d.phone,
                birth_date: d.birth_date,
                municipality: d.municipality,
                current_title: d.current_title,
                current_employer: d.current_employer,
                education: d.education,
                work: d.work,
                referees: d.referees,
                hpr_number: d.hpr_number,
                norwegian_level: d.norwegian_level,
                list_gender: d.gender,
                ..Default::default()
            }),
        )
    }

    /// The candidate with this address and their application to the posting that is still in
    /// the process, if any.
    pub async fn active_application_for(
        &self,
        email: &str,
        posting_id: i64,
    ) -> Result<Option<(i64, i64)>> {
        Ok(sqlx::query_as(&format!("SELECT c.id, a.id FROM candidates c JOIN applications a ON a.candidate_id = c.id WHERE c.email_key = $1 AND a.posting_id = $2 AND a.phase NOT IN {} ORDER BY a.id LIMIT 1", crate::applications::FINAL_PHASES))
            .bind(email.trim().to_lowercase())
            .bind(posting_id)
            .fetch_optional(self.r())
            .await?)
    }

    /// Replace the candidate's open application with a newer form (a second application to the
    /// same posting, when they chose "update the first"): details, answers, exemption request,
    /// self-declaration and files, before the deadline (`today` or later). The draft under the
    /// form's key is consumed and the receipt queued, all or nothing. `Ok(false)` when it may no
    /// longer change.
    pub async fn update_application(
        &self,
        candidate_id: i64,
        app_id: i64,
        a: &crate::NewApplication<'_>,
        today: &str,
        receipt: &OutgoingEmail,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let own = tx.own_application(candidate_id, app_id).await?;
        if own.phase.is_final() || own.deadline.as_str() < today || own.posting_id != a.posting_id {
            return Ok(false);
        }
        let t = now();
        // The same request with the same reasons keeps HR's decision on it (and the answer to
        // it); a changed one is decided anew. (SQL evaluates every SET against the row as it
        // was, so the CASEs see the old request.)
        if let Some(f) = a.form {
            tx.write_details(app_id, f).await?;
            sqlx::query("UPDATE applications SET exemption_decision = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_decision END, exemption_answer = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_answer END, exemption_rationale = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_rationale ELSE '' END, exemption_decided_by = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_decided_by END, exemption_decided_at = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_decided_at END, exemption_answer_by = CASE WHEN exemption_requested = $1 AND exemption_reason = $2 THEN exemption_answer_by END, exemption_requested = $1, exemption_reason = $2, lang = $3, updated_at = $4 WHERE id = $5")
                .bind(f.exemption as i64)
                .bind(if f.exemption { f.exemption_reason.trim() } else { "" })
                .bind(a.lang)
                .bind(t)
                .bind(app_id)
                .execute(tx.conn())
                .await?;
        }
        tx.write_answers(app_id, a.answers).await?;
        tx.write_equality(app_id, a.posting_id, a.equality, t)
            .await?;
        sqlx::query("DELETE FROM documents WHERE application_id = $1")
            .bind(app_id)
            .execute(tx.conn())
            .await?;
        for f in &a.files {
            tx.add_document(app_id, f, t).await?;
        }
        if let Some(key) = a.submission_key {
            sqlx::query("DELETE FROM application_drafts WHERE draft_key = $1")
                .bind(key)
                .execute(tx.conn())
                .await?;
        }
        tx.enqueue_email(receipt).await?;
        tx.audit(&[candidate_event(
            candidate_id,
            AuditAction::Update,
            SubjectKind::Application,
            app_id,
            a.ip,
            "replaced by a newer form",
        )])
        .await?;
        tx.queue_document_reading().await?;
        tx.index_application(app_id).await?;
        tx.refresh_applicant_list(a.posting_id, None).await?;
        tx.commit().await?;
        Ok(true)
    }
}
