//! A manager's staffing need on its way to an ad: the law's rules on the form, the approval
//! chain, the requester told by e-mail, and other managers kept out.

use crate::helpers::*;
use axum::http::StatusCode;

fn need<'a>(csrf: &'a str, unit: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("csrf", csrf),
        ("unit_id", unit),
        ("profession", "nurse"),
        ("positions", "1"),
        ("extent_percent", "60"),
        ("engagement", "temporary"),
        ("ground", "a"),
        ("start_date", "2099-03-01"),
        ("cost_centre", "AKU-4410"),
    ];
    v.extend_from_slice(extra);
    v
}

#[tokio::test]
async fn a_part_time_temporary_need_is_justified_approved_and_the_manager_is_told() {
    let app = spawn_app().await;
    let unit = app.icu.id.to_string();
    let mut leder = app.signed_in("leder").await;
    let form = leder.get("/admin/requisitions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    // Part time without the written justification aml §14-1 b asks for: refused, clearly.
    let r = leder
        .post_form("/admin/requisitions", &need(&csrf, &unit, &[]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(
        text.contains("En deltidsstilling må begrunnes skriftlig"),
        "{text}"
    );
    assert!(
        text.contains("value=\"AKU-4410\""),
        "what was typed is kept"
    );
    // With it: accepted, waiting for HR.
    let r = leder
        .post_form(
            "/admin/requisitions",
            &need(
                &csrf,
                &unit,
                &[
                    (
                        "part_time_justification",
                        "Helgestillinger: behovet er annenhver helg i turnusen.",
                    ),
                    ("union_discussed_on", "2026-01-20"),
                ],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let href = r.location.unwrap();
    let page = leder.get(&href).await.text();
    assert!(page.contains("Til godkjenning") && page.contains("venter på HR"));
    assert!(
        !page.contains("name=\"decision\""),
        "the manager does not approve it"
    );
    // Another manager cannot see it: the same answer as for nothing there.
    let mut annen = app.signed_in("annen").await;
    assert_eq!(annen.get(&href).await.status, StatusCode::NOT_FOUND);
    // HR: returning needs a reason; approving ends the chain for one position.
    let mut hr = app.signed_in("hr").await;
    let page = hr.get(&href).await;
    assert!(page.text().contains("name=\"decision\""));
    let csrf = page.csrf();
    let r = hr
        .post_form(
            &format!("{href}/decision"),
            &[("csrf", &csrf), ("decision", "return"), ("comment", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Skriv en kort begrunnelse"));
    let r = hr
        .post_form(
            &format!("{href}/decision"),
            &[("csrf", &csrf), ("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = hr.get(&href).await.text();
    assert!(page.contains("Godkjent") && page.contains("Hanne Haugen"));
    assert!(
        page.contains("Stillingen kan lyses ut eksternt"),
        "no holders in the register"
    );
    // A second decision is refused with the rule's words.
    let r = hr
        .post_form(
            &format!("{href}/decision"),
            &[("csrf", &csrf), ("decision", "reject"), ("comment", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The manager is told by e-mail.
    assert_eq!(app.worker.drain().await.unwrap(), 1);
    let mail = app.inbox.messages();
    let last = mail.last().expect("a message");
    assert_eq!(last.to, vec!["leder@ous.example".to_string()]);
    assert!(
        last.raw.contains("Bemanningsbehovet ditt er godkjent"),
        "{}",
        last.raw
    );
    // The list shows it.
    assert!(leder
        .get("/admin/requisitions")
        .await
        .text()
        .contains("Godkjent"));
}

#[tokio::test]
async fn the_language_check_gives_advice_beside_the_text_and_saves_nothing() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let csrf = hr.get("/admin/postings/new").await.csrf();
    let unit = app.icu.id.to_string();
    let deadline = in_days(14);
    let r = hr
        .post_form(
            "/admin/postings",
            &[
                ("csrf", &csrf),
                ("title", "Sykepleier til intensiv"),
                (
                    "intro_nb",
                    "Vi søker en ung og dynamisk sykepleier som er konkurranseorientert. Du må ha erfaring med ECMO.",
                ),
                ("unit_id", &unit),
                ("profession", "nurse"),
                ("engagement", "permanent"),
                ("extent_percent", "100"),
                ("positions", "1"),
                ("deadline", &deadline),
                ("action", "check"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert!(text.contains("Språk og lesbarhet"), "{text}");
    assert!(
        text.contains("ung og dynamisk"),
        "exclusionary phrasing is pointed out"
    );
    assert!(
        text.contains("konkurranseorientert"),
        "a masculine-coded word is pointed out"
    );
    assert!(
        text.contains("ECMO"),
        "an unexplained abbreviation is pointed out"
    );
    assert!(text.contains("Lesbarhetsindeks (LIX)"));
    assert!(
        text.contains("Sykepleier til intensiv"),
        "the form keeps what was typed"
    );
    let listed = hr.get("/admin").await.text();
    assert!(
        !listed.contains("Sykepleier til intensiv"),
        "nothing was saved"
    );
}

#[tokio::test]
async fn hr_keeps_the_register_by_hand_and_by_file_and_a_bad_file_changes_nothing() {
    let app = spawn_app().await;
    for id in [1, 2] {
        talentflyt_store::testing::add_employee(&app.db.store, id, app.icu.id)
            .await
            .unwrap();
    }
    let mut leder = app.signed_in("leder").await;
    assert_eq!(
        leder.get("/admin/preferences").await.status,
        StatusCode::FORBIDDEN,
        "the register is HR's"
    );
    let mut hr = app.signed_in("hr").await;
    let page = hr.get("/admin/preferences").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let until = in_days(300);
    // By hand: an unknown employee is named as such, and what was typed stays.
    let r = hr
        .post_form(
            "/admin/preferences",
            &[
                ("csrf", &csrf),
                ("employee_number", "999999"),
                ("right", "14-2"),
                ("profession", "nurse"),
                ("unit", "OUS"),
                ("from", "2026-01-01"),
                ("to", &until),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Ukjent ansattnummer"));
    assert!(r.text().contains("value=\"999999\""));
    let r = hr
        .post_form(
            "/admin/preferences",
            &[
                ("csrf", &csrf),
                ("employee_number", "100231"),
                ("right", "14-2"),
                ("profession", "nurse"),
                ("unit", "OUS"),
                ("from", "2026-01-01"),
                ("to", &until),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // A file with a bad line: every problem with line and column, and nothing stored.
    let bad = format!(
        "employee_number;right;profession;unit;from;to\n100232;14-3;nurse;AKU;2026-01-01;{until}\n100232;14-9;nurse;NOPE;2026-01-01;{until}\n"
    );
    let r = hr
        .post_multipart(
            "/admin/preferences/import",
            &[("csrf", &csrf)],
            Some(("file", "register.csv", bad.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("Filen ble ikke importert"));
    assert!(text.contains("<td>3</td><td>right</td>"), "{text}");
    assert!(
        !text.contains("Nordmann2"),
        "nothing from the file was stored"
    );
    let good = format!(
        "employee_number;right;profession;unit;from;to\n100232;14-3;nurse;AKU;2026-01-01;{until}\n"
    );
    let r = hr
        .post_multipart(
            "/admin/preferences/import",
            &[("csrf", &csrf)],
            Some(("file", "register.csv", good.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert!(text.contains("1 rettighet er importert"));
    assert!(text.contains("Nordmann1") && text.contains("Nordmann2"));
}

#[tokio::test]
async fn a_need_for_more_than_fifty_positions_gets_its_own_limit_in_the_message() {
    let app = spawn_app().await;
    let unit = app.icu.id.to_string();
    let mut leder = app.signed_in("leder").await;
    let csrf = leder.get("/admin/requisitions/new").await.csrf();
    let mut fields = need(&csrf, &unit, &[]);
    fields.retain(|(k, _)| *k != "positions" && *k != "extent_percent");
    fields.push(("positions", "60"));
    fields.push(("extent_percent", "100"));
    let r = leder.post_form("/admin/requisitions", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("fra 1 til 50"), "{}", r.text());
}

/// A returned request is mended and sent again by its requester; the chain starts over. The
/// chain itself is the trust's to configure: with HR alone, three positions need no clinic leader.
#[tokio::test]
async fn a_returned_need_is_mended_and_resent_and_the_chain_is_configurable() {
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.approval_policy = talentflyt_domain::requisition::ApprovalPolicy::parse("hr:1").unwrap();
    let app = spawn_app_with(cfg).await;
    let unit = app.icu.id.to_string();
    let mut leder = app.signed_in("leder").await;
    let csrf = leder.get("/admin/requisitions/new").await.csrf();
    let mut fields = need(&csrf, &unit, &[]);
    fields.retain(|(k, _)| !matches!(*k, "extent_percent" | "engagement" | "ground" | "positions"));
    fields.extend([
        ("extent_percent", "100"),
        ("engagement", "permanent"),
        ("positions", "3"),
    ]);
    let r = leder.post_form("/admin/requisitions", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let href = r.location.unwrap();
    // Not returned: nothing to mend.
    assert_eq!(
        leder.get(&format!("{href}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut hr = app.signed_in("hr").await;
    let csrf_hr = hr.get(&href).await.csrf();
    let r = hr
        .post_form(
            &format!("{href}/decision"),
            &[
                ("csrf", &csrf_hr),
                ("decision", "return"),
                ("comment", "Skriv hvilket kostnadssted som gjelder."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = leder.get(&href).await.text();
    assert!(page.contains("Endre og send på nytt"));
    let form = leder.get(&format!("{href}/edit")).await;
    assert!(
        form.text().contains("value=\"AKU-4410\""),
        "the form holds what was sent"
    );
    let mut annen = app.signed_in("annen").await;
    assert_eq!(
        annen.get(&format!("{href}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = form.csrf();
    let mut mended: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| *k != "cost_centre" && *k != "csrf")
        .copied()
        .collect();
    mended.extend([("csrf", csrf.as_str()), ("cost_centre", "AKU-5500")]);
    let r = leder.post_form(&href, &mended).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = leder.get(&href).await.text();
    assert!(
        page.contains("AKU-5500") && page.contains("Til godkjenning"),
        "{page}"
    );
    // Sent once more: refused, it is not returned any longer.
    let r = leder.post_form(&href, &mended).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // HR alone approves three positions under this trust's chain.
    let r = hr
        .post_form(
            &format!("{href}/decision"),
            &[("csrf", &csrf_hr), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id: i64 = href.rsplit('/').next().unwrap().parse().unwrap();
    let row = app.db.store.requisition(id).await.unwrap();
    assert_eq!(row.status.as_str(), "approved");
    let events = app.db.store.requisition_events(id).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submit", "return", "resubmit", "approve"]);
}
