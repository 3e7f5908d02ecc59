//! Never lose an application: `kill -9` of the server while candidates submit, then a restart.
//! Every application the server acknowledged (303 to the receipt page) is in the database
//! afterwards, and every stored application's confirmation goes out exactly once (one
//! Message-ID; the outbox row and its job were written in the application's transaction).
//! Runs on SQLite, or on PostgreSQL when TALENTFLYT_TEST_POSTGRES is set.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use talentflyt_jobs::testing::SmtpInbox;
use talentflyt_store::testing::TestDb;
use talentflyt_store::Reader;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server process, killed with SIGKILL when dropped (also when an assertion fails first).
struct Server(Child);

impl Server {
    /// SIGKILL (std's kill on Unix): no shutdown code runs.
    fn kill_9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_9();
    }
}

fn serve(url: &str, port: u16, smtp: u16) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_talentflyt"))
            .args(["serve", "--database-url", url])
            .env_remove("DATABASE_URL")
            .env("TALENTFLYT_BIND", format!("127.0.0.1:{port}"))
            .env("TALENTFLYT_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("TALENTFLYT_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
            .env("TALENTFLYT_LIMIT_APPLICATIONS_PER_IP_HOUR", "100000")
            .env("TALENTFLYT_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start talentflyt serve"),
    )
}

async fn wait_ready(client: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

fn between<'a>(text: &'a str, before: &str) -> &'a str {
    let i = text.find(before).expect(before) + before.len();
    &text[i..i + text[i..].find('"').unwrap()]
}

const PDF: &[u8] = b"%PDF-1.4\n% Talentflyt crash test CV\n%%EOF\n";

/// Fetch the form and send one application: `Ok(Ok(()))` when the server acknowledged it,
/// `Ok(Err(answer))` when it answered something else.
async fn apply_once(
    client: &reqwest::Client,
    base: &str,
    posting: i64,
    email: &str,
    answers: &[(String, String)],
) -> Result<Result<(), String>, reqwest::Error> {
    let form = client
        .get(format!("{base}/jobs/{posting}/apply"))
        .send()
        .await?;
    let cookies: Vec<String> = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let html = form.text().await?;
    let csrf = between(&html, "name=\"csrf\" value=\"").to_owned();
    let key = between(&html, "name=\"submission\" value=\"").to_owned();
    let boundary = "----crash-boundary";
    let mut body = Vec::new();
    for (k, v) in [
        ("csrf", csrf.as_str()),
        ("submission", key.as_str()),
        ("given_name", "Krasj"),
        ("family_name", "Test"),
        ("email", email),
        ("phone", "+47 912 34 567"),
        ("birth_date", "1990-05-17"),
        ("municipality", "Oslo"),
        ("norwegian_level", "native"),
        ("cover_letter", "Jeg søker."),
        ("action", "submit"),
    ]
    .into_iter()
    .chain(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(PDF);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = client
        .post(format!("{base}/jobs/{posting}/apply"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookies.join("; "))
        .body(body)
        .send()
        .await?;
    let acknowledged = r.status() == reqwest::StatusCode::SEE_OTHER
        && r.headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.ends_with("/applied"));
    if acknowledged {
        return Ok(Ok(()));
    }
    let status = r.status();
    let text = r.text().await?;
    let summary = text
        .find("error-summary")
        .map(|i| text[i..].chars().take(400).collect::<String>())
        .unwrap_or_default();
    Ok(Err(format!("{status} {summary}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_applications_survive_kill_9_and_are_confirmed_once() {
    let db = TestDb::new().await;
    let out = Command::new(env!("CARGO_BIN_EXE_talentflyt"))
        .args([
            "demo",
            "--database-url",
            &db.url,
            "--scale",
            "0.02",
            "--years",
            "1",
            "--no-serve",
        ])
        .env_remove("DATABASE_URL")
        .env("CI", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let today = chrono::Utc::now().date_naive().to_string();
    let posting = db.store.open_postings(&today).await.unwrap()[2].id;
    // The posting's screening questions, answered.
    let answers: Arc<Vec<(String, String)>> = Arc::new(
        db.store
            .questions(posting)
            .await
            .unwrap()
            .iter()
            .map(|q| {
                let v = match q.kind {
                    talentflyt_domain::application::QuestionKind::YesNo => "yes",
                    talentflyt_domain::application::QuestionKind::Number => "3",
                    talentflyt_domain::application::QuestionKind::ShortText => "svar",
                    _ => "0",
                };
                (format!("q-{}", q.id), v.to_owned())
            })
            .collect(),
    );
    let before = db
        .store
        .list_applications(&Reader::user(0, "test"), posting)
        .await
        .unwrap()
        .len();

    let (smtp, inbox) = SmtpInbox::start();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut server = serve(&db.url, port, smtp);
    wait_ready(&client, port).await;

    // Eight candidates at a time, each with their own address, until the server is killed.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let n = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (client, base, acked, stop, n, answers) = (
                client.clone(),
                base.clone(),
                acked.clone(),
                stop.clone(),
                n.clone(),
                answers.clone(),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let email = format!("krasj{}@example.no", n.fetch_add(1, Ordering::Relaxed));
                    match apply_once(&client, &base, posting, &email, &answers).await {
                        Ok(Ok(())) => acked.lock().unwrap().push(email),
                        Ok(Err(answer)) => panic!("refused without a crash: {email}: {answer}"),
                        Err(_) => {} // in flight when the server died: may or may not be in
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill_9();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 40,
        "only {} acknowledged before the kill",
        acked.len()
    );

    // Restart on the same database: the worker sends what the dead one left.
    let mut server = serve(&db.url, port, smtp);
    wait_ready(&client, port).await;
    let stored: Vec<String> = db
        .store
        .list_applications(&Reader::user(0, "test"), posting)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.email)
        .filter(|e| e.starts_with("krasj"))
        .collect();
    let stored_set: HashSet<&String> = stored.iter().collect();
    for e in &acked {
        assert!(
            stored_set.contains(e),
            "{e} was acknowledged but is not stored"
        );
    }
    assert_eq!(
        stored.len(),
        stored_set.len(),
        "no application stored twice"
    );
    assert_eq!(
        db.store
            .list_applications(&Reader::user(0, "test"), posting)
            .await
            .unwrap()
            .len(),
        before + stored.len()
    );
    // Every stored application's confirmation arrives, once.
    let deadline = Instant::now() + Duration::from_secs(60);
    let receipts = loop {
        let mut per: HashMap<String, HashSet<String>> = HashMap::new();
        for m in inbox.messages() {
            if !m.raw.contains("Subject: Vi har mottatt") {
                continue;
            }
            let id = m
                .raw
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .unwrap_or("")
                .to_owned();
            for to in &m.to {
                per.entry(to.clone()).or_default().insert(id.clone());
            }
        }
        if stored.iter().all(|e| per.contains_key(e)) || Instant::now() > deadline {
            break per;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    server.kill_9();
    for e in &stored {
        let ids = receipts.get(e).map(HashSet::len).unwrap_or(0);
        assert_eq!(ids, 1, "{e}: {ids} distinct confirmations");
    }
    let strays: Vec<&String> = receipts
        .keys()
        .filter(|k| k.starts_with("krasj") && !stored_set.contains(k))
        .collect();
    assert!(
        strays.is_empty(),
        "confirmations for applications not stored: {strays:?}"
    );
    eprintln!(
        "crash test: {} acknowledged, {} stored (in flight at the kill: {}), each confirmed once",
        acked.len(),
        stored.len(),
        stored.len() - acked.len()
    );
}
