//! Configuration the web layer needs, and the state every handler shares.

use crate::auth::{OidcConfig, OidcRuntime};
use crate::extract::csrf::CsrfKeys;
use crate::middleware::cache::PageCache;
use crate::middleware::limits::{RateLimitConfig, RateLimits};
use crate::middleware::observe::Metrics;
use crate::ops::MetricsAccess;
use crate::view::assets::{Assets, Brand};
use std::sync::Arc;
use std::time::Duration;
use talentflyt_store::{OrgUnit, Store};
use tokio::sync::{Notify, RwLock};

/// What the web layer needs from configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people use, e.g. `https://jobb.oslo-universitetssykehus.no`.
    pub base_url: String,
    pub brand: Brand,
    /// Send cookies only over HTTPS. On by default when `base_url` is https.
    pub cookie_secure: bool,
    pub max_upload_bytes: usize,
    /// The most bytes of all files of one application together (CV and attachments).
    pub max_application_bytes: usize,
    pub oidc: Option<OidcConfig>,
    /// `host:port` of a clamd to scan uploads with.
    pub clamd: Option<String>,
    /// How long a rendered public page may be served from memory.
    pub public_cache_ttl: Duration,
    /// The most the public page cache may hold.
    pub public_cache_bytes: usize,
    /// Reverse proxies in front of the server whose `X-Forwarded-For` entries are trusted.
    pub trusted_proxy_hops: usize,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// Where readers report accessibility problems (shown on the accessibility statement).
    pub a11y_contact: Option<String>,
    /// The trust's approval chain for staffing requests.
    pub approval_policy: talentflyt_domain::requisition::ApprovalPolicy,
    /// Who signs an innstilling off (the appointing authority).
    pub appointing_authority: talentflyt_domain::recommendation::Authority,
    /// Ads go to NAV arbeidsplassen: a change to a public ad queues a sync at once.
    pub nav_channel: bool,
    /// How many days a job alert's consent lasts.
    pub alert_consent_days: u32,
    /// A staff session ends after this long without activity.
    pub session_idle: Duration,
    /// A staff session ends this long after sign-in, whatever the user does.
    pub session_max: Duration,
    /// Keys that sign CSRF tokens: the first signs, all verify. Empty: a key kept in the database.
    pub secret_keys: Vec<Vec<u8>>,
    pub rate_limits: RateLimitConfig,
    /// The longest a request may take, body included.
    pub request_timeout: Duration,
    /// The longest an application's upload (or a document from Min side) may take.
    pub upload_timeout: Duration,
    /// Requests handled at once; more wait their turn.
    pub max_concurrent_requests: usize,
    /// "Now" and "today in Norway": the system clock, or a fixed one in tests.
    pub clock: talentflyt_domain::clock::Clock,
    /// The sender of e-mails (`Name <address>`); a calendar file made on a page names its
    /// address as organiser when the ad has no contact with one.
    pub mail_from: String,
}

impl WebConfig {
    /// What job-alert e-mails need: links to this site, its look, how long consent lasts.
    pub fn alert_site(&self) -> talentflyt_jobs::alerts::AlertSite {
        talentflyt_jobs::alerts::AlertSite {
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            brand: talentflyt_jobs::mail::Brand {
                org_name: self.brand.org_name.clone(),
                primary_color: self.brand.primary_color.clone(),
            },
            consent_days: self.alert_consent_days,
        }
    }

    pub fn for_tests() -> WebConfig {
        WebConfig {
            mail_from: "Talentflyt <noreply@localhost>".into(),
            base_url: "http://localhost".into(),
            brand: Brand::default(),
            cookie_secure: false,
            max_upload_bytes: 5 * 1024 * 1024,
            max_application_bytes: 20 * 1024 * 1024,
            oidc: None,
            clamd: None,
            public_cache_ttl: Duration::from_secs(5),
            public_cache_bytes: 64 * 1024 * 1024,
            trusted_proxy_hops: 0,
            metrics: MetricsAccess::Open,
            a11y_contact: None,
            approval_policy: Default::default(),
            appointing_authority: talentflyt_domain::recommendation::Authority::Hr,
            nav_channel: false,
            alert_consent_days: talentflyt_domain::alert::DEFAULT_CONSENT_DAYS,
            session_idle: Duration::from_secs(30 * 60),
            session_max: Duration::from_secs(12 * 3600),
            secret_keys: vec![],
            rate_limits: RateLimitConfig::default(),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(600),
            max_concurrent_requests: 1024,
            clock: talentflyt_domain::clock::Clock::system(),
        }
    }
}

/// Shared state, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub cfg: WebConfig,
    pub mail_brand: talentflyt_jobs::mail::Brand,
    pub assets: Assets,
    pub cache: PageCache,
    pub search: crate::career::index::SearchIndex,
    pub metrics: Metrics,
    pub oidc: OidcRuntime,
    pub csrf: CsrfKeys,
    /// Keys the hashes of unknown user names in the audit trail.
    pub audit_key: Vec<u8>,
    pub limits: RateLimits,
    /// The org tree, reloaded now and then (units change rarely).
    pub org: RwLock<(std::time::Instant, Arc<Vec<OrgUnit>>)>,
    /// Wakes the job worker when work is queued.
    pub job_wake: Option<Arc<Notify>>,
    pub csp: String,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn new(
        store: Store,
        cfg: WebConfig,
        job_wake: Option<Arc<Notify>>,
    ) -> anyhow::Result<AppState> {
        let assets = Assets::load(&cfg.brand)?;
        let units = Arc::new(store.all_units().await?);
        let mail_brand = talentflyt_jobs::mail::Brand {
            org_name: cfg.brand.org_name.clone(),
            primary_color: cfg.brand.primary_color.clone(),
        };
        let keys = if cfg.secret_keys.is_empty() {
            vec![store.server_key("csrf").await?]
        } else {
            cfg.secret_keys.clone()
        };
        Ok(AppState(Arc::new(Inner {
            cache: PageCache::new(cfg.public_cache_ttl, cfg.public_cache_bytes),
            search: crate::career::index::SearchIndex::default(),
            oidc: OidcRuntime::new(cfg.oidc.clone()),
            metrics: Metrics::new(),
            csrf: CsrfKeys::new(keys),
            audit_key: store.server_key("audit").await?,
            limits: RateLimits::new(&cfg.rate_limits),
            store,
            mail_brand,
            assets,
            org: RwLock::new((std::time::Instant::now(), units)),
            job_wake,
            csp: crate::middleware::security::content_security_policy(
                cfg.oidc.as_ref().map(|o| o.issuer.as_str()),
            ),
            cfg,
        })))
    }

    /// The org tree, at most a minute old.
    pub async fn units(&self) -> Arc<Vec<OrgUnit>> {
        {
            let g = self.org.read().await;
            if g.0.elapsed() < Duration::from_secs(60) {
                return g.1.clone();
            }
        }
        let mut g = self.org.write().await;
        if g.0.elapsed() >= Duration::from_secs(60) {
            match self.store.all_units().await {
                Ok(units) => *g = (std::time::Instant::now(), Arc::new(units)),
                Err(e) => {
                    tracing::warn!(error = %e, "could not reload org units; keeping the old tree")
                }
            }
        }
        g.1.clone()
    }

    /// Today in Norway, by the configured clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.cfg.clock.today()
    }

    pub fn wake_jobs(&self) {
        if let Some(w) = &self.job_wake {
            w.notify_one();
        }
    }

    /// Something on the public site changed here: drop cached pages on this instance now and
    /// tell the others through the database's change counter.
    pub async fn public_changed(&self) -> Result<(), talentflyt_store::StoreError> {
        self.cache.invalidate();
        self.store.bump_public_version().await?;
        // A newly open ad may be one someone is waiting for.
        self.store
            .enqueue_job(
                &talentflyt_store::JobKind::SendAlerts,
                talentflyt_store::now(),
                5,
            )
            .await?;
        self.wake_jobs();
        if self.cfg.nav_channel {
            self.store
                .enqueue_job(
                    &talentflyt_store::JobKind::SyncNav,
                    talentflyt_store::now(),
                    8,
                )
                .await?;
            self.wake_jobs();
        }
        Ok(())
    }
}
