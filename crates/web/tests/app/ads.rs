//! From an approved staffing need to a live ad: the template, the structured fields, HR's
//! approval with preferential rights settled, an internal period, versions, an extended deadline
//! and taking the ad down; HR's templates and the diversity sentence.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::NaiveDate;
use talentflyt_domain::clock::Clock;
use talentflyt_domain::preference::RightKind;
use talentflyt_store::PostingAction;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The ad's fields as a writer sends them (the unit is the one the form says).
fn ad_fields<'a>(csrf: &'a str, title: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("unit_id", unit),
        ("profession", "midwife"),
        ("engagement", "permanent"),
        ("extent_percent", "100"),
        ("positions", "1"),
        ("title", title),
        ("title_en", "Midwife, maternity ward"),
        ("intro_nb", "Vi søker jordmor til fødeavdelingen."),
        ("duties_nb", "- Fødselshjelp\n- Veiledning av studenter"),
        ("offer_nb", "- Faglig utvikling"),
        (
            "intro_en",
            "We are looking for a midwife for the maternity ward.",
        ),
        ("duties_en", "- Assisting births"),
        ("req_nb_0", "Norsk autorisasjon som jordmor"),
        ("req_en_0", "Norwegian authorisation as a midwife"),
        ("req_kind_0", "required"),
        ("req_weight_0", "5"),
        ("req_nb_1", "Erfaring fra fødeavdeling"),
        ("req_kind_1", "desired"),
        ("req_weight_1", "2"),
        ("target_group", "new_graduates"),
        ("competence_area", "children"),
        ("work_place", "Ullevål"),
        ("salary_text", "Etter avtale"),
        ("start_date", "2027-05-01"),
        ("deadline", "2027-03-20"),
        ("contact_name_0", "Kari Nordmann"),
        ("contact_title_0", "Seksjonsleder"),
        ("contact_phone_0", "+47 23 07 00 00"),
    ]
}

#[tokio::test]
async fn an_approved_need_becomes_an_ad_that_hr_approves_and_publishes_internally_first() {
    let clock = Clock::fixed_on(day("2027-03-01"));
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.clock = clock.clone();
    cfg.public_cache_ttl = std::time::Duration::ZERO;
    let app = spawn_app_with(cfg).await;
    let s = &app.db.store;
    // An employee with a preferential right that matches the need.
    talentflyt_store::testing::add_employee(s, 9001, app.icu.id)
        .await
        .unwrap();
    s.add_preference_right(
        9001,
        RightKind::Redundancy,
        "midwife",
        app.icu.id,
        day("2027-01-01"),
        day("2027-12-31"),
    )
    .await
    .unwrap();

    // The manager asks for a midwife; HR approves.
    let unit = app.icu.id.to_string();
    let mut leder = app.signed_in("leder").await;
    let csrf = leder.get("/admin/requisitions/new").await.csrf();
    let r = leder
        .post_form(
            "/admin/requisitions",
            &[
                ("csrf", &csrf),
                ("unit_id", &unit),
                ("profession", "midwife"),
                ("positions", "1"),
                ("extent_percent", "100"),
                ("engagement", "permanent"),
                ("start_date", "2027-05-01"),
                ("cost_centre", "FØD-1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let req_href = r.location.unwrap();
    let rid: i64 = req_href.rsplit('/').next().unwrap().parse().unwrap();
    let mut hr = app.signed_in("hr").await;
    let csrf = hr.get(&req_href).await.csrf();
    let r = hr
        .post_form(
            &format!("{req_href}/decision"),
            &[("csrf", &csrf), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // The approved need offers an ad, written from the midwife template.
    let ad_href = format!("/admin/requisitions/{rid}/ad");
    assert!(leder.get(&req_href).await.text().contains(&ad_href));
    let form = leder.get(&ad_href).await;
    assert_eq!(form.status, StatusCode::OK);
    let text = form.text();
    assert!(text.contains("Jordmor"), "the template's title");
    assert!(text.contains("Kravprofil") && text.contains("name=\"req_nb_0\""));
    assert!(text.contains("value=\"2027-05-01\""), "start from the need");
    assert!(text.contains("Fra bemanningsbehovet"));

    // Saved with a unit the need did not name: the need's unit stands.
    let csrf = form.csrf();
    let other_unit = app.children.id.to_string();
    let rid_s = rid.to_string();
    let mut fields = ad_fields(&csrf, "Jordmor, fødeavdelingen", &other_unit);
    fields.push(("requisition_id", &rid_s));
    let r = leder.post_form("/admin/postings", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let href = r.location.unwrap();
    let pid: i64 = href.rsplit('/').next().unwrap().parse().unwrap();
    let p = s.posting(pid).await.unwrap();
    assert_eq!(
        (p.unit_id, p.requisition_id),
        (app.icu.id, Some(rid)),
        "the ad is for the need's unit"
    );
    assert_eq!(p.fields().work_place, "Ullevål");
    assert_eq!(p.content().requirements.len(), 2);
    // Saving twice makes one ad.
    let r = leder.post_form("/admin/postings", &fields).await;
    assert_eq!(r.location.as_deref(), Some(href.as_str()));

    // The manager sends it to HR, and may not approve it.
    let page = leder.get(&href).await;
    assert!(page.text().contains("Send til godkjenning"));
    let csrf = page.csrf();
    let r = leder
        .post_form(&format!("{href}/submit"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(leder
        .get(&href)
        .await
        .text()
        .contains("Venter på godkjenning"));
    let r = leder
        .post_form(&format!("{href}/publish"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // HR: not external before the holder's right is settled.
    let csrf = hr.get(&href).await.csrf();
    let approve = [
        ("csrf", csrf.as_str()),
        ("publish_on", "2027-03-02"),
        ("internal_until", "2027-03-05"),
    ];
    let r = hr.post_form(&format!("{href}/publish"), &approve).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("Fortrinnsretten er ikke avklart"),
        "{}",
        r.text()
    );
    let r = hr
        .post_form(
            &format!("{req_href}/preference"),
            &[
                ("csrf", &csrf),
                ("employee_id", "9001"),
                ("outcome", "declined"),
                ("offered_on", "2027-02-10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = hr.post_form(&format!("{href}/publish"), &approve).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = hr.get(&href).await.text();
    assert!(page.contains("Godkjent, publiseres senere"), "{page}");

    // Hidden until its day, then employees only, then open to all.
    let mut c = app.client();
    let ad = format!("/jobs/{pid}");
    assert_eq!(c.get(&ad).await.status, StatusCode::NOT_FOUND);
    clock.advance(chrono::Duration::days(1));
    assert_eq!(c.get(&ad).await.status, StatusCode::NOT_FOUND, "internal");
    assert!(!c
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, fødeavdelingen"));
    assert!(hr.get(&href).await.text().contains("Publisert internt"));
    clock.advance(chrono::Duration::days(4));
    assert!(c
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, fødeavdelingen"));
    let page = c.get(&ad).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for shown in [
        "Ullevål",
        "Etter avtale",
        "Nyutdannede",
        "Barn",
        "Kari Nordmann",
        "tel:+4723070000",
        "Norsk autorisasjon som jordmor",
        "Det er ønskelig at du har",
        "offentleglova § 25",
        "1. mai 2027",
    ] {
        assert!(text.contains(shown), "the ad shows {shown}");
    }
    let diversity = talentflyt_domain::ad::builtin_org_texts().diversity_nb;
    assert!(text.contains(&diversity[..40]), "the diversity sentence");

    // The preview in English is the same page in English.
    let en = hr.get(&format!("{href}/preview?lang=en")).await.text();
    assert!(en.contains("Midwife, maternity ward") && en.contains("lang=\"en\""));
    assert!(en.contains("Preview"));

    // An edit after publishing keeps the ad as it was.
    let csrf = hr.get(&format!("{href}/edit")).await.csrf();
    let unit = app.icu.id.to_string();
    let r = hr
        .post_form(
            &href,
            &ad_fields(&csrf, "Jordmor, fødeavdelingen (natt)", &unit),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(s.posting(pid).await.unwrap().version, 2);
    assert!(c
        .get(&ad)
        .await
        .text()
        .contains("Jordmor, fødeavdelingen (natt)"));
    let old = hr.get(&format!("{href}/preview?version=1")).await.text();
    assert!(old.contains("Versjon 1") && !old.contains("(natt)"));

    // Extending keeps the original deadline.
    let r = hr
        .post_form(
            &format!("{href}/extend"),
            &[("csrf", &csrf), ("deadline", "2027-03-10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "earlier");
    let r = hr
        .post_form(
            &format!("{href}/extend"),
            &[("csrf", &csrf), ("deadline", "2027-03-27")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = s.posting(pid).await.unwrap();
    assert_eq!(
        (p.deadline.as_str(), p.original_deadline.as_deref()),
        ("2027-03-27", Some("2027-03-20"))
    );
    assert!(c.get(&ad).await.text().contains("Opprinnelig frist var"));
    // The log writes its dates as people read them.
    let log = hr.get(&href).await.text();
    assert!(
        log.contains("20. mars 2027 → 27. mars 2027") && !log.contains("2027-03-20"),
        "{log}"
    );

    // Taking it down needs a reason; then the ad is gone from the site.
    let r = hr
        .post_form(
            &format!("{href}/unpublish"),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = hr
        .post_form(
            &format!("{href}/unpublish"),
            &[("csrf", &csrf), ("reason", "Feil lønnstrinn i annonsen")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get(&ad).await.status, StatusCode::NOT_FOUND);
    let actions: Vec<PostingAction> = s
        .posting_events(pid)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    use PostingAction::*;
    assert_eq!(
        actions,
        [Create, Submit, Approve, Edit, Extend, Unpublish],
        "every step is logged"
    );
}

#[tokio::test]
async fn hr_edits_templates_and_the_diversity_sentence_and_managers_may_not() {
    let app = spawn_app().await;
    let mut leder = app.signed_in("leder").await;
    assert_eq!(
        leder.get("/admin/templates").await.status,
        StatusCode::FORBIDDEN
    );
    let mut hr = app.signed_in("hr").await;
    let list = hr.get("/admin/templates").await;
    assert_eq!(list.status, StatusCode::OK);
    for code in [
        "nurse",
        "midwife",
        "physician_resident",
        "leader",
        "general",
    ] {
        assert!(list.text().contains(&format!("/admin/templates/{code}")));
    }
    assert!(list.text().contains("offentleglova § 25"));
    // Edit the nurse template: a required item is needed, the rest comes back as typed.
    let form = hr.get("/admin/templates/nurse").await;
    assert!(form.text().contains("Sykepleier"));
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "Sykepleier ved OUS"),
        ("title_en", "Registered nurse at OUS"),
        ("intro_nb", "Velkommen til oss."),
        ("duties_nb", "- Pleie"),
        ("intro_en", "Welcome."),
        ("duties_en", "- Care"),
        ("req_nb_0", "Erfaring"),
        ("req_kind_0", "desired"),
        ("req_weight_0", "2"),
    ];
    let r = hr.post_form("/admin/templates/nurse", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("minst ett krav") && r.text().contains("Velkommen til oss."));
    fields.push(("req_nb_1", "Norsk autorisasjon som sykepleier"));
    fields.push(("req_kind_1", "required"));
    fields.push(("req_weight_1", "5"));
    let r = hr.post_form("/admin/templates/nurse", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // A new ad from the template starts with HR's text.
    let new = hr.get("/admin/postings/new?template=nurse").await.text();
    assert!(new.contains("value=\"Sykepleier ved OUS\"") && new.contains("Velkommen til oss."));
    assert_eq!(
        hr.get("/admin/templates/astronaut").await.status,
        StatusCode::NOT_FOUND
    );
    // The diversity sentence: required in both languages, then on every ad.
    let r = hr
        .post_form(
            "/admin/templates",
            &[("csrf", &csrf), ("diversity_nb", ""), ("diversity_en", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = hr
        .post_form(
            "/admin/templates",
            &[
                ("csrf", &csrf),
                ("diversity_nb", "Vi ønsker søkere med ulik bakgrunn."),
                ("diversity_en", "We welcome applicants of every background."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let ad = app.client().get(&format!("/jobs/{id}")).await.text();
    assert!(ad.contains("Vi ønsker søkere med ulik bakgrunn."));
}

#[tokio::test]
async fn the_back_office_list_searches_filters_and_ignores_junk() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let first = publish_posting(&app, &mut hr, "Intensivsykepleier natt", app.icu.id).await;
    publish_posting(&app, &mut hr, "Barnesykepleier dag", app.children.id).await;
    let page = hr.get("/admin?q=NATT").await.text();
    assert!(page.contains("1 utlysning") && page.contains(&format!("/admin/postings/{first}\"")));
    assert!(!page.contains("Barnesykepleier dag"));
    let unit = format!(
        "/admin?unit={}&status=published&sort=deadline",
        app.children.id
    );
    let page = hr.get(&unit).await.text();
    assert!(page.contains("Barnesykepleier dag") && !page.contains("Intensivsykepleier natt"));
    let page = hr.get("/admin?status=draft").await.text();
    assert!(page.contains("Ingen utlysninger passer til søket"));
    // Junk is ignored, not an error: the whole list, newest first.
    let junk = hr
        .get("/admin?status=%00&sort=sideways&from=yesterday&unit=-1&older=x.y&q=%25%25")
        .await;
    assert_eq!(junk.status, StatusCode::OK);
    let long = format!("/admin?q={}", "a".repeat(5000));
    assert_eq!(hr.get(&long).await.status, StatusCode::OK);
}
