//! Blind screening (R7): a posting that screens blind shows its applicants by number, hides
//! their identity on the application and in the text of their documents, refuses the files
//! themselves, keeps hidden applicants out of searches by the words that name them, and shows
//! them when they reach the chosen stage or when someone who handles them reveals one with a
//! reason, each reveal audited.

use crate::pipeline::{docx, DOCX};
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::org::Role;
use talentflyt_domain::posting::Phase;
use talentflyt_store::{Actor, AuditAction, NewApplication, NewFile, NewUser, Reader, SubjectKind};
use talentflyt_web::hash_password;

#[tokio::test]
async fn a_blind_posting_hides_who_applied_until_the_chosen_stage_or_a_reasoned_reveal() {
    let app = spawn_app().await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let mut ids = vec![];
    for (given, mail) in [
        ("Kari", "kari@example.no"),
        ("Per", "per@example.no"),
        ("Ola", "ola@example.no"),
    ] {
        let cv = docx(&format!(
            "{given} Nordmann, {mail}, telefon 912 34 567. Erfaring med ECMO og intensivmedisin."
        ));
        let filename = format!("CV {given} Nordmann.docx");
        let a = NewApplication {
            posting_id: id,
            given_name: given,
            family_name: "Nordmann",
            email: mail,
            source: "career_site",
            files: vec![NewFile {
                kind: "cv",
                filename: &filename,
                content_type: DOCX,
                bytes: &cv,
            }],
            ip: "127.0.0.1",
            submission_key: None,
            lang: "nb",
            form: None,
            answers: &[],
            equality: None,
            talent_pool_until: None,
        };
        ids.push(s.submit_application(&a, &receipt(mail)).await.unwrap());
    }
    let (kari, per, ola) = (ids[0], ids[1], ids[2]);
    app.worker.drain().await.unwrap();
    let stages = s.posting_stages(id).await.unwrap();
    let at = |p: Phase| stages.iter().find(|x| x.phase == p).unwrap().position;
    let interview = at(Phase::Interview).to_string();

    // HR turns it on; a stage for received applications is refused with the reason, junk is 400.
    let stages_url = format!("/admin/postings/{id}/stages");
    let blind_url = format!("/admin/postings/{id}/blind");
    let csrf = hr.get(&stages_url).await.csrf();
    let early = at(Phase::Applied).to_string();
    let refused = hr
        .post_form(&blind_url, &[("csrf", &csrf), ("blind_until", &early)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .contains("Velg et steg som kommer etter at søknaden er mottatt."));
    let junk = hr
        .post_form(&blind_url, &[("csrf", &csrf), ("blind_until", "tre")])
        .await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
    let on = hr
        .post_form(&blind_url, &[("csrf", &csrf), ("blind_until", &interview)])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.text());
    assert!(hr
        .get(&stages_url)
        .await
        .text()
        .contains("søkerne vises med nummer til de er kommet til steget «Intervju»"));

    // The manager's list: numbers, not names; a search by a name or an address finds no one
    // hidden, a search by what they can do does.
    let mut leder = app.signed_in("leder").await;
    let list_url = format!("/admin/postings/{id}/applicants");
    let list = leder.get(&list_url).await.text();
    assert!(
        list.contains("Søker 1") && list.contains("Søker 2"),
        "{list}"
    );
    assert!(!list.contains("Nordmann") && !list.contains("Kari "));
    assert!(list.contains("Anonym vurdering"));
    // Nor by the start of such a word together with a word they all have: which hidden
    // applicants fall away must not tell whose name starts so.
    for probe in [
        "kari",
        "nordmann",
        "per%40example.no",
        "ka",
        "ecmo+nord",
        "912",
    ] {
        let found = leder.get(&format!("{list_url}?q={probe}")).await.text();
        assert!(
            !found.contains("Søker "),
            "{probe} found a hidden applicant"
        );
    }
    let by_skill = leder
        .get(&format!("{list_url}?q=ecmo+intensiv"))
        .await
        .text();
    for n in 1..=3 {
        assert!(by_skill.contains(&format!("Søker {n}</a>")), "{by_skill}");
    }
    // Ordered by name, the order would tell: the list keeps the order of submission.
    let by_name = leder.get(&format!("{list_url}?sort=name")).await.text();
    assert!(by_name.find("Søker 1").unwrap() < by_name.find("Søker 2").unwrap());
    // The search across postings leaves hidden applicants out.
    let across = leder.get("/admin/search?q=ecmo").await.text();
    assert!(!across.contains("Nordmann"), "{across}");

    // The application: no name, address or file name; the file itself refused (and audited);
    // its text readable with the identity taken out.
    let page = leder.get(&format!("/admin/applications/{kari}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("<h1>Søker 1</h1>"), "{text}");
    for gone in ["Kari", "Nordmann", "kari@example.no"] {
        assert!(!text.contains(gone), "{gone} shown");
    }
    let system = Reader {
        actor: Actor::System,
        ip: "test",
    };
    let doc = s.read_application(&system, kari).await.unwrap().documents[0].id;
    let file = leder
        .get(&format!("/admin/applications/{kari}/documents/{doc}"))
        .await;
    assert_eq!(file.status, StatusCode::FORBIDDEN);
    let trail = s.audit_trail(SubjectKind::Application, kari).await.unwrap();
    assert!(trail.iter().any(|e| e.action == AuditAction::Denied));
    let cv = leder
        .get(&format!("/admin/applications/{kari}/documents/{doc}/text"))
        .await;
    assert_eq!(cv.status, StatusCode::OK);
    let cv = cv.text();
    assert!(cv.contains("Erfaring med ECMO og intensivmedisin."), "{cv}");
    assert!(cv.contains("[skjult]"));
    for gone in ["Kari", "Nordmann", "kari@example.no", "912 34 567"] {
        assert!(!cv.contains(gone), "{gone} left in the text");
    }

    // A union representative of the posting sees the numbers too, and may not reveal.
    let hash = hash_password(PASSWORD).unwrap();
    let rep = s
        .create_user(NewUser {
            username: "tv",
            email: "tv@ous.example",
            display_name: "Tore Tillitsvalgt",
            password_hash: Some(&hash),
        })
        .await
        .unwrap();
    s.grant(rep.id, Role::UnionRep, None, Some(id))
        .await
        .unwrap();
    let mut tv = app.signed_in("tv").await;
    let seen = tv.get(&format!("/admin/applications/{kari}")).await;
    assert!(seen.text().contains("Søker 1") && !seen.text().contains("Kari"));
    assert!(!seen.text().contains("Vis identiteten</button>"));
    let csrf = seen.csrf();
    let no = tv
        .post_form(
            &format!("/admin/applications/{kari}/reveal"),
            &[("csrf", &csrf), ("reason", "Nysgjerrig")],
        )
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);

    // The manager reveals one: a reason is required, then the name is shown with who and why,
    // and the reveal is in the audit trail.
    let csrf = leder
        .get(&format!("/admin/applications/{kari}"))
        .await
        .csrf();
    let reveal_url = format!("/admin/applications/{kari}/reveal");
    let empty = leder
        .post_form(&reveal_url, &[("csrf", &csrf), ("reason", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Skriv hvorfor identiteten må vises."));
    assert!(!empty.text().contains("Kari"));
    let shown = leder
        .post_form(
            &reveal_url,
            &[("csrf", &csrf), ("reason", "Søkeren har fortrinnsrett")],
        )
        .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    let page = leder
        .get(&format!("/admin/applications/{kari}"))
        .await
        .text();
    assert!(page.contains("<h1>Kari Nordmann</h1>"));
    assert!(page.contains("Begrunnelse: Søkeren har fortrinnsrett"));
    let reveals = s
        .audit_trail(SubjectKind::Application, kari)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::Reveal)
        .count();
    assert_eq!(reveals, 1);
    // The others stay hidden, and the file of the one shown can be had.
    let list = leder.get(&list_url).await.text();
    assert!(list.contains("Kari Nordmann") && list.contains("Søker 2"));
    assert!(list.contains("Søker 3"));
    assert!(!list.contains("Per Nordmann"));
    assert_eq!(
        leder
            .get(&format!("/admin/applications/{kari}/documents/{doc}"))
            .await
            .status,
        StatusCode::OK
    );

    // Moved to the interview, the other is shown too, by the move (audited).
    let move_page = leder
        .get(&format!(
            "/admin/postings/{id}/applicants/move?ids={per}&target={interview}"
        ))
        .await;
    assert!(move_page.text().contains("Søker 2") && !move_page.text().contains("Per Nordmann"));
    let csrf = move_page.csrf();
    let per_s = per.to_string();
    let moved = leder
        .post_form(
            &format!("/admin/postings/{id}/applicants/move"),
            &[
                ("csrf", csrf.as_str()),
                ("ids", per_s.as_str()),
                ("target", interview.as_str()),
                ("reason", "Godt kvalifisert"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    let page = leder
        .get(&format!("/admin/applications/{per}"))
        .await
        .text();
    assert!(page.contains("<h1>Per Nordmann</h1>"));
    assert!(
        page.contains("da Lise Leder flyttet søkeren videre"),
        "{page}"
    );
    assert!(s
        .audit_trail(SubjectKind::Application, per)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Reveal));
    let across = leder.get("/admin/search?q=ecmo").await.text();
    assert!(across.contains("Kari Nordmann") && across.contains("Per Nordmann"));

    // Turned off: the one still hidden is shown, written down as such and audited, and turning
    // it on again hides no one who was seen.
    let csrf = hr.get(&stages_url).await.csrf();
    let off = hr
        .post_form(&blind_url, &[("csrf", &csrf), ("blind_until", "")])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(hr
        .get(&stages_url)
        .await
        .text()
        .contains("Saken har ikke anonym vurdering."));
    let page = leder
        .get(&format!("/admin/applications/{ola}"))
        .await
        .text();
    assert!(page.contains("<h1>Ola Nordmann</h1>"));
    assert!(
        page.contains("da Hanne Haugen slo av anonym vurdering"),
        "{page}"
    );
    assert!(s
        .audit_trail(SubjectKind::Application, ola)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Reveal));
    let csrf = hr.get(&stages_url).await.csrf();
    let again = hr
        .post_form(&blind_url, &[("csrf", &csrf), ("blind_until", &interview)])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let list = leder.get(&list_url).await.text();
    assert!(list.contains("Ola Nordmann") && !list.contains("Søker 3"));
    // A reveal stage may not be removed while it is one: the stages page refuses.
    let without_interview: Vec<_> = stages
        .iter()
        .filter(|x| x.phase != Phase::Interview)
        .map(|x| {
            (
                Some(x.position),
                talentflyt_domain::pipeline::StageDef {
                    name_nb: x.name_nb.clone(),
                    name_en: x.name_en.clone(),
                    phase: x.phase,
                },
            )
        })
        .collect();
    let refused = s
        .save_stages(id, &without_interview, 14, 1)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(refused.key, "stages.blind_stage");
    let changes = s
        .audit_trail(SubjectKind::Posting, id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.detail.starts_with("blind screening"))
        .count();
    assert_eq!(changes, 3);
}
