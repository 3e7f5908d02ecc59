//! Submitting is idempotent. In its own test binary: it applies from several tasks at once, and
//! the walking skeleton (tests/app) reads its own log lines, which tracing's per-callsite
//! interest cache can hide when another thread of the same process hits the callsite first.

#[allow(dead_code)]
#[path = "app/helpers.rs"]
mod helpers;

use axum::http::StatusCode;
use helpers::*;

/// The form's hidden submission key.
fn submission_key(html: &str) -> String {
    html.split("name=\"submission\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form has a submission key")
        .to_owned()
}

#[tokio::test]
async fn a_double_click_a_refresh_or_a_retry_makes_one_application() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Radiograf", app.icu.id).await;
    app.worker.drain().await.unwrap();
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let form = c.get(&uri).await;
    let key = submission_key(&form.text());
    assert_ne!(
        key,
        submission_key(&c.get(&uri).await.text()),
        "a key per form"
    );
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("submission", key.as_str()),
        ("given_name", "Ida"),
        ("family_name", "Berg"),
        ("email", "ida@example.no"),
        ("phone", "+47 912 34 567"),
        ("birth_date", "1990-05-17"),
        ("municipality", "Oslo"),
        ("norwegian_level", "native"),
        ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
    ];
    // Sent again and again, and five times at once: one application, one receipt.
    for _ in 0..2 {
        let r = c
            .post_multipart(&uri, &fields, Some(("cv", "cv.pdf", &pdf())))
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/jobs/{id}/applied").as_str())
        );
    }
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let mut c = c.clone_browser();
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let uri = uri.clone();
        burst.spawn(async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            c.post_multipart(&uri, &f, Some(("cv", "cv.pdf", &pdf())))
                .await
                .status
        });
    }
    for status in burst.join_all().await {
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let reader = talentflyt_store::Reader::user(0, "test");
    assert_eq!(
        app.db
            .store
            .list_applications(&reader, id)
            .await
            .unwrap()
            .len(),
        1
    );
    app.worker.drain().await.unwrap();
    let receipts = app
        .inbox
        .messages()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == "ida@example.no"))
        .count();
    assert_eq!(receipts, 1, "one confirmation e-mail");

    // A new form from the same address is the same person's second application to the posting:
    // not stored as another, but kept as a draft while they choose (update or withdraw the
    // first).
    let form = c.get(&uri).await;
    let (csrf, key) = (form.csrf(), submission_key(&form.text()));
    let r = c
        .post_multipart(
            &uri,
            &[
                ("csrf", &csrf),
                ("submission", &key),
                ("given_name", "Ida"),
                ("family_name", "Berg"),
                ("email", "ida@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "cv.pdf", &pdf())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location,
        Some(format!("/jobs/{id}/applied")),
        "the same answer as a new application: the page tells no one whether the address applied"
    );
    assert_eq!(
        app.db
            .store
            .list_applications(&reader, id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(app.db.store.draft(&key, id).await.unwrap().is_some());
}

/// A minimal Word document: a ZIP archive with the two entries Word files always have.
fn docx() -> Vec<u8> {
    talentflyt_domain::upload::zip_for_tests(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ])
}

#[tokio::test]
async fn a_cv_in_word_or_as_a_picture_is_taken_under_its_real_type_and_a_program_is_not() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Fysioterapeut", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9];
    for (i, (sent_as, bytes, mime, stored)) in [
        (
            "CV.pdf",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "CV.docx",
        ),
        ("foto.png", jpeg, "image/jpeg", "foto.jpg"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = app.client();
        let csrf = c.get(&uri).await.csrf();
        let email = format!("p{i}@example.no");
        let r = c
            .post_multipart(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("given_name", "Per"),
                    ("family_name", "Lie"),
                    ("email", &email),
                    ("phone", "+47 912 34 567"),
                    ("birth_date", "1990-05-17"),
                    ("municipality", "Oslo"),
                    ("norwegian_level", "native"),
                    ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
                ],
                Some(("cv", sent_as, &bytes)),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{sent_as}: {}", r.text());
        let reader = talentflyt_store::Reader::user(0, "test");
        let apps = app.db.store.list_applications(&reader, id).await.unwrap();
        let record = app
            .db
            .store
            .read_application(&reader, apps[i].id)
            .await
            .unwrap();
        let doc = &record.documents[0];
        assert_eq!(
            (doc.content_type.as_str(), doc.filename.as_str()),
            (mime, stored)
        );
    }
    let mut c = app.client();
    let csrf = c.get(&uri).await.csrf();
    let r = c
        .post_multipart(
            &uri,
            &[
                ("csrf", &csrf),
                ("given_name", "Per"),
                ("family_name", "Lie"),
                ("email", "x@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "cv.pdf", b"MZ\x90\x00\x03\x00 a program")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .contains("Filen må være PDF, Word (DOCX), OpenDocument-tekst (ODT), JPEG eller PNG"));
}
