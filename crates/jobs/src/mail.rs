//! E-mails: text + HTML template pairs in bokmål and English, sent by SMTP or, on a laptop,
//! written as `.eml` files to a folder.

use askama::Template;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use talentflyt_domain::Lang;
use talentflyt_store::{OutboxMessage, OutgoingEmail};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("message: {0}")]
    Build(String),
    #[error("delivery: {0}")]
    Send(String),
    /// The server refused the message for good (a 5xx answer): trying again cannot help.
    #[error("refused: {0}")]
    Refused(String),
}

impl MailError {
    /// Whether a retry could succeed. A message that cannot be built, or that the server
    /// refused permanently, fails at once instead of after hours of retries.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::Build(_) | MailError::Refused(_))
    }
}

/// How e-mail leaves the system.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port`, `smtps://user:pass@host`, `smtp://host?tls=required`; `None` writes files.
    pub smtp_url: Option<String>,
    pub outbox_dir: PathBuf,
    pub from: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Mailer {
    pub fn new(cfg: &MailConfig) -> Result<Mailer, MailError> {
        match &cfg.smtp_url {
            Some(url) => Ok(Mailer::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .build(),
            )),
            None => {
                std::fs::create_dir_all(&cfg.outbox_dir).map_err(|e| {
                    MailError::Config(format!("cannot create {}: {e}", cfg.outbox_dir.display()))
                })?;
                Ok(Mailer::Files(
                    AsyncFileTransport::new(&cfg.outbox_dir),
                    cfg.outbox_dir.clone(),
                ))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "smtp".into(),
            Mailer::Files(_, dir) => format!("files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &str, m: &OutboxMessage) -> Result<(), MailError> {
        let from: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| {
            MailError::Config(format!("from address: {e}"))
        })?;
        let to: Mailbox = m
            .to_addr
            .parse()
            .map_err(|_| MailError::Build("recipient address is not valid".into()))?;
        // The same outbox row always has the same Message-ID: should a crash come between the
        // SMTP server's acceptance and our note that it was sent, the resend is the same message
        // to every mail system that removes duplicates by Message-ID.
        let message_id = format!("<outbox.{}.{}@{}>", m.id, m.created_at, from.email.domain());
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .message_id(Some(message_id))
            .subject(m.subject.clone());
        if let Some(url) = &m.list_unsubscribe {
            // RFC 8058: the mail program may unsubscribe with one POST to this address.
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        let mut alternative = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(m.body_text.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(m.body_html.clone()),
            );
        let msg = match &m.calendar {
            None => builder.multipart(alternative),
            // An invitation: the calendar object as the third alternative (what Outlook and
            // Google Calendar read to offer "add to calendar") and as an .ics attachment (what
            // other mail programs open).
            Some(ics) => {
                let method = talentflyt_domain::ical::Method::of(ics).as_str();
                let calendar =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| MailError::Build(e.to_string()))?;
                alternative = alternative
                    .singlepart(SinglePart::builder().header(calendar).body(ics.clone()));
                let ics_type = ContentType::parse("application/ics")
                    .map_err(|e| MailError::Build(e.to_string()))?;
                builder.multipart(
                    MultiPart::mixed().multipart(alternative).singlepart(
                        lettre::message::Attachment::new("invitasjon.ics".into())
                            .body(ics.clone(), ics_type),
                    ),
                )
            }
        }
        .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Mailer::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| {
                let msg = redact(&e.to_string());
                if e.is_permanent() {
                    MailError::Refused(msg)
                } else {
                    MailError::Send(msg)
                }
            }),
            Mailer::Files(t, _) => t
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
        }
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// Servers echo addresses in their errors; keep them out of logs and the job table.
fn redact(s: &str) -> String {
    s.split(' ')
        .map(|w| if w.contains('@') { "<address>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The organisation's look for e-mails.
#[derive(Debug, Clone)]
pub struct Brand {
    pub org_name: String,
    pub primary_color: String,
}

/// What the candidate is told when the application is in.
pub struct ApplicationReceived<'a> {
    pub to: &'a str,
    pub given_name: &'a str,
    pub posting_title: &'a str,
    pub reference: &'a str,
    /// Formatted for the language, e.g. `1. desember 2026`.
    pub deadline: &'a str,
    /// What was sent, field by field, in the candidate's language.
    pub receipt: &'a [(String, String)],
    /// Where the candidate follows the application.
    pub portal_url: &'a str,
}

/// What every e-mail template can use.
struct EmailCtx<'a> {
    lang: &'a str,
    subject: &'a str,
    org_name: &'a str,
    primary_color: &'a str,
    given_name: &'a str,
    posting_title: &'a str,
    reference: &'a str,
    deadline: &'a str,
    receipt: &'a [(String, String)],
    portal_url: &'a str,
}

macro_rules! email_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            c: &'a EmailCtx<'a>,
        }
    };
}
email_template!(ReceivedNbTxt, "email/application_received.nb.txt");
email_template!(ReceivedEnTxt, "email/application_received.en.txt");
email_template!(ReceivedNbHtml, "email/application_received.nb.html");
email_template!(ReceivedEnHtml, "email/application_received.en.html");

impl ApplicationReceived<'_> {
    pub fn render(&self, lang: Lang, brand: &Brand) -> Result<OutgoingEmail, askama::Error> {
        let subject = match lang {
            Lang::Nb => format!("Vi har mottatt søknaden din: {}", self.posting_title),
            Lang::En => format!("We have received your application: {}", self.posting_title),
        };
        let c = EmailCtx {
            lang: lang.code(),
            subject: &subject,
            org_name: &brand.org_name,
            primary_color: &brand.primary_color,
            given_name: self.given_name,
            posting_title: self.posting_title,
            reference: self.reference,
            deadline: self.deadline,
            receipt: self.receipt,
            portal_url: self.portal_url,
        };
        let (text, html) = match lang {
            Lang::Nb => (
                ReceivedNbTxt { c: &c }.render()?,
                ReceivedNbHtml { c: &c }.render()?,
            ),
            Lang::En => (
                ReceivedEnTxt { c: &c }.render()?,
                ReceivedEnHtml { c: &c }.render()?,
            ),
        };
        Ok(OutgoingEmail {
            to: self.to.to_owned(),
            subject,
            text,
            html,
            template: format!("application_received.{}", lang.code()),
            list_unsubscribe: None,
            calendar: None,
        })
    }
}

/// What the person who asked for positions is told when an approver decides.
pub struct RequisitionDecided<'a> {
    pub to: &'a str,
    pub requester_name: &'a str,
    /// E.g. "2 × Sykepleier, 60 %, Intensivavdelingen".
    pub summary: &'a str,
    /// Already in the reader's language: "godkjent", "sendt tilbake", "avslått", or "godkjent av HR,
    /// venter på klinikkleder".
    pub outcome: &'a str,
    /// The approver's comment (may be empty).
    pub comment: &'a str,
    /// A link to the requisition.
    pub link: &'a str,
}

struct DecidedCtx<'a> {
    lang: &'a str,
    subject: &'a str,
    org_name: &'a str,
    primary_color: &'a str,
    d: &'a RequisitionDecided<'a>,
}

macro_rules! decided_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            c: &'a DecidedCtx<'a>,
        }
    };
}
decided_template!(DecidedNbTxt, "email/requisition_decided.nb.txt");
decided_template!(DecidedEnTxt, "email/requisition_decided.en.txt");
decided_template!(DecidedNbHtml, "email/requisition_decided.nb.html");
decided_template!(DecidedEnHtml, "email/requisition_decided.en.html");

impl RequisitionDecided<'_> {
    pub fn render(&self, lang: Lang, brand: &Brand) -> Result<OutgoingEmail, askama::Error> {
        let subject = match lang {
            Lang::Nb => format!("Bemanningsbehovet ditt er {}", self.outcome),
            Lang::En => format!("Your requisition has been {}", self.outcome),
        };
        let c = DecidedCtx {
            lang: lang.code(),
            subject: &subject,
            org_name: &brand.org_name,
            primary_color: &brand.primary_color,
            d: self,
        };
        let (text, html) = match lang {
            Lang::Nb => (
                DecidedNbTxt { c: &c }.render()?,
                DecidedNbHtml { c: &c }.render()?,
            ),
            Lang::En => (
                DecidedEnTxt { c: &c }.render()?,
                DecidedEnHtml { c: &c }.render()?,
            ),
        };
        Ok(OutgoingEmail {
            to: self.to.to_owned(),
            subject,
            text,
            html,
            template: format!("requisition_decided.{}", lang.code()),
            list_unsubscribe: None,
            calendar: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receipt_is_written_in_the_candidates_language_and_escapes_html() {
        let brand = Brand {
            org_name: "Oslo universitetssykehus".into(),
            primary_color: "#0b4f8a".into(),
        };
        let r = ApplicationReceived {
            to: "a@b.no",
            given_name: "Åse <b>",
            posting_title: "Sykepleier",
            reference: "2026-1",
            deadline: "1. desember 2026",
            receipt: &[("Telefon".into(), "912 34 567".into())],
            portal_url: "https://jobb.example/portal",
        };
        let nb = r.render(Lang::Nb, &brand).unwrap();
        assert!(nb.subject.starts_with("Vi har mottatt søknaden din"));
        assert!(
            nb.text.contains("Hei Åse <b>,"),
            "plain text is not escaped"
        );
        assert!(
            nb.html.contains("Åse &#60;b&#62;") || nb.html.contains("Åse &lt;b&gt;"),
            "HTML is escaped: {}",
            nb.html
        );
        assert!(nb.html.contains("lang=\"nb\""));
        let en = r.render(Lang::En, &brand).unwrap();
        assert!(en.text.contains("Thank you for applying"));
        assert_eq!(en.template, "application_received.en");
    }

    #[test]
    fn the_requester_is_told_the_decision_and_the_reason() {
        let brand = Brand {
            org_name: "Oslo universitetssykehus".into(),
            primary_color: "#0b4f8a".into(),
        };
        let d = RequisitionDecided {
            to: "leder@ous.example",
            requester_name: "Lise",
            summary: "2 × Sykepleier, 60 %",
            outcome: "sendt tilbake",
            comment: "Mangler <kostnadssted>",
            link: "https://jobb.example.no/admin/requisitions/4",
        };
        let nb = d.render(Lang::Nb, &brand).unwrap();
        assert_eq!(nb.subject, "Bemanningsbehovet ditt er sendt tilbake");
        assert!(nb.text.contains("Mangler <kostnadssted>"));
        assert!(
            nb.html.contains("Mangler &#60;kostnadssted&#62;")
                || nb.html.contains("Mangler &lt;kostnadssted&gt;")
        );
        assert!(nb.text.contains("/admin/requisitions/4"));
        let en = RequisitionDecided {
            outcome: "returned",
            ..d
        }
        .render(Lang::En, &brand)
        .unwrap();
        assert_eq!(en.subject, "Your requisition has been returned");
    }

    #[test]
    fn addresses_are_redacted_from_errors() {
        assert_eq!(redact("550 <ola@x.no> rejected"), "550 <address> rejected");
    }
}
