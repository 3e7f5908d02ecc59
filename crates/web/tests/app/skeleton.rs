//! The walking skeleton: HR publishes, a candidate applies, the manager reads, the candidate is told.

use crate::*;
use axum::http::StatusCode;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Collects everything the application logs while a test runs.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn hr_publishes_a_candidate_applies_the_manager_reads_and_the_candidate_is_told() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(
        &app,
        &mut hr,
        "Intensivsykepleier – Intensivavdelingen",
        app.icu.id,
    )
    .await;

    // The candidate finds it on the career site, by search.
    let mut cand = app.client();
    let list = cand.get("/jobs?q=intensivsykepleier").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains(&format!("href=\"/jobs/{id}\"")));
    assert!(list.text().contains("1 ledig stilling"));
    let ad = cand.get(&format!("/jobs/{id}")).await;
    let ad_text = ad.text();
    assert!(
        ad_text.contains("<h1 lang=\"nb\">Intensivsykepleier – Intensivavdelingen</h1>"),
        "the Norwegian title is marked as bokmål"
    );
    assert!(
        ad_text.contains("offentleglova § 25"),
        "the ad warns about the public applicant list"
    );
    assert!(ad_text.contains("Akuttklinikken") && ad_text.contains("Ullevål"));
    assert!(ad_text.contains(&format!("href=\"/jobs/{id}/apply\"")));

    // … and applies.
    let form = cand.get(&format!("/jobs/{id}/apply?source=nav")).await;
    assert_eq!(form.status, StatusCode::OK);
    let r = cand
        .post_multipart(
            &format!("/jobs/{id}/apply"),
            &[
                ("csrf", &form.csrf()),
                ("source", "nav"),
                ("given_name", "Kari"),
                ("family_name", "Nordmann-Øyen"),
                ("email", "kari.nordmann@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "Kari CV.pdf", &pdf())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/jobs/{id}/applied").as_str())
    );
    assert!(cand
        .get(&format!("/jobs/{id}/applied"))
        .await
        .text()
        .contains("Takk for søknaden"));

    // The confirmation goes out over SMTP (the other jobs are the alert run publishing queued
    // and the reading of the CV's text for search).
    assert_eq!(app.worker.drain().await.unwrap(), 3);
    let mail = app.inbox.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, vec!["kari.nordmann@example.no".to_string()]);
    assert!(mail[0].raw.contains("To: kari.nordmann@example.no"));

    // The manager of the unit sees the application on the applicant list and reads the CV.
    let mut leder = app.signed_in("leder").await;
    let posting = leder.get(&format!("/admin/postings/{id}/applicants")).await;
    assert_eq!(posting.status, StatusCode::OK);
    let text = posting.text();
    assert!(text.contains("Kari Nordmann-Øyen"));
    assert!(text.contains("nav"), "the source is recorded");
    assert!(!text.contains(">Publiser<"), "managers do not publish");
    let app_id: i64 = {
        let i = text.find("/admin/applications/").unwrap() + 20;
        text[i..i + text[i..].find('"').unwrap()].parse().unwrap()
    };
    let detail = leder.get(&format!("/admin/applications/{app_id}")).await;
    assert!(detail.text().contains("kari.nordmann@example.no"));
    assert!(detail.text().contains("Last ned CV"));
    let doc_href = {
        let t = detail.text();
        let i = t
            .find(&format!("/admin/applications/{app_id}/documents/"))
            .unwrap();
        t[i..i + t[i..].find('"').unwrap()].to_owned()
    };
    let cv = leder.get(&doc_href).await;
    assert_eq!(cv.status, StatusCode::OK);
    assert_eq!(cv.content_type, "application/pdf");
    assert_eq!(cv.body, pdf());

    // A manager elsewhere sees neither the applicants nor the CV: to them the records do not
    // exist (the same answer as for an id nobody has), and each attempt is audited.
    let mut annen = app.signed_in("annen").await;
    let missing = annen.get("/admin/postings/999999").await;
    let hidden = annen.get(&format!("/admin/postings/{id}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.status, missing.status);
    assert_eq!(
        annen
            .get(&format!("/admin/applications/{app_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(annen.get(&doc_href).await.status, StatusCode::NOT_FOUND);
    assert!(!annen
        .get("/admin")
        .await
        .text()
        .contains(&format!("/admin/postings/{id}\"")));

    // Every read is in the audit trail, with who did it.
    let trail = app
        .db
        .store
        .audit_trail(talentflyt_store::SubjectKind::Application, app_id)
        .await
        .unwrap();
    let actions: Vec<_> = trail
        .iter()
        .map(|e| (e.actor_kind.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("candidate", "create"),
            ("user", "list"),
            ("user", "read"),
            ("user", "download"),
            ("user", "denied"),
            ("user", "denied"),
        ]
    );
    let denied_posting = app
        .db
        .store
        .audit_trail(talentflyt_store::SubjectKind::Posting, id)
        .await
        .unwrap();
    assert!(
        denied_posting
            .iter()
            .any(|e| e.action.as_str() == "denied" && e.actor_kind == "user"),
        "the refused look at the posting is audited"
    );

    // And nothing personal reached the logs.
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("application received"),
        "the application is logged by id: {logged}"
    );
    for secret in ["kari.nordmann@example.no", "Nordmann", "Kari"] {
        assert!(!logged.contains(secret), "{secret} leaked into the logs");
    }
}

#[tokio::test]
async fn a_bad_cv_gets_a_clear_message_in_the_readers_language_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Jordmor", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    for (lang, expected) in [
        ("nb-NO", "Filen må være PDF, Word (DOCX)"),
        ("en-GB", "The file must be a PDF, Word (DOCX)"),
    ] {
        let mut c = app.client();
        c.accept_language = lang;
        let csrf = c.get(&uri).await.csrf();
        let r = c
            .post_multipart(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("given_name", "Åse"),
                    ("family_name", "Berg"),
                    ("email", "ase@example.no"),
                    ("phone", "+47 912 34 567"),
                    ("birth_date", "1990-05-17"),
                    ("municipality", "Oslo"),
                    ("norwegian_level", "native"),
                    ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
                ],
                Some(("cv", "cv.pdf", b"just text pretending")),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains(expected), "{lang}: {t}");
        assert!(
            t.contains("value=\"Åse\"") && t.contains("value=\"ase@example.no\""),
            "typed values are kept"
        );
        assert!(t.contains("aria-invalid=\"true\""));
    }
    // Several problems at once, and nothing stored.
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let r = c
        .post_multipart(
            &uri,
            &[
                ("csrf", &csrf),
                ("given_name", ""),
                ("family_name", "Berg"),
                ("email", "ikke-en-adresse"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            None,
        )
        .await;
    let t = r.text();
    assert!(
        t.contains("Fyll ut feltet")
            && t.contains("gyldig e-postadresse")
            && t.contains("Last opp CV-en din"),
        "{t}"
    );
    assert!(app
        .db
        .store
        .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_oversized_cv_is_refused_with_the_limit() {
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.max_upload_bytes = 1024 * 1024;
    let app = spawn_app_with(cfg).await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Psykolog", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let mut big = pdf();
    big.splice(10..10, std::iter::repeat_n(b' ', 2 * 1024 * 1024));
    let r = c
        .post_multipart(
            &uri,
            &[
                ("csrf", &csrf),
                ("given_name", "Per"),
                ("family_name", "Lund"),
                ("email", "per@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "cv.pdf", &big)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("høyst 1 MB"), "{}", r.text());
    assert!(r.text().contains("value=\"Per\""));
}

#[tokio::test]
async fn the_posting_form_reports_every_error_and_keeps_the_text() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let csrf = hr.get("/admin/postings/new").await.csrf();
    let r = hr
        .post_form(
            "/admin/postings",
            &[
                ("csrf", &csrf),
                ("title", ""),
                ("intro_nb", "Lang tekst som ikke skal gå tapt."),
                ("unit_id", ""),
                ("profession", "nurse"),
                ("engagement", "permanent"),
                ("extent_percent", "150"),
                ("positions", "1"),
                ("deadline", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    for msg in [
        "Fyll ut feltet",
        "Velg en enhet",
        "fra 1 til 100",
        "tilbake i tid",
    ] {
        assert!(t.contains(msg), "missing {msg}");
    }
    assert!(t.contains("Lang tekst som ikke skal gå tapt."));
    assert!(
        t.contains("Kravprofilen må ha minst ett krav"),
        "the requirement profile needs a required item"
    );
    // A manager writes ads with HR; an employee may not.
    let mut leder = app.signed_in("leder").await;
    assert_eq!(
        leder.get("/admin/postings/new").await.status,
        StatusCode::OK
    );
    let mut ansatt = app.signed_in("ansatt").await;
    assert_eq!(
        ansatt.get("/admin/postings/new").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_infected_cv_is_stopped_when_a_scanner_is_configured() {
    let Some(clamd) = talentflyt_web::scan::TestClamd::start().await else {
        return;
    };
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.clamd = Some(clamd.addr.clone());
    let app = spawn_app_with(cfg).await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Bioingeniør", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let mut infected = b"%PDF-1.4\n".to_vec();
    infected.extend_from_slice(talentflyt_web::scan::EICAR);
    infected.extend_from_slice(b"\n%%EOF\n");
    let fields = [
        ("csrf", csrf.as_str()),
        ("given_name", "Eva"),
        ("family_name", "Lie"),
        ("email", "eva@example.no"),
        ("phone", "+47 912 34 567"),
        ("birth_date", "1990-05-17"),
        ("municipality", "Oslo"),
        ("norwegian_level", "native"),
        ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
    ];
    let r = c
        .post_multipart(&uri, &fields, Some(("cv", "cv.pdf", &infected)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("stoppet av viruskontrollen"));
    assert!(app
        .db
        .store
        .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
        .await
        .unwrap()
        .is_empty());
    let r = c
        .post_multipart(&uri, &fields, Some(("cv", "cv.pdf", &pdf())))
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a clean CV passes the scanner"
    );
    // The scanner down: an error, never a pass.
    drop(clamd);
    let csrf = c.get(&uri).await.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("given_name", "Ola"),
        ("family_name", "Lie"),
        ("email", "ola@example.no"),
        ("phone", "+47 912 34 567"),
        ("birth_date", "1990-05-17"),
        ("municipality", "Oslo"),
        ("norwegian_level", "native"),
        ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
    ];
    let r = c
        .post_multipart(&uri, &fields, Some(("cv", "cv.pdf", &pdf())))
        .await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert_eq!(
        app.db
            .store
            .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
            .await
            .unwrap()
            .len(),
        1,
        "only the clean one"
    );
}
