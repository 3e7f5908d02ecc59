//! `talentflyt bench`: generate the demo data set (timed) into a temporary SQLite file or a given
//! database, serve it in-process, and load it with a keep-alive HTTP/1.1 load generator: the
//! career site's list page and one ad page (both served from the page cache), distinct filtered
//! searches that no cache can answer, and the back office's posting list. Prints requests per
//! second, latency percentiles and peak memory; asserts nothing.

mod burst;

use crate::config::{DbArgs, ServeArgs};
use crate::demo;
use anyhow::Context;
use bytes::Bytes;
use clap::{Args, Parser};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Clone)]
pub struct BenchArgs {
    /// Size of the generated data set relative to OUS.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Years of history in the generated data set, 1 to 20 (see `demo --years`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=demo::MAX_YEARS as i64))]
    pub years: u32,
    /// Generate the data set into this database (`sqlite://…` or `postgres://…`) instead of a
    /// temporary SQLite file. Deliberately not read from DATABASE_URL.
    #[arg(long = "database-url")]
    pub database_url: Option<String>,
    /// Delete everything in --database-url first; without it a database that holds data is
    /// refused.
    #[arg(long)]
    pub reset: bool,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of measurement per load (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Load an already running server at this base URL (e.g. http://127.0.0.1:8080) instead.
    #[arg(long)]
    pub url: Option<String>,
    /// Paths to load, each a fixed URL; default: the career-site list, the newest open ad,
    /// distinct searches and the back-office list.
    #[arg(long = "path")]
    pub paths: Vec<String>,
    /// Seconds the server keeps rendered public pages (0 renders every request from the database).
    #[arg(long, default_value_t = 5)]
    pub public_cache_seconds: u64,
    /// nginx binary to compare with: it serves the very same bytes as static files, loaded the
    /// same way. Skipped when the binary is not found.
    #[arg(long, default_value = "nginx")]
    pub nginx: String,
    /// Measure only the loads whose name holds one of these (e.g. `--only applicants`), to look
    /// at one path without the rest.
    #[arg(long = "only")]
    pub only: Vec<String>,
    /// Instead of the page loads, the deadline-day burst: 200 candidates at once sending a 1 MB
    /// PDF each, then 1,000 at once with 20 KB, counting what was acknowledged, answered 5xx
    /// or lost.
    #[arg(long)]
    pub burst: bool,
}

/// `serve`'s options with their defaults (and the environment), for the in-process server.
#[derive(Parser)]
struct DefaultServe {
    #[command(flatten)]
    serve: ServeArgs,
}

pub struct Figures {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub bytes: u64,
    pub hist: Histogram<u64>,
    /// The process's peak resident memory during the load, in MiB, when Linux tells it.
    pub peak_mib: Option<f64>,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
    fn p99_ms(&self) -> f64 {
        self.hist.value_at_quantile(0.99) as f64 / 1000.0
    }
}

/// Where each request of a load goes.
#[derive(Clone)]
pub enum Target {
    /// The same path every time (what a page cache serves).
    Fixed(String),
    /// A new path for every request, from the request's number in the whole load (warm-up
    /// included), so a generator that never repeats itself gives URLs no cache has seen.
    Each(Arc<dyn Fn(u64) -> String + Send + Sync>),
}

/// One load: a name for the table, where its requests go, and a cookie to send (a signed-in
/// staff member's session).
#[derive(Clone)]
pub struct Load {
    pub name: String,
    pub target: Target,
    pub cookie: Option<String>,
    /// Counts requests across warm-up and measurement.
    counter: Arc<AtomicU64>,
}

impl Load {
    pub fn fixed(path: &str) -> Load {
        Load::new(path, Target::Fixed(path.to_owned()), None)
    }
    pub fn new(name: &str, target: Target, cookie: Option<String>) -> Load {
        Load {
            name: name.to_owned(),
            target,
            cookie,
            counter: Arc::new(AtomicU64::new(0)),
        }
    }
    fn next_path(&self) -> String {
        match &self.target {
            Target::Fixed(p) => p.clone(),
            Target::Each(f) => f(self.counter.fetch_add(1, Ordering::Relaxed)),
        }
    }
}

/// What the run generated, for the summary line.
struct Generated {
    years: u32,
    backend: &'static str,
    postings: usize,
    applications: usize,
    seconds: f64,
    peak_mib: Option<f64>,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut loads: Vec<Load> = vec![];
    let mut generated = None;
    let (base, _keep) = match &args.url {
        Some(u) => {
            loads.push(Load::fixed("/jobs"));
            loads.push(distinct_search_load());
            (u.trim_end_matches('/').to_owned(), None)
        }
        None => {
            let (url, cleanup) = match &args.database_url {
                Some(url) => (url.clone(), None),
                None => {
                    let dir = std::env::temp_dir()
                        .join(format!("talentflyt-bench-{}", std::process::id()));
                    std::fs::create_dir_all(&dir)?;
                    (
                        format!("sqlite://{}/bench.db", dir.display()),
                        Some(Cleanup(dir)),
                    )
                }
            };
            let store = demo::prepare_database(&url, args.reset).await?;
            let backend = match store.backend() {
                talentflyt_store::Backend::Sqlite => "SQLite",
                talentflyt_store::Backend::Postgres => "PostgreSQL",
            };
            println!(
                "Generating the demo data set ({} years, scale {}) into {backend} at {} …",
                args.years,
                args.scale,
                demo::without_credentials(&url)
            );
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let summary = demo::generate(&store, args.scale, args.years, 2026, true).await?;
            let gen_peak = peak_memory_mib();
            println!(
                "demo generation: {:.2} s for {} years: {} employees, {} postings ({} open), {} positions, {} applications; peak memory {}",
                summary.seconds,
                summary.years,
                summary.employees,
                summary.postings,
                summary.open_postings,
                summary.positions,
                summary.applications,
                mib(gen_peak)
            );
            generated = Some(Generated {
                years: summary.years,
                backend,
                postings: summary.postings,
                applications: summary.applications,
                seconds: summary.seconds,
                peak_mib: gen_peak,
            });
            // The server exactly as `serve` builds it, on a free port, without the job worker.
            // Every bench candidate comes from 127.0.0.1: the per-address limit would stop the
            // burst after 30; the per-e-mail one still counts (each candidate has their own).
            let cache = args.public_cache_seconds.to_string();
            let mut serve = DefaultServe::parse_from([
                "talentflyt",
                "--bind",
                "127.0.0.1:0",
                "--worker",
                "false",
                "--public-cache-seconds",
                cache.as_str(),
                "--limit-applications-per-ip-hour",
                "1000000",
            ])
            .serve;
            serve.db = DbArgs {
                database_url: Some(url),
            };
            let (app, _) = crate::serve::build(store.clone(), &serve).await?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            // The same HTTP server `serve` runs (header read timeout and all).
            let limits = serve.server_limits();
            tokio::spawn(async move {
                let _ =
                    talentflyt_web::server::serve(listener, app, limits, std::future::pending())
                        .await;
            });
            let open = store_open_posting(&store).await?;
            if args.burst {
                burst::run(addr, &store, open).await?;
                return Ok(());
            }
            loads.push(Load::new(
                "/jobs (list)",
                Target::Fixed("/jobs".into()),
                None,
            ));
            loads.push(Load::new(
                "/jobs/{id} (ad)",
                Target::Fixed(format!("/jobs/{open}")),
                None,
            ));
            loads.push(distinct_search_load());
            // The longest public applicant list (§25) of the month's closed postings.
            let listed = store
                .applicant_list_overview(&["/".to_owned()], 10_000)
                .await?
                .into_iter()
                .max_by_key(|l| l.total);
            if let Some(l) = &listed {
                loads.push(Load::new(
                    &format!("/jobs/{{id}}/applicants (public list, {} named)", l.named),
                    Target::Fixed(format!("/jobs/{}/applicants", l.posting_id)),
                    None,
                ));
            }
            match back_office_load(addr, "hr", &summary.password, summary.postings).await {
                Ok(load) => {
                    loads.push(filtered_back_office_load(load.cookie.clone()));
                    if let Some(l) = &listed {
                        loads.push(Load::new(
                            &format!(
                                "/admin/postings/{{id}}/applicant-list (staff, {} applicants)",
                                l.total
                            ),
                            Target::Fixed(format!(
                                "/admin/postings/{}/applicant-list",
                                l.posting_id
                            )),
                            load.cookie.clone(),
                        ));
                    }
                    let today = talentflyt_domain::clock::Clock::system()
                        .today()
                        .format("%Y-%m-%d")
                        .to_string();
                    if let Some((busiest, n)) = store.busiest_open_posting(&today).await? {
                        println!("applicant list: posting {busiest} with {n} applicants");
                        loads.push(applicant_list_load(busiest, load.cookie.clone()));
                        let scored = seed_scorecards(&store, busiest).await?;
                        loads.extend(scorecard_loads(busiest, &scored, load.cookie.clone()));
                    }
                    loads.push(application_search_load(addr, load.cookie.clone()).await?);
                    loads.push(load);
                }
                Err(e) => println!("(back-office load skipped: {e:#})"),
            }
            (format!("http://{addr}"), cleanup)
        }
    };
    if !args.paths.is_empty() {
        loads = args.paths.iter().map(|p| Load::fixed(p)).collect();
    }
    if !args.only.is_empty() {
        loads.retain(|l| args.only.iter().any(|o| l.name.contains(o.as_str())));
    }
    let addr: SocketAddr = base
        .trim_start_matches("http://")
        .parse()
        .context("--url must be http://ip:port")?;
    println!(
        "\n{} connections, {} s per load, against {base}",
        args.connections, args.duration
    );
    if args.url.is_none() {
        println!(
            "The server runs in this process: peak MiB is the private memory (RssAnon, sampled every 50 ms) of server, database pools{} and load generator together, highest during that load; the database file SQLite maps is shared page cache and not counted.",
            if generated.as_ref().is_some_and(|g| g.backend == "PostgreSQL") {
                " (not the PostgreSQL server)"
            } else {
                ""
            }
        );
    } else {
        println!("The server runs elsewhere: peak MiB is the load generator's own memory.");
    }
    print_header();
    let mut ours = vec![];
    for l in &loads {
        let f = measure(addr, l, args.connections, args.duration).await?;
        print_row(&l.name, &f);
        ours.push((l.clone(), f));
    }
    let fixed: Vec<(String, f64)> = ours
        .iter()
        .filter_map(|(l, f)| match &l.target {
            Target::Fixed(p) if l.cookie.is_none() => Some((p.clone(), f.rate())),
            _ => None,
        })
        .collect();
    let paths: Vec<String> = fixed.iter().map(|(p, _)| p.clone()).collect();
    match Nginx::start(&args.nginx, addr, &paths).await {
        Ok(Some(nginx)) => {
            println!(
                "\nnginx serving the same bytes as static files (its memory is not measured):"
            );
            print_header();
            for (path, our_rate) in &fixed {
                let mut f = measure(
                    nginx.addr,
                    &Load::fixed(path),
                    args.connections,
                    args.duration,
                )
                .await?;
                f.peak_mib = None;
                print_row(path, &f);
                println!(
                    "{:<26} talentflyt does {:.0} % of nginx's requests per second",
                    "",
                    100.0 * our_rate / f.rate().max(1.0)
                );
            }
        }
        Ok(None) => println!(
            "\n(nginx not found as {:?}; install it to compare)",
            args.nginx
        ),
        Err(e) => println!("\n(nginx comparison skipped: {e:#})"),
    }
    println!("\n{}", summary_line(generated.as_ref(), &ours, started));
    Ok(())
}

/// The last line of a run: what was generated and each load's figures.
fn summary_line(
    generated: Option<&Generated>,
    ours: &[(Load, Figures)],
    started: Instant,
) -> String {
    let mut parts = vec![];
    if let Some(g) = generated {
        parts.push(format!(
            "{} years on {} ({} postings, {} applications, generated in {:.1} s, peak {})",
            g.years,
            g.backend,
            g.postings,
            g.applications,
            g.seconds,
            mib(g.peak_mib)
        ));
    }
    for (l, f) in ours {
        parts.push(format!(
            "{} {:.0} req/s (p99 {:.1} ms, {} errors, peak {})",
            l.name,
            f.rate(),
            f.p99_ms(),
            f.errors,
            mib(f.peak_mib)
        ));
    }
    format!(
        "Bench done in {:.0} s: {}.",
        started.elapsed().as_secs_f64(),
        parts.join("; ")
    )
}

/// One second of warm-up, then `secs` seconds measured.
async fn measure(
    addr: SocketAddr,
    l: &Load,
    connections: usize,
    secs: u64,
) -> anyhow::Result<Figures> {
    load(addr, l, connections, Duration::from_secs(1)).await?;
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak: Option<f64> = None;
            while sampling.load(Ordering::Relaxed) {
                if let Some(m) = private_memory_mib() {
                    peak = Some(peak.map_or(m, |p: f64| p.max(m)));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    };
    let mut f = load(addr, l, connections, Duration::from_secs(secs)).await?;
    sampling.store(false, Ordering::Relaxed);
    f.peak_mib = sampler.await.ok().flatten();
    Ok(f)
}

fn print_header() {
    println!(
        "{:<26} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9} {:>8}",
        "load", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "KiB/resp", "peak MiB"
    );
}

fn print_row(name: &str, f: &Figures) {
    let ms = |q: f64| f.hist.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{:<26} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>9.1} {:>8}",
        name,
        f.rate(),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        f.hist.max() as f64 / 1000.0,
        f.errors,
        f.bytes as f64 / f.requests.max(1) as f64 / 1024.0,
        f.peak_mib
            .map(|m| format!("{m:.0}"))
            .unwrap_or_else(|| "-".into())
    );
}

fn mib(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.0} MiB"))
        .unwrap_or_else(|| "unknown".into())
}

/// The process's peak resident memory (VmHWM) in MiB; Linux only.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The process's own memory now (RssAnon: heap and stacks, not the database file SQLite maps,
/// which is page cache the kernel shares and reclaims), in MiB; Linux only.
fn private_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Filtered career-site searches, each request a combination of filters no earlier request of
/// the run had, so the page cache never answers.
fn distinct_search_load() -> Load {
    let space = Arc::new(SearchSpace::new());
    Load::new(
        "search, distinct",
        Target::Each(Arc::new(move |n| space.path(n))),
        None,
    )
}

/// Every combination of the career site's filters: one or two words from the demo ads, a clinic,
/// a profession, a place, full or part time, an engagement, a target group, a deadline window,
/// an order and a page. Combinations are numbered, and request `n` takes
/// combination `n × step mod size`, which never repeats for `n` below `size` (step and size
/// have no common factor) and spreads neighbouring requests over words and filters.
struct SearchSpace {
    words: Vec<String>,
    clinics: Vec<&'static str>,
    professions: Vec<&'static str>,
    places: Vec<&'static str>,
    step: u64,
}

const ENGAGEMENTS: [&str; 2] = ["permanent", "temporary"];
const EXTENTS: [&str; 2] = ["full", "part"];
const TARGETS: [&str; 3] = ["students", "new_graduates", "experienced"];
const WITHIN: [&str; 4] = ["3", "7", "14", "30"];
/// The orders other than the default (relevance, as every search has words).
const SORTS: [&str; 2] = ["newest", "deadline"];
const PAGES: u64 = 2;

impl SearchSpace {
    fn new() -> SearchSpace {
        let mut s = SearchSpace {
            words: demo::search_vocabulary(),
            clinics: demo::data::CLINICS.iter().map(|c| c.code).collect(),
            professions: demo::data::PROFESSIONS.iter().map(|p| p.code).collect(),
            places: {
                let mut p: Vec<&'static str> = demo::data::CLINICS.iter().map(|c| c.site).collect();
                p.sort_unstable();
                p.dedup();
                p
            },
            step: 1,
        };
        let size = s.size();
        let mut step = (size as f64 * 0.618_033_988_7) as u64 | 1;
        while gcd(step, size) != 1 {
            step += 2;
        }
        s.step = step;
        s
    }

    /// The second word is the first one's neighbour at distance 1..=(words-1)/2 in the word
    /// list, or none; so every unordered pair of different words occurs at most once.
    fn second_words(&self) -> u64 {
        (self.words.len() as u64 - 1) / 2 + 1
    }

    fn size(&self) -> u64 {
        self.words.len() as u64
            * self.second_words()
            * (self.clinics.len() as u64 + 1)
            * (self.professions.len() as u64 + 1)
            * (self.places.len() as u64 + 1)
            * (ENGAGEMENTS.len() as u64 + 1)
            * (EXTENTS.len() as u64 + 1)
            * (TARGETS.len() as u64 + 1)
            * (WITHIN.len() as u64 + 1)
            * (SORTS.len() as u64 + 1)
            * PAGES
    }

    /// The path of request `n`.
    fn path(&self, n: u64) -> String {
        let size = self.size();
        let mut x = ((n % size) as u128 * self.step as u128 % size as u128) as u64;
        let mut digit = |radix: u64| {
            let d = x % radix;
            x /= radix;
            d as usize
        };
        let page = digit(PAGES) + 1;
        let engagement = digit(ENGAGEMENTS.len() as u64 + 1);
        let extras: Vec<(&str, &str)> = [
            ("place", &self.places[..]),
            ("extent", &EXTENTS[..]),
            ("target", &TARGETS[..]),
            ("within", &WITHIN[..]),
            ("sort", &SORTS[..]),
        ]
        .into_iter()
        .filter_map(|(k, values)| {
            let d = digit(values.len() as u64 + 1);
            (d > 0).then(|| (k, values[d - 1]))
        })
        .collect();
        let profession = digit(self.professions.len() as u64 + 1);
        let clinic = digit(self.clinics.len() as u64 + 1);
        let first = digit(self.words.len() as u64);
        let distance = digit(self.second_words());
        let mut q = encode(&self.words[first]);
        if distance > 0 {
            q.push('+');
            q.push_str(&encode(&self.words[(first + distance) % self.words.len()]));
        }
        let mut path = format!("/jobs?q={q}");
        if clinic > 0 {
            path.push_str(&format!("&clinic={}", self.clinics[clinic - 1]));
        }
        if profession > 0 {
            path.push_str(&format!("&profession={}", self.professions[profession - 1]));
        }
        if engagement > 0 {
            path.push_str(&format!("&engagement={}", ENGAGEMENTS[engagement - 1]));
        }
        for (k, v) in extras {
            path.push_str(&format!("&{k}={}", encode(v)));
        }
        path.push_str(&format!("&page={page}"));
        path
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Percent-encoding for a query value: ASCII letters and digits stay, every other byte is encoded.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sign in as a demo user through the login form (its CSRF token and session cookie), then load
/// the back office's posting list, a different page for every request.
async fn back_office_load(
    addr: SocketAddr,
    username: &str,
    password: &str,
    postings: usize,
) -> anyhow::Result<Load> {
    let form = request(addr, "GET", "/login", None, None).await?;
    let cookie = form
        .cookie
        .context("the sign-in page set no session cookie")?;
    let html = String::from_utf8_lossy(&form.body);
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no CSRF token in the sign-in form")?
        .to_owned();
    let body = format!(
        "csrf={}&username={}&password={}",
        encode(&token),
        encode(username),
        encode(password)
    );
    let signed_in = request(addr, "POST", "/login", Some(&cookie), Some(body)).await?;
    anyhow::ensure!(
        signed_in.status.is_redirection(),
        "signing in as {username} answered {}",
        signed_in.status
    );
    let cookie = signed_in.cookie.unwrap_or(cookie);
    let check = request(addr, "GET", "/admin", Some(&cookie), None).await?;
    anyhow::ensure!(
        check.status.is_success(),
        "/admin answered {} after signing in",
        check.status
    );
    // The list pages by key: follow its "older" links from the newest page to the oldest, then
    // load those pages in turn, a different one for every request.
    let mut pages = vec!["/admin".to_owned()];
    let mut html = String::from_utf8_lossy(&check.body).into_owned();
    while let Some(next) = older_link(&html, "/admin") {
        if pages.len() >= 5000 {
            break;
        }
        let page = request(addr, "GET", &next, Some(&cookie), None).await?;
        anyhow::ensure!(page.status.is_success(), "{next} answered {}", page.status);
        html = String::from_utf8_lossy(&page.body).into_owned();
        pages.push(next);
    }
    println!(
        "back office: {} pages of postings for {username} ({postings} postings)",
        pages.len()
    );
    let pages = Arc::new(pages);
    Ok(Load::new(
        "/admin?older=… (staff)",
        Target::Each(Arc::new(move |n| pages[n as usize % pages.len()].clone())),
        Some(cookie),
    ))
}

/// The back-office list searched, filtered and sorted: a different combination of words,
/// status, profession, deadline window and order on every request, so each one is a query.
fn filtered_back_office_load(cookie: Option<String>) -> Load {
    let words = Arc::new(demo::search_vocabulary());
    let statuses = ["", "draft", "awaiting", "published", "closed"];
    let sorts = ["newest", "oldest", "deadline", "deadline_desc"];
    let professions: Vec<&'static str> = talentflyt_domain::profession::PROFESSIONS
        .iter()
        .map(|p| p.code)
        .collect();
    let today = talentflyt_domain::clock::Clock::system().today();
    Load::new(
        "/admin?q=…&status=…&sort=… (staff, filtered)",
        Target::Each(Arc::new(move |n| {
            let n = n as usize;
            let mut url = format!(
                "/admin?status={}&sort={}",
                statuses[n % statuses.len()],
                sorts[(n / 5) % sorts.len()]
            );
            match n % 3 {
                0 => url.push_str(&format!("&q={}", encode(&words[n % words.len()]))),
                1 => url.push_str(&format!(
                    "&profession={}",
                    professions[n % professions.len()]
                )),
                _ => {
                    let from = today - chrono::Days::new((n % 3650) as u64);
                    let to = from + chrono::Days::new(30);
                    url.push_str(&format!("&from={from}&to={to}"));
                }
            }
            url
        })),
        cookie,
    )
}

/// One posting's applicant list (the busiest open one), a different order, stage, flag and
/// page on every request: each loads the posting's applications, reads the page's answers and
/// writes an audit entry for every applicant shown.
fn applicant_list_load(posting: i64, cookie: Option<String>) -> Load {
    let sorts = ["", "newest", "name", "waiting"];
    let stages = ["", "open", "1", "overdue"];
    let flags = ["", "knockout", "clear"];
    Load::new(
        "/admin/postings/{id}/applicants?… (staff, 500)",
        Target::Each(Arc::new(move |n| {
            let n = n as usize;
            format!(
                "/admin/postings/{posting}/applicants?sort={}&stage={}&flag={}&page={}",
                sorts[n % sorts.len()],
                stages[(n / 4) % stages.len()],
                flags[(n / 16) % flags.len()],
                1 + (n / 48) % 10
            )
        })),
        cookie,
    )
}

/// How many applicants of the busiest posting the bench gives scorecards: an interview
/// shortlist, generously.
const SCORED: usize = 40;

/// Scorecards sent in by `hr`, `radgiver` and `leder` on the first [`SCORED`] applicants of the
/// posting, so the panels below have something to show (HR's own card is in on each, so HR
/// sees every card). Prints what it did; gives the applications scored.
async fn seed_scorecards(
    store: &talentflyt_store::Store,
    posting: i64,
) -> anyhow::Result<Vec<i64>> {
    use rand::SeedableRng;
    let started = Instant::now();
    let crit = talentflyt_domain::scorecard::criteria(
        &store.posting(posting).await?.content().requirements,
    );
    let mut assessors = vec![];
    for name in ["hr", "radgiver", "leder"] {
        assessors.push(
            store
                .user_by_username(name)
                .await?
                .context("a demo user")?
                .id,
        );
    }
    let apps: Vec<i64> = store
        .applicant_view(posting)
        .await?
        .applicants()
        .iter()
        .take(SCORED)
        .map(|a| a.id)
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for (n, app) in apps.iter().enumerate() {
        for uid in &assessors {
            demo::send_in_card(store, &mut rng, &crit, *app, *uid, 2 + (n % 4) as u8).await?;
        }
    }
    println!(
        "scorecards: {} sent in on {} applicants of posting {posting} in {:.2} s",
        apps.len() * assessors.len(),
        apps.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(apps)
}

/// The posting's panel (every applicant scored, ranked, with the disagreement), and one
/// applicant's panel after another (the grid of criteria by assessor): neither is cached, and
/// each writes its audit entries.
fn scorecard_loads(posting: i64, scored: &[i64], cookie: Option<String>) -> Vec<Load> {
    if scored.is_empty() {
        return vec![];
    }
    let apps: Arc<Vec<i64>> = Arc::new(scored.to_vec());
    vec![
        Load::new(
            &format!(
                "/admin/postings/{{id}}/scores (staff, {} scored)",
                scored.len()
            ),
            Target::Fixed(format!("/admin/postings/{posting}/scores")),
            cookie.clone(),
        ),
        Load::new(
            "/admin/applications/{id}/scorecard (staff, panel)",
            Target::Each(Arc::new(move |n| {
                format!(
                    "/admin/applications/{}/scorecard",
                    apps[n as usize % apps.len()]
                )
            })),
            cookie,
        ),
    ]
}

/// How many different searches the search load makes.
const SEARCHES: usize = 1500;

/// Search across every application HR may see (ten years of them): a different word or pair
/// of words (names, and the words of ads and CVs) on every request, on the newest page or the
/// next older one or the one after, as a user pages on by the links. The links (keys) are
/// found first, following them from each search's newest page.
async fn application_search_load(addr: SocketAddr, cookie: Option<String>) -> anyhow::Result<Load> {
    let started = Instant::now();
    let mut words: Vec<String> = demo::data::FEMALE_FIRST_NAMES
        .iter()
        .chain(demo::data::MALE_FIRST_NAMES)
        .chain(demo::data::SURNAMES)
        .map(|w| w.to_string())
        .collect();
    words.extend(demo::search_vocabulary());
    // A third are pairs of words.
    let queries: Vec<String> = (0..SEARCHES)
        .map(|n| {
            let w = &words[n % words.len()];
            if n.is_multiple_of(3) {
                format!("{w} {}", words[(n / 7 + 13) % words.len()])
            } else {
                w.clone()
            }
        })
        .collect();
    let mut pages: Vec<Vec<String>> = Vec::with_capacity(queries.len());
    for chunk in queries.chunks(16) {
        let mut set = tokio::task::JoinSet::new();
        for (i, q) in chunk.iter().enumerate() {
            let cookie = cookie.clone();
            let first = format!("/admin/search?q={}", encode(q));
            set.spawn(async move {
                let mut found = vec![first];
                while found.len() < 3 {
                    let last = found.last().expect("one page at least");
                    let page = request(addr, "GET", last, cookie.as_deref(), None).await?;
                    anyhow::ensure!(page.status.is_success(), "{last} answered {}", page.status);
                    match older_link(&String::from_utf8_lossy(&page.body), "/admin/search") {
                        // A link that leads to the same page again is one the server
                        // did not read as meant.
                        Some(next) => {
                            anyhow::ensure!(!found.contains(&next), "{next} again");
                            found.push(next)
                        }
                        None => break,
                    }
                }
                Ok((i, found))
            });
        }
        let mut done: Vec<(usize, Vec<String>)> = set
            .join_all()
            .await
            .into_iter()
            .collect::<anyhow::Result<_>>()?;
        done.sort_by_key(|(i, _)| *i);
        pages.extend(done.into_iter().map(|(_, found)| found));
    }
    let n_pages: usize = pages.iter().map(Vec::len).sum();
    println!(
        "search: {} searches with {n_pages} pages among them, by their links, in {:.2} s",
        pages.len(),
        started.elapsed().as_secs_f64()
    );
    // Each search's pages in turn (newest, next, the one after), then the next search.
    let urls: Arc<Vec<String>> = Arc::new(pages.concat());
    Ok(Load::new(
        "/admin/search?q=… (staff, all applications)",
        Target::Each(Arc::new(move |n| urls[n as usize % urls.len()].clone())),
        cookie,
    ))
}

/// A page's link to the next older page of `path`, if there is one.
fn older_link(html: &str, path: &str) -> Option<String> {
    let start = format!("href=\"{path}?");
    html.match_indices(&start)
        .filter_map(|(i, _)| {
            let rest = &html[i + 6..];
            Some(&rest[..rest.find('"')?])
        })
        .find(|href| href.contains("older="))
        .map(|href| href.replace("&#38;", "&").replace("&amp;", "&"))
}

struct Answer {
    status: hyper::StatusCode,
    cookie: Option<String>,
    body: Bytes,
}

/// One request on a new connection, for signing in.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<String>,
) -> anyhow::Result<Answer> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "bench")
        .header("accept-language", "nb-NO");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if form.is_some() {
        req = req.header("content-type", "application/x-www-form-urlencoded");
    }
    let res = sender
        .send_request(req.body(Full::new(Bytes::from(form.unwrap_or_default())))?)
        .await?;
    let status = res.status();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .next();
    let body = res.into_body().collect().await?.to_bytes();
    Ok(Answer {
        status,
        cookie,
        body,
    })
}

/// An nginx process serving, for each path, the bytes our server answered, from a file.
struct Nginx {
    addr: SocketAddr,
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl Nginx {
    async fn start(bin: &str, ours: SocketAddr, paths: &[String]) -> anyhow::Result<Option<Nginx>> {
        let Some(found) = which(bin) else {
            return Ok(None);
        };
        if paths.is_empty() {
            return Ok(None);
        }
        let dir = std::env::temp_dir().join(format!("talentflyt-nginx-{}", std::process::id()));
        for sub in ["root", "logs", "tmp"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let mut locations = String::new();
        for (i, path) in paths.iter().enumerate() {
            let body = request(ours, "GET", path, None, None).await?.body;
            let file = dir.join("root").join(format!("page{i}.html"));
            std::fs::write(&file, body)?;
            let exact = path.split('?').next().unwrap_or(path);
            locations.push_str(&format!("    location = {exact} {{ default_type \"text/html; charset=utf-8\"; alias {}; }}\n", file.display()));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let d = dir.display();
        let conf = format!(
            "worker_processes auto;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\nevents {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000;\n\
             client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n  fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n\
             server {{\n    listen 127.0.0.1:{port};\n{locations}  }}\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), conf)?;
        let child = std::process::Command::new(found)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting nginx")?;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let nginx = Nginx { addr, child, dir };
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(Some(nginx));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!(
            "nginx did not start; see {}/logs/error.log",
            nginx.dir.display()
        )
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The nginx binary: a path, or a name looked up in PATH and the sbin folders.
fn which(bin: &str) -> Option<std::path::PathBuf> {
    if bin.contains('/') {
        let p = std::path::PathBuf::from(bin);
        return p.exists().then_some(p);
    }
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin"])
        .map(|dir| std::path::Path::new(dir).join(bin))
        .find(|p| p.exists());
    found
}

struct Cleanup(std::path::PathBuf);
impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn store_open_posting(store: &talentflyt_store::Store) -> anyhow::Result<i64> {
    // What the career site lists (not an ad approved for later or in its internal period).
    let today = talentflyt_domain::clock::Clock::system()
        .today()
        .format("%Y-%m-%d")
        .to_string();
    store
        .open_postings(&today)
        .await?
        .first()
        .map(|p| p.id)
        .context("the demo data has no open posting")
}

/// `connections` keep-alive connections each sending the load's requests back to back for `dur`.
pub async fn load(
    addr: SocketAddr,
    l: &Load,
    connections: usize,
    dur: Duration,
) -> anyhow::Result<Figures> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..connections {
        let stop = stop.clone();
        let l = l.clone();
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut n, mut errors, mut bytes) = (0u64, 0u64, 0u64);
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            while !stop.load(Ordering::Relaxed) {
                let mut req = hyper::Request::get(l.next_path())
                    .header("host", "bench")
                    .header("accept-language", "nb-NO");
                if let Some(c) = &l.cookie {
                    req = req.header("cookie", c.as_str());
                }
                let req = req.body(Empty::<Bytes>::new())?;
                let t = Instant::now();
                let res = sender.send_request(req).await?;
                let ok = res.status().is_success();
                let body = res.into_body().collect().await?.to_bytes();
                hist.record(t.elapsed().as_micros().max(1) as u64).ok();
                n += 1;
                bytes += body.len() as u64;
                if !ok {
                    errors += 1;
                }
            }
            anyhow::Ok((hist, n, errors, bytes))
        }));
    }
    tokio::time::sleep(dur).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Figures {
        requests: 0,
        errors: 0,
        seconds: 0.0,
        bytes: 0,
        hist: Histogram::new_with_bounds(1, 60_000_000, 3)?,
        peak_mib: None,
    };
    for t in tasks {
        let (h, n, e, b) = t.await??;
        total.hist.add(h)?;
        total.requests += n;
        total.errors += e;
        total.bytes += b;
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn distinct_searches_do_not_repeat_a_filter() {
        let space = SearchSpace::new();
        assert!(space.size() > 10_000_000, "{}", space.size());
        // The filter as the server parses it: the set of words and each other parameter.
        let mut seen = HashSet::new();
        for n in 0..50_000 {
            let path = space.path(n);
            let mut words = vec![];
            let mut rest = vec![];
            for pair in path.trim_start_matches("/jobs?").split('&') {
                match pair.strip_prefix("q=") {
                    Some(q) => words.extend(q.split('+').map(str::to_owned)),
                    None => rest.push(pair.to_owned()),
                }
            }
            words.sort();
            assert!(seen.insert((words, rest)), "request {n} repeats {path}");
        }
    }

    #[test]
    fn search_words_come_from_the_demo_ads() {
        let words = demo::search_vocabulary();
        assert!(words.len() > 100, "{}", words.len());
        for w in ["sykepleier", "turnus", "intensivavdelingen", "vikariat"] {
            assert!(words.iter().any(|x| x == w), "{w} missing");
        }
        assert!(words.iter().all(|w| w.chars().count() >= 5));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("søknad"), "s%C3%B8knad");
    }
}
