//! Scorecards (R8): each assessor scores an applicant against the ad's requirement profile,
//! keeps a draft, sends it in and only then sees the others' cards; the panel shows spread and
//! disagreement; a card sent in never changes; stepping aside opens the panel and closes the
//! card; a manager of another unit reaches none of it.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::org::Role;
use talentflyt_domain::posting::Phase;
use talentflyt_store::{AuditAction, NewUser, Reader, SubjectKind};
use talentflyt_web::hash_password;

#[tokio::test]
async fn assessors_score_against_the_profile_and_see_the_panel_only_after_sending_in() {
    let app = spawn_app().await;
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
            ("req_weight_1", "2"),
        ],
    )
    .await;
    let version = s.posting(id).await.unwrap().version.to_string();
    let kari = apply_to(&app, id, "Kari", "Nordmann", "kari@example.no").await;
    let per = apply_to(&app, id, "Per", "Pedersen", "per@example.no").await;
    let url = format!("/admin/applications/{kari}/scorecard");
    let mut leder = app.signed_in("leder").await;

    // The card is the profile: each item with its kind and weight.
    let form = leder.get(&url).await;
    assert_eq!(form.status, StatusCode::OK);
    let text = form.text();
    assert!(text.contains("Vurdering: Kari Nordmann"), "{text}");
    assert!(text.contains("Norsk autorisasjon som sykepleier"));
    assert!(text.contains("Krav, vekt 5") && text.contains("Ønskelig, vekt 2"));
    let csrf = form.csrf();

    // Sent in half done: every problem at its place, nothing typed lost.
    let r = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-2", "4"),
                ("note-2", "Tre år på intensiv"),
                ("version", &version),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("Dette er et krav og må vurderes før du sender inn."));
    assert!(text.contains("Velg en samlet anbefaling før du sender inn."));
    assert!(text.contains("Tre år på intensiv"));
    assert!(
        text.contains(r#"name="score-2" value="4" checked"#),
        "{text}"
    );
    let r = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-1", "9"),
                ("version", &version),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Velg et tall fra 1 til 5"));
    // A form made from an earlier version of the ad is refused: its items may stand elsewhere.
    let stale = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-1", "4"),
                ("version", "-1"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text().contains("Kravene i annonsen er endret"));
    let lise = s.user_by_username("leder").await.unwrap().unwrap().id;
    let me = Reader::user(lise, "test");
    assert!(s
        .scorecard_view(&me, kari, lise)
        .await
        .unwrap()
        .own
        .is_none());

    // A draft is kept and shown again.
    let r = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-1", "5"),
                ("note", "Sterk kandidat"),
                ("version", &version),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = leder.get(r.location.as_deref().unwrap()).await.text();
    assert!(text.contains("Utkastet ble lagret"));
    assert!(text.contains(r#"name="score-1" value="5" checked"#));
    assert!(text.contains("Sterk kandidat"));

    // HR sends a card in; HR then sees the panel, without the manager's draft.
    let csrf_hr = hr.get(&url).await.csrf();
    let r = hr
        .post_form(
            &url,
            &[
                ("csrf", &csrf_hr),
                ("score-1", "2"),
                ("score-2", "4"),
                ("recommendation", "no"),
                ("note", "Mangler erfaring med barn"),
                ("version", &version),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = hr.get(&url).await.text();
    assert!(text.contains("Du sendte inn vurderingen din"));
    assert!(text.contains("Hanne Haugen") && text.contains("Mangler erfaring med barn"));
    assert!(!text.contains("Lise Leder") && !text.contains("Sterk kandidat"));

    // The manager, still with a draft, sees nobody else's score anywhere.
    let text = leder.get(&url).await.text();
    assert!(!text.contains("Mangler erfaring med barn") && !text.contains("Hanne Haugen"));
    let scores = leder.get(&format!("/admin/postings/{id}/scores")).await;
    assert_eq!(scores.status, StatusCode::OK);
    let text = scores.text();
    assert!(text.contains("Kari Nordmann"));
    assert!(text.contains("Vises når du har sendt inn din vurdering"));
    assert!(!text.contains("2,6"));
    assert!(
        s.scorecard_view(&me, kari, lise)
            .await
            .unwrap()
            .panel
            .is_none(),
        "nobody's panel before their own card is done"
    );

    // The manager sends in: the panel shows both, the spread, and the disagreement.
    let r = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-1", "5"),
                ("score-2", "4"),
                ("recommendation", "strong_yes"),
                ("note", "Sterk kandidat"),
                ("version", &version),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = leder.get(&url).await.text();
    assert!(text.contains("Hanne Haugen") && text.contains("Lise Leder"));
    assert!(text.contains("Mangler erfaring med barn") && text.contains("Sterk kandidat"));
    assert!(text.contains("Uenighet") && text.contains("Delt anbefaling"));
    // Criterion 1: 2 and 5, mean 3.5; weighted 18/7 and 33/7, mean 3.6.
    assert!(text.contains("3,5") && text.contains("2,0–5,0"), "{text}");
    assert!(text.contains("2,6") && text.contains("4,7"), "{text}");

    // A card sent in never changes.
    let again = leder
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("score-1", "1"),
                ("recommendation", "strong_no"),
                ("version", &version),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("allerede sendt inn"));
    let card = s
        .scorecard_view(&me, kari, lise)
        .await
        .unwrap()
        .own
        .unwrap();
    assert_eq!(card.ratings[0].score, Some(5));

    // The posting's panel, best first, with the range and the recommendations.
    let text = hr.get(&format!("/admin/postings/{id}/scores")).await.text();
    assert!(text.contains("3,6") && text.contains("2,6–4,7"), "{text}");
    assert!(text.contains("1 ja, 1 nei") && text.contains("Uenighet"));
    assert!(!text.contains("Per Pedersen"), "nobody scored Per yet");

    // A committee member steps aside: the panel opens, and the card is closed for good.
    let hash = hash_password(PASSWORD).unwrap();
    let nemnd = s
        .create_user(NewUser {
            username: "nemnd",
            email: "nemnd@ous.example",
            display_name: "Nils Nemnd",
            password_hash: Some(&hash),
        })
        .await
        .unwrap();
    s.grant(nemnd.id, Role::CommitteeMember, None, Some(id))
        .await
        .unwrap();
    let mut committee = app.signed_in("nemnd").await;
    let page = committee.get(&url).await;
    assert!(!page.text().contains("Mangler erfaring med barn"));
    let r = committee
        .post_form(&format!("{url}/abstain"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let text = committee.get(&url).await.text();
    assert!(text.contains("Du valgte å ikke vurdere denne søkeren"));
    assert!(text.contains("Mangler erfaring med barn"));
    assert!(text.contains("Valgte å ikke vurdere: Nils Nemnd"));
    let late = committee
        .post_form(
            &url,
            &[
                ("csrf", &page.csrf()),
                ("score-1", "3"),
                ("recommendation", "yes"),
                ("version", &version),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    // Stepping aside from Per scores nothing: Per is still not on the posting's panel.
    let r = committee
        .post_form(
            &format!("/admin/applications/{per}/scorecard/abstain"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for c in [&mut hr, &mut committee] {
        let text = c.get(&format!("/admin/postings/{id}/scores")).await.text();
        assert!(!text.contains("Per Pedersen"), "{text}");
    }

    // Every change of a card and every look at the panel is audited on the application.
    let trail = s.audit_trail(SubjectKind::Application, kari).await.unwrap();
    let has = |a: AuditAction, d: &str| trail.iter().any(|e| e.action == a && e.detail == d);
    assert!(has(AuditAction::Update, "scorecard draft"));
    assert!(has(AuditAction::Submit, "scorecard sent in"));
    assert!(has(AuditAction::Update, "scorecard stepped aside"));
    assert!(has(AuditAction::Read, "scorecard panel"));
    assert!(has(AuditAction::List, "scorecard panel"));

    // A manager of another unit reaches nothing: the same 404 as a missing one, audited.
    let mut other = app.signed_in("annen").await;
    let csrf_other = other.get("/admin").await.csrf();
    for r in [
        other.get(&url).await,
        other.get(&format!("/admin/postings/{id}/scores")).await,
        other
            .post_form(
                &url,
                &[
                    ("csrf", &csrf_other),
                    ("score-1", "1"),
                    ("version", &version),
                    ("action", "save"),
                ],
            )
            .await,
        other
            .post_form(&format!("{url}/abstain"), &[("csrf", &csrf_other)])
            .await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let denied = s
        .audit_trail(SubjectKind::Application, kari)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::Denied)
        .count();
    assert!(denied >= 3, "{denied}");

    // In English, and, while blind screening hides Per, by number only.
    let stages = s.posting_stages(id).await.unwrap();
    let interview = stages
        .iter()
        .find(|x| x.phase == Phase::Interview)
        .unwrap()
        .position;
    let hanne = s.user_by_username("hr").await.unwrap().unwrap().id;
    s.set_blind(&Reader::user(hanne, "test"), hanne, id, Some(interview))
        .await
        .unwrap()
        .unwrap();
    leder.accept_language = "en";
    let text = leder
        .get(&format!("/admin/applications/{per}/scorecard"))
        .await
        .text();
    assert!(text.contains("Evaluation: Applicant 2"), "{text}");
    assert!(!text.contains("Pedersen"));
    assert!(text.contains("Required, weight 5"));
}
