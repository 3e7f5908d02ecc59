//! Applications, the candidates behind them, and their documents.

use crate::audit::{Actor, AuditAction, AuditEvent, Reader, SubjectKind};
use crate::jobs::OutgoingEmail;
use crate::{now, Result, Store, StoreError, Tx};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use talentflyt_domain::application::{
    Answer, ApplicationInput, Education, Equality, Referee, Work,
};
use talentflyt_domain::posting::Phase;

/// A new application as the candidate submitted it, already checked.
pub struct NewApplication<'a> {
    pub posting_id: i64,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub email: &'a str,
    pub source: &'a str,
    /// The CV first, then the attachments.
    pub files: Vec<NewFile<'a>>,
    pub ip: &'a str,
    /// The form's random key: a second submission with it finds the first application, and a
    /// draft saved under it is consumed.
    pub submission_key: Option<&'a str>,
    /// "nb" or "en": the language of every e-mail about the application.
    pub lang: &'a str,
    /// The rest of the form (details, entries, cover letter, exemption request, consent).
    pub form: Option<&'a ApplicationInput>,
    pub answers: &'a [Answer],
    pub equality: Option<&'a Equality>,
    /// The last day of a talent-pool consent given with the application.
    pub talent_pool_until: Option<&'a str>,
}

/// A file sent with an application: the CV (`kind` "cv") or an attachment ("attachment").
pub struct NewFile<'a> {
    pub kind: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub posting_id: i64,
    pub candidate_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub phase: Phase,
    pub source: String,
    pub submitted_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct DocumentMeta {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Document {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An application as staff open it: the candidate's answers and the list of their documents.
/// Never the equality self-declaration.
#[derive(Debug, Clone)]
pub struct ApplicationRecord {
    pub application: ApplicationRow,
    pub documents: Vec<DocumentMeta>,
    /// The form's details; `None` for applications older than the full form.
    pub details: Option<Details>,
    pub answers: Vec<AnswerRow>,
    pub exemption: Exemption,
}

/// The details part of an application.
#[derive(Debug, Clone, Default)]
pub struct Details {
    pub phone: String,
    pub birth_date: String,
    pub municipality: String,
    pub current_title: String,
    pub current_employer: String,
    pub education: Vec<Education>,
    pub work: Vec<Work>,
    pub referees: Vec<Referee>,
    pub hpr_number: String,
    pub norwegian_level: String,
    pub cover_letter: String,
    /// Gender for the public list's count ("" when not stated).
    pub gender: String,
}

#[derive(FromRow)]
struct DetailsRow {
    phone: String,
    birth_date: String,
    municipality: String,
    current_title: String,
    current_employer: String,
    education: String,
    work: String,
    referees: String,
    hpr_number: String,
    norwegian_level: String,
    cover_letter: String,
    gender: String,
}

impl From<DetailsRow> for Details {
    fn from(r: DetailsRow) -> Self {
        Details {
            phone: r.phone,
            birth_date: r.birth_date,
            municipality: r.municipality,
            current_title: r.current_title,
            current_employer: r.current_employer,
            education: serde_json::from_str(&r.education).unwrap_or_default(),
            work: serde_json::from_str(&r.work).unwrap_or_default(),
            referees: serde_json::from_str(&r.referees).unwrap_or_default(),
            hpr_number: r.hpr_number,
            norwegian_level: r.norwegian_level,
            cover_letter: r.cover_letter,
            gender: r.gender,
        }
    }
}

/// A screening answer as stored, with the question as it was asked.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct AnswerRow {
    pub question_nb: String,
    pub question_en: String,
    pub answer_nb: String,
    pub answer_en: String,
    pub knocked_out: i64,
}

/// The request not to be on the public applicant list, and what became of it.
#[derive(Debug, Clone, Default, FromRow, serde::Serialize)]
pub struct Exemption {
    pub exemption_requested: i64,
    pub exemption_reason: String,
    /// "granted" or "refused" once HR has decided.
    pub exemption_decision: Option<String>,
    /// "accept_listed" when a refused candidate chose to stay on the list, "lapsed" when the
    /// day to answer passed without an answer.
    pub exemption_answer: Option<String>,
    /// A refusal's last day to answer (`YYYY-MM-DD`).
    pub exemption_answer_by: Option<String>,
}

impl Tx {
    /// The details, answers and exemption of an application (no audit: the caller audits).
    pub(crate) async fn application_parts(
        &mut self,
        id: i64,
    ) -> Result<(Option<Details>, Vec<AnswerRow>, Exemption)> {
        let details: Option<DetailsRow> = sqlx::query_as("SELECT phone, birth_date, municipality, current_title, current_employer, education, work, referees, hpr_number, norwegian_level, cover_letter, gender FROM application_details WHERE application_id = $1")
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        let answers = sqlx::query_as("SELECT question_nb, question_en, answer_nb, answer_en, knocked_out FROM application_answers WHERE application_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(self.conn())
            .await?;
        let exemption = sqlx::query_as("SELECT exemption_requested, exemption_reason, exemption_decision, exemption_answer, exemption_answer_by FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .unwrap_or_default();
        Ok((details.map(Details::from), answers, exemption))
    }
}

const APP_COLS: &str = "a.id, a.posting_id, a.candidate_id, c.given_name, c.family_name, c.email, a.phase, a.source, a.submitted_at";

impl Tx {
    /// Store the application, its CV, the confirmation e-mail with its delivery job, and the audit
    /// entry, as steps of this transaction.
    pub(crate) async fn submit_application(
        &mut self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<Submitted> {
        let t = now();
        if let Some(key) = a.submission_key {
            let first: Option<i64> =
                sqlx::query_scalar("SELECT id FROM applications WHERE submission_key = $1")
                    .bind(key)
                    .fetch_optional(self.conn())
                    .await?;
            if let Some(id) = first {
                return Ok(Submitted::Repeat(id));
            }
        }
        let (candidate_id, speaks_for) = self.candidate_for(a).await?;
        if let Some(first) = self.active_application(candidate_id, a.posting_id).await? {
            return Ok(Submitted::Duplicate(first));
        }
        let app_id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (posting_id, candidate_id, phase, source, submitted_at, updated_at, stage_since, submission_key, lang, exemption_requested, exemption_reason)
             VALUES ($1, $2, $3, $4, $5, $5, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(a.posting_id)
        .bind(candidate_id)
        .bind(Phase::Applied.as_str())
        .bind(a.source)
        .bind(t)
        .bind(a.submission_key)
        .bind(a.lang)
        .bind(a.form.is_some_and(|f| f.exemption) as i64)
        .bind(a.form.filter(|f| f.exemption).map(|f| f.exemption_reason.trim()).unwrap_or(""))
        .fetch_one(self.conn())
        .await?;
        if let Some(f) = a.form {
            self.write_details(app_id, f).await?;
        }
        self.write_answers(app_id, a.answers).await?;
        self.write_equality(app_id, a.posting_id, a.equality, t)
            .await?;
        for f in &a.files {
            self.add_document(app_id, f, t).await?;
        }
        if let (Some(until), true) = (a.talent_pool_until, speaks_for) {
            sqlx::query("UPDATE candidates SET talent_pool_until = $1 WHERE id = $2")
                .bind(until)
                .bind(candidate_id)
                .execute(self.conn())
                .await?;
        }
        if let Some(key) = a.submission_key {
            sqlx::query("DELETE FROM application_drafts WHERE draft_key = $1")
                .bind(key)
                .execute(self.conn())
                .await?;
        }
        self.index_application(app_id).await?;
        if !a.files.is_empty() {
            self.queue_document_reading().await?;
        }
        // An applicant after the first deadline (the deadline was extended) joins the list.
        self.refresh_applicant_list(a.posting_id, None).await?;
        self.enqueue_email(confirmation).await?;
        self.audit(&[AuditEvent {
            actor: Actor::Candidate(candidate_id),
            action: AuditAction::Create,
            subject_kind: SubjectKind::Application,
            subject_id: app_id,
            ip: a.ip,
            detail: "submitted",
        }])
        .await?;
        Ok(Submitted::New(app_id))
    }

    /// The candidate with the application's address (compared in lower case), made if new, and
    /// whether the sender may speak for them: a new candidate, or one who has proved the address
    /// by signing in. A later form with the address never changes the candidate's name, address
    /// or consent: anyone can type an address.
    async fn candidate_for(&mut self, a: &NewApplication<'_>) -> Result<(i64, bool)> {
        let key = a.email.to_lowercase();
        let found: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, verified_at FROM candidates WHERE email_key = $1")
                .bind(&key)
                .fetch_optional(self.conn())
                .await?;
        match found {
            Some((id, verified)) => Ok((id, verified.is_some())),
            None => Ok((sqlx::query_scalar("INSERT INTO candidates (email, email_key, given_name, family_name, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(a.email)
                .bind(&key)
                .bind(a.given_name)
                .bind(a.family_name)
                .bind(now())
                .fetch_one(self.conn())
                .await?, true)),
        }
    }

    /// The candidate's application to the posting that is still in the process (not withdrawn,
    /// rejected or hired: the phases `Phase::is_final` names).
    async fn active_application(
        &mut self,
        candidate_id: i64,
        posting_id: i64,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            &format!("SELECT id FROM applications WHERE candidate_id = $1 AND posting_id = $2 AND phase NOT IN {FINAL_PHASES} ORDER BY id LIMIT 1"),
        )
        .bind(candidate_id)
        .bind(posting_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Write (or overwrite) the details part of the form.
    pub(crate) async fn write_details(&mut self, app_id: i64, f: &ApplicationInput) -> Result<()> {
        sqlx::query("DELETE FROM application_details WHERE application_id = $1")
            .bind(app_id)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO application_details (application_id, phone, birth_date, municipality, current_title, current_employer, education, work, referees, hpr_number, norwegian_level, cover_letter, gender)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(app_id)
        .bind(f.phone.trim())
        .bind(f.birth_date.trim())
        .bind(f.municipality.trim())
        .bind(f.current_title.trim())
        .bind(f.current_employer.trim())
        .bind(json(&f.education))
        .bind(json(&f.work))
        .bind(json(&f.referees))
        .bind(f.hpr_number.trim())
        .bind(&f.norwegian_level)
        .bind(f.cover_letter.trim())
        .bind(&f.list_gender)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Write (or overwrite, or with `None` remove) the equality self-declaration, in its own
    /// table apart from the application.
    pub(crate) async fn write_equality(
        &mut self,
        app_id: i64,
        posting_id: i64,
        e: Option<&Equality>,
        t: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM equality_declarations WHERE application_id = $1")
            .bind(app_id)
            .execute(self.conn())
            .await?;
        if let Some(e) = e {
            sqlx::query("INSERT INTO equality_declarations (application_id, posting_id, gender, disability, cv_gap, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(app_id)
                .bind(posting_id)
                .bind(e.gender)
                .bind(e.disability)
                .bind(e.cv_gap)
                .bind(t)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Write (or overwrite) the screening answers.
    pub(crate) async fn write_answers(&mut self, app_id: i64, answers: &[Answer]) -> Result<()> {
        sqlx::query("DELETE FROM application_answers WHERE application_id = $1")
            .bind(app_id)
            .execute(self.conn())
            .await?;
        for (i, a) in answers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO application_answers (application_id, position, question_id, question_nb, question_en, answer_nb, answer_en, knocked_out)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(app_id)
            .bind(i as i64)
            .bind(a.question_id)
            .bind(&a.question_nb)
            .bind(&a.question_en)
            .bind(&a.answer_nb)
            .bind(&a.answer_en)
            .bind(a.knocked_out as i64)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Store one file of an application.
    pub(crate) async fn add_document(
        &mut self,
        app_id: i64,
        f: &NewFile<'_>,
        t: i64,
    ) -> Result<i64> {
        let sha = hex::encode(Sha256::digest(f.bytes));
        Ok(sqlx::query_scalar(
            "INSERT INTO documents (application_id, kind, filename, content_type, size_bytes, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(app_id)
        .bind(f.kind)
        .bind(f.filename)
        .bind(f.content_type)
        .bind(f.bytes.len() as i64)
        .bind(sha)
        .bind(f.bytes.to_vec())
        .bind(t)
        .fetch_one(self.conn())
        .await?)
    }
}

/// The phases `Phase::is_final` names, as an SQL list: an application in any other is still
/// in the process.
pub(crate) const FINAL_PHASES: &str = "('withdrawn', 'rejected', 'hired')";

/// The JSON of a form's repeated rows.
fn json<T: serde::Serialize>(rows: &[T]) -> String {
    serde_json::to_string(rows).unwrap_or_else(|_| "[]".into())
}

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// A new application with this id.
    New(i64),
    /// The form's key was used before: the first application's id; nothing stored or sent.
    Repeat(i64),
    /// The candidate (the same address) already has an application to this posting that is
    /// still in the process: its id; nothing stored or sent.
    Duplicate(i64),
}

impl Submitted {
    pub fn id(self) -> i64 {
        match self {
            Submitted::New(id) | Submitted::Repeat(id) | Submitted::Duplicate(id) => id,
        }
    }
}

impl Store {
    /// Store the application, its CV, the confirmation e-mail and its delivery job in one
    /// transaction: either the candidate is told and the application is there, or neither.
    pub async fn submit_application(
        &self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<i64> {
        Ok(self.submit_application_once(a, confirmation).await?.id())
    }

    /// [`Store::submit_application`], saying whether the form's key was used before (then
    /// nothing is stored or sent). Submissions with one key wait for each other: on PostgreSQL
    /// an advisory lock on the key, on SQLite the one writer; the unique index on the key is the
    /// last guard.
    pub async fn submit_application_once(
        &self,
        a: &NewApplication<'_>,
        confirmation: &OutgoingEmail,
    ) -> Result<Submitted> {
        let mut tx = self.begin().await?;
        if self.backend() == crate::Backend::Postgres {
            // One submission per form key and per address at a time (SQLite has one writer).
            if let Some(key) = a.submission_key {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(format!("submission:{key}"))
                    .execute(tx.conn())
                    .await?;
            }
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("candidate:{}", a.email.to_lowercase()))
                .execute(tx.conn())
                .await?;
        }
        let done = tx.submit_application(a, confirmation).await?;
        if let Submitted::New(_) = done {
            tx.commit().await?;
        }
        Ok(done)
    }

    /// The posting an application belongs to: no personal data, so not audited. Lets the caller
    /// decide whether the reader may see the application before reading it.
    pub async fn application_posting_id(&self, id: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT posting_id FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The candidate an application is from.
    pub async fn application_candidate_id(&self, id: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT candidate_id FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The applications of a posting, oldest first. Each listed application gets a `list` entry in
    /// the audit trail, in the same transaction as the read.
    pub async fn list_applications(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
    ) -> Result<Vec<ApplicationRow>> {
        let mut tx = self.begin().await?;
        let rows: Vec<ApplicationRow> = sqlx::query_as(&format!(
            "SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.posting_id = $1 ORDER BY a.submitted_at, a.id"
        ))
        .bind(posting_id)
        .fetch_all(tx.conn())
        .await?;
        let detail = format!("posting {posting_id}");
        let events: Vec<AuditEvent> = rows
            .iter()
            .map(|a| reader.event(AuditAction::List, SubjectKind::Application, a.id, &detail))
            .collect();
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// One application and its documents' names and sizes, with a `read` entry in the audit trail.
    pub async fn read_application(
        &self,
        reader: &Reader<'_>,
        id: i64,
    ) -> Result<ApplicationRecord> {
        let mut tx = self.begin().await?;
        let application: ApplicationRow = sqlx::query_as(&format!(
            "SELECT {APP_COLS} FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let documents = sqlx::query_as("SELECT id, application_id, kind, filename, content_type, size_bytes FROM documents WHERE application_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
        let (details, answers, exemption) = tx.application_parts(id).await?;
        tx.audit(&[reader.event(AuditAction::Read, SubjectKind::Application, id, "")])
            .await?;
        tx.commit().await?;
        Ok(ApplicationRecord {
            application,
            documents,
            details,
            answers,
            exemption,
        })
    }

    /// A document of an application (reached only through its own application), with a
    /// `download` entry on the application's audit trail.
    pub async fn read_document(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        document_id: i64,
    ) -> Result<Document> {
        let mut tx = self.begin().await?;
        let doc: Document = sqlx::query_as("SELECT id, filename, content_type, content FROM documents WHERE id = $1 AND application_id = $2")
            .bind(document_id)
            .bind(application_id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let detail = format!("document {document_id}");
        tx.audit(&[reader.event(
            AuditAction::Download,
            SubjectKind::Application,
            application_id,
            &detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_list_of_final_phases_is_the_domains() {
        let mut listed: Vec<&str> = FINAL_PHASES
            .trim_matches(|c| c == '(' || c == ')')
            .split(", ")
            .map(|s| s.trim_matches('\''))
            .collect();
        let mut final_: Vec<&str> = Phase::ALL
            .iter()
            .filter(|p| p.is_final())
            .map(|p| p.as_str())
            .collect();
        listed.sort_unstable();
        final_.sort_unstable();
        assert_eq!(listed, final_);
    }
}
