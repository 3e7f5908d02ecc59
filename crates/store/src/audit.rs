//! The audit trail: who read or changed which personal record, when, and from where (GDPR art. 5(2),
//! accountability, and art. 32, security of processing).
//! Append-only: the database refuses UPDATE and DELETE on `audit_log` (a trigger in each backend).
//!
//! Reads of personal data are audited by the store call that reads them, in the same transaction:
//! they take a [`Reader`], so a handler cannot read without leaving a trace.

use crate::{now, Result, Store, StoreError, Tx};
use sqlx::{AnyConnection, FromRow};

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Candidate(i64),
    System,
}

impl Actor {
    fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Actor::User(id) => ("user", Some(id)),
            Actor::Candidate(id) => ("candidate", Some(id)),
            Actor::System => ("system", None),
        }
    }
}

/// `Display`, `parse`, `TryFrom<String>` (for `#[sqlx(try_from = "String")]`) from one table of
/// names, so the text in the database and the enum cannot drift apart.
macro_rules! named {
    ($(#[$meta:meta])* pub enum $ty:ident { $($(#[$vmeta:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $ty { $($(#[$vmeta])* $v,)* }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$v,)*];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$v => $s,)* }
            }
            pub fn parse(s: &str) -> Option<$ty> {
                match s { $($s => Some($ty::$v),)* _ => None }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl TryFrom<String> for $ty {
            type Error = talentflyt_domain::UnknownValue;
            fn try_from(s: String) -> std::result::Result<$ty, Self::Error> {
                $ty::parse(&s).ok_or(talentflyt_domain::UnknownValue { what: stringify!($ty), value: s })
            }
        }
    };
}

named! {
    /// What was done.
    pub enum AuditAction {
        /// Opened one record.
        Read = "read",
        /// Saw the record as a line in a list.
        List = "list",
        /// Downloaded a file of the record.
        Download = "download",
        Create = "create",
        Update = "update",
        /// A candidate sent something in.
        Submit = "submit",
        Publish = "publish",
        Close = "close",
        /// Gave a role.
        Grant = "grant",
        /// Showed the identity of an applicant screened blind.
        Reveal = "reveal",
        /// Asked for a record they may not see (403, or 404 for a hidden one).
        Denied = "denied",
        Login = "login",
        LoginFailed = "login_failed",
        /// The user name was locked after too many failures.
        Locked = "locked",
        Logout = "logout",
        Delete = "delete",
    }
}

named! {
    /// What kind of record it was done to.
    pub enum SubjectKind {
        Application = "application",
        Candidate = "candidate",
        Document = "document",
        Posting = "posting",
        User = "user",
        OrgUnit = "org_unit",
        Requisition = "requisition",
        /// A job alert (its subscriber's address and wishes).
        JobAlert = "job_alert",
    }
}

/// One audited event. `detail` never holds personal data: ids and names of fields only.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: Actor,
    pub action: AuditAction,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub ip: &'a str,
    pub detail: &'a str,
}

/// Who reads personal data and from where: what every audited read takes.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub actor: Actor,
    pub ip: &'a str,
}

impl<'a> Reader<'a> {
    pub fn user(user_id: i64, ip: &'a str) -> Reader<'a> {
        Reader {
            actor: Actor::User(user_id),
            ip,
        }
    }

    pub fn candidate(candidate_id: i64, ip: &'a str) -> Reader<'a> {
        Reader {
            actor: Actor::Candidate(candidate_id),
            ip,
        }
    }

    pub fn event(
        &self,
        action: AuditAction,
        subject_kind: SubjectKind,
        subject_id: i64,
        detail: &'a str,
    ) -> AuditEvent<'a> {
        AuditEvent {
            actor: self.actor,
            action,
            subject_kind,
            subject_id,
            ip: self.ip,
            detail,
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub action: AuditAction,
    #[sqlx(try_from = "String")]
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub ip: String,
    pub detail: String,
}

const AUDIT_COLS: &str = "at, actor_kind, actor_id, action, subject_kind, subject_id, ip, detail";

async fn insert_audit(conn: &mut AnyConnection, events: &[AuditEvent<'_>]) -> Result<()> {
    // A run of events alike but for the subject (a list page: 50 applications read by one
    // person) is one statement with the subjects as one parameter, in order: binding eight
    // values a row was most of the cost of a busy list's audit entries.
    let sql = if conn.backend_name() == "SQLite" {
        format!(
            "INSERT INTO audit_log ({AUDIT_COLS}) SELECT ?, ?, ?, ?, ?, value, ?, ? FROM json_each(?) ORDER BY key"
        )
    } else {
        format!(
            "INSERT INTO audit_log ({AUDIT_COLS}) SELECT $1, $2, $3, $4, $5, x, $6, $7 FROM unnest(string_to_array($8, ',')::bigint[]) WITH ORDINALITY AS t(x, n) ORDER BY n"
        )
    };
    let t = now();
    let sqlite = conn.backend_name() == "SQLite";
    let alike = |a: &AuditEvent, b: &AuditEvent| {
        a.actor == b.actor
            && a.action == b.action
            && a.subject_kind == b.subject_kind
            && a.ip == b.ip
            && a.detail == b.detail
    };
    let mut rest = events;
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .take(1000)
            .take_while(|e| alike(e, first))
            .count();
        let ids: Vec<String> = rest[..n].iter().map(|e| e.subject_id.to_string()).collect();
        let ids = if sqlite {
            format!("[{}]", ids.join(","))
        } else {
            ids.join(",")
        };
        let (kind, id) = first.actor.parts();
        sqlx::query(&sql)
            .bind(t)
            .bind(kind)
            .bind(id)
            .bind(first.action.as_str())
            .bind(first.subject_kind.as_str())
            .bind(first.ip)
            .bind(first.detail)
            .bind(ids)
            .execute(&mut *conn)
            .await?;
        rest = &rest[n..];
    }
    Ok(())
}

/// An [`AuditEvent`] that owns its text, to be written by the queue's task.
#[derive(Debug, Clone)]
pub(crate) struct OwnedEvent {
    actor: Actor,
    action: AuditAction,
    subject_kind: SubjectKind,
    subject_id: i64,
    ip: String,
    detail: String,
}

impl OwnedEvent {
    fn from(e: &AuditEvent<'_>) -> Self {
        OwnedEvent {
            actor: e.actor,
            action: e.action,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            ip: e.ip.to_owned(),
            detail: e.detail.to_owned(),
        }
    }

    fn as_event(&self) -> AuditEvent<'_> {
        AuditEvent {
            actor: self.actor,
            action: self.action,
            subject_kind: self.subject_kind,
            subject_id: self.subject_id,
            ip: &self.ip,
            detail: &self.detail,
        }
    }
}

type Ack = tokio::sync::oneshot::Sender<std::result::Result<(), String>>;
/// Events to write; with a posting, they are one page of it (one person, the applications
/// shown, one detail), written as one `audit_lists` row.
type Item = (Vec<OwnedEvent>, Option<i64>, Ack);
type Batches = tokio::sync::mpsc::UnboundedSender<Item>;

/// Group commit for audit events: callers hand their events to one task, which takes every
/// batch waiting, writes them in one transaction and tells each caller when it is committed
/// (or that it failed). A caller still returns only after its events are written.
#[derive(Default)]
pub(crate) struct AuditQueue {
    sender: std::sync::Mutex<Option<Batches>>,
}

impl AuditQueue {
    /// Most events in one transaction.
    const MAX_BATCH: usize = 5000;

    /// Write `events` through the queue's task (started on first use, on the caller's
    /// runtime). `Err` gives the events back when there is no task to take them.
    async fn submit(
        &self,
        pool: &sqlx::AnyPool,
        events: Vec<OwnedEvent>,
        listed: Option<i64>,
    ) -> std::result::Result<Result<()>, Vec<OwnedEvent>> {
        let (ack, done) = tokio::sync::oneshot::channel();
        let sent = {
            let mut sender = self.sender.lock().unwrap_or_else(|e| e.into_inner());
            if sender.as_ref().is_none_or(|s| s.is_closed()) {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                tokio::spawn(write_batches(pool.clone(), rx));
                *sender = Some(tx);
            }
            match sender.as_ref().map(|s| s.send((events, listed, ack))) {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => Err(e.0 .0),
                None => unreachable!("a sender was just set"),
            }
        };
        sent?;
        Ok(match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Other(e)),
            Err(_) => Err(StoreError::Other("the audit writer stopped".into())),
        })
    }
}

async fn write_batches(pool: sqlx::AnyPool, mut rx: tokio::sync::mpsc::UnboundedReceiver<Item>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        let mut n = batch[0].0.len();
        while n < AuditQueue::MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => {
                    n += more.0.len();
                    batch.push(more);
                }
                Err(_) => break,
            }
        }
        let events: Vec<AuditEvent> = batch
            .iter()
            .filter(|(_, listed, _)| listed.is_none())
            .flat_map(|(evs, _, _)| evs.iter().map(OwnedEvent::as_event))
            .collect();
        let result = async {
            let mut conn = pool.begin().await?;
            insert_audit(&mut conn, &events).await?;
            for (evs, listed, _) in &batch {
                if let Some(posting) = listed {
                    insert_listed(&mut conn, *posting, evs).await?;
                }
            }
            conn.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await
        .map_err(|e| e.to_string());
        for (_, _, ack) in batch {
            // A caller that gave up waiting is no longer there to tell.
            let _ = ack.send(result.clone());
        }
    }
}

/// One page of a posting's applicant list as one `audit_lists` row: the reader and address of
/// the first event, the applications of all of them in order.
async fn insert_listed(
    conn: &mut AnyConnection,
    posting_id: i64,
    events: &[OwnedEvent],
) -> Result<()> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let ids: Vec<String> = events.iter().map(|e| e.subject_id.to_string()).collect();
    let (kind, id) = first.actor.parts();
    sqlx::query("INSERT INTO audit_lists (at, actor_kind, actor_id, ip, posting_id, application_ids, detail, after_id) VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(id), 0) FROM audit_log))")
        .bind(now())
        .bind(kind)
        .bind(id)
        .bind(&first.ip)
        .bind(posting_id)
        .bind(ids.join(","))
        .bind(&first.detail)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Tx {
    /// Write these events as a step of this transaction.
    pub(crate) async fn audit(&mut self, events: &[AuditEvent<'_>]) -> Result<()> {
        insert_audit(self.conn(), events).await
    }
}

impl Store {
    /// One event that goes with no read or change of its own (sign-in, sign-out, …).
    pub async fn audit(&self, e: AuditEvent<'_>) -> Result<()> {
        let mut conn = self.w().acquire().await?;
        insert_audit(&mut conn, &[e]).await
    }

    /// Several events at once, all or none, written before this returns. Many callers at once
    /// share one transaction (group commit, see [`AuditQueue`]): a list page writes 50 events,
    /// and 64 pages at once would otherwise be 64 commits queued on SQLite's one writer.
    pub async fn audit_many(&self, events: &[AuditEvent<'_>]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.submit_audit(events, None).await
    }

    /// A page of one posting read by `reader` that names many of its applications (its
    /// applicant list, when `detail` is `None`; else the page `detail` says): each application
    /// shown is in the audit trail as listed ([`AuditAction::List`]), written as one row
    /// (`audit_lists`). Every application must be the posting's.
    pub async fn audit_listed(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
        application_ids: &[i64],
        detail: Option<&str>,
    ) -> Result<()> {
        if application_ids.is_empty() {
            return Ok(());
        }
        let detail = match detail {
            Some(d) => d.to_owned(),
            None => format!("posting {posting_id}"),
        };
        let events: Vec<AuditEvent> = application_ids
            .iter()
            .map(|id| reader.event(AuditAction::List, SubjectKind::Application, *id, &detail))
            .collect();
        self.submit_audit(&events, Some(posting_id)).await
    }

    async fn submit_audit(&self, events: &[AuditEvent<'_>], listed: Option<i64>) -> Result<()> {
        let owned: Vec<OwnedEvent> = events.iter().map(OwnedEvent::from).collect();
        match self.audit_queue.submit(&self.write, owned, listed).await {
            Ok(r) => r,
            // No queue (its runtime is gone): write them here.
            Err(owned) => {
                let mut tx = self.begin().await?;
                match listed {
                    Some(posting) => insert_listed(tx.conn(), posting, &owned).await?,
                    None => {
                        let events: Vec<AuditEvent> =
                            owned.iter().map(OwnedEvent::as_event).collect();
                        tx.audit(&events).await?;
                    }
                }
                tx.commit().await
            }
        }
    }

    /// `reader` asked for a record they may not see: call it where the answer is 403, or 404 for a
    /// record that exists but is hidden from them.
    pub async fn audit_denied(
        &self,
        reader: &Reader<'_>,
        subject_kind: SubjectKind,
        subject_id: i64,
    ) -> Result<()> {
        self.audit(reader.event(AuditAction::Denied, subject_kind, subject_id, ""))
            .await
    }

    /// The trail of one record, oldest first.
    pub async fn audit_trail(
        &self,
        subject_kind: SubjectKind,
        subject_id: i64,
    ) -> Result<Vec<AuditEntry>> {
        let mut trail: Vec<AuditEntry> = sqlx::query_as(&format!(
            "SELECT id, {AUDIT_COLS} FROM audit_log WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id"
        ))
        .bind(subject_kind.as_str())
        .bind(subject_id)
        .fetch_all(self.r())
        .await?;
        if subject_kind == SubjectKind::Application {
            // The list pages of its posting that showed it, each placed after the audit_log
            // entries that were there when it was written: the trail in the order written.
            type Listed = (i64, i64, i64, String, Option<i64>, String, i64, String);
            let listed: Vec<Listed> = sqlx::query_as(
                "SELECT l.id, l.after_id, l.at, l.actor_kind, l.actor_id, l.ip, l.posting_id, l.detail FROM audit_lists l
                 WHERE l.posting_id = (SELECT posting_id FROM applications WHERE id = $1)
                   AND ',' || l.application_ids || ',' LIKE $2 ORDER BY l.id",
            )
            .bind(subject_id)
            .bind(format!("%,{subject_id},%"))
            .fetch_all(self.r())
            .await?;
            let mut all: Vec<((i64, u8, i64), AuditEntry)> =
                trail.into_iter().map(|e| ((e.id, 0, 0), e)).collect();
            all.extend(listed.into_iter().map(
                |(id, after_id, at, actor_kind, actor_id, ip, posting, detail)| {
                    (
                        (after_id, 1, id),
                        AuditEntry {
                            id,
                            at,
                            actor_kind,
                            actor_id,
                            action: AuditAction::List,
                            subject_kind,
                            subject_id,
                            ip,
                            // Rows from before pages said which they were.
                            detail: if detail.is_empty() {
                                format!("posting {posting}")
                            } else {
                                detail
                            },
                        },
                    )
                },
            ));
            all.sort_by_key(|(key, _)| *key);
            trail = all.into_iter().map(|(_, e)| e).collect();
        }
        Ok(trail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_kinds_read_back_from_their_stored_names() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::try_from(a.to_string()), Ok(*a));
        }
        for k in SubjectKind::ALL {
            assert_eq!(SubjectKind::try_from(k.to_string()), Ok(*k));
        }
        assert_eq!(AuditAction::LoginFailed.as_str(), "login_failed");
        assert!(AuditAction::try_from("erase".to_owned()).is_err());
    }
}
