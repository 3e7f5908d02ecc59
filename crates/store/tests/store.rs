//! The storage story, run against SQLite and, when TALENTFLYT_TEST_POSTGRES is set, PostgreSQL.

use talentflyt_domain::org::{Role, UnitKind};
use talentflyt_domain::posting::{Engagement, Phase, PostingDraft, PostingStatus, Transition};
use talentflyt_domain::Refused;
use talentflyt_store::testing::TestDb;
use talentflyt_store::*;

async fn tree(s: &Store) -> (OrgUnit, OrgUnit, OrgUnit) {
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
    let clinic = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "AKU",
            name_nb: "Akuttklinikken",
            name_en: "Emergency clinic",
            site: "Ullevål",
        })
        .await
        .unwrap();
    let dept = s
        .create_unit(NewUnit {
            parent_id: Some(clinic.id),
            kind: UnitKind::Department,
            code: "AKU-INT",
            name_nb: "Intensivavdelingen",
            name_en: "Intensive care",
            site: "Ullevål",
        })
        .await
        .unwrap();
    (trust, clinic, dept)
}

fn draft(unit_id: i64, title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        body: "Vi søker intensivsykepleiere.".into(),
        unit_id,
        profession: "specialist_nurse_intensive".into(),
        engagement: Engagement::Permanent,
        extent_percent: 100,
        positions: 2,
        deadline: chrono::Utc::now().date_naive() + chrono::Days::new(14),
        ..PostingDraft::default()
    }
}

/// A manager who writes ads and sends them for approval.
async fn leader(s: &Store) -> User {
    s.create_user(NewUser {
        username: "leder",
        email: "leder@ous.example",
        display_name: "Lise Leder",
        password_hash: None,
    })
    .await
    .unwrap()
}

fn email(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.into(),
        subject: "Takk".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        template: "application_received".into(),
        list_unsubscribe: None,
        calendar: None,
    }
}

/// Today as the tests' postings count it (their deadlines are two weeks ahead of it).
fn today_date() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

fn app<'a>(posting_id: i64, given: &'a str, mail: &'a str) -> NewApplication<'a> {
    NewApplication {
        posting_id,
        given_name: given,
        family_name: "Nordmann",
        email: mail,
        source: "career_site",
        files: vec![NewFile {
            kind: "cv",
            filename: "cv.pdf",
            content_type: "application/pdf",
            bytes: PDF,
        }],
        ip: "127.0.0.1",
        submission_key: None,
        lang: "nb",
        form: None,
        answers: &[],
        equality: None,
        talent_pool_until: None,
    }
}

#[tokio::test]
async fn the_org_tree_nests_and_refuses_wrong_levels() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    assert_eq!(trust.path, format!("/{}/", trust.id));
    assert_eq!(
        dept.path,
        format!("/{}/{}/{}/", trust.id, clinic.id, dept.id)
    );
    let wrong = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Section,
            code: "X",
            name_nb: "x",
            name_en: "x",
            site: "",
        })
        .await;
    assert!(
        matches!(
            wrong,
            Err(StoreError::Refused(Refused::UnitNesting {
                parent: Some(UnitKind::Trust),
                kind: UnitKind::Section
            }))
        ),
        "a section directly under a trust is refused: {wrong:?}"
    );
    let clinic_at_root = s
        .create_unit(NewUnit {
            parent_id: None,
            kind: UnitKind::Clinic,
            code: "Y",
            name_nb: "y",
            name_en: "y",
            site: "",
        })
        .await;
    assert!(
        matches!(clinic_at_root, Err(StoreError::Refused(_))),
        "only a trust stands at the root"
    );
    assert_eq!(dept.kind, UnitKind::Department);
    let dup = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "AKU",
            name_nb: "x",
            name_en: "x",
            site: "",
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))));
    assert_eq!(s.all_units().await.unwrap().len(), 3);
}

#[tokio::test]
async fn users_get_scoped_access_and_unique_names() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, clinic, dept) = tree(s).await;
    let u = s
        .create_user(NewUser {
            username: "leder",
            email: "leder@ous.example",
            display_name: "Lise Leder",
            password_hash: None,
        })
        .await
        .unwrap();
    s.grant(u.id, Role::Manager, Some(dept.id), None)
        .await
        .unwrap();
    assert!(
        s.grant(u.id, Role::UnionRep, Some(dept.id), None)
            .await
            .is_err(),
        "union reps are granted a posting, not a unit"
    );
    let access = s.access(u.id).await.unwrap();
    assert!(access.may_read_applications_of(&dept.path, 1));
    assert!(!access.may_read_applications_of(&clinic.path, 1));
    let again = s
        .create_user(NewUser {
            username: "leder",
            email: "x@ous.example",
            display_name: "X",
            password_hash: None,
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    // First OIDC login binds the subject by e-mail; later logins find it by subject.
    let found = s
        .user_for_oidc("sub-1", Some("LEDER@ous.example"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, u.id);
    let found = s.user_for_oidc("sub-1", None).await.unwrap().unwrap();
    assert_eq!(found.id, u.id);
    assert!(s
        .user_for_oidc("sub-2", Some("nobody@ous.example"))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn sign_in_attempts_are_reserved_atomically_per_user_name_and_address() {
    let db = TestDb::new().await;
    let s = &db.store;
    // Parallel reservations for one name: exactly five get through, whatever the interleaving.
    let tries: Vec<_> = (0..20)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.reserve_login_attempt("Kari", &format!("10.0.0.{i}"))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for t in tries {
        if t.await.unwrap() == LoginReservation::Allowed {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);
    assert_eq!(
        s.reserve_login_attempt("kari", "10.0.0.99").await.unwrap(),
        LoginReservation::Locked,
        "user names are compared without case"
    );
    // A successful attempt gives its reservation back; another name is not affected.
    assert_eq!(
        s.reserve_login_attempt("ola", "10.0.1.1").await.unwrap(),
        LoginReservation::Allowed
    );
    s.release_login_attempt("ola", "10.0.1.1").await.unwrap();
    for _ in 0..5 {
        assert_eq!(
            s.reserve_login_attempt("ola", "10.0.1.1").await.unwrap(),
            LoginReservation::Allowed
        );
    }
}

#[tokio::test]
async fn published_postings_appear_on_the_career_site_until_the_deadline() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    let id = s
        .create_posting(&draft(dept.id, "Intensivsykepleier 100 %"), None)
        .await
        .unwrap();
    let other = s
        .create_posting(
            &PostingDraft {
                body: "Vi søker sekretær.".into(),
                ..draft(clinic.id, "Sekretær_50%")
            },
            None,
        )
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        s.open_postings(&today).await.unwrap().is_empty(),
        "drafts are not public"
    );
    s.publish_posting(id, today_date()).await.unwrap();
    s.publish_posting(other, today_date()).await.unwrap();
    let open = s.open_postings(&today).await.unwrap();
    assert_eq!(open.len(), 2);
    let intensive = open.iter().find(|o| o.id == id).unwrap();
    assert!(intensive
        .title
        .to_lowercase()
        .contains("intensivsykepleier"));
    assert!(!intensive.reference.is_empty());
    assert_eq!(
        (intensive.unit_path.as_str(), intensive.unit_id),
        (dept.path.as_str(), dept.id)
    );
    assert!(open.iter().any(|o| o.id == other
        && o.unit_path == clinic.path
        && o.unit_path.starts_with(&trust.path)));
    let p = s.posting(id).await.unwrap();
    assert!(p.published_at.is_some());
    assert!(p.reference.ends_with(&format!("-{id}")));
    assert!(
        s.open_postings("2999-01-01").await.unwrap().is_empty(),
        "past the deadline a posting is not open"
    );
}

#[tokio::test]
async fn an_application_is_stored_with_its_cv_email_and_audit_entry_at_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let pid = s
        .create_posting(&draft(dept.id, "Sykepleier"), None)
        .await
        .unwrap();
    let aid = s
        .submit_application(&app(pid, "Åse", "ase@example.no"), &email("ase@example.no"))
        .await
        .unwrap();
    let reader = Reader::user(1, "10.0.0.1");
    let record = s.read_application(&reader, aid).await.unwrap();
    let a = &record.application;
    assert_eq!((a.given_name.as_str(), a.phase), ("Åse", Phase::Applied));
    let docs = &record.documents;
    assert_eq!(docs.len(), 1);
    assert_eq!(
        s.read_document(&reader, aid, docs[0].id)
            .await
            .unwrap()
            .content,
        PDF
    );
    assert!(
        s.read_document(&reader, aid + 1, docs[0].id).await.is_err(),
        "a document is reached only through its own application"
    );
    let trail = s.audit_trail(SubjectKind::Application, aid).await.unwrap();
    assert_eq!(trail.len(), 3, "submitted, read, downloaded");
    assert_eq!(
        (trail[0].actor_kind.as_str(), trail[0].action),
        ("candidate", AuditAction::Create)
    );
    assert_eq!(
        s.queue_counts().await.unwrap().queued,
        2,
        "the confirmation and the reading of the CV's text are queued"
    );
    let mine = StaffScope {
        unit_paths: vec![dept.path.clone()],
        posting_ids: vec![],
    };
    let page = s
        .staff_postings_page(&mine, &StaffFilter::default(), PageAt::Newest, 10)
        .await
        .unwrap();
    assert_eq!(
        page.cards[0].applications, 1,
        "the list counts applications"
    );
    assert_eq!(s.staff_postings_count(&mine).await.unwrap(), 1);

    // A failed transaction leaves nothing behind: a missing posting breaks the foreign key.
    let err = s
        .submit_application(
            &app(pid + 999, "Ola", "ola@example.no"),
            &email("ola@example.no"),
        )
        .await;
    assert!(err.is_err());
    assert_eq!(
        s.queue_counts().await.unwrap().queued,
        2,
        "nothing more queued"
    );
    assert_eq!(s.list_applications(&reader, pid).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_audit_trail_cannot_be_rewritten() {
    let db = TestDb::new().await;
    let s = &db.store;
    s.audit(AuditEvent {
        actor: Actor::User(1),
        action: AuditAction::Read,
        subject_kind: SubjectKind::Application,
        subject_id: 7,
        ip: "10.1.1.1",
        detail: "",
    })
    .await
    .unwrap();
    let entry = &s.audit_trail(SubjectKind::Application, 7).await.unwrap()[0];
    assert_eq!(
        (entry.actor_id, entry.action, entry.ip.as_str()),
        (Some(1), AuditAction::Read, "10.1.1.1")
    );
    assert!(
        talentflyt_store::testing::try_tamper_with_audit(s, entry.id)
            .await
            .is_err()
    );
    assert_eq!(
        s.audit_trail(SubjectKind::Application, 7).await.unwrap()[0].detail,
        ""
    );
}

#[tokio::test]
async fn failed_jobs_retry_with_backoff_then_give_up() {
    let db = TestDb::new().await;
    let s = &db.store;
    let id = s
        .enqueue_job(&JobKind::ClosePostings, now(), 2)
        .await
        .unwrap();
    let job = s.claim_job("w1", 60).await.unwrap().unwrap();
    assert_eq!((job.id, job.attempts), (id, 1));
    assert!(
        s.claim_job("w2", 60).await.unwrap().is_none(),
        "a taken job is not taken again"
    );
    let JobOutcome::Retry(at) = s.fail_job(&job, "smtp down", false).await.unwrap() else {
        panic!("should retry")
    };
    assert!(at >= now() + 29);
    assert!(
        s.claim_job("w1", 60).await.unwrap().is_none(),
        "not before the backoff has passed"
    );
    // Make it due now, as if the backoff had passed.
    let id2 = s
        .enqueue_job(&JobKind::ClosePostings, now() - 10, 1)
        .await
        .unwrap();
    let job2 = s.claim_job("w1", 60).await.unwrap().unwrap();
    assert_eq!(job2.id, id2);
    assert_eq!(
        s.fail_job(&job2, "boom", false).await.unwrap(),
        JobOutcome::Failed
    );
    assert_eq!(s.job_status(id2).await.unwrap().0, "failed");
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_again_after_its_lease() {
    let db = TestDb::new().await;
    let s = &db.store;
    let id = s
        .enqueue_job(&JobKind::ClosePostings, now(), 3)
        .await
        .unwrap();
    let first = s.claim_job("dies", -1).await.unwrap().unwrap();
    let again = s.claim_job("lives", 60).await.unwrap().unwrap();
    assert_eq!((first.id, again.id, again.attempts), (id, id, 2));
    s.complete_job(id).await.unwrap();
    assert_eq!(s.job_status(id).await.unwrap().0, "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_take_each_job_exactly_once() {
    let db = TestDb::new().await;
    let a = db.store.clone();
    let b = db.second_instance().await;
    let n = 60;
    for _ in 0..n {
        a.enqueue_job(&JobKind::ClosePostings, now(), 3)
            .await
            .unwrap();
    }
    let take = |s: Store, name: &'static str| {
        tokio::spawn(async move {
            let mut got = vec![];
            while let Some(j) = s.claim_job(name, 60).await.unwrap() {
                got.push(j.id);
                s.complete_job(j.id).await.unwrap();
            }
            got
        })
    };
    let (x, y, z) = (
        take(a.clone(), "a1"),
        take(b.clone(), "b1"),
        take(b.clone(), "b2"),
    );
    let mut all: Vec<i64> = [x.await.unwrap(), y.await.unwrap(), z.await.unwrap()].concat();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, n, "every job taken once");
    assert_eq!(all.len(), n, "no job taken twice");
    assert_eq!(a.queue_counts().await.unwrap().done, n as i64);
}

#[tokio::test]
async fn queued_jobs_survive_a_restart() {
    let db = TestDb::new().await;
    let id = db
        .store
        .enqueue_job(&JobKind::SendEmail { outbox_id: 41 }, now(), 3)
        .await
        .unwrap();
    db.store.close().await;
    // A new process: a fresh connection pool to the same database.
    let restarted = db.second_instance().await;
    let job = restarted
        .claim_job("after-restart", 60)
        .await
        .unwrap()
        .expect("the job is still there");
    assert_eq!(
        (job.id, job.work().unwrap()),
        (id, JobKind::SendEmail { outbox_id: 41 })
    );
}

#[tokio::test]
async fn search_ignores_case_for_norwegian_letters_too() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let id = s
        .create_posting(&draft(dept.id, "Sykepleier ØNH-poliklinikken"), None)
        .await
        .unwrap();
    s.publish_posting(id, today_date()).await.unwrap();
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let open = s.open_postings(&today).await.unwrap();
    let everything = StaffScope {
        unit_paths: vec!["/".into()],
        posting_ids: vec![],
    };
    for word in ["ønh", "ØNH", "Ønh-POLIKLINIKKEN"] {
        let lower = word.to_lowercase();
        assert!(open[0].title.to_lowercase().contains(&lower), "{word}");
        let f = StaffFilter {
            words: vec![lower],
            today: today_date(),
            ..Default::default()
        };
        assert_eq!(
            s.staff_postings_filtered_count(&everything, &f, 10)
                .await
                .unwrap(),
            1,
            "{word}"
        );
    }
}

#[tokio::test]
async fn reading_applications_leaves_an_entry_for_every_application_read() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let pid = s
        .create_posting(&draft(dept.id, "Sykepleier"), None)
        .await
        .unwrap();
    let other = s
        .create_posting(&draft(dept.id, "Lege"), None)
        .await
        .unwrap();
    let mut ids = vec![];
    for (name, mail) in [("Åse", "ase@example.no"), ("Ola", "ola@example.no")] {
        ids.push(
            s.submit_application(&app(pid, name, mail), &email(mail))
                .await
                .unwrap(),
        );
    }
    let elsewhere = s
        .submit_application(
            &app(other, "Per", "per@example.no"),
            &email("per@example.no"),
        )
        .await
        .unwrap();
    let trail = |id| async move {
        s.audit_trail(SubjectKind::Application, id)
            .await
            .unwrap()
            .into_iter()
            .skip(1) // the candidate's own "create"
            .map(|e| (e.actor_id, e.action, e.ip, e.detail))
            .collect::<Vec<_>>()
    };

    // The cheap lookup that decides visibility reads no personal data and leaves no entry.
    assert_eq!(s.application_posting_id(ids[0]).await.unwrap(), pid);
    assert!(matches!(
        s.application_posting_id(9999).await,
        Err(StoreError::NotFound)
    ));
    assert!(trail(ids[0]).await.is_empty());

    let manager = Reader::user(5, "10.0.0.5");
    let listed = s.list_applications(&manager, pid).await.unwrap();
    assert_eq!(listed.iter().map(|a| a.id).collect::<Vec<_>>(), ids);
    let listed_entry = (
        Some(5),
        AuditAction::List,
        "10.0.0.5".to_owned(),
        format!("posting {pid}"),
    );
    for id in &ids {
        assert_eq!(trail(*id).await, std::slice::from_ref(&listed_entry));
    }
    assert!(
        trail(elsewhere).await.is_empty(),
        "another posting's applicant was not listed"
    );

    let record = s.read_application(&manager, ids[1]).await.unwrap();
    let doc = record.documents[0].id;
    s.read_document(&manager, ids[1], doc).await.unwrap();
    let union_rep = Reader::user(6, "10.0.0.6");
    s.audit_denied(&union_rep, SubjectKind::Application, ids[1])
        .await
        .unwrap();
    assert_eq!(
        trail(ids[1]).await,
        [
            listed_entry,
            (Some(5), AuditAction::Read, "10.0.0.5".into(), "".into()),
            (
                Some(5),
                AuditAction::Download,
                "10.0.0.5".into(),
                format!("document {doc}")
            ),
            (Some(6), AuditAction::Denied, "10.0.0.6".into(), "".into()),
        ]
    );

    // What is not there is neither read nor audited.
    assert!(matches!(
        s.read_application(&manager, 9999).await,
        Err(StoreError::NotFound)
    ));
    assert!(s
        .audit_trail(SubjectKind::Application, 9999)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.read_document(&manager, ids[0], doc).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(trail(ids[0]).await.len(), 1, "only the list entry");
}

#[tokio::test]
async fn a_posting_goes_from_draft_to_published_to_closed_and_no_other_way() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let today = today_date();
    let id = s
        .create_posting(&draft(dept.id, "Sykepleier"), None)
        .await
        .unwrap();
    let refused = |r: Result<()>| match r {
        Err(StoreError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(s.close_posting(id, today).await),
        Refused::PostingTransition {
            from: PostingStatus::Draft,
            transition: Transition::Close
        }
    );
    let p = s.posting(id).await.unwrap();
    assert_eq!((p.status, p.published_at), (PostingStatus::Draft, None));
    assert_eq!(p.engagement, Engagement::Permanent);

    s.publish_posting(id, today).await.unwrap();
    let p = s.posting(id).await.unwrap();
    assert_eq!(p.status, PostingStatus::Published);
    assert!(p.published_at.is_some());
    assert!(matches!(
        s.publish_posting(id, today).await,
        Err(StoreError::Refused(Refused::PostingTransition { .. }))
    ));

    s.close_posting(id, today).await.unwrap();
    assert_eq!(s.posting(id).await.unwrap().status, PostingStatus::Closed);
    assert!(matches!(
        s.publish_posting(id, today).await,
        Err(StoreError::Refused(_))
    ));
    assert!(
        s.open_postings(&today.format("%Y-%m-%d").to_string())
            .await
            .unwrap()
            .is_empty(),
        "a closed posting is not listed"
    );
    assert!(matches!(
        s.publish_posting(9999, today).await,
        Err(StoreError::NotFound)
    ));

    // A draft whose deadline day is over is not published.
    let late = s
        .create_posting(&draft(dept.id, "Sent"), None)
        .await
        .unwrap();
    assert_eq!(
        refused(s.publish_posting(late, today + chrono::Days::new(15)).await),
        Refused::DeadlinePassed
    );
}

#[tokio::test]
async fn postings_past_their_deadline_are_closed_in_bulk_and_drafts_left_alone() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let today = today_date();
    let published = s
        .create_posting(&draft(dept.id, "Publisert"), None)
        .await
        .unwrap();
    s.publish_posting(published, today).await.unwrap();
    let drafted = s
        .create_posting(&draft(dept.id, "Utkast"), None)
        .await
        .unwrap();
    // The deadline is 14 days ahead: on the deadline day nothing closes, the day after it does.
    assert_eq!(
        s.close_expired_postings(today + chrono::Days::new(14))
            .await
            .unwrap(),
        0
    );
    let p = s.posting(published).await.unwrap();
    assert_eq!(
        p.effective_status(today + chrono::Days::new(15)),
        PostingStatus::Closed,
        "it counts as closed before the job writes it down"
    );
    assert!(!p.public_view(today + chrono::Days::new(15)).is_listed());
    assert!(p.public_view(today + chrono::Days::new(15)).is_visible());
    assert_eq!(
        s.close_expired_postings(today + chrono::Days::new(15))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.posting(published).await.unwrap().status,
        PostingStatus::Closed
    );
    assert_eq!(
        s.posting(drafted).await.unwrap().status,
        PostingStatus::Draft
    );
}

/// On PostgreSQL the server can run as a role that may only add to and read the audit trail;
/// even the owner cannot empty it (README, "Running on PostgreSQL").
#[tokio::test]
async fn on_postgresql_the_audit_trail_cannot_be_emptied_and_the_app_role_only_appends() {
    let db = TestDb::new().await;
    let s = &db.store;
    if s.backend() != Backend::Postgres {
        return;
    }
    s.audit(AuditEvent {
        actor: Actor::System,
        action: AuditAction::Read,
        subject_kind: SubjectKind::Application,
        subject_id: 1,
        ip: "test",
        detail: "",
    })
    .await
    .unwrap();
    let refused = testing::execute_raw(s, "TRUNCATE audit_log").await;
    assert!(refused.is_err(), "TRUNCATE is refused");
    let role = format!("tf_app_{}", rand::random::<u32>());
    testing::execute_raw(
        s,
        &format!(
            "CREATE ROLE {role} NOLOGIN;
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};
             REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role};"
        ),
    )
    .await
    .unwrap();
    testing::execute_as(
        s,
        &role,
        "INSERT INTO audit_log (at, actor_kind, action, subject_kind, subject_id, ip, detail) VALUES (1, 'system', 'read', 'application', 2, 'test', '')",
    )
    .await
    .expect("the app role adds to the trail");
    testing::execute_as(s, &role, "SELECT COUNT(*) FROM audit_log")
        .await
        .expect("and reads it");
    for sql in [
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = testing::execute_as(s, &role, sql).await;
        assert!(err.is_err(), "{sql} as the app role");
    }
    let _ = testing::execute_raw(s, &format!("DROP OWNED BY {role}; DROP ROLE {role};")).await;
}

/// The back-office list pages by key: older and newer links walk every posting in scope exactly
/// once, newest first, also when many were created in the same second.
#[tokio::test]
async fn the_staff_list_pages_by_key_through_every_posting_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    let mut ids = vec![];
    for i in 0..7 {
        ids.push(
            s.create_posting(&draft(dept.id, &format!("P{i}")), None)
                .await
                .unwrap(),
        );
    }
    let elsewhere = s
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "BAR",
            name_nb: "Barneklinikken",
            name_en: "Children",
            site: "",
        })
        .await
        .unwrap();
    s.create_posting(&draft(elsewhere.id, "Annen"), None)
        .await
        .unwrap();
    ids.reverse();
    let scope = StaffScope {
        unit_paths: vec![clinic.path.clone()],
        posting_ids: vec![],
    };
    assert_eq!(s.staff_postings_count(&scope).await.unwrap(), 7);
    let mut seen = vec![];
    let mut pages = vec![];
    let mut at = PageAt::Newest;
    loop {
        let page = s
            .staff_postings_page(&scope, &StaffFilter::default(), at, 3)
            .await
            .unwrap();
        seen.extend(page.cards.iter().map(|c| c.id));
        pages.push(page.clone());
        match page.older {
            Some(c) => at = PageAt::Older(c.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ids, "newest first, each once, none from elsewhere");
    assert_eq!(pages.len(), 3);
    assert!(
        pages[0].newer.is_none(),
        "nothing newer than the first page"
    );
    // Back from the last page to the newest.
    let back = s
        .staff_postings_page(
            &scope,
            &StaffFilter::default(),
            PageAt::Newer(pages[2].newer.clone().unwrap()),
            3,
        )
        .await
        .unwrap();
    assert_eq!(
        back.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
        pages[1].cards.iter().map(|c| c.id).collect::<Vec<_>>()
    );
    assert!(back.newer.is_some() && back.older.is_some());
    // A granted posting elsewhere is in the scope too.
    let granted = StaffScope {
        unit_paths: vec![],
        posting_ids: vec![ids[0]],
    };
    let page = s
        .staff_postings_page(&granted, &StaffFilter::default(), PageAt::Newest, 3)
        .await
        .unwrap();
    assert_eq!(page.cards.len(), 1);
    assert!(s.latest_posting_id().await.unwrap() > ids[0]);
}

/// A manager's part-time substitute request goes through HR and the clinic leader, every step in
/// its log; a decided requisition takes no second decision; the requester is told.
#[tokio::test]
async fn a_requisition_goes_through_the_approval_chain_with_every_step_logged() {
    use talentflyt_domain::requisition::*;
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let manager = s
        .create_user(NewUser {
            username: "leder",
            email: "leder@ous.example",
            display_name: "Lise Leder",
            password_hash: None,
        })
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    let form = RequisitionForm {
        unit_id: dept.id.to_string(),
        profession: "nurse".into(),
        positions: "4".into(),
        extent_percent: "60".into(),
        engagement: "temporary".into(),
        ground: "b".into(),
        replaces: "Stilling 40213".into(),
        until: "2027-12-31".into(),
        start_date: "2027-03-01".into(),
        cost_centre: "AKU-4410".into(),
        part_time_justification: "Helgestillinger: behovet er annenhver helg i turnusen.".into(),
        union_discussed_on: "2027-01-20".into(),
    };
    let r = Requisition::parse(&form, today).unwrap();
    let id = s.create_requisition(&r, manager.id).await.unwrap();
    let row = s.requisition(id).await.unwrap();
    assert_eq!(row.status, RequisitionStatus::Submitted);
    assert_eq!(row.temporary_ground.as_deref(), Some("b"));
    assert_eq!(row.substitute_until.as_deref(), Some("2027-12-31"));
    assert!(row.part_time_justification.is_some());
    let policy = ApprovalPolicy::default();
    let queued = s.queue_counts().await.unwrap().queued;
    assert_eq!(
        s.decide_requisition(id, manager.id, &policy, Decision::Approve, "", None)
            .await
            .unwrap(),
        RequisitionStatus::Submitted,
        "four positions: the clinic leader decides next"
    );
    assert_eq!(
        s.decide_requisition(
            id,
            manager.id,
            &policy,
            Decision::Approve,
            "",
            Some(&email("leder@ous.example"))
        )
        .await
        .unwrap(),
        RequisitionStatus::Approved
    );
    assert_eq!(
        s.queue_counts().await.unwrap().queued,
        queued + 1,
        "the requester is told"
    );
    assert!(matches!(
        s.decide_requisition(id, manager.id, &policy, Decision::Reject, "for sent", None)
            .await,
        Err(StoreError::Refused(_))
    ));
    let log: Vec<String> = s
        .requisition_events(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.user_name))
        .collect();
    assert_eq!(
        log,
        [
            "submit Lise Leder",
            "approve Lise Leder",
            "approve Lise Leder"
        ]
    );
    // Returned with a comment, which is kept.
    let other = s.create_requisition(&r, manager.id).await.unwrap();
    s.decide_requisition(
        other,
        manager.id,
        &policy,
        Decision::Return,
        "Mangler kostnadssted",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        s.requisition(other).await.unwrap().status,
        RequisitionStatus::Returned
    );
    assert_eq!(
        s.requisition_events(other).await.unwrap()[1].comment,
        "Mangler kostnadssted"
    );
    let listed = s
        .requisitions_in(
            std::slice::from_ref(&dept.path),
            Some(RequisitionStatus::Returned),
            10,
        )
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [other]);
}

/// The register finds the holders a requisition must consider, §14-2 first, and keeps what HR
/// recorded for each; the ad may go external only when every holder is tried.
#[tokio::test]
async fn preferential_rights_are_matched_ranked_and_settled_before_an_external_ad() {
    use talentflyt_domain::preference::*;
    use talentflyt_domain::requisition::*;
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, _, dept) = tree(s).await;
    for id in [1, 2, 3] {
        testing::add_employee(s, id, dept.id).await.unwrap();
    }
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    s.add_preference_right(
        1,
        RightKind::PartTime,
        "nurse",
        trust.id,
        d("2026-01-01"),
        d("2027-12-31"),
    )
    .await
    .unwrap();
    s.add_preference_right(
        2,
        RightKind::Redundancy,
        "nurse",
        trust.id,
        d("2026-09-01"),
        d("2027-09-01"),
    )
    .await
    .unwrap();
    s.add_preference_right(
        3,
        RightKind::Redundancy,
        "nurse",
        trust.id,
        d("2025-01-01"),
        d("2026-12-31"),
    )
    .await
    .unwrap();
    assert!(
        s.add_preference_right(
            3,
            RightKind::PartTime,
            "nurse",
            trust.id,
            d("2027-01-01"),
            d("2026-01-01")
        )
        .await
        .is_err(),
        "ends before it starts"
    );
    let manager = s
        .create_user(NewUser {
            username: "leder",
            email: "leder@ous.example",
            display_name: "Lise Leder",
            password_hash: None,
        })
        .await
        .unwrap();
    let today = d("2027-02-01");
    let form = RequisitionForm {
        unit_id: dept.id.to_string(),
        profession: "nurse".into(),
        positions: "1".into(),
        extent_percent: "100".into(),
        engagement: "permanent".into(),
        start_date: "2027-03-01".into(),
        cost_centre: "AKU-4410".into(),
        ..Default::default()
    };
    let id = s
        .create_requisition(&Requisition::parse(&form, today).unwrap(), manager.id)
        .await
        .unwrap();
    let row = s.requisition(id).await.unwrap();
    let holders = s.holders_for_requisition(&row, today).await.unwrap();
    let ids: Vec<i64> = holders.iter().map(|h| h.employee_id).collect();
    assert_eq!(ids, [2, 1], "§14-2 first; number 3's right has expired");
    let refs: Vec<&PreferenceRight> = holders.iter().collect();
    s.record_preference_outcome(id, 2, Outcome::Declined, Some(d("2027-01-10")), manager.id)
        .await
        .unwrap();
    let outcomes = s.preference_outcomes(id).await.unwrap();
    assert_eq!(
        may_advertise_externally(&refs, &outcomes, 1),
        Err(ExternalAdBlocked::Undecided(1))
    );
    s.record_preference_outcome(id, 1, Outcome::Accepted, Some(d("2027-01-12")), manager.id)
        .await
        .unwrap();
    s.record_preference_outcome(id, 1, Outcome::NotQualified, None, manager.id)
        .await
        .unwrap();
    let outcomes = s.preference_outcomes(id).await.unwrap();
    assert_eq!(outcomes.len(), 2, "a second record replaces the first");
    assert_eq!(may_advertise_externally(&refs, &outcomes, 1), Ok(()));
}

/// The back-office list filtered by words, status, unit, profession and deadline, and sorted by
/// deadline, pages by key through exactly the postings that match.
#[tokio::test]
async fn the_staff_list_filters_and_sorts_by_deadline_page_by_page() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    let today = chrono::Utc::now().date_naive();
    let mut made = vec![];
    for i in 0..6u64 {
        let d = PostingDraft {
            deadline: today + chrono::Days::new(20 - i),
            profession: if i % 2 == 0 { "nurse" } else { "midwife" }.into(),
            ..draft(dept.id, &format!("Sykepleier Ø{i}"))
        };
        made.push((s.create_posting(&d, None).await.unwrap(), d.deadline));
    }
    s.publish_posting(made[0].0, today).await.unwrap();
    let writer = leader(s).await;
    s.request_posting_approval(made[1].0, writer.id)
        .await
        .unwrap();
    let scope = StaffScope {
        unit_paths: vec![trust.path.clone()],
        posting_ids: vec![],
    };
    let base = StaffFilter {
        today,
        ..StaffFilter::default()
    };
    let ids = |cards: &[PostingCard]| cards.iter().map(|c| c.id).collect::<Vec<_>>();
    // Soonest deadline first, two a page, forward and back.
    let by_deadline = StaffFilter {
        sort: StaffSort::DeadlineSoonest,
        ..base.clone()
    };
    let mut expected = made.clone();
    expected.sort_by_key(|(id, d)| (*d, *id));
    let expected: Vec<i64> = expected.into_iter().map(|(id, _)| id).collect();
    let mut seen = vec![];
    let mut at = PageAt::Newest;
    let mut pages = vec![];
    loop {
        let page = s
            .staff_postings_page(&scope, &by_deadline, at, 2)
            .await
            .unwrap();
        seen.extend(ids(&page.cards));
        pages.push(page.clone());
        match page.older {
            Some(c) => at = PageAt::Older(c),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    let back = s
        .staff_postings_page(
            &scope,
            &by_deadline,
            PageAt::Newer(pages[2].newer.clone().unwrap()),
            2,
        )
        .await
        .unwrap();
    assert_eq!(ids(&back.cards), ids(&pages[1].cards));
    // Filters.
    let count = |f: StaffFilter| {
        let scope = scope.clone();
        async move {
            s.staff_postings_filtered_count(&scope, &f, 1000)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count(StaffFilter {
            words: vec!["ø3".into()],
            ..base.clone()
        })
        .await,
        1,
        "words match the title, Norwegian letters folded"
    );
    let reference = s.posting(made[4].0).await.unwrap().reference;
    assert_eq!(
        count(StaffFilter {
            words: vec![reference.to_lowercase()],
            ..base.clone()
        })
        .await,
        1,
        "and the reference"
    );
    assert_eq!(
        count(StaffFilter {
            stage: Some(StageFilter::Published),
            ..base.clone()
        })
        .await,
        1
    );
    assert_eq!(
        count(StaffFilter {
            stage: Some(StageFilter::AwaitingApproval),
            ..base.clone()
        })
        .await,
        1
    );
    assert_eq!(
        count(StaffFilter {
            stage: Some(StageFilter::Draft),
            ..base.clone()
        })
        .await,
        4
    );
    assert_eq!(
        count(StaffFilter {
            profession: Some("midwife".into()),
            ..base.clone()
        })
        .await,
        3
    );
    assert_eq!(
        count(StaffFilter {
            unit_path: Some(clinic.path.clone()),
            deadline_from: Some(today + chrono::Days::new(17)),
            deadline_to: Some(today + chrono::Days::new(19)),
            ..base.clone()
        })
        .await,
        3
    );
    assert_eq!(
        count(StaffFilter {
            words: vec!["100%_".into()],
            ..base.clone()
        })
        .await,
        0,
        "LIKE wildcards are taken literally"
    );
    assert_eq!(
        s.staff_postings_filtered_count(&scope, &base, 4)
            .await
            .unwrap(),
        4,
        "counted up to the cap"
    );
}

/// The list is served from memory: a change committed by another instance (a new unit, a new
/// posting, a posting sent for approval) shows on the next page this instance loads.
#[tokio::test]
async fn the_staff_list_shows_every_change_at_once_on_every_instance() {
    let db = TestDb::new().await;
    let a = &db.store;
    let (trust, _, dept) = tree(a).await;
    let first = a
        .create_posting(&draft(dept.id, "Sykepleier natt"), None)
        .await
        .unwrap();
    let scope = StaffScope {
        unit_paths: vec![trust.path.clone()],
        posting_ids: vec![],
    };
    let today = today_date();
    let awaiting = StaffFilter {
        stage: Some(StageFilter::AwaitingApproval),
        today,
        ..StaffFilter::default()
    };
    assert_eq!(a.staff_postings_count(&scope).await.unwrap(), 1);
    assert_eq!(
        a.staff_postings_filtered_count(&scope, &awaiting, 10)
            .await
            .unwrap(),
        0
    );

    let b = db.second_instance().await;
    let unit = b
        .create_unit(NewUnit {
            parent_id: Some(trust.id),
            kind: UnitKind::Clinic,
            code: "KVI",
            name_nb: "Kvinneklinikken",
            name_en: "Women's clinic",
            site: "Ullevål",
        })
        .await
        .unwrap();
    let second = b
        .create_posting(&draft(unit.id, "Jordmor"), None)
        .await
        .unwrap();
    let writer = leader(&b).await;
    b.request_posting_approval(first, writer.id).await.unwrap();

    // The list as the back office asks for it: the page from memory, checked against the
    // change counter read with the application counts.
    let (page, n) = a
        .staff_list_page(&scope, &awaiting, PageAt::Newest, 10, 100)
        .await
        .unwrap();
    assert_eq!(
        (page.cards.iter().map(|c| c.id).collect::<Vec<_>>(), n),
        (vec![first], 1),
        "sent for approval on the other instance"
    );
    let (page, n) = a
        .staff_list_page(&scope, &StaffFilter::default(), PageAt::Newest, 10, 100)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(page.cards[0].id, second);

    let page = a
        .staff_postings_page(&scope, &StaffFilter::default(), PageAt::Newest, 10)
        .await
        .unwrap();
    assert_eq!(
        page.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![second, first],
        "the new posting in the new unit is in the trust's list"
    );
    assert_eq!(page.cards[0].unit_path, unit.path);
    assert_eq!(a.staff_postings_count(&scope).await.unwrap(), 2);
    let sent = a
        .staff_postings_page(&scope, &awaiting, PageAt::Newest, 10)
        .await
        .unwrap();
    assert_eq!(
        sent.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![first]
    );
    let in_new_unit = StaffFilter {
        unit_path: Some(unit.path.clone()),
        today,
        ..StaffFilter::default()
    };
    assert_eq!(
        a.staff_postings_filtered_count(&scope, &in_new_unit, 10)
            .await
            .unwrap(),
        1
    );
}

/// Every filter and order the list offers, tried at random on postings of every kind, gives
/// what a plain check of each posting gives, and paging forward and back visits each match once.
#[tokio::test]
async fn the_staff_list_answers_every_filter_like_a_plain_check_of_each_posting() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    let today = today_date();
    let writer = leader(s).await;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let titles = [
        "Intensivsykepleier",
        "Sykepleier natt",
        "Jordmor føde",
        "Overlege ØNH",
        "Psykolog barn",
    ];
    let professions = ["nurse", "midwife", "senior_consultant", "psychologist"];
    let units = [&trust, &clinic, &dept];
    let weeks_ago = today - chrono::Days::new(15);
    let mut made = vec![];
    for i in 0..60u64 {
        let d = PostingDraft {
            // Every fifth ends today: still open today, closed tomorrow.
            deadline: if i % 5 == 0 {
                today
            } else {
                today - chrono::Days::new(10) + chrono::Days::new(next(30))
            },
            profession: professions[next(4) as usize].into(),
            ..draft(
                units[next(3) as usize].id,
                &format!("{} {i}", titles[next(5) as usize]),
            )
        };
        let id = s.create_posting(&d, None).await.unwrap();
        match next(4) {
            0 => {}
            1 => s.request_posting_approval(id, writer.id).await.unwrap(),
            // Published some weeks ago: some of these are past their deadline by now.
            2 => s.publish_posting(id, weeks_ago).await.unwrap(),
            _ => {
                s.publish_posting(id, weeks_ago).await.unwrap();
                s.close_posting(id, today).await.unwrap();
            }
        }
        made.push(s.posting(id).await.unwrap());
    }
    let created: std::collections::HashMap<i64, i64> =
        made.iter().map(|p| (p.id, p.created_at)).collect();
    let path_of = |unit_id: i64| {
        units
            .iter()
            .find(|u| u.id == unit_id)
            .map(|u| u.path.clone())
            .unwrap()
    };
    let words = ["sykepleier", "ØNH", "natt 1", "barn", "zz", "ref"];
    for round in 0..150 {
        let scope = match next(3) {
            0 => StaffScope {
                unit_paths: vec![trust.path.clone()],
                posting_ids: vec![],
            },
            1 => StaffScope {
                unit_paths: vec![dept.path.clone()],
                posting_ids: vec![made[0].id, made[1].id],
            },
            _ => StaffScope {
                unit_paths: vec![clinic.path.clone()],
                posting_ids: vec![],
            },
        };
        let mut f = StaffFilter {
            today,
            sort: StaffSort::ALL[next(4) as usize],
            ..StaffFilter::default()
        };
        if next(2) == 0 {
            let w = words[next(words.len() as u64) as usize];
            f.words = if w == "ref" {
                vec![made[next(60) as usize].reference.to_lowercase()]
            } else {
                w.split_whitespace().map(|w| w.to_lowercase()).collect()
            };
        }
        if next(2) == 0 {
            f.stage = Some(StageFilter::ALL[next(4) as usize]);
        }
        if next(3) == 0 {
            f.unit_path = Some(path_of(units[next(3) as usize].id));
        }
        if next(3) == 0 {
            f.profession = Some(professions[next(4) as usize].into());
        }
        if next(3) == 0 {
            f.deadline_from = Some(today - chrono::Days::new(5));
            f.deadline_to = Some(today + chrono::Days::new(next(20)));
        }
        // The plain check.
        let mut expected: Vec<&Posting> = made
            .iter()
            .filter(|p| {
                let path = path_of(p.unit_id);
                let deadline = chrono::NaiveDate::parse_from_str(&p.deadline, "%Y-%m-%d").unwrap();
                let title = format!("{} {} {}", p.title, p.title_en, p.reference).to_lowercase();
                (scope.unit_paths.iter().any(|s| path.starts_with(s))
                    || scope.posting_ids.contains(&p.id))
                    && f.unit_path.as_ref().is_none_or(|u| path.starts_with(u))
                    && f.profession.as_ref().is_none_or(|x| *x == p.profession)
                    && f.deadline_from.is_none_or(|d| deadline >= d)
                    && f.deadline_to.is_none_or(|d| deadline <= d)
                    && f.words.iter().all(|w| title.contains(w.as_str()))
                    && match f.stage {
                        None => true,
                        Some(StageFilter::Draft) => {
                            p.status == PostingStatus::Draft && p.review_requested_at.is_none()
                        }
                        Some(StageFilter::AwaitingApproval) => {
                            p.status == PostingStatus::Draft && p.review_requested_at.is_some()
                        }
                        Some(StageFilter::Published) => {
                            p.status == PostingStatus::Published && deadline >= today
                        }
                        Some(StageFilter::Closed) => {
                            p.status == PostingStatus::Closed
                                || (p.status == PostingStatus::Published && deadline < today)
                        }
                    }
            })
            .collect();
        expected.sort_by_key(|p| match f.sort {
            StaffSort::Newest | StaffSort::Oldest => (created[&p.id], String::new(), p.id),
            _ => (0, p.deadline.clone(), p.id),
        });
        if matches!(f.sort, StaffSort::Newest | StaffSort::DeadlineLatest) {
            expected.reverse();
        }
        let expected: Vec<i64> = expected.iter().map(|p| p.id).collect();
        assert_eq!(
            s.staff_postings_filtered_count(&scope, &f, 1000)
                .await
                .unwrap(),
            expected.len() as i64,
            "round {round}: {f:?}"
        );
        // Forward, a few at a time, then back again from the end.
        let size = 1 + next(7) as i64;
        let (first, n) =
            s.staff_list()
                .await
                .unwrap()
                .page_and_count(&scope, &f, PageAt::Newest, size, 1000);
        assert_eq!(n, expected.len() as i64, "round {round}: {f:?}");
        let capped = s
            .staff_list()
            .await
            .unwrap()
            .page_and_count(&scope, &f, PageAt::Newest, size, 3)
            .1;
        assert_eq!(capped, n.min(3), "round {round}: counted up to the cap");
        let mut at = PageAt::Newest;
        let mut pages = vec![];
        loop {
            let page = s.staff_postings_page(&scope, &f, at, size).await.unwrap();
            let more = page.older.clone();
            pages.push(page);
            match more {
                Some(c) => at = PageAt::Older(c),
                None => break,
            }
        }
        assert_eq!(
            first.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
            pages[0].cards.iter().map(|c| c.id).collect::<Vec<_>>(),
            "round {round}: the counted first page is the first page"
        );
        let seen: Vec<i64> = pages
            .iter()
            .flat_map(|p| p.cards.iter().map(|c| c.id))
            .collect();
        assert_eq!(seen, expected, "round {round}: {f:?}");
        for i in (1..pages.len()).rev() {
            let back = s
                .staff_postings_page(
                    &scope,
                    &f,
                    PageAt::Newer(pages[i].newer.clone().expect("a later page links back")),
                    size,
                )
                .await
                .unwrap();
            assert_eq!(
                back.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
                pages[i - 1].cards.iter().map(|c| c.id).collect::<Vec<_>>(),
                "round {round}: back from page {i}"
            );
        }
    }
}

#[tokio::test]
async fn drafts_keep_their_files_until_swept() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let pid = s
        .create_posting(&draft(dept.id, "Sykepleier"), None)
        .await
        .unwrap();
    let form = talentflyt_domain::application::ApplicationInput {
        given_name: "Kari".into(),
        ..Default::default()
    };
    let file = NewDraftFile {
        slot: "cv",
        filename: "cv.pdf",
        content_type: "application/pdf",
        bytes: PDF,
    };
    let key = "0123456789abcdef0123456789abcdef";
    let d = s
        .save_draft(key, pid, "nb", &form, &[file], &[])
        .await
        .unwrap();
    assert_eq!(d.files.len(), 1);
    // A new CV replaces the kept one; removing by id drops it.
    let again = NewDraftFile {
        slot: "cv",
        filename: "ny.pdf",
        content_type: "application/pdf",
        bytes: PDF,
    };
    let d = s
        .save_draft(key, pid, "nb", &form, &[again], &[])
        .await
        .unwrap();
    assert_eq!(d.files.len(), 1);
    assert_eq!(d.files[0].filename, "ny.pdf");
    // The same attachment sent twice (a double click) is kept once.
    let twice = |name: &'static str| NewDraftFile {
        slot: "attachment",
        filename: name,
        content_type: "application/pdf",
        bytes: b"%PDF-1.4\n%%EOF\n attest",
    };
    s.save_draft(key, pid, "nb", &form, &[twice("a.pdf")], &[])
        .await
        .unwrap();
    let d = s
        .save_draft(key, pid, "nb", &form, &[twice("a.pdf")], &[])
        .await
        .unwrap();
    assert_eq!(d.files.len(), 2, "the CV and one attachment");
    assert_eq!(s.draft_file_contents(d.id).await.unwrap()[0].content, PDF);
    assert_eq!(
        s.draft(key, pid + 1).await.unwrap().map(|d| d.id),
        None,
        "another posting's key"
    );
    // Swept when older than the cut-off, with the files.
    assert_eq!(s.prune_drafts(now() - 60).await.unwrap(), 0);
    assert_eq!(s.prune_drafts(now() + 1).await.unwrap(), 1);
    assert!(s.draft(key, pid).await.unwrap().is_none());
    assert!(s.draft_file_contents(d.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_pipeline_moves_logs_reminds_and_finishes_only_when_everyone_is_answered() {
    use talentflyt_domain::pipeline::{Message, MoveRefused, StageDef, Target};
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, clinic, dept) = tree(s).await;
    let lise = leader(s).await;
    s.grant(lise.id, Role::Manager, Some(dept.id), None)
        .await
        .unwrap();
    let hr = s
        .create_user(NewUser {
            username: "hr",
            email: "hr@ous.example",
            display_name: "Hanne HR",
            password_hash: None,
        })
        .await
        .unwrap();
    s.grant(hr.id, Role::HrAdvisor, Some(clinic.id), None)
        .await
        .unwrap();
    // A specialist post: its template adds a trial lecture after the interview.
    let mut d = draft(dept.id, "Overlege");
    d.profession = "physician_specialist".into();
    let pid = s.create_posting(&d, Some(lise.id)).await.unwrap();
    s.publish_posting(pid, today_date()).await.unwrap();
    let stages = s.posting_stages(pid).await.unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s.name_nb.as_str()).collect();
    assert!(names.contains(&"Prøveforelesning"), "{names:?}");
    let lecture = stages
        .iter()
        .find(|s| s.name_nb == "Prøveforelesning")
        .unwrap()
        .position;
    let screening = stages
        .iter()
        .find(|s| s.phase == Phase::Screening)
        .unwrap()
        .position;
    let mut ids = vec![];
    for (i, who) in ["Ane", "Bo", "Cato"].iter().enumerate() {
        let mail = format!("{}@example.no", who.to_lowercase());
        let a = app(pid, who, &mail);
        ids.push(s.submit_application(&a, &email(&mail)).await.unwrap());
        assert!(i < 3);
    }
    let reader = Reader::user(lise.id, "127.0.0.1");
    // Move two on to screening with a message each in their language.
    let write = |r: &Recipient| Written {
        message: Message {
            subject: format!("Til {}", r.name),
            body: "Du er med videre.".into(),
        },
        email: email(r.email),
    };
    let moved = s
        .move_applications(
            &reader,
            lise.id,
            &MoveRequest {
                posting_id: pid,
                application_ids: &[ids[0], ids[1], 999_999],
                target: Target::Stage(screening),
                reason: "Oppfyller kravene",
            },
            Some(&write),
        )
        .await
        .unwrap();
    assert_eq!(
        moved.moved,
        vec![ids[0], ids[1]],
        "another posting's id is left alone"
    );
    // Again to the same stage: refused per application, nothing changed.
    let again = s
        .move_applications(
            &reader,
            lise.id,
            &MoveRequest {
                posting_id: pid,
                application_ids: &[ids[0]],
                target: Target::Stage(screening),
                reason: "",
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(again.refused, vec![(ids[0], MoveRefused::Same)]);
    // Reject one; then it cannot be moved again.
    s.move_applications(
        &reader,
        lise.id,
        &MoveRequest {
            posting_id: pid,
            application_ids: &[ids[1]],
            target: Target::Reject,
            reason: "Mangler spesialistgodkjenning",
        },
        Some(&write),
    )
    .await
    .unwrap();
    let late = s
        .move_applications(
            &reader,
            lise.id,
            &MoveRequest {
                posting_id: pid,
                application_ids: &[ids[1]],
                target: Target::Stage(lecture),
                reason: "",
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(late.refused, vec![(ids[1], MoveRefused::AlreadyFinal)]);
    let log = s.transitions(ids[1]).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].to_phase, Phase::Rejected);
    assert_eq!(log[1].reason, "Mangler spesialistgodkjenning");
    assert_eq!(log[1].user_name.as_deref(), Some("Lise Leder"));
    assert_eq!(log[1].message_subject.as_deref(), Some("Til Bo Nordmann"));
    // The list counts by stage, filters, orders and audits only the page it shows.
    let page = s
        .list_applicants(
            &reader,
            &s.applicant_view(pid).await.unwrap(),
            |a| !a.phase.is_final(),
            |a, b| b.given_name.cmp(&a.given_name),
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.page[0].given_name, "Cato");
    assert_eq!(page.counts[&(Phase::Screening, Some(screening))], 1);
    assert_eq!(page.counts[&(Phase::Applied, Some(stages[0].position))], 1);
    assert_eq!(page.counts[&(Phase::Rejected, None)], 1);
    // A stage that holds an application may not go away; a new one may come.
    let mut defs: Vec<(Option<i64>, StageDef)> = stages
        .iter()
        .filter(|x| x.position != screening)
        .map(|x| {
            (
                Some(x.position),
                StageDef {
                    name_nb: x.name_nb.clone(),
                    name_en: x.name_en.clone(),
                    phase: x.phase,
                },
            )
        })
        .collect();
    assert_eq!(
        s.save_stages(pid, &defs, 10, hr.id).await.unwrap(),
        Err(StagesRefused {
            key: "stages.in_use",
            position: Some(screening)
        })
    );
    defs.insert(
        1,
        (
            Some(screening),
            StageDef {
                name_nb: "Første vurdering".into(),
                name_en: "First screening".into(),
                phase: Phase::Screening,
            },
        ),
    );
    defs.insert(
        2,
        (
            None,
            StageDef {
                name_nb: "Faglig vurdering".into(),
                name_en: String::new(),
                phase: Phase::Screening,
            },
        ),
    );
    assert_eq!(s.save_stages(pid, &defs, 10, hr.id).await.unwrap(), Ok(()));
    let after = s.posting_stages(pid).await.unwrap();
    assert_eq!(after[1].name_nb, "Første vurdering");
    assert_eq!(after[1].position, screening, "kept its number");
    assert_eq!(after[2].name_nb, "Faglig vurdering");
    assert_eq!(s.answer_days(pid).await.unwrap(), 10);
    // Reminders: none before ten days nor before the deadline (in 14); after, one e-mail per recipient (the maker, and the
    // HR advisor over the unit), and not again until ten more days have passed.
    let write_reminder = |w: &Waiting, to: &str, _name: &str| {
        assert_eq!(w.count, 2);
        email(to)
    };
    assert_eq!(
        s.queue_waiting_reminders(now() + 9 * 86_400, &write_reminder)
            .await
            .unwrap(),
        0
    );
    let mut outbox_before = testing::count_rows(s, "outbox").await.unwrap();
    assert_eq!(
        s.queue_waiting_reminders(now() + 15 * 86_400, &write_reminder)
            .await
            .unwrap(),
        2
    );
    outbox_before += 2;
    assert_eq!(
        testing::count_rows(s, "outbox").await.unwrap(),
        outbox_before
    );
    assert_eq!(
        s.queue_waiting_reminders(now() + 20 * 86_400, &write_reminder)
            .await
            .unwrap(),
        0,
        "reminded already"
    );
    // The case cannot be finished before the deadline, nor while two wait for an answer.
    assert_eq!(
        s.finish_posting(pid, hr.id, today_date()).await.unwrap(),
        Err(FinishRefused::Open)
    );
    let after_deadline = today_date() + chrono::Days::new(15);
    assert_eq!(
        s.finish_posting(pid, hr.id, after_deadline).await.unwrap(),
        Err(FinishRefused::Unanswered(2))
    );
    s.move_applications(
        &reader,
        hr.id,
        &MoveRequest {
            posting_id: pid,
            application_ids: &[ids[0], ids[2]],
            target: Target::Reject,
            reason: "",
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        s.finish_posting(pid, hr.id, after_deadline).await.unwrap(),
        Ok(())
    );
    assert!(s.posting_finished_at(pid).await.unwrap().is_some());
    assert_eq!(
        s.finish_posting(pid, hr.id, after_deadline).await.unwrap(),
        Err(FinishRefused::Finished)
    );
}

/// The applicant list is served from a snapshot per posting: it shows every change already
/// committed, made through this instance or another (a new application, a move, a reveal, a
/// changed name), and a posting's change leaves another posting's snapshot alone.
#[tokio::test]
async fn the_applicant_list_shows_every_change_at_once_on_every_instance() {
    use talentflyt_domain::pipeline::{MoveRefused, Target};
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, _, dept) = tree(s).await;
    let lise = leader(s).await;
    let pid = s
        .create_posting(&draft(dept.id, "Sykepleier"), Some(lise.id))
        .await
        .unwrap();
    s.publish_posting(pid, today_date()).await.unwrap();
    let stages = s.posting_stages(pid).await.unwrap();
    let reader = Reader::user(lise.id, "127.0.0.1");
    let names = |p: &ApplicantPage| -> Vec<String> {
        p.page
            .iter()
            .map(|a| format!("{} {} {}", a.given_name, a.family_name, a.phase))
            .collect()
    };
    let list = || async {
        let view = s.applicant_view(pid).await.unwrap();
        s.list_applicants(&reader, &view, |_| true, |a, b| a.id.cmp(&b.id), 0, 50)
            .await
    };
    let first = s
        .submit_application(&app(pid, "Ane", "ane@example.no"), &email("ane@example.no"))
        .await
        .unwrap();
    assert_eq!(names(&list().await.unwrap()), ["Ane Nordmann applied"]);
    // Another instance takes an application and moves the first: this one sees both at once.
    let b = db.second_instance().await;
    b.submit_application(&app(pid, "Bo", "bo@example.no"), &email("bo@example.no"))
        .await
        .unwrap();
    let screening = stages
        .iter()
        .find(|x| x.phase == Phase::Screening)
        .unwrap()
        .position;
    let moved = b
        .move_applications(
            &reader,
            lise.id,
            &MoveRequest {
                posting_id: pid,
                application_ids: &[first],
                target: Target::Stage(screening),
                reason: "",
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(moved.refused, Vec::<(i64, MoveRefused)>::new());
    let page = list().await.unwrap();
    assert_eq!(
        names(&page),
        ["Ane Nordmann screening", "Bo Nordmann applied"]
    );
    assert_eq!(page.page[1].number, 2, "numbered in order of submission");
    // A reveal and a name written straight to the database are seen too (the triggers keep the
    // counter, whatever wrote the row).
    assert!(b
        .reveal_application(&reader, lise.id, first, "Fortrinnsrett")
        .await
        .unwrap());
    testing::execute_raw(
        s,
        "UPDATE candidates SET family_name = 'Berg' WHERE email = 'bo@example.no'",
    )
    .await
    .unwrap();
    let page = list().await.unwrap();
    assert!(page.page[0].revealed_at.is_some());
    assert_eq!(names(&page)[1], "Bo Berg applied");
    // Another posting's application leaves this list's rows as they were.
    let other = s
        .create_posting(&draft(dept.id, "Jordmor"), Some(lise.id))
        .await
        .unwrap();
    s.publish_posting(other, today_date()).await.unwrap();
    b.submit_application(
        &app(other, "Cato", "cato@example.no"),
        &email("cato@example.no"),
    )
    .await
    .unwrap();
    assert_eq!(list().await.unwrap().total, 2);
}

/// Every page of a back-office search, from the newest on by the older pages' keys, until no
/// more follow; then back again by the newer pages' keys, which must give the same pages.
async fn all_pages(
    s: &Store,
    scope: &StaffScope,
    q: &str,
    open_only: bool,
    per_page: i64,
) -> Vec<i64> {
    let search = |at| async move {
        s.search_applications(
            &Reader::user(1, "127.0.0.1"),
            scope,
            q,
            open_only,
            at,
            per_page,
        )
        .await
        .unwrap()
    };
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut at = SearchAt::Newest;
    loop {
        let page = search(at).await;
        assert!(page.hits.len() as i64 <= per_page);
        assert_eq!(
            page.newer,
            (at != SearchAt::Newest).then(|| page.hits[0].id),
            "a page after the first leads back"
        );
        pages.push(page.hits.iter().map(|h| h.id).collect());
        match page.older {
            Some(key) => {
                assert_eq!(
                    page.hits.len() as i64,
                    per_page,
                    "a full page before the next"
                );
                assert_eq!(Some(&key), pages.last().unwrap().last());
                at = SearchAt::Older(key);
            }
            None => break,
        }
    }
    // Back up, page by page: the same pages, the newest in full.
    for i in (0..pages.len().saturating_sub(1)).rev() {
        let key = pages[i + 1][0];
        let page = search(SearchAt::Newer(key)).await;
        assert_eq!(page.hits.iter().map(|h| h.id).collect::<Vec<_>>(), pages[i]);
        assert_eq!(page.older, pages[i].last().copied());
        assert_eq!(page.newer, (i > 0).then(|| pages[i][0]));
    }
    pages.concat()
}

/// PostgreSQL reads the newest eras of applications first for a word of middling frequency
/// (`app_search::search_wide`):
/// matches in old eras, in the newest ones, and in eras newer than the search knew of when it
/// looked last (within its minute) are all found, newest first. On SQLite the ids simply
/// follow on.
#[tokio::test]
async fn the_search_finds_matches_of_every_era_newest_first() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, _, dept) = tree(s).await;
    let p = s
        .create_posting(&draft(dept.id, "Intensivsykepleier"), None)
        .await
        .unwrap();
    s.publish_posting(p, today_date()).await.unwrap();
    let whole = StaffScope {
        unit_paths: vec![trust.path.clone()],
        posting_ids: vec![],
    };
    // Applications numbered from `first` on (an era is 32,768 of them).
    let submit = |first: i64, n: usize| async move {
        if s.backend() == Backend::Postgres {
            testing::execute_raw(
                s,
                &format!("ALTER TABLE applications ALTER COLUMN id RESTART WITH {first}"),
            )
            .await
            .unwrap();
        }
        let mut ids = Vec::new();
        for i in 0..n {
            let mail = format!("e{first}x{i}@example.no");
            ids.push(
                s.submit_application(&app(p, "Kari", &mail), &email(&mail))
                    .await
                    .unwrap(),
            );
        }
        ids
    };
    let mut kari = submit(1, 30).await;
    kari.extend(submit(5 << 15, 30).await);
    kari.extend(submit((6 << 15) - 10, 20).await);
    kari.reverse();
    if s.backend() == Backend::Postgres {
        // By the statistics, "kari" is in every row: the newest applications are walked.
        testing::execute_raw(s, "ANALYZE application_search")
            .await
            .unwrap();
        assert_eq!(all_pages(s, &whole, "kari", false, 25).await, kari);
        // As a word of middling frequency, it is read from the newest eras on.
        testing::pretend_word_share(s, "kari", 0.001);
    }
    assert_eq!(all_pages(s, &whole, "kari", false, 25).await, kari);
    // The newest era is now known; applications far beyond it come first all the same.
    let mut newest = submit(40 << 15, 12).await;
    newest.reverse();
    let all = [newest.clone(), kari.clone()].concat();
    for per_page in [7, 25, 100] {
        assert_eq!(all_pages(s, &whole, "kari", false, per_page).await, all);
    }
    assert_eq!(
        all_pages(s, &whole, "kari e1310720x0", false, 25).await,
        vec![newest[11]]
    );
    assert!(all_pages(s, &whole, "kari zzz", false, 25).await.is_empty());
}

#[tokio::test]
async fn the_search_across_applications_finds_each_match_once_newest_first_within_the_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (trust, clinic, dept) = tree(s).await;
    // Thirty more departments, so that one department is a narrow scope (under one in
    // twenty-five units) and the clinic a wide one: both ways of searching are taken.
    let mut small = None;
    for n in 0..30 {
        let code = format!("AKU-{n}");
        let name = format!("Seksjon {n}");
        let u = s
            .create_unit(NewUnit {
                parent_id: Some(clinic.id),
                kind: UnitKind::Department,
                code: &code,
                name_nb: &name,
                name_en: &name,
                site: "Ullevål",
            })
            .await
            .unwrap();
        small.get_or_insert(u);
    }
    let small = small.unwrap();
    let big = s
        .create_posting(&draft(dept.id, "Intensivsykepleier"), None)
        .await
        .unwrap();
    let other = s
        .create_posting(&draft(small.id, "Sekretær"), None)
        .await
        .unwrap();
    for p in [big, other] {
        s.publish_posting(p, today_date()).await.unwrap();
    }
    // 130 named Kari in the big posting, every fifth with an e-mail address of letters and
    // digits; 20 Kari and one Ola in the small one.
    let mut kari_big = Vec::new();
    for i in 0..130 {
        let mail = if i % 5 == 0 {
            format!("kari.nordmann{i}@example.no")
        } else {
            format!("k{i}@example.no")
        };
        let id = s
            .submit_application(&app(big, "Kari", &mail), &email(&mail))
            .await
            .unwrap();
        kari_big.push(id);
    }
    let mut kari_small = Vec::new();
    for i in 0..20 {
        let mail = format!("s{i}@example.no");
        kari_small.push(
            s.submit_application(&app(other, "Kari", &mail), &email(&mail))
                .await
                .unwrap(),
        );
    }
    let ola = s
        .submit_application(
            &app(other, "Ola", "ola.nordmann1985@example.no"),
            &email("ola.nordmann1985@example.no"),
        )
        .await
        .unwrap();
    let newest_first = |ids: &[i64]| {
        let mut v = ids.to_vec();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    };
    let whole = StaffScope {
        unit_paths: vec![trust.path.clone()],
        posting_ids: vec![],
    };
    let narrow = StaffScope {
        unit_paths: vec![small.path.clone()],
        posting_ids: vec![],
    };
    let by_posting = StaffScope {
        unit_paths: vec![],
        posting_ids: vec![other],
    };
    let every_kari = newest_first(&[kari_big.clone(), kari_small.clone()].concat());
    // Every match once, newest first, page after page, whatever the page size.
    for per_page in [7, 25, 200] {
        assert_eq!(
            all_pages(s, &whole, "kari", false, per_page).await,
            every_kari
        );
    }
    assert_eq!(
        all_pages(s, &narrow, "KARI", false, 25).await,
        newest_first(&kari_small)
    );
    assert_eq!(
        all_pages(s, &by_posting, "kari", false, 25).await,
        newest_first(&kari_small)
    );
    // A word of letters and digits, an address and a word pair; a word repeated counts once.
    assert_eq!(
        all_pages(s, &whole, "nordmann1985", false, 25).await,
        vec![ola]
    );
    assert_eq!(
        all_pages(s, &whole, "ola.nordmann1985@example.no", false, 25).await,
        vec![ola]
    );
    assert_eq!(all_pages(s, &whole, "ola ola", false, 25).await, vec![ola]);
    // Only the last word is a prefix.
    assert_eq!(
        all_pages(s, &whole, "nordmann1985 ol", false, 25).await,
        vec![ola]
    );
    assert!(all_pages(s, &whole, "ol nordmann1985", false, 25)
        .await
        .is_empty());
    assert!(all_pages(s, &whole, "zzz", false, 25).await.is_empty());
    // Those with a final answer are left out on asking, even when they are the newest
    // hundred: the search reads on past them.
    let answered = &kari_big[20..];
    let list: Vec<String> = answered.iter().map(|i| i.to_string()).collect();
    testing::execute_raw(
        s,
        &format!(
            "UPDATE applications SET phase = 'rejected' WHERE id IN ({})",
            list.join(",")
        ),
    )
    .await
    .unwrap();
    for r in [kari_small.clone(), vec![ola]].concat() {
        testing::execute_raw(
            s,
            &format!("UPDATE applications SET phase = 'rejected' WHERE id = {r}"),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        all_pages(s, &whole, "kari", true, 7).await,
        newest_first(&kari_big[..20])
    );
    assert_eq!(
        all_pages(s, &whole, "kari", false, 25).await,
        every_kari,
        "without asking, they are all there"
    );
    // While the big posting screens blind, its unrevealed applicants are not found here.
    testing::execute_raw(
        s,
        &format!("UPDATE postings SET blind_until = 2 WHERE id = {big}"),
    )
    .await
    .unwrap();
    testing::execute_raw(
        s,
        &format!(
            "UPDATE applications SET revealed_at = 1 WHERE id = {}",
            kari_big[3]
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        all_pages(s, &whole, "kari", false, 25).await,
        newest_first(&[kari_small.clone(), vec![kari_big[3]]].concat())
    );
}
