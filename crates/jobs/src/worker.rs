//! Takes jobs from the queue and runs them.

use crate::mail::Mailer;
use std::sync::Arc;
use std::time::Duration;
use talentflyt_domain::Clock;
use talentflyt_store::{Job, JobKind, JobOutcome, Store};
use tokio::sync::Notify;

/// How long a worker holds a job before another may take it.
/// How long a claimed job is held. The worker renews the lease every [`HEARTBEAT`] while it
/// works, so a long job keeps it, and a job whose worker died (kill -9, a lost machine) is free
/// again within this time.
const LEASE_SECS: i64 = 30;
const HEARTBEAT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Worker {
    store: Store,
    mailer: Mailer,
    from: String,
    id: String,
    wake: Arc<Notify>,
    clock: Clock,
    nav: Option<crate::nav::NavConfig>,
    alerts: Option<crate::alerts::AlertSite>,
}

#[derive(Debug, thiserror::Error)]
enum JobError {
    /// An unknown kind, or a payload that does not fit its kind. (serde's message names the
    /// field or kind, never the payload's values.)
    #[error("bad job: {0}")]
    Payload(#[from] serde_json::Error),
    #[error(transparent)]
    Store(#[from] talentflyt_store::StoreError),
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
    /// Some ads could not be given to a channel; the job runs again later.
    #[error("{0}")]
    Channel(String),
}

impl Worker {
    pub fn new(store: Store, mailer: Mailer, from: String) -> Worker {
        let id = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Worker {
            store,
            mailer,
            from,
            id,
            wake: Arc::new(Notify::new()),
            clock: Clock::system(),
            nav: None,
            alerts: None,
        }
    }

    /// Send job alerts with links to this site (`SendAlerts` jobs).
    pub fn with_alerts(mut self, site: crate::alerts::AlertSite) -> Worker {
        self.alerts = Some(site);
        self
    }

    /// Send ads to NAV arbeidsplassen with this configuration (`SyncNav` jobs).
    pub fn with_nav(mut self, nav: crate::nav::NavConfig) -> Worker {
        self.nav = Some(nav);
        self
    }

    /// Tell the time by `clock` (which day a deadline has passed); tests set it.
    pub fn with_clock(mut self, clock: Clock) -> Worker {
        self.clock = clock;
        self
    }

    /// Call after enqueueing work so it starts at once instead of at the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Run one due job, if any. Returns whether there was one.
    pub async fn run_once(&self) -> Result<bool, talentflyt_store::StoreError> {
        let Some(job) = self.store.claim_job(&self.id, LEASE_SECS).await? else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        let work = self.handle(&job);
        tokio::pin!(work);
        let done = loop {
            tokio::select! {
                r = &mut work => break r,
                _ = tokio::time::sleep(HEARTBEAT) => {
                    if let Err(e) = self.store.extend_lease(job.id, &self.id, LEASE_SECS).await {
                        tracing::warn!(job_id = job.id, error = %e, "could not renew the job's lease");
                    }
                }
            }
        };
        match done {
            Ok(()) => {
                self.store.complete_job(job.id).await?;
                tracing::info!(job_id = job.id, kind = %job.kind, attempt = job.attempts, ms = started.elapsed().as_millis() as u64, "job done");
            }
            Err(e) => {
                let msg = e.to_string();
                let outcome = self.store.fail_job(&job, &msg, e.is_permanent()).await?;
                if let (JobOutcome::Failed, Some(id)) = (outcome, outbox_id(&job)) {
                    self.store.mark_outbox(id, false).await?;
                }
                tracing::warn!(job_id = job.id, kind = %job.kind, attempt = job.attempts, error = %msg, outcome = ?outcome, "job failed");
            }
        }
        Ok(true)
    }

    /// Run every job that is due now; for tests and for `talentflyt` commands that must finish their mail.
    pub async fn drain(&self) -> Result<usize, talentflyt_store::StoreError> {
        let mut n = 0;
        while self.run_once().await? {
            n += 1;
        }
        Ok(n)
    }

    /// Work until `shutdown` resolves, polling every second when idle.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let worked = match self.run_once().await {
                Ok(w) => w,
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    false
                }
            };
            if worked {
                continue;
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    async fn handle(&self, job: &Job) -> Result<(), JobError> {
        match job.work()? {
            JobKind::SendEmail { outbox_id } => {
                let msg = self.store.outbox_message(outbox_id).await?;
                if msg.status == "sent" {
                    return Ok(());
                }
                self.mailer.send(&self.from, &msg).await?;
                self.store.mark_outbox(outbox_id, true).await?;
                Ok(())
            }
            JobKind::ClosePostings => {
                let n = self
                    .store
                    .close_expired_postings(self.clock.today())
                    .await?;
                tracing::info!(
                    job_id = job.id,
                    closed = n,
                    "postings past their deadline closed"
                );
                Ok(())
            }
            JobKind::SendAlerts => {
                let Some(site) = &self.alerts else {
                    return Ok(());
                };
                let now = self.clock.now().with_timezone(&chrono_tz::Europe::Oslo);
                let r = crate::alerts::run(
                    &self.store,
                    site,
                    self.clock.today(),
                    chrono::Timelike::hour(&now),
                )
                .await?;
                tracing::info!(
                    job_id = job.id,
                    sent = r.sent,
                    renewals = r.renewals,
                    expired = r.expired,
                    "job alerts sent"
                );
                Ok(())
            }
            JobKind::IndexDocuments => {
                let read = crate::documents::run(&self.store).await?;
                tracing::info!(job_id = job.id, read, "document text read");
                Ok(())
            }
            JobKind::RemindWaiting => {
                let Some(site) = &self.alerts else {
                    return Ok(());
                };
                let sent =
                    crate::reminders::run(&self.store, site, self.clock.now().timestamp()).await?;
                tracing::info!(job_id = job.id, sent, "waiting reminders queued");
                Ok(())
            }
            JobKind::InterviewCalendar { application_id } => {
                let Some(site) = &self.alerts else {
                    tracing::warn!(
                        job_id = job.id,
                        "no site configured: interview calendars are not sent"
                    );
                    return Ok(());
                };
                let sent =
                    crate::interviews::sync(&self.store, site, &self.from, application_id).await?;
                tracing::info!(
                    job_id = job.id,
                    sent,
                    "interview calendar brought up to date"
                );
                Ok(())
            }
            JobKind::RemindInterviews => {
                let Some(site) = &self.alerts else {
                    return Ok(());
                };
                let sent = crate::interviews::remind(
                    &self.store,
                    site,
                    talentflyt_domain::clock::oslo_local(self.clock.now()),
                )
                .await?;
                tracing::info!(job_id = job.id, sent, "interview reminders queued");
                Ok(())
            }
            JobKind::CandidateSurveys => {
                let Some(site) = &self.alerts else {
                    return Ok(());
                };
                let sent =
                    crate::surveys::run(&self.store, site, self.clock.now().timestamp()).await?;
                tracing::info!(job_id = job.id, sent, "survey invitations queued");
                Ok(())
            }
            JobKind::ApplicantLists => {
                let made = self
                    .store
                    .produce_applicant_lists(self.clock.today())
                    .await?;
                tracing::info!(job_id = job.id, made, "applicant lists brought up to date");
                Ok(())
            }
            JobKind::SyncNav => {
                let Some(nav) = &self.nav else {
                    // No NAV channel configured here: nothing to do.
                    return Ok(());
                };
                let r = crate::nav::sync(&self.store, nav, self.clock.today()).await?;
                tracing::info!(
                    job_id = job.id,
                    sent = r.sent,
                    stopped = r.stopped,
                    unchanged = r.unchanged,
                    failed = r.failed,
                    "NAV brought up to date"
                );
                if r.failed > 0 {
                    return Err(JobError::Channel(format!(
                        "{} ads not accepted by NAV (their answers are on each ad)",
                        r.failed
                    )));
                }
                Ok(())
            }
        }
    }
}

impl JobError {
    fn is_permanent(&self) -> bool {
        match self {
            JobError::Payload(_) => true,
            JobError::Mail(m) => m.is_permanent(),
            JobError::Store(_) | JobError::Channel(_) => false,
        }
    }
}

fn outbox_id(job: &Job) -> Option<i64> {
    match job.work() {
        Ok(JobKind::SendEmail { outbox_id }) => Some(outbox_id),
        _ => None,
    }
}
