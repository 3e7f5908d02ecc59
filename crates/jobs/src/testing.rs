//! A real SMTP server for tests: it listens on a free local port and keeps every message it
//! receives, so tests send through the same SMTP transport production uses.

use mailin_embedded::{response, Handler, Response, Server};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub raw: String,
}

#[derive(Clone, Default)]
pub struct SmtpInbox {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    current: Arc<Mutex<ReceivedMail>>,
    /// Recipients this server refuses with 550, as a real server does for unknown mailboxes.
    unknown: Arc<Vec<String>>,
}

impl Handler for SmtpInbox {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.unknown.iter().any(|u| u == to) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = ReceivedMail {
            to: to.to_vec(),
            raw: String::new(),
        };
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .raw
            .push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let done = std::mem::take(&mut *self.current.lock().unwrap_or_else(|e| e.into_inner()));
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(done);
        response::OK
    }
}

impl SmtpInbox {
    /// Start a server on 127.0.0.1 and return its port and inbox.
    pub fn start() -> (u16, SmtpInbox) {
        SmtpInbox::start_refusing(&[])
    }

    /// Start a server that answers 550 (mailbox unavailable) for these recipients.
    pub fn start_refusing(unknown: &[&str]) -> (u16, SmtpInbox) {
        let inbox = SmtpInbox {
            unknown: Arc::new(unknown.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().expect("local address").port();
        let mut server = Server::new(inbox.clone());
        server.with_name("smtp.test").with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        (port, inbox)
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
