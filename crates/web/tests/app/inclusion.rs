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

/// Noon on a day, as the clock takes it.
fn noon(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    d.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

#[tokio::test]
async fn hr_sees_per_clinic_whether_qualified_declared_applicants_were_interviewed_with_small_groups_hidden(
) {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let icu = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let children = publish_posting(&app, &mut hr, "Barnesykepleier", app.children.id).await;
    let year: i32 = s.posting(icu).await.unwrap().deadline.to_string()[..4]
        .parse()
        .unwrap();
    let url = format!("/admin/inclusion?year={year}");
    // Intensive care: ten declared a disability, five of them ruled out by a screening
    // answer; six did not declare. Children: two declared.
    let declared = apply_many(&app, icu, "Erklart", 10, true, 5).await;
    let others = apply_many(&app, icu, "Annen", 6, false, 0).await;
    let barn = apply_many(&app, children, "Barn", 2, true, 0).await;

    clock.advance(chrono::Duration::days(15));
    // The five qualified are called to interview; ten are hired, five of whom had declared.
    assert_eq!(
        move_as_hr(&app, icu, &declared[5..], Some(Phase::Interview)).await,
        5
    );
    // Hiring goes through an offer (tested in offers.rs); here the outcome is set directly.
    let hired: Vec<String> = declared[5..]
        .iter()
        .chain(&others[..5])
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

    // The year is not shown before 1 February the year after: the year before is offered.
    clock.set(noon(
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 31).unwrap(),
    ));
    let page = hr.get(&url).await.text();
    assert!(
        page.contains(&format!(
            "Ingen stillinger hadde søknadsfrist i {}.",
            year - 1
        )),
        "{page}"
    );
    assert!(!page.contains(&format!("<option value=\"{year}\"")));
    assert!(page.contains("minst 5\u{a0}% av dem vi ansetter"));

    clock.set(noon(
        chrono::NaiveDate::from_ymd_opt(year + 1, 2, 1).unwrap(),
    ));
    let page = hr.get(&url).await.text();
    let r = rows(&page);
    let expected = [
        [
            "Akuttklinikken",
            "1",
            // Ten declared, but hidden with the two in the other clinic.
            "skjult",
            "skjult",
            // Five of five called, on the one posting: shown, since the total of the
            // column, which could give the other clinic away, is hidden.
            "5",
            "1",
            "0",
            "10",
            "5",
            "50,0\u{a0}% (målet er nådd)",
        ],
        [
            "Barne- og ungdomsklinikken",
            "1",
            "skjult",
            "skjult",
            "skjult",
            "skjult",
            "skjult",
            "0",
            "0",
            "ingen ble ansatt",
        ],
        [
            "Sum",
            "2",
            "12",
            "7",
            // Two qualified were not called.
            "skjult",
            "skjult",
            "skjult",
            "10",
            "5",
            "50,0\u{a0}% (målet er nådd)",
        ],
    ];
    assert_eq!(r, expected, "{page}");
    for name in ["Erklart0", "Erklart5", "Annen0", "Barn0"] {
        assert!(!page.contains(name), "no names on the page");
    }

    // Frozen: the children's two called to interview a week later change nothing.
    assert_eq!(
        move_as_hr(&app, children, &barn, Some(Phase::Interview)).await,
        2
    );
    clock.advance(chrono::Duration::days(7));
    assert_eq!(rows(&hr.get(&url).await.text()), expected);

    // An advisor over the emergency clinic sees its row as the whole trust's table shows it
    // (hidden to protect the other clinic too), and no total; one over the department sees no
    // clinic at all.
    let hash = talentflyt_web::hash_password(PASSWORD).unwrap();
    for (username, unit) in [
        ("akutt-hr", app.icu.parent_id.unwrap()),
        ("intensiv-hr", app.icu.id),
    ] {
        let u = s
            .create_user(talentflyt_store::NewUser {
                username,
                email: &format!("{username}@ous.example"),
                display_name: username,
                password_hash: Some(&hash),
            })
            .await
            .unwrap();
        s.grant(
            u.id,
            talentflyt_domain::org::Role::HrAdvisor,
            Some(unit),
            None,
        )
        .await
        .unwrap();
    }
    let mut akutt = app.signed_in("akutt-hr").await;
    assert_eq!(rows(&akutt.get(&url).await.text()), expected[..1]);
    let mut intensiv = app.signed_in("intensiv-hr").await;
    let page = intensiv.get(&url).await.text();
    assert!(rows(&page).is_empty(), "{page}");
    assert!(page.contains("du har ikke tilgang til en hel klinikk"));

    // The language switch keeps the year.
    assert!(hr.get(&url).await.text().contains(&format!(
        "/lang/en?next=%2Fadmin%2Finclusion%3Fyear%3D{year}"
    )));

    // English, and only for HR.
    let page = hr.get(&format!("{url}&lang=en")).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut leder = app.signed_in("leder").await;
    assert_eq!(leder.get(&url).await.status, StatusCode::FORBIDDEN);
    // Junk or far-off years fall back to the last settled one.
    for q in ["?year=abc", "?year=1900", "?year=99999999999999999999"] {
        let page = hr.get(&format!("/admin/inclusion{q}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page
            .text()
            .contains(&format!("<option value=\"{year}\" selected>")));
    }
}
