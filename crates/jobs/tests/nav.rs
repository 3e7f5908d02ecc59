//! The NAV channel against a local HTTP server that checks every request as NAV's import API
//! documents it (docs/channels/nav-stillingsimport.md): path and provider, bearer token,
//! content type, every field's presence, type and length, the value sets, local date-times.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, post};
use axum::Router;
use std::sync::{Arc, Mutex};
use talentflyt_domain::ad::{AdContent, Contact};
use talentflyt_domain::nav::{
    NavEmployer, NavLocation, ENGAGEMENT_TYPES, EXTENTS, PROPERTY_KEYS, SECTORS,
};
use talentflyt_domain::org::UnitKind;
use talentflyt_domain::posting::{Engagement, PostingDraft};
use talentflyt_domain::Clock;
use talentflyt_jobs::nav::NavConfig;
use talentflyt_jobs::{MailConfig, Mailer, Worker};
use talentflyt_store::testing::TestDb;
use talentflyt_store::{now, JobKind, NewUnit, NewUser, Store};

const PROVIDER: &str = "15057";
const TOKEN: &str = "test-secret-key";

/// What the fake NAV saw.
#[derive(Default)]
struct Seen {
    ads: Vec<serde_json::Value>,
    stopped: Vec<String>,
    /// Every way a request broke NAV's documented rules.
    violations: Vec<String>,
    /// References NAV refuses (as its manual check would).
    refuse: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

fn auth_ok(h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn local_datetime(v: &serde_json::Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok())
}

/// The documented rules for one ad.
fn check_ad(ad: &serde_json::Value) -> Vec<String> {
    let mut v = vec![];
    let mut need = |ok: bool, what: &str| {
        if !ok {
            v.push(what.to_owned());
        }
    };
    let text = |k: &str, max: usize| {
        ad[k]
            .as_str()
            .is_some_and(|s| !s.trim().is_empty() && s.chars().count() < max)
    };
    need(ad.is_object(), "an ad is an object");
    need(text("reference", 255), "reference: non-blank string < 255");
    need(text("title", 512), "title: non-blank string < 512");
    need(text("adText", usize::MAX), "adText: non-blank string");
    need(
        ad["positions"].as_i64().is_some_and(|n| n > 0),
        "positions: integer > 0",
    );
    need(local_datetime(&ad["published"]), "published: LocalDateTime");
    need(local_datetime(&ad["expires"]), "expires: LocalDateTime");
    need(
        matches!(
            ad["privacy"].as_str(),
            Some("SHOW_ALL" | "INTERNAL_NOT_SHOWN")
        ),
        "privacy: SHOW_ALL or INTERNAL_NOT_SHOWN",
    );
    need(
        ad.get("categoryList").is_none(),
        "categoryList is not to be sent",
    );
    let e = &ad["employer"];
    need(e.is_object(), "employer: object");
    need(
        e.get("businessName").is_some(),
        "employer.businessName: key present",
    );
    need(
        e["location"].is_object(),
        "employer.location: object present",
    );
    let orgnr_ok = e["orgnr"].as_str().is_some_and(|o| {
        let d: String = o.chars().filter(|c| !c.is_whitespace()).collect();
        d.len() == 9 && d.chars().all(|c| c.is_ascii_digit())
    });
    need(
        orgnr_ok
            || e["businessName"]
                .as_str()
                .is_some_and(|b| !b.trim().is_empty()),
        "employer: orgnr (underenhet) or businessName",
    );
    let first = &ad["locationList"][0];
    need(first.is_object(), "locationList: at least one location");
    need(
        ["postalCode", "county", "municipal"]
            .iter()
            .any(|k| first[*k].as_str().is_some_and(|s| !s.is_empty())),
        "locationList[0]: postalCode, county or municipal",
    );
    for c in ad["contactList"].as_array().cloned().unwrap_or_default() {
        need(
            c["name"].as_str().is_some_and(|n| n.chars().count() < 255),
            "contact name",
        );
        need(
            c.get("phone")
                .is_none_or(|p| p.as_str().is_some_and(|p| p.chars().count() < 36)),
            "contact phone < 36",
        );
    }
    let props = ad["properties"].as_object().cloned().unwrap_or_default();
    for (k, val) in &props {
        need(
            PROPERTY_KEYS.contains(&k.as_str()),
            &format!("unknown property {k}"),
        );
        need(val.is_string(), &format!("property {k}: string"));
        let set: Option<&[&str]> = match k.as_str() {
            "engagementtype" => Some(ENGAGEMENT_TYPES),
            "extent" => Some(EXTENTS),
            "sector" => Some(SECTORS),
            _ => None,
        };
        if let Some(set) = set {
            need(
                val.as_str().is_some_and(|s| set.contains(&s)),
                &format!("property {k}: value in NAV's list"),
            );
        }
    }
    need(
        props.contains_key("engagementtype"),
        "engagementtype (required by the docs)",
    );
    v
}

async fn upload(
    State(seen): State<Shared>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let mut s = seen.lock().unwrap();
    if !auth_ok(&headers) {
        return (StatusCode::UNAUTHORIZED, "Unauthorized".into());
    }
    if provider != PROVIDER {
        return (StatusCode::FORBIDDEN, "Ugyldig providerId".into());
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-json-stream")
    {
        s.violations
            .push("content-type must be application/x-json-stream".into());
    }
    let ad: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::OK,
                format!("{{\"status\":\"ERROR\",\"message\":\"JSON Parse error: {e}\"}}"),
            )
        }
    };
    let problems = check_ad(&ad);
    s.violations.extend(problems.iter().cloned());
    let reference = ad["reference"].as_str().unwrap_or("").to_owned();
    s.ads.push(ad);
    if !problems.is_empty() || s.refuse.contains(&reference) {
        return (
            StatusCode::OK,
            format!("{{\"providerId\":{PROVIDER},\"status\":\"ERROR\",\"message\":\"Error: refused\",\"items\":1,\"md5\":\"\"}}"),
        );
    }
    (
        StatusCode::OK,
        format!("{{\"versionId\":{},\"providerId\":{PROVIDER},\"status\":\"RECEIVED\",\"md5\":\"3D5A\",\"items\":1,\"created\":\"2026-11-23T09:47:58.52183\",\"updated\":\"2026-11-23T09:47:58.52183\"}}", s.ads.len()),
    )
}

async fn stop(
    State(seen): State<Shared>,
    Path((provider, reference)): Path<(String, String)>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    if !auth_ok(&headers) || provider != PROVIDER {
        return (StatusCode::FORBIDDEN, "no".into());
    }
    seen.lock().unwrap().stopped.push(reference);
    (
        StatusCode::OK,
        "{\"status\":\"DONE\",\"message\":\"STOPPED\"}".into(),
    )
}

async fn fake_nav() -> (String, Shared) {
    let seen: Shared = Arc::default();
    let app = Router::new()
        .route("/stillingsimport/api/v1/transfers/{provider}", post(upload))
        .route(
            "/stillingsimport/api/v1/transfers/{provider}/{reference}",
            delete(stop),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/stillingsimport"), seen)
}

fn config(base_url: String) -> NavConfig {
    NavConfig {
        base_url,
        provider_id: PROVIDER.into(),
        token: TOKEN.into(),
        employer: NavEmployer {
            business_name: "Oslo universitetssykehus HF".into(),
            orgnr: Some("993467049".into()),
            location: NavLocation {
                postal_code: "0424".into(),
                city: "Oslo".into(),
                municipal: "Oslo".into(),
                county: "Oslo".into(),
                country: "NORGE".into(),
                ..NavLocation::default()
            },
        },
        site_url: "https://jobb.ous.example".into(),
    }
}

async fn sync(store: &Store, worker: &Worker) {
    store
        .enqueue_job(&JobKind::SyncNav, now(), 5)
        .await
        .unwrap();
    worker.drain().await.unwrap();
}

/// A database with the trust, a worker sending to a fake NAV, and what that NAV sees.
async fn setup() -> (TestDb, Worker, Shared, Clock, i64) {
    let db = TestDb::new().await;
    let s = &db.store;
    let (base, seen) = fake_nav().await;
    let clock = Clock::fixed_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let dir = std::env::temp_dir().join(format!("tf-nav-{:x}", rand::random::<u64>()));
    let mail = MailConfig {
        smtp_url: None,
        outbox_dir: dir,
        from: "Talentflyt <noreply@ous.example>".into(),
    };
    let worker = Worker::new(s.clone(), Mailer::new(&mail).unwrap(), mail.from)
        .with_clock(clock.clone())
        .with_nav(config(base));
    let unit = s
        .create_unit(NewUnit {
            parent_id: None,
            kind: UnitKind::Trust,
            code: "OUS",
            name_nb: "Oslo universitetssykehus",
            name_en: "Oslo University Hospital",
            site: "Ullevål",
        })
        .await
        .unwrap();
    (db, worker, seen, clock, unit.id)
}

#[tokio::test]
async fn open_ads_go_to_nav_as_documented_changes_are_resent_and_closed_ads_stopped() {
    let (db, worker, seen, clock, unit_id) = setup().await;
    let s = &db.store;
    let mut content = AdContent::default();
    content.nb.intro = "Vi søker intensivsykepleiere.\n\n- Turnus\n- Godt miljø".into();
    content.nb.duties = "Pleie av intensivpasienter <og> dokumentasjon.".into();
    content.contacts = vec![Contact {
        name: "Kari Leder".into(),
        title: "Seksjonsleder".into(),
        phone: "+47 23 07 00 00".into(),
        email: "kari.leder@ous.example".into(),
    }];
    let draft = |title: &str, engagement, extent| PostingDraft {
        title: title.into(),
        body: "Vi søker intensivsykepleiere.".into(),
        content: content.clone(),
        unit_id,
        profession: "specialist_nurse_intensive".into(),
        engagement,
        extent_percent: extent,
        positions: 2,
        deadline: clock.today() + chrono::Days::new(14),
        ..PostingDraft::default()
    };
    let full = s
        .create_posting(
            &draft("Intensivsykepleier", Engagement::Permanent, 100),
            None,
        )
        .await
        .unwrap();
    let part = s
        .create_posting(&draft("Sykepleier natt", Engagement::Temporary, 75), None)
        .await
        .unwrap();
    let never = s
        .create_posting(&draft("Utkast", Engagement::Permanent, 100), None)
        .await
        .unwrap();
    for id in [full, part] {
        s.publish_posting(id, clock.today()).await.unwrap();
    }

    sync(s, &worker).await;
    {
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.violations,
            Vec::<String>::new(),
            "every request as documented"
        );
        assert_eq!(seen.ads.len(), 2, "the two open ads, not the draft");
        let by_title = |t: &str| seen.ads.iter().find(|a| a["title"] == t).unwrap().clone();
        let f = by_title("Intensivsykepleier");
        assert_eq!(f["reference"], s_ref(&f));
        assert_eq!(f["properties"]["engagementtype"], "Fast");
        assert_eq!(f["properties"]["extent"], "Heltid");
        assert_eq!(f["properties"]["sector"], "Offentlig");
        assert_eq!(
            f["properties"]["applicationurl"],
            format!("https://jobb.ous.example/jobs/{full}")
        );
        assert_eq!(f["expires"], "2026-12-07T23:59:59");
        assert_eq!(f["contactList"][0]["name"], "Kari Leder");
        let html = f["adText"].as_str().unwrap();
        assert!(
            html.contains("<ul><li>Turnus</li><li>Godt miljø</li></ul>"),
            "{html}"
        );
        assert!(html.contains("<h3>Arbeidsoppgaver</h3>"));
        assert!(html.contains("&lt;og&gt;"), "text is escaped: {html}");
        let p = by_title("Sykepleier natt");
        assert_eq!(p["properties"]["engagementtype"], "Vikariat");
        assert_eq!(p["properties"]["extent"], "Deltid");
        assert_eq!(p["properties"]["jobpercentage"], "75%");
    }
    let post = s.channel_post(full, "nav").await.unwrap().unwrap();
    assert!(post.accepted.0 && post.sent_state == "active");
    assert!(
        post.answer.contains("RECEIVED"),
        "NAV's answer is kept: {}",
        post.answer
    );
    assert!(s.channel_post(never, "nav").await.unwrap().is_none());

    // Nothing changed: nothing is sent.
    sync(s, &worker).await;
    assert_eq!(seen.lock().unwrap().ads.len(), 2);

    // The deadline is extended: sent again. The other ad's deadline day passes: stopped.
    let hr = s
        .create_user(NewUser {
            username: "hr",
            email: "hr@ous.example",
            display_name: "Hanne HR",
            password_hash: None,
        })
        .await
        .unwrap();
    s.extend_deadline(
        full,
        clock.today() + chrono::Days::new(30),
        hr.id,
        clock.today(),
    )
    .await
    .unwrap();
    s.close_posting(part, clock.today()).await.unwrap();
    sync(s, &worker).await;
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.ads.len(), 3);
        assert_eq!(seen.ads[2]["expires"], "2026-12-23T23:59:59");
        let part_ref = s_ref(
            &seen
                .ads
                .iter()
                .find(|a| a["title"] == "Sykepleier natt")
                .unwrap()
                .clone(),
        );
        assert_eq!(seen.stopped, vec![part_ref]);
    }
    assert_eq!(
        s.channel_post(part, "nav")
            .await
            .unwrap()
            .unwrap()
            .sent_state,
        "stopped"
    );
}

fn s_ref(ad: &serde_json::Value) -> String {
    ad["reference"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_ad_nav_refuses_keeps_its_answer_and_the_job_tries_again() {
    let (db, worker, seen, clock, unit_id) = setup().await;
    let s = &db.store;
    let id = s
        .create_posting(
            &PostingDraft {
                title: "Jordmor".into(),
                body: "Vi søker jordmor.".into(),
                unit_id,
                profession: "midwife".into(),
                engagement: Engagement::Permanent,
                extent_percent: 100,
                positions: 1,
                deadline: clock.today() + chrono::Days::new(10),
                ..PostingDraft::default()
            },
            None,
        )
        .await
        .unwrap();
    s.publish_posting(id, clock.today()).await.unwrap();
    let reference = s.posting(id).await.unwrap().reference;
    seen.lock().unwrap().refuse.push(reference);

    let job = s.enqueue_job(&JobKind::SyncNav, now(), 5).await.unwrap();
    worker.drain().await.unwrap();
    let post = s.channel_post(id, "nav").await.unwrap().unwrap();
    assert!(!post.accepted.0);
    assert!(post.answer.contains("ERROR"), "{}", post.answer);
    let (status, attempts, _) = s.job_status(job).await.unwrap();
    assert_eq!(
        (status.as_str(), attempts),
        ("queued", 1),
        "the job runs again later"
    );

    // NAV takes it the next time (here: a new sync, as the hourly one would be).
    seen.lock().unwrap().refuse.clear();
    sync(s, &worker).await;
    let post = s.channel_post(id, "nav").await.unwrap().unwrap();
    assert!(post.accepted.0 && post.attempts == 2);
}
