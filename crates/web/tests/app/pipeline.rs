//! The pipeline (R6): the manager's applicant list (search, filters, order, answers side by
//! side), moves and rejections of many at once with an edited message in each candidate's
//! language, the log of every move, stages per posting, reminders, and no case finished while
//! anyone waits for an answer. Roles that may only read, or not see the posting, are refused.

use crate::apply::decoded;
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::application::Answer;
use talentflyt_domain::org::Role;
use talentflyt_store::{testing, AuditAction, NewApplication, NewFile, NewUser, SubjectKind};
use talentflyt_web::{hash_password, WebConfig};

async fn finish(c: &mut Client, id: i64, csrf: &str) -> Page {
    c.post_form(&format!("/admin/postings/{id}/finish"), &[("csrf", csrf)])
        .await
}

pub(crate) const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A Word document whose one paragraph is `text`.
pub(crate) fn docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(
            format!(
                "<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
            )
            .as_bytes(),
        )
        .unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[tokio::test]
async fn the_manager_works_the_list_moves_and_rejects_with_messages_and_the_case_ends_when_all_are_answered(
) {
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let (app, clock) = app_on(&today).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let qid = knockout_question(&app, id).await;
    let pdf = pdf();
    let docx = docx("Erfaring med ECMO og intensivmedisin");
    let mut ids = vec![];
    for (given, mail, lang, yes) in [
        ("Kari", "kari@example.no", "nb", true),
        ("Per", "per@example.no", "nb", false),
        ("Emma", "emma@example.com", "en", true),
    ] {
        let answers = [Answer {
            question_id: qid,
            question_nb: "Har du norsk autorisasjon?".into(),
            question_en: "Are you authorised in Norway?".into(),
            answer_nb: if yes { "Ja" } else { "Nei" }.into(),
            answer_en: if yes { "Yes" } else { "No" }.into(),
            knocked_out: !yes,
        }];
        let a = NewApplication {
            posting_id: id,
            given_name: given,
            family_name: "Nordmann",
            email: mail,
            source: "career_site",
            files: if given == "Kari" {
                vec![NewFile {
                    kind: "cv",
                    filename: "cv.docx",
                    content_type: DOCX,
                    bytes: &docx,
                }]
            } else {
                vec![NewFile {
                    kind: "cv",
                    filename: "cv.pdf",
                    content_type: "application/pdf",
                    bytes: &pdf,
                }]
            },
            ip: "127.0.0.1",
            submission_key: None,
            lang,
            form: None,
            answers: &answers,
            equality: None,
            talent_pool_until: None,
        };
        ids.push(s.submit_application(&a, &receipt(mail)).await.unwrap());
    }
    let (kari, per, emma) = (ids[0], ids[1], ids[2]);
    // The worker reads the documents' text (and sends the receipts).
    app.worker.drain().await.unwrap();
    let before = app.inbox.messages().len();

    // The list: everyone, the question as a column, the knock-out flagged, each shown one audited.
    let mut leder = app.signed_in("leder").await;
    let list = leder.get(&format!("/admin/postings/{id}/applicants")).await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.text();
    for name in ["Kari Nordmann", "Per Nordmann", "Emma Nordmann"] {
        assert!(text.contains(name), "{name}");
    }
    assert!(text.contains("Har du norsk autorisasjon?"));
    assert!(text.contains("Utslagsgivende svar"));
    assert!(text.contains("Mottatt</a>: 3"));
    assert!(text.contains("Karrieresiden") && !text.contains("career_site"));
    let listed = s
        .audit_trail(SubjectKind::Application, per)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::List)
        .count();
    assert_eq!(listed, 1);
    // The page is one row naming the three, and that row cannot be changed or removed.
    assert_eq!(testing::count_rows(s, "audit_lists").await.unwrap(), 1);
    for sql in ["UPDATE audit_lists SET ip = 'x'", "DELETE FROM audit_lists"] {
        assert!(testing::execute_raw(s, sql).await.is_err(), "{sql}");
    }
    // Filters, search and order.
    let flagged = leder
        .get(&format!("/admin/postings/{id}/applicants?flag=knockout"))
        .await
        .text();
    assert!(flagged.contains("Per Nordmann") && !flagged.contains("Kari Nordmann"));
    let found = leder
        .get(&format!("/admin/postings/{id}/applicants?q=EMMA"))
        .await
        .text();
    assert!(found.contains("Emma Nordmann") && !found.contains("Per Nordmann"));
    // The words of a CV find its applicant, in the list and across postings, and only for
    // those who may see the posting.
    let by_cv = leder
        .get(&format!("/admin/postings/{id}/applicants?q=ecmo"))
        .await
        .text();
    assert!(by_cv.contains("Kari Nordmann") && !by_cv.contains("Per Nordmann"));
    let across = leder.get("/admin/search?q=intensivmed").await.text();
    assert!(across.contains("Kari Nordmann") && across.contains("Intensivsykepleier"));
    assert!(!across.contains("Emma Nordmann"));
    // An e-mail address finds its applicant (as the words it is made of).
    let by_mail = leder.get("/admin/search?q=per%40example.no").await.text();
    assert!(by_mail.contains("Per Nordmann") && !by_mail.contains("Kari Nordmann"));
    let mut annen = app.signed_in("annen").await;
    let elsewhere = annen.get("/admin/search?q=ecmo").await.text();
    assert!(elsewhere.contains("Ingen søknader passer med søket"));
    let newest = leder
        .get(&format!("/admin/postings/{id}/applicants?sort=newest"))
        .await
        .text();
    assert!(newest.find("Emma Nordmann").unwrap() < newest.find("Kari Nordmann").unwrap());

    // Who may not: the manager of another unit does not see the posting (404, audited); a union
    // representative of this posting reads the list but moves no one.
    assert_eq!(
        annen
            .get(&format!("/admin/postings/{id}/applicants"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let hash = hash_password(PASSWORD).unwrap();
    let rep = s
        .create_user(NewUser {
            username: "tillitsvalgt",
            email: "tv@ous.example",
            display_name: "Tore Tillitsvalgt",
            password_hash: Some(&hash),
        })
        .await
        .unwrap();
    s.grant(rep.id, Role::UnionRep, None, Some(id))
        .await
        .unwrap();
    let mut tv = app.signed_in("tillitsvalgt").await;
    let seen = tv.get(&format!("/admin/postings/{id}/applicants")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.text().contains("name=\"ids\""), "no choosing to move");
    let move_url = format!(
        "/admin/postings/{id}/applicants/move?ids={per}&ids={emma}&target=reject&template=reject_screening"
    );
    assert_eq!(tv.get(&move_url).await.status, StatusCode::FORBIDDEN);
    let csrf = seen.csrf();
    let refused = tv
        .post_form(
            &format!("/admin/postings/{id}/applicants/move"),
            &[
                ("csrf", &csrf),
                ("ids", &per.to_string()),
                ("target", "reject"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Reject two: the template fills the message; a typo in a placeholder is caught and what
    // was typed comes back.
    let page = leder.get(&move_url).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Per Nordmann") && text.contains("Emma Nordmann"));
    assert!(text.contains("Svar på søknaden din: {title}"));
    let csrf = page.csrf();
    let (per_s, emma_s) = (per.to_string(), emma.to_string());
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("ids", per_s.as_str()),
        ("ids", emma_s.as_str()),
        ("target", "reject"),
        ("reason", "Oppfyller ikke kravet om autorisasjon"),
        ("nb_subject", "Svar på søknaden din: {title}"),
        ("nb_body", "Hei, {navn}. Vi har valgt andre søkere."),
        ("en_subject", "About your application: {title}"),
        (
            "en_body",
            "Dear {name}, we have chosen other applicants.\n\nKind regards\n{org}",
        ),
    ];
    let bad = leder
        .post_form(&format!("/admin/postings/{id}/applicants/move"), &fields)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("ukjent plassholder"));
    assert!(bad
        .text()
        .contains("Hei, {navn}. Vi har valgt andre søkere."));
    fields[6] = (
        "nb_body",
        "Hei, {name}. Vi har valgt andre søkere.\n\nHilsen\n{org}",
    );
    let done = leder
        .post_form(&format!("/admin/postings/{id}/applicants/move"), &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let back = leder.get(done.location.as_deref().unwrap()).await.text();
    assert!(back.contains("2 søkere er flyttet.</p>"), "{back}");
    // Each gets it by e-mail in the language they applied in.
    app.worker.drain().await.unwrap();
    let mail = app.inbox.messages();
    assert_eq!(mail.len(), before + 2);
    let to_per = mail
        .iter()
        .rfind(|m| m.to == vec!["per@example.no"])
        .unwrap();
    let to_emma = mail
        .iter()
        .rfind(|m| m.to == vec!["emma@example.com"])
        .unwrap();
    assert!(decoded(to_per).contains("Hei, Per Nordmann. Vi har valgt andre søkere."));
    assert!(decoded(to_per).contains("Svar på søknaden din: Intensivsykepleier"));
    assert!(decoded(to_emma).contains("Dear Emma Nordmann, we have chosen other applicants."));
    // The move is in the application's history with who and why, and the message is kept.
    let detail = leder
        .get(&format!("/admin/applications/{per}"))
        .await
        .text();
    assert!(detail.contains("Historikk"));
    assert!(
        detail.contains("Mottatt → Avslått (Lise Leder): Oppfyller ikke kravet om autorisasjon")
    );
    assert!(detail.contains("Vi har valgt andre søkere."));
    assert!(
        !detail.contains("Flytt eller gi svar"),
        "a final answer is final"
    );
    // Rejecting again leaves them as they are and says so.
    let again = leder
        .post_form(&format!("/admin/postings/{id}/applicants/move"), &fields)
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.location.unwrap().ends_with("moved=0&refused=2"));

    // Move Kari on to the interview without a message.
    let stages = s.posting_stages(id).await.unwrap();
    let interview = stages
        .iter()
        .find(|x| x.name_nb == "Intervju")
        .unwrap()
        .position
        .to_string();
    let kari_s = kari.to_string();
    let moved = leder
        .post_form(
            &format!("/admin/postings/{id}/applicants/move"),
            &[("csrf", &csrf), ("ids", &kari_s), ("target", &interview)],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    assert_eq!(
        app.inbox.messages().len(),
        before + 2,
        "no message asked for"
    );
    let at_interview = leder
        .get(&format!(
            "/admin/postings/{id}/applicants?stage={interview}"
        ))
        .await
        .text();
    assert!(at_interview.contains("Kari Nordmann") && !at_interview.contains("Per Nordmann"));

    // HR adds a stage; a stage with a candidate in it cannot go.
    let form = hr.get(&format!("/admin/postings/{id}/stages")).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf_hr = form.csrf();
    let mut pairs: Vec<(String, String)> = vec![("csrf".into(), csrf_hr.clone())];
    for (i, st) in stages.iter().enumerate() {
        let n = (i + 1).to_string();
        pairs.push((format!("position-{n}"), st.position.to_string()));
        pairs.push((format!("ord-{n}"), ((i + 1) * 10).to_string()));
        pairs.push((format!("nb-{n}"), st.name_nb.clone()));
        pairs.push((format!("en-{n}"), st.name_en.clone()));
        pairs.push((format!("phase-{n}"), st.phase.as_str().into()));
    }
    let extra = (stages.len() + 1).to_string();
    pairs.push((format!("position-{extra}"), String::new()));
    pairs.push((format!("ord-{extra}"), "35".into()));
    pairs.push((format!("nb-{extra}"), "Andre intervju".into()));
    pairs.push((format!("en-{extra}"), "Second interview".into()));
    pairs.push((format!("phase-{extra}"), "interview".into()));
    pairs.push(("answer_days".into(), "14".into()));
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let saved = hr
        .post_form(&format!("/admin/postings/{id}/stages"), &refs)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let names: Vec<String> = s
        .posting_stages(id)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.name_nb)
        .collect();
    assert_eq!(names[3], "Andre intervju", "{names:?}");
    let interview_row = stages.iter().position(|x| x.name_nb == "Intervju").unwrap() + 1;
    let mut without: Vec<(String, String)> = pairs.clone();
    for p in without.iter_mut() {
        if p.0 == format!("nb-{interview_row}") {
            p.1 = String::new();
        }
    }
    let refs: Vec<(&str, &str)> = without
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let in_use = hr
        .post_form(&format!("/admin/postings/{id}/stages"), &refs)
        .await;
    assert_eq!(in_use.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(in_use
        .text()
        .contains("Et steg som har søkere, kan ikke fjernes"));
    assert!(
        in_use
            .text()
            .contains(&format!("href=\"#nb-{interview_row}\"")),
        "the summary points at the stage's own field"
    );

    // The case cannot end before the deadline, nor while Kari waits for an answer.
    let r = finish(&mut hr, id, &csrf_hr).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("før søknadsfristen har gått ut"));
    clock.advance(chrono::Duration::days(15));
    let r = finish(&mut hr, id, &csrf_hr).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("1 søker har ikke fått endelig svar"));
    // Kari has now waited more than the answer time: flagged, and the staff are reminded.
    let overdue = leder
        .get(&format!("/admin/postings/{id}/applicants?stage=overdue"))
        .await
        .text();
    assert!(overdue.contains("Kari Nordmann") && overdue.contains("Har ventet for lenge"));
    let site = WebConfig::for_tests().alert_site();
    let queued = talentflyt_jobs::reminders::run(s, &site, talentflyt_store::now() + 15 * 86_400)
        .await
        .unwrap();
    assert_eq!(
        queued, 1,
        "the posting's maker (no HR advisor over the unit here)"
    );
    app.worker.drain().await.unwrap();
    let reminder = app
        .inbox
        .messages()
        .into_iter()
        .rfind(|m| m.to == vec!["hr@ous.example"])
        .unwrap();
    let body = decoded(&reminder);
    assert!(body.contains("1 søker på stillingen Intensivsykepleier"));
    assert!(body.contains(&format!("/admin/postings/{id}/applicants?stage=overdue")));
    assert!(!body.contains("Kari"), "no candidate's name in a reminder");
    // Reject Kari too; then the case ends.
    let last = leder
        .post_form(
            &format!("/admin/postings/{id}/applicants/move"),
            &[
                ("csrf", &csrf),
                ("ids", &kari_s),
                ("target", "reject"),
                ("nb_subject", "Svar: {title}"),
                ("nb_body", "Hei, {name}."),
                ("en_subject", "Answer: {title}"),
                ("en_body", "Dear {name}."),
            ],
        )
        .await;
    assert_eq!(last.status, StatusCode::SEE_OTHER);
    let r = finish(&mut hr, id, &csrf_hr).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = hr.get(&format!("/admin/postings/{id}")).await.text();
    assert!(page.contains("Saken ble avsluttet"));
    assert!(page.contains("Avslått: 3"));
    assert_eq!(
        testing::count_rows(s, "application_transitions")
            .await
            .unwrap(),
        4
    );
}

/// The link of a page with this `rel` ("next", "prev"), as the browser follows it.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!("\" rel=\"{rel}\""))?;
    let start = html[..end].rfind("href=\"")? + 6;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn the_search_across_applications_pages_by_key_both_ways() {
    let app = spawn_app().await;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    for i in 0..30 {
        apply_to(
            &app,
            id,
            "Solveig",
            &format!("Nummer{i:02}"),
            &format!("s{i}@example.no"),
        )
        .await;
    }
    // The newest 25, newest first, and a link to the older ones; none to newer.
    let first = hr.get("/admin/search?q=solveig").await.text();
    assert!(first.contains("Solveig Nummer29") && first.contains("Solveig Nummer05"));
    assert!(!first.contains("Solveig Nummer04"));
    assert!(first.find("Nummer29").unwrap() < first.find("Nummer05").unwrap());
    assert!(rel_link(&first, "prev").is_none());
    let older = rel_link(&first, "next").expect("a link to the older hits");
    assert!(older.contains("older="), "{older}");
    // The older five, and the way back to the same first page.
    let second = hr.get(&older).await.text();
    for i in 0..5 {
        assert!(
            second.contains(&format!("Solveig Nummer{i:02}")),
            "{older}: {second}"
        );
    }
    assert!(!second.contains("Solveig Nummer05"));
    assert!(rel_link(&second, "next").is_none());
    let back = rel_link(&second, "prev").expect("a link back");
    assert!(back.contains("newer="), "{back}");
    let again = hr.get(&back).await.text();
    assert!(again.contains("Solveig Nummer29") && !again.contains("Solveig Nummer04"));
    assert!(rel_link(&again, "prev").is_none());
    // A key that is no number shows the newest page; one below every application, nothing.
    for junk in ["older=abc", "newer=%00", "older=99999999999999999999"] {
        let page = hr.get(&format!("/admin/search?q=solveig&{junk}")).await;
        assert_eq!(page.status, StatusCode::OK, "{junk}");
        assert!(page.text().contains("Solveig Nummer29"), "{junk}");
    }
    let none = hr.get("/admin/search?q=solveig&older=1").await.text();
    assert!(none.contains("Ingen søknader passer med søket"));
}
