//! Blind screening (R7): a posting's setting, and the reveals — by hand with a reason, or by a
//! move to the reveal stage — each written on the application and in the audit trail.
//! Whether a hidden applicant is shown as hidden is the web layer's concern; the store keeps
//! the facts ([`Store::blind_until`], `revealed_at`) and which documents' text may be read.

use crate::{now, AuditAction, Reader, Result, Store, StoreError, SubjectKind, Tx};
use sqlx::FromRow;
use std::collections::HashMap;
use talentflyt_domain::blind::{check_reveal_stage, reaches, Identity};
use talentflyt_domain::pipeline::Stage;
use talentflyt_domain::posting::Phase;

/// How an applicant's identity came to be shown.
#[derive(Debug, Clone, FromRow)]
pub struct Reveal {
    pub revealed_at: i64,
    /// Who revealed it, moved the applicant to the reveal stage, or turned blind screening on
    /// or off.
    pub user_name: Option<String>,
    /// `hand`, `stage`, `on` or `off` (see migration 0018).
    pub reveal_kind: Option<String>,
    /// Given by hand; empty otherwise.
    pub reveal_reason: String,
}

/// An attachment's text, as read by the `index_documents` job.
#[derive(Debug, Clone, FromRow)]
pub struct DocumentText {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    /// `None` until the job has read it; empty when there was no text to read (an image).
    pub text: Option<String>,
}

impl Store {
    /// The stage from which the posting shows its applicants' identity; `None` when it does
    /// not screen blind.
    pub async fn blind_until(&self, posting_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT blind_until FROM postings WHERE id = $1")
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?
                .flatten(),
        )
    }

    /// Screen the posting blind until `until` (a stage's number), or stop (`None`). Applicants
    /// who already stand in that stage or after it are shown at once (they have been met); when
    /// it stops, everyone still hidden is shown. Each reveal is written on the application and
    /// audited, so turning it off and on again hides no one who was seen. The change itself is
    /// audited on the posting. Gives how many were shown, or the message key of the refusal.
    pub async fn set_blind(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        posting_id: i64,
        until: Option<i64>,
    ) -> Result<std::result::Result<usize, &'static str>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let stages = tx.stages_in(posting_id).await?;
        if let Some(n) = until {
            if let Err(key) = check_reveal_stage(&stages, n) {
                return Ok(Err(key));
            }
        }
        let changed = sqlx::query("UPDATE postings SET blind_until = $1 WHERE id = $2")
            .bind(until)
            .bind(posting_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        #[derive(FromRow)]
        struct Row {
            id: i64,
            #[sqlx(try_from = "String")]
            phase: Phase,
            stage: Option<i64>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, phase, stage FROM applications WHERE posting_id = $1 AND revealed_at IS NULL",
        )
        .bind(posting_id)
        .fetch_all(tx.conn())
        .await?;
        let (ids, kind): (Vec<i64>, RevealKind) = match until {
            Some(n) => (
                rows.iter()
                    .filter(|r| reaches(&stages, n, r.phase, r.stage))
                    .map(|r| r.id)
                    .collect(),
                RevealKind::On,
            ),
            None => (rows.iter().map(|r| r.id).collect(), RevealKind::Off),
        };
        let shown = tx.reveal(reader, user_id, &ids, kind).await?;
        let detail = match until {
            Some(n) => format!("blind screening until stage {n}"),
            None => "blind screening off".to_owned(),
        };
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Posting,
            posting_id,
            &detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(shown))
    }

    /// Show one applicant's identity before the reveal stage, with the reason written down.
    /// `false` when it was shown already.
    pub async fn reveal_application(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        application_id: i64,
        reason: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE applications SET revealed_at = $1, revealed_by = $2, reveal_reason = $3, reveal_kind = 'hand' WHERE id = $4 AND revealed_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .bind(reason)
        .bind(application_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed > 0 {
            // The reason is on the application; the trail holds no free text.
            tx.audit(&[reader.event(
                AuditAction::Reveal,
                SubjectKind::Application,
                application_id,
                "identity shown by hand",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// How the applicant's identity came to be shown, if it has been.
    pub async fn reveal_of(&self, application_id: i64) -> Result<Option<Reveal>> {
        Ok(sqlx::query_as(
            "SELECT a.revealed_at, u.display_name AS user_name, a.reveal_kind, a.reveal_reason FROM applications a LEFT JOIN users u ON u.id = a.revealed_by WHERE a.id = $1 AND a.revealed_at IS NOT NULL",
        )
        .bind(application_id)
        .fetch_optional(self.r())
        .await?)
    }

    /// The applicant's number in the posting, in order of submission (1 for the first): the
    /// name a hidden applicant goes by, the same in the list and on the application.
    pub async fn applicant_number(&self, application_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications a JOIN applications me ON me.id = $1 WHERE a.posting_id = me.posting_id AND (a.submitted_at < me.submitted_at OR (a.submitted_at = me.submitted_at AND a.id <= me.id))",
        )
        .bind(application_id)
        .fetch_one(self.r())
        .await?)
    }

    /// Which of these applications of the posting are hidden by its blind screening (it
    /// screens blind, and they have not been shown), each with who the candidate is (what the
    /// redaction looks for). None when the posting does not screen blind.
    pub async fn hidden_identities(
        &self,
        posting_id: i64,
        ids: &[i64],
    ) -> Result<HashMap<i64, Identity>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        #[derive(FromRow)]
        struct Row {
            id: i64,
            given_name: String,
            family_name: String,
            email: String,
            phone: Option<String>,
            birth_date: Option<String>,
            municipality: Option<String>,
            hpr_number: Option<String>,
            referees: Option<String>,
        }
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        // The ids are numbers from the database, never input.
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT a.id, c.given_name, c.family_name, c.email, d.phone, d.birth_date, d.municipality, d.hpr_number, d.referees
             FROM applications a JOIN candidates c ON c.id = a.candidate_id
             JOIN postings p ON p.id = a.posting_id
             LEFT JOIN application_details d ON d.application_id = a.id
             WHERE a.posting_id = $1 AND p.blind_until IS NOT NULL AND a.revealed_at IS NULL
               AND a.id IN ({})",
            list.join(",")
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let referees: Vec<talentflyt_domain::application::Referee> = r
                    .referees
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default();
                let who = Identity {
                    given_name: r.given_name,
                    family_name: r.family_name,
                    email: r.email,
                    phone: r.phone.unwrap_or_default(),
                    birth_date: r.birth_date.unwrap_or_default(),
                    municipality: r.municipality.unwrap_or_default(),
                    hpr_number: r.hpr_number.unwrap_or_default(),
                    referees: referees
                        .into_iter()
                        .flat_map(|x| [x.name, x.phone, x.email])
                        .collect(),
                };
                (r.id, who)
            })
            .collect())
    }

    /// For the word search of a posting that screens blind: the hidden ones among these hits,
    /// each with who the candidate is and the text the search matched them in (name, e-mail,
    /// the form, the documents), so the caller keeps a hit only where the words stand in that
    /// text as the reader would see it, redacted.
    pub async fn hidden_search_texts(
        &self,
        posting_id: i64,
        ids: &[i64],
    ) -> Result<HashMap<i64, (Identity, Option<String>)>> {
        let mut who = self.hidden_identities(posting_id, ids).await?;
        // (`who` holds every hidden hit; `bodies` those with a search row.)
        if who.is_empty() {
            return Ok(Default::default());
        }
        let (key, list): (&str, Vec<String>) = (
            match self.backend() {
                crate::Backend::Sqlite => "rowid",
                crate::Backend::Postgres => "application_id",
            },
            who.keys().map(|i| i.to_string()).collect(),
        );
        let bodies: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT {key}, body FROM application_search WHERE {key} IN ({})",
            list.join(",")
        ))
        .fetch_all(self.r())
        .await?;
        let mut bodies: HashMap<i64, String> = bodies.into_iter().collect();
        // A hidden hit without a search row is still hidden (`None`): the caller drops it.
        Ok(who
            .drain()
            .map(|(id, w)| {
                let body = bodies.remove(&id);
                (id, (w, body))
            })
            .collect())
    }

    /// The text read from one of the application's documents, audited as a read of the
    /// application. The caller has checked the reader may see the application.
    pub async fn read_document_text(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        document_id: i64,
    ) -> Result<DocumentText> {
        let mut tx = self.begin().await?;
        let doc: DocumentText = sqlx::query_as(
            "SELECT id, kind, filename, content_type, text FROM documents WHERE id = $1 AND application_id = $2",
        )
        .bind(document_id)
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let detail = format!("document {document_id} text");
        tx.audit(&[reader.event(
            AuditAction::Read,
            SubjectKind::Application,
            application_id,
            &detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(doc)
    }
}

impl Tx {
    /// Hold the posting's row until this transaction ends, so a move and a change of blind
    /// screening on one posting come one after the other (PostgreSQL; SQLite has one writer).
    /// Otherwise a move committed while blind screening is turned on could leave its applicant
    /// in the reveal stage and still hidden.
    pub(crate) async fn lock_posting(&mut self, posting_id: i64) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT id FROM postings WHERE id = $1 FOR UPDATE")
                .bind(posting_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// The posting's reveal stage, read inside this transaction.
    pub(crate) async fn blind_until(&mut self, posting_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT blind_until FROM postings WHERE id = $1")
                .bind(posting_id)
                .fetch_optional(self.conn())
                .await?
                .flatten(),
        )
    }

    /// Show these applicants by a rule of blind screening (`kind`): written on each (by the
    /// user whose act showed them, no reason) and audited. Gives how many were still hidden.
    pub(crate) async fn reveal(
        &mut self,
        reader: &Reader<'_>,
        user_id: i64,
        ids: &[i64],
        kind: RevealKind,
    ) -> Result<usize> {
        let t = now();
        let detail = format!("identity shown: {}", kind.as_str());
        let mut shown = vec![];
        for &id in ids {
            let n = sqlx::query(
                "UPDATE applications SET revealed_at = $1, revealed_by = $2, reveal_reason = '', reveal_kind = $3 WHERE id = $4 AND revealed_at IS NULL",
            )
            .bind(t)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(id)
            .execute(self.conn())
            .await?
            .rows_affected();
            if n > 0 {
                shown.push(reader.event(
                    AuditAction::Reveal,
                    SubjectKind::Application,
                    id,
                    &detail,
                ));
            }
        }
        self.audit(&shown).await?;
        Ok(shown.len())
    }
}

/// How blind screening's rules showed an applicant (a reveal by hand is `hand`, with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RevealKind {
    /// Moved to the reveal stage or after it.
    Stage,
    /// Already there when blind screening was turned on.
    On,
    /// Blind screening was turned off.
    Off,
}

impl RevealKind {
    fn as_str(self) -> &'static str {
        match self {
            RevealKind::Stage => "stage",
            RevealKind::On => "on",
            RevealKind::Off => "off",
        }
    }
}

/// Does a move to `to` show the applicant, on a posting that screens blind until `until`?
pub(crate) fn move_reveals(stages: &[Stage], until: Option<i64>, to: (Phase, Option<i64>)) -> bool {
    until.is_some_and(|n| reaches(stages, n, to.0, to.1))
}
