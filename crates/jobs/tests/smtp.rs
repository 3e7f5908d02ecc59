//! The outbox delivers through a real SMTP conversation with a server the test starts.

use std::net::TcpListener;
use talentflyt_domain::Lang;
use talentflyt_jobs::mail::{ApplicationReceived, Brand};
use talentflyt_jobs::testing::SmtpInbox;
use talentflyt_jobs::{MailConfig, Mailer, Worker};
use talentflyt_store::testing::TestDb;

/// A worker sending by SMTP to `port` on this machine, or writing files to `dir` when `port` is None.
fn worker(db: &TestDb, port: Option<u16>, dir: std::path::PathBuf, from: &str) -> Worker {
    let cfg = MailConfig {
        smtp_url: port.map(|p| format!("smtp://127.0.0.1:{p}")),
        outbox_dir: dir,
        from: from.into(),
    };
    Worker::new(db.store.clone(), Mailer::new(&cfg).unwrap(), cfg.from)
}

fn brand() -> Brand {
    Brand {
        org_name: "Oslo universitetssykehus".into(),
        primary_color: "#0b4f8a".into(),
    }
}

#[tokio::test]
async fn a_queued_confirmation_is_delivered_over_smtp() {
    let db = TestDb::new().await;
    let (port, inbox) = SmtpInbox::start();
    let worker = worker(
        &db,
        Some(port),
        "unused".into(),
        "Talentflyt <noreply@ous.example>",
    );
    let mail = ApplicationReceived {
        to: "kari.nordmann@example.no",
        given_name: "Kari",
        posting_title: "Jordmor ved Kvinneklinikken",
        reference: "2026-17",
        deadline: "1. desember 2026",
        receipt: &[],
        portal_url: "https://jobb.example/portal",
    }
    .render(Lang::Nb, &brand())
    .unwrap();
    let outbox_id = db.store.enqueue_email(&mail).await.unwrap();
    assert_eq!(worker.drain().await.unwrap(), 1);
    let msgs = inbox.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].to, vec!["kari.nordmann@example.no".to_string()]);
    let raw = &msgs[0].raw;
    assert!(raw.contains("multipart/alternative"), "text and HTML parts");
    assert!(raw.contains("text/plain") && raw.contains("text/html"));
    assert!(raw.contains("From: Talentflyt <noreply@ous.example>"));
    assert_eq!(
        db.store.outbox_message(outbox_id).await.unwrap().status,
        "sent"
    );
}

#[tokio::test]
async fn when_the_smtp_server_is_down_the_mail_waits_for_a_retry() {
    let db = TestDb::new().await;
    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let worker = worker(&db, Some(port), "unused".into(), "noreply@ous.example");
    let mail = ApplicationReceived {
        to: "ola@example.no",
        given_name: "Ola",
        posting_title: "Bioingeniør",
        reference: "2026-2",
        deadline: "2. desember 2026",
        receipt: &[],
        portal_url: "https://jobb.example/portal",
    }
    .render(Lang::En, &brand())
    .unwrap();
    let id = db.store.enqueue_email(&mail).await.unwrap();
    assert!(worker.run_once().await.unwrap());
    assert!(
        !worker.run_once().await.unwrap(),
        "the retry waits for the backoff"
    );
    let counts = db.store.queue_counts().await.unwrap();
    assert_eq!((counts.queued, counts.failed), (1, 0));
    assert_eq!(
        db.store.outbox_message(id).await.unwrap().status,
        "pending",
        "nothing is lost"
    );
}

#[tokio::test]
async fn without_smtp_the_mail_is_written_as_an_eml_file() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("tf-outbox-{:x}", rand::random::<u64>()));
    let worker = worker(&db, None, dir.clone(), "noreply@ous.example");
    let mail = ApplicationReceived {
        to: "per@example.no",
        given_name: "Per",
        posting_title: "Psykolog",
        reference: "2026-3",
        deadline: "3. desember 2026",
        receipt: &[],
        portal_url: "https://jobb.example/portal",
    }
    .render(Lang::Nb, &brand())
    .unwrap();
    db.store.enqueue_email(&mail).await.unwrap();
    worker.drain().await.unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("To: per@example.no"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_recipient_the_server_refuses_fails_at_once_instead_of_retrying_for_hours() {
    let db = TestDb::new().await;
    let (port, inbox) = SmtpInbox::start_refusing(&["finnes.ikke@example.no"]);
    let worker = worker(&db, Some(port), "unused".into(), "noreply@ous.example");
    let mail = ApplicationReceived {
        to: "finnes.ikke@example.no",
        given_name: "Siv",
        posting_title: "Radiograf",
        reference: "2026-4",
        deadline: "4. desember 2026",
        receipt: &[],
        portal_url: "https://jobb.example/portal",
    }
    .render(Lang::Nb, &brand())
    .unwrap();
    let id = db.store.enqueue_email(&mail).await.unwrap();
    assert!(worker.run_once().await.unwrap());
    let counts = db.store.queue_counts().await.unwrap();
    assert_eq!(
        (counts.queued, counts.failed),
        (0, 1),
        "no retry after a permanent refusal"
    );
    assert_eq!(db.store.outbox_message(id).await.unwrap().status, "failed");
    assert!(inbox.messages().is_empty());
}

#[tokio::test]
async fn an_invitation_goes_out_with_its_calendar_object_for_the_calendar_and_as_a_file() {
    use talentflyt_domain::ical::{calendar, Event, Method, Person};
    let db = TestDb::new().await;
    let (port, inbox) = SmtpInbox::start();
    let worker = worker(&db, Some(port), "unused".into(), "noreply@ous.example");
    let event = Event {
        uid: "interview-7@talentflyt.example".into(),
        sequence: 0,
        start: chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap(),
        minutes: 45,
        summary: "Intervju: Jordmor".into(),
        location: "Ulleval, bygg 3".into(),
        description: String::new(),
        organizer: Person {
            name: "Lise Leder".into(),
            email: "leder@ous.example".into(),
        },
        sent_by: None,
        attendee: Person {
            name: "Kari Nordmann".into(),
            email: "kari@example.no".into(),
        },
        stamp: chrono::Utc::now(),
    };
    for (method, word) in [(Method::Request, "REQUEST"), (Method::Cancel, "CANCEL")] {
        let mut mail = ApplicationReceived {
            to: "kari@example.no",
            given_name: "Kari",
            posting_title: "Jordmor",
            reference: "2026-17",
            deadline: "1. desember 2026",
            receipt: &[],
            portal_url: "https://jobb.example/portal",
        }
        .render(Lang::Nb, &brand())
        .unwrap();
        mail.calendar = Some(calendar(method, &event));
        db.store.enqueue_email(&mail).await.unwrap();
        worker.drain().await.unwrap();
        // The headers as sent; the parts may be quoted-printable ('=' is "=3D"): read decoded.
        let raw = inbox.messages().last().unwrap().raw.clone();
        let body = quoted_printable(&raw);
        assert!(raw.contains("multipart/mixed"), "{raw}");
        assert!(
            raw.contains(&format!(
                "Content-Type: text/calendar; charset=utf-8; method={word}"
            )),
            "{raw}"
        );
        assert!(raw.contains("filename=\"invitasjon.ics\""), "{raw}");
        assert!(body.contains(&format!("METHOD:{word}")), "{body}");
        assert!(body.contains("UID:interview-7@talentflyt.example"));
        assert!(body.contains("DTSTART;TZID=Europe/Oslo:20261203T093000"));
        // The text and HTML are still there for the reader.
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
    }
    assert_eq!(inbox.messages().len(), 2);
}

/// Quoted-printable decoded (RFC 2045 §6.7): soft line breaks joined, "=XX" bytes restored.
fn quoted_printable(s: &str) -> String {
    let joined = s.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'=', Some(x)) => {
                out.push(x);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
