//! `talentflyt bench`: generate the demo data set (timed), serve it in-process, and load the
//! career site's list page and one ad page with a keep-alive HTTP/1.1 load generator. Prints
//! requests per second and latency percentiles; asserts nothing.

use crate::config::{DbArgs, ServeArgs};
use crate::demo;
use anyhow::Context;
use bytes::Bytes;
use clap::{Args, Parser};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Clone)]
pub struct BenchArgs {
    /// Size of the generated data set relative to OUS.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of measurement per page (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Load an already running server at this base URL (e.g. http://127.0.0.1:8080) instead.
    #[arg(long)]
    pub url: Option<String>,
    /// Paths to load; default: the career-site list and the newest open ad.
    #[arg(long = "path")]
    pub paths: Vec<String>,
    /// Seconds the server keeps rendered public pages (0 renders every request from the database).
    #[arg(long, default_value_t = 5)]
    pub public_cache_seconds: u64,
    /// nginx binary to compare with: it serves the very same bytes as static files, loaded the
    /// same way. Skipped when the binary is not found.
    #[arg(long, default_value = "nginx")]
    pub nginx: String,
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
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let (base, mut paths, _keep) = match &args.url {
        Some(u) => (
            u.trim_end_matches('/').to_owned(),
            vec!["/jobs".to_owned()],
            None,
        ),
        None => {
            let dir = std::env::temp_dir().join(format!("talentflyt-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}/demo.db", dir.display());
            let store = demo::fresh_database(&url, true).await?;
            println!("Generating the demo data set at scale {} …", args.scale);
            let summary = demo::generate(&store, args.scale, 2026, true).await?;
            println!(
                "demo generation: {:.2} s for {} employees, {} postings, {} positions, {} applications",
                summary.seconds, summary.employees, summary.postings, summary.positions, summary.applications
            );
            // The server exactly as `serve` builds it, on a free port, without the job worker.
            let cache = args.public_cache_seconds.to_string();
            let mut serve = DefaultServe::parse_from([
                "talentflyt",
                "--bind",
                "127.0.0.1:0",
                "--worker",
                "false",
                "--public-cache-seconds",
                cache.as_str(),
            ])
            .serve;
            serve.db = DbArgs {
                database_url: Some(url),
            };
            let (app, _) = crate::serve::build(store.clone(), &serve).await?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            tokio::spawn(async move {
                let _ = axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .await;
            });
            let open = store_open_posting(&store).await?;
            (
                format!("http://{addr}"),
                vec!["/jobs".to_owned(), format!("/jobs/{open}")],
                Some(Cleanup(dir)),
            )
        }
    };
    if !args.paths.is_empty() {
        paths = args.paths.clone();
    }
    let addr: SocketAddr = base
        .trim_start_matches("http://")
        .parse()
        .context("--url must be http://ip:port")?;
    println!(
        "\n{} connections, {} s per page, against {base}",
        args.connections, args.duration
    );
    println!(
        "{:<22} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "page", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "KiB/resp"
    );
    let mut ours = vec![];
    for path in &paths {
        load(addr, path, args.connections, Duration::from_secs(1)).await?;
        let f = load(
            addr,
            path,
            args.connections,
            Duration::from_secs(args.duration),
        )
        .await?;
        print_row(path, &f);
        ours.push(f.requests as f64 / f.seconds);
    }
    match Nginx::start(&args.nginx, addr, &paths).await {
        Ok(Some(nginx)) => {
            println!("\nnginx serving the same bytes as static files:");
            for (i, path) in paths.iter().enumerate() {
                load(nginx.addr, path, args.connections, Duration::from_secs(1)).await?;
                let f = load(
                    nginx.addr,
                    path,
                    args.connections,
                    Duration::from_secs(args.duration),
                )
                .await?;
                print_row(path, &f);
                let theirs = f.requests as f64 / f.seconds;
                println!(
                    "{:<22} talentflyt does {:.0} % of nginx's requests per second",
                    "",
                    100.0 * ours[i] / theirs.max(1.0)
                );
            }
        }
        Ok(None) => println!(
            "\n(nginx not found as {:?}; install it to compare)",
            args.nginx
        ),
        Err(e) => println!("\n(nginx comparison skipped: {e:#})"),
    }
    Ok(())
}

fn print_row(path: &str, f: &Figures) {
    let ms = |q: f64| f.hist.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{:<22} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8} {:>9.1}",
        path,
        f.requests as f64 / f.seconds,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        f.hist.max() as f64 / 1000.0,
        f.errors,
        f.bytes as f64 / f.requests.max(1) as f64 / 1024.0
    );
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
        let dir = std::env::temp_dir().join(format!("talentflyt-nginx-{}", std::process::id()));
        for sub in ["root", "logs", "tmp"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let mut locations = String::new();
        for (i, path) in paths.iter().enumerate() {
            let body = fetch(ours, path).await?;
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

/// One GET, for the bytes nginx will serve.
async fn fetch(addr: SocketAddr, path: &str) -> anyhow::Result<Bytes> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let req = hyper::Request::get(path)
        .header("host", "bench")
        .header("accept-language", "nb-NO")
        .body(Empty::<Bytes>::new())?;
    Ok(sender
        .send_request(req)
        .await?
        .into_body()
        .collect()
        .await?
        .to_bytes())
}

struct Cleanup(std::path::PathBuf);
impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn store_open_posting(store: &talentflyt_store::Store) -> anyhow::Result<i64> {
    let filter = talentflyt_store::PublicFilter {
        today: talentflyt_web::i18n::today().format("%Y-%m-%d").to_string(),
        limit: 1,
        ..Default::default()
    };
    let (cards, _) = store.public_postings(&filter).await?;
    cards
        .first()
        .map(|c| c.id)
        .context("the demo data has no open posting")
}

/// `connections` keep-alive connections each sending GET `path` back to back for `dur`.
pub async fn load(
    addr: SocketAddr,
    path: &str,
    connections: usize,
    dur: Duration,
) -> anyhow::Result<Figures> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..connections {
        let stop = stop.clone();
        let path = path.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut n, mut errors, mut bytes) = (0u64, 0u64, 0u64);
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            while !stop.load(Ordering::Relaxed) {
                let req = hyper::Request::get(&path)
                    .header("host", "bench")
                    .header("accept-language", "nb-NO")
                    .body(Empty::<Bytes>::new())?;
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
