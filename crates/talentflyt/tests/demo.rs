//! `talentflyt demo`, run the way a user runs it, into a fresh database: SQLite, or PostgreSQL
//! when `TALENTFLYT_TEST_POSTGRES` holds a server URL. So the demo's SQL runs in the suite on
//! both databases.

use std::collections::HashMap;
use talentflyt_store::testing::TestDb;
use talentflyt_store::{PageAt, PostingCard, StaffFilter, StaffScope, Store};

/// At scale 0.05 a year has round(5,305 × 0.05) postings and round(54,777 × 0.05) applications,
/// and the hospital round(25,000 × 0.05) employees, however many years there are.
const SCALE: &str = "0.05";
const POSTINGS_A_YEAR: usize = 265;
const APPLICATIONS_A_YEAR: i64 = 2739;
const EMPLOYEES: i64 = 1250;

struct Run {
    ok: bool,
    stderr: String,
}

async fn demo(url: &str, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_talentflyt"))
        .args([
            "demo",
            "--database-url",
            url,
            "--scale",
            SCALE,
            "--no-serve",
        ])
        .args(args)
        .env_remove("DATABASE_URL")
        // Progress as whole lines, not redrawn.
        .env("CI", "1")
        .output()
        .await
        .expect("run talentflyt demo");
    Run {
        ok: out.status.success(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Ads the demo writes from staffing needs, besides the generated history.
const AD_PATH_POSTINGS: i64 = 2;

async fn counts(store: &Store) -> HashMap<&'static str, i64> {
    store
        .data_counts()
        .await
        .expect("counts")
        .into_iter()
        .collect()
}

async fn all_postings(store: &Store) -> Vec<PostingCard> {
    let everything = StaffScope {
        unit_paths: vec!["/".into()],
        posting_ids: vec![],
    };
    let all = StaffFilter::default();
    let mut cards = vec![];
    let mut at = PageAt::Newest;
    loop {
        let page = store
            .staff_postings_page(&everything, &all, at, 500)
            .await
            .expect("postings");
        cards.extend(page.cards);
        match page.older {
            Some(c) => at = PageAt::Older(c),
            None => break,
        }
    }
    let total = store
        .staff_postings_count(&everything)
        .await
        .expect("count");
    assert_eq!(
        cards.len() as i64,
        total,
        "the pages hold every posting once"
    );
    cards
}

/// Whole years back from today that a posting was published: 0 for the last 365 days.
fn years_ago(card: &PostingCard, today: chrono::NaiveDate) -> i64 {
    let published = chrono::DateTime::from_timestamp(card.published_at.expect("published"), 0)
        .expect("timestamp")
        .date_naive();
    (today - published).num_days() / 365
}

#[tokio::test]
async fn the_demo_fills_years_of_history_and_refuses_to_overwrite_data_unless_reset() {
    let db = TestDb::new().await;
    let store = &db.store;
    assert!(
        !store.holds_data().await.unwrap(),
        "a fresh database is empty"
    );

    let first = demo(&db.url, &["--years", "2"]).await;
    assert!(first.ok, "demo failed:\n{}", first.stderr);
    assert!(
        first.stderr.contains("Demo ready: 2 years of history"),
        "no summary line:\n{}",
        first.stderr
    );
    assert!(store.holds_data().await.unwrap());

    // The staff stays the same size but for the one hire the demo makes (R13); postings and
    // applications come once per year.
    let n = counts(store).await;
    assert_eq!(n["employees"], EMPLOYEES + 1);
    assert_eq!(
        n["postings"],
        2 * POSTINGS_A_YEAR as i64 + AD_PATH_POSTINGS,
        "a year's postings, and the ads written from staffing needs"
    );
    assert_eq!(
        n["applications"],
        2 * APPLICATIONS_A_YEAR + 3,
        "a year's applications, and the demo candidate's three"
    );
    assert_eq!(
        n["candidates"],
        n["applications"] - 2,
        "one candidate each; the demo candidate has three"
    );
    assert_eq!(n["users"], 6, "one demo login per role");

    let today = talentflyt_domain::clock::Clock::system().today();
    let requisitions = store
        .requisitions_in(&["/".to_owned()], None, 100)
        .await
        .expect("requisitions");
    let mut from_needs = vec![];
    for r in &requisitions {
        if let Some(id) = store.posting_for_requisition(r.id).await.unwrap() {
            from_needs.push(store.posting(id).await.unwrap());
        }
    }
    let mut postings = all_postings(store).await;
    postings.retain(|c| from_needs.iter().all(|p| p.id != c.id));
    for year in 0..2 {
        let of_year: Vec<&PostingCard> = postings
            .iter()
            .filter(|c| years_ago(c, today) == year)
            .collect();
        assert_eq!(of_year.len(), POSTINGS_A_YEAR, "postings {year} years ago");
        let applications: i64 = of_year.iter().map(|c| c.applications).sum();
        // This year also has the demo candidate's three.
        let extra = if year == 0 { 3 } else { 0 };
        assert_eq!(
            applications,
            APPLICATIONS_A_YEAR + extra,
            "applications {year} years ago"
        );
    }

    // Requisitions in every state, and a register with holders who match the approved one.
    let mut states: Vec<&str> = requisitions.iter().map(|r| r.status.as_str()).collect();
    states.sort();
    assert_eq!(
        states,
        ["approved", "approved", "rejected", "returned", "submitted"]
    );
    let approved = requisitions
        .iter()
        .find(|r| r.status.as_str() == "approved" && r.profession == "nurse")
        .unwrap();
    let holders = store
        .holders_for_requisition(approved, today)
        .await
        .expect("holders");
    assert_eq!(
        holders.len(),
        2,
        "two rights in force; the expired one drops out"
    );
    assert_eq!(
        store.preference_outcomes(approved.id).await.unwrap().len(),
        1
    );

    // Its ad waits for HR, who may not publish it until the last right is settled; the
    // midwife ad is out internally; an open ad was corrected and given more time.
    use talentflyt_domain::posting::Stage;
    let stages: Vec<Stage> = from_needs.iter().map(|p| p.stage(today)).collect();
    assert!(stages.contains(&Stage::AwaitingApproval), "{stages:?}");
    assert!(stages.contains(&Stage::Internal), "{stages:?}");
    assert!(store.check_external_ad(approved.id, today).await.is_err());
    assert!(from_needs
        .iter()
        .all(|p| !p.content().requirements.is_empty() && p.content().has_english()));
    let corrected: Vec<&PostingCard> = postings
        .iter()
        .filter(|c| c.deadline >= today.format("%Y-%m-%d").to_string())
        .collect();
    let mut versioned = 0;
    for c in corrected {
        let p = store.posting(c.id).await.unwrap();
        if p.version == 2 {
            versioned += 1;
            assert_ne!(p.original_deadline.as_deref(), Some(p.deadline.as_str()));
            assert_eq!(store.posting_versions(p.id).await.unwrap().len(), 1);
        }
        let f = p.fields();
        assert!(!f.work_place.is_empty() && !f.salary_text.is_empty());
        assert!(
            p.content().has_english(),
            "open ads have sections in both languages"
        );
    }
    assert_eq!(versioned, 1);

    // Past its deadline a posting is closed; the rest are open, all of them recent.
    let today_text = today.format("%Y-%m-%d").to_string();
    let (closed, open): (Vec<&PostingCard>, Vec<&PostingCard>) =
        postings.iter().partition(|c| c.deadline < today_text);
    assert!(closed.iter().all(|c| c.status.as_str() == "closed"));
    assert!(open.iter().all(|c| c.status.as_str() == "published"));
    assert!(
        closed.len() > POSTINGS_A_YEAR,
        "the older year is all closed"
    );
    assert!(!open.is_empty(), "some postings are open today");
    assert!(open.iter().all(|c| years_ago(c, today) == 0));
    assert!(closed.iter().filter(|c| c.applications > 0).count() > closed.len() / 2);

    // The career site shows exactly the open ones.
    let listed = store.open_postings(&today_text).await.unwrap();
    assert_eq!(listed.len(), open.len(), "the internal ad is not listed");

    // Every clinic has its page, the talent pool has people in it, and ambassadors have
    // brought applications.
    for u in store.all_units().await.unwrap() {
        if u.kind == talentflyt_domain::org::UnitKind::Clinic {
            let profile = store
                .clinic_profile(u.id)
                .await
                .unwrap()
                .expect("a clinic page");
            assert!(profile.why_nb.contains(&u.name_nb) && !profile.why_en.is_empty());
        }
    }
    assert_eq!(store.active_alerts().await.unwrap().len(), 400);
    let names = store
        .ambassador_names(&["ansatt".into(), "leder".into()])
        .await
        .unwrap();
    assert_eq!(names.len(), 2);
    let sources = store.source_counts_all().await.unwrap();
    assert!(sources
        .iter()
        .any(|c| c.source == "amb-ansatt" && c.applications > 0));

    // Open postings ask screening questions, their applications have the full form, and the
    // self-declarations show as counts with small groups hidden.
    let busiest = open.iter().max_by_key(|c| c.applications).unwrap();
    assert_eq!(store.questions(busiest.id).await.unwrap().len(), 2);
    // HR can add one more after the demo's (PostgreSQL's id sequence follows the bulk load).
    let q = talentflyt_domain::application::QuestionDraft {
        kind: "yes_no".into(),
        text_nb: "Kan du jobbe natt?".into(),
        required: true,
        ..Default::default()
    }
    .check(0)
    .unwrap();
    assert!(store.add_question(busiest.id, &q, 1, "test").await.unwrap());
    let counts_eq = store.equality_counts(busiest.id).await.unwrap();
    assert!(
        counts_eq.iter().any(|c| c.count.is_some_and(|n| n >= 5)),
        "{counts_eq:?}"
    );
    assert!(
        counts_eq.iter().any(|c| c.count.is_none()),
        "small groups are hidden"
    );
    let reader = talentflyt_store::Reader::user(0, "test");
    let first = &store.list_applications(&reader, busiest.id).await.unwrap()[0];
    let rec = store.read_application(&reader, first.id).await.unwrap();
    assert!(rec.details.is_some() && rec.answers.len() == 2);
    // The demo candidate has three applications, one waiting for an answer to a refused
    // exemption request, one at the interview (below).
    let (cid, _) = store
        .active_application_for("kari.demo@example.no", listed[0].id)
        .await
        .unwrap()
        .expect("the demo candidate applied");
    let mine = store.candidate_applications(cid, "test").await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine
        .iter()
        .any(|a| a.exemption_decision.as_deref() == Some("refused")));

    // The committee's posting: applicants called to interview and scored (R8); `nemnd` sees
    // the panel on those they scored and has one left to score.
    let nemnd = store.user_by_username("nemnd").await.unwrap().unwrap().id;
    let committee = store.access(nemnd).await.unwrap().grants[0]
        .posting_id
        .unwrap();
    let panel = store
        .posting_panel(&reader, committee, nemnd)
        .await
        .unwrap();
    assert!(panel.cards.len() >= 6, "{panel:?}");
    assert_eq!(panel.closed.len(), 1, "one left for nemnd: {panel:?}");
    // Its interviews (R9): two days of times; two booked by the manager, one chosen by the
    // candidate in the portal, one asked to choose and not yet chosen.
    let plan = store.interview_schedule(committee).await.unwrap();
    assert_eq!(plan.slots.len(), 7);
    let booked: Vec<_> = plan
        .slots
        .iter()
        .filter(|s| s.application_id.is_some())
        .collect();
    assert_eq!(booked.len(), 3, "{plan:?}");
    assert_eq!(
        booked
            .iter()
            .filter(|s| s.booked_by.as_deref() == Some("candidate"))
            .count(),
        1
    );
    assert_eq!(plan.invited.len(), 3);
    assert!(plan
        .invited
        .iter()
        .any(|i| plan.booked(i.application_id).is_none()));
    // The demo candidate is at the interview there: asked to choose a time, and two referees
    // consented to, one of whom has answered (R10).
    let kari = plan.invited.iter().map(|i| i.application_id).max().unwrap();
    let refs = store.reference_checks(kari).await.unwrap();
    let statuses: Vec<&str> = refs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["answered", "consented"]);
    assert_eq!(refs[0].answers().unwrap().get("rehire"), "yes");
    // The postings closed within the month have their public applicant list (R11); on one of
    // them HR granted one request not to be named and refused another.
    let lists = store
        .applicant_list_overview(&["/".to_owned()], 1000)
        .await
        .unwrap();
    assert!(!lists.is_empty());
    let mut decided = vec![];
    for l in &lists {
        assert!(l.total >= 1);
        let (_, named) = store
            .applicant_list(l.posting_id, None)
            .await
            .unwrap()
            .unwrap();
        assert!(named
            .iter()
            .all(|e| e.age.is_some() && !e.municipality.is_empty()));
        for c in store.exemption_cases(l.posting_id).await.unwrap() {
            assert!(!named.iter().any(|e| e.application_id == c.application_id));
            if let Some(d) = c.decision {
                decided.push(d);
            }
        }
    }
    decided.sort();
    assert_eq!(decided, ["granted", "refused"]);
    // And at least one request waits for HR, first on HR's work list.
    assert!(lists[0].undecided >= 1, "{lists:?}");
    // An innstilling (R12) signed in the manager's department, and a second one waiting for
    // HR where the department has two postings being assessed (always at full scale).
    use talentflyt_domain::recommendation::Status;
    let waiting = store.awaiting_signature().await.unwrap();
    assert!(waiting.len() <= 1, "{waiting:?}");
    let mut signed = 0;
    for l in &lists {
        if store.recommendation_status(l.posting_id).await.unwrap() == Some(Status::Signed) {
            signed += 1;
            let rec = store
                .recommendation(&talentflyt_store::Reader::user(0, "test"), l.posting_id)
                .await
                .unwrap();
            assert_eq!(rec.entries.len(), 3);
            assert_eq!(rec.entries.iter().filter(|e| e.rank.is_some()).count(), 2);
            assert!(rec.entries.iter().all(|e| !e.reason.is_empty()));
        }
    }
    assert_eq!(signed, 1);
    // Its first is offered the post and has accepted (R13): hired, an employee.
    let mut hired = 0;
    for l in &lists {
        hired += store.hires_of(l.posting_id).await.unwrap();
    }
    assert_eq!(hired, 1);
    // Candidates answered the experience survey (R14) over the year, anonymously.
    let answers = store
        .survey_answers(&["/".to_owned()], "0000-00", "9999-99")
        .await
        .unwrap();
    assert!(answers.iter().map(|a| a.nps.len()).sum::<usize>() >= 50);
    assert!(
        answers.iter().any(|a| a.nps.len() >= 5),
        "a unit with results"
    );
    // The inclusion check (R15) has self-declarations, screening answers and interviews to
    // count for the postings closed over the year: some qualified declared applicants called,
    // some not, and some of the hired had declared.
    let mut sum = talentflyt_domain::inclusion::Counts::default();
    for u in store
        .inclusion_counts(&["/".to_owned()], "0000-01-01", "9999-01-01", &today_text)
        .await
        .unwrap()
    {
        sum.add(&u.counts);
    }
    assert!(sum.declared >= 50, "{sum:?}");
    assert!(
        sum.qualified < sum.declared && sum.interviewed < sum.qualified,
        "{sum:?}"
    );
    assert!(sum.interviewed > 0 && sum.hires_declared > 0, "{sum:?}");
    assert!(sum.postings_interviewed < sum.postings_with, "{sum:?}");

    // A database with data is refused, and left as it was.
    let again = demo(&db.url, &["--years", "1"]).await;
    assert!(!again.ok, "a second run without --reset must fail");
    assert!(
        again.stderr.contains("already holds data") && again.stderr.contains("--reset"),
        "unclear refusal:\n{}",
        again.stderr
    );
    assert_eq!(counts(store).await, n);

    // With --reset it starts over: one year this time.
    let reset = demo(&db.url, &["--years", "1", "--reset"]).await;
    assert!(reset.ok, "demo --reset failed:\n{}", reset.stderr);
    let n = counts(store).await;
    assert_eq!(n["postings"], POSTINGS_A_YEAR as i64 + AD_PATH_POSTINGS);
    assert_eq!(n["applications"], APPLICATIONS_A_YEAR + 3);
    // The staff, and the demo's hire where it made one.
    let hires = talentflyt_store::testing::count_rows(store, "hires")
        .await
        .unwrap();
    assert!(hires <= 1);
    assert_eq!(n["employees"], EMPLOYEES + hires);
}

#[tokio::test]
async fn years_are_bounded() {
    for years in ["0", "21"] {
        // Refused before any database is touched.
        let run = demo("sqlite:///nonexistent/never.db", &["--years", years]).await;
        assert!(!run.ok, "--years {years} accepted");
        assert!(run.stderr.contains("1..=20"), "{}", run.stderr);
    }
}
