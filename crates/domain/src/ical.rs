//! iCalendar invitations (RFC 5545, with the iTIP methods of RFC 5546) for interviews (R9): one
//! event per interview, sent as an attachment that Outlook and Google Calendar put in the
//! calendar. A change is the same event (same `UID`) with a higher `SEQUENCE`; a cancellation
//! is `METHOD:CANCEL` with `STATUS:CANCELLED`. Times are local to Oslo (`TZID=Europe/Oslo`,
//! with its `VTIMEZONE`, which Outlook needs to place the event right).
//!
//! Rules kept here: lines end in CRLF and are folded at 75 octets without splitting a
//! character (§3.1); text values escape backslash, semicolon, comma and line breaks (§3.3.11);
//! `DTSTAMP` is UTC (§3.8.7.2).

use chrono::{DateTime, NaiveDateTime, Utc};

/// What the message asks of the attendee's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An invitation, or a change of one (higher sequence).
    Request,
    /// The event is called off.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }

    /// The method a calendar object made by [`calendar`] was made with (the mail part that
    /// carries it names it too).
    pub fn of(ics: &str) -> Method {
        if ics.contains("\r\nMETHOD:CANCEL\r\n") {
            Method::Cancel
        } else {
            Method::Request
        }
    }
}

/// A person on the invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// One interview as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The same for the interview's whole life, e.g. `interview-42@talentflyt.example`.
    pub uid: String,
    /// 0 at the invitation; one more at each change, the cancellation included (a calendar
    /// ignores a message whose sequence is lower than the one it holds; RFC 5546 §2.1.4).
    pub sequence: u32,
    /// Local time in Oslo.
    pub start: NaiveDateTime,
    pub minutes: u32,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub organizer: Person,
    /// The address the message comes from, when it is not the organiser's (RFC 5545
    /// §3.2.18 `SENT-BY`): mail programs trust an update from it for the organiser.
    pub sent_by: Option<String>,
    pub attendee: Person,
    /// When this message was made.
    pub stamp: DateTime<Utc>,
}

/// The standard and summer time rules of Europe/Oslo (EU rules since 1996).
const OSLO: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Oslo\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// A text value escaped (§3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name in `CN=`): quoted, without the characters a quoted value may not
/// hold (§3.2).
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// One content line, folded at 75 octets (a continuation starts with a space, which counts),
/// never inside a character, and ended with CRLF (§3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// An address after `mailto:`, with nothing that could end the line or the value.
fn mailto(email: &str) -> String {
    email
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, ';' | ':' | '"'))
        .collect()
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The calendar object for `event`, as the body of a `text/calendar; method=…` attachment.
pub fn calendar(method: Method, event: &Event) -> String {
    let mut out = String::new();
    let end = event.start + chrono::Duration::minutes(i64::from(event.minutes));
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "PRODID:-//Talentflyt//Intervju//NB");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{}", method.as_str()));
    out.push_str(OSLO);
    line(&mut out, "BEGIN:VEVENT");
    line(&mut out, &format!("UID:{}", escape(&event.uid)));
    line(&mut out, &format!("SEQUENCE:{}", event.sequence));
    line(
        &mut out,
        &format!("DTSTAMP:{}", event.stamp.format("%Y%m%dT%H%M%SZ")),
    );
    line(
        &mut out,
        &format!("DTSTART;TZID=Europe/Oslo:{}", local(event.start)),
    );
    line(&mut out, &format!("DTEND;TZID=Europe/Oslo:{}", local(end)));
    line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
    if !event.location.is_empty() {
        line(&mut out, &format!("LOCATION:{}", escape(&event.location)));
    }
    if !event.description.is_empty() {
        line(
            &mut out,
            &format!("DESCRIPTION:{}", escape(&event.description)),
        );
    }
    line(
        &mut out,
        &format!(
            "ORGANIZER;CN={}{}:mailto:{}",
            param(&event.organizer.name),
            event
                .sent_by
                .as_deref()
                .map(|a| format!(";SENT-BY=\"mailto:{}\"", mailto(a)))
                .unwrap_or_default(),
            mailto(&event.organizer.email)
        ),
    );
    line(
        &mut out,
        &format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
            param(&event.attendee.name),
            mailto(&event.attendee.email)
        ),
    );
    line(
        &mut out,
        match method {
            Method::Request => "STATUS:CONFIRMED",
            Method::Cancel => "STATUS:CANCELLED",
        },
    );
    line(&mut out, "TRANSP:OPAQUE");
    if method == Method::Request {
        // A reminder the day before, as the calendar shows it.
        line(&mut out, "BEGIN:VALARM");
        line(&mut out, "ACTION:DISPLAY");
        line(&mut out, &format!("DESCRIPTION:{}", escape(&event.summary)));
        line(&mut out, "TRIGGER:-P1D");
        line(&mut out, "END:VALARM");
    }
    line(&mut out, "END:VEVENT");
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn event() -> Event {
        Event {
            uid: "interview-42@talentflyt.example".into(),
            sequence: 0,
            start: NaiveDate::from_ymd_opt(2026, 12, 3)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            minutes: 45,
            summary: "Intervju: Intensivsykepleier, Oslo universitetssykehus".into(),
            location: "Ullevål, bygg 3; møterom 2".into(),
            description: "Velkommen til intervju.\nTa med vitnemål, og attester.".into(),
            organizer: Person {
                name: "Lise \"Leder\" Hansen".into(),
                email: "leder@ous.example".into(),
            },
            sent_by: None,
            attendee: Person {
                name: "Kari Nordmann".into(),
                email: "kari@example.no".into(),
            },
            stamp: Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
        }
    }

    /// The content lines, unfolded (§3.1).
    fn unfold(s: &str) -> Vec<String> {
        s.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn an_invitation_holds_the_event_in_oslo_time_with_crlf_lines() {
        let ics = calendar(Method::Request, &event());
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF");
        let lines = unfold(&ics);
        for want in [
            "METHOD:REQUEST",
            "UID:interview-42@talentflyt.example",
            "SEQUENCE:0",
            "DTSTAMP:20261124T100000Z",
            "DTSTART;TZID=Europe/Oslo:20261203T093000",
            "DTEND;TZID=Europe/Oslo:20261203T101500",
            "TZID:Europe/Oslo",
            "STATUS:CONFIRMED",
            "TRIGGER:-P1D",
            "ORGANIZER;CN=\"Lise Leder Hansen\":mailto:leder@ous.example",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want} in\n{ics}");
        }
        assert!(lines.contains(&"LOCATION:Ullevål\\, bygg 3\\; møterom 2".to_owned()));
        assert!(lines.contains(
            &"DESCRIPTION:Velkommen til intervju.\\nTa med vitnemål\\, og attester.".into()
        ));
        // One event, balanced blocks.
        let count = |w: &str| lines.iter().filter(|l| *l == w).count();
        assert_eq!(count("BEGIN:VEVENT"), 1);
        assert_eq!(count("BEGIN:VTIMEZONE"), count("END:VTIMEZONE"));
    }

    #[test]
    fn an_organiser_written_for_by_the_sender_says_so() {
        let mut e = event();
        e.sent_by = Some("noreply@ous.example".into());
        let ics = calendar(Method::Request, &e).replace("\r\n ", "");
        assert!(ics.contains(
            "ORGANIZER;CN=\"Lise Leder Hansen\";SENT-BY=\"mailto:noreply@ous.example\":mailto:leder@ous.example\r\n"
        ));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut e = event();
        e.description =
            "Møt opp i resepsjonen på Ullevål sykehus, bygg 3, første etasje. ".repeat(8);
        let ics = calendar(Method::Request, &e);
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolded, the text is whole again (the folds split no 'ø' or 'å').
        let lines = unfold(&ics);
        let d = lines
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert_eq!(d["DESCRIPTION:".len()..], escape(&e.description));
    }

    #[test]
    fn a_change_raises_the_sequence_and_a_cancellation_says_so() {
        let mut e = event();
        e.sequence = 2;
        let ics = calendar(Method::Cancel, &e);
        let lines = unfold(&ics);
        assert!(lines.contains(&"METHOD:CANCEL".into()));
        assert_eq!(Method::of(&ics), Method::Cancel);
        assert_eq!(Method::of(&calendar(Method::Request, &e)), Method::Request);
        assert!(lines.contains(&"STATUS:CANCELLED".into()));
        assert!(lines.contains(&"SEQUENCE:2".into()));
        assert!(!lines.contains(&"BEGIN:VALARM".into()));
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(escape("a\\b;c,d\r\ne\nf\u{7}"), "a\\\\b\\;c\\,d\\ne\\nf");
        let mut e = event();
        e.attendee.email = "kari@example.no\r\nATTENDEE:mailto:x@evil.example".into();
        let lines = unfold(&calendar(Method::Request, &e));
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
            1
        );
    }
}
