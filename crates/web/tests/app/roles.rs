//! The role-by-route matrix of deciding (issue 13): every back-office route of a posting's
//! candidates, tried by every role, and the portal's routes tried by the candidate of another
//! application. Who may not see a record gets the same 404 as for one that does not exist,
//! and the attempt is in the audit trail; who sees it but may not act gets 403.

use crate::apply::sign_in_link;
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::org::Role;
use talentflyt_store::{AuditAction, NewUser, Reader, SubjectKind};
use talentflyt_web::hash_password;

/// A route, whether it is a POST, and the form it sends besides the CSRF token.
type Route<'a> = (String, bool, Vec<(&'a str, &'a str)>);

#[tokio::test]
async fn each_role_reaches_only_what_it_may_on_every_deciding_route() {
    let app = spawn_app().await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let other = publish_posting(&app, &mut hr, "Barnesykepleier", app.children.id).await;
    let kari = apply_to(&app, id, "Kari", "Nordmann", "kari@example.no").await;
    let per = apply_to(&app, id, "Per", "Pedersen", "per@example.no").await;
    app.worker.drain().await.unwrap();
    let reader = Reader::user(0, "test");
    let doc = s.read_application(&reader, kari).await.unwrap().documents[0].id;
    let per_doc = s.read_application(&reader, per).await.unwrap().documents[0].id;
    let hash = hash_password(PASSWORD).unwrap();
    for (username, role, posting) in [
        ("tv", Role::UnionRep, id),
        ("utvalg", Role::CommitteeMember, id),
        ("utvalg-annen", Role::CommitteeMember, other),
    ] {
        let u = s
            .create_user(NewUser {
                username,
                email: &format!("{username}@ous.example"),
                display_name: username,
                password_hash: Some(&hash),
            })
            .await
            .unwrap();
        s.grant(u.id, role, None, Some(posting)).await.unwrap();
    }

    // (route, method, form) in the order of the table's columns.
    let a = format!("/admin/applications/{kari}");
    let p = format!("/admin/postings/{id}");
    let kari_s = kari.to_string();
    let version = s.posting(id).await.unwrap().version.to_string();
    let routes: Vec<Route> = vec![
        (format!("{p}/applicants"), false, vec![]),
        (format!("{p}/scores"), false, vec![]),
        (format!("{p}/stages"), false, vec![]),
        (
            format!("{p}/applicants/move?ids={kari}&target=reject"),
            false,
            vec![],
        ),
        (a.clone(), false, vec![]),
        (format!("{a}/documents/{doc}"), false, vec![]),
        (format!("{a}/documents/{doc}/text"), false, vec![]),
        (format!("{a}/scorecard"), false, vec![]),
        (
            format!("{a}/scorecard"),
            true,
            vec![("score-1", "3"), ("version", &version), ("action", "save")],
        ),
        (format!("{a}/scorecard/abstain"), true, vec![]),
        (
            format!("{a}/reveal"),
            true,
            vec![("reason", "Trenger navnet")],
        ),
        (format!("{p}/blind"), true, vec![("blind_until", "")]),
        // An empty stage list: refused by the rules (422) for those who may save.
        (format!("{p}/stages"), true, vec![("answer_days", "14")]),
        (
            format!("{p}/applicants/move"),
            true,
            vec![
                ("ids", kari_s.as_str()),
                ("target", "reject"),
                ("nb_subject", "Svar"),
                ("nb_body", "Hei, {name}."),
                ("en_subject", "Answer"),
                ("en_body", "Dear {name}."),
            ],
        ),
        // Refused while Kari waits for an answer (409) for those who may finish.
        (format!("{p}/finish"), true, vec![]),
        (format!("{p}/interviews"), false, vec![]),
        // Kari stands in no interview stage: refused (409) for those who may book.
        (
            format!("{p}/interviews/book"),
            true,
            vec![("application", kari_s.as_str()), ("slot", "1")],
        ),
        (format!("{a}/references"), false, vec![]),
        // Kari has not been met yet: refused (409) for those who may ask.
        (format!("{a}/references/consent"), true, vec![]),
        (format!("{p}/applicant-list"), false, vec![]),
        // Kari asked for no exemption: refused (409) for HR, who alone decides.
        (
            format!("{a}/exemption"),
            true,
            vec![("decision", "granted"), ("rationale", "Ja.")],
        ),
        (format!("{p}/recommendation"), false, vec![]),
        // Before the deadline: refused (409) for those who write the innstilling.
        (
            format!("{p}/recommendation"),
            true,
            vec![("action", "save"), ("version", &version), ("seen", "0")],
        ),
        // Nothing waits for a signature: refused (409) for the authority (HR here).
        (
            format!("{p}/recommendation/decision"),
            true,
            vec![("decision", "sign")],
        ),
        // Nothing waits: refused (409) for the union representative, who alone comments.
        (
            format!("{p}/recommendation/comment"),
            true,
            vec![("comment", "Enig.")],
        ),
        (format!("{p}/offers"), false, vec![]),
        // No terms: refused (422) for those who propose offers.
        (
            format!("{p}/offers"),
            true,
            vec![("application", kari_s.as_str())],
        ),
    ];
    use StatusCode as S;
    const OK: S = S::OK;
    const GO: S = S::SEE_OTHER;
    const NO: S = S::FORBIDDEN;
    const BAD: S = S::UNPROCESSABLE_ENTITY;
    const LATE: S = S::CONFLICT;
    let readers_only = [
        OK, OK, OK, NO, OK, OK, OK, OK, GO, GO, NO, NO, NO, NO, NO, OK, NO, OK, NO, OK, NO,
    ];
    let row = |a: [S; 21], b: [S; 6]| -> Vec<S> { a.iter().chain(b.iter()).copied().collect() };
    let table: Vec<(&str, Vec<S>)> = vec![
        (
            "hr",
            row(
                [
                    OK, OK, OK, OK, OK, OK, OK, OK, GO, GO, GO, GO, BAD, GO, LATE, OK, LATE, OK,
                    LATE, OK, LATE,
                ],
                [OK, LATE, LATE, NO, OK, BAD],
            ),
        ),
        (
            "leder",
            row(
                [
                    OK, OK, OK, OK, OK, OK, OK, OK, GO, GO, GO, NO, NO, GO, NO, OK, LATE, OK, LATE,
                    OK, NO,
                ],
                [OK, LATE, NO, NO, OK, BAD],
            ),
        ),
        ("tv", row(readers_only, [OK, NO, NO, LATE, OK, NO])),
        ("utvalg", row(readers_only, [OK, NO, NO, NO, OK, NO])),
        ("annen", vec![S::NOT_FOUND; 27]),
        ("utvalg-annen", vec![S::NOT_FOUND; 27]),
        ("ansatt", vec![S::NOT_FOUND; 27]),
    ];
    let denied = |kind, id| async move {
        s.audit_trail(kind, id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == AuditAction::Denied)
            .count()
    };
    let (denied_app, denied_posting) = (
        denied(SubjectKind::Application, kari).await,
        denied(SubjectKind::Posting, id).await,
    );
    for (user, want) in &table {
        let mut c = app.signed_in(user).await;
        let csrf = c.get("/admin").await.csrf();
        let mut got = vec![];
        for (route, post, form) in &routes {
            let status = if *post {
                let mut fields = vec![("csrf", csrf.as_str())];
                fields.extend(form.iter().copied());
                c.post_form(route, &fields).await.status
            } else {
                c.get(route).await.status
            };
            got.push(status);
        }
        assert_eq!(got, *want, "{user}");
        // The search across applications shows only what the role may see.
        let found = c.get("/admin/search?q=kari").await.text();
        let sees = matches!(*user, "hr" | "leder" | "tv" | "utvalg");
        assert_eq!(found.contains(&a), sees, "{user} in search");
        // The move above rejected Kari for HR and the manager: a final answer, which no move
        // leaves, so she is put back for the next role to meet the same state.
        reset_phase(s, kari).await;
    }
    // Every 404 is in the audit trail as denied: three roles, on the application and the
    // posting.
    assert!(denied(SubjectKind::Application, kari).await >= denied_app + 3 * 9);
    assert!(denied(SubjectKind::Posting, id).await >= denied_posting + 3 * 10);

    // Candidates: Kari sees her own application and nothing of Per's, whatever the route.
    let mut me = app.client();
    let path = sign_in_link(&app, &mut me, "kari@example.no").await;
    assert_eq!(me.get(&path).await.status, S::SEE_OTHER);
    assert_eq!(
        me.get(&format!("/portal/applications/{kari}")).await.status,
        OK
    );
    let csrf = me.get("/portal").await.csrf();
    let per_p = format!("/portal/applications/{per}");
    for (route, post) in [
        (per_p.clone(), false),
        (format!("{per_p}/documents/{per_doc}"), false),
        (format!("{per_p}/withdraw"), true),
        (format!("{per_p}/listing"), true),
        (format!("{per_p}/documents/{per_doc}/delete"), true),
        (format!("{per_p}/interview"), true),
        (format!("{per_p}/interview.ics"), false),
        (format!("{per_p}/references"), true),
        (format!("{per_p}/extended-list"), true),
        (format!("{per_p}/extended-list"), false),
        (format!("{per_p}/offer"), true),
        (format!("{per_p}/offer.pdf"), false),
    ] {
        let r = if post {
            me.post_form(&route, &[("csrf", &csrf), ("choice", "withdraw")])
                .await
        } else {
            me.get(&route).await
        };
        assert_eq!(r.status, S::NOT_FOUND, "kari on {route}");
    }
    // Per's application is untouched.
    let rec = s.read_application(&reader, per).await.unwrap();
    assert_eq!(rec.documents.len(), 1);
    assert!(!rec.application.phase.is_final());
    // A candidate's session opens no back-office page: they are sent to the staff login.
    for route in [
        a.clone(),
        format!("{p}/applicants"),
        format!("{a}/scorecard"),
    ] {
        let r = me.get(&route).await;
        assert_eq!(r.status, S::SEE_OTHER, "{route}");
        assert!(r.location.unwrap().starts_with("/login"));
    }
    // And staff have no candidate session: the portal asks them to sign in as a candidate.
    let r = hr.get(&format!("/portal/applications/{kari}")).await;
    assert_ne!(r.status, OK);
    assert!(!r.text().contains("Kari Nordmann"));
}

/// Put the application back among those waiting for an answer.
async fn reset_phase(s: &talentflyt_store::Store, id: i64) {
    talentflyt_store::testing::execute_raw(
        s,
        &format!("UPDATE applications SET phase = 'applied', stage = NULL WHERE id = {id}"),
    )
    .await
    .unwrap();
}
