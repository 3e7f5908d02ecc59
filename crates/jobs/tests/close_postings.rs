//! The close-postings job writes down as closed what the calendar has already closed.

use talentflyt_domain::org::UnitKind;
use talentflyt_domain::posting::{Engagement, PostingDraft, PostingStatus};
use talentflyt_domain::Clock;
use talentflyt_jobs::{MailConfig, Mailer, Worker};
use talentflyt_store::testing::TestDb;
use talentflyt_store::{now, JobKind, NewUnit};

#[tokio::test]
async fn published_postings_are_closed_the_day_after_their_deadline() {
    let db = TestDb::new().await;
    let s = &db.store;
    let clock = Clock::fixed_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let dir = std::env::temp_dir().join(format!("tf-close-{:x}", rand::random::<u64>()));
    let cfg = MailConfig {
        smtp_url: None,
        outbox_dir: dir.clone(),
        from: "Talentflyt <noreply@ous.example>".into(),
    };
    let worker =
        Worker::new(s.clone(), Mailer::new(&cfg).unwrap(), cfg.from).with_clock(clock.clone());
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
    let draft = |deadline| PostingDraft {
        title: "Jordmor".into(),
        body: "Vi søker jordmor.".into(),
        unit_id: trust.id,
        profession: "midwife".into(),
        engagement: Engagement::Permanent,
        extent_percent: 100,
        positions: 1,
        deadline,
        ..PostingDraft::default()
    };
    let today = clock.today();
    let ends_today = s.create_posting(&draft(today), None).await.unwrap();
    let ends_later = s
        .create_posting(&draft(today + chrono::Days::new(10)), None)
        .await
        .unwrap();
    let never_published = s.create_posting(&draft(today), None).await.unwrap();
    for id in [ends_today, ends_later] {
        s.publish_posting(id, today).await.unwrap();
    }
    let status = |id| async move { s.posting(id).await.unwrap().status };

    s.enqueue_job(&JobKind::ClosePostings, now(), 3)
        .await
        .unwrap();
    assert_eq!(worker.drain().await.unwrap(), 1);
    assert_eq!(
        status(ends_today).await,
        PostingStatus::Published,
        "open through the deadline day"
    );

    clock.advance(chrono::Duration::days(1));
    s.enqueue_job(&JobKind::ClosePostings, now(), 3)
        .await
        .unwrap();
    assert_eq!(worker.drain().await.unwrap(), 1);
    assert_eq!(status(ends_today).await, PostingStatus::Closed);
    assert_eq!(status(ends_later).await, PostingStatus::Published);
    assert_eq!(
        status(never_published).await,
        PostingStatus::Draft,
        "a draft is never closed"
    );
    let _ = std::fs::remove_dir_all(dir);
}
