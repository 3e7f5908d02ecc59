//! No candidate left unanswered (R6): the hourly reminder to the staff of a posting whose
//! candidates have waited longer than its answer time in one stage.

use crate::alerts::{AlertSite, Notice};
use talentflyt_domain::Lang;
use talentflyt_store::{OutgoingEmail, Store, Waiting};

/// The reminder to one member of staff. Staff have no language of their own on record, so it
/// says everything in bokmål first and English second.
pub fn reminder(site: &AlertSite, w: &Waiting, to: &str, name: &str) -> OutgoingEmail {
    let (nb_who, en_who) = if w.count == 1 {
        ("1 søker".to_owned(), "1 applicant has".to_owned())
    } else {
        (
            format!("{} søkere", w.count),
            format!("{} applicants have", w.count),
        )
    };
    let (en_who, en_verb) = en_who.rsplit_once(' ').unwrap_or((&en_who, "have"));
    let days = w.answer_days.to_string();
    let subject = format!("Søkere venter på svar / Applicants waiting: {}", w.title);
    let notice = Notice {
        heading: "Søkere venter på svar".into(),
        paragraphs: vec![
            format!("Hei, {name}."),
            format!(
                "{nb_who} på stillingen {} ({}) har ventet {days} dager eller mer i samme steg. Gi dem svar eller flytt dem videre.",
                w.title, w.reference
            ),
            format!(
                "English: {en_who} for the position {} ({}) {en_verb} waited {days} days or more in one stage. Answer them or move them on.",
                w.title, w.reference
            ),
        ],
        items: vec![],
        action: Some((
            "Se søkerne / See the applicants".into(),
            format!(
                "{}/admin/postings/{}/applicants?stage=overdue&sort=waiting",
                site.base_url, w.posting_id
            ),
        )),
        footer: vec![
            "Du får denne påminnelsen fordi du har laget stillingen, bedt om den, eller er HR-rådgiver for enheten. / You get this reminder because you made the position, asked for it, or are the HR advisor for the unit.".into(),
        ],
        links: vec![],
    };
    notice
        .render(
            to,
            &subject,
            Lang::Nb,
            &site.brand,
            "waiting_reminder",
            None,
        )
        .unwrap_or_else(|_| OutgoingEmail {
            to: to.to_owned(),
            subject: subject.clone(),
            text: notice.paragraphs.join("\n\n"),
            html: String::new(),
            template: "waiting_reminder.nb".into(),
            list_unsubscribe: None,
            calendar: None,
        })
}

/// Queue the reminders that are due at `now`. Returns how many e-mails were queued.
pub async fn run(store: &Store, site: &AlertSite, now: i64) -> talentflyt_store::Result<usize> {
    store
        .queue_waiting_reminders(now, &|w, to, name| reminder(site, w, to, name))
        .await
}
