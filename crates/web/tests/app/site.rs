//! The shell: languages, sign-in, sessions, CSRF, error pages, operations endpoints.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::posting::{Engagement, PostingDraft};

#[tokio::test]
async fn pages_follow_the_language_cookie_then_accept_language() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.accept_language = "en-GB,en;q=0.9";
    let page = c.get("/jobs").await.text();
    assert!(page.contains("<html lang=\"en\">") && page.contains("<h1>Vacancies</h1>"));
    assert!(page.contains("Skip to main content"));
    let r = c.get("/lang/nb?next=/jobs%3Fq%3Dx").await;
    assert_eq!(r.location.as_deref(), Some("/jobs?q=x"));
    let page = c.get("/jobs").await.text();
    assert!(
        page.contains("<html lang=\"nb\">") && page.contains("<h1>Ledige stillinger</h1>"),
        "the cookie wins over Accept-Language"
    );
    assert!(page.contains("Hopp til hovedinnhold"));
    assert_eq!(
        c.get("/lang/en?next=//evil.example")
            .await
            .location
            .as_deref(),
        Some("/jobs"),
        "no open redirect"
    );
}

#[tokio::test]
async fn error_pages_speak_the_readers_language() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/finnes/ikke").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("Fant ikke siden") && r.text().contains("<html lang=\"nb\">"));
    c.accept_language = "en";
    let r = c.get("/jobs/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("Page not found"));
}

#[tokio::test]
async fn drafts_are_hidden_and_closed_postings_take_no_applications() {
    let app = spawn_app().await;
    let s = &app.db.store;
    let mut draft = PostingDraft {
        title: "Sykepleier natt".into(),
        body: "Tekst".into(),
        unit_id: app.icu.id,
        profession: "nurse".into(),
        engagement: Engagement::Temporary,
        extent_percent: 50,
        positions: 1,
        deadline: chrono::Utc::now().date_naive() + chrono::Days::new(3),
        ..PostingDraft::default()
    };
    let hidden = s.create_posting(&draft, None).await.unwrap();
    let mut c = app.client();
    assert_eq!(
        c.get(&format!("/jobs/{hidden}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("/jobs/{hidden}/apply")).await.status,
        StatusCode::NOT_FOUND
    );
    draft.deadline = chrono::Utc::now().date_naive() - chrono::Days::new(2);
    let past = s.create_posting(&draft, None).await.unwrap();
    // Published on its deadline day; the day has passed since.
    s.publish_posting(past, draft.deadline).await.unwrap();
    let ad = c.get(&format!("/jobs/{past}")).await;
    assert!(ad.text().contains("Søknadsfristen er ute"));
    let r = c.get(&format!("/jobs/{past}/apply")).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.text().contains("Søknadsfristen er ute"));
    assert!(!c.get("/jobs").await.text().contains("Sykepleier natt"));
}

#[tokio::test]
async fn staff_pages_need_sign_in_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/admin/postings/new").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fadmin%2Fpostings%2Fnew")
    );
    let mut hr = app.signed_in("hr").await;
    let home = hr.get("/admin").await;
    assert!(home.text().contains("Innlogget som Hanne Haugen"));
    let r = hr.post_form("/logout", &[("csrf", &home.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(hr.get("/admin").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_are_refused() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post_form(
            "/login",
            &[
                ("csrf", "forged"),
                ("username", "hr"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Skjemaet er utløpt"));
    let mut hr = app.signed_in("hr").await;
    let r = hr
        .post_form("/admin/postings", &[("csrf", "forged"), ("title", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_and_then_throttled() {
    let app = spawn_app().await;
    let mut c = app.client();
    let csrf = c.get("/login").await.csrf();
    let unknown = c
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "finnesikke"),
                ("password", "x"),
            ],
        )
        .await;
    let wrong = c
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "hr"),
                ("password", "feil-passord"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        unknown.text().contains("Feil brukernavn eller passord")
            && wrong.text().contains("Feil brukernavn eller passord")
    );
    for _ in 0..4 {
        c.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "hr"),
                ("password", "feil-passord"),
            ],
        )
        .await;
    }
    let right = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("username", "hr"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.text().contains("For mange mislykkede forsøk"));
    // Another user is not locked out by it.
    let other = c
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "leder"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

/// The app again on its own connection pool to the same database: a second server instance.
async fn second_instance(app: &TestApp) -> axum::Router {
    talentflyt_web::router(
        talentflyt_web::AppState::new(
            app.db.second_instance().await,
            talentflyt_web::WebConfig::for_tests(),
            None,
        )
        .await
        .unwrap(),
    )
}

#[tokio::test]
async fn sessions_live_in_the_database_and_work_on_a_second_instance() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    assert!(hr.has_cookie("tf_session"));
    let second = second_instance(&app).await;
    let page = hr.with_router(second).get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Hanne Haugen"));
}

/// An instance remembers a session for a few seconds; signing out on another instance ends it
/// here too once that time is up.
#[tokio::test]
async fn signing_out_on_one_instance_ends_the_session_on_the_others_within_seconds() {
    let app = spawn_app().await;
    let hr = app.signed_in("hr").await;
    let mut here = hr.clone_browser();
    assert_eq!(here.get("/admin").await.status, StatusCode::OK);
    let second = second_instance(&app).await;
    let mut there = hr.clone_browser();
    there.with_router(second);
    let page = there.get("/admin").await;
    let out = there.post_form("/logout", &[("csrf", &page.csrf())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(there.get("/admin").await.status, StatusCode::SEE_OTHER);
    tokio::time::sleep(
        talentflyt_store::sessions::SESSION_MEMORY + std::time::Duration::from_millis(300),
    )
    .await;
    let r = here.get("/admin").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "ended here too");
}

#[tokio::test]
async fn health_readiness_metrics_and_security_headers() {
    let app = spawn_app().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.text(), "ok");
    assert_eq!(c.get("/readyz").await.text(), "ready");
    c.get("/jobs").await;
    let m = c.get("/metrics").await.text();
    assert!(
        m.contains(
            "talentflyt_http_requests_total{method=\"GET\",route=\"/jobs\",status=\"200\"} 1"
        ),
        "{m}"
    );
    assert!(m.contains("talentflyt_jobs{status=\"queued\"} 0"));
    let css = c.get("/static/app.css").await;
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    assert!(css.text().contains(":focus-visible"));
}

#[tokio::test]
async fn malformed_requests_get_a_page_in_the_readers_language() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/jobs/ikke-et-tall").await;
    assert!(r.status.is_client_error());
    assert!(r.text().contains("<html lang=\"nb\">"), "{}", r.text());
    c.accept_language = "en";
    let r = c.get("/jobs/ikke-et-tall").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Something was wrong with the request"));
    // A search with junk in it is answered with what could be understood.
    let r = c.get("/jobs?page=x&clinic=%00").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c.post_form("/login", &[("username", "x")]).await;
    assert!(r.status.is_client_error());
    assert!(r.text().contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn staff_pages_are_not_kept_in_the_browser_cache() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    for path in ["/admin", "/admin/postings/new", "/login"] {
        let r = hr.get(path).await;
        assert_eq!(r.cache_control.as_deref(), Some("no-store"), "{path}");
    }
    let mut c = app.client();
    assert_eq!(
        c.get("/jobs").await.cache_control.as_deref(),
        Some("public, max-age=10")
    );
}

#[tokio::test]
async fn metrics_can_require_a_token_and_the_statement_names_a_contact() {
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.metrics = talentflyt_web::MetricsAccess::Token("hemmelig-token".into());
    cfg.a11y_contact = Some("uu@ous.example".into());
    let app = spawn_app_with(cfg).await;
    let mut c = app.client();
    assert_eq!(c.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.get_with_bearer("/metrics", "hemmelig-token").await.status,
        StatusCode::OK
    );
    assert_eq!(
        c.get_with_bearer("/metrics", "feil").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(c
        .get("/accessibility")
        .await
        .text()
        .contains("Kontakt: uu@ous.example"));
}

#[tokio::test]
async fn error_summaries_name_the_field_and_pages_past_the_end_show_the_last() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Helsefagarbeider", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let long = "a".repeat(101);
    let r = c
        .post_multipart(
            &uri,
            &[
                ("csrf", &csrf),
                ("given_name", ""),
                ("family_name", &long),
                ("email", "x@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "cv.pdf", &pdf())),
        )
        .await;
    let t = r.text();
    assert!(t.contains("Fornavn: Fyll ut feltet."), "{t}");
    assert!(t.contains("Etternavn: Navnet kan være høyst 100 tegn."));
    assert!(
        t.contains("Vi har tatt vare på CV-en") && t.contains("cv.pdf"),
        "a valid CV is kept through other errors: {t}"
    );
    let last = c.get("/jobs?page=999").await.text();
    assert!(
        last.contains("Helsefagarbeider") && !last.contains("Forrige side"),
        "the last (only) page, not an empty page 999"
    );
}

/// The career site goes by the configured clock ("today in Norway"), so a test can move time:
/// a posting open on its deadline day is closed the day after, without anyone touching it.
#[tokio::test]
async fn a_posting_closes_when_the_clock_passes_its_deadline_day() {
    let clock = talentflyt_domain::clock::Clock::fixed_on(
        chrono::NaiveDate::from_ymd_opt(2027, 3, 10).unwrap(),
    );
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.clock = clock.clone();
    cfg.public_cache_ttl = std::time::Duration::ZERO;
    let app = spawn_app_with(cfg).await;
    let s = &app.db.store;
    let draft = PostingDraft {
        title: "Jordmor, fødeavdelingen".into(),
        body: "Tekst".into(),
        unit_id: app.icu.id,
        profession: "midwife".into(),
        engagement: Engagement::Permanent,
        extent_percent: 100,
        positions: 1,
        deadline: chrono::NaiveDate::from_ymd_opt(2027, 3, 11).unwrap(),
        ..PostingDraft::default()
    };
    let id = s.create_posting(&draft, None).await.unwrap();
    s.publish_posting(id, clock.today()).await.unwrap();
    let mut c = app.client();
    assert!(c
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, fødeavdelingen"));
    assert_eq!(
        c.get(&format!("/jobs/{id}/apply")).await.status,
        StatusCode::OK
    );
    clock.advance(chrono::Duration::days(1));
    assert_eq!(
        c.get(&format!("/jobs/{id}/apply")).await.status,
        StatusCode::OK,
        "the deadline day itself is open"
    );
    clock.advance(chrono::Duration::days(1));
    assert!(!c
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, fødeavdelingen"));
    assert_eq!(
        c.get(&format!("/jobs/{id}/apply")).await.status,
        StatusCode::GONE
    );
    assert!(c
        .get(&format!("/jobs/{id}"))
        .await
        .text()
        .contains("Søknadsfristen er ute"));
    // A draft whose deadline has passed cannot be published: the rule's own words, as a page.
    let late = s.create_posting(&draft, None).await.unwrap();
    let mut hr = app.signed_in("hr").await;
    let page = hr.get(&format!("/admin/postings/{late}")).await;
    let r = hr
        .post_form(
            &format!("/admin/postings/{late}/publish"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Søknadsfristen kan ikke være tilbake i tid"),
        "{}",
        r.text()
    );
}
