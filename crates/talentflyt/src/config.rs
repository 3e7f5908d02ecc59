//! Configuration: every key is a command-line option and an environment variable, documented in
//! `--help` and in README.md.

use clap::Args;
use std::path::PathBuf;
use std::time::Duration;
use talentflyt_web::{Brand, MetricsAccess, OidcConfig, RateLimitConfig, WebConfig};

#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// Database: `sqlite://path/file.db` (created if missing) or `postgres://user@host/db`.
    /// Default: `sqlite://data/talentflyt.db` (for `demo`: `sqlite://data/demo.db`).
    #[arg(long = "database-url", env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/talentflyt.db";

impl DbArgs {
    pub fn url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }
}

#[derive(Args, Clone, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address and port to listen on.
    #[arg(long, env = "TALENTFLYT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The public address of the site, used in links, e-mails and the OIDC redirect. Default:
    /// http://localhost with the port of --bind.
    #[arg(long, env = "TALENTFLYT_BASE_URL")]
    pub base_url: Option<String>,
    /// The organisation's name, shown in the header and e-mails.
    #[arg(
        long,
        env = "TALENTFLYT_ORG_NAME",
        default_value = "Oslo universitetssykehus"
    )]
    pub org_name: String,
    /// A PNG, JPEG or SVG logo file shown in the header.
    #[arg(long, env = "TALENTFLYT_ORG_LOGO")]
    pub org_logo: Option<PathBuf>,
    /// A wide picture (PNG or JPEG) for the top of the career site's pages: the visual
    /// profile's header.
    #[arg(long, env = "TALENTFLYT_HEADER_IMAGE")]
    pub header_image: Option<PathBuf>,
    /// Primary colour (#rrggbb) for header, buttons and links; needs 4.5:1 contrast against white.
    #[arg(long, env = "TALENTFLYT_COLOR_PRIMARY", default_value = "#0b4f8a")]
    pub color_primary: String,
    /// Accent colour (#rrggbb) for light panels; dark text must stay readable on it.
    #[arg(long, env = "TALENTFLYT_COLOR_ACCENT", default_value = "#e8f1f8")]
    pub color_accent: String,
    /// SMTP server, e.g. `smtp://mail.example.no:587?tls=required` or `smtps://user:pass@host`.
    /// Without it, e-mails are written as .eml files to the outbox folder.
    #[arg(long, env = "TALENTFLYT_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Folder for .eml files when no SMTP server is set.
    #[arg(long, env = "TALENTFLYT_OUTBOX_DIR", default_value = "data/outbox")]
    pub outbox_dir: PathBuf,
    /// Sender of e-mails.
    #[arg(
        long,
        env = "TALENTFLYT_MAIL_FROM",
        default_value = "Talentflyt <noreply@localhost>"
    )]
    pub mail_from: String,
    /// NAV arbeidsplassen's import API ("stillingsimport"), e.g.
    /// `https://arbeidsplassen-api.nav.no/stillingsimport`. With it (and the provider id and key),
    /// every open ad is sent to NAV, sent again when it changes and stopped when it closes
    /// (arbeidsmarkedsloven § 7).
    #[arg(long, env = "TALENTFLYT_NAV_URL")]
    pub nav_url: Option<String>,
    /// How many days a job alert's consent lasts; a renewal e-mail goes 14 days before it runs
    /// out, and an alert not renewed is deleted.
    #[arg(long, env = "TALENTFLYT_ALERT_CONSENT_DAYS", default_value_t = talentflyt_domain::alert::DEFAULT_CONSENT_DAYS)]
    pub alert_consent_days: u32,
    /// The provider id NAV gave the organisation.
    #[arg(long, env = "TALENTFLYT_NAV_PROVIDER_ID")]
    pub nav_provider_id: Option<String>,
    /// The secret key NAV gave the organisation (sent as a bearer token).
    #[arg(long, env = "TALENTFLYT_NAV_TOKEN", hide_env_values = true)]
    pub nav_token: Option<String>,
    /// The organisation number of the employing sub-unit (underenhet), for NAV.
    #[arg(long, env = "TALENTFLYT_ORG_NUMBER")]
    pub org_number: Option<String>,
    /// The employer's postal code, municipality and county, for NAV's place of work.
    #[arg(long, env = "TALENTFLYT_ORG_POSTAL_CODE", default_value = "")]
    pub org_postal_code: String,
    #[arg(long, env = "TALENTFLYT_ORG_MUNICIPALITY", default_value = "Oslo")]
    pub org_municipality: String,
    #[arg(long, env = "TALENTFLYT_ORG_COUNTY", default_value = "Oslo")]
    pub org_county: String,
    /// OpenID Connect issuer for staff sign-in (e.g. https://login.microsoftonline.com/<tenant>/v2.0).
    #[arg(long, env = "TALENTFLYT_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// OpenID Connect client id.
    #[arg(long, env = "TALENTFLYT_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect client secret.
    #[arg(long, env = "TALENTFLYT_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Send the session cookie over HTTPS only: `auto` (when the base URL is https), `true`, `false`.
    #[arg(long, env = "TALENTFLYT_COOKIE_SECURE", default_value = "auto")]
    pub cookie_secure: String,
    /// Largest accepted upload, in megabytes.
    #[arg(long, env = "TALENTFLYT_MAX_UPLOAD_MB", default_value_t = 10)]
    pub max_upload_mb: usize,
    /// Largest accepted total of an application's files (CV and attachments), in megabytes.
    #[arg(long, env = "TALENTFLYT_MAX_APPLICATION_MB", default_value_t = 25)]
    pub max_application_mb: usize,
    /// clamd address (host:port) to scan uploads with; unset means no scanning.
    #[arg(long, env = "TALENTFLYT_CLAMD")]
    pub clamd: Option<String>,
    /// Seconds a rendered public page is served from memory (0 turns the cache off).
    #[arg(long, env = "TALENTFLYT_PUBLIC_CACHE_SECONDS", default_value_t = 5)]
    pub public_cache_seconds: u64,
    /// Number of reverse proxies (load balancers) in front whose X-Forwarded-For entries are
    /// trusted for the client's address; 0 uses the connection's address.
    #[arg(long, env = "TALENTFLYT_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,
    /// Bearer token that /metrics requires. Unset: /metrics is open when the server listens on
    /// loopback only, and closed otherwise.
    #[arg(long, env = "TALENTFLYT_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Minutes without activity after which a staff session ends.
    #[arg(long, env = "TALENTFLYT_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Hours after sign-in at which a staff session ends, however active.
    #[arg(long, env = "TALENTFLYT_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,
    /// Keys that sign form (CSRF) tokens, comma-separated, at least 32 characters each; the first
    /// signs, all verify, so a new key goes first and the old one stays until forms made with it
    /// have expired (a day). Unset: a random key kept in the database, shared by all instances.
    #[arg(
        long,
        env = "TALENTFLYT_SECRET_KEYS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub secret_keys: Vec<String>,
    /// Megabytes the public page cache may hold.
    #[arg(long, env = "TALENTFLYT_PUBLIC_CACHE_MB", default_value_t = 64)]
    pub public_cache_mb: usize,
    /// Seconds a request may take, body included.
    #[arg(long, env = "TALENTFLYT_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,
    /// Seconds an application with its files (or a document sent from Min side) may take to
    /// arrive: 25 MB on a slow mobile line needs minutes, and losing it loses the application.
    #[arg(long, env = "TALENTFLYT_UPLOAD_TIMEOUT_SECONDS", default_value_t = 600)]
    pub upload_timeout_seconds: u64,
    /// Seconds a client has to send a request's head (request line and headers), 1 to 30;
    /// idle keep-alive connections are closed after it too.
    #[arg(long, env = "TALENTFLYT_HEADER_TIMEOUT_SECONDS", default_value_t = 20)]
    pub header_timeout_seconds: u64,
    /// Requests handled at once; more wait their turn.
    #[arg(
        long,
        env = "TALENTFLYT_MAX_CONCURRENT_REQUESTS",
        default_value_t = 512
    )]
    pub max_concurrent_requests: usize,
    /// Applications one address may send per hour.
    #[arg(
        long,
        env = "TALENTFLYT_LIMIT_APPLICATIONS_PER_IP_HOUR",
        default_value_t = 30
    )]
    pub limit_applications_per_ip_hour: u32,
    /// Applications one e-mail address may send per hour.
    #[arg(
        long,
        env = "TALENTFLYT_LIMIT_APPLICATIONS_PER_EMAIL_HOUR",
        default_value_t = 10
    )]
    pub limit_applications_per_email_hour: u32,
    /// Sign-in attempts one address may make per minute.
    #[arg(
        long,
        env = "TALENTFLYT_LIMIT_LOGINS_PER_IP_MINUTE",
        default_value_t = 30
    )]
    pub limit_logins_per_ip_minute: u32,
    /// OpenID Connect sign-ins one address may start per minute.
    #[arg(
        long,
        env = "TALENTFLYT_LIMIT_OIDC_STARTS_PER_IP_MINUTE",
        default_value_t = 30
    )]
    pub limit_oidc_starts_per_ip_minute: u32,
    /// Say that clients connect straight to this server over HTTPS, with no reverse proxy in
    /// front. Without it, an https base URL and no trusted proxy hops is refused: behind a proxy
    /// every client would share the proxy's address (throttling, rate limits, audit trail).
    #[arg(long, env = "TALENTFLYT_NO_PROXY", default_value_t = false, action = clap::ArgAction::Set)]
    pub no_proxy: bool,
    /// Contact (e-mail or phone) for reporting accessibility problems, shown on /accessibility.
    #[arg(long, env = "TALENTFLYT_A11Y_CONTACT")]
    pub a11y_contact: Option<String>,
    /// Who approves staffing requests, in order, and from how many positions each step applies:
    /// approver:positions, comma-separated (approvers: hr, clinic_leader). HR approves all.
    #[arg(
        long,
        env = "TALENTFLYT_APPROVAL_CHAIN",
        default_value = "hr:1,clinic_leader:3"
    )]
    pub approval_chain: String,
    /// Who signs an innstilling off as the appointing authority: `hr` (HR over the unit),
    /// `clinic_leader` (a manager of the clinic) or `manager` (any manager over the unit). The
    /// one who sent it for sign-off never signs it.
    #[arg(long, env = "TALENTFLYT_APPOINTING_AUTHORITY", default_value = "hr")]
    pub appointing_authority: String,
    /// Run the background job worker in this process.
    #[arg(long, env = "TALENTFLYT_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub worker: bool,
    /// Log format: `text` or `json`. Levels come from RUST_LOG (default `info`).
    #[arg(long, env = "TALENTFLYT_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

impl ServeArgs {
    /// The public address as given, or this machine at the port the server listens on.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => {
                let port = self
                    .bind
                    .rsplit_once(':')
                    .and_then(|(_, p)| p.parse::<u16>().ok())
                    .unwrap_or(8080);
                format!("http://localhost:{port}")
            }
        }
    }

    pub fn web_config(&self) -> anyhow::Result<WebConfig> {
        let oidc = match (&self.oidc_issuer, &self.oidc_client_id, &self.oidc_client_secret) {
            (Some(issuer), Some(id), Some(secret)) => Some(OidcConfig { issuer: issuer.clone(), client_id: id.clone(), client_secret: secret.clone() }),
            (None, None, None) => None,
            _ => anyhow::bail!("OpenID Connect needs all of TALENTFLYT_OIDC_ISSUER, TALENTFLYT_OIDC_CLIENT_ID and TALENTFLYT_OIDC_CLIENT_SECRET"),
        };
        let cookie_secure = match self.cookie_secure.as_str() {
            "auto" => self.base_url().starts_with("https://"),
            "true" => true,
            "false" => false,
            other => {
                anyhow::bail!("TALENTFLYT_COOKIE_SECURE must be auto, true or false, not {other:?}")
            }
        };
        anyhow::ensure!(
            !(self.base_url().starts_with("https://") && self.trusted_proxy_hops == 0 && !self.no_proxy),
            "the base URL is https but TALENTFLYT_TRUSTED_PROXY_HOPS is 0: behind a reverse proxy every \
             client would share the proxy's address, for sign-in throttling, rate limits and the audit \
             trail alike. Set TALENTFLYT_TRUSTED_PROXY_HOPS to the number of proxies in front, or \
             TALENTFLYT_NO_PROXY=true if clients really connect to this server directly"
        );
        anyhow::ensure!(
            (1..=30).contains(&self.header_timeout_seconds),
            "TALENTFLYT_HEADER_TIMEOUT_SECONDS must be between 1 and 30"
        );
        let mut secret_keys = vec![];
        for k in self
            .secret_keys
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
        {
            anyhow::ensure!(
                k.len() >= 32,
                "each key in TALENTFLYT_SECRET_KEYS needs at least 32 characters"
            );
            secret_keys.push(k.as_bytes().to_vec());
        }
        let loopback = self
            .bind
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|a| a.ip().is_loopback())
            || self.bind.starts_with("localhost:");
        let metrics = match (&self.metrics_token, loopback) {
            (Some(t), _) => MetricsAccess::Token(t.clone()),
            (None, true) => MetricsAccess::Open,
            (None, false) => MetricsAccess::Closed,
        };
        Ok(WebConfig {
            mail_from: self.mail_from.clone(),
            base_url: self.base_url(),
            brand: Brand {
                org_name: self.org_name.clone(),
                logo_path: self.org_logo.clone(),
                header_image_path: self.header_image.clone(),
                primary_color: self.color_primary.clone(),
                accent_color: self.color_accent.clone(),
            },
            cookie_secure,
            max_upload_bytes: self.max_upload_mb.max(1) * 1024 * 1024,
            max_application_bytes: self.max_application_mb.max(self.max_upload_mb).max(1)
                * 1024
                * 1024,
            oidc,
            clamd: self.clamd.clone(),
            public_cache_ttl: Duration::from_secs(self.public_cache_seconds),
            trusted_proxy_hops: self.trusted_proxy_hops,
            metrics,
            session_idle: Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            session_max: Duration::from_secs(self.session_max_hours.max(1) * 3600),
            secret_keys,
            public_cache_bytes: self.public_cache_mb.max(1) * 1024 * 1024,
            rate_limits: RateLimitConfig {
                applications_per_ip_hour: self.limit_applications_per_ip_hour,
                applications_per_email_hour: self.limit_applications_per_email_hour,
                logins_per_ip_minute: self.limit_logins_per_ip_minute,
                oidc_starts_per_ip_minute: self.limit_oidc_starts_per_ip_minute,
            },
            request_timeout: Duration::from_secs(self.request_timeout_seconds.max(1)),
            upload_timeout: Duration::from_secs(
                self.upload_timeout_seconds
                    .max(self.request_timeout_seconds)
                    .max(1),
            ),
            max_concurrent_requests: self.max_concurrent_requests.max(1),
            clock: talentflyt_domain::clock::Clock::system(),
            a11y_contact: self.a11y_contact.clone(),
            nav_channel: self.nav_url.is_some(),
            alert_consent_days: self.alert_consent_days.max(30),
            approval_policy: talentflyt_domain::requisition::ApprovalPolicy::parse(
                &self.approval_chain,
            )
            .map_err(|e| anyhow::anyhow!("TALENTFLYT_APPROVAL_CHAIN: {e}"))?,
            appointing_authority: talentflyt_domain::recommendation::Authority::parse(
                &self.appointing_authority,
            )
            .map_err(|e| anyhow::anyhow!("TALENTFLYT_APPOINTING_AUTHORITY: {e}"))?,
        })
    }

    pub fn server_limits(&self) -> talentflyt_web::server::ServerLimits {
        talentflyt_web::server::ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_timeout_seconds.clamp(1, 30)),
        }
    }

    /// The NAV channel, when configured (all of URL, provider id and key, or none).
    pub fn nav_config(&self) -> anyhow::Result<Option<talentflyt_jobs::nav::NavConfig>> {
        use talentflyt_domain::nav::{NavEmployer, NavLocation};
        let (url, provider, token) = match (&self.nav_url, &self.nav_provider_id, &self.nav_token) {
            (Some(u), Some(p), Some(t)) => (u, p, t),
            (None, None, None) => return Ok(None),
            _ => anyhow::bail!(
                "the NAV channel needs all of TALENTFLYT_NAV_URL, TALENTFLYT_NAV_PROVIDER_ID and TALENTFLYT_NAV_TOKEN"
            ),
        };
        Ok(Some(talentflyt_jobs::nav::NavConfig {
            base_url: url.clone(),
            provider_id: provider.clone(),
            token: token.clone(),
            employer: NavEmployer {
                business_name: self.org_name.clone(),
                orgnr: self.org_number.clone(),
                location: NavLocation {
                    postal_code: self.org_postal_code.clone(),
                    city: self.org_municipality.clone(),
                    municipal: self.org_municipality.clone(),
                    county: self.org_county.clone(),
                    country: "NORGE".into(),
                    ..NavLocation::default()
                },
            },
            site_url: self.base_url(),
        }))
    }

    pub fn mail_config(&self) -> talentflyt_jobs::MailConfig {
        talentflyt_jobs::MailConfig {
            smtp_url: self.smtp_url.clone(),
            outbox_dir: self.outbox_dir.clone(),
            from: self.mail_from.clone(),
        }
    }
}

pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colour only on a terminal: a file or a pipe gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn args(extra: &[&str]) -> ServeArgs {
        let mut argv = vec!["talentflyt"];
        argv.extend_from_slice(extra);
        Cli::parse_from(argv).serve
    }

    #[test]
    fn the_public_address_follows_the_port_listened_on_unless_given() {
        assert_eq!(args(&[]).base_url(), "http://localhost:8080");
        assert_eq!(
            args(&["--bind", "0.0.0.0:9000"]).base_url(),
            "http://localhost:9000"
        );
        assert_eq!(
            args(&[
                "--bind",
                "0.0.0.0:9000",
                "--base-url",
                "https://jobb.example.no/"
            ])
            .base_url(),
            "https://jobb.example.no"
        );
    }

    #[test]
    fn an_https_site_without_proxy_hops_is_refused_unless_it_says_there_is_no_proxy() {
        let err = args(&["--base-url", "https://jobb.example.no"])
            .web_config()
            .unwrap_err()
            .to_string();
        assert!(err.contains("TALENTFLYT_TRUSTED_PROXY_HOPS"), "{err}");
        assert!(args(&[
            "--base-url",
            "https://jobb.example.no",
            "--trusted-proxy-hops",
            "1"
        ])
        .web_config()
        .is_ok());
        assert!(args(&[
            "--base-url",
            "https://jobb.example.no",
            "--no-proxy",
            "true"
        ])
        .web_config()
        .is_ok());
        assert!(args(&[]).web_config().is_ok(), "plain http on a laptop");
    }

    #[test]
    fn metrics_need_a_token_when_the_server_listens_beyond_loopback() {
        let m = |a: &[&str]| args(a).web_config().unwrap().metrics;
        assert_eq!(m(&["--bind", "127.0.0.1:8080"]), MetricsAccess::Open);
        assert_eq!(m(&["--bind", "0.0.0.0:8080"]), MetricsAccess::Closed);
        assert_eq!(
            m(&["--bind", "0.0.0.0:8080", "--metrics-token", "t"]),
            MetricsAccess::Token("t".into())
        );
    }

    #[test]
    fn short_secret_keys_and_long_header_timeouts_are_refused() {
        assert!(args(&["--secret-keys", "kort"]).web_config().is_err());
        let long = "k".repeat(40);
        let two = format!("{long},{}", "n".repeat(32));
        assert_eq!(
            args(&["--secret-keys", &two])
                .web_config()
                .unwrap()
                .secret_keys
                .len(),
            2
        );
        assert!(args(&["--header-timeout-seconds", "120"])
            .web_config()
            .is_err());
    }
}
