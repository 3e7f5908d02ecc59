//! The deadline-day burst (`talentflyt bench --burst`): many candidates at once, each fetching
//! the application form and sending it with a CV, as on the last evening before a popular
//! deadline. Two rounds: 200 at once with a 1 MB PDF each, and 1,000 at once with a 20 KB PDF.
//! Each prints throughput, latency percentiles of the submissions, peak memory, how many were
//! acknowledged, answered 5xx or otherwise, and how many acknowledged applications are missing
//! from the database afterwards (lost). The path no cache serves: every request writes.

use super::{private_memory_mib, request};
use anyhow::Context;
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use talentflyt_store::{Reader, Store};

/// One round of the burst.
struct Round {
    name: &'static str,
    candidates: usize,
    pdf_bytes: usize,
}

const ROUNDS: [Round; 2] = [
    Round {
        name: "200 × 1 MB PDF",
        candidates: 200,
        pdf_bytes: 1024 * 1024,
    },
    Round {
        name: "1,000 × 20 KB PDF",
        candidates: 1000,
        pdf_bytes: 20 * 1024,
    },
];

/// A PDF of about `size` bytes that passes the upload check: a header, a comment of filler and
/// the end marker.
fn pdf_of(size: usize) -> Bytes {
    let mut v = b"%PDF-1.4\n%".to_vec();
    v.resize(size.saturating_sub(7).max(v.len()), b'x');
    v.extend_from_slice(b"\n%%EOF\n");
    Bytes::from(v)
}

/// What one candidate's submission came to.
enum Outcome {
    Acknowledged,
    ServerError,
    /// Another answer, or no answer (connection refused or reset).
    Other,
}

fn between<'a>(text: &'a str, before: &str) -> Option<&'a str> {
    let i = text.find(before)? + before.len();
    Some(&text[i..i + text[i..].find('"')?])
}

/// Fetch the form, then send it with the CV on a new connection; the latency is the send's.
async fn candidate(
    addr: SocketAddr,
    posting: i64,
    email: String,
    pdf: Bytes,
    answers: Arc<Vec<(String, String)>>,
) -> (Outcome, Duration) {
    let started = Instant::now();
    let go = async {
        let form = request(addr, "GET", &format!("/jobs/{posting}/apply"), None, None).await?;
        let html = String::from_utf8_lossy(&form.body).into_owned();
        let csrf = between(&html, "name=\"csrf\" value=\"").context("no form token")?;
        let key = between(&html, "name=\"submission\" value=\"").context("no submission key")?;
        let boundary = "----talentflyt-burst";
        let mut body = Vec::with_capacity(pdf.len() + 4096);
        let fixed = [
            ("csrf", csrf),
            ("submission", key),
            ("given_name", "Frist"),
            ("family_name", "Kveld"),
            ("email", email.as_str()),
            ("phone", "+47 912 34 567"),
            ("birth_date", "1990-05-17"),
            ("municipality", "Oslo"),
            ("norwegian_level", "native"),
            ("cover_letter", "Jeg søker før fristen."),
            ("action", "submit"),
        ];
        for (k, v) in fixed
            .into_iter()
            .chain(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        body.extend_from_slice(&pdf);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let stream = tokio::net::TcpStream::connect(addr).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let mut req = hyper::Request::post(format!("/jobs/{posting}/apply"))
            .header("host", "bench")
            .header("accept-language", "nb-NO")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(c) = &form.cookie {
            req = req.header("cookie", c.as_str());
        }
        let t = Instant::now();
        let res = sender
            .send_request(req.body(Full::new(Bytes::from(body)))?)
            .await?;
        let status = res.status();
        let applied = res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.ends_with("/applied"));
        res.into_body().collect().await?;
        anyhow::Ok((status, applied, t.elapsed()))
    };
    match go.await {
        Ok((s, true, took)) if s.as_u16() == 303 => (Outcome::Acknowledged, took),
        Ok((s, _, took)) if s.is_server_error() => (Outcome::ServerError, took),
        Ok((_, _, took)) => (Outcome::Other, took),
        Err(_) => (Outcome::Other, started.elapsed()),
    }
}

/// The posting's screening questions with an answer each.
async fn answers(store: &Store, posting: i64) -> anyhow::Result<Vec<(String, String)>> {
    use talentflyt_domain::application::QuestionKind;
    Ok(store
        .questions(posting)
        .await?
        .iter()
        .map(|q| {
            let v = match q.kind {
                QuestionKind::YesNo => "yes",
                QuestionKind::Number => "3",
                QuestionKind::ShortText => "svar",
                QuestionKind::Single | QuestionKind::Multiple => "0",
            };
            (format!("q-{}", q.id), v.to_owned())
        })
        .collect())
}

/// Run both rounds against the server at `addr`, on an open posting of `store`.
pub async fn run(addr: SocketAddr, store: &Store, posting: i64) -> anyhow::Result<()> {
    let answers = Arc::new(answers(store, posting).await?);
    let reader = Reader::user(0, "bench");
    println!(
        "\nDeadline-day burst on posting {posting}: every candidate of a round at once fetches the form and sends it with a CV."
    );
    println!(
        "{:<18} {:>8} {:>7} {:>8} {:>8} {:>8} {:>6} {:>5} {:>6} {:>5} {:>9}",
        "round",
        "seconds",
        "apps/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "ack",
        "5xx",
        "other",
        "lost",
        "peak MiB"
    );
    let mut totals = (0usize, 0usize, 0usize, 0usize);
    for (i, round) in ROUNDS.iter().enumerate() {
        let before = store.list_applications(&reader, posting).await?.len();
        let pdf = pdf_of(round.pdf_bytes);
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let sampling = sampling.clone();
            tokio::spawn(async move {
                let mut peak: Option<f64> = None;
                while sampling.load(Ordering::Relaxed) {
                    if let Some(m) = private_memory_mib() {
                        peak = Some(peak.map_or(m, |p: f64| p.max(m)));
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                peak
            })
        };
        let started = Instant::now();
        let tasks: Vec<_> = (0..round.candidates)
            .map(|n| {
                tokio::spawn(candidate(
                    addr,
                    posting,
                    format!("burst{i}-{n}@example.no"),
                    pdf.clone(),
                    answers.clone(),
                ))
            })
            .collect();
        let mut hist = Histogram::<u64>::new_with_bounds(1, 600_000_000, 3)?;
        let (mut ack, mut five, mut other) = (0usize, 0usize, 0usize);
        for t in tasks {
            let (outcome, took) = t.await?;
            hist.record(took.as_micros().max(1) as u64).ok();
            match outcome {
                Outcome::Acknowledged => ack += 1,
                Outcome::ServerError => five += 1,
                Outcome::Other => other += 1,
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        sampling.store(false, Ordering::Relaxed);
        let peak = sampler.await.ok().flatten();
        let after = store.list_applications(&reader, posting).await?.len();
        let lost = ack.saturating_sub(after.saturating_sub(before));
        let ms = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "{:<18} {:>8.2} {:>7.0} {:>8.1} {:>8.1} {:>8.1} {:>6} {:>5} {:>6} {:>5} {:>9}",
            round.name,
            seconds,
            ack as f64 / seconds,
            ms(0.5),
            ms(0.99),
            hist.max() as f64 / 1000.0,
            ack,
            five,
            other,
            lost,
            peak.map(|m| format!("{m:.0}"))
                .unwrap_or_else(|| "-".into())
        );
        totals = (
            totals.0 + round.candidates,
            totals.1 + ack,
            totals.2 + five,
            totals.3 + lost,
        );
    }
    println!(
        "burst: {} candidates, {} acknowledged, {} answered 5xx, {} lost (peak MiB: private memory of server, database pools and load generator together)",
        totals.0, totals.1, totals.2, totals.3
    );
    Ok(())
}
