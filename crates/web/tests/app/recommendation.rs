//! The innstilling (R12): written after the deadline and not before, each candidate assessed
//! against the ad's requirements with written reasons, only qualified candidates ranked, a
//! qualified holder of a preferential right ranked first, sent for sign-off and then locked,
//! a statement from the union representative, returned or signed by the configured authority
//! (never by the one who sent it), every step logged, every read audited, and a PDF for the
//! case file.

use crate::applicant_list::{mail_text, pdf_text};
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::org::Role;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::preference::RightKind;
use talentflyt_store::{AuditAction, NewUser, SubjectKind};
use talentflyt_web::hash_password;

/// The page's form fields for one candidate: rank, right, requirement items met, reason.
fn entry(
    fields: &mut Vec<(String, String)>,
    app: i64,
    rank: &str,
    right: &str,
    meets: &[&str],
    reason: &str,
) {
    fields.push(("candidate".into(), app.to_string()));
    fields.push((format!("rank-{app}"), rank.into()));
    fields.push((format!("right-{app}"), right.into()));
    for m in meets {
        fields.push((format!("meets-{app}"), (*m).into()));
    }
    fields.push((format!("reason-{app}"), reason.into()));
}

/// The hidden `name="seen"` value of the page's form.
fn seen_of(page: &str) -> String {
    let at = page.find("name=\"seen\" value=\"").expect("a form") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

async fn post(c: &mut Client, url: &str, fields: &[(String, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(url, &refs).await
}

#[tokio::test]
async fn the_innstilling_is_written_after_the_deadline_ranked_against_the_requirements_and_signed_by_the_authority(
) {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting_with(
        &app,
        &mut hr,
        "Intensivsykepleier",
        app.icu.id,
        &[
            ("req_nb_1", "Erfaring fra intensiv"),
            ("req_kind_1", "desired"),
            ("req_weight_1", "3"),
        ],
    )
    .await;
    let version = s.posting(id).await.unwrap().version.to_string();
    let kari = apply_to(&app, id, "Kari", "Nordmann", "kari@example.no").await;
    let ola = apply_to(&app, id, "Ola", "Berg", "ola@example.no").await;
    let per = apply_to(&app, id, "Per", "Hansen", "per@example.no").await;
    let lars = apply_to(&app, id, "Lars", "Tidlig", "lars@example.no").await;
    // Per holds a right after redundancy in the register (an employee of the same name).
    talentflyt_store::testing::add_employee(s, 7, app.icu.id)
        .await
        .unwrap();
    talentflyt_store::testing::execute_raw(
        s,
        "UPDATE employees SET given_name = 'Per', family_name = 'Hansen' WHERE id = 7",
    )
    .await
    .unwrap();
    s.add_preference_right(
        7,
        RightKind::Redundancy,
        "specialist_nurse_intensive",
        app.trust.id,
        today - chrono::Duration::days(30),
        today + chrono::Duration::days(300),
    )
    .await
    .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    for (username, name, role, unit, posting) in [
        ("tv", "Tone Tillitsvalgt", Role::UnionRep, None, Some(id)),
        (
            "utvalg",
            "Ulf Utvalg",
            Role::CommitteeMember,
            None,
            Some(id),
        ),
        (
            "radgiver",
            "Rune Rådgiver",
            Role::HrAdvisor,
            Some(app.icu.id),
            None,
        ),
    ] {
        let u = s
            .create_user(NewUser {
                username,
                email: &format!("{username}@ous.example"),
                display_name: name,
                password_hash: Some(&hash),
            })
            .await
            .unwrap();
        s.grant(u.id, role, unit, posting).await.unwrap();
    }
    let url = format!("/admin/postings/{id}/recommendation");
    let mut leder = app.signed_in("leder").await;

    // Before the deadline: the page says from when; nothing can be saved.
    let page = leder.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Innstillingen kan skrives fra"), "{text}");
    assert!(!text.contains("Send til signering"));
    let csrf = page.csrf();
    let mut early = vec![
        ("csrf".to_owned(), csrf.clone()),
        ("version".into(), version.clone()),
        ("seen".into(), "0".into()),
        ("action".into(), "save".into()),
    ];
    entry(&mut early, kari, "1", "", &["1"], "For tidlig.");
    let r = post(&mut leder, &url, &early).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Søknadsfristen har ikke gått ut"));
    assert_eq!(s.recommendation_status(id).await.unwrap(), None);

    // Three are interviewed; Lars is not.
    assert_eq!(
        move_as_hr(&app, id, &[kari, ola, per], Some(Phase::Interview)).await,
        3
    );
    clock.advance(chrono::Duration::days(15));
    let page = leder.get(&url).await;
    let text = page.text();
    for name in ["Kari Nordmann", "Ola Berg", "Per Hansen"] {
        assert!(text.contains(name), "{name} is offered");
    }
    assert!(!text.contains("Lars Tidlig"), "not interviewed");
    assert!(text.contains("Fortrinnsrett i registeret"));
    assert!(
        text.contains("Registeret har Fortrinnsrett etter oppsigelse"),
        "Per's name matches the register"
    );
    // The right is chosen for Per to begin with.
    assert!(text.contains(r#"<option value="aml_14_2" selected>"#));
    // Under blind screening, while Per is hidden, his name is matched to no one in the
    // register: the page names him "Søker 3" and holds no hint that would say who he is.
    let sql = |q: String| async move {
        talentflyt_store::testing::execute_raw(s, &q).await.unwrap();
        talentflyt_store::testing::execute_raw(
            s,
            &format!("UPDATE posting_applicants_seq SET seq = seq + 1 WHERE posting_id = {id}"),
        )
        .await
        .unwrap();
    };
    sql(format!(
        "UPDATE postings SET blind_until = 99 WHERE id = {id}"
    ))
    .await;
    let hidden = leder.get(&url).await.text();
    assert!(
        hidden.contains("Søker ") && !hidden.contains("Kari Nordmann"),
        "pseudonyms under blind screening"
    );
    assert!(
        hidden.contains("Fortrinnsrett i registeret"),
        "the register is still listed"
    );
    assert!(
        !hidden.contains("Registeret har Fortrinnsrett"),
        "no hint on a hidden applicant"
    );
    assert!(!hidden.contains(r#"<option value="aml_14_2" selected>"#));
    sql(format!(
        "UPDATE applications SET revealed_at = 1 WHERE id = {per}"
    ))
    .await;
    let revealed = leder.get(&url).await.text();
    assert!(revealed.contains("Registeret har Fortrinnsrett etter oppsigelse"));
    sql(format!(
        "UPDATE postings SET blind_until = NULL WHERE id = {id}"
    ))
    .await;
    let base = |action: &str, seen: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("version".into(), version.clone()),
            ("seen".into(), seen.to_owned()),
            ("action".into(), action.to_owned()),
        ]
    };

    // Sent with faults: every problem at its candidate, and nothing typed lost.
    let mut bad = base("submit", "0");
    entry(&mut bad, ola, "1", "", &["1", "2"], "Sterk på intensiv.");
    entry(
        &mut bad,
        kari,
        "2",
        "",
        &["2"],
        "Mangler norsk autorisasjon.",
    );
    entry(&mut bad, per, "", "aml_14_2", &["1"], "");
    let r = post(&mut leder, &url, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    for msg in [
        "Kandidaten oppfyller ikke alle kravene og kan ikke rangeres.",
        "Kandidaten har fortrinnsrett og oppfyller kravene, og skal rangeres.",
        "Skriv en begrunnelse for kandidaten.",
        "Skriv den samlede vurderingen.",
    ] {
        assert!(text.contains(msg), "{msg}");
    }
    assert!(text.contains("Mangler norsk autorisasjon."), "kept");
    assert!(text.contains("Sterk på intensiv."), "kept");
    assert_eq!(s.recommendation_status(id).await.unwrap(), None);

    // A draft may be incomplete.
    let mut draft = base("save", "0");
    entry(&mut draft, ola, "1", "", &["1", "2"], "Sterk på intensiv.");
    let r = post(&mut leder, &url, &draft).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = leder.get(&r.location.unwrap()).await;
    let text = page.text();
    assert!(text.contains("Kladden er lagret."));
    let seen = seen_of(&text);
    assert_ne!(seen, "0");
    // A second writer with the form from before the draft does not overwrite it unseen.
    let hr_csrf = hr.get(&url).await.csrf();
    let stale: Vec<(String, String)> = draft
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "csrf" {
                    hr_csrf.clone()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let r = post(&mut hr, &url, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Noen andre har lagret innstillingen"));

    // A holder placed behind one without a right.
    let mut behind = base("submit", &seen);
    entry(&mut behind, ola, "1", "", &["1", "2"], "Sterk på intensiv.");
    entry(&mut behind, per, "2", "aml_14_2", &["1"], "Kvalifisert.");
    entry(&mut behind, kari, "", "", &["2"], "Mangler autorisasjon.");
    behind.push(("summary".into(), "Tre intervjuet.".into()));
    let r = post(&mut leder, &url, &behind).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .contains("skal rangeres foran kandidater uten fortrinnsrett"));

    // Sent for sign-off: HR over the unit are told; the sender is not.
    let mut good = base("submit", &seen);
    entry(
        &mut good,
        per,
        "1",
        "aml_14_2",
        &["1"],
        "Kvalifisert, har fortrinnsrett etter oppsigelse.",
    );
    entry(&mut good, ola, "2", "", &["1", "2"], "Sterk på intensiv.");
    entry(
        &mut good,
        kari,
        "",
        "",
        &["2"],
        "Mangler norsk autorisasjon.",
    );
    good.push((
        "summary".into(),
        "Tre ble intervjuet av leder og tillitsvalgt.".into(),
    ));
    let r = post(&mut leder, &url, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        s.recommendation_status(id).await.unwrap(),
        Some(talentflyt_domain::recommendation::Status::Submitted)
    );
    app.worker.drain().await.unwrap();
    let mail = mail_text(&app, "hr@ous.example");
    assert!(
        mail.contains("Innstilling til signering: Intensivsykepleier"),
        "{mail}"
    );
    assert!(mail.contains(&url), "links to the page");
    assert!(mail_text(&app, "radgiver@ous.example").contains("Innstilling til signering"));
    assert!(!mail_text(&app, "leder@ous.example").contains("Innstilling til signering"));
    // HR's front page lists it.
    let home = hr.get("/admin").await.text();
    assert!(home.contains("Innstillinger som venter på din signatur"));
    assert!(home.contains(&url));

    // Locked once sent.
    let r = post(&mut leder, &url, &good).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("kan ikke endres"));

    // Everyone who reads the posting sees the ranking, in order; each read is audited.
    let mut utvalg = app.signed_in("utvalg").await;
    let text = utvalg.get(&url).await.text();
    let (p, o, k) = (
        text.find("Per Hansen").unwrap(),
        text.find("Ola Berg").unwrap(),
        text.find("Kari Nordmann").unwrap(),
    );
    assert!(p < o && o < k, "ranked first, then not ranked");
    assert!(text.contains("Mangler norsk autorisasjon."));
    assert!(!text.contains("Signer innstillingen"), "not the authority");
    let trail = s.audit_trail(SubjectKind::Application, kari).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.action == AuditAction::Read && e.detail == "recommendation"));
    assert!(trail
        .iter()
        .any(|e| e.action == AuditAction::Update && e.detail == "recommendation"));

    // The union representative's statement: blank refused, then kept.
    let mut tv = app.signed_in("tv").await;
    let page = tv.get(&url).await;
    let tv_csrf = page.csrf();
    let comment = format!("{url}/comment");
    let r = tv
        .post_form(&comment, &[("csrf", &tv_csrf), ("comment", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Skriv merknaden."));
    let r = tv
        .post_form(
            &comment,
            &[
                ("csrf", &tv_csrf),
                ("comment", "Vi er enige i rangeringen."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(hr
        .get(&url)
        .await
        .text()
        .contains("Vi er enige i rangeringen."));
    // Only the union representative comments, only the authority decides.
    let decision = format!("{url}/decision");
    for c in [&mut leder, &mut utvalg] {
        let csrf = c.get("/admin").await.csrf();
        let r = c
            .post_form(&decision, &[("csrf", &csrf), ("decision", "sign")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = c
            .post_form(&comment, &[("csrf", &csrf), ("comment", "Hei")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    // HR sends it back: a reason is needed, and the sender is told.
    let page = hr.get(&url).await;
    assert!(page.text().contains("Signer innstillingen"));
    let hr_csrf = page.csrf();
    let r = hr
        .post_form(
            &decision,
            &[("csrf", &hr_csrf), ("decision", "return"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .contains("Skriv hvorfor innstillingen sendes tilbake."));
    let r = hr
        .post_form(&decision, &[("csrf", &hr_csrf), ("decision", "junk")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = hr
        .post_form(
            &decision,
            &[
                ("csrf", &hr_csrf),
                ("decision", "return"),
                ("note", "Beskriv intervjuene nærmere."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    let mail = mail_text(&app, "leder@ous.example");
    assert!(mail.contains("Innstillingen er sendt tilbake"), "{mail}");
    assert!(mail.contains("Beskriv intervjuene nærmere."));
    // A draft again, with the reason on top; the statement can wait for the next round.
    let page = leder.get(&url).await;
    let text = page.text();
    assert!(text.contains("Sendt tilbake") && text.contains("Beskriv intervjuene nærmere."));
    assert!(
        text.contains("Sterk på intensiv."),
        "the draft kept what was sent"
    );
    let r = tv
        .post_form(&comment, &[("csrf", &tv_csrf), ("comment", "Ny merknad.")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // HR sends it this time, and may then not sign it: another HR advisor does.
    let seen = seen_of(&hr.get(&url).await.text());
    let again: Vec<(String, String)> = good
        .iter()
        .map(|(k, v)| match k.as_str() {
            "seen" => (k.clone(), seen.clone()),
            "summary" => (
                k.clone(),
                "Tre ble intervjuet av leder og tillitsvalgt 3. desember.".into(),
            ),
            "csrf" => (k.clone(), hr_csrf.clone()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let r = post(&mut hr, &url, &again).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = hr.get(&url).await;
    assert!(page
        .text()
        .contains("Du sendte innstillingen til signering"));
    let r = hr
        .post_form(&decision, &[("csrf", &hr_csrf), ("decision", "sign")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let mut radgiver = app.signed_in("radgiver").await;
    let rcsrf = radgiver.get(&url).await.csrf();
    let r = radgiver
        .post_form(
            &decision,
            &[
                ("csrf", &rcsrf),
                ("decision", "sign"),
                ("note", "Godkjent."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    assert!(mail_text(&app, "hr@ous.example").contains("Innstillingen er signert"));
    let text = radgiver.get(&url).await.text();
    assert!(text.contains("Signert") && text.contains("av Rune Rådgiver"));
    // Signed is final.
    let r = radgiver
        .post_form(&decision, &[("csrf", &rcsrf), ("decision", "sign")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The log has every step.
    for step in [
        "Kladd lagret",
        "Sendt til signering",
        "Merknad fra tillitsvalgt",
        "Sendt tilbake: Beskriv intervjuene nærmere.",
        "Signert: Godkjent.",
    ] {
        assert!(text.contains(step), "{step}");
    }

    // The PDF for the case file.
    let r = utvalg.get(&format!("{url}.pdf")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/pdf");
    let pdf = pdf_text(&r.body);
    for shown in [
        "Innstilling",
        "Per Hansen",
        "Ola Berg",
        "Mangler norsk autorisasjon.",
        "Signert",
        "Vi er enige i rangeringen.",
        "Side 1 av",
    ] {
        assert!(pdf.contains(shown), "{shown} in {pdf}");
    }

    // Another unit's manager: not found, page and PDF alike, and audited.
    let mut annen = app.signed_in("annen").await;
    let before = s
        .audit_trail(SubjectKind::Posting, id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::Denied)
        .count();
    assert_eq!(annen.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        annen.get(&format!("{url}.pdf")).await.status,
        StatusCode::NOT_FOUND
    );
    let after = s
        .audit_trail(SubjectKind::Posting, id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::Denied)
        .count();
    assert_eq!(after, before + 2);
    let _ = lars;
}
