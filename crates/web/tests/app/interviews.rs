//! Interviews (R9): staff plan times, book, move and cancel; candidates asked to choose pick a
//! time in the portal; every change reaches the candidate's calendar as an iCalendar object over
//! real SMTP (same UID, higher SEQUENCE; CANCEL to call it off); rejection frees a time ahead;
//! a reminder goes a day before; two clicks on one time give one booking.

use crate::apply::{decoded, sign_in_link};
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::interview::parse_stored;
use talentflyt_domain::posting::Phase;
use talentflyt_store::{Actor, AuditAction, BookRefused, Booked, Booker, Reader, SubjectKind};

/// The e-mails to `to`, decoded, oldest first.
fn mails(app: &TestApp, to: &str) -> Vec<String> {
    app.inbox
        .messages()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .map(decoded)
        .collect()
}

fn last_mail(app: &TestApp, to: &str) -> String {
    mails(app, to).pop().unwrap_or_default()
}

/// A posting with applicants moved to its interview stage; returns (posting, applicants, HR's id).
async fn posting_in_interview(
    app: &TestApp,
    hr: &mut Client,
    names: &[(&str, &str, &str)],
) -> (i64, Vec<i64>, i64) {
    let s = &app.db.store;
    let id = publish_posting(app, hr, "Intensivsykepleier", app.icu.id).await;
    let mut apps = vec![];
    for (given, family, email) in names {
        apps.push(apply_to(app, id, given, family, email).await);
    }
    app.worker.drain().await.unwrap();
    assert_eq!(
        move_as_hr(app, id, &apps, Some(Phase::Interview)).await,
        apps.len()
    );
    let hanne = s.user_by_username("hr").await.unwrap().unwrap().id;
    (id, apps, hanne)
}

/// `YYYYMMDD` of a `YYYY-MM-DD` day, as DTSTART writes it.
fn compact(day: &str) -> String {
    day.replace('-', "")
}

#[tokio::test]
async fn staff_plan_book_move_and_cancel_and_candidates_choose_their_own_time() {
    let app = spawn_app().await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let (id, apps, _) = posting_in_interview(
        &app,
        &mut hr,
        &[
            ("Kari", "Nordmann", "kari@example.no"),
            ("Per", "Pedersen", "per@example.no"),
            ("Emma", "Berg", "emma@example.no"),
        ],
    )
    .await;
    let (kari, per, emma) = (apps[0], apps[1], apps[2]);
    let url = format!("/admin/postings/{id}/interviews");
    let page = hr.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Kari Nordmann") && text.contains("Emma Berg"));
    assert!(text.contains("Ingen tid ennå"));
    assert!(text.contains("Det er ikke lagt inn noen intervjutider ennå."));
    let csrf = page.csrf();

    // Junk: every problem named at its field, what was typed kept, nothing added.
    let r = hr
        .post_form(
            &format!("{url}/slots"),
            &[
                ("csrf", &csrf),
                ("date", "32.13.2026"),
                ("start", "25:61"),
                ("minutes", "5"),
                ("count", "0"),
                ("gap", "500"),
                ("location", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    for msg in [
        "Skriv datoen som dd.mm.åååå.",
        "Skriv klokkeslettet som tt.mm",
        "Lengden må være mellom 15 og 240 minutter.",
        "Antall må være mellom 1 og 24.",
        "Pausen må være mellom 0 og 120 minutter.",
        "Sted: ",
    ] {
        assert!(text.contains(msg), "{msg}: {text}");
    }
    assert!(text.contains("value=\"25:61\""));
    assert!(s.interview_schedule(id).await.unwrap().slots.is_empty());

    // A row of four times, 45 minutes with 15 between.
    let date = in_days(10);
    let r = hr
        .post_form(
            &format!("{url}/slots"),
            &[
                ("csrf", &csrf),
                ("date", &date),
                ("start", "09:00"),
                ("minutes", "45"),
                ("count", "4"),
                ("gap", "15"),
                ("location", "Ullevål, bygg 31, møterom 2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = hr.get(&r.location.unwrap()).await.text();
    assert!(text.contains("4 intervjutider er lagt til."), "{text}");
    assert!(text.contains("Ledige tider fram i tid: 4"));
    // The same row again (a second click): nothing is added twice.
    let r = hr
        .post_form(
            &format!("{url}/slots"),
            &[
                ("csrf", &csrf),
                ("date", &date),
                ("start", "09:00"),
                ("minutes", "45"),
                ("count", "4"),
                ("gap", "15"),
                ("location", "Ullevål, bygg 31, møterom 2"),
            ],
        )
        .await;
    let text = hr.get(&r.location.unwrap()).await.text();
    assert!(
        text.contains("4 tider fantes fra før på samme sted"),
        "{text}"
    );
    let slots = s.interview_schedule(id).await.unwrap().slots;
    let starts: Vec<&str> = slots.iter().map(|x| &x.starts_at[11..]).collect();
    assert_eq!(starts, ["09:00", "10:00", "11:00", "12:00"]);
    let slot = |i: usize| slots[i].id.to_string();
    let (kari_s, per_s, emma_s) = (kari.to_string(), per.to_string(), emma.to_string());

    // HR gives Kari 09:00: the invitation with its calendar object.
    let r = hr
        .post_form(
            &format!("{url}/book"),
            &[
                ("csrf", &csrf),
                ("application", &kari_s),
                ("slot", &slot(0)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location.unwrap().ends_with("done=booked"));
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    let uid = format!("UID:interview-{kari}-0@localhost");
    for want in [
        "Invitasjon til intervju: Intensivsykepleier",
        "METHOD:REQUEST",
        "SEQUENCE:0",
        uid.as_str(),
        &format!("DTSTART;TZID=Europe/Oslo:{}T090000", compact(&date)),
        "kl. 09.00–09.45",
        "Ullevål\\, bygg 31\\, møterom 2",
        "filename=\"invitasjon.ics\"",
    ] {
        assert!(m.contains(want), "{want}: {m}");
    }

    // Moved to 10:00: the same event, one sequence higher.
    let r = hr
        .post_form(
            &format!("{url}/book"),
            &[
                ("csrf", &csrf),
                ("application", &kari_s),
                ("slot", &slot(1)),
            ],
        )
        .await;
    assert!(r.location.unwrap().ends_with("done=moved"));
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    assert!(m.contains("Ny tid for intervju") && m.contains("SEQUENCE:1") && m.contains(&uid));
    assert!(m.contains(&format!("{}T100000", compact(&date))));
    let calendars = |to: &str| {
        mails(&app, to)
            .iter()
            .filter(|m| m.contains("BEGIN:VCALENDAR"))
            .count()
    };
    assert_eq!(calendars("kari@example.no"), 2);

    // Kari's time is not Per's to have, and a booked time is not deleted; a free one is.
    let r = hr
        .post_form(
            &format!("{url}/book"),
            &[("csrf", &csrf), ("application", &per_s), ("slot", &slot(1))],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Tiden er ikke ledig lenger"));
    let r = hr
        .post_form(
            &format!("{url}/slots/{}/delete", slot(1)),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r
        .text()
        .contains("En søker har fått denne tiden, så den kan ikke slettes"));
    let r = hr
        .post_form(
            &format!("{url}/slots/{}/delete", slot(3)),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(s.interview_schedule(id).await.unwrap().slots.len(), 3);

    // Per and Emma are asked to choose their own time.
    let r = hr
        .post_form(
            &format!("{url}/invite"),
            &[("csrf", &csrf), ("ids", &per_s), ("ids", &emma_s)],
        )
        .await;
    assert!(r.location.unwrap().ends_with("done=invited&n=2"));
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "per@example.no");
    assert!(
        m.contains("Velg tid for intervju: Intensivsykepleier"),
        "{m}"
    );
    assert!(m.contains(&format!("/portal/applications/{per}")));

    // In the portal, Per sees the free times (not Kari's) and must pick one.
    let mut pc = app.client();
    let path = sign_in_link(&app, &mut pc, "per@example.no").await;
    assert_eq!(pc.get(&path).await.status, StatusCode::SEE_OTHER);
    let portal = format!("/portal/applications/{per}");
    let page = pc.get(&portal).await;
    let text = page.text();
    assert!(text.contains("Velg tid for intervjuet"), "{text}");
    assert!(text.contains("kl. 09.00–09.45") && text.contains("kl. 11.00–11.45"));
    assert!(!text.contains("kl. 10.00–10.45"));
    let pcsrf = page.csrf();
    let r = pc
        .post_form(&format!("{portal}/interview"), &[("csrf", &pcsrf)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Velg en tid."));
    let r = pc
        .post_form(
            &format!("{portal}/interview"),
            &[("csrf", &pcsrf), ("slot", &slot(2))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = pc.get(&r.location.unwrap()).await.text();
    assert!(text.contains("Intervjutiden er lagret"));
    assert!(text.contains("kl. 11.00–11.45") && text.contains("Bytt til en annen tid"));
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "per@example.no");
    assert!(m.contains("METHOD:REQUEST") && m.contains(&format!("{}T110000", compact(&date))));
    // The calendar file on Min side is the same event.
    // Per's own data export holds his interview.
    let (_, v) = export_json(&mut pc).await;
    assert_eq!(
        v["applications"][0]["interview"]["starts_at_oslo_time"],
        format!("{date} 11:00")
    );
    assert_eq!(v["applications"][0]["interview"]["booked_by"], "candidate");
    let ics = pc.get(&format!("{portal}/interview.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.content_type.starts_with("text/calendar"));
    let body = ics.text();
    assert!(
        body.contains("BEGIN:VEVENT") && body.contains(&format!("UID:interview-{per}-0@localhost"))
    );
    // Kari's time is taken; Kari's application is not Per's to touch.
    let r = pc
        .post_form(
            &format!("{portal}/interview"),
            &[("csrf", &pcsrf), ("slot", &slot(1))],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Tiden er ikke ledig lenger"));
    let kari_portal = format!("/portal/applications/{kari}");
    let r = pc
        .post_form(
            &format!("{kari_portal}/interview"),
            &[("csrf", &pcsrf), ("slot", &slot(0))],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        pc.get(&format!("{kari_portal}/interview.ics")).await.status,
        StatusCode::NOT_FOUND
    );
    // Kari was booked by the staff, not asked to choose: she sees her time, not a choice.
    let mut kc = app.client();
    let path = sign_in_link(&app, &mut kc, "kari@example.no").await;
    kc.get(&path).await;
    let page = kc.get(&kari_portal).await;
    let text = page.text();
    assert!(text.contains("kl. 10.00–10.45") && !text.contains("Bytt til en annen tid"));
    let r = kc
        .post_form(
            &format!("{kari_portal}/interview"),
            &[("csrf", &page.csrf()), ("slot", &slot(0))],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Du kan ikke velge tid selv"));

    // HR cancels Kari's interview: asked first, then the cancellation of the same event.
    let r = hr
        .post_form(
            &format!("{url}/cancel"),
            &[("csrf", &csrf), ("application", &kari_s)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert!(
        text.contains("Avlyse intervjuet med Kari Nordmann?"),
        "{text}"
    );
    assert!(text.contains("kl. 10.00–10.45 – Ullevål, bygg 31, møterom 2"));
    assert!(s
        .interview_schedule(id)
        .await
        .unwrap()
        .booked(kari)
        .is_some());
    let r = hr
        .post_form(
            &format!("{url}/cancel"),
            &[
                ("csrf", &csrf),
                ("application", &kari_s),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(r.location.unwrap().ends_with("done=cancelled"));
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    for want in [
        "Intervjuet er avlyst",
        "METHOD:CANCEL",
        "STATUS:CANCELLED",
        "SEQUENCE:2",
        uid.as_str(),
    ] {
        assert!(m.contains(want), "{want}: {m}");
    }
    assert!(m.contains(&format!("{}T100000", compact(&date))));
    let r = hr
        .post_form(
            &format!("{url}/cancel"),
            &[
                ("csrf", &csrf),
                ("application", &kari_s),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Rejecting Per frees his time ahead, and his calendar is told.
    move_as_hr(&app, id, &[per], None).await;
    app.worker.drain().await.unwrap();
    assert!(last_mail(&app, "per@example.no").contains("METHOD:CANCEL"));
    let sch = s.interview_schedule(id).await.unwrap();
    assert!(sch.booked(per).is_none());
    assert!(sch.slots.iter().all(|x| x.application_id.is_none()));

    // Kari booked again after the cancellation: a new event.
    let r = hr
        .post_form(
            &format!("{url}/book"),
            &[
                ("csrf", &csrf),
                ("application", &kari_s),
                ("slot", &slot(0)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    assert!(m.contains("Invitasjon til intervju") && m.contains("SEQUENCE:0"));
    assert!(m.contains(&format!("UID:interview-{kari}-1@localhost")));

    // The page shows the plan with who has which time.
    let text = hr.get(&url).await.text();
    assert!(text.contains("kl. 09.00–09.45, Ullevål, bygg 31, møterom 2:"));
    assert!(text.contains(">Kari Nordmann</a>"));

    // Every change is on the application's audit trail, with who made it.
    let trail = s.audit_trail(SubjectKind::Application, kari).await.unwrap();
    for d in ["interview booked", "interview moved", "interview cancelled"] {
        assert!(trail.iter().any(|e| e.detail == d), "{d}");
    }
    let trail = s.audit_trail(SubjectKind::Application, per).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.detail == "asked to choose an interview time"));
    assert!(trail.iter().any(
        |e| e.detail == "interview time chosen by the candidate" && e.actor_kind == "candidate"
    ));
    assert!(trail
        .iter()
        .any(|e| e.detail == "interview schedule" && e.action == AuditAction::List));

    // A day before, Kari is reminded once.
    let start = parse_stored(&slots[0].starts_at).unwrap();
    let site = talentflyt_web::WebConfig::for_tests().alert_site();
    let n = talentflyt_jobs::interviews::remind(s, &site, start - chrono::Duration::hours(30))
        .await
        .unwrap();
    assert_eq!(n, 0, "not yet");
    let n = talentflyt_jobs::interviews::remind(s, &site, start - chrono::Duration::hours(23))
        .await
        .unwrap();
    assert_eq!(n, 1);
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    assert!(
        m.contains("Påminnelse om intervju: Intensivsykepleier") && m.contains("kl. 09.00–09.45")
    );
    let n = talentflyt_jobs::interviews::remind(s, &site, start - chrono::Duration::hours(22))
        .await
        .unwrap();
    assert_eq!(n, 0, "once");
}

#[tokio::test]
async fn two_clicks_on_one_time_give_one_booking() {
    let app = spawn_app().await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let people: Vec<(String, String, String)> = (0..8)
        .map(|i| {
            (
                format!("Søker{i}"),
                "Test".to_owned(),
                format!("s{i}@example.no"),
            )
        })
        .collect();
    let names: Vec<(&str, &str, &str)> = people
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let (id, apps, hanne) = posting_in_interview(&app, &mut hr, &names).await;
    let plan = talentflyt_domain::interview::plan(
        &talentflyt_domain::interview::RawSlots {
            date: in_days(5),
            start: "13:00".into(),
            minutes: "30".into(),
            count: "1".into(),
            gap: String::new(),
            location: "Rom 1".into(),
        },
        talentflyt_domain::clock::oslo_local(chrono::Utc::now()),
    )
    .unwrap();
    s.add_interview_slots(hanne, id, &plan)
        .await
        .unwrap()
        .unwrap();
    let slot = s.interview_schedule(id).await.unwrap().slots[0].id;
    let now = talentflyt_domain::clock::oslo_local(chrono::Utc::now());
    // All at once, each on its own task (and connection).
    let mut burst = tokio::task::JoinSet::new();
    for &a in &apps {
        let s = s.clone();
        burst.spawn(async move {
            let reader = Reader {
                actor: Actor::User(hanne),
                ip: "test",
            };
            s.book_interview(&reader, Booker::Staff(hanne), id, a, slot, now)
                .await
                .unwrap()
        });
    }
    let results = burst.join_all().await;
    assert_eq!(results.iter().filter(|r| **r == Ok(Booked::New)).count(), 1);
    assert_eq!(
        results
            .iter()
            .filter(|r| **r == Err(BookRefused::Taken))
            .count(),
        7
    );
    let sch = s.interview_schedule(id).await.unwrap();
    let holder = sch.slots[0].application_id.unwrap();
    assert!(apps.contains(&holder));
    // One calendar job each booking made: one invitation.
    app.worker.drain().await.unwrap();
    let invitations = app
        .inbox
        .messages()
        .iter()
        .filter(|m| decoded(m).contains("METHOD:REQUEST"))
        .count();
    assert_eq!(invitations, 1);
}
