//! The innstilling (R12): one per posting, written by its managers and HR after the deadline,
//! sent to the appointing authority, and signed or returned; union representatives may add a
//! statement while it waits. Every step is logged with who, when and why
//! (`recommendation_events`), and every read and change of a candidate's assessment is audited.
//! The rules of what may be sent are `domain::recommendation`.

use crate::{now, AuditAction, OutgoingEmail, Reader, Result, Store, SubjectKind, Tx};
use sqlx::FromRow;
use talentflyt_domain::preference::RightKind;
use talentflyt_domain::recommendation::{
    items_text, parse_items, Authority, Checked, Decision, Status,
};

/// The innstilling's head.
#[derive(Debug, Clone, FromRow)]
pub struct Recommendation {
    pub posting_id: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub summary: String,
    pub ad_version: i64,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: Option<String>,
    pub submitted_at: Option<i64>,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<i64>,
    pub sign_note: String,
    pub return_note: String,
    pub updated_at: i64,
}

/// One candidate's assessment as kept.
#[derive(Debug, Clone, FromRow)]
pub struct RecEntry {
    pub application_id: i64,
    pub rank: Option<i64>,
    pub preferential: Option<String>,
    pub meets: String,
    pub reason: String,
}

impl RecEntry {
    pub fn right(&self) -> Option<RightKind> {
        self.preferential.as_deref().and_then(RightKind::parse)
    }
    pub fn items(&self) -> Vec<u32> {
        parse_items(&self.meets)
    }
}

/// One step in the log.
#[derive(Debug, Clone, FromRow)]
pub struct RecEvent {
    pub at: i64,
    pub user_name: Option<String>,
    pub action: String,
    pub note: String,
}

/// A union representative's statement.
#[derive(Debug, Clone, FromRow)]
pub struct RecComment {
    pub user_id: i64,
    pub user_name: String,
    pub body: String,
    pub at: i64,
}

/// Everything the page shows (see [`Store::recommendation`]).
#[derive(Debug, Clone, Default)]
pub struct RecommendationView {
    pub head: Option<Recommendation>,
    /// In the order they were written.
    pub entries: Vec<RecEntry>,
    pub events: Vec<RecEvent>,
    pub comments: Vec<RecComment>,
}

/// An innstilling waiting for a signature, for the authority's work list.
#[derive(Debug, Clone, FromRow)]
pub struct AwaitingSignature {
    pub posting_id: i64,
    pub title: String,
    pub unit_path: String,
    pub submitted_at: i64,
    pub submitted_by: Option<i64>,
}

/// Why a change to the innstilling was refused; the key of the text the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecRefused {
    /// Sent for sign-off or signed: no longer edited.
    Locked,
    /// Not waiting for a signature (a draft, or already signed).
    NotSubmitted,
    /// The one who sent it may not sign it too.
    OwnSubmission,
    /// Someone else saved it after this form was opened.
    Stale,
}

impl RecRefused {
    pub fn key(self) -> &'static str {
        match self {
            RecRefused::Locked => "rec.locked",
            RecRefused::NotSubmitted => "rec.not_submitted",
            RecRefused::OwnSubmission => "rec.own_submission",
            RecRefused::Stale => "rec.stale",
        }
    }
}

/// What a save keeps.
pub struct SaveRecommendation<'a> {
    pub posting_id: i64,
    pub ad_version: i64,
    pub checked: &'a Checked,
    /// Send it for sign-off.
    pub submit: bool,
    /// `updated_at` as the form saw it (0: there was none), so two writers do not overwrite
    /// each other unseen.
    pub seen: i64,
}

/// The staff a step concerns, for the e-mail the caller writes: address and name.
pub type StaffAddress = (String, String);

const HEAD: &str = "SELECT r.posting_id, r.status, r.summary, r.ad_version, r.submitted_by, su.display_name AS submitted_by_name, r.submitted_at, gu.display_name AS signed_by_name, r.signed_at, r.sign_note, r.return_note, r.updated_at
     FROM recommendations r LEFT JOIN users su ON su.id = r.submitted_by LEFT JOIN users gu ON gu.id = r.signed_by";

impl Store {
    /// The posting's innstilling for one reader: each candidate on it is audited as read.
    pub async fn recommendation(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
    ) -> Result<RecommendationView> {
        let head: Option<Recommendation> =
            sqlx::query_as(&format!("{HEAD} WHERE r.posting_id = $1"))
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?;
        if head.is_none() {
            return Ok(RecommendationView::default());
        }
        let entries: Vec<RecEntry> = sqlx::query_as(
            "SELECT application_id, rank, preferential, meets, reason FROM recommendation_entries WHERE posting_id = $1 ORDER BY position",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let events: Vec<RecEvent> = sqlx::query_as(
            "SELECT e.at, u.display_name AS user_name, e.action, e.note FROM recommendation_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.posting_id = $1 ORDER BY e.id",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let comments: Vec<RecComment> = sqlx::query_as(
            "SELECT c.user_id, u.display_name AS user_name, c.body, c.at FROM recommendation_comments c JOIN users u ON u.id = c.user_id WHERE c.posting_id = $1 ORDER BY c.at, c.user_id",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let audit: Vec<_> = entries
            .iter()
            .map(|e| {
                reader.event(
                    AuditAction::Read,
                    SubjectKind::Application,
                    e.application_id,
                    "recommendation",
                )
            })
            .collect();
        self.audit_many(&audit).await?;
        Ok(RecommendationView {
            head,
            entries,
            events,
            comments,
        })
    }

    /// Keep the innstilling as written (a draft, or sent for sign-off when `save.submit`),
    /// refused once it is sent or signed, or when someone saved it since `save.seen`. Each
    /// candidate's assessment is audited as changed. On sending, `notify` writes the e-mail to
    /// each who may sign (the sender left out), queued in the same transaction. The caller
    /// has checked the rules (`domain::recommendation::check`), the deadline and the writer's
    /// right.
    pub async fn save_recommendation(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        save: &SaveRecommendation<'_>,
        authority: Authority,
        notify: &(dyn Fn(&StaffAddress) -> OutgoingEmail + Sync),
    ) -> Result<std::result::Result<(), RecRefused>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(save.posting_id).await?;
        let cur: Option<(String, i64)> =
            sqlx::query_as("SELECT status, updated_at FROM recommendations WHERE posting_id = $1")
                .bind(save.posting_id)
                .fetch_optional(tx.conn())
                .await?;
        let t = now();
        match cur {
            Some((status, _)) if Status::parse(&status) != Some(Status::Draft) => {
                return Ok(Err(RecRefused::Locked))
            }
            Some((_, updated)) if updated != save.seen => return Ok(Err(RecRefused::Stale)),
            None if save.seen != 0 => return Ok(Err(RecRefused::Stale)),
            Some(_) => {
                sqlx::query(
                    "UPDATE recommendations SET summary = $1, ad_version = $2, updated_at = $3 WHERE posting_id = $4",
                )
                .bind(&save.checked.summary)
                .bind(save.ad_version)
                .bind(t.max(save.seen + 1))
                .bind(save.posting_id)
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO recommendations (posting_id, status, summary, ad_version, created_at, updated_at) VALUES ($1, 'draft', $2, $3, $4, $4)",
                )
                .bind(save.posting_id)
                .bind(&save.checked.summary)
                .bind(save.ad_version)
                .bind(t)
                .execute(tx.conn())
                .await?;
            }
        }
        sqlx::query("DELETE FROM recommendation_entries WHERE posting_id = $1")
            .bind(save.posting_id)
            .execute(tx.conn())
            .await?;
        for (i, e) in save.checked.entries.iter().enumerate() {
            // Only the posting's own applications: an id from another posting is dropped.
            sqlx::query(
                "INSERT INTO recommendation_entries (posting_id, application_id, position, rank, preferential, meets, reason)
                 SELECT $1, a.id, $3, $4, $5, $6, $7 FROM applications a WHERE a.id = $2 AND a.posting_id = $1",
            )
            .bind(save.posting_id)
            .bind(e.application_id)
            .bind(i as i64)
            .bind(e.rank.map(i64::from))
            .bind(e.right.map(RightKind::as_str))
            .bind(items_text(&e.meets))
            .bind(&e.reason)
            .execute(tx.conn())
            .await?;
        }
        let action = if save.submit { "submit" } else { "save" };
        if save.submit {
            sqlx::query(
                "UPDATE recommendations SET status = 'submitted', submitted_by = $1, submitted_at = $2 WHERE posting_id = $3",
            )
            .bind(user_id)
            .bind(t)
            .bind(save.posting_id)
            .execute(tx.conn())
            .await?;
        }
        tx.log_recommendation(save.posting_id, user_id, action, "")
            .await?;
        let audit: Vec<_> = save
            .checked
            .entries
            .iter()
            .map(|e| {
                reader.event(
                    AuditAction::Update,
                    SubjectKind::Application,
                    e.application_id,
                    "recommendation",
                )
            })
            .collect();
        tx.audit(&audit).await?;
        if save.submit {
            for to in tx
                .signers(save.posting_id, authority, Some(user_id))
                .await?
            {
                tx.enqueue_email(&notify(&to)).await?;
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The authority's answer: sign (final) or return to the writers with the reason. Refused
    /// unless it is waiting, and for the one who sent it. The sender is e-mailed (`notify`).
    /// The caller has checked that `user_id` is the authority.
    pub async fn decide_recommendation(
        &self,
        user_id: i64,
        posting_id: i64,
        decision: Decision,
        note: &str,
        notify: &(dyn Fn(&StaffAddress) -> OutgoingEmail + Sync),
    ) -> Result<std::result::Result<(), RecRefused>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let cur: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT status, submitted_by FROM recommendations WHERE posting_id = $1",
        )
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some((status, submitted_by)) = cur else {
            return Ok(Err(RecRefused::NotSubmitted));
        };
        if Status::parse(&status) != Some(Status::Submitted) {
            return Ok(Err(RecRefused::NotSubmitted));
        }
        if submitted_by == Some(user_id) {
            return Ok(Err(RecRefused::OwnSubmission));
        }
        let t = now();
        let (changed, action) = match decision {
            Decision::Sign => (
                sqlx::query(
                    "UPDATE recommendations SET status = 'signed', signed_by = $1, signed_at = $2, sign_note = $3, updated_at = $2 WHERE posting_id = $4 AND status = 'submitted'",
                )
                .bind(user_id)
                .bind(t)
                .bind(note)
                .bind(posting_id)
                .execute(tx.conn())
                .await?,
                "sign",
            ),
            Decision::Return => (
                sqlx::query(
                    "UPDATE recommendations SET status = 'draft', return_note = $1, submitted_by = NULL, submitted_at = NULL, updated_at = $2 WHERE posting_id = $3 AND status = 'submitted'",
                )
                .bind(note)
                .bind(t)
                .bind(posting_id)
                .execute(tx.conn())
                .await?,
                "return",
            ),
        };
        let changed = changed.rows_affected();
        if changed == 0 {
            return Ok(Err(RecRefused::NotSubmitted));
        }
        tx.log_recommendation(posting_id, user_id, action, note)
            .await?;
        if let Some(sender) = submitted_by {
            let to: Option<StaffAddress> = sqlx::query_as(
                "SELECT email, display_name FROM users WHERE id = $1 AND active = 1",
            )
            .bind(sender)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(to) = to {
                tx.enqueue_email(&notify(&to)).await?;
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A union representative's statement while the innstilling waits for its signature
    /// (written again, it replaces their earlier one).
    pub async fn comment_recommendation(
        &self,
        user_id: i64,
        posting_id: i64,
        body: &str,
    ) -> Result<std::result::Result<(), RecRefused>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM recommendations WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_optional(tx.conn())
                .await?;
        if status.as_deref().and_then(Status::parse) != Some(Status::Submitted) {
            return Ok(Err(RecRefused::NotSubmitted));
        }
        let t = now();
        sqlx::query(
            "INSERT INTO recommendation_comments (posting_id, user_id, body, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (posting_id, user_id) DO UPDATE SET body = excluded.body, at = excluded.at",
        )
        .bind(posting_id)
        .bind(user_id)
        .bind(body)
        .bind(t)
        .execute(tx.conn())
        .await?;
        tx.log_recommendation(posting_id, user_id, "comment", "")
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Every innstilling waiting for a signature, oldest first (the caller keeps those the
    /// reader may sign). They wait days, not months, so there are never many.
    pub async fn awaiting_signature(&self) -> Result<Vec<AwaitingSignature>> {
        Ok(sqlx::query_as(
            "SELECT r.posting_id, p.title, u.path AS unit_path, r.submitted_at, r.submitted_by
             FROM recommendations r JOIN postings p ON p.id = r.posting_id JOIN org_units u ON u.id = p.unit_id
             WHERE r.status = 'submitted' ORDER BY r.submitted_at, r.posting_id",
        )
        .fetch_all(self.r())
        .await?)
    }

    /// The ranked candidates of the posting's innstilling once it is signed, best first, as
    /// (rank, application): what offers are made from. Empty while it is not signed. No
    /// assessment is read, so nothing is audited here; the caller audits the names it shows.
    pub async fn signed_ranking(&self, posting_id: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT e.rank, e.application_id FROM recommendation_entries e JOIN recommendations r ON r.posting_id = e.posting_id
             WHERE e.posting_id = $1 AND r.status = 'signed' AND e.rank IS NOT NULL ORDER BY e.rank",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Where the posting's innstilling stands, without reading any candidate's assessment.
    pub async fn recommendation_status(&self, posting_id: i64) -> Result<Option<Status>> {
        let s: Option<String> =
            sqlx::query_scalar("SELECT status FROM recommendations WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_optional(self.r())
                .await?;
        Ok(s.as_deref().and_then(Status::parse))
    }
}

impl Tx {
    async fn log_recommendation(
        &mut self,
        posting_id: i64,
        user_id: i64,
        action: &str,
        note: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO recommendation_events (posting_id, at, user_id, action, note) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(posting_id)
        .bind(now())
        .bind(user_id)
        .bind(action)
        .bind(note)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The active staff who may sign the posting's innstilling as `authority`, but for
    /// `except`: HR over the unit; the managers of the clinic it lies in; or any manager over it.
    pub(crate) async fn signers(
        &mut self,
        posting_id: i64,
        authority: Authority,
        except: Option<i64>,
    ) -> Result<Vec<StaffAddress>> {
        let (roles, clinic_only) = match authority {
            Authority::Hr => ("('hr_admin','hr_advisor')", false),
            Authority::ClinicLeader => ("('manager')", true),
            Authority::Manager => ("('manager')", false),
        };
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT u.id, u.email, u.display_name, o.kind FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.unit_id
             JOIN postings p ON p.id = $1 JOIN org_units pu ON pu.id = p.unit_id
             WHERE g.role IN {roles} AND u.active = 1 AND pu.path LIKE o.path || '%'
             ORDER BY u.id"
        ))
        .bind(posting_id)
        .fetch_all(self.conn())
        .await?;
        let mut out: Vec<StaffAddress> = rows
            .into_iter()
            .filter(|(id, _, _, kind)| Some(*id) != except && (!clinic_only || kind == "clinic"))
            .map(|(_, email, name, _)| (email, name))
            .collect();
        out.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        Ok(out)
    }
}
