//! Interview e-mails (R9): the invitation, a change and a cancellation, each carrying the
//! calendar object that puts the interview in (or takes it out of) the candidate's calendar, and
//! the reminder a day before. All in the candidate's language.

use crate::alerts::{AlertSite, Notice};
use talentflyt_domain::ical::{calendar, Event, Method, Person};
use talentflyt_domain::interview::{when, REMIND_HOURS};
use talentflyt_domain::Lang;
use talentflyt_store::{InterviewNotice, OutgoingEmail, Store};

/// The plain address of a sender written `Name <address>` or as the address alone.
pub fn address_of(from: &str) -> &str {
    match (from.find('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim(),
        _ => from.trim(),
    }
}

/// The host part of the site's address, for the calendar event's UID.
fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or("talentflyt")
}

fn nb_en(lang: Lang, nb: String, en: String) -> String {
    match lang {
        Lang::Nb => nb,
        Lang::En => en,
    }
}

/// The calendar event of an interview as the notice has it: organised by the ad's contact (or
/// the organisation, from the sender's address), with the candidate as attendee.
pub fn event(site: &AlertSite, from: &str, n: &InterviewNotice) -> Event {
    let (summary, description) = match n.lang {
        Lang::Nb => (
            format!("Intervju: {}", n.title),
            format!(
                "Intervju for stillingen {} ({}) hos {}.",
                n.title, n.reference, site.brand.org_name
            ),
        ),
        Lang::En => (
            format!("Interview: {}", n.title),
            format!(
                "Interview for the position {} ({}) at {}.",
                n.title, n.reference, site.brand.org_name
            ),
        ),
    };
    let sender = address_of(from).to_owned();
    let (organizer, sent_by) = match &n.contact {
        Some((name, email)) => (
            Person {
                name: name.clone(),
                email: email.clone(),
            },
            // The e-mail comes from the site's sender on the contact's behalf.
            (!email.eq_ignore_ascii_case(&sender)).then(|| sender.clone()),
        ),
        None => (
            Person {
                name: site.brand.org_name.clone(),
                email: sender,
            },
            None,
        ),
    };
    Event {
        uid: n.uid(host(&site.base_url)),
        sequence: n.sequence.max(0) as u32,
        start: n.start,
        minutes: n.minutes,
        summary,
        location: n.location.clone(),
        description,
        organizer,
        sent_by,
        attendee: Person {
            name: n.name.clone(),
            email: n.email.clone(),
        },
        stamp: chrono::Utc::now(),
    }
}

/// Who to ask when the time does not suit.
fn contact_line(lang: Lang, n: &InterviewNotice) -> String {
    match (&n.contact, lang) {
        (Some((name, email)), Lang::Nb) => {
            format!("Passer ikke tidspunktet? Ta kontakt med {name} ({email}).")
        }
        (Some((name, email)), Lang::En) => {
            format!("If the time does not suit you, please contact {name} ({email}).")
        }
        (None, Lang::Nb) => "Passer ikke tidspunktet? Ta kontakt med oss via Min side.".into(),
        (None, Lang::En) => {
            "If the time does not suit you, please contact us through My page.".into()
        }
    }
}

/// The invitation, the change or the cancellation, with its calendar object.
pub fn calendar_mail(site: &AlertSite, from: &str, n: &InterviewNotice) -> OutgoingEmail {
    let lang = n.lang;
    let at = when(lang, n.start, n.minutes);
    let time = nb_en(lang, format!("Tid: {at}"), format!("Time: {at}"));
    let place = nb_en(
        lang,
        format!("Sted: {}", n.location),
        format!("Place: {}", n.location),
    );
    let hello = nb_en(
        lang,
        format!("Hei, {}.", n.name),
        format!("Hello {},", n.name),
    );
    let (subject, template, paragraphs) = match (n.method, n.is_change()) {
        (Method::Cancel, _) => {
            // A candidate who accepted the offer while the interview was still ahead is told
            // why it goes, not that it is cancelled.
            let (subject, lead) = if n.hired {
                (
                    nb_en(
                        lang,
                        format!("Intervjuet utgår: {}", n.title),
                        format!("Interview no longer needed: {}", n.title),
                    ),
                    nb_en(
                        lang,
                        format!(
                            "Du har takket ja til stillingen {} ({}), så intervjuet {at} utgår.",
                            n.title, n.reference
                        ),
                        format!(
                            "You have accepted the position {} ({}), so the interview on {at} is no longer needed.",
                            n.title, n.reference
                        ),
                    ),
                )
            } else {
                (
                    nb_en(
                        lang,
                        format!("Intervjuet er avlyst: {}", n.title),
                        format!("Interview cancelled: {}", n.title),
                    ),
                    nb_en(
                        lang,
                        format!(
                            "Intervjuet ditt for stillingen {} ({}) {at} er avlyst.",
                            n.title, n.reference
                        ),
                        format!(
                            "Your interview for the position {} ({}) on {at} has been cancelled.",
                            n.title, n.reference
                        ),
                    ),
                )
            };
            let mut calendar = nb_en(
                lang,
                "Kalenderfilen i denne e-posten fjerner avtalen fra kalenderen din.".into(),
                "The calendar file in this e-mail removes the event from your calendar.".into(),
            );
            if !n.hired {
                calendar.push_str(&nb_en(
                    lang,
                    " På Min side ser du hvor søknaden din står.".into(),
                    " My page shows where your application stands.".into(),
                ));
            }
            (subject, "interview_cancelled", vec![hello, lead, calendar])
        }
        (Method::Request, true) => (
            nb_en(
                lang,
                format!("Ny tid for intervju: {}", n.title),
                format!("New time for your interview: {}", n.title),
            ),
            "interview_moved",
            vec![
                hello,
                nb_en(
                    lang,
                    format!(
                        "Intervjuet ditt for stillingen {} ({}) har fått ny tid.",
                        n.title, n.reference
                    ),
                    format!(
                        "Your interview for the position {} ({}) has a new time.",
                        n.title, n.reference
                    ),
                ),
                time,
                place,
                nb_en(
                    lang,
                    "Kalenderfilen i e-posten flytter avtalen i kalenderen din.".into(),
                    "The calendar file in this e-mail moves the event in your calendar.".into(),
                ),
                contact_line(lang, n),
            ],
        ),
        (Method::Request, false) => (
            nb_en(
                lang,
                format!("Invitasjon til intervju: {}", n.title),
                format!("Invitation to interview: {}", n.title),
            ),
            "interview_invitation",
            vec![
                hello,
                nb_en(
                    lang,
                    format!(
                        "Vi vil gjerne møte deg til intervju for stillingen {} ({}).",
                        n.title, n.reference
                    ),
                    format!(
                        "We would like to meet you for an interview for the position {} ({}).",
                        n.title, n.reference
                    ),
                ),
                time,
                place,
                nb_en(
                    lang,
                    "Invitasjonen ligger ved som kalenderfil, så du kan legge intervjuet inn i kalenderen din.".into(),
                    "The invitation is attached as a calendar file, so you can add the interview to your calendar.".into(),
                ),
                contact_line(lang, n),
            ],
        ),
    };
    let mut mail = notice_mail(site, n, &subject, template, paragraphs);
    mail.calendar = Some(calendar(n.method, &event(site, from, n)));
    mail
}

/// The reminder a day before (no calendar object: the event is in the calendar already).
pub fn reminder_mail(site: &AlertSite, n: &InterviewNotice) -> OutgoingEmail {
    let lang = n.lang;
    let at = when(lang, n.start, n.minutes);
    let subject = nb_en(
        lang,
        format!("Påminnelse om intervju: {}", n.title),
        format!("Reminder of your interview: {}", n.title),
    );
    let paragraphs = vec![
        nb_en(
            lang,
            format!("Hei, {}.", n.name),
            format!("Hello {},", n.name),
        ),
        nb_en(
            lang,
            format!(
                "Vi minner om intervjuet ditt for stillingen {} ({}).",
                n.title, n.reference
            ),
            format!(
                "This is a reminder of your interview for the position {} ({}).",
                n.title, n.reference
            ),
        ),
        nb_en(lang, format!("Tid: {at}"), format!("Time: {at}")),
        nb_en(
            lang,
            format!("Sted: {}", n.location),
            format!("Place: {}", n.location),
        ),
        contact_line(lang, n),
    ];
    notice_mail(site, n, &subject, "interview_reminder", paragraphs)
}

fn notice_mail(
    site: &AlertSite,
    n: &InterviewNotice,
    subject: &str,
    template: &str,
    paragraphs: Vec<String>,
) -> OutgoingEmail {
    let notice = Notice {
        heading: subject.to_owned(),
        paragraphs,
        items: vec![],
        action: Some((
            nb_en(n.lang, "Gå til Min side".into(), "Go to My page".into()),
            format!("{}/portal/applications/{}", site.base_url, n.application_id),
        )),
        footer: vec![],
        links: vec![],
    };
    notice
        .render(&n.email, subject, n.lang, &site.brand, template, None)
        .unwrap_or_else(|_| OutgoingEmail {
            to: n.email.clone(),
            subject: subject.to_owned(),
            text: notice.paragraphs.join("\n\n"),
            html: String::new(),
            template: format!("{template}.{}", n.lang.code()),
            list_unsubscribe: None,
            calendar: None,
        })
}

/// Send what the application's calendar lacks (see [`Store::sync_interview_calendar`]).
pub async fn sync(
    store: &Store,
    site: &AlertSite,
    from: &str,
    application_id: i64,
) -> talentflyt_store::Result<bool> {
    store
        .sync_interview_calendar(application_id, &|n| calendar_mail(site, from, n))
        .await
}

/// Queue the reminders due at `now` (Oslo time). Returns how many.
pub async fn remind(
    store: &Store,
    site: &AlertSite,
    now_local: chrono::NaiveDateTime,
) -> talentflyt_store::Result<usize> {
    store
        .queue_interview_reminders(now_local, REMIND_HOURS, &|n| reminder_mail(site, n))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_address_and_the_host() {
        assert_eq!(
            address_of("Talentflyt <noreply@ous.example>"),
            "noreply@ous.example"
        );
        assert_eq!(address_of("noreply@ous.example"), "noreply@ous.example");
        assert_eq!(host("https://jobb.ous.example:8443/x"), "jobb.ous.example");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1");
    }
}
