//! The candidate experience survey (R14): invited a day after the final answer, once per
//! application; answered once, anonymously (the answer keeps no reference to the candidate);
//! results per unit for HR only, shown where at least five answered.

use crate::apply::{link, mail_to};
use crate::*;
use axum::http::StatusCode;

async fn run_survey_job(app: &TestApp) {
    app.db
        .store
        .enqueue_job(
            &talentflyt_store::JobKind::CandidateSurveys,
            talentflyt_store::now(),
            3,
        )
        .await
        .unwrap();
    app.worker.drain().await.unwrap();
}

fn answer<'a>(csrf: &'a str, nps: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("nps", nps),
        ("informed", "4"),
        ("respect", "5"),
        ("speed", "3"),
        ("comment", "Ryddig prosess."),
    ]
}

#[tokio::test]
async fn candidates_are_asked_once_after_the_final_answer_and_results_show_only_for_five_or_more() {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let mut apps = vec![];
    for n in 0..6 {
        apps.push(
            apply_to(
                &app,
                id,
                "Kari",
                &format!("Nordmann{n}"),
                &format!("kari{n}@example.no"),
            )
            .await,
        );
    }
    let waiting = apply_to(&app, id, "Ola", "Venter", "ola@example.no").await;
    assert_eq!(move_as_hr(&app, id, &apps, None).await, 6);

    // Not the same day: a day after the final answer, once, and not to one still waiting.
    run_survey_job(&app).await;
    assert!(mail_to(&app, "kari0@example.no")
        .iter()
        .all(|m| !crate::apply::decoded(m).contains("/survey/")));
    clock.advance(chrono::Duration::days(2));
    run_survey_job(&app).await;
    run_survey_job(&app).await;
    assert_eq!(
        talentflyt_store::testing::count_rows(s, "survey_invites")
            .await
            .unwrap(),
        6
    );
    assert!(mail_to(&app, "ola@example.no")
        .iter()
        .all(|m| !crate::apply::decoded(m).contains("/survey/")));
    let _ = waiting;
    let links: Vec<String> = (0..6)
        .map(|n| {
            let mails = mail_to(&app, &format!("kari{n}@example.no"));
            let m = mails
                .iter()
                .find(|m| crate::apply::decoded(m).contains("/survey/"))
                .expect("an invitation");
            assert!(crate::apply::decoded(m).contains("Hvordan opplevde du søknadsprosessen?"));
            link(m, "/survey/")
        })
        .collect();

    // The form, anonymous and never cached.
    let mut c = app.client();
    let page = c.get(&links[0]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.cache_control.as_deref(), Some("private, no-store"));
    let text = page.text();
    assert!(text.contains("Intensivsykepleier") && text.contains("anonym"));
    let csrf = page.csrf();
    // Junk: every score needed, what was chosen kept.
    let r = c
        .post_form(
            &links[0],
            &[("csrf", &csrf), ("nps", "11"), ("informed", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("Velg et tall."));
    assert!(text.contains(r#"id="informed-4" name="informed" value="4" checked"#));
    // Answered once.
    let r = c.post_form(&links[0], &answer(&csrf, "9")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(c.get(&links[0]).await.text().contains("Takk for svaret"));
    let r = c.post_form(&links[0], &answer(&csrf, "0")).await;
    assert_eq!(r.status, StatusCode::OK, "the thanks page, nothing kept");
    assert_eq!(
        talentflyt_store::testing::count_rows(s, "survey_responses")
            .await
            .unwrap(),
        1
    );
    // Nothing in the answer leads back to the candidate.
    assert!(talentflyt_store::testing::execute_raw(
        s,
        "SELECT application_id FROM survey_responses"
    )
    .await
    .is_err());
    assert!(
        talentflyt_store::testing::execute_raw(s, "SELECT answered_at FROM survey_invites")
            .await
            .is_err()
    );
    assert_eq!(
        c.get("/survey/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    // HR: one answer is too few to show; five are shown.
    let url = "/admin/surveys";
    let text = hr.get(url).await.text();
    assert!(text.contains("For få svar til å vises"));
    assert!(!text.contains("Ryddig prosess."));
    for (n, l) in links.iter().enumerate().skip(1).take(4) {
        let mut c = app.client();
        let csrf = c.get(l).await.csrf();
        let nps = ["10", "6", "8", "9"][n - 1];
        assert_eq!(
            c.post_form(l, &answer(&csrf, nps)).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let text = hr.get(url).await.text();
    assert!(!text.contains("For få svar til å vises"), "{text}");
    // 9, 10, 6, 8, 9: three promoters, one detractor of five.
    assert!(text.contains("+40"), "{text}");
    assert!(text.contains("Ryddig prosess."));
    // Managers do not read it.
    let mut leder = app.signed_in("leder").await;
    assert_eq!(leder.get(url).await.status, StatusCode::FORBIDDEN);

    // The last invitation runs out after thirty days.
    clock.advance(chrono::Duration::days(31));
    assert_eq!(app.client().get(&links[5]).await.status, StatusCode::GONE);
}
