//! The foundation under attack: parallel guessing, session limits, junk input, rate limits,
//! stalled clients, forged forms. Each test fails without the defence it names.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::time::Duration;
use talentflyt_store::SubjectKind;
use talentflyt_web::{MetricsAccess, RateLimitConfig, WebConfig};
use tower::ServiceExt;

async fn login(c: &mut Client, csrf: &str, username: &str, password: &str) -> Page {
    c.post_form(
        "/login",
        &[
            ("csrf", csrf),
            ("username", username),
            ("password", password),
        ],
    )
    .await
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_than_five_tries() {
    // The per-address rate limit would stop this burst first; here the per-user lock is tested.
    let mut cfg = WebConfig::for_tests();
    cfg.rate_limits.logins_per_ip_minute = 1000;
    let app = spawn_app_with(cfg).await;
    let mut c = app.client();
    let csrf = c.get("/login").await.csrf();
    // The same browser, session and token, 40 wrong passwords at once.
    let burst: Vec<_> = (0..40)
        .map(|i| {
            let mut c = c.clone_browser();
            let csrf = csrf.clone();
            tokio::spawn(async move { login(&mut c, &csrf, "hr", &format!("feil-{i}")).await })
        })
        .collect();
    for h in burst {
        let status = h.await.unwrap().status;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
    }
    let right = login(&mut c, &csrf, "hr", PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "locked");
    assert!(right.text().contains("For mange mislykkede forsøk"));
    // At most five guesses reached the password check; the rest were refused as locked.
    let trail = app
        .db
        .store
        .audit_trail(SubjectKind::User, user_id(&app, "hr").await)
        .await
        .unwrap();
    let failed = trail
        .iter()
        .filter(|e| e.action.as_str() == "login_failed")
        .count();
    let locked = trail
        .iter()
        .filter(|e| e.action.as_str() == "locked")
        .count();
    assert!(failed <= 5, "{failed} guesses were checked");
    assert_eq!(failed + locked, 41);
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.db
        .store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn sign_ins_failures_lockouts_and_sign_outs_are_in_the_audit_trail_without_names() {
    let app = spawn_app().await;
    let mut c = app.client();
    let csrf = c.get("/login").await.csrf();
    login(&mut c, &csrf, "hr", "feil-passord").await;
    login(&mut c, &csrf, "kari.ukjent", "feil-passord").await;
    let mut hr = app.signed_in("hr").await;
    let page = hr.get("/admin").await;
    hr.post_form("/logout", &[("csrf", &page.csrf())]).await;
    let id = user_id(&app, "hr").await;
    let trail = app
        .db
        .store
        .audit_trail(SubjectKind::User, id)
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["login_failed", "login", "logout"]);
    let unknown = app
        .db
        .store
        .audit_trail(SubjectKind::User, 0)
        .await
        .unwrap();
    assert_eq!(unknown.len(), 1);
    assert!(!unknown[0].detail.contains("kari"), "{}", unknown[0].detail);
    assert!(unknown[0].detail.contains("unknown user name"));
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_the_absolute_limit_whatever_the_user_does() {
    let mut cfg = WebConfig::for_tests();
    cfg.session_idle = Duration::from_secs(3);
    cfg.session_max = Duration::from_secs(7);
    let app = spawn_app_with(cfg).await;
    let mut hr = app.signed_in("hr").await;
    // Active every second: the idle clock renews, so the session outlives the idle limit.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(hr.get("/admin").await.status, StatusCode::OK);
    }
    // Still active, but the absolute limit has come.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let r = hr.get("/admin").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "signed out after 7 s");
    // Idle: a fresh session ends after 3 s without activity.
    let mut lise = app.signed_in("leder").await;
    assert_eq!(lise.get("/admin").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(4200)).await;
    assert_eq!(lise.get("/admin").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn opening_forms_anonymously_stores_no_session() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let before = app.db.store.session_count().await.unwrap();
    for _ in 0..20 {
        let mut c = app.client();
        assert_eq!(
            c.get(&format!("/jobs/{id}/apply")).await.status,
            StatusCode::OK
        );
        assert_eq!(c.get("/login").await.status, StatusCode::OK);
    }
    assert_eq!(app.db.store.session_count().await.unwrap(), before);
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_request_without_a_valid_token() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let state = talentflyt_web::AppState::new(app.db.store.clone(), WebConfig::for_tests(), None)
        .await
        .unwrap();
    let (router, paths) = talentflyt_web::routes(state);
    assert!(paths.len() > 15, "the router lists its routes");
    hr.with_router(router);
    let mut checked = 0;
    for path in paths {
        // RFC 8058: a mail program unsubscribes with one POST, without cookies or a form token;
        // the secret token in the address is the key (tested in alerts.rs).
        if path == "/jobs/alerts/{token}/unsubscribe" {
            continue;
        }
        let uri = path
            .replace("{id}", &id.to_string())
            .replace("{doc}", "1")
            .replace("{qid}", "1")
            .replace("{slot}", "1")
            .replace("{rid}", "1")
            .replace("{token}", "abc")
            .replace("{code}", "en");
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            for token in ["", "1999999999.00"] {
                let r = hr
                    .send_raw(method, &uri, &format!("csrf={token}&title=x"))
                    .await;
                assert!(
                    r.status == StatusCode::FORBIDDEN || r.status == StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {uri} answered {} without a valid CSRF token",
                    r.status
                );
                if r.status == StatusCode::FORBIDDEN {
                    checked += 1;
                    assert!(r.text().contains("Skjemaet er utløpt"), "{method} {uri}");
                }
            }
        }
    }
    assert!(checked >= 12, "{checked} state-changing routes checked");
}

#[tokio::test]
async fn the_search_page_shows_only_validated_words_and_a_change_reaches_other_instances() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let mut c = app.client();
    let long = "x".repeat(3000);
    let page = c
        .get(&format!("/jobs?q=sykepleier+{long}&clinic=%3Cb%3E"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text().contains(&long[..100]),
        "raw input is not echoed"
    );
    assert!(!page.text().contains("&lt;b&gt;"));
    // A second instance on the same database has the list cached …
    let second = talentflyt_web::router(
        talentflyt_web::AppState::new(app.db.second_instance().await, WebConfig::for_tests(), None)
            .await
            .unwrap(),
    );
    let mut other = app.client();
    other.with_router(second);
    assert!(!other.get("/jobs").await.text().contains("Jordmor natt"));
    // … and sees a posting published on the first one within about a second.
    publish_posting(&app, &mut hr, "Jordmor natt", app.icu.id).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut seen = false;
    for _ in 0..3 {
        seen |= other.get("/jobs").await.text().contains("Jordmor natt");
    }
    assert!(seen, "the change counter reached the other instance");
}

#[tokio::test]
async fn disguised_uploads_are_refused_and_stored_names_lose_bidi_tricks() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let apply = |name: &'static str, bytes: Vec<u8>| {
        let uri = uri.clone();
        let mut c = c.clone_browser();
        async move {
            let csrf = c.get(&uri).await.csrf();
            c.post_multipart(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("given_name", "Kari"),
                    ("family_name", "Nordmann"),
                    ("email", "kari@example.no"),
                    ("phone", "+47 912 34 567"),
                    ("birth_date", "1990-05-17"),
                    ("municipality", "Oslo"),
                    ("norwegian_level", "native"),
                    ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
                ],
                Some(("cv", name, &bytes)),
            )
            .await
        }
    };
    let mut junk = b"MZ\x90\x00".to_vec();
    junk.extend(pdf());
    let r = apply("cv.pdf", junk).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("PDF"));
    let r = apply("cv\u{202E}fdp.exe", pdf()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let _ = c.get("/jobs").await;
    let mut leder = app.signed_in("leder").await;
    let list = leder
        .get(&format!("/admin/postings/{id}/applicants"))
        .await
        .text();
    let i = list.find("/admin/applications/").unwrap();
    let app_href = &list[i..i + list[i..].find('"').unwrap()];
    let detail = leder.get(app_href).await.text();
    assert!(detail.contains("cvfdp.pdf"), "stored under a clean name");
    assert!(!detail.contains('\u{202E}'));
    let i = detail.find("/documents/").unwrap();
    let start = detail[..i].rfind('"').unwrap() + 1;
    let doc_href = &detail[start..i + detail[i..].find('"').unwrap()];
    let req = Request::builder()
        .uri(doc_href)
        .header(header::COOKIE, leder.cookie_header())
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("cvfdp.pdf"));
}

#[tokio::test]
async fn bursts_over_the_rate_limits_get_429_in_the_readers_language_and_keep_what_was_typed() {
    let mut cfg = WebConfig::for_tests();
    cfg.rate_limits = RateLimitConfig {
        applications_per_ip_hour: 4,
        applications_per_email_hour: 2,
        // One is used by HR's sign-in below, three are left for the burst.
        logins_per_ip_minute: 4,
        oidc_starts_per_ip_minute: 3,
    };
    let app = spawn_app_with(cfg).await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let send = |c: &mut Client, email: &'static str| {
        let (uri, csrf) = (uri.clone(), csrf.clone());
        let mut c = c.clone_browser();
        async move {
            c.post_multipart(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("given_name", "Kari"),
                    ("family_name", "Nordmann"),
                    ("email", email),
                    ("phone", "+47 912 34 567"),
                    ("birth_date", "1990-05-17"),
                    ("municipality", "Oslo"),
                    ("norwegian_level", "native"),
                    ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
                ],
                Some(("cv", "cv.pdf", &pdf())),
            )
            .await
        }
    };
    assert_eq!(
        send(&mut c, "a@example.no").await.status,
        StatusCode::SEE_OTHER
    );
    // The same address's second application to the posting is kept for its owner to choose
    // (by e-mail); the sender sees the same answer as for a new one.
    let again = send(&mut c, "a@example.no").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location, Some(format!("/jobs/{id}/applied")));
    // The third from the same e-mail address: the form again, with what was typed.
    let r = send(&mut c, "a@example.no").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("value=\"Nordmann\""));
    assert!(r.text().contains("Du kan prøve igjen om"));
    // The address has one left; then 429 before the upload is read, in English for English readers.
    assert_eq!(
        send(&mut c, "b@example.no").await.status,
        StatusCode::SEE_OTHER
    );
    c.accept_language = "en";
    let r = send(&mut c, "c@example.no").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("Too many attempts"), "{}", r.text());
    // Nothing already saved was lost.
    let listed = app
        .db
        .store
        .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
        .await
        .unwrap();
    assert_eq!(
        listed.len(),
        2,
        "a@ once (its second kept as a draft), b@ once"
    );
    // Sign-in attempts per address, counted atomically in a parallel burst.
    let mut l = app.client();
    let csrf = l.get("/login").await.csrf();
    let burst: Vec<_> = (0..10)
        .map(|_| {
            let mut l = l.clone_browser();
            let csrf = csrf.clone();
            tokio::spawn(async move { login(&mut l, &csrf, "leder", "feil").await.status })
        })
        .collect();
    let mut limited = 0;
    for h in burst {
        if h.await.unwrap() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert_eq!(limited, 7, "3 a minute from one address");
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, l.cookie_header())
        .body(Body::from(format!("csrf={csrf}&username=leder&password=x")))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
}

#[tokio::test]
async fn oversized_text_fields_and_too_many_fields_are_refused() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let big = "K".repeat(100_000);
    let r = c
        .post_multipart(&uri, &[("csrf", &csrf), ("given_name", &big)], None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let names: Vec<String> = (0..500).map(|i| format!("f{i}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    fields.extend(names.iter().map(|n| (n.as_str(), "x")));
    let r = c.post_multipart(&uri, &fields, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The CSRF token must come first, before anything else is read.
    let r = c
        .post_multipart(&uri, &[("given_name", "Kari"), ("csrf", &csrf)], None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_client_that_stalls_halfway_through_a_request_line_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut cfg = WebConfig::for_tests();
    cfg.request_timeout = Duration::from_secs(1);
    cfg.upload_timeout = Duration::from_secs(2);
    let app = spawn_app_with(cfg).await;
    let mut hr = app.signed_in("hr").await;
    let posting = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = talentflyt_web::server::ServerLimits {
        header_read_timeout: Duration::from_secs(1),
    };
    tokio::spawn(talentflyt_web::server::serve(
        listener,
        app.router.clone(),
        limits,
        std::future::pending(),
    ));
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /jobs HT").await.unwrap();
    let started = std::time::Instant::now();
    let mut buf = vec![0; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the stalled connection was not closed");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A form whose body stalls halfway is answered 408 when the request timeout runs out.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nConnection: close\r\n\r\nusername=",
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let mut out = String::new();
    let answered = tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out)).await;
    assert!(answered.is_ok(), "the stalled body was not cut off");
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // An application on a slow line gets the longer upload timeout, and then 408 too.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST /jobs/{posting}/apply HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut out = String::new();
    let answered = tokio::time::timeout(Duration::from_secs(6), s.read_to_string(&mut out)).await;
    assert!(answered.is_ok(), "the stalled upload was not cut off");
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(
        started.elapsed() >= Duration::from_millis(1800),
        "the upload had the request timeout, not its own: {:?}",
        started.elapsed()
    );
    // A whole request on a fresh connection is served.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

#[tokio::test]
async fn metrics_label_unknown_methods_as_other_and_can_be_closed() {
    let app = spawn_app().await;
    let req = Request::builder()
        .method("XYZZY")
        .uri("/jobs")
        .body(Body::empty())
        .unwrap();
    app.router.clone().oneshot(req).await.unwrap();
    let metrics = app.client().get("/metrics").await.text();
    assert!(metrics.contains("method=\"other\""), "{metrics}");
    assert!(!metrics.contains("XYZZY"));
    let mut cfg = WebConfig::for_tests();
    cfg.metrics = MetricsAccess::Closed;
    let closed = spawn_app_with(cfg).await;
    assert_eq!(
        closed.client().get("/metrics").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn https_sites_send_hsts_and_secure_cookies() {
    let mut cfg = WebConfig::for_tests();
    cfg.base_url = "https://jobb.example.no".into();
    cfg.cookie_secure = true;
    let app = spawn_app_with(cfg).await;
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/lang/en?next=/jobs")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(res.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en") && cookie.contains("Secure"),
        "{cookie}"
    );
    // The form cookie is __Host- prefixed over HTTPS, and forms work with it.
    let mut c = app.client();
    let form = c.get("/login").await;
    assert!(c.has_cookie("__Host-tf_csrf") && !c.has_cookie("tf_csrf"));
    let r = login(&mut c, &form.csrf(), "hr", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let plain = spawn_app().await;
    let res = plain
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/lang/en")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(!res
        .headers()
        .contains_key(header::STRICT_TRANSPORT_SECURITY));
}
