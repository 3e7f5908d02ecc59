//! The invitation to the candidate experience survey (R14), in the candidate's language.

use crate::alerts::{AlertSite, Notice};
use talentflyt_domain::Lang;
use talentflyt_store::{OutgoingEmail, Store, SurveyInvite};

/// The e-mail inviting one candidate.
pub fn invitation(site: &AlertSite, i: &SurveyInvite) -> OutgoingEmail {
    let link = format!("{}/survey/{}", site.base_url, i.token);
    let (subject, heading, paragraphs, action) = match i.lang {
        Lang::Nb => (
            format!("Hvordan opplevde du søknadsprosessen? {}", i.title),
            "Hvordan opplevde du søknadsprosessen?".to_owned(),
            vec![
                format!("Hei, {}.", i.name),
                format!(
                    "Du har fått svar på søknaden din på stillingen {}. Vi vil gjerne høre hvordan du opplevde prosessen. Det tar to minutter, og svaret ditt er anonymt: vi kan ikke se hvem som har svart.",
                    i.title
                ),
            ],
            "Svar på undersøkelsen".to_owned(),
        ),
        Lang::En => (
            format!("How was your application process? {}", i.title),
            "How was your application process?".to_owned(),
            vec![
                format!("Hello, {}.", i.name),
                format!(
                    "You have had an answer to your application for the position {}. We would like to hear how you found the process. It takes two minutes, and your answer is anonymous: we cannot see who answered.",
                    i.title
                ),
            ],
            "Answer the survey".to_owned(),
        ),
    };
    let notice = Notice {
        heading,
        paragraphs,
        items: vec![],
        action: Some((action, link)),
        footer: vec![],
        links: vec![],
    };
    notice
        .render(
            &i.email,
            &subject,
            i.lang,
            &site.brand,
            "candidate_survey",
            None,
        )
        .unwrap_or_else(|_| OutgoingEmail {
            to: i.email.clone(),
            subject: subject.clone(),
            text: notice.paragraphs.join("\n\n"),
            html: String::new(),
            template: format!("candidate_survey.{}", i.lang.code()),
            list_unsubscribe: None,
            calendar: None,
        })
}

/// Invite those whose final answer came at least a day ago. Returns how many were invited.
pub async fn run(store: &Store, site: &AlertSite, now: i64) -> talentflyt_store::Result<usize> {
    store
        .queue_survey_invites(now, &|i| invitation(site, i))
        .await
}
