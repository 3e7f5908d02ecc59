//! The web: career site, application form, back office, operations endpoints.
//!
//! Server-rendered, auto-escaped askama templates in bokmål and English; every page works
//! without JavaScript. One folder per feature area (`career/`, `admin/`, `auth/`), with the
//! request extractors in `extract/`, page building blocks in `view/` and the layers around every
//! request in `middleware/`. Templates mirror the folders.

pub mod admin;
pub mod auth;
pub mod career;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod middleware;
pub mod ops;
pub mod scan;
pub mod server;
pub mod state;
pub mod view;

use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use auth::{hash_password, OidcConfig};
pub use middleware::limits::RateLimitConfig;
pub use ops::MetricsAccess;
pub use state::{AppState, WebConfig};
pub use view::Brand;

/// Builds the router and remembers every path, so tests can walk all routes (see
/// `tests/app/csrf.rs`, which fails if a state-changing route answers without a CSRF token).
struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn route(mut self, path: &'static str, method_router: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, method_router);
        self.paths.push(path);
        self
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    routes(state).0
}

/// The application and the path of every route in it.
pub fn routes(state: AppState) -> (Router, Vec<&'static str>) {
    let sessions = SessionManagerLayer::new(state.store.clone())
        .with_name("tf_session")
        .with_secure(state.cfg.cookie_secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(state.cfg.session_idle).unwrap_or(time::Duration::HOUR),
        ));
    // Room for a CV of twice the allowed size, so an oversized file is read far enough to answer
    // with the form and a clear message; beyond that the request is cut off.
    // Every file of an application, one file past the total (refused with a message, not cut
    // off), and the text fields.
    let upload_limit = state.cfg.max_application_bytes + state.cfg.max_upload_bytes + 1024 * 1024;

    // Public pages and operations: no session layer (nothing here reads a session, and the
    // cached pages are the hottest path).
    let public = Routes {
        router: Router::new(),
        paths: vec![],
    }
    .route("/", get(career::root))
    .route("/jobs", get(career::search::list))
    .route("/jobs/{id}", get(career::ad::show))
    .route("/jobs/{id}/applicants", get(career::applicant_list::show))
    .route(
        "/jobs/{id}/applicants.pdf",
        get(career::applicant_list::pdf),
    )
    .route("/jobs/clinics", get(career::clinics::list))
    .route("/jobs/clinics/{code}", get(career::clinics::show))
    .route("/jobs/clinics/{code}/image", get(career::clinics::image))
    .route("/jobs/students", get(career::clinics::students))
    .route("/jobs/feed.rss", get(career::feeds::rss))
    .route("/jobs/feed.atom", get(career::feeds::atom))
    .route("/sitemap.xml", get(career::feeds::sitemap))
    .route("/robots.txt", get(career::feeds::robots))
    .route("/lang/{code}", get(career::switch_lang))
    .route("/accessibility", get(career::accessibility))
    .route("/static/app.css", get(view::assets::css))
    .route("/static/logo", get(view::assets::logo))
    .route("/static/header", get(view::assets::header_image))
    .route("/healthz", get(ops::healthz))
    .route("/readyz", get(ops::readyz))
    .route("/metrics", get(ops::metrics));
    // Forms and the back office: sessions and the CSRF cookie.
    let forms = Routes {
        router: Router::new(),
        paths: public.paths,
    }
    .route("/jobs/{id}/applied", get(career::apply::applied))
    .route(
        "/jobs/{id}/apply/again",
        get(career::portal::again).post(career::portal::again_choose),
    )
    .route("/portal", get(career::portal::home))
    .route("/portal/link", post(career::portal::request_link))
    .route("/portal/sign-in/{token}", get(career::portal::sign_in))
    .route("/portal/sign-out", post(career::portal::sign_out))
    .route("/portal/export", get(career::portal::export))
    .route(
        "/portal/erase",
        get(career::portal::erase_form).post(career::portal::erase),
    )
    .route(
        "/portal/applications/{id}",
        get(career::portal::application),
    )
    .route(
        "/portal/applications/{id}/extended-list",
        get(career::portal::extended_list).post(career::portal::ask_extended_list),
    )
    .route(
        "/portal/applications/{id}/references",
        post(career::portal::consent_references),
    )
    .route(
        "/survey/{token}",
        get(career::survey::show).post(career::survey::answer),
    )
    .route(
        "/references/{token}",
        get(career::references::show).post(career::references::answer),
    )
    .route(
        "/portal/applications/{id}/interview",
        post(career::portal::choose_interview),
    )
    .route(
        "/portal/applications/{id}/interview.ics",
        get(career::portal::interview_ics),
    )
    .route(
        "/portal/applications/{id}/withdraw",
        post(career::portal::withdraw),
    )
    .route(
        "/portal/applications/{id}/offer",
        post(career::portal::answer_offer),
    )
    .route(
        "/portal/applications/{id}/offer.pdf",
        get(career::portal::offer_pdf),
    )
    .route(
        "/portal/applications/{id}/listing",
        post(career::portal::accept_listing),
    )
    .route(
        "/portal/applications/{id}/documents/{doc}",
        get(career::portal::document),
    )
    .route(
        "/portal/applications/{id}/documents/{doc}/delete",
        post(career::portal::remove_document),
    )
    .route("/jobs/{id}/share", get(career::share::show))
    .route("/admin/sources", get(admin::postings::sources))
    .route(
        "/jobs/alerts",
        get(career::alerts::form).post(career::alerts::submit),
    )
    .route("/jobs/alerts/sent", get(career::alerts::sent))
    .route(
        "/jobs/alerts/confirm/{token}",
        get(career::alerts::confirm_page).post(career::alerts::confirm),
    )
    .route("/jobs/alerts/{token}", get(career::alerts::manage))
    .route("/jobs/alerts/{token}/renew", post(career::alerts::renew))
    .route(
        "/jobs/alerts/{token}/unsubscribe",
        get(career::alerts::unsubscribe_page).post(career::alerts::unsubscribe),
    )
    .route("/internal", get(career::internal::list))
    .route("/internal/{id}", get(career::internal::show))
    .route("/login", get(auth::login_form).post(auth::login_submit))
    .route("/logout", post(auth::logout))
    .route("/auth/oidc/start", post(auth::oidc::oidc_start))
    .route("/auth/oidc/callback", get(auth::oidc::oidc_callback))
    .route("/admin", get(admin::home))
    .route("/admin/talent-pool", get(admin::talent_pool::show))
    .route("/admin/clinics", get(admin::clinics::list))
    .route(
        "/admin/clinics/{code}",
        get(admin::clinics::edit).post(admin::clinics::save).layer(
            axum::extract::DefaultBodyLimit::max(admin::clinics::MAX_IMAGE_BYTES * 2 + 256 * 1024),
        ),
    )
    .route(
        "/admin/requisitions",
        get(admin::requisitions::list).post(admin::requisitions::create),
    )
    .route(
        "/admin/requisitions/new",
        get(admin::requisitions::new_form),
    )
    .route(
        "/admin/requisitions/{id}",
        get(admin::requisitions::show).post(admin::requisitions::resubmit),
    )
    .route(
        "/admin/requisitions/{id}/edit",
        get(admin::requisitions::edit_form),
    )
    .route(
        "/admin/requisitions/{id}/decision",
        post(admin::requisitions::decide),
    )
    .route(
        "/admin/requisitions/{id}/preference",
        post(admin::requisitions::record_outcome),
    )
    .route(
        "/admin/preferences",
        get(admin::preferences::show).post(admin::preferences::add),
    )
    .route(
        "/admin/preferences/import",
        post(admin::preferences::import)
            .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024)),
    )
    .route(
        "/admin/postings/{id}/questions",
        get(admin::questions::show).post(admin::questions::add),
    )
    .route(
        "/admin/postings/{id}/questions/{qid}/delete",
        post(admin::questions::delete),
    )
    .route("/admin/postings/new", get(admin::postings::new_posting))
    .route("/admin/postings", post(admin::postings::create_posting))
    .route(
        "/admin/requisitions/{id}/ad",
        get(admin::postings::new_from_requisition),
    )
    .route(
        "/admin/postings/{id}",
        get(admin::postings::show_posting).post(admin::postings::update_posting),
    )
    .route(
        "/admin/postings/{id}/edit",
        get(admin::postings::edit_posting),
    )
    .route(
        "/admin/postings/{id}/preview",
        get(admin::postings::preview_posting),
    )
    .route(
        "/admin/postings/{id}/submit",
        post(admin::publishing::submit),
    )
    .route(
        "/admin/postings/{id}/publish",
        post(admin::publishing::approve),
    )
    .route(
        "/admin/postings/{id}/unpublish",
        post(admin::publishing::unpublish),
    )
    .route(
        "/admin/postings/{id}/extend",
        post(admin::publishing::extend),
    )
    .route("/admin/search", get(admin::search::search))
    .route(
        "/admin/postings/{id}/applicants",
        get(admin::pipeline::list),
    )
    .route(
        "/admin/postings/{id}/applicants/move",
        get(admin::pipeline::move_form).post(admin::pipeline::move_submit),
    )
    .route(
        "/admin/postings/{id}/stages",
        get(admin::pipeline::stages).post(admin::pipeline::save_stages),
    )
    .route(
        "/admin/applications/{id}/references",
        get(admin::references::show),
    )
    .route(
        "/admin/applications/{id}/references/consent",
        post(admin::references::ask_consent),
    )
    .route(
        "/admin/applications/{id}/references/{rid}/request",
        post(admin::references::request),
    )
    .route(
        "/admin/postings/{id}/recommendation",
        get(admin::recommendation::show).post(admin::recommendation::save),
    )
    .route("/admin/surveys", get(admin::surveys::show))
    .route("/admin/inclusion", get(admin::inclusion::show))
    .route(
        "/admin/postings/{id}/offers",
        get(admin::offers::show).post(admin::offers::propose),
    )
    .route("/admin/offers/{id}/letter.pdf", get(admin::offers::pdf))
    .route("/admin/offers/{id}/approve", post(admin::offers::approve))
    .route("/admin/offers/{id}/withdraw", post(admin::offers::withdraw))
    .route(
        "/admin/postings/{id}/recommendation.pdf",
        get(admin::recommendation::pdf),
    )
    .route(
        "/admin/postings/{id}/recommendation/decision",
        post(admin::recommendation::decide),
    )
    .route(
        "/admin/postings/{id}/recommendation/comment",
        post(admin::recommendation::comment),
    )
    .route(
        "/admin/applicant-lists",
        get(admin::applicant_list::overview),
    )
    .route(
        "/admin/postings/{id}/applicant-list",
        get(admin::applicant_list::show),
    )
    .route(
        "/admin/postings/{id}/applicant-list.pdf",
        get(admin::applicant_list::pdf),
    )
    .route(
        "/admin/postings/{id}/applicant-list/extended",
        get(admin::applicant_list::extended),
    )
    .route(
        "/admin/postings/{id}/applicant-list/requests",
        post(admin::applicant_list::record_request),
    )
    .route(
        "/admin/postings/{id}/applicant-list/requests/{rid}",
        post(admin::applicant_list::decide_request),
    )
    .route(
        "/admin/applications/{id}/exemption",
        post(admin::applicant_list::decide),
    )
    .route(
        "/admin/postings/{id}/interviews",
        get(admin::interviews::show),
    )
    .route(
        "/admin/postings/{id}/interviews/slots",
        post(admin::interviews::add_slots),
    )
    .route(
        "/admin/postings/{id}/interviews/slots/{slot}/delete",
        post(admin::interviews::delete_slot),
    )
    .route(
        "/admin/postings/{id}/interviews/book",
        post(admin::interviews::book),
    )
    .route(
        "/admin/postings/{id}/interviews/cancel",
        post(admin::interviews::cancel),
    )
    .route(
        "/admin/postings/{id}/interviews/invite",
        post(admin::interviews::invite),
    )
    .route("/admin/postings/{id}/finish", post(admin::pipeline::finish))
    .route(
        "/admin/postings/{id}/blind",
        post(admin::pipeline::save_blind),
    )
    .route(
        "/admin/templates",
        get(admin::templates::list).post(admin::templates::save_org_texts),
    )
    .route(
        "/admin/templates/{profession}",
        get(admin::templates::edit).post(admin::templates::save),
    )
    .route(
        "/admin/applications/{id}",
        get(admin::applications::show_application),
    )
    .route(
        "/admin/applications/{id}/reveal",
        post(admin::applications::reveal),
    )
    .route(
        "/admin/applications/{id}/scorecard",
        get(admin::scorecards::show).post(admin::scorecards::save),
    )
    .route(
        "/admin/applications/{id}/scorecard/abstain",
        post(admin::scorecards::abstain),
    )
    .route(
        "/admin/postings/{id}/scores",
        get(admin::scorecards::posting_scores),
    )
    .route(
        "/admin/applications/{id}/documents/{doc}",
        get(admin::applications::download_document),
    )
    .route(
        "/admin/applications/{id}/documents/{doc}/text",
        get(admin::applications::document_text),
    );
    // Uploads: the application with its files, and a document from Min side. They get the
    // longer upload timeout (a slow line must not lose an application); their bodies are
    // bounded by their own limits.
    let uploads = Routes {
        router: Router::new(),
        paths: forms.paths,
    }
    .route(
        "/jobs/{id}/apply",
        get(career::apply::form)
            .post(career::apply::submit)
            .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
    )
    .route(
        "/portal/applications/{id}/documents",
        post(career::portal::upload).layer(axum::extract::DefaultBodyLimit::max(
            state.cfg.max_upload_bytes * 2 + 64 * 1024,
        )),
    );
    // Forms read bodies and do the slow work: they get the request timeout. Public pages read
    // no body and answer from memory; the header read timeout covers their clients.
    let with_sessions = forms
        .router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.cfg.request_timeout,
        ))
        .merge(uploads.router.layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.cfg.upload_timeout,
        )))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            extract::csrf::nonce_cookie,
        ));

    // Security headers on every answer, with tower-http. Pages that say nothing about caching
    // are not stored (staff pages hold personal data; forms hold CSRF tokens); public pages and
    // assets set their own.
    let header = |name, value: &str| {
        SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_str(value).expect("a valid header value"),
        )
    };
    let security_headers = ServiceBuilder::new()
        .layer(header(header::CONTENT_SECURITY_POLICY, &state.csp))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Browsers remember for a year to come only over HTTPS.
        .layer(tower::util::option_layer(
            state.cfg.base_url.starts_with("https://").then(|| {
                header(
                    header::STRICT_TRANSPORT_SECURITY,
                    "max-age=31536000; includeSubDomains",
                )
            }),
        ));

    let router = public
        .router
        .merge(with_sessions)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::error_pages,
        ))
        // One semaphore for the whole router (a plain ConcurrencyLimitLayer would make one per route).
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            state.cfg.max_concurrent_requests.max(1),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe::observe,
        ))
        .layer(security_headers)
        .with_state(state);
    (router, uploads.paths)
}
