//! `talentflyt`: the recruitment and employee-journey platform for Norwegian hospital trusts.

mod bench;
mod config;
mod demo;
mod serve;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator: the server allocates small buffers on every request
/// from two threads, and glibc's arena locks showed up as lock wake-ups in the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use config::{DbArgs, ServeArgs};

#[derive(Parser)]
#[command(
    name = "talentflyt",
    version,
    about = "Recruitment and employee journey for Norwegian hospital trusts",
    long_about = "Talentflyt runs the career site, the application form and the back office for a hospital trust.\n\n\
Quick start on a laptop (no services needed):\n\
\x20 talentflyt demo\n\
\x20   creates data/demo.db with OUS-sized data and serves it on http://localhost:8080\n\n\
In production (PostgreSQL):\n\
\x20 export DATABASE_URL=postgres://talentflyt@db/talentflyt\n\
\x20 talentflyt migrate\n\
\x20 talentflyt unit create --kind trust --code OUS --name-nb 'Oslo universitetssykehus' \\\n\
\x20     --name-en 'Oslo University Hospital'\n\
\x20 talentflyt user create --username admin --email it@example.no \\\n\
\x20     --name 'IT' --role hr_admin --unit OUS --password '…'\n\
\x20 TALENTFLYT_BASE_URL=https://jobb.example.no talentflyt serve\n\n\
Every option can also be set by the environment variable shown in its help."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and run the background job worker.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit (serve and demo also do this at start).
    Migrate(DbArgs),
    /// Create a fresh database with synthetic OUS-shaped data, print demo logins, and serve it.
    Demo(Box<demo::DemoArgs>),
    /// Manage staff users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the org-unit tree (trust → clinic → department → section).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Measure the career site under load and print requests per second and latency.
    Bench(bench::BenchArgs),
    /// Close published postings whose deadline has passed, now (the server also does it hourly).
    ClosePostings(serve::CloseArgs),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff user with one role on an org unit (or, for committee members and union
    /// representatives, on a posting).
    Create(serve::UserCreateArgs),
}

#[derive(Subcommand)]
enum UnitCommand {
    /// Add an org unit under a parent (or the trust itself, with no parent).
    Create(serve::UnitCreateArgs),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => {
            config::init_logging(&args.log_format);
            serve::serve(*args).await
        }
        Command::Migrate(db) => {
            config::init_logging("text");
            serve::migrate(&db).await
        }
        Command::Demo(args) => {
            config::init_logging(&args.serve.log_format);
            demo::run(*args).await
        }
        Command::User(UserCommand::Create(args)) => serve::user_create(args).await,
        Command::Unit(UnitCommand::Create(args)) => serve::unit_create(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::ClosePostings(args) => {
            config::init_logging("text");
            serve::close_postings(args).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talentflyt: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
