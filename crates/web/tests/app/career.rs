//! The career site for machines and for people who share: structured data on the ad page, the
//! page after the deadline, feeds, the sitemap and robots.txt.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::clock::Clock;
use talentflyt_domain::posting::{Engagement, PostingDraft};

async fn published(app: &TestApp, clock: &Clock, d: PostingDraft) -> i64 {
    let s = &app.db.store;
    let id = s.create_posting(&d, None).await.unwrap();
    s.publish_posting(id, clock.today()).await.unwrap();
    id
}

fn draft(title: &str, unit_id: i64, profession: &str, deadline: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        body: "Vi søker deg som vil jobbe i et godt fagmiljø.".into(),
        unit_id,
        profession: profession.into(),
        engagement: Engagement::Permanent,
        extent_percent: 100,
        positions: 1,
        deadline: day(deadline),
        ..PostingDraft::default()
    }
}

/// The JSON-LD of a page.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("the page has JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the JSON-LD parses")
}

/// The content of `<meta property="…">`.
fn meta(html: &str, property: &str) -> Option<String> {
    let tag = format!("<meta property=\"{property}\" content=\"");
    let i = html.find(&tag)? + tag.len();
    Some(html[i..i + html[i..].find('"')?].to_owned())
}

#[tokio::test]
async fn an_ad_tells_search_engines_everything_and_is_gone_with_similar_ads_after_its_deadline() {
    let (app, clock) = app_on("2027-03-10").await;
    let mut d = draft(
        "Jordmor, fødeavdelingen",
        app.icu.id,
        "midwife",
        "2027-03-11",
    );
    d.extent_percent = 80;
    d.engagement = Engagement::Temporary;
    d.fields.salary_text = "kr 550 000–650 000 per år".into();
    let id = published(&app, &clock, d).await;
    let other = published(
        &app,
        &clock,
        draft("Jordmor, barsel", app.children.id, "midwife", "2027-04-01"),
    )
    .await;
    let unrelated = published(
        &app,
        &clock,
        draft(
            "Overlege, anestesi",
            app.children.id,
            "senior_consultant",
            "2027-04-01",
        ),
    )
    .await;
    let reference = app.db.store.posting(id).await.unwrap().reference;
    let mut c = app.client();

    let page = c.get(&format!("/jobs/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org/");
    assert_eq!(ld["@type"], "JobPosting");
    assert_eq!(ld["title"], "Jordmor, fødeavdelingen");
    assert!(ld["description"].as_str().unwrap().contains("<p>"));
    // Published now by the wall clock: the day it was, in Norway.
    let posted = app
        .db
        .store
        .posting(id)
        .await
        .unwrap()
        .published_at
        .unwrap();
    let posted = talentflyt_domain::clock::norwegian_date(
        chrono::DateTime::from_timestamp(posted, 0).unwrap(),
    );
    assert_eq!(ld["datePosted"], posted.format("%Y-%m-%d").to_string());
    assert_eq!(ld["validThrough"], "2027-03-11T23:59:59+01:00");
    assert_eq!(
        ld["employmentType"],
        serde_json::json!(["PART_TIME", "TEMPORARY"])
    );
    assert_eq!(ld["hiringOrganization"]["@type"], "Organization");
    assert!(!ld["hiringOrganization"]["name"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(ld["jobLocation"]["address"]["addressCountry"], "NO");
    assert_eq!(ld["jobLocation"]["address"]["addressLocality"], "Ullevål");
    assert_eq!(ld["identifier"]["value"], reference.as_str());
    assert_eq!(ld["directApply"], true);
    assert_eq!(ld["baseSalary"]["currency"], "NOK");
    assert_eq!(ld["baseSalary"]["value"]["minValue"], 550_000);
    assert_eq!(ld["baseSalary"]["value"]["maxValue"], 650_000);
    assert_eq!(
        meta(&html, "og:title").as_deref(),
        Some("Jordmor, fødeavdelingen")
    );
    assert!(meta(&html, "og:url")
        .unwrap()
        .ends_with(&format!("/jobs/{id}")));
    assert_eq!(meta(&html, "og:locale").as_deref(), Some("nb_NO"));
    assert!(html.contains("<link rel=\"canonical\""));
    assert!(html.contains("(i morgen)"), "the deadline in words");
    assert!(html.contains("linkedin.com/sharing/share-offsite/?url="));
    assert!(html.contains("Del annonsen"));

    // In English, the page says so to link previews too.
    c.accept_language = "en";
    let en = c.get(&format!("/jobs/{id}")).await.text();
    assert_eq!(meta(&en, "og:locale").as_deref(), Some("en_GB"));
    assert!(en.contains("(tomorrow)"));
    c.accept_language = "nb-NO,nb;q=0.9";

    // The deadline day is over: 410 Gone, the notice, and open ads like it.
    clock.advance(chrono::Duration::days(2));
    let gone = c.get(&format!("/jobs/{id}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    let html = gone.text();
    assert!(html.contains("Søknadsfristen er ute"));
    assert!(html.contains("Ledige stillinger som ligner"));
    assert!(
        html.contains(&format!("href=\"/jobs/{other}\"")),
        "the same profession"
    );
    assert!(
        !html.contains("Del annonsen"),
        "a closed ad is not offered for sharing"
    );
    let _ = unrelated;

    // Never public, or never there: 404.
    let hidden = app
        .db
        .store
        .create_posting(&draft("Utkast", app.icu.id, "nurse", "2027-05-01"), None)
        .await
        .unwrap();
    assert_eq!(
        c.get(&format!("/jobs/{hidden}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/jobs/999999").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn feeds_and_the_sitemap_list_the_open_ads_and_parse_as_valid_documents() {
    let (app, clock) = app_on("2027-03-10").await;
    let icu = published(
        &app,
        &clock,
        draft(
            "Intensivsykepleier & koordinator",
            app.icu.id,
            "specialist_nurse_intensive",
            "2027-04-01",
        ),
    )
    .await;
    let midwife = published(
        &app,
        &clock,
        draft("Jordmor <barsel>", app.children.id, "midwife", "2027-04-02"),
    )
    .await;
    let closed = published(
        &app,
        &clock,
        draft(
            "Sekretær",
            app.children.id,
            "medical_secretary",
            "2027-03-10",
        ),
    )
    .await;
    let draft_only = app
        .db
        .store
        .create_posting(&draft("Utkast", app.icu.id, "nurse", "2027-05-01"), None)
        .await
        .unwrap();
    clock.advance(chrono::Duration::days(1));
    let mut c = app.client();
    let links = |feed: &feed_rs::model::Feed| -> Vec<String> {
        let mut l: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.links[0].href.clone())
            .collect();
        l.sort();
        l
    };
    let url = |id: i64| format!("http://localhost/jobs/{id}");
    let mut both = vec![url(icu), url(midwife)];
    both.sort();

    for path in ["/jobs/feed.rss", "/jobs/feed.atom"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.content_type.starts_with(if path.ends_with("rss") {
                "application/rss+xml"
            } else {
                "application/atom+xml"
            }),
            "{}",
            r.content_type
        );
        let feed = feed_rs::parser::parse(&r.body[..]).expect("the feed parses");
        assert_eq!(links(&feed), both, "{path}: open ads only");
        let titles: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.title.as_ref().unwrap().content.clone())
            .collect();
        assert!(
            titles.contains(&"Jordmor <barsel>".to_owned()),
            "{titles:?}"
        );
        assert!(titles.contains(&"Intensivsykepleier & koordinator".to_owned()));
        assert!(feed.entries.iter().all(|e| e.published.is_some()));

        let aku =
            feed_rs::parser::parse(&c.get(&format!("{path}?clinic=AKU")).await.body[..]).unwrap();
        assert_eq!(links(&aku), vec![url(icu)], "{path}: one clinic");
        assert!(aku.title.unwrap().content.contains("Akuttklinikken"));
        let midwives =
            feed_rs::parser::parse(&c.get(&format!("{path}?profession=midwife")).await.body[..])
                .unwrap();
        assert_eq!(
            links(&midwives),
            vec![url(midwife)],
            "{path}: one profession"
        );
    }

    let sitemap = c.get("/sitemap.xml").await;
    assert!(sitemap.content_type.starts_with("application/xml"));
    let text = sitemap.text();
    let doc = roxmltree::Document::parse(&text).expect("the sitemap is XML");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for page in [
        "/jobs",
        "/jobs/clinics",
        "/jobs/students",
        "/jobs/clinics/AKU",
    ] {
        assert!(
            locs.contains(&format!("http://localhost{page}").as_str()),
            "{page}"
        );
    }
    assert!(locs.contains(&url(icu).as_str()) && locs.contains(&url(midwife).as_str()));
    assert!(!locs.contains(&url(closed).as_str()) && !locs.contains(&url(draft_only).as_str()));

    let robots = c.get("/robots.txt").await.text();
    assert!(robots.contains("Disallow: /admin"));
    assert!(robots.contains("Sitemap: http://localhost/sitemap.xml"));
    let list = c.get("/jobs?profession=midwife").await.text();
    assert!(list.contains(
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/jobs/feed.rss?profession=midwife\">"
    ));
}

/// aml § 14-1: in its internal-only period an ad is shown to signed-in employees, who may apply
/// (recorded as coming through the internal channel); the public finds nothing until it ends.
#[tokio::test]
async fn an_internal_ad_is_for_signed_in_employees_until_its_period_ends() {
    let (app, clock) = app_on("2027-03-10").await;
    let s = &app.db.store;
    let id = s
        .create_posting(
            &draft("Jordmor, internt", app.icu.id, "midwife", "2027-03-20"),
            None,
        )
        .await
        .unwrap();
    s.approve_posting(
        id,
        talentflyt_domain::posting::PublishPlan {
            publish_on: day("2027-03-10"),
            internal_until: Some(day("2027-03-13")),
        },
        None,
        clock.today(),
    )
    .await
    .unwrap();

    // The public: nothing, anywhere.
    let mut public = app.client();
    assert!(!public
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, internt"));
    for path in [format!("/jobs/{id}"), format!("/jobs/{id}/apply")] {
        assert_eq!(
            public.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert!(!public
        .get("/jobs/feed.rss")
        .await
        .text()
        .contains("Jordmor, internt"));
    let r = public.get("/internal").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the internal channel needs signing in"
    );
    assert_eq!(
        public.get(&format!("/internal/{id}")).await.status,
        StatusCode::SEE_OTHER
    );

    // An employee (here a manager elsewhere in the trust): the list, the ad, and applying.
    let mut emp = app.signed_in("annen").await;
    let list = emp.get("/internal").await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.text();
    assert!(text.contains("Jordmor, internt"));
    assert!(text.contains("Intern til og med 13. mars 2027"), "{text}");
    let ad = emp.get(&format!("/internal/{id}")).await;
    assert_eq!(ad.status, StatusCode::OK);
    let text = ad.text();
    assert!(text.contains("Intern utlysning: bare ansatte ser denne annonsen til og med"));
    assert!(text.contains(&format!("href=\"/jobs/{id}/apply?source=internal\"")));
    assert!(
        !text.contains("application/ld+json"),
        "no structured data for search engines on an internal ad"
    );
    let form = emp.get(&format!("/jobs/{id}/apply?source=internal")).await;
    assert_eq!(form.status, StatusCode::OK);
    let r = emp
        .post_multipart(
            &format!("/jobs/{id}/apply"),
            &[
                ("csrf", &form.csrf()),
                ("source", "nav"),
                ("given_name", "Ola"),
                ("family_name", "Annen"),
                ("email", "ola.annen@example.no"),
                ("phone", "+47 912 34 567"),
                ("birth_date", "1990-05-17"),
                ("municipality", "Oslo"),
                ("norwegian_level", "native"),
                ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
            ],
            Some(("cv", "cv.pdf", &pdf())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        emp.get(r.location.as_deref().unwrap()).await.status,
        StatusCode::OK,
        "the receipt"
    );
    let sources: Vec<String> = s
        .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.source)
        .collect();
    assert_eq!(sources, vec!["internal".to_owned()]);

    // The period is over: public, and no longer on the internal list.
    clock.advance(chrono::Duration::days(4));
    assert!(public
        .get("/jobs")
        .await
        .text()
        .contains("Jordmor, internt"));
    assert_eq!(
        public.get(&format!("/jobs/{id}")).await.status,
        StatusCode::OK
    );
    assert!(!emp
        .get("/internal")
        .await
        .text()
        .contains("Jordmor, internt"));
    assert_eq!(
        emp.get(&format!("/internal/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// With the NAV channel on, a change to a public ad queues a sync at once; HR sees on the ad
/// what NAV was last told and what it answered.
#[tokio::test]
async fn publishing_queues_the_nav_sync_and_hr_sees_navs_answer() {
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.nav_channel = true;
    let app = spawn_app_with(cfg).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let before = s.queue_counts().await.unwrap().queued;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    assert_eq!(
        s.queue_counts().await.unwrap().queued,
        before + 2,
        "publishing queued the NAV sync (and the job alerts)"
    );
    let page = hr.get(&format!("/admin/postings/{id}")).await.text();
    assert!(!page.contains("NAV arbeidsplassen"), "nothing sent yet");
    s.record_channel_attempt(&talentflyt_store::ChannelAttempt {
        posting_id: id,
        channel: "nav",
        state: "active",
        digest: "abc",
        accepted: false,
        answer: "{\"status\":\"ERROR\",\"message\":\"Error: property extent contains invalid value heltid\"}",
    })
    .await
    .unwrap();
    let page = hr.get(&format!("/admin/postings/{id}")).await.text();
    assert!(page.contains("NAV tok ikke imot annonsen"), "{page}");
    assert!(page.contains("property extent contains invalid value heltid"));
}

/// A board or campaign links to the ad with `?src=` or `?utm_source=`; the application made from
/// that visit records it (A2), while a link straight to the form with its own source wins.
#[tokio::test]
async fn where_a_candidate_came_from_is_recorded_with_the_application() {
    let (app, clock) = app_on("2027-03-10").await;
    let id = published(
        &app,
        &clock,
        draft("Jordmor, føden", app.icu.id, "midwife", "2027-04-01"),
    )
    .await;
    let apply = |c: &mut Client, given: &'static str, email: &'static str| {
        let mut c = c.clone_browser();
        async move {
            let form = c.get(&format!("/jobs/{id}/apply")).await;
            let text = form.text();
            let source = text
                .split("name=\"source\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap()
                .to_owned();
            let r = c
                .post_multipart(
                    &format!("/jobs/{id}/apply"),
                    &[
                        ("csrf", &form.csrf()),
                        ("source", &source),
                        ("given_name", given),
                        ("family_name", "Nordmann"),
                        ("email", email),
                        ("phone", "+47 912 34 567"),
                        ("birth_date", "1990-05-17"),
                        ("municipality", "Oslo"),
                        ("norwegian_level", "native"),
                        ("cover_letter", "Jeg søker fordi jeg vil jobbe her."),
                    ],
                    Some(("cv", "cv.pdf", &pdf())),
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
            source
        }
    };
    let mut finn = app.client();
    let page = finn.get(&format!("/jobs/{id}?src=finn")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.cache_control.as_deref(), Some("private, max-age=10"));
    assert_eq!(apply(&mut finn, "Kari", "kari@example.no").await, "finn");
    let mut campaign = app.client();
    campaign
        .get(&format!("/jobs/{id}?utm_source=LinkedIn&utm_medium=social"))
        .await;
    assert_eq!(
        apply(&mut campaign, "Per", "per@example.no").await,
        "linkedin"
    );
    let mut direct = app.client();
    direct.get(&format!("/jobs/{id}")).await;
    assert_eq!(
        apply(&mut direct, "Ola", "ola@example.no").await,
        "career_site"
    );
    // An employee's personal link: sign-in first, then the link names them to HR only.
    let mut anonymous = app.client();
    assert_eq!(
        anonymous.get(&format!("/jobs/{id}/share")).await.location,
        Some(format!("/login?next=/jobs/{id}/share"))
    );
    let mut leder = app.signed_in("leder").await;
    let share = leder.get(&format!("/jobs/{id}/share")).await.text();
    let link = share
        .split("id=\"link\" type=\"text\" readonly value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the personal link")
        .trim_start_matches("http://localhost")
        .to_owned();
    assert!(link.starts_with(&format!("/jobs/{id}?src=amb-")), "{link}");
    assert_eq!(
        leder
            .get(&format!("/jobs/{id}/share"))
            .await
            .text()
            .matches(&link)
            .count(),
        1,
        "the same link every time"
    );
    let mut friend = app.client();
    friend.get(&link).await;
    let amb = apply(&mut friend, "Siri", "siri@example.no").await;
    assert!(amb.starts_with("amb-"));
    let mut sources: Vec<String> = app
        .db
        .store
        .list_applications(&talentflyt_store::Reader::user(0, "test"), id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.source)
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        vec![amb.as_str(), "career_site", "finn", "linkedin"]
    );
    let leder_name = app
        .db
        .store
        .user_by_username("leder")
        .await
        .unwrap()
        .unwrap()
        .display_name;
    // HR sees the counts per source on the ad.
    let mut hr = app.signed_in("hr").await;
    let page = hr.get(&format!("/admin/postings/{id}")).await.text();
    assert!(page.contains("Søknader og ansettelser per kilde"), "{page}");
    for row in [
        "<tr><td>Karrieresiden</td><td>1</td><td>0</td></tr>",
        "<tr><td>finn</td><td>1</td><td>0</td></tr>",
        "<tr><td>linkedin</td><td>1</td><td>0</td></tr>",
        &format!("<tr><td>Ambassadør: {leder_name}</td><td>1</td><td>0</td></tr>"),
    ] {
        assert!(page.contains(row), "{row}");
    }
    // And across every ad; a manager may not see it.
    let all = hr.get("/admin/sources").await.text();
    assert!(all.contains(&format!(
        "<tr><td>Ambassadør: {leder_name}</td><td>1</td><td>0</td></tr>"
    )));
    assert_eq!(
        leder.get("/admin/sources").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The list shows an ad's English title on English pages, marked as English, and the bokmål
/// one, marked as bokmål, everywhere else.
#[tokio::test]
async fn the_list_shows_each_title_in_the_language_it_is_written_in() {
    let (app, clock) = app_on("2027-03-10").await;
    let mut d = draft(
        "Jordmor, fødeavdelingen",
        app.icu.id,
        "midwife",
        "2027-04-01",
    );
    d.title_en = "Midwife, maternity ward".into();
    published(&app, &clock, d).await;
    published(
        &app,
        &clock,
        draft("Sekretær", app.icu.id, "medical_secretary", "2027-04-01"),
    )
    .await;
    let mut c = app.client();
    let nb = c.get("/jobs").await.text();
    assert!(
        nb.contains("lang=\"nb\">Jordmor, fødeavdelingen</a>"),
        "{nb}"
    );
    c.accept_language = "en";
    let en = c.get("/jobs").await.text();
    assert!(
        en.contains("lang=\"en\">Midwife, maternity ward</a>"),
        "{en}"
    );
    assert!(
        en.contains("lang=\"nb\">Sekretær</a>"),
        "no English title: bokmål, said so"
    );
}

/// The ids of the ads a list page links, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split("<h2><a href=\"/jobs/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_search_knows_norwegian_word_forms_counts_each_filter_and_suggests_a_spelling() {
    let (app, clock) = app_on("2027-03-10").await;
    let mut night = draft("Sykepleier, natt", app.icu.id, "nurse", "2027-03-12");
    night.extent_percent = 75;
    night.fields.work_place = "Ullevål".into();
    let night = published(&app, &clock, night).await;
    let mut icu = draft("Intensivsykepleier", app.icu.id, "nurse", "2027-04-20");
    icu.fields.work_place = "Ullevål".into();
    icu.fields.target_groups = vec![talentflyt_domain::ad::TargetGroup::NewGraduates];
    let icu = published(&app, &clock, icu).await;
    let mut ward = draft("Sykepleier", app.children.id, "nurse", "2027-03-25");
    ward.fields.work_place = "Rikshospitalet".into();
    let ward = published(&app, &clock, ward).await;
    let doctor = published(
        &app,
        &clock,
        draft(
            "Overlege, barneavdeling",
            app.children.id,
            "physician",
            "2027-03-30",
        ),
    )
    .await;
    let mut c = app.client();

    // Plural, compound and inflected forms; the word itself ranks first.
    let page = c.get("/jobs?q=sykepleiere").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert_eq!(
        listed(&html)[2],
        icu,
        "the compound last: {:?}",
        listed(&html)
    );
    assert_eq!(listed(&html).len(), 3);
    assert!(
        html.contains("<title>Ledige stillinger (3)"),
        "the count in the title"
    );
    assert!(html.contains("role=\"status\" id=\"result-count\">3 ledige stillinger"));
    assert_eq!(
        listed(&c.get("/jobs?q=intensivsykepleie").await.text()),
        [icu]
    );
    // "Barne-" in the clinic's name, and "barneavdeling" in the doctor's title.
    assert_eq!(listed(&c.get("/jobs?q=barn").await.text()), [doctor, ward]);
    assert_eq!(listed(&c.get("/jobs?q=leger").await.text()), [doctor]);

    // Filters, with the count of each value as if that filter alone were not set.
    let html = c
        .get("/jobs?q=sykepleier&place=Ullev%C3%A5l&extent=full")
        .await
        .text();
    assert_eq!(listed(&html), [icu]);
    assert!(
        html.contains(">Heltid (1)<") && html.contains(">Deltid (1)<"),
        "{html}"
    );
    assert!(html.contains(">Ullevål (1)<") && html.contains(">Rikshospitalet (1)<"));
    let html = c.get("/jobs?target=new_graduates").await.text();
    assert_eq!(listed(&html), [icu]);
    assert!(html.contains("selected>Nyutdannede (1)<"));
    let html = c.get("/jobs?within=7").await.text();
    assert_eq!(listed(&html), [night]);
    let html = c.get("/jobs?clinic=AKU").await.text();
    assert_eq!(listed(&html), [icu, night]);
    assert!(
        html.contains(">Intensivavdelingen (2)<"),
        "the units of the clinic"
    );
    assert_eq!(
        listed(&c.get("/jobs?clinic=AKU&unit=AKU-1").await.text()),
        [icu, night]
    );

    // Sorting, and every state in the link.
    let html = c.get("/jobs?sort=deadline").await.text();
    assert_eq!(listed(&html), [night, ward, doctor, icu]);
    assert!(html.contains("value=\"deadline\" selected"));
    assert_eq!(
        listed(&c.get("/jobs").await.text()),
        [doctor, ward, icu, night]
    );

    // A misspelling: nothing found, and the corrected search offered.
    let html = c.get("/jobs?q=sykepelier+natt").await.text();
    assert!(listed(&html).is_empty());
    assert!(
        html.contains(
            "Mente du <a href=\"/jobs?q=sykepleier%20natt&#38;page=1\">sykepleier natt</a>?"
        ),
        "{html}"
    );
    let html = c.get("/jobs?q=sykepleier%20natt&page=1").await.text();
    assert_eq!(listed(&html), [night]);

    // English pages speak English, and junk is dropped, not refused.
    c.accept_language = "en";
    let html = c
        .get("/jobs?extent=part&sort=sideways&within=5")
        .await
        .text();
    assert!(html.contains(">Part time (1)<"));
    assert_eq!(listed(&html), [night]);
}

#[tokio::test]
async fn each_clinic_has_a_page_with_its_text_picture_and_open_ads_and_students_have_theirs() {
    let (app, clock) = app_on("2027-03-10").await;
    let mut student = draft(
        "Sommerjobb for sykepleierstudenter",
        app.icu.id,
        "nurse",
        "2027-04-01",
    );
    student.fields.target_groups = vec![talentflyt_domain::ad::TargetGroup::Students];
    let student = published(&app, &clock, student).await;
    let icu = published(
        &app,
        &clock,
        draft("Intensivsykepleier", app.icu.id, "nurse", "2027-04-02"),
    )
    .await;
    let other = published(
        &app,
        &clock,
        draft("Barnesykepleier", app.children.id, "nurse", "2027-04-03"),
    )
    .await;
    let mut c = app.client();

    let html = c.get("/jobs/clinics").await.text();
    assert!(html.contains("<a href=\"/jobs/clinics/AKU\">Akuttklinikken</a> <span class=\"meta\">(2 ledige stillinger)</span>"), "{html}");

    // Before HR writes anything, a plain default; the clinic's ads only.
    let html = c.get("/jobs/clinics/AKU").await.text();
    assert!(html.contains("<h1>Akuttklinikken</h1>"));
    assert!(html.contains("Akuttklinikken er en del av Oslo universitetssykehus"));
    assert_eq!(listed_h3(&html), [icu, student]);
    assert!(!html.contains(&format!("/jobs/{other}\"")));
    assert!(!html.contains("<img class=\"clinic-image\""));

    // HR's text and picture, in the reader's language.
    let hr = app.db.store.user_by_username("hr").await.unwrap().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    app.db
        .store
        .save_clinic_profile(
            app.icu.parent_id.unwrap(),
            &talentflyt_store::ClinicProfileEdit {
                why_nb: "Vi redder liv hver dag.\n\nHos oss lærer du mye.".into(),
                why_en: "We save lives every day.".into(),
                image_alt_nb: "Sykepleiere ved en seng".into(),
                image_alt_en: "Nurses at a bed".into(),
                image: Some((png.clone(), "image/png")),
                remove_image: false,
            },
            hr.id,
        )
        .await
        .unwrap();
    let html = c.get("/jobs/clinics/AKU").await.text();
    assert!(
        html.contains("<p>Vi redder liv hver dag.</p>\n<p>Hos oss lærer du mye.</p>"),
        "{html}"
    );
    assert!(html.contains("alt=\"Sykepleiere ved en seng\""));
    let image = c.get("/jobs/clinics/AKU/image").await;
    assert_eq!(
        (image.content_type.as_str(), image.body),
        ("image/png", png)
    );
    c.accept_language = "en";
    let html = c.get("/jobs/clinics/AKU").await.text();
    assert!(html.contains("We save lives every day.") && html.contains("alt=\"Nurses at a bed\""));
    c.accept_language = "nb";
    assert_eq!(
        c.get("/jobs/clinics/NOPE").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/jobs/clinics/BAR/image").await.status,
        StatusCode::NOT_FOUND
    );

    // HR edits the page: a picture must be a PNG or JPEG by its bytes and needs a description.
    let mut hr_web = app.signed_in("hr").await;
    let form = hr_web.get("/admin/clinics/AKU").await;
    assert!(form.text().contains("Vi redder liv hver dag."));
    let svg = b"<svg onload=alert(1)></svg>".to_vec();
    let r = hr_web
        .post_multipart(
            "/admin/clinics/AKU",
            &[
                ("csrf", &form.csrf()),
                ("why_nb", "Nytt og bedre."),
                ("why_en", "New and better."),
                ("image_alt_nb", ""),
                ("image_alt_en", "x"),
            ],
            Some(("image", "bilde.png", &svg)),
        )
        .await;
    let text = r.text();
    assert!(
        text.contains("Bildet må være en PNG- eller JPEG-fil"),
        "{text}"
    );
    assert!(text.contains("Skriv en beskrivelse av bildet"));
    assert!(text.contains("Nytt og bedre."), "what was typed is kept");
    let r = hr_web
        .post_multipart(
            "/admin/clinics/AKU",
            &[
                ("csrf", &form.csrf()),
                ("why_nb", "Nytt og bedre."),
                ("why_en", "New and better."),
                ("image_alt_nb", "Et operasjonsteam"),
                ("image_alt_en", "A surgical team"),
            ],
            None,
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/admin/clinics/AKU?saved=1"));
    let html = c.get("/jobs/clinics/AKU").await.text();
    assert!(html.contains("<p>Nytt og bedre.</p>") && html.contains("alt=\"Et operasjonsteam\""));
    let mut leder = app.signed_in("leder").await;
    assert_eq!(
        leder.get("/admin/clinics/AKU").await.status,
        StatusCode::FORBIDDEN
    );

    // Students and new graduates.
    let html = c.get("/jobs/students").await.text();
    assert!(html.contains("<h1>Studenter og nyutdannede</h1>"));
    assert_eq!(listed_h3(&html), [student]);
    assert!(html.contains("href=\"/jobs/alerts?target=students\""));
}

/// The ids of the ads a page lists under third-level headings.
fn listed_h3(html: &str) -> Vec<i64> {
    html.split("<h3><a href=\"/jobs/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_header_picture_comes_from_configuration() {
    let dir = std::env::temp_dir().join(format!("tf-header-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("header.jpg");
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9];
    std::fs::write(&path, jpeg).unwrap();
    let mut cfg = talentflyt_web::WebConfig::for_tests();
    cfg.brand.header_image_path = Some(path);
    let app = spawn_app_with(cfg).await;
    let mut c = app.client();
    let page = c.get("/jobs").await.text();
    assert!(page.contains("<img class=\"header-image\" src=\"/static/header\" alt=\"\">"));
    let img = c.get("/static/header").await;
    assert_eq!(
        (img.content_type.as_str(), img.body),
        ("image/jpeg", jpeg.to_vec())
    );
    assert!(!spawn_app()
        .await
        .client()
        .get("/jobs")
        .await
        .text()
        .contains("header-image\""));
    std::fs::remove_dir_all(&dir).unwrap();
}
