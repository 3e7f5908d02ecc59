//! The public applicant list (offentleglova §25), its versions, HR's decisions on requests not
//! to be named, and requests for access to the lists.
//!
//! A list is produced the day after the deadline as first announced (the hourly job,
//! [`Store::produce_applicant_lists`]) and a new version is kept whenever who is named or the
//! counts change: a withdrawal, a decision, an answer to a refusal, a late applicant after an
//! extension, an erasure. The rules of who is named are `domain::applicant_list`.

use crate::{
    now, Actor, AuditAction, AuditEvent, Reader, Recipient, Result, Store, StoreError, SubjectKind,
    Tx, Written,
};
use chrono::NaiveDate;
use sqlx::FromRow;
use talentflyt_domain::applicant_list::{self as rules, Applicant, Content, Counts, Exemption};
use talentflyt_domain::Lang;

/// One version of a posting's list.
#[derive(Debug, Clone, FromRow)]
pub struct ListVersion {
    pub id: i64,
    pub posting_id: i64,
    pub version: i64,
    pub produced_at: i64,
    /// The day ages are counted on (the day after the first deadline).
    pub list_date: String,
    pub added: i64,
    pub removed: i64,
    /// Named when made.
    pub named: i64,
    pub total: i64,
    pub women: i64,
    pub men: i64,
    pub other: i64,
    pub unstated: i64,
}

impl ListVersion {
    pub fn counts(&self) -> Counts {
        Counts {
            total: self.total,
            women: self.women,
            men: self.men,
            other: self.other,
            unstated: self.unstated,
        }
    }
}

/// A named applicant on a version.
#[derive(Debug, Clone, FromRow)]
pub struct ListEntry {
    pub application_id: i64,
    pub name: String,
    pub age: Option<i64>,
    pub title: String,
    pub municipality: String,
}

/// A posting's newest list as HR's work list shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ListOverview {
    pub posting_id: i64,
    pub title: String,
    pub reference: String,
    pub unit_path: String,
    pub version: i64,
    pub produced_at: i64,
    pub total: i64,
    pub named: i64,
    /// Requests not to be named that wait for HR.
    pub undecided: i64,
    /// Requests for access that wait for HR.
    pub pending_requests: i64,
}

/// An applicant's request not to be named, as HR decides it.
#[derive(Debug, Clone, FromRow)]
pub struct ExemptionCase {
    pub application_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub reason: String,
    /// `granted`, `refused`, or none yet.
    pub decision: Option<String>,
    pub rationale: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    /// `accept_listed`, `lapsed`, or none.
    pub answer: Option<String>,
    pub answer_by: Option<String>,
    pub phase: String,
}

/// Why a decision on an exemption was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideRefused {
    /// Decided already (a decision stands; a second click records nothing).
    Decided,
    /// The applicant withdrew or the process is over for them.
    Withdrawn,
    /// The applicant did not ask not to be named.
    NotRequested,
}

/// The applicants of a posting as the list rules need them (those who have not withdrawn).
const APPLICANTS_SQL: &str = "SELECT a.id, c.given_name, c.family_name, COALESCE(d.birth_date, '') AS birth_date, COALESCE(d.current_title, '') AS current_title,
        COALESCE(d.municipality, '') AS municipality, COALESCE(d.gender, '') AS gender, a.exemption_requested, a.exemption_decision, a.exemption_answer
     FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN application_details d ON d.application_id = a.id
     WHERE a.posting_id = $1 AND a.phase <> 'withdrawn' ORDER BY a.id";

const VERSION_COLS: &str =
    "id, posting_id, version, produced_at, list_date, added, removed, named, total, women, men, other, unstated";

#[derive(FromRow)]
struct ApplicantRow {
    id: i64,
    given_name: String,
    family_name: String,
    birth_date: String,
    current_title: String,
    municipality: String,
    gender: String,
    exemption_requested: i64,
    exemption_decision: Option<String>,
    exemption_answer: Option<String>,
}

impl From<ApplicantRow> for Applicant {
    fn from(r: ApplicantRow) -> Self {
        Applicant {
            application_id: r.id,
            given_name: r.given_name,
            family_name: r.family_name,
            birth_date: r.birth_date,
            title: r.current_title,
            municipality: r.municipality,
            gender: r.gender,
            exemption: Exemption::from_columns(
                r.exemption_requested != 0,
                r.exemption_decision.as_deref(),
                r.exemption_answer.as_deref(),
            ),
        }
    }
}

fn day(d: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

impl Tx {
    async fn latest_list(&mut self, posting_id: i64) -> Result<Option<ListVersion>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {VERSION_COLS} FROM applicant_lists WHERE posting_id = $1 ORDER BY version DESC LIMIT 1"
        ))
        .bind(posting_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Keep a new version of the posting's list when its content changed. With `first_due`
    /// (the day after the first deadline) a posting without a list gets its first; without it,
    /// only a posting that has a list already is looked at (a change before the deadline makes
    /// no list). Returns the new version's number.
    pub(crate) async fn refresh_applicant_list(
        &mut self,
        posting_id: i64,
        first_due: Option<NaiveDate>,
    ) -> Result<Option<i64>> {
        // Most changes come before the deadline, when there is no list: they take no lock and
        // cost one read. After the deadline the posting is locked before looking, so a change
        // committed while the job makes the first version waits for it and then makes the next.
        if first_due.is_none() {
            let (deadline, listed): (String, Option<i64>) = sqlx::query_as(
                "SELECT COALESCE(p.original_deadline, p.deadline), (SELECT MIN(l.id) FROM applicant_lists l WHERE l.posting_id = p.id)
                 FROM postings p WHERE p.id = $1",
            )
            .bind(posting_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
            let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now())
                .format("%Y-%m-%d")
                .to_string();
            if listed.is_none() && deadline >= today {
                return Ok(None);
            }
        }
        self.lock_posting(posting_id).await?;
        let latest = self.latest_list(posting_id).await?;
        let list_date = match (&latest, first_due) {
            (Some(l), _) => day(&l.list_date).ok_or(StoreError::NotFound)?,
            (None, Some(d)) => d,
            (None, None) => return Ok(None),
        };
        let rows: Vec<ApplicantRow> = sqlx::query_as(APPLICANTS_SQL)
            .bind(posting_id)
            .fetch_all(self.conn())
            .await?;
        let applicants: Vec<Applicant> = rows.into_iter().map(Applicant::from).collect();
        let content = rules::build(&applicants, list_date);
        let before = match &latest {
            Some(l) => Content {
                entries: sqlx::query_as::<_, ListEntry>(
                    "SELECT application_id, name, age, title, municipality FROM applicant_list_entries WHERE list_id = $1 ORDER BY position",
                )
                .bind(l.id)
                .fetch_all(self.conn())
                .await?
                .into_iter()
                .map(|e| rules::Entry {
                    application_id: e.application_id,
                    name: e.name,
                    age: e.age,
                    title: e.title,
                    municipality: e.municipality,
                })
                .collect(),
                counts: l.counts(),
            },
            None => Content::default(),
        };
        if latest.is_some() && before == content {
            return Ok(None);
        }
        let change = rules::change(&before, &content);
        let version = latest.as_ref().map_or(1, |l| l.version + 1);
        let c = content.counts;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applicant_lists (posting_id, version, produced_at, list_date, added, removed, named, total, women, men, other, unstated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(posting_id)
        .bind(version)
        .bind(now())
        .bind(list_date.format("%Y-%m-%d").to_string())
        .bind(if latest.is_some() { change.added } else { 0 })
        .bind(if latest.is_some() { change.removed } else { 0 })
        .bind(content.entries.len() as i64)
        .bind(c.total)
        .bind(c.women)
        .bind(c.men)
        .bind(c.other)
        .bind(c.unstated)
        .fetch_one(self.conn())
        .await?;
        // One statement per hundred entries (a list of 500 is five round trips, not 500).
        for (chunk_no, chunk) in content.entries.chunks(100).enumerate() {
            let values: Vec<String> = (0..chunk.len())
                .map(|k| {
                    let b = k * 7;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO applicant_list_entries (list_id, position, application_id, name, age, title, municipality) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (k, e) in chunk.iter().enumerate() {
                q = q
                    .bind(id)
                    .bind((chunk_no * 100 + k) as i64)
                    .bind(e.application_id)
                    .bind(&e.name)
                    .bind(e.age)
                    .bind(&e.title)
                    .bind(&e.municipality);
            }
            q.execute(self.conn()).await?;
        }
        sqlx::query("UPDATE site_changes SET public_version = public_version + 1 WHERE id = 1")
            .execute(self.conn())
            .await?;
        Ok(Some(version))
    }
}

impl Store {
    /// The hourly work: a first list for each posting whose first deadline passed (within the
    /// last 30 days: older history is not listed after the fact), and a new version where a
    /// refused applicant's day to answer has passed in silence (they are named from then on,
    /// audited as the system's doing). Returns how many versions were made.
    pub async fn produce_applicant_lists(&self, today: NaiveDate) -> Result<usize> {
        let t = today.format("%Y-%m-%d").to_string();
        let from = (today - chrono::Duration::days(30))
            .format("%Y-%m-%d")
            .to_string();
        let due: Vec<(i64, String)> = sqlx::query_as(
            "SELECT p.id, COALESCE(p.original_deadline, p.deadline) FROM postings p
             WHERE p.status IN ('published', 'closed') AND COALESCE(p.original_deadline, p.deadline) < $1
               AND COALESCE(p.original_deadline, p.deadline) >= $2
               AND NOT EXISTS (SELECT 1 FROM applicant_lists l WHERE l.posting_id = p.id)
             ORDER BY p.id",
        )
        .bind(&t)
        .bind(&from)
        .fetch_all(self.r())
        .await?;
        let mut made = 0;
        for (posting_id, deadline) in due {
            let Some(first) = day(&deadline).map(rules::produced_from) else {
                continue;
            };
            let mut tx = self.begin().await?;
            if tx
                .refresh_applicant_list(posting_id, Some(first))
                .await?
                .is_some()
            {
                made += 1;
            }
            tx.commit().await?;
        }
        let lapsed: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, posting_id FROM applications WHERE exemption_decision = 'refused' AND exemption_answer IS NULL AND exemption_answer_by < $1 AND phase <> 'withdrawn' ORDER BY posting_id, id",
        )
        .bind(&t)
        .fetch_all(self.r())
        .await?;
        for (app_id, posting_id) in lapsed {
            let mut tx = self.begin().await?;
            let n = sqlx::query("UPDATE applications SET exemption_answer = 'lapsed', updated_at = $1 WHERE id = $2 AND exemption_answer IS NULL AND exemption_decision = 'refused'")
                .bind(now())
                .bind(app_id)
                .execute(tx.conn())
                .await?
                .rows_affected();
            if n == 1 {
                tx.audit(&[AuditEvent {
                    actor: Actor::System,
                    action: AuditAction::Update,
                    subject_kind: SubjectKind::Application,
                    subject_id: app_id,
                    ip: "",
                    detail: "named on the applicant list: no answer to the refusal in time",
                }])
                .await?;
                if tx.refresh_applicant_list(posting_id, None).await?.is_some() {
                    made += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(made)
    }

    /// HR's work list over the units under `unit_paths`: the newest version of each list,
    /// those with requests not to be named or requests for access still undecided first, then
    /// the newest; at most `limit`. No personal data.
    pub async fn applicant_list_overview(
        &self,
        unit_paths: &[String],
        limit: i64,
    ) -> Result<Vec<ListOverview>> {
        if unit_paths.is_empty() {
            return Ok(vec![]);
        }
        let within: Vec<String> = (0..unit_paths.len())
            .map(|k| format!("u.path LIKE ${}", k + 2))
            .collect();
        let sql = format!(
            "SELECT * FROM (
                SELECT l.posting_id, p.title, p.reference, u.path AS unit_path, l.version, l.produced_at, l.total, l.named,
                       (SELECT COUNT(*) FROM applications a WHERE a.posting_id = l.posting_id AND a.exemption_requested = 1
                          AND a.exemption_decision IS NULL AND a.phase <> 'withdrawn') AS undecided,
                       (SELECT COUNT(*) FROM applicant_list_requests r WHERE r.posting_id = l.posting_id AND r.status = 'pending') AS pending_requests
                FROM applicant_lists l JOIN postings p ON p.id = l.posting_id JOIN org_units u ON u.id = p.unit_id
                WHERE l.version = (SELECT MAX(m.version) FROM applicant_lists m WHERE m.posting_id = l.posting_id)
                  AND ({})
             ) x ORDER BY CASE WHEN undecided + pending_requests > 0 THEN 0 ELSE 1 END, produced_at DESC, posting_id DESC LIMIT $1",
            within.join(" OR ")
        );
        let mut q = sqlx::query_as(&sql).bind(limit);
        for p in unit_paths {
            q = q.bind(format!("{p}%"));
        }
        Ok(q.fetch_all(self.r()).await?)
    }

    /// The versions of a posting's list, newest first.
    pub async fn applicant_list_versions(&self, posting_id: i64) -> Result<Vec<ListVersion>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {VERSION_COLS} FROM applicant_lists WHERE posting_id = $1 ORDER BY version DESC"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// One version (the newest when `version` is `None`) with its named applicants.
    pub async fn applicant_list(
        &self,
        posting_id: i64,
        version: Option<i64>,
    ) -> Result<Option<(ListVersion, Vec<ListEntry>)>> {
        let v: Option<ListVersion> = match version {
            Some(n) => sqlx::query_as(&format!(
                "SELECT {VERSION_COLS} FROM applicant_lists WHERE posting_id = $1 AND version = $2"
            ))
            .bind(posting_id)
            .bind(n)
            .fetch_optional(self.r())
            .await?,
            None => sqlx::query_as(&format!(
                "SELECT {VERSION_COLS} FROM applicant_lists WHERE posting_id = $1 ORDER BY version DESC LIMIT 1"
            ))
            .bind(posting_id)
            .fetch_optional(self.r())
            .await?,
        };
        let Some(v) = v else { return Ok(None) };
        let entries = self.applicant_list_entries(v.id).await?;
        Ok(Some((v, entries)))
    }

    /// The named applicants of one version (by its row id).
    pub async fn applicant_list_entries(&self, list_id: i64) -> Result<Vec<ListEntry>> {
        Ok(sqlx::query_as(
            "SELECT application_id, name, age, title, municipality FROM applicant_list_entries WHERE list_id = $1 ORDER BY position",
        )
        .bind(list_id)
        .fetch_all(self.r())
        .await?)
    }

    /// The requests not to be named on a posting's list, in the order they came. The reasons
    /// are the applicants' own words: the caller shows them to HR only, and audits the read.
    pub async fn exemption_cases(&self, posting_id: i64) -> Result<Vec<ExemptionCase>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS application_id, c.given_name, c.family_name, a.exemption_reason AS reason, a.exemption_decision AS decision,
                    a.exemption_rationale AS rationale, u.display_name AS decided_by_name, a.exemption_decided_at AS decided_at,
                    a.exemption_answer AS answer, a.exemption_answer_by AS answer_by, a.phase
             FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN users u ON u.id = a.exemption_decided_by
             WHERE a.posting_id = $1 AND a.exemption_requested = 1 ORDER BY a.submitted_at, a.id",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// HR's decision on one request not to be named, with its written reason: the candidate is
    /// told (a message and an e-mail that `write` makes, knowing the decision and for a refusal
    /// the last day to answer), the list gets a new version if it has one, and the decision is
    /// audited. One decision per request: a second is refused.
    pub async fn decide_exemption(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        application_id: i64,
        decision: ExemptionDecision<'_>,
        write: &(dyn Fn(&Recipient, Option<NaiveDate>) -> Written + Sync),
    ) -> Result<std::result::Result<(), DecideRefused>> {
        #[derive(FromRow)]
        struct Cur {
            posting_id: i64,
            phase: String,
            lang: String,
            email: String,
            given_name: String,
            family_name: String,
            exemption_requested: i64,
        }
        let mut tx = self.begin().await?;
        let cur: Cur = sqlx::query_as(
            "SELECT a.posting_id, a.phase, a.lang, c.email, c.given_name, c.family_name, a.exemption_requested FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1",
        )
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        tx.lock_posting(cur.posting_id).await?;
        if cur.exemption_requested == 0 {
            return Ok(Err(DecideRefused::NotRequested));
        }
        if cur.phase == "withdrawn" {
            return Ok(Err(DecideRefused::Withdrawn));
        }
        let answer_by = (!decision.granted).then(|| rules::answer_by(decision.today));
        let t = now();
        let n = sqlx::query(
            "UPDATE applications SET exemption_decision = $1, exemption_rationale = $2, exemption_decided_by = $3, exemption_decided_at = $4,
                    exemption_answer_by = $5, updated_at = $4
             WHERE id = $6 AND exemption_requested = 1 AND exemption_decision IS NULL AND phase <> 'withdrawn'",
        )
        .bind(if decision.granted { "granted" } else { "refused" })
        .bind(decision.rationale)
        .bind(user_id)
        .bind(t)
        .bind(answer_by.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(application_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(Err(DecideRefused::Decided));
        }
        let w = write(
            &Recipient {
                application_id,
                email: &cur.email,
                name: format!("{} {}", cur.given_name, cur.family_name),
                lang: Lang::parse(&cur.lang).unwrap_or(Lang::Nb),
            },
            answer_by,
        );
        tx.send_message(application_id, user_id, &w, t).await?;
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Application,
            application_id,
            if decision.granted {
                "exemption from the applicant list granted"
            } else {
                "exemption from the applicant list refused"
            },
        )])
        .await?;
        tx.refresh_applicant_list(cur.posting_id, None).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Audit that `reader` read the requests not to be named (with the applicants' reasons).
    pub async fn audit_exemption_read(
        &self,
        reader: &Reader<'_>,
        application_ids: &[i64],
    ) -> Result<()> {
        let events: Vec<AuditEvent> = application_ids
            .iter()
            .map(|&id| {
                reader.event(
                    AuditAction::Read,
                    SubjectKind::Application,
                    id,
                    "exemption request read",
                )
            })
            .collect();
        let mut tx = self.begin().await?;
        tx.audit(&events).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// HR's decision on a request not to be named.
#[derive(Debug, Clone, Copy)]
pub struct ExemptionDecision<'a> {
    pub granted: bool,
    /// Checked by `domain::applicant_list::check_rationale`.
    pub rationale: &'a str,
    /// The day of the decision (by the caller's clock): a refusal's day to answer counts from it.
    pub today: NaiveDate,
}

/// A request for access to a posting's list.
#[derive(Debug, Clone, FromRow)]
pub struct ListRequest {
    pub id: i64,
    pub posting_id: i64,
    /// `public` or `extended`.
    pub kind: String,
    pub requester: String,
    pub contact: String,
    /// The party (an applicant) asking for the extended list.
    pub application_id: Option<i64>,
    pub received_on: String,
    pub recorded_at: i64,
    /// None: asked by the candidate on Min side.
    pub recorded_by_name: Option<String>,
    /// `pending`, `given` or `refused`.
    pub status: String,
    pub decided_at: Option<i64>,
    pub decided_by_name: Option<String>,
    pub note: String,
}

/// A request for access as HR records it (a letter, an e-mail, a phone call).
#[derive(Debug, Clone, Copy)]
pub struct NewListRequest<'a> {
    pub posting_id: i64,
    /// `public` or `extended`.
    pub kind: &'a str,
    pub requester: &'a str,
    pub contact: &'a str,
    /// For the extended list: the applicant asking (parties only).
    pub application_id: Option<i64>,
    pub received_on: NaiveDate,
}

/// HR's answer to a request for access.
#[derive(Debug, Clone, Copy)]
pub struct RequestAnswer<'a> {
    pub posting_id: i64,
    pub request_id: i64,
    pub given: bool,
    /// The reasons for a refusal; a note on access given.
    pub note: &'a str,
}

/// Why a request was not recorded or decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefused {
    /// The extended list is for the parties: an applicant of this posting.
    NotAParty,
    /// Decided already.
    Decided,
    /// The list is not made yet (before the first deadline has passed).
    NoList,
}

impl RequestRefused {
    pub fn key(self) -> &'static str {
        match self {
            RequestRefused::NotAParty => "list.refused_not_party",
            RequestRefused::Decided => "list.refused_request_decided",
            RequestRefused::NoList => "list.refused_no_list",
        }
    }
}

const REQUEST_SQL: &str = "SELECT r.id, r.posting_id, r.kind, r.requester, r.contact, r.application_id, r.received_on, r.recorded_at,
        ur.display_name AS recorded_by_name, r.status, r.decided_at, ud.display_name AS decided_by_name, r.note
     FROM applicant_list_requests r LEFT JOIN users ur ON ur.id = r.recorded_by LEFT JOIN users ud ON ud.id = r.decided_by";

#[derive(FromRow)]
struct ExtendedRow {
    id: i64,
    given_name: String,
    family_name: String,
    birth_date: String,
    current_title: String,
    current_employer: String,
    municipality: String,
    education: String,
    work: String,
}

impl Store {
    /// The extended list (for the parties): every applicant who has not withdrawn, named or
    /// not, with age on the list's day, title, employer, municipality, education and work.
    /// Reading it reads each applicant's data: `reader` is audited on each.
    pub async fn extended_list(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
    ) -> Result<Option<Vec<(i64, rules::ExtendedEntry)>>> {
        let Some((v, _)) = self.applicant_list(posting_id, None).await? else {
            return Ok(None);
        };
        let on = day(&v.list_date).ok_or(StoreError::NotFound)?;
        let rows: Vec<ExtendedRow> = sqlx::query_as(
            "SELECT a.id, c.given_name, c.family_name, COALESCE(d.birth_date, '') AS birth_date, COALESCE(d.current_title, '') AS current_title,
                    COALESCE(d.current_employer, '') AS current_employer, COALESCE(d.municipality, '') AS municipality,
                    COALESCE(d.education, '[]') AS education, COALESCE(d.work, '[]') AS work
             FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN application_details d ON d.application_id = a.id
             WHERE a.posting_id = $1 AND a.phase <> 'withdrawn'",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?;
        let mut out: Vec<(Vec<u32>, i64, rules::ExtendedEntry)> = rows
            .into_iter()
            .map(|r| {
                let education: Vec<talentflyt_domain::application::Education> =
                    serde_json::from_str(&r.education).unwrap_or_default();
                let work: Vec<talentflyt_domain::application::Work> =
                    serde_json::from_str(&r.work).unwrap_or_default();
                (
                    rules::sort_key(&r.family_name, &r.given_name),
                    r.id,
                    rules::ExtendedEntry {
                        name: format!("{} {}", r.given_name, r.family_name),
                        age: rules::age(&r.birth_date, on),
                        title: r.current_title,
                        employer: r.current_employer,
                        municipality: r.municipality,
                        education: education
                            .iter()
                            .map(|e| {
                                rules::line_of(
                                    &[&e.degree, &e.institution],
                                    &e.from_year,
                                    &e.to_year,
                                )
                            })
                            .collect(),
                        work: work
                            .iter()
                            .map(|w| {
                                rules::line_of(&[&w.title, &w.employer], &w.from_year, &w.to_year)
                            })
                            .collect(),
                    },
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let events: Vec<AuditEvent> = out
            .iter()
            .map(|(_, id, _)| {
                reader.event(
                    AuditAction::Read,
                    SubjectKind::Application,
                    *id,
                    "on the extended applicant list",
                )
            })
            .collect();
        if !events.is_empty() {
            let mut tx = self.begin().await?;
            tx.audit(&events).await?;
            tx.commit().await?;
        }
        Ok(Some(out.into_iter().map(|(_, id, e)| (id, e)).collect()))
    }

    /// The requests for access to a posting's list, in the order received.
    pub async fn list_requests(&self, posting_id: i64) -> Result<Vec<ListRequest>> {
        Ok(sqlx::query_as(&format!(
            "{REQUEST_SQL} WHERE r.posting_id = $1 ORDER BY r.received_on, r.id"
        ))
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// The requests a candidate made (or that were recorded for them) about an application.
    pub async fn party_requests(&self, application_id: i64) -> Result<Vec<ListRequest>> {
        Ok(sqlx::query_as(&format!(
            "{REQUEST_SQL} WHERE r.application_id = $1 AND r.kind = 'extended' ORDER BY r.id"
        ))
        .bind(application_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Record a request for access, by HR (`user_id`) or by the candidate on Min side (`None`).
    /// A party's request for the extended list names their application on this posting; a
    /// party with a request not yet decided is not recorded twice. Audited on the posting.
    pub async fn record_list_request(
        &self,
        reader: &Reader<'_>,
        user_id: Option<i64>,
        r: &NewListRequest<'_>,
    ) -> Result<std::result::Result<i64, RequestRefused>> {
        let mut tx = self.begin().await?;
        tx.lock_posting(r.posting_id).await?;
        if tx.latest_list(r.posting_id).await?.is_none() {
            return Ok(Err(RequestRefused::NoList));
        }
        if r.kind == "extended" {
            let Some(app) = r.application_id else {
                return Ok(Err(RequestRefused::NotAParty));
            };
            let party: Option<i64> =
                sqlx::query_scalar("SELECT id FROM applications WHERE id = $1 AND posting_id = $2 AND phase <> 'withdrawn'")
                    .bind(app)
                    .bind(r.posting_id)
                    .fetch_optional(tx.conn())
                    .await?;
            if party.is_none() {
                return Ok(Err(RequestRefused::NotAParty));
            }
            let open: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM applicant_list_requests WHERE application_id = $1 AND kind = 'extended' AND status = 'pending'",
            )
            .bind(app)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(id) = open {
                return Ok(Ok(id));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applicant_list_requests (posting_id, kind, requester, contact, application_id, received_on, recorded_at, recorded_by, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING id",
        )
        .bind(r.posting_id)
        .bind(r.kind)
        .bind(r.requester)
        .bind(r.contact)
        .bind(if r.kind == "extended" { r.application_id } else { None })
        .bind(r.received_on.format("%Y-%m-%d").to_string())
        .bind(now())
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?;
        tx.audit(&[reader.event(
            AuditAction::Create,
            SubjectKind::Posting,
            r.posting_id,
            "request for access to the applicant list recorded",
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// HR gives or refuses access, with a note (the reason for a refusal). Giving a party the
    /// extended list lets them read it on Min side; they are told by a message that `write`
    /// makes (none for a request without a party). Once only.
    pub async fn decide_list_request(
        &self,
        reader: &Reader<'_>,
        user_id: i64,
        answer: &RequestAnswer<'_>,
        write: &(dyn Fn(&Recipient) -> Written + Sync),
    ) -> Result<std::result::Result<(), RequestRefused>> {
        let RequestAnswer {
            posting_id,
            request_id,
            given,
            note,
        } = *answer;
        let mut tx = self.begin().await?;
        let app: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT application_id FROM applicant_list_requests WHERE id = $1 AND posting_id = $2",
        )
        .bind(request_id)
        .bind(posting_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(app) = app else {
            return Err(StoreError::NotFound);
        };
        let t = now();
        let n = sqlx::query(
            "UPDATE applicant_list_requests SET status = $1, decided_at = $2, decided_by = $3, note = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(if given { "given" } else { "refused" })
        .bind(t)
        .bind(user_id)
        .bind(note)
        .bind(request_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(Err(RequestRefused::Decided));
        }
        if let Some(app) = app {
            let (email, given_name, family_name, lang): (String, String, String, String) =
                sqlx::query_as(
                    "SELECT c.email, c.given_name, c.family_name, a.lang FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1",
                )
                .bind(app)
                .fetch_one(tx.conn())
                .await?;
            let w = write(&Recipient {
                application_id: app,
                email: &email,
                name: format!("{given_name} {family_name}"),
                lang: Lang::parse(&lang).unwrap_or(Lang::Nb),
            });
            tx.send_message(app, user_id, &w, t).await?;
        }
        tx.audit(&[reader.event(
            AuditAction::Update,
            SubjectKind::Posting,
            posting_id,
            if given {
                "access to the applicant list given"
            } else {
                "access to the applicant list refused"
            },
        )])
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}
