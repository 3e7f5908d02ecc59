//! The public applicant list (R11, offentleglova §25): produced the day after the first
//! deadline (an extension does not delay it), with name, age, title and municipality of those
//! named and the count and gender of all; each request not to be named decided by HR on its
//! own with written reasons; a refused applicant told and named once they accept or the day to
//! answer passes; a version kept at every change; a public page and a PDF, never indexed; the
//! requests and reasons for HR only.

use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::application::ApplicationInput;
use talentflyt_store::SubjectKind;

/// An applicant with the details the list shows, through the store as the form does.
async fn apply_listed(
    app: &TestApp,
    posting_id: i64,
    (given, family, email): (&str, &str, &str),
    gender: &str,
    exemption: Option<&str>,
) -> i64 {
    let input = ApplicationInput {
        given_name: given.into(),
        family_name: family.into(),
        email: email.into(),
        birth_date: "1990-05-17".into(),
        municipality: "Bærum".into(),
        current_title: "Sykepleier".into(),
        list_gender: gender.into(),
        exemption: exemption.is_some(),
        exemption_reason: exemption.unwrap_or_default().into(),
        ..ApplicationInput::default()
    };
    apply_form(app, posting_id, &input).await
}

async fn run_list_job(app: &TestApp) {
    app.db
        .store
        .enqueue_job(
            &talentflyt_store::JobKind::ApplicantLists,
            talentflyt_store::now(),
            3,
        )
        .await
        .unwrap();
    app.worker.drain().await.unwrap();
}

pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(bytes).expect("a PDF that a reader can read")
}

pub(crate) fn mail_text(app: &TestApp, to: &str) -> String {
    app.inbox
        .messages()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .map(crate::apply::decoded)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The table of those named, on the staff page (the page also lists every applicant to choose
/// a party from).
fn named_on(page: &str) -> String {
    let from = page.find("id=\"named-title\"").expect("a named table");
    let to = page[from..].find("</table>").unwrap_or(0) + from;
    page[from..to].to_owned()
}

#[tokio::test]
async fn the_public_applicant_list_is_produced_at_the_first_deadline_and_kept_in_versions() {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now());
    let (app, clock) = app_on(&today.to_string()).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let kari = apply_listed(
        &app,
        id,
        ("Kari", "Nordmann", "kari@example.no"),
        "woman",
        None,
    )
    .await;
    let ola = apply_listed(&app, id, ("Ola", "Berg", "ola@example.no"), "man", None).await;
    let per = apply_listed(
        &app,
        id,
        ("Per", "Hemmelig", "per@example.no"),
        "man",
        Some("Arbeidsgiveren min vet ikke at jeg søker."),
    )
    .await;
    let emma = apply_listed(
        &app,
        id,
        ("Emma", "Stille", "emma@example.no"),
        "",
        Some("Jeg er i en sårbar situasjon."),
    )
    .await;
    let url = format!("/admin/postings/{id}/applicant-list");
    let public = format!("/jobs/{id}/applicants");

    // Before the deadline: no list, and the page says when it comes.
    let text = hr.get(&url).await.text();
    assert!(text.contains("Søkerlisten lages"), "{text}");
    assert_eq!(
        app.client().get(&public).await.status,
        StatusCode::NOT_FOUND
    );
    // The deadline is extended by a week; the list still comes after the first one.
    let first = day(&in_days(14));
    let hr_id = s.user_by_username("hr").await.unwrap().unwrap().id;
    s.extend_deadline(id, first + chrono::Duration::days(7), hr_id, today)
        .await
        .unwrap();
    assert!(hr
        .get(&url)
        .await
        .text()
        .contains("Søknadsfristen er forlenget"));

    // The day after the first deadline, the hourly job makes version 1.
    clock.advance(chrono::Duration::days(15));
    run_list_job(&app).await;
    run_list_job(&app).await;
    let versions = s.applicant_list_versions(id).await.unwrap();
    assert_eq!(versions.len(), 1, "once only");
    let r = app.client().get(&public).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.robots.as_deref(), Some("noindex, nofollow"));
    let text = r.text();
    assert!(text.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    for shown in ["Kari Nordmann", "Ola Berg", "Bærum", "Sykepleier"] {
        assert!(text.contains(shown), "{shown}");
    }
    // Undecided requests: counted, not named.
    assert!(!text.contains("Hemmelig") && !text.contains("Stille"));
    let age = talentflyt_domain::applicant_list::age("1990-05-17", first.succ_opt().unwrap())
        .unwrap()
        .to_string();
    assert!(text.contains(&format!("<td>{age}</td>")));
    for (label, n) in [
        ("Antall søkere", 4),
        ("Kvinner", 1),
        ("Menn", 2),
        ("Kjønn ikke oppgitt", 1),
        ("Ikke oppført på listen", 2),
    ] {
        assert!(
            text.contains(&format!("<dt>{label}</dt><dd>{n}</dd>")),
            "{label} {n}"
        );
    }
    // The PDF holds the same, read by a PDF library.
    let r = app.client().get(&format!("{public}.pdf")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/pdf");
    let pdf = pdf_text(&r.body);
    for shown in [
        "Offentlig søkerliste",
        "Intensivsykepleier",
        "Kari Nordmann",
        "Ola Berg",
        "Bærum",
        "Antall søkere:",
        "Side 1 av 1",
    ] {
        assert!(pdf.contains(shown), "{shown} in {pdf}");
    }
    assert!(!pdf.contains("Hemmelig"));

    // The staff page: HR sees the requests with the applicants' reasons (audited); the
    // manager sees the list but not the reasons, and may not decide; others see nothing.
    let text = hr.get(&url).await.text();
    assert!(text.contains("Arbeidsgiveren min vet ikke at jeg søker."));
    assert!(text.contains("Noen anmodninger om ikke å bli oppført er ikke avgjort"));
    let trail = s.audit_trail(SubjectKind::Application, per).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.detail == "exemption request read" && e.actor_kind == "user"));
    let mut leder = app.signed_in("leder").await;
    let page = leder.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Kari Nordmann"));
    assert!(!page.text().contains("Arbeidsgiveren min vet ikke"));
    let lcsrf = page.csrf();
    let r = leder
        .post_form(
            &format!("/admin/applications/{per}/exemption"),
            &[
                ("csrf", &lcsrf),
                ("decision", "granted"),
                ("rationale", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // HR's work list has the posting with its two requests to decide; managers have none.
    let text = hr.get("/admin/applicant-lists").await.text();
    assert!(
        text.contains(&format!(
            "/admin/postings/{id}/applicant-list#exemptions\">2</a>"
        )),
        "{text}"
    );
    assert_eq!(
        leder.get("/admin/applicant-lists").await.status,
        StatusCode::FORBIDDEN
    );
    let mut annen = app.signed_in("annen").await;
    assert_eq!(annen.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        annen.get(&format!("{url}.pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    // A decision needs a choice and reasons; what was typed is kept.
    let csrf = hr.get(&url).await.csrf();
    let decide = format!("/admin/applications/{per}/exemption");
    let r = hr
        .post_form(&decide, &[("csrf", &csrf), ("rationale", "Halvferdig")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("Avgjørelse: "), "{text}");
    assert!(text.contains(">Halvferdig</textarea>"));
    let r = hr
        .post_form(
            &decide,
            &[("csrf", &csrf), ("decision", "granted"), ("rationale", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Skriv en begrunnelse for avgjørelsen."));
    let r = hr
        .post_form(
            &decide,
            &[("csrf", &csrf), ("decision", "maybe"), ("rationale", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Per's request is granted; he is told, with the reasons.
    let r = hr
        .post_form(
            &decide,
            &[
                ("csrf", &csrf),
                ("decision", "granted"),
                (
                    "rationale",
                    "Søkeren kan få problemer i nåværende stilling.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = hr
        .post_form(
            &decide,
            &[
                ("csrf", &csrf),
                ("decision", "refused"),
                ("rationale", "Likevel nei."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one decision only");
    assert!(r.text().contains("Anmodningen er allerede avgjort."));
    // Emma's is refused: she is told the day to answer by.
    let r = hr
        .post_form(
            &format!("/admin/applications/{emma}/exemption"),
            &[
                ("csrf", &csrf),
                ("decision", "refused"),
                ("rationale", "Stillingen har stor offentlig interesse."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    let m = mail_text(&app, "per@example.no");
    assert!(
        m.contains("Du blir ikke oppført på søkerlisten: Intensivsykepleier"),
        "{m}"
    );
    assert!(m.contains("Søkeren kan få problemer i nåværende stilling."));
    let m = mail_text(&app, "emma@example.no");
    let answer_by = talentflyt_domain::applicant_list::answer_by(clock.today());
    assert!(
        m.contains("Anmodningen om ikke å bli oppført er avslått"),
        "{m}"
    );
    assert!(
        m.contains(&talentflyt_domain::Lang::Nb.date(answer_by)),
        "{m}"
    );
    // Neither decision changes who is named: still version 1.
    assert_eq!(s.applicant_list_versions(id).await.unwrap().len(), 1);
    let text = hr.get(&url).await.text();
    assert!(text.contains("Innvilget") && text.contains("av Hanne Haugen"));
    assert!(text.contains("Venter på svar fra søkeren."));

    // A late applicant after the extension is added: version 2.
    let lars = apply_listed(&app, id, ("Lars", "Sen", "lars@example.no"), "man", None).await;
    // Kari withdraws: version 3, without her.
    let kari_c = s.application_candidate_id(kari).await.unwrap();
    assert!(s
        .withdraw_application(kari_c, kari, "127.0.0.1", &receipt("kari@example.no"))
        .await
        .unwrap());
    let versions = s.applicant_list_versions(id).await.unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(
        (versions[1].added, versions[1].removed, versions[1].total),
        (1, 0, 5)
    );
    assert_eq!(
        (versions[0].added, versions[0].removed, versions[0].total),
        (0, 1, 4)
    );
    let text = app.client().get(&public).await.text();
    assert!(text.contains("Lars Sen") && !text.contains("Kari Nordmann"));

    // Emma is rejected meanwhile: she may still accept being named, not withdraw.
    assert_eq!(move_as_hr(&app, id, &[emma], None).await, 1);
    let mut ec = app.client();
    let path = crate::apply::sign_in_link(&app, &mut ec, "emma@example.no").await;
    ec.get(&path).await;
    let text = ec.get(&format!("/portal/applications/{emma}")).await.text();
    assert!(
        text.contains("Søknaden din er allerede behandlet"),
        "{text}"
    );
    assert!(text.contains(&format!("/portal/applications/{emma}/listing")));
    assert!(!text.contains(&format!("/portal/applications/{emma}/withdraw")));
    // Emma lets the day to answer pass: the job names her (version 4), as the system.
    clock.advance(chrono::Duration::days(
        talentflyt_domain::applicant_list::ANSWER_DAYS + 1,
    ));
    run_list_job(&app).await;
    let text = app.client().get(&public).await.text();
    assert!(text.contains("Emma Stille"), "{text}");
    assert!(!text.contains("Per Hemmelig"));
    let trail = s.audit_trail(SubjectKind::Application, emma).await.unwrap();
    assert!(trail.iter().any(|e| e.actor_kind == "system"
        && e.detail == "named on the applicant list: no answer to the refusal in time"));
    let text = hr.get(&url).await.text();
    assert!(text.contains("Søkeren svarte ikke innen fristen og står på listen."));
    // Emma's Min side says so.
    assert!(ec
        .get(&format!("/portal/applications/{emma}"))
        .await
        .text()
        .contains("Du svarte ikke innen fristen og står på søkerlisten."));
    assert!(text.contains("Versjon 4"));

    // Each version stays readable by staff, with its PDF.
    let v1 = named_on(&hr.get(&format!("{url}?version=1")).await.text());
    assert!(
        v1.contains("Kari Nordmann") && !v1.contains("Lars Sen"),
        "{v1}"
    );
    let r = hr.get(&format!("{url}.pdf?version=1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(pdf_text(&r.body).contains("Kari Nordmann"));
    assert_eq!(
        hr.get(&format!("{url}?version=99")).await.status,
        StatusCode::NOT_FOUND
    );

    // Ola, a party, asks for the extended list on Min side; HR gives it; he reads it there,
    // Per (not named publicly) included, and each applicant on it is audited as read by him.
    let mut oc = app.client();
    let path = crate::apply::sign_in_link(&app, &mut oc, "ola@example.no").await;
    oc.get(&path).await;
    let mine = format!("/portal/applications/{ola}");
    let page = oc.get(&mine).await;
    assert!(page.text().contains("Be om den utvidede søkerlisten"));
    let ocsrf = page.csrf();
    let r = oc
        .post_form(&format!("{mine}/extended-list"), &[("csrf", &ocsrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Twice is one request.
    oc.post_form(&format!("{mine}/extended-list"), &[("csrf", &ocsrf)])
        .await;
    assert!(oc
        .get(&mine)
        .await
        .text()
        .contains("Vi behandler innsynskravet."));
    let requests = s.list_requests(id).await.unwrap();
    assert_eq!(requests.len(), 1);
    let rid = requests[0].id;
    let text = hr.get(&url).await.text();
    assert!(text.contains("Bedt om på Min side"), "{text}");
    // HR's work list shows it waiting.
    assert!(hr
        .get("/admin/applicant-lists")
        .await
        .text()
        .contains(&format!(
            "/admin/postings/{id}/applicant-list#requests\">1</a>"
        )));
    let csrf = hr.get(&url).await.csrf();
    let r = hr
        .post_form(
            &format!("{url}/requests/{rid}"),
            &[("csrf", &csrf), ("decision", "given"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = hr
        .post_form(
            &format!("{url}/requests/{rid}"),
            &[("csrf", &csrf), ("decision", "refused"), ("note", "Nei")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    app.worker.drain().await.unwrap();
    assert!(
        mail_text(&app, "ola@example.no").contains("Du har fått innsyn i den utvidede søkerlisten")
    );
    let text = oc.get(&mine).await.text();
    assert!(text.contains("Du fikk innsyn"));
    let text = oc.get(&format!("{mine}/extended-list")).await.text();
    assert!(
        text.contains("Per Hemmelig") && text.contains("Emma Stille") && text.contains("Lars Sen")
    );
    let trail = s.audit_trail(SubjectKind::Application, per).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.detail == "on the extended applicant list" && e.actor_kind == "candidate"));

    // HR records a request from the press: junk is named field by field, and kept.
    let tomorrow = (clock.today() + chrono::Duration::days(1)).to_string();
    let r = hr
        .post_form(
            &format!("{url}/requests"),
            &[
                ("csrf", &csrf),
                ("requester", " "),
                ("contact", "desk@avis.example"),
                ("received_on", &tomorrow),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    for msg in [
        "Hva gjelder kravet?: ",
        "Skriv hvem som ber om innsyn.",
        "Den kan ikke være fram i tid",
    ] {
        assert!(text.contains(msg), "{msg}");
    }
    assert!(text.contains("value=\"desk@avis.example\""));
    // The extended list only for a party.
    let r = hr
        .post_form(
            &format!("{url}/requests"),
            &[
                ("csrf", &csrf),
                ("kind", "extended"),
                ("requester", "Avisa"),
                ("received_on", &clock.today().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Den gis bare til søkere i saken."));
    let r = hr
        .post_form(
            &format!("{url}/requests"),
            &[
                ("csrf", &csrf),
                ("kind", "public"),
                ("requester", "Avisa"),
                ("contact", "desk@avis.example"),
                ("received_on", &clock.today().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let press = s.list_requests(id).await.unwrap()[1].id;
    // A refusal needs its reasons.
    let r = hr
        .post_form(
            &format!("{url}/requests/{press}"),
            &[("csrf", &csrf), ("decision", "refused"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = hr
        .post_form(
            &format!("{url}/requests/{press}"),
            &[
                ("csrf", &csrf),
                ("decision", "given"),
                ("note", "Sendt som PDF."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let text = hr.get(&url).await.text();
    assert!(text.contains("Offentlig søkerliste: Avisa (desk@avis.example)"));
    assert!(text.contains("Innsyn gitt"));
    // The manager reads the extended list, may not record; others see nothing.
    let page = leder.get(&format!("{url}/extended")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Per Hemmelig"));
    let r = leder
        .post_form(
            &format!("{url}/requests"),
            &[("csrf", &lcsrf), ("kind", "public"), ("requester", "X")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        annen.get(&format!("{url}/extended")).await.status,
        StatusCode::NOT_FOUND
    );

    // Kari erases her data: she leaves every version.
    s.erase_candidate(kari_c, "127.0.0.1").await.unwrap();
    let v1 = named_on(&hr.get(&format!("{url}?version=1")).await.text());
    assert!(!v1.contains("Kari Nordmann"));
    assert!(v1.contains("Ola Berg"));

    // While the posting screens blind, only HR opens the extended list.
    let stage = s
        .posting_stages(id)
        .await
        .unwrap()
        .iter()
        .find(|x| x.phase == talentflyt_domain::posting::Phase::Interview)
        .unwrap()
        .position
        .to_string();
    let r = hr
        .post_form(
            &format!("/admin/postings/{id}/blind"),
            &[("csrf", &csrf), ("blind_until", &stage)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        leder.get(&format!("{url}/extended")).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!leder
        .get(&url)
        .await
        .text()
        .contains("Se den utvidede søkerlisten"));
    assert_eq!(
        hr.get(&format!("{url}/extended")).await.status,
        StatusCode::OK
    );

    // Half a year after the first deadline the list leaves the web.
    clock.advance(chrono::Duration::days(
        talentflyt_domain::applicant_list::PUBLIC_DAYS,
    ));
    let r = app.client().get(&public).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.text().contains("Søkerlisten var publisert her til"));
    assert_eq!(
        app.client().get(&format!("{public}.pdf")).await.status,
        StatusCode::GONE
    );
    assert!(hr
        .get(&url)
        .await
        .text()
        .contains("Den gis nå bare ut på forespørsel"));
    let _ = (ola, lars);
}
