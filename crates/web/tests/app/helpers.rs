use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::collections::HashMap;
use talentflyt_domain::org::{Role, UnitKind};
use talentflyt_jobs::testing::SmtpInbox;
use talentflyt_jobs::{MailConfig, Mailer, Worker};
use talentflyt_store::testing::TestDb;
use talentflyt_store::{NewUnit, NewUser, OrgUnit};
use talentflyt_web::{hash_password, AppState, WebConfig};
use tower::ServiceExt;

pub const PASSWORD: &str = "et-godt-passord-2026";

pub struct TestApp {
    pub db: TestDb,
    pub router: Router,
    pub worker: Worker,
    pub inbox: SmtpInbox,
    pub trust: OrgUnit,
    pub icu: OrgUnit,
    pub children: OrgUnit,
}

/// The application with a small org tree and three staff users:
/// `hr` (hr_admin on the trust), `leder` (manager of intensive care) and `annen` (manager of a
/// children's ward), all with [`PASSWORD`].
pub async fn spawn_app() -> TestApp {
    spawn_app_with(WebConfig::for_tests()).await
}

pub async fn spawn_app_with(cfg: WebConfig) -> TestApp {
    let db = TestDb::new().await;
    let s = &db.store;
    let trust = s
        .create_unit(NewUnit {
            parent_id: None,
            kind: UnitKind::Trust,
            code: "OUS",
            name_nb: "Oslo universitetssykehus",
            name_en: "Oslo University Hospital",
            site: "",
        })
        .await
        .unwrap();
    let aku = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "AKU",
            name_nb: "Akuttklinikken",
            name_en: "Division of Emergencies and Critical Care",
            site: "Ullevål",
        })
        .await
        .unwrap();
    let icu = s
        .create_unit(NewUnit {
            parent_id: Some(aku.id),
            kind: UnitKind::Department,
            code: "AKU-1",
            name_nb: "Intensivavdelingen",
            name_en: "Department of Intensive Care",
            site: "Ullevål",
        })
        .await
        .unwrap();
    let bar = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "BAR",
            name_nb: "Barne- og ungdomsklinikken",
            name_en: "Division of Paediatric and Adolescent Medicine",
            site: "Rikshospitalet",
        })
        .await
        .unwrap();
    let children = s
        .create_unit(NewUnit {
            parent_id: Some(bar.id),
            kind: UnitKind::Department,
            code: "BAR-1",
            name_nb: "Barneavdelingen",
            name_en: "Paediatric Department",
            site: "Rikshospitalet",
        })
        .await
        .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    for (username, name, role, unit) in [
        ("hr", "Hanne Haugen", Role::HrAdmin, trust.id),
        ("leder", "Lise Leder", Role::Manager, icu.id),
        ("annen", "Ola Annen", Role::Manager, children.id),
        ("ansatt", "Anne Ansatt", Role::Employee, icu.id),
    ] {
        let u = s
            .create_user(NewUser {
                username,
                email: &format!("{username}@ous.example"),
                display_name: name,
                password_hash: Some(&hash),
            })
            .await
            .unwrap();
        s.grant(u.id, role, Some(unit), None).await.unwrap();
    }
    let (port, inbox) = SmtpInbox::start();
    let mail = MailConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        outbox_dir: "unused".into(),
        from: "Talentflyt <noreply@ous.example>".into(),
    };
    let worker = Worker::new(
        db.store.clone(),
        Mailer::new(&mail).unwrap(),
        mail.from.clone(),
    )
    .with_clock(cfg.clock.clone())
    .with_alerts(cfg.alert_site());
    let state = AppState::new(db.store.clone(), cfg, Some(worker.waker()))
        .await
        .unwrap();
    TestApp {
        router: talentflyt_web::router(state),
        db,
        worker,
        inbox,
        trust,
        icu,
        children,
    }
}

/// A browser: keeps cookies, sends a language.
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    pub accept_language: &'static str,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub cache_control: Option<String>,
    /// The `X-Robots-Tag` header.
    pub robots: Option<String>,
    pub body: Vec<u8>,
}

impl Page {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let t = self.text();
        let i = t
            .find("name=\"csrf\" value=\"")
            .expect("page has a CSRF field")
            + 19;
        t[i..i + t[i..].find('"').unwrap()].to_owned()
    }
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            accept_language: "nb-NO,nb;q=0.9",
        }
    }

    /// A client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let csrf = c.get("/login").await.csrf();
        let r = c
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/admin"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{username} signs in: {}",
            r.text()
        );
        c
    }
}

impl Client {
    async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if v.contains("Max-Age=0") || val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let cache_control = res
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|l| l.to_str().unwrap().to_owned());
        let robots = res
            .headers()
            .get("x-robots-tag")
            .map(|l| l.to_str().unwrap().to_owned());
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Page {
            status,
            location,
            content_type,
            cache_control,
            robots,
            body,
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT_LANGUAGE, self.accept_language);
        if !cookie.is_empty() {
            b = b.header(header::COOKIE, cookie);
        }
        b
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(req).await
    }

    pub async fn get_with_bearer(&mut self, uri: &str, token: &str) -> Page {
        let req = self
            .request("GET", uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A multipart form; `file` is (field, file name, bytes).
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Page {
        let files: Vec<(&str, &str, &[u8])> = file.into_iter().collect();
        self.post_multipart_files(uri, fields, &files).await
    }

    /// A multipart form with any number of files: (field, file name, bytes).
    pub async fn post_multipart_files(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let boundary = "----talentflyt-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, filename, bytes) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = self
            .request("POST", uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// The same browser talking to another server instance.
    pub fn with_router(&mut self, router: Router) -> &mut Client {
        self.router = router;
        self
    }

    /// Another tab of the same browser: the same cookies, sent in parallel.
    pub fn clone_browser(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: self.cookies.clone(),
            accept_language: self.accept_language,
        }
    }

    /// Any method with a form body.
    pub async fn send_raw(&mut self, method: &str, uri: &str, body: &str) -> Page {
        let req = self
            .request(method, uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(req).await
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }
}

pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

pub fn in_days(n: u64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(n))
        .format("%Y-%m-%d")
        .to_string()
}

/// HR writes and publishes a posting through the back office; returns its id.
pub async fn publish_posting(app: &TestApp, hr: &mut Client, title: &str, unit_id: i64) -> i64 {
    publish_posting_with(app, hr, title, unit_id, &[]).await
}

/// As [`publish_posting`], with more fields for the form (e.g. a second requirement).
pub async fn publish_posting_with(
    app: &TestApp,
    hr: &mut Client,
    title: &str,
    unit_id: i64,
    more: &[(&str, &str)],
) -> i64 {
    let csrf = hr.get("/admin/postings/new").await.csrf();
    let unit = unit_id.to_string();
    let deadline = in_days(14);
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("title", title),
        ("intro_nb", "Vi søker en engasjert intensivsykepleier."),
        ("duties_nb", "- Pleie av intensivpasienter"),
        ("req_nb_0", "Norsk autorisasjon som sykepleier"),
        ("req_kind_0", "required"),
        ("req_weight_0", "5"),
        ("unit_id", &unit),
        ("profession", "specialist_nurse_intensive"),
        ("engagement", "permanent"),
        ("extent_percent", "100"),
        ("positions", "2"),
        ("deadline", &deadline),
    ];
    fields.extend_from_slice(more);
    let r = hr.post_form("/admin/postings", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.location.unwrap();
    let id: i64 = loc.rsplit('/').next().unwrap().parse().unwrap();
    let page = hr.get(&loc).await;
    assert!(page.text().contains("Utkast"));
    let r = hr
        .post_form(
            &format!("/admin/postings/{id}/publish"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(hr.get(&loc).await.text().contains("Publisert"));
    let _ = app;
    id
}

pub fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The app on a fixed day, rendering every public page afresh (no page cache between steps).
pub async fn app_on(today: &str) -> (TestApp, talentflyt_domain::clock::Clock) {
    let clock = talentflyt_domain::clock::Clock::fixed_on(day(today));
    let mut cfg = WebConfig::for_tests();
    cfg.clock = clock.clone();
    cfg.public_cache_ttl = std::time::Duration::ZERO;
    (spawn_app_with(cfg).await, clock)
}

/// A candidate applies to the posting with a PDF CV, through the store as the form does.
pub async fn apply_to(
    app: &TestApp,
    posting_id: i64,
    given: &str,
    family: &str,
    email: &str,
) -> i64 {
    apply_answering(app, posting_id, (given, family, email), &[], None).await
}

/// As [`apply_to`], with screening answers and a self-declaration.
pub async fn apply_answering(
    app: &TestApp,
    posting_id: i64,
    (given, family, email): (&str, &str, &str),
    answers: &[talentflyt_domain::application::Answer],
    equality: Option<&talentflyt_domain::application::Equality>,
) -> i64 {
    let cv = pdf();
    let a = talentflyt_store::NewApplication {
        posting_id,
        given_name: given,
        family_name: family,
        email,
        source: "career_site",
        files: vec![talentflyt_store::NewFile {
            kind: "cv",
            filename: "cv.pdf",
            content_type: "application/pdf",
            bytes: &cv,
        }],
        ip: "127.0.0.1",
        submission_key: None,
        lang: "nb",
        form: None,
        answers,
        equality,
        talent_pool_until: None,
    };
    app.db
        .store
        .submit_application(&a, &receipt(email))
        .await
        .unwrap()
}

/// Adds the yes/no screening question "Har du norsk autorisasjon?" to the posting, where "no"
/// knocks the applicant out. Returns its id.
pub async fn knockout_question(app: &TestApp, posting_id: i64) -> i64 {
    let s = &app.db.store;
    let q = talentflyt_domain::application::QuestionDraft {
        kind: "yes_no".into(),
        text_nb: "Har du norsk autorisasjon?".into(),
        text_en: "Are you authorised in Norway?".into(),
        required: true,
        knockout: "no".into(),
        ..Default::default()
    };
    assert!(s
        .add_question(posting_id, &q.check(0).unwrap(), 1, "test")
        .await
        .unwrap());
    s.questions(posting_id).await.unwrap().last().unwrap().id
}

/// A candidate sends the whole form (`input` names them) with a PDF CV, through the store.
pub async fn apply_form(
    app: &TestApp,
    posting_id: i64,
    input: &talentflyt_domain::application::ApplicationInput,
) -> i64 {
    let cv = pdf();
    app.db
        .store
        .submit_application(
            &talentflyt_store::NewApplication {
                posting_id,
                given_name: &input.given_name,
                family_name: &input.family_name,
                email: &input.email,
                source: "career_site",
                files: vec![talentflyt_store::NewFile {
                    kind: "cv",
                    filename: "cv.pdf",
                    content_type: "application/pdf",
                    bytes: &cv,
                }],
                ip: "127.0.0.1",
                submission_key: None,
                lang: "nb",
                form: Some(input),
                answers: &[],
                equality: None,
                talent_pool_until: None,
            },
            &receipt(&input.email),
        )
        .await
        .unwrap()
}

/// The receipt e-mail a submission queues (its text does not matter to these tests).
pub fn receipt(to: &str) -> talentflyt_store::OutgoingEmail {
    talentflyt_store::OutgoingEmail {
        to: to.into(),
        subject: "Takk".into(),
        text: "t".into(),
        html: "<p>t</p>".into(),
        template: "application_received".into(),
        list_unsubscribe: None,
        calendar: None,
    }
}

/// HR moves applications of a posting (through the store, as the move page does): to the
/// posting's first stage of `phase`, or rejected with `None`. Returns how many moved.
pub async fn move_as_hr(
    app: &TestApp,
    posting_id: i64,
    ids: &[i64],
    phase: Option<talentflyt_domain::posting::Phase>,
) -> usize {
    use talentflyt_domain::pipeline::Target;
    let s = &app.db.store;
    let hr = s.user_by_username("hr").await.unwrap().unwrap().id;
    let target = match phase {
        None => Target::Reject,
        Some(phase) => Target::Stage(
            s.posting_stages(posting_id)
                .await
                .unwrap()
                .iter()
                .find(|x| x.phase == phase)
                .expect("the posting has a stage of the phase")
                .position,
        ),
    };
    s.move_applications(
        &talentflyt_store::Reader::user(hr, "test"),
        hr,
        &talentflyt_store::MoveRequest {
            posting_id,
            application_ids: ids,
            target,
            reason: "",
        },
        None,
    )
    .await
    .unwrap()
    .moved
    .len()
}

/// Min side's data export: `data.json` from the ZIP, as text and as JSON.
pub async fn export_json(candidate: &mut Client) -> (String, serde_json::Value) {
    let r = candidate.get("/portal/export").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("data.json").unwrap(), &mut json).unwrap();
    let v = serde_json::from_str(&json).unwrap();
    (json, v)
}
