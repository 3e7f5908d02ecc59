//! The full application form (R4) and the candidate portal (R5): every part stored where it
//! belongs, the self-declaration apart and out of every staff view, nothing typed or chosen
//! lost, sign-in links once and in the asking browser, withdraw, export and erasure.

use crate::*;
use axum::http::StatusCode;
use std::io::Read;
use talentflyt_domain::application::QuestionDraft;
use talentflyt_jobs::testing::ReceivedMail;
use talentflyt_store::{AuditAction, Reader, SubjectKind};

/// The form's submission key, from its hidden field.
fn key_of(html: &str) -> String {
    let i = html.find("name=\"submission\" value=\"").unwrap() + 25;
    html[i..i + 32].to_owned()
}

pub(crate) fn mail_to(app: &TestApp, to: &str) -> Vec<ReceivedMail> {
    app.inbox
        .messages()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .collect()
}

/// A message with its quoted-printable parts decoded (soft breaks joined, `=XX` bytes).
pub(crate) fn decoded(m: &ReceivedMail) -> String {
    let raw = m.raw.replace("=\r\n", "");
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&raw[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path of the first `http://localhost…` link in the message that contains `part`.
pub(crate) fn link(m: &ReceivedMail, part: &str) -> String {
    let text = decoded(m);
    let i = text.find(part).expect("the link is in the e-mail");
    let start = text[..i].rfind("http://localhost").unwrap();
    let end = start
        + text[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .unwrap();
    text[start..end]
        .trim_start_matches("http://localhost")
        .replace("&amp;", "&")
}

/// Three screening questions: yes/no where "no" flags, several choices with a knock-out
/// option, and a number under 2 flags.
async fn questions(app: &TestApp, posting: i64) -> Vec<i64> {
    let s = &app.db.store;
    for d in [
        QuestionDraft {
            kind: "yes_no".into(),
            text_nb: "Har du norsk autorisasjon som sykepleier?".into(),
            text_en: "Are you authorised as a nurse in Norway?".into(),
            required: true,
            knockout: "no".into(),
            ..Default::default()
        },
        QuestionDraft {
            kind: "multiple".into(),
            text_nb: "Hvilke vakter kan du ta?".into(),
            options: "Dag | Day\nKveld | Evening\n!Ingen | None".into(),
            required: true,
            ..Default::default()
        },
        QuestionDraft {
            kind: "number".into(),
            text_nb: "Hvor mange års erfaring har du?".into(),
            required: true,
            knockout: "2".into(),
            ..Default::default()
        },
    ] {
        assert!(s
            .add_question(posting, &d.check(0).unwrap(), 1, "test")
            .await
            .unwrap());
    }
    s.questions(posting)
        .await
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect()
}

fn full_fields<'a>(csrf: &'a str, key: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("submission", key),
        ("given_name", "Kari"),
        ("family_name", "Nordmann"),
        ("email", email),
        ("phone", "+47 912 34 567"),
        ("birth_date", "1990-05-17"),
        ("municipality", "Bærum"),
        ("current_title", "Sykepleier"),
        ("current_employer", "Bærum sykehus"),
        ("education_institution", "OsloMet"),
        ("education_degree", "Bachelor i sykepleie"),
        ("education_from", "2010"),
        ("education_to", "2013"),
        ("work_employer", "Bærum sykehus"),
        ("work_title", "Sykepleier"),
        ("work_from", "2013"),
        ("work_to", ""),
        ("referee_name", "Rita Referanse"),
        ("referee_relation", "Avdelingsleder"),
        ("referee_phone", "22 33 44 55"),
        ("referee_email", ""),
        ("hpr_number", "1234567"),
        ("norwegian_level", "native"),
        (
            "cover_letter",
            "Jeg søker fordi jeg vil jobbe med intensivpasienter.",
        ),
        ("exemption", "yes"),
        (
            "exemption_reason",
            "Min nåværende arbeidsgiver vet ikke at jeg søker.",
        ),
        ("eq_gender", "woman"),
        ("eq_disability", "yes"),
        ("eq_cv_gap", "no"),
        ("talent_pool", "yes"),
        ("action", "submit"),
    ]
}

#[tokio::test]
async fn a_full_application_is_stored_in_its_parts_with_the_self_declaration_apart() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier intensiv", app.icu.id).await;
    let qids = questions(&app, id).await;
    let q: Vec<String> = qids.iter().map(|q| format!("q-{q}")).collect();
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let form = c.get(&uri).await;
    let html = form.text();
    for part in [
        "Har du norsk autorisasjon som sykepleier?",
        "Hvilke vakter kan du ta?",
        "Frivillig egenerklæring om likestilling",
        "Jeg ber om ikke å bli oppført på den offentlige søkerlisten",
        "Talentbank",
        "Vi sletter søknaden ett år etter",
    ] {
        assert!(html.contains(part), "the form has {part}");
    }
    let key = key_of(&html);
    let csrf = form.csrf();
    let mut fields = full_fields(&csrf, &key, "kari@example.no");
    fields.extend([
        (q[0].as_str(), "no"),
        (q[1].as_str(), "0"),
        (q[1].as_str(), "1"),
        (q[2].as_str(), "1"),
    ]);
    let r = c
        .post_multipart_files(
            &uri,
            &fields,
            &[
                ("cv", "Kari CV.pdf", &pdf()),
                ("attachments", "Vitnemål.pdf", &pdf()),
                ("attachments", "Attest.pdf", &pdf()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let reader = Reader::user(0, "test");
    let s = &app.db.store;
    let apps = s.list_applications(&reader, id).await.unwrap();
    assert_eq!(apps.len(), 1);
    let rec = s.read_application(&reader, apps[0].id).await.unwrap();
    let d = rec.details.as_ref().unwrap();
    assert_eq!(
        (
            d.phone.as_str(),
            d.birth_date.as_str(),
            d.municipality.as_str()
        ),
        ("+47 912 34 567", "1990-05-17", "Bærum")
    );
    assert_eq!(d.education[0].degree, "Bachelor i sykepleie");
    assert_eq!(d.work[0].to_year, "");
    assert_eq!(d.referees[0].name, "Rita Referanse");
    let kinds: Vec<&str> = rec.documents.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, vec!["cv", "attachment", "attachment"]);
    let flags: Vec<(&str, i64)> = rec
        .answers
        .iter()
        .map(|a| (a.answer_nb.as_str(), a.knocked_out))
        .collect();
    assert_eq!(flags, vec![("Nei", 1), ("Dag; Kveld", 0), ("1", 1)]);
    assert_eq!(rec.exemption.exemption_requested, 1);

    // The manager sees the answers with knock-outs flagged and the exemption request, and
    // nothing of the self-declaration.
    let mut leder = app.signed_in("leder").await;
    let page = leder
        .get(&format!("/admin/applications/{}", apps[0].id))
        .await
        .text();
    assert!(page.contains("Utslagsgivende svar"));
    assert!(page.contains("ber om ikke å bli oppført"));
    assert!(
        !page.contains("Min nåværende arbeidsgiver vet ikke"),
        "the reason is for those who decide it"
    );
    let as_hr = hr
        .get(&format!("/admin/applications/{}", apps[0].id))
        .await
        .text();
    assert!(as_hr.contains("Min nåværende arbeidsgiver vet ikke"));
    assert!(page.contains("Bachelor i sykepleie"));
    for hidden in [
        "Kvinne",
        "funksjonsnedsettelse",
        "hull i CV",
        "likestilling",
    ] {
        assert!(
            !page.to_lowercase().contains(&hidden.to_lowercase()),
            "{hidden} shown to staff"
        );
    }
    let list = leder
        .get(&format!("/admin/postings/{id}/applicants"))
        .await
        .text();
    assert!(!list.contains("Kvinne"));
    // HR sees it only as counts, and one declaration is a group under five.
    let figures = hr
        .get(&format!("/admin/postings/{id}/questions"))
        .await
        .text();
    assert!(figures.contains("færre enn 5"));
    assert!(!figures.contains("Kari"));
    let counts = s.equality_counts(id).await.unwrap();
    assert!(counts.iter().all(|c| c.count.is_none()));

    // The receipt lists what was sent and leads to the portal.
    app.worker.drain().await.unwrap();
    let mails = mail_to(&app, "kari@example.no");
    assert_eq!(mails.len(), 1);
    let text = decoded(&mails[0]);
    for part in [
        "Dette sendte du",
        "Bærum",
        "Vitnemål.pdf",
        "Attest.pdf",
        "Hvilke vakter kan du ta?: Dag; Kveld",
        "/portal",
    ] {
        assert!(text.contains(part), "the receipt has {part}: {text}");
    }
    assert!(
        !text.contains("Kvinne"),
        "the receipt names no self-declared answer"
    );
}

#[tokio::test]
async fn errors_keep_every_field_and_file_and_adding_a_row_or_a_draft_keeps_all() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Jordmor", app.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = app.client();
    let form = c.get(&uri).await;
    let (csrf, key) = (form.csrf(), key_of(&form.text()));
    let mut fields = full_fields(&csrf, &key, "jorid@example.no");
    fields.retain(|(k, _)| *k != "phone");
    // A program renamed to PDF among the attachments, and no phone.
    let r = c
        .post_multipart_files(
            &uri,
            &fields,
            &[
                ("cv", "CV.pdf", &pdf()),
                ("attachments", "Attest.pdf", &pdf()),
                ("attachments", "virus.pdf", b"MZ\x90\x00 a program"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("Telefon: Fyll ut feltet."), "{t}");
    assert!(t.contains("virus.pdf: Filen må være PDF"));
    assert!(t.contains("Vi har tatt vare på CV-en") && t.contains("CV.pdf"));
    assert!(
        t.contains("Fjern Attest.pdf"),
        "the good attachment is kept"
    );
    assert!(t.contains("value=\"Bærum sykehus\"") && t.contains("intensivpasienter"));
    assert!(t.contains("autofocus"), "the error summary takes the focus");
    // Sent again with the phone and no files: the kept ones go with it.
    let mut again = fields.clone();
    again.push(("phone", "912 34 567"));
    let r = c.post_multipart_files(&uri, &again, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let reader = Reader::user(0, "test");
    let apps = app.db.store.list_applications(&reader, id).await.unwrap();
    let rec = app
        .db
        .store
        .read_application(&reader, apps[0].id)
        .await
        .unwrap();
    let names: Vec<&str> = rec.documents.iter().map(|d| d.filename.as_str()).collect();
    assert_eq!(names, vec!["CV.pdf", "Attest.pdf"]);
    assert!(
        app.db.store.draft(&key, id).await.unwrap().is_none(),
        "the draft is consumed"
    );

    // Adding a row keeps everything and comes back with one more row, focused.
    let mut b = app.client();
    let form = b.get(&uri).await;
    let (csrf, key) = (form.csrf(), key_of(&form.text()));
    let mut fields = full_fields(&csrf, &key, "per@example.no");
    fields.retain(|(k, _)| *k != "action");
    fields.push(("action", "add_work"));
    let r = b
        .post_multipart_files(&uri, &fields, &[("cv", "Per.pdf", &pdf())])
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "answered directly: no draft key in an address"
    );
    let t = r.text();
    assert!(t.contains("id=\"work_employer-2\""));
    assert!(t.contains("id=\"work_employer-2\" name=\"work_employer\" type=\"text\" value=\"\" maxlength=\"200\" autofocus"), "{t}");
    assert!(t.contains("Per.pdf") && t.contains("value=\"Bærum\""));

    // Save and continue later: the link in the e-mail opens the form as it was.
    fields.retain(|(k, _)| *k != "action");
    fields.push(("action", "save_draft"));
    let r = b.post_multipart_files(&uri, &fields, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .text()
        .contains("Utkastet er lagret. Vi har sendt en lenke"));
    app.worker.drain().await.unwrap();
    let mails = mail_to(&app, "per@example.no");
    assert_eq!(mails.len(), 1);
    let resume = link(&mails[0], "draft=");
    let mut other_device = app.client();
    let t = other_device.get(&resume).await.text();
    assert!(t.contains("Per.pdf") && t.contains("intensivpasienter"));
    // The self-declaration is never kept in a draft.
    assert!(!t.contains("value=\"woman\" checked"));
    // A refused file on "add a row" is said, not dropped in silence.
    let mut fields = full_fields(&csrf, &key, "per@example.no");
    fields.retain(|(k, _)| *k != "action");
    fields.push(("action", "add_education"));
    let r = b
        .post_multipart_files(
            &uri,
            &fields,
            &[("attachments", "prog.pdf", b"MZ\x90\x00".as_slice())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("prog.pdf: Filen må være PDF"));

    // Too many attachments, and too much together, each say so.
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.max_upload_bytes = 64 * 1024;
    cfg.max_application_bytes = 100 * 1024;
    let small = spawn_app_with(cfg).await;
    let mut hr = small.signed_in("hr").await;
    let id = publish_posting(&small, &mut hr, "Radiograf", small.icu.id).await;
    let uri = format!("/jobs/{id}/apply");
    let mut c = small.client();
    let form = c.get(&uri).await;
    let (csrf, key) = (form.csrf(), key_of(&form.text()));
    let fields = full_fields(&csrf, &key, "many@example.no");
    let big = [b"%PDF-1.4\n%".as_slice(), &[b'x'; 40 * 1024], b"\n%%EOF\n"].concat();
    let files: Vec<(&str, &str, &[u8])> = std::iter::once(("cv", "cv.pdf", big.as_slice()))
        .chain((0..6).map(|_| ("attachments", "a.pdf", big.as_slice())))
        .collect();
    let r = c.post_multipart_files(&uri, &fields, &files).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("Filene er til sammen for store"),
        "{}",
        r.text()
    );
}

/// Ask for a sign-in link in this browser and return the link's path.
pub(crate) async fn sign_in_link(app: &TestApp, c: &mut Client, email: &str) -> String {
    let csrf = c.get("/portal").await.csrf();
    let r = c
        .post_form("/portal/link", &[("csrf", &csrf), ("email", email)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Sjekk e-posten din"));
    app.worker.drain().await.unwrap();
    let mails = mail_to(app, email);
    link(mails.last().unwrap(), "/portal/sign-in/")
}

async fn apply(app: &TestApp, c: &mut Client, posting: i64, email: &str) {
    let uri = format!("/jobs/{posting}/apply");
    let form = c.get(&uri).await;
    let (csrf, key) = (form.csrf(), key_of(&form.text()));
    let mut fields = full_fields(&csrf, &key, email);
    fields.retain(|(k, _)| !k.starts_with("eq_") && *k != "talent_pool");
    let r = c
        .post_multipart_files(&uri, &fields, &[("cv", "CV.pdf", &pdf())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.worker.drain().await.unwrap();
}

#[tokio::test]
async fn sign_in_links_work_once_in_the_browser_that_asked_and_expire() {
    let (app, clock) = app_on("2026-11-24").await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Sykepleier", app.icu.id).await;
    let mut browser = app.client();
    apply(&app, &mut browser, id, "kari@example.no").await;

    let path = sign_in_link(&app, &mut browser, "kari@example.no").await;
    // Another browser (a forwarded mail, a mail scanner) is refused, and the link still works.
    let mut elsewhere = app.client();
    let r = elsewhere.get(&path).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("samme nettleseren"));
    let r = browser.get(&path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let home = browser.get("/portal").await.text();
    assert!(home.contains("Sykepleier") && home.contains("Mottatt"));
    // Used once.
    let mut again = app.client();
    let _ = again.get("/portal").await;
    let r = browser.get(&path).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("allerede brukt"));
    // Expired after 15 minutes.
    let mut late = app.client();
    let path = sign_in_link(&app, &mut late, "kari@example.no").await;
    clock.advance(chrono::Duration::minutes(16));
    let r = late.get(&path).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("for gammel"));
    // An address that never applied gets the same page and no e-mail.
    let mut stranger = app.client();
    let csrf = stranger.get("/portal").await.csrf();
    let r = stranger
        .post_form(
            "/portal/link",
            &[("csrf", &csrf), ("email", "nobody@example.no")],
        )
        .await;
    assert!(r.text().contains("Sjekk e-posten din"));
    app.worker.drain().await.unwrap();
    assert!(mail_to(&app, "nobody@example.no").is_empty());
    // Three links an hour per address, counted atomically in a parallel burst.
    // Every answer is the same page, so no one learns whether an address has applied.
    let links_before = mail_to(&app, "kari@example.no").len();
    let burst: Vec<_> = (0..6)
        .map(|_| {
            let mut c = app.client();
            tokio::spawn(async move {
                let csrf = c.get("/portal").await.csrf();
                c.post_form(
                    "/portal/link",
                    &[("csrf", &csrf), ("email", "kari@example.no")],
                )
                .await
                .text()
            })
        })
        .collect();
    for b in burst {
        assert!(b.await.unwrap().contains("Sjekk e-posten din"));
    }
    app.worker.drain().await.unwrap();
    assert_eq!(
        mail_to(&app, "kari@example.no").len() - links_before,
        1,
        "two links were sent already this hour: one more, five not sent"
    );
    // The sign-in is on the candidate's audit trail.
    let cand = app
        .db
        .store
        .active_application_for("kari@example.no", id)
        .await
        .unwrap()
        .unwrap()
        .0;
    let trail = app
        .db
        .store
        .audit_trail(SubjectKind::Candidate, cand)
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.action == AuditAction::Login));
}

#[tokio::test]
async fn the_portal_withdraws_changes_documents_exports_and_erases_only_what_it_may() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let first = publish_posting(&app, &mut hr, "Sykepleier natt", app.icu.id).await;
    let second = publish_posting(&app, &mut hr, "Sykepleier dag", app.icu.id).await;
    let mut me = app.client();
    apply(&app, &mut me, first, "ida@example.no").await;
    apply(&app, &mut me, second, "IDA@example.no").await;
    let path = sign_in_link(&app, &mut me, "ida@example.no").await;
    me.get(&path).await;
    let reader = Reader::user(0, "test");
    let a1 = app
        .db
        .store
        .list_applications(&reader, first)
        .await
        .unwrap()[0]
        .id;
    let a2 = app
        .db
        .store
        .list_applications(&reader, second)
        .await
        .unwrap()[0]
        .id;
    assert_eq!(
        app.db
            .store
            .list_applications(&reader, first)
            .await
            .unwrap()[0]
            .candidate_id,
        app.db
            .store
            .list_applications(&reader, second)
            .await
            .unwrap()[0]
            .candidate_id,
        "one address, one candidate"
    );
    // Another candidate's application is "not found".
    let mut other = app.client();
    apply(&app, &mut other, first, "ola@example.no").await;
    let theirs = app
        .db
        .store
        .list_applications(&reader, first)
        .await
        .unwrap()[1]
        .id;
    assert_eq!(
        me.get(&format!("/portal/applications/{theirs}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Add an attachment, then remove it; a bad file is refused with a message.
    let page = me.get(&format!("/portal/applications/{a1}")).await;
    assert!(page.text().contains("intensivpasienter"));
    let csrf = page.csrf();
    let up = format!("/portal/applications/{a1}/documents");
    let r = me
        .post_multipart(
            &up,
            &[("csrf", &csrf), ("kind", "attachment")],
            Some(("file", "Attest.pdf", &pdf())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = me
        .post_multipart(
            &up,
            &[("csrf", &csrf), ("kind", "attachment")],
            Some(("file", "x.pdf", b"<svg/>")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rec = app.db.store.read_application(&reader, a1).await.unwrap();
    let att = rec
        .documents
        .iter()
        .find(|d| d.kind == "attachment")
        .unwrap();
    let r = me
        .post_form(
            &format!("/portal/applications/{a1}/documents/{}/delete", att.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The form's limits hold here too: five attachments, not six.
    for n in 0..6 {
        let r = me
            .post_multipart(
                &up,
                &[("csrf", &csrf), ("kind", "attachment")],
                Some(("file", &format!("Attest {n}.pdf"), &pdf())),
            )
            .await;
        if n < 5 {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{n}: {}", r.text());
        } else {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().contains("Du kan legge ved høyst 5 filer"));
        }
    }
    // HR refuses the exemption with its reasons; the candidate chooses to stay on the list.
    let mut hr = app.signed_in("hr").await;
    let csrf_hr = hr.get("/admin").await.csrf();
    let r = hr
        .post_form(
            &format!("/admin/applications/{a2}/exemption"),
            &[
                ("csrf", &csrf_hr),
                ("decision", "refused"),
                ("rationale", "Stor offentlig interesse."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let t = me.get("/portal").await.text();
    assert!(t.contains("Vi trenger svar fra deg"));
    assert!(me
        .get(&format!("/portal/applications/{a2}"))
        .await
        .text()
        .contains("Anmodningen ble ikke tatt til følge. Svar innen"));
    let r = me
        .post_form(
            &format!("/portal/applications/{a2}/listing"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(me
        .get(&format!("/portal/applications/{a2}"))
        .await
        .text()
        .contains("Du har valgt å stå på listen"));

    // Withdraw the first: confirmed by e-mail.
    let r = me
        .post_form(
            &format!("/portal/applications/{a1}/withdraw"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    assert!(mail_to(&app, "ida@example.no")
        .iter()
        .any(|m| m.raw.contains("trukket")));

    // Download everything: data.json and the files.
    let r = me.get("/portal/export").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let mut json = String::new();
    zip.by_name("data.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["applications"].as_array().unwrap().len(), 2);
    assert_eq!(v["candidate"]["email"], "ida@example.no");
    assert!(json.contains("intensivpasienter"));
    assert!(zip.by_name(&format!("files/{a1}/CV.pdf")).is_ok());

    // Erase: the withdrawn one goes, the open one stays and the page says why.
    let t = me.get("/portal/erase").await.text();
    assert!(t.contains("må beholde"));
    let r = me.post_form("/portal/erase", &[("csrf", &csrf)]).await;
    let t = r.text();
    assert!(
        t.contains("Vi har slettet én søknad") && t.contains("beholdes så lenge loven krever det"),
        "{t}"
    );
    assert_eq!(
        app.db
            .store
            .list_applications(&reader, first)
            .await
            .unwrap()
            .len(),
        1,
        "only Ola's left"
    );
    assert_eq!(
        app.db
            .store
            .list_applications(&reader, second)
            .await
            .unwrap()
            .len(),
        1
    );
    let trail = app
        .db
        .store
        .audit_trail(SubjectKind::Application, a1)
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.action == AuditAction::Delete));
    assert!(trail
        .iter()
        .any(|e| e.action == AuditAction::Read && e.actor_kind == "candidate"));
}

#[tokio::test]
async fn a_second_application_to_the_same_posting_offers_update_or_withdraw() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Fysioterapeut", app.icu.id).await;
    let mut me = app.client();
    apply(&app, &mut me, id, "siv@example.no").await;
    // Again, with another letter: kept as a draft, and the page offers a sign-in link.
    let uri = format!("/jobs/{id}/apply");
    let form = me.get(&uri).await;
    let (csrf, key) = (form.csrf(), key_of(&form.text()));
    let mut fields = full_fields(&csrf, &key, "siv@example.no");
    fields.retain(|(k, _)| *k != "cover_letter");
    fields.push(("cover_letter", "Et nytt og bedre søknadsbrev."));
    let r = me
        .post_multipart_files(&uri, &fields, &[("cv", "Ny CV.pdf", &pdf())])
        .await;
    assert_eq!(
        r.location,
        Some(format!("/jobs/{id}/applied")),
        "the sender is told nothing about the address"
    );
    // The owner of the address is asked by e-mail.
    app.worker.drain().await.unwrap();
    let asked = mail_to(&app, "siv@example.no");
    let again = link(asked.last().unwrap(), "/apply/again?draft=");
    assert!(decoded(asked.last().unwrap()).contains("Du har allerede søkt på stillingen"));
    let t = me.get(&again).await.text();
    assert!(t.contains("Du har allerede søkt på denne stillingen"));
    assert!(t.contains("Logg inn på Min side for å velge"));
    assert!(
        !t.contains("Et nytt og bedre søknadsbrev."),
        "what was sent is shown only to the signed-in owner"
    );
    let csrf = me.get(&again).await.csrf();
    let r = me
        .post_form(
            "/portal/link",
            &[
                ("csrf", &csrf),
                ("email", "siv@example.no"),
                ("next", &again),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    app.worker.drain().await.unwrap();
    let path = link(
        mail_to(&app, "siv@example.no").last().unwrap(),
        "/portal/sign-in/",
    );
    let r = me.get(&path).await;
    assert_eq!(r.location.as_deref(), Some(again.as_str()));
    let page = me.get(&again).await;
    assert!(page.text().contains("Oppdater den første søknaden"));
    assert!(
        page.text().contains("Et nytt og bedre søknadsbrev.") && page.text().contains("Ny CV.pdf"),
        "the owner sees what would replace the first"
    );
    let r = me
        .post_form(
            &format!("/jobs/{id}/apply/again"),
            &[
                ("csrf", &page.csrf()),
                ("draft", &key),
                ("choice", "update"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let reader = Reader::user(0, "test");
    let apps = app.db.store.list_applications(&reader, id).await.unwrap();
    assert_eq!(apps.len(), 1, "still one application");
    let rec = app
        .db
        .store
        .read_application(&reader, apps[0].id)
        .await
        .unwrap();
    assert_eq!(
        rec.details.unwrap().cover_letter,
        "Et nytt og bedre søknadsbrev."
    );
    assert_eq!(rec.documents[0].filename, "Ny CV.pdf");
    // A signed-in candidate is offered their details for the next application.
    let other = publish_posting(&app, &mut hr, "Ergoterapeut", app.icu.id).await;
    let t = me.get(&format!("/jobs/{other}/apply")).await.text();
    assert!(t.contains("Fyll ut med opplysningene fra forrige søknad"));
    let t = me.get(&format!("/jobs/{other}/apply?reuse=1")).await.text();
    assert!(t.contains("value=\"Bærum sykehus\"") && t.contains("value=\"1990-05-17\""));
    assert!(
        !t.contains("Et nytt og bedre søknadsbrev"),
        "the letter belongs to one posting"
    );
}
