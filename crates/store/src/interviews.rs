//! Interviews (R9): the times a posting offers, booking by staff or by the candidate in the
//! portal, cancelling and moving, and the calendar invitation that follows each change.
//!
//! A slot holds at most one application and an application at most one slot (both UNIQUE), so a
//! booking is one guarded UPDATE of a free slot: two candidates clicking the same time at once
//! get one booking and one "taken". Every change is made under the posting's lock, audited on
//! the application, and queues an `interview_calendar` job; the job compares what was last sent
//! to the candidate's calendar with the booking as it stands and sends the invitation, the change
//! or the cancellation (see [`Store::sync_interview_calendar`]). So a booking moved three times
//! before the worker runs sends one invitation, and no change is lost to a crash in between.

use crate::applications::FINAL_PHASES;
use crate::{
    now, AuditAction, JobKind, OutgoingEmail, Reader, Recipient, Result, Store, SubjectKind, Tx,
    Written,
};
use chrono::{Duration, NaiveDateTime};
use sqlx::FromRow;
use talentflyt_domain::ical::Method;
use talentflyt_domain::interview::{
    may_change, parse_stored, stored, SlotPlan, CHANGE_HOURS, REMIND_HOURS,
};
use talentflyt_domain::posting::Phase;
use talentflyt_domain::Lang;

/// One interview time of a posting.
#[derive(Debug, Clone, FromRow)]
pub struct Slot {
    pub id: i64,
    /// Oslo time, as stored (`YYYY-MM-DD HH:MM`).
    pub starts_at: String,
    pub minutes: i64,
    pub location: String,
    pub application_id: Option<i64>,
    /// `staff` or `candidate`.
    pub booked_by: Option<String>,
    pub booked_at: Option<i64>,
}

impl Slot {
    pub fn start(&self) -> NaiveDateTime {
        parse_stored(&self.starts_at).unwrap_or_default()
    }

    pub fn minutes(&self) -> u32 {
        self.minutes.clamp(0, 24 * 60) as u32
    }
}

/// A posting holds at most this many interview times (the plan and each applicant's choice
/// list stay readable).
pub const MAX_SLOTS_PER_POSTING: usize = 300;

/// What adding a row of times did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotsAdded {
    pub added: usize,
    /// Times the posting had already, at the same place.
    pub existed: usize,
}

/// An application asked to choose its own time in the portal.
#[derive(Debug, Clone, FromRow)]
pub struct Invited {
    pub application_id: i64,
    pub invited_at: Option<i64>,
}

/// A posting's interview plan: its times, booked or free, in order, and who was asked to choose.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub slots: Vec<Slot>,
    pub invited: Vec<Invited>,
}

impl Schedule {
    /// The slot an application holds.
    pub fn booked(&self, application_id: i64) -> Option<&Slot> {
        self.slots
            .iter()
            .find(|s| s.application_id == Some(application_id))
    }

    pub fn is_invited(&self, application_id: i64) -> bool {
        self.invited
            .iter()
            .any(|i| i.application_id == application_id)
    }
}

/// Who books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booker {
    Staff(i64),
    Candidate(i64),
}

impl Booker {
    fn as_str(self) -> &'static str {
        match self {
            Booker::Staff(_) => "staff",
            Booker::Candidate(_) => "candidate",
        }
    }
}

/// Why a booking was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookRefused {
    /// Someone else has the time (or it was removed).
    Taken,
    /// The application does not stand in an interview stage.
    NotInterview,
    /// The time has begun or passed.
    Past,
    /// The candidate may choose or change only until a day before.
    TooLate,
    /// The candidate was not asked to choose a time.
    NotInvited,
}

impl BookRefused {
    pub const ALL: [BookRefused; 5] = [
        BookRefused::Taken,
        BookRefused::NotInterview,
        BookRefused::Past,
        BookRefused::TooLate,
        BookRefused::NotInvited,
    ];

    /// The message key.
    pub fn key(self) -> &'static str {
        match self {
            BookRefused::Taken => "interview.refused_taken",
            BookRefused::NotInterview => "interview.refused_not_interview",
            BookRefused::Past => "interview.refused_past",
            BookRefused::TooLate => "interview.refused_too_late",
            BookRefused::NotInvited => "interview.refused_not_invited",
        }
    }
}

/// A booking made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booked {
    /// A first time for the application.
    New,
    /// It had another time, now freed.
    Moved,
    /// It had this time already.
    Unchanged,
}

/// What the candidate sees of their interview in the portal.
#[derive(Debug, Clone)]
pub struct CandidateInterview {
    pub round: i64,
    pub sequence: i64,
    pub self_booking: bool,
    pub booked: Option<Slot>,
    /// The free times they may choose (when asked to choose, in an interview stage, and at least
    /// a day ahead).
    pub free: Vec<Slot>,
    /// They may still change the time they have (asked to choose, and a day or more before).
    pub may_change: bool,
}

/// What a calendar message or a reminder needs: the interview as it stands (or, for a
/// cancellation, as last sent) and its candidate.
#[derive(Debug, Clone)]
pub struct InterviewNotice {
    pub application_id: i64,
    pub round: i64,
    pub sequence: i64,
    pub method: Method,
    pub start: NaiveDateTime,
    pub minutes: u32,
    pub location: String,
    pub email: String,
    pub name: String,
    pub lang: Lang,
    /// In the candidate's language.
    pub title: String,
    pub reference: String,
    /// The ad's first contact with an e-mail address: (name, e-mail).
    pub contact: Option<(String, String)>,
    /// The candidate has taken the job: a cancellation says the interview is no longer needed.
    pub hired: bool,
}

impl InterviewNotice {
    /// The calendar event's UID: the same for the interview's whole life (a new round after a
    /// cancellation).
    pub fn uid(&self, host: &str) -> String {
        format!("interview-{}-{}@{host}", self.application_id, self.round)
    }

    /// The invitation has been sent before: this one moves it.
    pub fn is_change(&self) -> bool {
        self.sequence > 0
    }
}

#[derive(FromRow)]
struct NoticeRow {
    application_id: i64,
    round: i64,
    sequence: i64,
    sent_sequence: i64,
    sent_booked: i64,
    sent_starts_at: Option<String>,
    sent_minutes: Option<i64>,
    sent_location: Option<String>,
    starts_at: Option<String>,
    minutes: Option<i64>,
    location: Option<String>,
    email: String,
    given_name: String,
    family_name: String,
    lang: String,
    title: String,
    title_en: String,
    reference: String,
    content: String,
    phase: String,
}

impl NoticeRow {
    fn notice(&self, method: Method, start: &str, minutes: i64, location: &str) -> InterviewNotice {
        let lang = Lang::parse(&self.lang).unwrap_or(Lang::Nb);
        let content: Option<talentflyt_domain::ad::AdContent> =
            serde_json::from_str(&self.content).ok();
        InterviewNotice {
            application_id: self.application_id,
            round: self.round,
            sequence: self.sequence,
            method,
            start: parse_stored(start).unwrap_or_default(),
            minutes: minutes.clamp(0, 24 * 60) as u32,
            location: location.to_owned(),
            email: self.email.clone(),
            name: format!("{} {}", self.given_name, self.family_name),
            lang,
            title: lang.pick(&self.title, &self.title_en).0.to_owned(),
            reference: self.reference.clone(),
            contact: content.and_then(|c| {
                c.contacts
                    .into_iter()
                    .find(|c| !c.email.trim().is_empty())
                    .map(|c| (c.name, c.email))
            }),
            hired: self.phase == Phase::Hired.as_str(),
        }
    }
}

const NOTICE_SQL: &str = "SELECT i.application_id, i.round, i.sequence, i.sent_sequence, i.sent_booked, i.sent_starts_at, i.sent_minutes, i.sent_location,
        s.starts_at, s.minutes, s.location, c.email, c.given_name, c.family_name, a.lang, p.title, p.title_en, p.reference, p.content, a.phase
     FROM interviews i JOIN applications a ON a.id = i.application_id JOIN candidates c ON c.id = a.candidate_id JOIN postings p ON p.id = a.posting_id
     LEFT JOIN interview_slots s ON s.application_id = i.application_id";

const SLOT_COLS: &str = "id, starts_at, minutes, location, application_id, booked_by, booked_at";

impl Store {
    /// Add a row of times to a posting. Returns how many.
    pub async fn add_interview_slots(
        &self,
        user_id: i64,
        posting_id: i64,
        plan: &SlotPlan,
    ) -> Result<std::result::Result<SlotsAdded, &'static str>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let existing: Vec<(String, String)> =
            sqlx::query_as("SELECT starts_at, location FROM interview_slots WHERE posting_id = $1")
                .bind(posting_id)
                .fetch_all(tx.conn())
                .await?;
        // The same time at the same place is there already (a second click, a row typed twice).
        let new: Vec<String> = plan
            .starts
            .iter()
            .map(|s| stored(*s))
            .filter(|s| !existing.iter().any(|(e, l)| e == s && *l == plan.location))
            .collect();
        if existing.len() + new.len() > MAX_SLOTS_PER_POSTING {
            return Ok(Err("interview.error_too_many"));
        }
        let t = now();
        for start in &new {
            sqlx::query("INSERT INTO interview_slots (posting_id, starts_at, minutes, location, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(posting_id)
                .bind(start)
                .bind(i64::from(plan.minutes))
                .bind(&plan.location)
                .bind(user_id)
                .bind(t)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(Ok(SlotsAdded {
            added: new.len(),
            existed: plan.starts.len() - new.len(),
        }))
    }

    /// Remove a free time of a posting. `false` if it is booked or not the posting's.
    pub async fn delete_interview_slot(&self, posting_id: i64, slot_id: i64) -> Result<bool> {
        Ok(sqlx::query(
            "DELETE FROM interview_slots WHERE id = $1 AND posting_id = $2 AND application_id IS NULL",
        )
        .bind(slot_id)
        .bind(posting_id)
        .execute(self.w())
        .await?
        .rows_affected()
            == 1)
    }

    /// A posting's times in order, and the applications asked to choose one.
    pub async fn interview_schedule(&self, posting_id: i64) -> Result<Schedule> {
        let slots = sqlx::query_as(&format!(
            "SELECT {SLOT_COLS} FROM interview_slots WHERE posting_id = $1 ORDER BY starts_at, id"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let invited = sqlx::query_as(
            "SELECT i.application_id, i.invited_at FROM interviews i JOIN applications a ON a.id = i.application_id WHERE a.posting_id = $1 AND i.self_booking = 1 ORDER BY i.invited_at, i.application_id",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        Ok(Schedule { slots, invited })
    }

    /// Ask applications of a posting that stand in an interview stage to choose their own time
    /// in the portal: each is marked, audited, and sent the message `write` makes (stored for
    /// the portal and e-mailed). Those not in an interview stage, or asked already, are left
    /// alone. Returns the applications asked.
    pub async fn invite_to_choose(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        posting_id: i64,
        application_ids: &[i64],
        write: &(dyn Fn(&Recipient) -> Written + Sync),
    ) -> Result<Vec<i64>> {
        #[derive(FromRow)]
        struct Cur {
            #[sqlx(try_from = "String")]
            phase: Phase,
            self_booking: Option<i64>,
            lang: String,
            email: String,
            given_name: String,
            family_name: String,
        }
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let t = now();
        let mut asked = vec![];
        for &id in application_ids {
            let cur: Option<Cur> = sqlx::query_as(
                "SELECT a.phase, i.self_booking, a.lang, c.email, c.given_name, c.family_name FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN interviews i ON i.application_id = a.id WHERE a.id = $1 AND a.posting_id = $2",
            )
            .bind(id)
            .bind(posting_id)
            .fetch_optional(tx.conn())
            .await?;
            let Some(cur) = cur else { continue };
            if cur.phase != Phase::Interview || cur.self_booking == Some(1) || asked.contains(&id) {
                continue;
            }
            sqlx::query(
                "INSERT INTO interviews (application_id, self_booking, invited_at, updated_at) VALUES ($1, 1, $2, $2)
                 ON CONFLICT (application_id) DO UPDATE SET self_booking = 1, invited_at = $2, updated_at = $2",
            )
            .bind(id)
            .bind(t)
            .execute(tx.conn())
            .await?;
            let w = write(&Recipient {
                application_id: id,
                email: &cur.email,
                name: format!("{} {}", cur.given_name, cur.family_name),
                lang: Lang::parse(&cur.lang).unwrap_or(Lang::Nb),
            });
            tx.send_message(id, user_id, &w, t).await?;
            asked.push(id);
        }
        let events: Vec<_> = asked
            .iter()
            .map(|id| {
                reader.event(
                    AuditAction::Update,
                    SubjectKind::Application,
                    *id,
                    "asked to choose an interview time",
                )
            })
            .collect();
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(asked)
    }

    /// Book `slot_id` for an application of `posting_id` at `now` (Oslo time), freeing the time
    /// it held. Staff may book any free time ahead for an application in an interview stage; a
    /// candidate only when asked to choose, and only a day or more ahead, both for the time
    /// chosen and the time left. The calendar follows (an `interview_calendar` job).
    pub async fn book_interview(
        &self,
        reader: &Reader<'_>,
        booker: Booker,
        posting_id: i64,
        application_id: i64,
        slot_id: i64,
        now_local: NaiveDateTime,
    ) -> Result<std::result::Result<Booked, BookRefused>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let cur: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT a.phase, i.self_booking FROM applications a LEFT JOIN interviews i ON i.application_id = a.id WHERE a.id = $1 AND a.posting_id = $2",
        )
        .bind(application_id)
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some((phase, self_booking)) = cur else {
            return Err(crate::StoreError::NotFound);
        };
        if Phase::parse(&phase) != Some(Phase::Interview) {
            return Ok(Err(BookRefused::NotInterview));
        }
        if matches!(booker, Booker::Candidate(_)) && self_booking != Some(1) {
            return Ok(Err(BookRefused::NotInvited));
        }
        let slot: Option<Slot> = sqlx::query_as(&format!(
            "SELECT {SLOT_COLS} FROM interview_slots WHERE id = $1 AND posting_id = $2"
        ))
        .bind(slot_id)
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(slot) = slot else {
            return Ok(Err(BookRefused::Taken));
        };
        if slot.application_id == Some(application_id) {
            return Ok(Ok(Booked::Unchanged));
        }
        if slot.start() <= now_local {
            return Ok(Err(BookRefused::Past));
        }
        let held: Option<Slot> = sqlx::query_as(&format!(
            "SELECT {SLOT_COLS} FROM interview_slots WHERE application_id = $1"
        ))
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?;
        if matches!(booker, Booker::Candidate(_))
            && (!may_change(slot.start(), now_local)
                || held
                    .as_ref()
                    .is_some_and(|h| !may_change(h.start(), now_local)))
        {
            return Ok(Err(BookRefused::TooLate));
        }
        tx.free_slot(application_id).await?;
        let t = now();
        let took = sqlx::query(
            "UPDATE interview_slots SET application_id = $1, booked_at = $2, booked_by = $3, reminded_at = $6 WHERE id = $4 AND posting_id = $5 AND application_id IS NULL",
        )
        .bind(application_id)
        .bind(t)
        .bind(booker.as_str())
        .bind(slot_id)
        .bind(posting_id)
        // Booked within the reminder's reach: the invitation is the reminder.
        .bind((slot.start() - now_local <= Duration::hours(REMIND_HOURS + 1)).then_some(t))
        .execute(tx.conn())
        .await?
        .rows_affected();
        if took != 1 {
            // Rolled back: the time it held stays its own.
            return Ok(Err(BookRefused::Taken));
        }
        sqlx::query(
            "INSERT INTO interviews (application_id, updated_at) VALUES ($1, $2)
             ON CONFLICT (application_id) DO UPDATE SET
               round = CASE WHEN interviews.sent_sequence >= 0 AND interviews.sent_booked = 0 THEN interviews.round + 1 ELSE interviews.round END,
               sequence = CASE WHEN interviews.sent_sequence >= 0 AND interviews.sent_booked = 0 THEN 0
                               WHEN interviews.sent_sequence = interviews.sequence THEN interviews.sequence + 1
                               ELSE interviews.sequence END,
               sent_sequence = CASE WHEN interviews.sent_sequence >= 0 AND interviews.sent_booked = 0 THEN -1 ELSE interviews.sent_sequence END,
               updated_at = $2",
        )
        .bind(application_id)
        .bind(t)
        .execute(tx.conn())
        .await?;
        crate::jobs::insert_job(
            tx.conn(),
            &JobKind::InterviewCalendar { application_id },
            t,
            5,
        )
        .await?;
        let (booked, detail) = match (held.is_some(), booker) {
            (false, Booker::Staff(_)) => (Booked::New, "interview booked"),
            (true, Booker::Staff(_)) => (Booked::Moved, "interview moved"),
            (false, Booker::Candidate(_)) => {
                (Booked::New, "interview time chosen by the candidate")
            }
            (true, Booker::Candidate(_)) => {
                (Booked::Moved, "interview time changed by the candidate")
            }
        };
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            detail,
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(booked))
    }

    /// Call off an application's interview: its time is freed, it is no longer asked to choose
    /// one, and a cancellation goes to its calendar. `false` if it had no time.
    pub async fn cancel_interview(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
        application_id: i64,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        tx.lock_posting(posting_id).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM applications WHERE id = $1 AND posting_id = $2")
                .bind(application_id)
                .bind(posting_id)
                .fetch_optional(tx.conn())
                .await?;
        if exists.is_none() {
            return Err(crate::StoreError::NotFound);
        }
        let freed = tx.release_interview(application_id).await?;
        sqlx::query("UPDATE interviews SET self_booking = 0 WHERE application_id = $1")
            .bind(application_id)
            .execute(tx.conn())
            .await?;
        if freed {
            tx.audit(&[reader.event(
                AuditAction::Update,
                SubjectKind::Application,
                application_id,
                "interview cancelled",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(freed)
    }

    /// The candidate's interview on one of their applications, at `now` (Oslo time): `None` when
    /// they have no time and were not asked to choose one. The caller has read the application
    /// for the candidate (and audited it); this checks the candidate owns it too.
    pub async fn candidate_interview(
        &self,
        candidate_id: i64,
        application_id: i64,
        now_local: NaiveDateTime,
    ) -> Result<Option<CandidateInterview>> {
        #[derive(FromRow)]
        struct Row {
            posting_id: i64,
            #[sqlx(try_from = "String")]
            phase: Phase,
            round: Option<i64>,
            sequence: Option<i64>,
            self_booking: Option<i64>,
        }
        let row: Option<Row> = sqlx::query_as(
            "SELECT a.posting_id, a.phase, i.round, i.sequence, i.self_booking FROM applications a LEFT JOIN interviews i ON i.application_id = a.id WHERE a.id = $1 AND a.candidate_id = $2",
        )
        .bind(application_id)
        .bind(candidate_id)
        .fetch_optional(self.r())
        .await?;
        let Some(row) = row else {
            return Err(crate::StoreError::NotFound);
        };
        let booked: Option<Slot> = sqlx::query_as(&format!(
            "SELECT {SLOT_COLS} FROM interview_slots WHERE application_id = $1"
        ))
        .bind(application_id)
        .fetch_optional(self.r())
        .await?;
        let self_booking = row.self_booking == Some(1) && row.phase == Phase::Interview;
        if booked.is_none() && !self_booking {
            return Ok(None);
        }
        let may = self_booking
            && booked
                .as_ref()
                .is_none_or(|b| may_change(b.start(), now_local));
        let free = if may {
            sqlx::query_as(&format!(
                "SELECT {SLOT_COLS} FROM interview_slots WHERE posting_id = $1 AND application_id IS NULL AND starts_at >= $2 ORDER BY starts_at, id LIMIT 200"
            ))
            .bind(row.posting_id)
            .bind(stored(now_local + Duration::hours(CHANGE_HOURS)))
            .fetch_all(self.r())
            .await?
        } else {
            vec![]
        };
        Ok(Some(CandidateInterview {
            round: row.round.unwrap_or(0),
            sequence: row.sequence.unwrap_or(0),
            self_booking,
            may_change: may && booked.is_some(),
            booked,
            free,
        }))
    }

    /// The interview of an application as its calendar would hold it now (for the portal's
    /// calendar file): `None` without a time.
    pub async fn interview_notice(&self, application_id: i64) -> Result<Option<InterviewNotice>> {
        let row: Option<NoticeRow> = sqlx::query_as(&format!(
            "{NOTICE_SQL} WHERE i.application_id = $1 AND s.id IS NOT NULL"
        ))
        .bind(application_id)
        .fetch_optional(self.r())
        .await?;
        Ok(row.map(|r| {
            r.notice(
                Method::Request,
                r.starts_at.as_deref().unwrap_or_default(),
                r.minutes.unwrap_or_default(),
                r.location.as_deref().unwrap_or_default(),
            )
        }))
    }

    /// Bring the candidate's calendar up to date with an application's interview: queue the
    /// invitation (or the change) when its booking differs from what was last sent, or the
    /// cancellation when it has no time any more but one was sent. `write` makes the e-mail,
    /// which carries the calendar object. One transaction; `false` when nothing was due.
    pub async fn sync_interview_calendar(
        &self,
        application_id: i64,
        write: &(dyn Fn(&InterviewNotice) -> OutgoingEmail + Sync),
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        if tx.backend == crate::Backend::Postgres {
            sqlx::query(
                "SELECT application_id FROM interviews WHERE application_id = $1 FOR UPDATE",
            )
            .bind(application_id)
            .execute(tx.conn())
            .await?;
        }
        let row: Option<NoticeRow> =
            sqlx::query_as(&format!("{NOTICE_SQL} WHERE i.application_id = $1"))
                .bind(application_id)
                .fetch_optional(tx.conn())
                .await?;
        let Some(r) = row else {
            return Ok(false);
        };
        let notice = match (&r.starts_at, r.minutes, &r.location) {
            (Some(start), Some(minutes), Some(location)) => {
                if r.sent_booked == 1 && r.sent_sequence == r.sequence {
                    return Ok(false);
                }
                // Cancelled and booked again at the same time and place before the worker ran:
                // the calendar holds it as it is.
                if r.sent_booked == 1
                    && r.sent_starts_at.as_deref() == Some(start.as_str())
                    && r.sent_minutes == Some(minutes)
                    && r.sent_location.as_deref() == Some(location.as_str())
                {
                    sqlx::query(
                        "UPDATE interviews SET sent_sequence = sequence WHERE application_id = $1",
                    )
                    .bind(application_id)
                    .execute(tx.conn())
                    .await?;
                    tx.commit().await?;
                    return Ok(false);
                }
                r.notice(Method::Request, start, minutes, location)
            }
            _ => {
                if r.sent_booked == 0 {
                    return Ok(false);
                }
                r.notice(
                    Method::Cancel,
                    r.sent_starts_at.as_deref().unwrap_or_default(),
                    r.sent_minutes.unwrap_or_default(),
                    r.sent_location.as_deref().unwrap_or_default(),
                )
            }
        };
        tx.enqueue_email(&write(&notice)).await?;
        let booked = notice.method == Method::Request;
        sqlx::query(
            "UPDATE interviews SET sent_sequence = sequence, sent_booked = $1, sent_starts_at = $2, sent_minutes = $3, sent_location = $4 WHERE application_id = $5",
        )
        .bind(i64::from(booked))
        .bind(stored(notice.start))
        .bind(i64::from(notice.minutes))
        .bind(&notice.location)
        .bind(application_id)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Queue a reminder for each interview that starts within `hours` of `now_local` (Oslo
    /// time) and has had none, of applications still in the running; each marked reminded in
    /// the same transaction. Returns how many.
    pub async fn queue_interview_reminders(
        &self,
        now_local: NaiveDateTime,
        hours: i64,
        write: &(dyn Fn(&InterviewNotice) -> OutgoingEmail + Sync),
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let due: Vec<(i64, NoticeRow)> = {
            let rows: Vec<NoticeRow> = sqlx::query_as(&format!(
                "{NOTICE_SQL} WHERE s.reminded_at IS NULL AND s.starts_at > $1 AND s.starts_at <= $2 AND a.phase NOT IN {FINAL_PHASES} ORDER BY s.starts_at"
            ))
            .bind(stored(now_local))
            .bind(stored(now_local + Duration::hours(hours)))
            .fetch_all(tx.conn())
            .await?;
            rows.into_iter().map(|r| (r.application_id, r)).collect()
        };
        let t = now();
        let mut sent = 0;
        for (id, r) in &due {
            let n = r.notice(
                Method::Request,
                r.starts_at.as_deref().unwrap_or_default(),
                r.minutes.unwrap_or_default(),
                r.location.as_deref().unwrap_or_default(),
            );
            // Two workers at once (two servers) remind once: whoever marks it sends.
            let marked = sqlx::query(
                "UPDATE interview_slots SET reminded_at = $1 WHERE application_id = $2 AND reminded_at IS NULL",
            )
            .bind(t)
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected();
            if marked == 1 {
                tx.enqueue_email(&write(&n)).await?;
                sent += 1;
            }
        }
        tx.commit().await?;
        Ok(sent)
    }
}

impl Tx {
    /// The time an application holds, if any.
    pub(crate) async fn held_slot(&mut self, application_id: i64) -> Result<Option<Slot>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SLOT_COLS} FROM interview_slots WHERE application_id = $1"
        ))
        .bind(application_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Free the time an application holds, if any. Returns whether it held one.
    async fn free_slot(&mut self, application_id: i64) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE interview_slots SET application_id = NULL, booked_at = NULL, booked_by = NULL, reminded_at = NULL WHERE application_id = $1",
        )
        .bind(application_id)
        .execute(self.conn())
        .await?
        .rows_affected()
            > 0)
    }

    /// Free an application's time and have its calendar told (a cancellation, once the job
    /// runs). Returns whether it held one.
    pub(crate) async fn release_interview(&mut self, application_id: i64) -> Result<bool> {
        if !self.free_slot(application_id).await? {
            return Ok(false);
        }
        let t = now();
        sqlx::query(
            "UPDATE interviews SET sequence = CASE WHEN sent_sequence = sequence THEN sequence + 1 ELSE sequence END, updated_at = $1 WHERE application_id = $2",
        )
        .bind(t)
        .bind(application_id)
        .execute(self.conn())
        .await?;
        crate::jobs::insert_job(
            self.conn(),
            &JobKind::InterviewCalendar { application_id },
            t,
            5,
        )
        .await?;
        Ok(true)
    }

    /// An application leaves the running (rejected, withdrawn): a time it holds that has not
    /// begun is freed for others and cancelled in its calendar; one that has begun or passed
    /// stays, as the record that the interview took place.
    pub(crate) async fn release_on_exit(&mut self, application_id: i64) -> Result<bool> {
        let start: Option<String> =
            sqlx::query_scalar("SELECT starts_at FROM interview_slots WHERE application_id = $1")
                .bind(application_id)
                .fetch_optional(self.conn())
                .await?;
        let now_local = talentflyt_domain::clock::oslo_local(chrono::Utc::now());
        match start.and_then(|s| parse_stored(&s)) {
            Some(s) if s > now_local => self.release_interview(application_id).await,
            _ => Ok(false),
        }
    }
}
