//! References (R10): consent first, asked by staff and given (or not) per referee by the
//! candidate in the portal; a link only to a consented referee; the structured form answered
//! once, before the link runs out; the answers on the application; every step audited.

use crate::apply::{decoded, sign_in_link};
use crate::*;
use axum::http::StatusCode;
use talentflyt_domain::application::{ApplicationInput, Referee};
use talentflyt_domain::posting::Phase;
use talentflyt_store::SubjectKind;

/// Kari applies naming three referees, one without an e-mail address.
async fn apply_with_referees(app: &TestApp, posting_id: i64) -> i64 {
    let referee = |name: &str, relation: &str, email: &str| Referee {
        name: name.into(),
        relation: relation.into(),
        phone: "22 33 44 55".into(),
        email: email.into(),
    };
    let input = ApplicationInput {
        given_name: "Kari".into(),
        family_name: "Nordmann".into(),
        email: "kari@example.no".into(),
        referees: vec![
            referee("Rita Referanse", "Avdelingsleder", "rita@ref.example"),
            referee("Ola Kollega", "Kollega", "Ola@Ref.example"),
            referee("Per Uten", "Kollega", ""),
        ],
        ..ApplicationInput::default()
    };
    apply_form(app, posting_id, &input).await
}

fn last_mail(app: &TestApp, to: &str) -> String {
    app.inbox
        .messages()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .map(decoded)
        .next_back()
        .unwrap_or_default()
}

/// The path of the referee's link in their e-mail.
fn referee_link(mail: &str) -> String {
    let i = mail
        .find("/references/")
        .expect("the link is in the e-mail");
    let end = i + mail[i..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
        .unwrap();
    mail[i..end].to_owned()
}

#[tokio::test]
async fn references_need_consent_and_referees_answer_a_structured_form_once() {
    let today = talentflyt_domain::clock::norwegian_date(chrono::Utc::now()).to_string();
    let (app, clock) = app_on(&today).await;
    let s = &app.db.store;
    let mut hr = app.signed_in("hr").await;
    let id = publish_posting(&app, &mut hr, "Intensivsykepleier", app.icu.id).await;
    let kari = apply_with_referees(&app, id).await;
    app.worker.drain().await.unwrap();
    let url = format!("/admin/applications/{kari}/references");
    let page = hr.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Søkeren er ikke spurt om samtykke ennå."));
    assert!(text.contains("Rita Referanse (Avdelingsleder)"));
    assert!(text.contains("Per Uten (Kollega) – mangler e-postadresse"));
    let csrf = page.csrf();

    // Not before the candidate is met.
    let r = hr
        .post_form(&format!("{url}/consent"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r
        .text()
        .contains("Referanser kan innhentes fra intervjusteget"));

    move_as_hr(&app, id, &[kari], Some(Phase::Interview)).await;

    // Consent asked: the candidate is told who, by e-mail and on Min side.
    let r = hr
        .post_form(&format!("{url}/consent"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "kari@example.no");
    assert!(
        m.contains("Samtykke til å kontakte referanser: Intensivsykepleier"),
        "{m}"
    );
    assert!(m.contains("Rita Referanse, Ola Kollega"));
    let text = hr.get(&url).await.text();
    assert_eq!(text.matches("Venter på samtykke fra søkeren").count(), 2);
    assert!(text.contains("av Hanne Haugen"));
    assert!(!text.contains("Send forespørsel til referansen"));
    let checks = s.reference_checks(kari).await.unwrap();
    let (rita, ola) = (checks[0].id, checks[1].id);
    assert_eq!(checks[1].referee_email, "ola@ref.example");
    // Asked already; and no link without consent.
    let r = hr
        .post_form(&format!("{url}/consent"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = hr
        .post_form(&format!("{url}/{rita}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r
        .text()
        .contains("Søkeren har ikke samtykket til at denne referansen kontaktes"));

    // Kari consents to Rita, not to Ola.
    let mut kc = app.client();
    let path = sign_in_link(&app, &mut kc, "kari@example.no").await;
    kc.get(&path).await;
    let portal = format!("/portal/applications/{kari}");
    let page = kc.get(&portal).await;
    let text = page.text();
    assert!(text.contains("Hvem kan vi kontakte som referanse?"));
    let kcsrf = page.csrf();
    let rita_s = rita.to_string();
    let r = kc
        .post_form(
            &format!("{portal}/references"),
            &[("csrf", &kcsrf), ("consent", &rita_s)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let text = kc.get(&r.location.unwrap()).await.text();
    assert!(text.contains("Svaret ditt om referanser er lagret."));
    assert!(text.contains(&format!(
        "id=\"consent-{rita}\" name=\"consent\" value=\"{rita}\" checked"
    )));
    assert!(!text.contains(&format!("value=\"{ola}\" checked")));
    // Junk is refused, and nothing changes.
    let r = kc
        .post_form(
            &format!("{portal}/references"),
            &[("csrf", &kcsrf), ("consent", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let text = hr.get(&url).await.text();
    assert!(text.contains("Søkeren samtykket"));
    assert!(text.contains("Søkeren har ikke samtykket"));
    let r = hr
        .post_form(&format!("{url}/{ola}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = hr
        .post_form(&format!("{url}/{rita}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    app.worker.drain().await.unwrap();
    let m = last_mail(&app, "rita@ref.example");
    assert!(
        m.contains("Referanse for Kari Nordmann / Reference for Kari Nordmann"),
        "{m}"
    );
    let link = referee_link(&m);
    assert!(hr.get(&url).await.text().contains("Forespørsel sendt"));
    // Kari sees that Rita was contacted, and may still take the consent back until she answers.
    let text = kc.get(&portal).await.text();
    assert!(text.contains(&format!("value=\"{rita}\" checked")));
    assert!(text.contains("Rita Referanse (Avdelingsleder): kontaktet"));

    // The referee's form: gaps and junk named, what was typed kept.
    let mut referee = app.client();
    let page = referee.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("Referanse for Kari Nordmann")
            && text.contains("Stilling: Intensivsykepleier")
    );
    let rcsrf = page.csrf();
    let r = referee
        .post_form(
            &link,
            &[
                ("csrf", &rcsrf),
                ("duties", "Intensivpleie"),
                ("competence", "9"),
                ("cooperation", "4"),
                ("reliability", "5"),
                ("rehire", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text();
    assert!(text.contains("Hvordan kjenner du søkeren, og i hvilken periode?: "));
    assert!(text.contains("Velg en vurdering fra 1 til 5."));
    assert!(text.contains(">Intensivpleie</textarea>"));
    let r = referee
        .post_form(
            &link,
            &[
                ("csrf", &rcsrf),
                ("relation", "Nærmeste leder 2021–2025"),
                ("duties", "Intensivpleie og opplæring av nyansatte"),
                ("competence", "5"),
                ("cooperation", "4"),
                ("reliability", "5"),
                ("rehire", "yes"),
                ("strengths", "Rolig under press"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = referee.get(&link).await.text();
    assert!(text.contains("Takk for svaret"));
    // Once only.
    let r = referee
        .post_form(&link, &[("csrf", &rcsrf), ("relation", "Endret")])
        .await;
    assert!(r.text().contains("Takk for svaret"));
    assert_eq!(
        referee.get("/references/0123456789abcdef").await.status,
        StatusCode::NOT_FOUND
    );

    // The answers on the application, side by side with the questions.
    let text = hr.get(&url).await.text();
    assert!(text.contains("Svar mottatt"));
    assert!(text.contains("Faglig kompetanse</dt><dd class=\"pre\">5 – fremragende"));
    assert!(text.contains("Ville du ansatt søkeren igjen?</dt><dd class=\"pre\">Ja"));
    assert!(text.contains("Rolig under press"));
    assert!(!text.contains("Endret"));

    // Kari's own data export holds the references as far as they came, not the answers.
    let (json, v) = export_json(&mut kc).await;
    let refs = &v["applications"][0]["references"];
    assert_eq!(refs[0]["referee"], "Rita Referanse");
    assert_eq!(refs[0]["status"], "answered");
    assert_eq!(refs[1]["status"], "declined");
    assert!(!json.contains("Rolig under press"));

    // Kari changes her mind about Ola; a link not used in a fortnight runs out.
    let ola_s = ola.to_string();
    let r = kc
        .post_form(
            &format!("{portal}/references"),
            &[("csrf", &kcsrf), ("consent", &ola_s)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = hr
        .post_form(&format!("{url}/{ola}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    let ola_link = referee_link(&last_mail(&app, "ola@ref.example"));
    clock.advance(chrono::Duration::days(15));
    let r = app.client().get(&ola_link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.text().contains("Lenken gjelder ikke lenger"));

    // The staff may send a new link; Kari may take her consent back, which voids it.
    let text = hr.get(&url).await.text();
    assert!(text.contains("Lenken gikk ut"), "{text}");
    assert!(text.contains("Send ny lenke til referansen"));
    let r = hr
        .post_form(&format!("{url}/{ola}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.worker.drain().await.unwrap();
    let new_link = referee_link(&last_mail(&app, "ola@ref.example"));
    assert_ne!(new_link, ola_link);
    assert_eq!(app.client().get(&new_link).await.status, StatusCode::OK);
    let r = kc
        .post_form(&format!("{portal}/references"), &[("csrf", &kcsrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client().get(&new_link).await.status,
        StatusCode::NOT_FOUND
    );
    // Consent given again, then Kari leaves the process: what was not taken is closed.
    kc.post_form(
        &format!("{portal}/references"),
        &[("csrf", &kcsrf), ("consent", &ola_s)],
    )
    .await;
    move_as_hr(&app, id, &[kari], None).await;
    let statuses: Vec<String> = s
        .reference_checks(kari)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, ["answered", "closed"]);
    let r = hr
        .post_form(&format!("{url}/{ola}/request"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Every step is on the application's audit trail.
    let trail = s.audit_trail(SubjectKind::Application, kari).await.unwrap();
    for (detail, actor) in [
        ("consent to contact referees asked", "user"),
        ("consent to contact referees answered", "candidate"),
        ("reference requested from a referee", "user"),
        ("reference answered by the referee", "system"),
        ("reference form opened by the referee", "system"),
    ] {
        assert!(
            trail
                .iter()
                .any(|e| e.detail == detail && e.actor_kind == actor),
            "{detail}"
        );
    }
}
