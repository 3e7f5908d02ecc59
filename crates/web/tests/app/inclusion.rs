//! The inclusion check (R15): HR sees per clinic and year whether qualified applicants who
//! declared a disability or a CV gap were called to interview, and the share of hires who had
//! declared, against the 5 % target. Counts only, every group under five hidden, and a
//! hidden clinic not given away by the total.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::application::{Answer, Equality};
use talentflyt_domain::posting::Phase;

/// `n` candidates apply to the posting, each declaring a disability (or, with `declared`
/// false, only a gender); the first `knocked_out` of them answer a screening question that
/// rules them out. Returns the applications.
async fn apply_many(
    app: &TestApp,
    posting_id: i64,
    prefix: &str,
    n: usize,
    declared: bool,
    knocked_out: usize,
) -> Vec<i64> {
    let question_id = match app.db.store.questions(posting_id).await.unwrap().first() {
        Some(q) => q.id,
        None => knockout_question(app, posting_id).await,
    };
    let mut ids = vec![];
    for i in 0..n {
        let email = format!("{prefix}{i}@example.no");
        let family = format!("{prefix}{i}");
        let equality = Equality {
            gender: "woman",
            disability: if declared { "yes" } else { "no" },
            cv_gap: "",
        };
        let answers = [Answer {
            question_id,
            question_nb: "Har du norsk autorisasjon?".into(),
            question_en: "Are you authorised in Norway?".into(),
            answer_nb: if i < knocked_out { "Nei" } else { "Ja" }.into(),
            answer_en: if i < knocked_out { "No" } else { "Yes" }.into(),
            knocked_out: i < knocked_out,
        }];
        ids.push(
            apply_answering(
                app,
                posting_id,
                ("Kari", &family, &email),
                &answers,
                Some(&equality),
            )
            .await,
        );
    }
    ids
}

/// The table's body rows: the unit, then each cell's text.
fn rows(page: &str) -> Vec<Vec<String>> {
    let Some(body) = page.split("<tbody>").nth(1) else {
        return vec![];
    };
    let body = body.split("</tbody>").next().unwrap_or_default();
    body.split("<tr")
        .skip(1)
        .map(|tr| {
            let mut cells = vec![];
            let mut rest = tr;
            while let Some(open) = rest
                .find("<t")
                .filter(|&i| matches!(rest.as_bytes().get(i + 2), Some(b'h' | b'd')))
            {
                let from = open + rest[open..].find('>').unwrap() + 1;
                let to = from + rest[from..].find("</t").unwrap();
                cells.push(rest[from..to].trim().to_owned());
                rest = &rest[to + 3..];
            }
            cells
        })
        .collect()
}

#[tokio::test]
async fn hr_sees_per_unit_whether_qualified_declared_applicants_were_interviewed_with_small_groups_hidden(
) {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let icu = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    // Published now (before the clock moves), with the same deadline; applied to at the end.
    let children = publish_posting(&app, &mut hr, "Barnesykepleier", app.children.id).await;
    let year = &s.posting(icu).await.unwrap().deadline.to_string()[..4];
    let url = format!("/admin/inclusion?year={year}");
    // Ten declared a disability, five of them ruled out by a screening answer; three did not.
    let declared = apply_many(&app, icu, "Erklart", 10, true, 5).await;
    let others = apply_many(&app, icu, "Annen", 3, false, 0).await;

    // Before the deadline the posting is not counted.
    let page = hr.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .text()
        .contains("Ingen stillinger med søknadsfrist i året."));
    assert!(page.text().contains("minst 5 % av dem vi ansetter"));

    clock.advance(chrono::Duration::days(15));
    // Three of the five qualified are called to interview: the two not called are too few
    // to show, so the three are hidden too.
    assert_eq!(
        move_as_hr(&app, icu, &declared[5..8], Some(Phase::Interview)).await,
        3
    );
    let page = hr.get(&url).await.text();
    let r = rows(&page);
    assert_eq!(r.len(), 3, "two units and the total: {r:?}");
    assert_eq!(
        r[0],
        [
            "Akuttklinikken",
            "1",
            "10",
            "5",
            "skjult",
            "skjult",
            "skjult",
            "0",
            "0",
            "ingen ansatt"
        ],
        "{page}"
    );
    // Nobody declared in the other unit: nothing to hide there, and nothing it can reveal.
    assert_eq!(
        r[1],
        [
            "Barne- og ungdomsklinikken",
            "1",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "ingen ansatt"
        ]
    );
    assert_eq!(r[2][..5], ["Sum", "2", "10", "5", "skjult"], "{r:?}");
    for name in ["Erklart0", "Erklart5", "Annen0"] {
        assert!(!page.contains(name), "no names on the page");
    }

    // All five called: shown. Five hired, four of whom had declared: a group under five.
    assert_eq!(
        move_as_hr(&app, icu, &declared[8..], Some(Phase::Interview)).await,
        2
    );
    // Hiring goes through an offer (tested in offers.rs); here the outcome is set directly.
    let hired: Vec<String> = declared[5..9]
        .iter()
        .chain(&others[..1])
        .map(|id| id.to_string())
        .collect();
    talentflyt_store::testing::execute_raw(
        s,
        &format!(
            "UPDATE applications SET phase = 'hired' WHERE id IN ({})",
            hired.join(",")
        ),
    )
    .await
    .unwrap();
    let r = rows(&hr.get(&url).await.text());
    assert_eq!(
        r[0][1..],
        ["1", "10", "5", "5", "1", "0", "5", "skjult", "skjult"],
        "{r:?}"
    );
    // A fifth declared hire among ten: 50 %, the target reached.
    talentflyt_store::testing::execute_raw(
        s,
        &format!(
            "UPDATE applications SET phase = 'hired' WHERE id IN ({}, {}, {}, {}, {}, {})",
            declared[9], others[1], others[2], declared[0], declared[1], declared[2]
        ),
    )
    .await
    .unwrap();
    let r = rows(&hr.get(&url).await.text());
    assert_eq!(r[0][7..], ["11", "8", "72,7 % (målet er nådd)"], "{r:?}");

    // Two declared in the second unit: hidden, and the first unit's figure with it, since the
    // total less the first would give the second away.
    talentflyt_store::testing::execute_raw(
        s,
        &format!(
            "UPDATE postings SET deadline = (SELECT deadline FROM postings WHERE id = {icu}) WHERE id = {children}"
        ),
    )
    .await
    .unwrap();
    apply_many(&app, children, "Barn", 2, true, 0).await;
    let page = hr.get(&url).await.text();
    let r = rows(&page);
    assert_eq!(r.len(), 3, "two units and the total: {r:?}");
    let (intensive, child, total) = (&r[0], &r[1], &r[2]);
    assert_eq!(child[2], "skjult", "two declared");
    assert_eq!(intensive[2], "skjult", "else the total gives the two away");
    assert_eq!(total[0], "Sum");
    assert_eq!(total[1..3], ["2", "12"]);

    // English, and only for HR.
    let page = hr.get(&format!("{url}&lang=en")).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut leder = app.signed_in("leder").await;
    assert_eq!(leder.get(&url).await.status, StatusCode::FORBIDDEN);
    // Junk or far-off years fall back to this year.
    for q in ["?year=abc", "?year=1900", "?year=99999999999999999999"] {
        assert_eq!(
            hr.get(&format!("/admin/inclusion{q}")).await.status,
            StatusCode::OK
        );
    }
}
