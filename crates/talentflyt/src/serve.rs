//! Wiring: open the store, start the worker, serve HTTP until told to stop.

use crate::config::{DbArgs, ServeArgs};
use anyhow::Context;
use clap::Args;
use talentflyt_domain::org::{grant_scope, GrantScope, Role, UnitKind};
use talentflyt_domain::person::Email;
use talentflyt_domain::security::{password_acceptable, MIN_PASSWORD_LEN};
use talentflyt_jobs::{Mailer, Worker};
use talentflyt_store::{NewUnit, NewUser, Store};
use talentflyt_web::{hash_password, AppState};

pub async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    let store = Store::connect(db.url())
        .await
        .with_context(|| format!("opening the database ({})", redact_url(db.url())))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// A database URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub async fn migrate(db: &DbArgs) -> anyhow::Result<()> {
    open(db).await?;
    println!("Database is up to date ({}).", redact_url(db.url()));
    Ok(())
}

/// Close every published posting whose deadline day ended before `as_of` (default: today in
/// Norway), as the hourly job does; for operators, and for tests that move time.
pub async fn close_postings(args: CloseArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let today = match args.as_of.as_deref() {
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("--as-of takes a date as YYYY-MM-DD, not {s:?}"))?,
        None => talentflyt_domain::clock::Clock::system().today(),
    };
    let n = store.close_expired_postings(today).await?;
    println!("Closed {n} postings whose deadline was before {today}.");
    Ok(())
}

#[derive(clap::Args)]
pub struct CloseArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Close as if today were this date (YYYY-MM-DD), e.g. to catch up after downtime.
    #[arg(long = "as-of")]
    pub as_of: Option<String>,
}

/// A ready application and its worker, for `serve`, `demo` and `bench`.
pub async fn build(
    store: Store,
    args: &ServeArgs,
) -> anyhow::Result<(axum::Router, Option<Worker>)> {
    let worker = if args.worker {
        let mailer = Mailer::new(&args.mail_config())?;
        tracing::info!(mail = %mailer.describe(), "e-mail transport");
        let worker = Worker::new(store.clone(), mailer, args.mail_from.clone())
            .with_alerts(args.web_config()?.alert_site());
        Some(match args.nav_config()? {
            Some(nav) => {
                tracing::info!(url = %nav.base_url, "ads go to NAV arbeidsplassen");
                worker.with_nav(nav)
            }
            None => worker,
        })
    } else {
        None
    };
    let state = AppState::new(
        store,
        args.web_config()?,
        worker.as_ref().map(Worker::waker),
    )
    .await?;
    Ok((talentflyt_web::router(state), worker))
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    run(store, &args).await
}

pub async fn run(store: Store, args: &ServeArgs) -> anyhow::Result<()> {
    let (app, worker) = build(store.clone(), args).await?;
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("listening on {}", args.bind))?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    {
        // Read the back-office list into memory now rather than on the first staff request.
        let store = store.clone();
        tokio::spawn(async move {
            match store.staff_list().await {
                Ok(list) => tracing::info!(postings = list.len(), "back-office list loaded"),
                Err(e) => tracing::warn!(error = %e, "loading the back-office list failed"),
            }
        });
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker_task = worker.map(|w| {
        let mut rx = stop_rx.clone();
        tokio::spawn(w.run(async move {
            let _ = rx.changed().await;
        }))
    });
    let pruner = {
        let store = store.clone();
        let nav = args.nav_url.is_some();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = store.prune_sessions().await {
                    tracing::warn!(error = %e, "pruning sessions failed");
                }
                if let Err(e) = store.prune_login_throttle().await {
                    tracing::warn!(error = %e, "pruning sign-in throttling failed");
                }
                // Application drafts untouched for DRAFT_DAYS go with their files.
                let before = talentflyt_store::now() - talentflyt_store::DRAFT_DAYS * 86_400;
                if let Err(e) = store.prune_drafts(before).await {
                    tracing::warn!(error = %e, "pruning application drafts failed");
                }
                // Sent e-mails keep no body after a week.
                if let Err(e) = store
                    .prune_outbox(talentflyt_store::now() - 7 * 86_400)
                    .await
                {
                    tracing::warn!(error = %e, "pruning the outbox failed");
                }
                // Write down as closed the postings whose deadline day is over (they already count
                // as closed everywhere; this keeps the stored status true for reports and exports).
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::ClosePostings,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing close-postings failed");
                }
                // Daily job alerts, renewals, and alerts whose consent ran out.
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::SendAlerts,
                        talentflyt_store::now(),
                        5,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing job alerts failed");
                }
                // Read the text of documents not read yet (those stored before search existed).
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::IndexDocuments,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing document reading failed");
                }
                // Remind staff of candidates who have waited too long for an answer.
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::RemindWaiting,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing waiting reminders failed");
                }
                // Remind candidates of interviews within a day.
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::RemindInterviews,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing interview reminders failed");
                }
                // The public applicant lists due after a deadline, and refusals not answered.
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::ApplicantLists,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing the applicant lists failed");
                }
                // Invite those given a final answer to the experience survey.
                if let Err(e) = store
                    .enqueue_job(
                        &talentflyt_store::JobKind::CandidateSurveys,
                        talentflyt_store::now(),
                        3,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "queueing the survey invitations failed");
                }
                // Then bring NAV up to date: ads closed above, ads whose internal period ended.
                if nav {
                    if let Err(e) = store
                        .enqueue_job(
                            &talentflyt_store::JobKind::SyncNav,
                            talentflyt_store::now() + 60,
                            8,
                        )
                        .await
                    {
                        tracing::warn!(error = %e, "queueing the NAV sync failed");
                    }
                }
            }
        })
    };
    talentflyt_web::server::serve(listener, app, args.server_limits(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    let _ = stop_tx.send(true);
    if let Some(t) = worker_task {
        let _ = t.await;
    }
    pruner.abort();
    store.close().await;
    Ok(())
}

#[derive(Args)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Sign-in name.
    #[arg(long)]
    pub username: String,
    /// E-mail; also how a first OpenID Connect sign-in finds the user.
    #[arg(long)]
    pub email: String,
    /// Full name as shown in the application.
    #[arg(long)]
    pub name: String,
    /// Password for local sign-in (at least 12 characters). Leave out for OpenID Connect only.
    #[arg(long, env = "TALENTFLYT_NEW_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The role; committee_member and union_rep are granted one posting (--posting), the others
    /// an org unit and all below it (--unit).
    #[arg(long, value_enum)]
    pub role: Role,
    /// Org unit code the role applies to (and everything under it), e.g. OUS.
    #[arg(long)]
    pub unit: Option<String>,
    /// Posting id, for committee_member and union_rep.
    #[arg(long)]
    pub posting: Option<i64>,
    /// The identity provider's subject for this person (for Entra ID: the object id). Without it,
    /// the first OpenID Connect sign-in binds by e-mail, and only if the provider marks it verified.
    #[arg(long)]
    pub oidc_subject: Option<String>,
}

/// The id of the unit with this code, with a clear message when there is none.
async fn unit_id_by_code(store: &Store, code: Option<&str>) -> anyhow::Result<Option<i64>> {
    match code {
        Some(code) => Ok(Some(
            store
                .unit_by_code(code)
                .await
                .with_context(|| format!("no org unit with code {code:?}"))?
                .id,
        )),
        None => Ok(None),
    }
}

pub async fn user_create(a: UserCreateArgs) -> anyhow::Result<()> {
    let role = a.role;
    let email = Email::parse(&a.email)
        .map_err(|_| anyhow::anyhow!("{:?} is not a valid e-mail address", a.email))?;
    if let Some(pw) = &a.password {
        anyhow::ensure!(
            password_acceptable(pw),
            "the password must be at least {MIN_PASSWORD_LEN} characters"
        );
    }
    let scope = grant_scope(role, a.unit.as_deref(), a.posting).map_err(|e| {
        let flags = if role.scoped_to_posting() {
            "give --posting ID and no --unit"
        } else {
            "give --unit CODE and no --posting"
        };
        anyhow::anyhow!("{e}: {flags}")
    })?;
    let store = open(&a.db).await?;
    let (unit_id, posting_id) = match scope {
        GrantScope::Unit(code) => (unit_id_by_code(&store, Some(code)).await?, None),
        GrantScope::Posting(id) => (None, Some(id)),
    };
    let hash = a.password.as_deref().map(hash_password).transpose()?;
    let user = store
        .create_user(NewUser {
            username: &a.username,
            email: email.as_str(),
            display_name: &a.name,
            password_hash: hash.as_deref(),
        })
        .await
        .with_context(|| format!("creating user {:?}", a.username))?;
    store.grant(user.id, role, unit_id, posting_id).await?;
    if let Some(sub) = &a.oidc_subject {
        store.set_oidc_subject(user.id, sub).await?;
    }
    println!(
        "Created user {} (id {}) as {}{}.",
        a.username,
        user.id,
        role.as_str(),
        a.unit
            .map(|u| format!(" on {u}"))
            .or(a.posting.map(|p| format!(" on posting {p}")))
            .unwrap_or_default()
    );
    Ok(())
}

#[derive(Args)]
pub struct UnitCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The level in the tree: a trust at the root, a clinic under it, then department, section.
    #[arg(long, value_enum)]
    pub kind: UnitKind,
    /// Short, unique code, e.g. OUS, AKU, AKU-INT.
    #[arg(long)]
    pub code: String,
    /// Name in bokmål.
    #[arg(long)]
    pub name_nb: String,
    /// Name in English.
    #[arg(long)]
    pub name_en: String,
    /// Code of the parent unit (none for the trust).
    #[arg(long)]
    pub parent: Option<String>,
    /// Hospital site, e.g. Rikshospitalet, Ullevål.
    #[arg(long, default_value = "")]
    pub site: String,
}

pub async fn unit_create(a: UnitCreateArgs) -> anyhow::Result<()> {
    let kind = a.kind;
    let store = open(&a.db).await?;
    let parent_id = unit_id_by_code(&store, a.parent.as_deref()).await?;
    let unit = store
        .create_unit(NewUnit {
            parent_id,
            kind,
            code: &a.code,
            name_nb: &a.name_nb,
            name_en: &a.name_en,
            site: &a.site,
        })
        .await
        .with_context(|| format!("creating unit {:?}", a.code))?;
    println!(
        "Created {} {} (id {}){}.",
        kind.as_str(),
        unit.code,
        unit.id,
        a.parent.map(|p| format!(" under {p}")).unwrap_or_default()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;
    use talentflyt_domain::org::{Role, UnitKind};

    #[test]
    fn the_command_line_takes_the_names_the_database_stores() {
        for role in Role::ALL {
            let name = role.to_possible_value().unwrap();
            assert_eq!(name.get_name(), role.as_str());
            assert_eq!(Role::from_str(role.as_str(), false), Ok(role));
        }
        for kind in UnitKind::value_variants() {
            assert_eq!(kind.to_possible_value().unwrap().get_name(), kind.as_str());
        }
        assert!(Role::from_str("hr-admin", false).is_err());
    }

    #[test]
    fn passwords_are_kept_out_of_messages() {
        assert_eq!(
            super::redact_url("postgres://app:s3cret@db:5432/tf"),
            "postgres://app:***@db:5432/tf"
        );
        assert_eq!(
            super::redact_url("sqlite://data/x.db"),
            "sqlite://data/x.db"
        );
    }
}
