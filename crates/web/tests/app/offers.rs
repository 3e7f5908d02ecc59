//! The offer and the hire (R13): offers only to candidates ranked in a signed innstilling,
//! proposed by its writers and approved by HR (never by the one who proposed), sent in the
//! candidate's language with a PDF letter; the candidate accepts or declines on Min side by
//! the day to answer; acceptance makes an employee record and a hand-off to onboarding; when
//! every position is filled, everyone still waiting is given the final answer.

use crate::applicant_list::{mail_text, pdf_text};
use crate::apply::sign_in_link;
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::org::Role;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::recommendation::{check, Authority, Decision, RawEntry};
use talentflyt_store::{NewUser, Reader, SaveRecommendation};
use talentflyt_web::hash_password;

/// The offer form's fields for `app`, starting the day after tomorrow's week.
fn terms(csrf: &str, app: i64, today: chrono::NaiveDate) -> Vec<(String, String)> {
    [
        ("csrf", csrf.to_owned()),
        ("application", app.to_string()),
        ("position_nb", "Intensivsykepleier".into()),
        ("position_en", "Intensive care nurse".into()),
        ("fte_percent", "100".into()),
        ("start_date", (today + chrono::Days::new(40)).to_string()),
        ("salary", "620 000".into()),
        ("salary_note", "lønnstrinn 55".into()),
        ("engagement", "permanent".into()),
        ("answer_by", (today + chrono::Days::new(7)).to_string()),
        ("note", "Prøvetiden er seks måneder.".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn post(c: &mut Client, url: &str, fields: &[(String, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(url, &refs).await
}

/// The newest offer's id on the staff page.
fn newest_offer(page: &str) -> i64 {
    let at = page.find("/admin/offers/").expect("an offer") + 14;
    page[at..at + page[at..].find('/').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_offer_to_a_ranked_candidate_is_approved_answered_on_min_side_and_makes_the_hire() {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let per = apply_to(&app, id, "Per", "Hansen", "per@example.no").await;
    let ola = apply_to(&app, id, "Ola", "Berg", "ola@example.no").await;
    let kari = apply_to(&app, id, "Kari", "Nordmann", "kari@example.no").await;
    let lars = apply_to(&app, id, "Lars", "Venter", "lars@example.no").await;
    move_as_hr(&app, id, &[per, ola, kari], Some(Phase::Interview)).await;
    // Per has an interview booked a month ahead, still to come when he takes the job.
    let hr_user = s.user_by_username("hr").await.unwrap().unwrap().id;
    let start = (today + chrono::Days::new(30))
        .and_hms_opt(10, 0, 0)
        .unwrap();
    s.add_interview_slots(
        hr_user,
        id,
        &talentflyt_domain::interview::SlotPlan {
            starts: vec![start],
            minutes: 45,
            location: "Rom 1".into(),
        },
    )
    .await
    .unwrap()
    .unwrap();
    let slot = s.interview_schedule(id).await.unwrap().slots[0].id;
    s.book_interview(
        &Reader::user(hr_user, "test"),
        talentflyt_store::Booker::Staff(hr_user),
        id,
        per,
        slot,
        today.and_hms_opt(9, 0, 0).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    let radgiver = s
        .create_user(NewUser {
            username: "radgiver",
            email: "radgiver@ous.example",
            display_name: "Rune Rådgiver",
            password_hash: Some(&hash),
        })
        .await
        .unwrap();
    s.grant(radgiver.id, Role::HrAdvisor, Some(app.icu.id), None)
        .await
        .unwrap();
    let url = format!("/admin/postings/{id}/offers");
    let mut leder = app.signed_in("leder").await;

    // Before the innstilling is signed: no offer.
    clock.advance(chrono::Duration::days(15));
    let today = today + chrono::Days::new(15);
    let page = leder.get(&url).await;
    assert!(page
        .text()
        .contains("Tilbud kan gis når innstillingen er signert."));
    let r = post(&mut leder, &url, &terms(&page.csrf(), per, today)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Innstillingen er ikke signert."));

    // The innstilling: Per, Ola, Kari ranked 1–3, written by the manager and signed by HR.
    let leder_id = s.user_by_username("leder").await.unwrap().unwrap().id;
    let hr_id = s.user_by_username("hr").await.unwrap().unwrap().id;
    let posting = s.posting(id).await.unwrap();
    let profile = posting.content().requirements.clone();
    let raw: Vec<RawEntry> = [per, ola, kari]
        .iter()
        .enumerate()
        .map(|(i, a)| RawEntry {
            application_id: *a,
            rank: (i + 1).to_string(),
            meets: vec![1],
            reason: "Oppfyller kravene.".into(),
            ..RawEntry::default()
        })
        .collect();
    let checked = check(&profile, "Tre intervjuet.", &raw, true).unwrap();
    let quiet = |to: &talentflyt_store::StaffAddress| receipt(&to.0);
    s.save_recommendation(
        &Reader::user(leder_id, "test"),
        leder_id,
        &SaveRecommendation {
            posting_id: id,
            ad_version: posting.version,
            checked: &checked,
            submit: true,
            seen: 0,
        },
        Authority::Hr,
        &quiet,
    )
    .await
    .unwrap()
    .unwrap();
    s.decide_recommendation(hr_id, id, Decision::Sign, "", &quiet)
        .await
        .unwrap()
        .unwrap();

    // Junk terms: every problem at its field, nothing typed lost.
    let page = leder.get(&url).await;
    let csrf = page.csrf();
    assert!(page.text().contains("0 av 2 stillinger er besatt."));
    let mut junk = terms(&csrf, per, today);
    for (k, v) in junk.iter_mut() {
        match k.as_str() {
            "salary" => *v = "mye".into(),
            "engagement" => *v = "temporary".into(),
            "answer_by" => *v = (today + chrono::Days::new(90)).to_string(),
            _ => {}
        }
    }
    let r = post(&mut leder, &url, &junk).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    for msg in [
        "Skriv årslønnen i hele kroner",
        "Velg grunnlaget for den midlertidige ansettelsen.",
        "Svarfristen må være før tiltredelsen.",
    ] {
        assert!(text.contains(msg), "{msg}");
    }
    assert!(text.contains("Prøvetiden er seks måneder."), "kept");
    assert!(
        text.contains("Årslønn i kroner: Skriv årslønnen"),
        "the summary names the field"
    );

    // Proposed by the manager; a second to the same candidate is refused.
    let r = post(&mut leder, &url, &terms(&csrf, per, today)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = post(&mut leder, &url, &terms(&csrf, per, today)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("har allerede et tilbud"));
    // Not ranked: Lars.
    let r = post(&mut leder, &url, &terms(&csrf, lars, today)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("ikke rangert"));

    // HR is asked to approve it, by e-mail and on the front page.
    app.worker.drain().await.unwrap();
    assert!(
        mail_text(&app, "hr@ous.example").contains("Tilbud til godkjenning: Intensivsykepleier")
    );
    let home = hr.get("/admin").await.text();
    assert!(home.contains("Tilbud som venter på din godkjenning") && home.contains(&url));
    // The manager may not approve; HR does, and Per is told in his language.
    let page = leder.get(&url).await.text();
    let per_offer = newest_offer(&page);
    let approve = format!("/admin/offers/{per_offer}/approve");
    let r = leder.post_form(&approve, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let hr_csrf = hr.get(&url).await.csrf();
    let r = hr.post_form(&approve, &[("csrf", &hr_csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = hr.post_form(&approve, &[("csrf", &hr_csrf)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "once");
    app.worker.drain().await.unwrap();
    let mail = mail_text(&app, "per@example.no");
    assert!(
        mail.contains("Tilbud om stilling: Intensivsykepleier"),
        "{mail}"
    );
    assert_eq!(
        s.applicant_view(id)
            .await
            .unwrap()
            .applicant(per)
            .unwrap()
            .phase,
        Phase::Offer
    );

    // Per reads the offer on Min side, and its letter.
    let mut per_c = app.client();
    let path = sign_in_link(&app, &mut per_c, "per@example.no").await;
    assert_eq!(per_c.get(&path).await.status, StatusCode::SEE_OTHER);
    let page = per_c.get(&format!("/portal/applications/{per}")).await;
    let text = page.text();
    assert!(text.contains("Tilbud om stilling"));
    assert!(text.contains("Fast ansettelse") && text.contains("100 %"));
    let letter = per_c
        .get(&format!("/portal/applications/{per}/offer.pdf"))
        .await;
    assert_eq!(letter.content_type, "application/pdf");
    let pdf = pdf_text(&letter.body);
    for shown in [
        "Tilbud om ansettelse",
        "Per Hansen",
        "Intensivsykepleier",
        "Intensivavdelingen",
        "lønnstrinn 55",
        "Prøvetiden er seks måneder.",
    ] {
        assert!(pdf.contains(shown), "{shown} in {pdf}");
    }
    // Another candidate's offer answers as missing.
    let mut ola_c = app.client();
    let path = sign_in_link(&app, &mut ola_c, "ola@example.no").await;
    assert_eq!(ola_c.get(&path).await.status, StatusCode::SEE_OTHER);
    let ola_csrf = ola_c.get("/portal").await.csrf();
    let r = ola_c
        .post_form(
            &format!("/portal/applications/{per}/offer"),
            &[("csrf", &ola_csrf), ("choice", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ola_c
            .get(&format!("/portal/applications/{per}/offer.pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Per accepts: hired, an employee, handed to onboarding; the manager is told.
    let employees = talentflyt_store::testing::count_rows(s, "employees")
        .await
        .unwrap();
    let per_csrf = page.csrf();
    let r = per_c
        .post_form(
            &format!("/portal/applications/{per}/offer"),
            &[("csrf", &per_csrf), ("choice", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(per_c
        .get(&r.location.unwrap())
        .await
        .text()
        .contains("Du har takket ja til tilbudet"));
    assert_eq!(
        talentflyt_store::testing::count_rows(s, "employees")
            .await
            .unwrap(),
        employees + 1
    );
    assert_eq!(s.hires_of(id).await.unwrap(), 1);
    assert_eq!(
        talentflyt_store::testing::count_rows(s, "hires WHERE onboarding_started_at IS NULL")
            .await
            .unwrap(),
        1,
        "handed to onboarding"
    );
    app.worker.drain().await.unwrap();
    assert!(mail_text(&app, "leder@ous.example").contains("Tilbudet er akseptert"));
    // The interview still ahead is taken out of his calendar, saying why: not "cancelled".
    let per_mail = mail_text(&app, "per@example.no");
    assert!(
        per_mail.contains("Intervjuet utgår: Intensivsykepleier"),
        "{per_mail}"
    );
    assert!(per_mail.contains("Du har takket ja til stillingen Intensivsykepleier"));
    assert!(!per_mail.contains("er avlyst"));
    assert!(s.interview_schedule(id).await.unwrap().slots[0]
        .application_id
        .is_none());
    // Answered once.
    let r = per_c
        .post_form(
            &format!("/portal/applications/{per}/offer"),
            &[("csrf", &per_csrf), ("choice", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The offer and its terms are in Per's own data export.
    let (_, data) = export_json(&mut per_c).await;
    let offers = &data["applications"][0]["offers"];
    assert_eq!(offers.as_array().map(Vec::len), Some(1), "{offers}");
    assert_eq!(offers[0]["status"], "accepted");
    assert!(offers[0]["terms"]["salary"].as_i64().is_some_and(|s| s > 0));
    assert!(offers[0]["answered_at"].as_i64().is_some());

    // Ola: proposed by HR, who may then not approve it; another HR advisor does. Ola lets
    // the day pass.
    let r = post(&mut hr, &url, &terms(&hr_csrf, ola, today)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let ola_offer = newest_offer(&hr.get(&url).await.text());
    let approve = format!("/admin/offers/{ola_offer}/approve");
    let r = hr.post_form(&approve, &[("csrf", &hr_csrf)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("kan derfor ikke godkjenne det selv"));
    let mut rune = app.signed_in("radgiver").await;
    let rcsrf = rune.get(&url).await.csrf();
    let r = rune.post_form(&approve, &[("csrf", &rcsrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    clock.advance(chrono::Duration::days(8));
    let today = today + chrono::Days::new(8);
    let r = ola_c
        .post_form(
            &format!("/portal/applications/{ola}/offer"),
            &[("csrf", &ola_csrf), ("choice", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r
        .text()
        .contains("Fristen for å svare på tilbudet har gått ut"));
    // The staff see it lapsed and take it back; Kari is offered it and accepts.
    assert!(hr
        .get(&url)
        .await
        .text()
        .contains("Fristen for å svare har gått ut"));
    let r = hr
        .post_form(
            &format!("/admin/offers/{ola_offer}/withdraw"),
            &[("csrf", &hr_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Offered again, Ola withdraws the application instead: the offer goes with it, and can no
    // longer be approved.
    let r = post(&mut hr, &url, &terms(&hr_csrf, ola, today)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let again = newest_offer(&hr.get(&url).await.text());
    let ola_csrf = ola_c.get("/portal").await.csrf();
    let r = ola_c
        .post_form(
            &format!("/portal/applications/{ola}/withdraw"),
            &[("csrf", &ola_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = rune
        .post_form(
            &format!("/admin/offers/{again}/approve"),
            &[("csrf", &rcsrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(s.offer(again).await.unwrap().status.as_str(), "withdrawn");
    let r = post(&mut leder, &url, &terms(&csrf, kari, today)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let kari_offer = newest_offer(&leder.get(&url).await.text());
    let r = hr
        .post_form(
            &format!("/admin/offers/{kari_offer}/approve"),
            &[("csrf", &hr_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut kari_c = app.client();
    let path = sign_in_link(&app, &mut kari_c, "kari@example.no").await;
    assert_eq!(kari_c.get(&path).await.status, StatusCode::SEE_OTHER);
    let kcsrf = kari_c.get("/portal").await.csrf();
    let r = kari_c
        .post_form(
            &format!("/portal/applications/{kari}/offer"),
            &[("csrf", &kcsrf), ("choice", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Both positions filled: Lars, still waiting, is given the final answer.
    assert_eq!(s.hires_of(id).await.unwrap(), 2);
    let view = s.applicant_view(id).await.unwrap();
    for (a, phase) in [
        (per, Phase::Hired),
        (kari, Phase::Hired),
        (ola, Phase::Withdrawn),
        (lars, Phase::Rejected),
    ] {
        assert_eq!(view.applicant(a).unwrap().phase, phase, "{a}");
    }
    app.worker.drain().await.unwrap();
    assert!(!mail_text(&app, "ola@example.no").contains("Stillingen er nå besatt"));
    assert!(mail_text(&app, "lars@example.no").contains("Stillingen er nå besatt"));
    assert!(hr
        .get(&url)
        .await
        .text()
        .contains("2 av 2 stillinger er besatt."));
    // Another unit's manager: the offers, their letters and their approval are not found.
    let mut annen = app.signed_in("annen").await;
    let acsrf = annen.get("/admin").await.csrf();
    assert_eq!(annen.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        annen
            .get(&format!("/admin/offers/{kari_offer}/letter.pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = annen
        .post_form(
            &format!("/admin/offers/{kari_offer}/withdraw"),
            &[("csrf", &acsrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The staff letter is the candidate's, in their language.
    let r = hr
        .get(&format!("/admin/offers/{kari_offer}/letter.pdf"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(pdf_text(&r.body).contains("Kari Nordmann"));
    // The posting's case can now be finished: nobody lacks a final answer.
    let r = hr
        .post_form(
            &format!("/admin/postings/{id}/finish"),
            &[("csrf", &hr_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}
