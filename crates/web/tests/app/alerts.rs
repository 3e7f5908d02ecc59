//! Job alerts: sign-up with double opt-in, a matching ad e-mailed once with RFC 8058 headers,
//! one-click unsubscribe, renewal before consent runs out, deletion after, and the throttle.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::clock::Clock;
use talentflyt_domain::posting::{Engagement, PostingDraft};
use talentflyt_jobs::testing::ReceivedMail;
use talentflyt_store::{JobKind, SubjectKind};

async fn publish(app: &TestApp, clock: &Clock, title: &str, unit: i64, profession: &str) -> i64 {
    let s = &app.db.store;
    let d = PostingDraft {
        title: title.into(),
        body: "Vi søker deg.".into(),
        unit_id: unit,
        profession: profession.into(),
        engagement: Engagement::Permanent,
        extent_percent: 100,
        positions: 1,
        deadline: clock.today() + chrono::Days::new(20),
        ..PostingDraft::default()
    };
    let id = s.create_posting(&d, None).await.unwrap();
    s.publish_posting(id, clock.today()).await.unwrap();
    id
}

/// Run the alert job as a publish or the hourly tick would queue it.
async fn run_alerts(app: &TestApp) {
    app.db
        .store
        .enqueue_job(&JobKind::SendAlerts, talentflyt_store::now(), 3)
        .await
        .unwrap();
    app.worker.drain().await.unwrap();
}

/// A message's text with quoted-printable soft breaks and `=3D` undone.
fn decoded(m: &ReceivedMail) -> String {
    m.raw.replace("=\r\n", "").replace("=3D", "=")
}

/// The first `http://localhost…` link in the message that contains `part`.
fn link(m: &ReceivedMail, part: &str) -> String {
    let text = decoded(m);
    let i = text.find(part).expect("the link is in the e-mail");
    let start = text[..i].rfind("http://localhost").unwrap();
    let end = start
        + text[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .unwrap();
    text[start..end]
        .trim_start_matches("http://localhost")
        .to_owned()
}

fn mail_to(app: &TestApp, to: &str) -> Vec<ReceivedMail> {
    app.inbox
        .messages()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .collect()
}

async fn sign_up(c: &mut Client, email: &str, extra: &[(&str, &str)]) -> Page {
    let csrf = c.get("/jobs/alerts").await.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("email", email),
        ("consent", "yes"),
    ];
    fields.extend_from_slice(extra);
    c.post_form("/jobs/alerts", &fields).await
}

#[tokio::test]
async fn an_alert_is_confirmed_by_its_link_sends_each_matching_ad_once_and_ends_with_one_click() {
    let (app, clock) = app_on("2027-03-10").await;
    let before = publish(&app, &clock, "Sykepleier, dag", app.icu.id, "nurse").await;
    let mut c = app.client();

    // The form takes the search page's filters as choices.
    let form = c
        .get("/jobs/alerts?profession=nurse&clinic=AKU")
        .await
        .text();
    assert!(form.contains("value=\"nurse\" checked"));
    assert!(form.contains("value=\"AKU\" checked"));

    // Without consent nothing is stored, and what was typed comes back.
    let csrf = c.get("/jobs/alerts").await.csrf();
    let page = c
        .post_form(
            "/jobs/alerts",
            &[
                ("csrf", &csrf),
                ("email", "kari@example.no"),
                ("profession", "nurse"),
                ("frequency", "instant"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Du må samtykke"), "{html}");
    assert!(html.contains("value=\"kari@example.no\""));
    assert!(html.contains("value=\"nurse\" checked"));

    let page = sign_up(
        &mut c,
        "Kari@Example.no",
        &[
            ("profession", "nurse"),
            ("clinic", "AKU"),
            ("frequency", "instant"),
        ],
    )
    .await;
    assert_eq!(page.location.as_deref(), Some("/jobs/alerts/sent"));
    app.worker.drain().await.unwrap();
    let mails = mail_to(&app, "kari@example.no");
    assert_eq!(mails.len(), 1, "the confirmation");
    let confirm = link(&mails[0], "/jobs/alerts/confirm/");
    assert!(
        !decoded(&mails[0]).contains("List-Unsubscribe"),
        "no list yet"
    );

    // Nothing is sent before the person confirms.
    publish(&app, &clock, "Sykepleier, natt", app.icu.id, "nurse").await;
    run_alerts(&app).await;
    assert_eq!(mail_to(&app, "kari@example.no").len(), 1);

    // Opening the link confirms nothing by itself; the button does.
    let page = c.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Bekreft at kari@example.no"));
    let token = confirm
        .trim_start_matches("/jobs/alerts/confirm/")
        .to_owned();
    assert!(!app
        .db
        .store
        .alert_by_token(&token)
        .await
        .unwrap()
        .unwrap()
        .is_active());
    let csrf = page.csrf();
    let done = c.post_form(&confirm, &[("csrf", &csrf)]).await;
    let manage = done.location.unwrap();
    let html = c.get(&manage).await.text();
    assert!(html.contains("Jobbvarselet ditt er bekreftet"));
    assert!(html.contains("Aktivt til 9. mars 2028"), "{html}");

    // A matching ad goes out once, in its own e-mail with one-click unsubscribe; the others not.
    let wanted = publish(&app, &clock, "Intensivsykepleier", app.icu.id, "nurse").await;
    publish(&app, &clock, "Overlege", app.icu.id, "physician").await;
    publish(&app, &clock, "Sykepleier, barn", app.children.id, "nurse").await;
    run_alerts(&app).await;
    run_alerts(&app).await;
    let mails = mail_to(&app, "kari@example.no");
    assert_eq!(mails.len(), 2, "one alert e-mail");
    let alert = decoded(&mails[1]);
    assert!(alert.contains("Subject: Ny stilling hos"), "{alert}");
    assert!(alert.contains(&format!("/jobs/{wanted}?src=job_alert")));
    assert!(!alert.contains("Overlege") && !alert.contains("barn"));
    assert!(
        !alert.contains(&format!("/jobs/{before}?")),
        "published before confirming"
    );
    assert!(alert.contains(&format!(
        "List-Unsubscribe: <http://localhost/jobs/alerts/{token}/unsubscribe>"
    )));
    assert!(alert.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));

    // RFC 8058: the mail program posts once, without cookies or a form token.
    let mut mail_program = app.client();
    let r = mail_program
        .send_raw(
            "POST",
            &format!("/jobs/alerts/{token}/unsubscribe"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Du er meldt av"));
    assert!(app.db.store.alert_by_token(&token).await.unwrap().is_none());
    assert_eq!(
        c.get(&manage).await.status,
        StatusCode::NOT_FOUND,
        "the link is spent"
    );
    publish(&app, &clock, "Sykepleier, kveld", app.icu.id, "nurse").await;
    run_alerts(&app).await;
    assert_eq!(
        mail_to(&app, "kari@example.no").len(),
        2,
        "nothing after unsubscribing"
    );

    // The trail: signed up, confirmed, read, deleted; never the address.
    let id = app
        .db
        .store
        .audit_trail(SubjectKind::JobAlert, 1)
        .await
        .unwrap();
    let actions: Vec<String> = id.iter().map(|e| e.action.to_string()).collect();
    assert_eq!(actions, ["create", "update", "read", "delete"]);
    assert!(id.iter().all(|e| !e.detail.contains('@')));
}

#[tokio::test]
async fn consent_is_renewed_by_email_before_it_runs_out_and_deleted_after() {
    let (app, clock) = app_on("2027-03-10").await;
    let mut c = app.client();
    sign_up(&mut c, "ola@example.no", &[("frequency", "daily")]).await;
    app.worker.drain().await.unwrap();
    let confirm = link(&mail_to(&app, "ola@example.no")[0], "/jobs/alerts/confirm/");
    let csrf = c.get(&confirm).await.csrf();
    c.post_form(&confirm, &[("csrf", &csrf)]).await;
    let token = confirm
        .trim_start_matches("/jobs/alerts/confirm/")
        .to_owned();

    // Fifteen days before: nothing. Fourteen days before: one renewal e-mail.
    clock.advance(chrono::Duration::days(350));
    run_alerts(&app).await;
    assert_eq!(mail_to(&app, "ola@example.no").len(), 1);
    clock.advance(chrono::Duration::days(1));
    run_alerts(&app).await;
    run_alerts(&app).await;
    let mails = mail_to(&app, "ola@example.no");
    assert_eq!(mails.len(), 2, "one renewal e-mail");
    assert!(decoded(&mails[1]).contains("Forny jobbvarselet"));

    // Renewing from the manage page moves consent a year on.
    let manage = c.get(&format!("/jobs/alerts/{token}")).await;
    let r = c
        .post_form(
            &format!("/jobs/alerts/{token}/renew"),
            &[("csrf", &manage.csrf())],
        )
        .await;
    let html = c.get(&r.location.unwrap()).await.text();
    assert!(html.contains("Jobbvarselet ditt er fornyet"));
    assert!(html.contains("Aktivt til 23. februar 2029"), "{html}");

    // Not renewed again: deleted the day after consent ran out.
    clock.advance(chrono::Duration::days(366));
    run_alerts(&app).await;
    assert!(app.db.store.alert_by_token(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address_and_bad_choices_are_refused() {
    let (app, _clock) = app_on("2027-03-10").await;
    let mut c = app.client();
    let extra = [("frequency", "daily")];
    // Parallel sign-ups for one address: no more than three pass.
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let mut cl = app.client();
        let csrf = cl.get("/jobs/alerts").await.csrf();
        burst.spawn(async move {
            cl.post_form(
                "/jobs/alerts",
                &[
                    ("csrf", &csrf),
                    ("email", "many@example.no"),
                    ("consent", "yes"),
                    ("frequency", "daily"),
                ],
            )
            .await
        });
    }
    let pages: Vec<Page> = burst.join_all().await;
    let taken = pages.iter().filter(|p| p.location.is_some()).count();
    assert_eq!(taken, 3);
    assert!(pages
        .iter()
        .filter(|p| p.location.is_none())
        .all(|p| p.text().contains("Vi har nettopp sendt flere lenker")));
    let page = sign_up(&mut c, "x@example.no", &[("clinic", "NOPE"), extra[0]]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Ett av valgene finnes ikke lenger"));
    assert_eq!(
        c.get("/jobs/alerts/confirm/0123456789abcdef0123456789abcdef0123456789abcdef")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/jobs/alerts/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hr_sees_pool_sizes_per_area_and_never_a_small_group() {
    let (app, _clock) = app_on("2027-03-10").await;
    let s = &app.db.store;
    for (i, (profession, clinic)) in [("nurse", "AKU"); 6]
        .into_iter()
        .chain([("midwife", "BAR"); 2])
        .enumerate()
    {
        let pairs: Vec<(String, String)> = [
            ("email", format!("p{i}@example.no")),
            ("profession", profession.into()),
            ("clinic", clinic.into()),
            ("frequency", "daily".into()),
            ("consent", "yes".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let sign_up = talentflyt_domain::alert::parse_sign_up(&pairs, |_| true).unwrap();
        let site = talentflyt_web::WebConfig::for_tests().alert_site();
        let id = s
            .sign_up_alert(&sign_up, "nb", "127.0.0.1", |t| {
                talentflyt_jobs::alerts::confirmation(
                    &site,
                    &pairs[0].1,
                    t,
                    talentflyt_domain::Lang::Nb,
                )
                .map_err(|e| e.to_string())
            })
            .await
            .unwrap()
            .unwrap();
        s.confirm_alert(id, "2028-03-09", "2027-03-10", "127.0.0.1")
            .await
            .unwrap();
    }
    let mut hr = app.signed_in("hr").await;
    let html = hr.get("/admin/talent-pool").await.text();
    assert!(html.contains("Bekreftede jobbvarsler: 8"), "{html}");
    assert!(
        html.contains("<td>Sykepleier</td><td class=\"num\">6</td>"),
        "{html}"
    );
    assert!(html.contains("<td>Jordmor</td><td class=\"num\">færre enn 5</td>"));
    assert!(!html.contains("@example.no"), "no one's address");
    let mut leder = app.signed_in("leder").await;
    assert_eq!(
        leder.get("/admin/talent-pool").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_ad_in_its_internal_period_at_confirmation_is_news_when_it_opens_to_the_public() {
    let (app, clock) = app_on("2027-03-10").await;
    let s = &app.db.store;
    let id = s
        .create_posting(
            &PostingDraft {
                title: "Sykepleier, internt først".into(),
                body: "Vi søker deg.".into(),
                unit_id: app.icu.id,
                profession: "nurse".into(),
                engagement: Engagement::Permanent,
                extent_percent: 100,
                positions: 1,
                deadline: day("2027-03-30"),
                ..PostingDraft::default()
            },
            None,
        )
        .await
        .unwrap();
    s.approve_posting(
        id,
        talentflyt_domain::posting::PublishPlan {
            publish_on: day("2027-03-10"),
            internal_until: Some(day("2027-03-12")),
        },
        None,
        clock.today(),
    )
    .await
    .unwrap();
    let mut c = app.client();
    sign_up(
        &mut c,
        "nina@example.no",
        &[("profession", "nurse"), ("frequency", "instant")],
    )
    .await;
    app.worker.drain().await.unwrap();
    let confirm = link(
        &mail_to(&app, "nina@example.no")[0],
        "/jobs/alerts/confirm/",
    );
    let csrf = c.get(&confirm).await.csrf();
    c.post_form(&confirm, &[("csrf", &csrf)]).await;
    run_alerts(&app).await;
    assert_eq!(mail_to(&app, "nina@example.no").len(), 1, "not public yet");
    clock.advance(chrono::Duration::days(3));
    run_alerts(&app).await;
    let mails = mail_to(&app, "nina@example.no");
    assert_eq!(mails.len(), 2, "sent the day it opens to the public");
    assert!(decoded(&mails[1]).contains(&format!("/jobs/{id}?src=job_alert")));
}
