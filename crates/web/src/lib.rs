//! The web: career site, application form, back office, operations endpoints.
//!
//! Server-rendered, auto-escaped askama templates in bokmål and English; every page works
//! without JavaScript. Public pages are cached in memory as finished bytes (see [`cache`]).

mod admin;
mod auth;
pub mod cache;
pub mod i18n;
mod ops;
mod page;
mod public;
pub mod scan;

use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use talentflyt_store::{OrgUnit, Store};
use tokio::sync::{Notify, RwLock};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use auth::{hash_password, OidcConfig};
pub use page::Brand;

/// What the web layer needs from configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people use, e.g. `https://jobb.oslo-universitetssykehus.no`.
    pub base_url: String,
    pub brand: Brand,
    /// Send cookies only over HTTPS. On by default when `base_url` is https.
    pub cookie_secure: bool,
    pub max_upload_bytes: usize,
    pub oidc: Option<OidcConfig>,
    /// `host:port` of a clamd to scan uploads with.
    pub clamd: Option<String>,
    /// How long a rendered public page may be served from memory.
    pub public_cache_ttl: Duration,
    /// Reverse proxies in front of the server whose `X-Forwarded-For` entries are trusted.
    pub trusted_proxy_hops: usize,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Where readers report accessibility problems (shown on the accessibility statement).
    pub a11y_contact: Option<String>,
}

impl WebConfig {
    pub fn for_tests() -> WebConfig {
        WebConfig {
            base_url: "http://localhost".into(),
            brand: Brand::default(),
            cookie_secure: false,
            max_upload_bytes: 5 * 1024 * 1024,
            oidc: None,
            clamd: None,
            public_cache_ttl: Duration::from_secs(5),
            trusted_proxy_hops: 0,
            metrics_token: None,
            a11y_contact: None,
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
    pub assets: page::Assets,
    pub cache: cache::PageCache,
    pub metrics: ops::Metrics,
    pub oidc: auth::OidcRuntime,
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
        let assets = page::Assets::load(&cfg.brand)?;
        let units = Arc::new(store.all_units().await?);
        let mail_brand = talentflyt_jobs::mail::Brand {
            org_name: cfg.brand.org_name.clone(),
            primary_color: cfg.brand.primary_color.clone(),
        };
        Ok(AppState(Arc::new(Inner {
            cache: cache::PageCache::new(cfg.public_cache_ttl),
            oidc: auth::OidcRuntime::new(cfg.oidc.clone()),
            metrics: ops::Metrics::new(),
            store,
            mail_brand,
            assets,
            org: RwLock::new((std::time::Instant::now(), units)),
            job_wake,
            csp: ops::content_security_policy(cfg.oidc.as_ref().map(|o| o.issuer.as_str())),
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

    pub fn wake_jobs(&self) {
        if let Some(w) = &self.job_wake {
            w.notify_one();
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(state.store.clone())
        .with_name("tf_session")
        .with_secure(state.cfg.cookie_secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    // Room for a CV of twice the allowed size, so an oversized file is read far enough to answer
    // with the form and a clear message; beyond that the request is cut off.
    let upload_limit = state.cfg.max_upload_bytes * 2 + 256 * 1024;

    Router::new()
        .route("/", get(public::root))
        .route("/jobs", get(public::list))
        .route("/jobs/{id}", get(public::show))
        .route(
            "/jobs/{id}/apply",
            get(public::apply_form)
                .post(public::apply_submit)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/jobs/{id}/applied", get(public::applied))
        .route("/lang/{code}", get(public::switch_lang))
        .route("/accessibility", get(public::accessibility))
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/auth/oidc/start", post(auth::oidc_start))
        .route("/auth/oidc/callback", get(auth::oidc_callback))
        .route("/admin", get(admin::home))
        .route("/admin/postings/new", get(admin::new_posting))
        .route("/admin/postings", post(admin::create_posting))
        .route("/admin/postings/{id}", get(admin::show_posting))
        .route("/admin/postings/{id}/publish", post(admin::publish_posting))
        .route("/admin/applications/{id}", get(admin::show_application))
        .route(
            "/admin/applications/{id}/documents/{doc}",
            get(admin::download_document),
        )
        .route("/static/app.css", get(page::css))
        .route("/static/logo", get(page::logo))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(page::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page::error_pages,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::security_headers,
        ))
        .with_state(state)
}
