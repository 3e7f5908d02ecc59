//! `talentflyt demo`: an empty SQLite or PostgreSQL database filled with synthetic, OUS-shaped
//! data, one or more years of it. Everything is generated from the tables in [`data`] and a
//! seeded random generator; nothing is downloaded, and no real person is in it.

// Municipalities and the English ad texts wait for the public applicant list (R11) and English ads.
#[allow(dead_code)]
pub mod data;

use crate::config::ServeArgs;
use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use clap::Args;
use data::{
    ClinicSpec, ProfessionSpec, CLINICS, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, MUNICIPALITIES,
    PROFESSIONS, SURNAMES, WE_OFFER_NB,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::io::{IsTerminal, Write};
use std::time::Instant;
use talentflyt_domain::org::{Role, UnitKind};
use talentflyt_domain::posting::Phase;
use talentflyt_store::{NewApplication, NewFile, NewUser, Store, Val};

/// OUS in one year: 25,000 employees, 5,305 ads for 8,782 positions, 54,777 applications. Over
/// several years the staff stays the same size while closed ads and their applications add up.
pub const EMPLOYEES: f64 = 25_000.0;
pub const POSTINGS: f64 = 5_305.0;
pub const POSITIONS: f64 = 8_782.0;
pub const APPLICATIONS: f64 = 54_777.0;
/// The longest history the demo generates.
pub const MAX_YEARS: u32 = 20;

#[derive(Args, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Size relative to OUS (1.0 = 25,000 employees and 54,777 applications a year).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Years of history, 1 to 20: today's open postings plus this many years of closed postings
    /// and their applications (5,305 postings and 54,777 applications a year at scale 1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_YEARS as i64))]
    pub years: u32,
    /// Seed for the random generator; the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Only create the database; do not serve it.
    #[arg(long)]
    pub no_serve: bool,
    /// Delete everything in the database first (SQLite or PostgreSQL). Without it the demo
    /// refuses a database that already holds data, except a SQLite file whose name ends in
    /// `demo.db` (the default, data/demo.db), which it always replaces. `--replace` is the old
    /// name of this flag.
    #[arg(long, alias = "replace")]
    pub reset: bool,
}

/// What was made, for the summary and for `bench`.
pub struct DemoSummary {
    pub years: u32,
    pub clinics: usize,
    pub units: usize,
    pub employees: usize,
    pub positions: usize,
    pub postings: usize,
    pub open_postings: usize,
    pub closed_postings: usize,
    pub applications: usize,
    pub password: String,
    pub logins: Vec<(String, String, String)>,
    pub seconds: f64,
}

pub const DEFAULT_DEMO_DB: &str = "sqlite://data/demo.db";

pub async fn run(mut args: DemoArgs) -> anyhow::Result<()> {
    if args.serve.db.database_url.is_none() {
        args.serve.db.database_url = Some(DEFAULT_DEMO_DB.into());
    }
    let url = args.serve.db.url().to_owned();
    let store = prepare_database(&url, args.reset).await?;
    let summary = generate(&store, args.scale, args.years, args.seed, true).await?;
    print_logins(&summary, &args.serve.base_url());
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    println!(
        "\nServing on {} — press Ctrl+C to stop.",
        args.serve.base_url()
    );
    crate::serve::run(store, &args.serve).await
}

/// Connect to `url` and make sure it is empty and migrated. A database that holds data is
/// refused unless `reset` is set (or it is a SQLite file named `…demo.db`); then every table in
/// it is dropped first.
pub async fn prepare_database(url: &str, reset: bool) -> anyhow::Result<Store> {
    let shown = without_credentials(url);
    let store = Store::connect(url)
        .await
        .with_context(|| format!("opening {shown}"))?;
    let demo_file = is_demo_file(url);
    if reset || demo_file {
        if !store.table_names().await?.is_empty() {
            eprintln!("Emptying {shown} …");
            store
                .reset_schema()
                .await
                .with_context(|| format!("emptying {shown}"))?;
        }
    } else if store.holds_data().await? {
        store.close().await;
        anyhow::bail!(
            "{shown} already holds data. The demo fills an empty database; pass --reset to delete everything in it first"
        );
    }
    store.migrate().await?;
    Ok(store)
}

/// A SQLite URL whose file name ends in `demo.db`: the demo's own file, replaced on every run.
fn is_demo_file(url: &str) -> bool {
    url.strip_prefix("sqlite:")
        .map(|p| p.split('?').next().unwrap_or(p).ends_with("demo.db"))
        .unwrap_or(false)
}

/// The URL for messages: a PostgreSQL password (or user name) is not printed.
pub fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) if scheme.starts_with("postgres") => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://{host}"),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

fn print_logins(s: &DemoSummary, base_url: &str) {
    println!(
        "\nDemo logins at {base_url}/login (password for all: {})",
        s.password
    );
    for (user, role, scope) in &s.logins {
        println!("  {user:<14} {role:<17} {scope}");
    }
    println!(
        "Candidate: Min side at {base_url}/portal as {DEMO_CANDIDATE}; the sign-in link is written to data/outbox."
    );
}

struct Progress {
    label: &'static str,
    total: usize,
    last: usize,
    interactive: bool,
}

impl Progress {
    fn new(label: &'static str, total: usize) -> Progress {
        Progress {
            label,
            total,
            last: usize::MAX,
            interactive: std::env::var_os("CI").is_none() && std::io::stderr().is_terminal(),
        }
    }
    fn set(&mut self, done: usize) {
        let pct = (done * 100).checked_div(self.total).unwrap_or(100);
        if pct == self.last || (!self.interactive && !pct.is_multiple_of(25)) {
            return;
        }
        self.last = pct;
        let mut err = std::io::stderr();
        if self.interactive {
            let _ = write!(
                err,
                "\r  {:<13} {:>3} %  {done}/{}",
                self.label, pct, self.total
            );
            if done >= self.total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(
                err,
                "  {:<13} {:>3} %  {done}/{}",
                self.label, pct, self.total
            );
        }
        let _ = err.flush();
    }
}

fn scaled(n: f64, scale: f64) -> usize {
    ((n * scale).round() as usize).max(1)
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for it in items {
        let w = weight(it);
        if x < w {
            return it;
        }
        x -= w;
    }
    &items[items.len() - 1]
}

fn ascii_local(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => "ae".to_string(),
            'ø' => "o".to_string(),
            'å' => "a".to_string(),
            'ä' | 'á' | 'à' => "a".to_string(),
            'ö' | 'ó' => "o".to_string(),
            'é' | 'è' | 'ë' => "e".to_string(),
            'ü' | 'ú' => "u".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => String::new(),
        })
        .collect()
}

struct Unit {
    id: i64,
    path: String,
    name_nb: String,
    clinic: usize,
    kind: UnitKind,
}

/// Assigns ids and materialised paths as units are added, parents first, and keeps both the
/// rows to insert and what the generator needs to know about each unit below the trust.
#[derive(Default)]
struct TreeBuilder {
    units: Vec<Unit>,
    rows: Vec<Vec<Val>>,
}

impl TreeBuilder {
    /// Add a unit; returns its id and path for its children.
    fn add(
        &mut self,
        parent: Option<&(i64, String)>,
        kind: UnitKind,
        code: String,
        (name_nb, name_en): (&str, &str),
        site: &str,
        clinic: usize,
    ) -> (i64, String) {
        let id = self.rows.len() as i64 + 1;
        let path = match parent {
            Some((_, p)) => format!("{p}{id}/"),
            None => format!("/{id}/"),
        };
        self.rows.push(vec![
            Val::I(id),
            Val::OptI(parent.map(|p| p.0)),
            Val::S(kind.as_str().into()),
            Val::S(code),
            Val::S(name_nb.into()),
            Val::S(name_en.into()),
            Val::S(path.clone()),
            Val::S(site.into()),
        ]);
        if kind != UnitKind::Trust {
            self.units.push(Unit {
                id,
                path: path.clone(),
                name_nb: name_nb.into(),
                clinic,
                kind,
            });
        }
        (id, path)
    }
}

/// A minimal valid one-page PDF with one line of text.
/// Applicants of the demo's busiest open posting (at full scale).
pub const BIG_POSTING: usize = 500;

pub fn tiny_pdf(text: &str) -> Vec<u8> {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() && c != '(' && c != ')' && c != '\\' {
                c
            } else {
                '?'
            }
        })
        .collect();
    let content = format!("BT /F1 18 Tf 72 720 Td ({safe}) Tj ET");
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn ad_body(rng: &mut StdRng, prof: &ProfessionSpec, unit: &str, clinic: &ClinicSpec) -> String {
    let mut s = prof.ad_intro_nb.replace("{unit}", unit);
    s.push_str(&format!(
        "\n\nAvdelingen er en del av {} ved {}.",
        clinic.name_nb, clinic.site
    ));
    s.push_str("\n\nKvalifikasjoner:");
    for r in prof.requirements_nb {
        s.push_str(&format!("\n- {r}"));
    }
    s.push_str("\n\nPersonlige egenskaper:\n- Gode samarbeidsevner og evne til å bidra i et tverrfaglig miljø\n- Personlig egnethet vektlegges");
    s.push_str("\n\nVi tilbyr:");
    let mut offers: Vec<&&str> = WE_OFFER_NB.iter().collect();
    offers.shuffle(rng);
    for o in offers.iter().take(4) {
        s.push_str(&format!("\n- {o}"));
    }
    s
}

/// Salary texts as OUS ads state them.
const SALARY_TEXTS: &[&str] = &[
    "Etter avtale",
    "Etter gjeldende tariffavtale",
    "Lønnstrinn etter ansiennitet",
];

/// An open ad written as HR writes it now: the profession's template with the unit filled in,
/// an English version, the requirement profile and a contact person.
fn ad_content(
    rng: &mut StdRng,
    prof: &ProfessionSpec,
    templates: &[talentflyt_domain::ad::Template],
    unit: &str,
    clinic: &ClinicSpec,
) -> talentflyt_domain::ad::AdContent {
    use talentflyt_domain::ad::{AdContent, AdText, Contact};
    let tpl = talentflyt_domain::ad::template_for(templates, prof.code)
        .expect("the general template is built in");
    let first = if rng.gen_bool(0.7) {
        FEMALE_FIRST_NAMES.choose(rng)
    } else {
        MALE_FIRST_NAMES.choose(rng)
    };
    let name = format!(
        "{} {}",
        first.copied().unwrap_or("Kari"),
        SURNAMES.choose(rng).copied().unwrap_or("Nordmann")
    );
    AdContent {
        nb: AdText {
            intro: prof.ad_intro_nb.replace("{unit}", unit),
            about_unit: format!(
                "{unit} er en del av {} ved {}. Vi er et tverrfaglig miljø der pasientsikkerhet og godt samarbeid står i sentrum.",
                clinic.name_nb, clinic.site
            ),
            duties: tpl.nb.text.duties.clone(),
            offer: tpl.nb.text.offer.clone(),
        },
        en: AdText {
            intro: prof.ad_intro_en.replace("{unit}", unit),
            about_unit: format!(
                "{unit} is part of the {} at {}. We are an interdisciplinary team where patient safety and good collaboration are central.",
                clinic.name_en, clinic.site
            ),
            duties: tpl.en.text.duties.clone(),
            offer: tpl.en.text.offer.clone(),
        },
        requirements: tpl.requirements.clone(),
        contacts: vec![Contact {
            name,
            title: "Seksjonsleder".into(),
            phone: format!("+47 23 07 {:02} {:02}", rng.gen_range(10..99), rng.gen_range(10..99)),
            email: String::new(),
        }],
    }
}

/// Fill an empty, migrated database with `years` years of history. Prints progress and a
/// one-line summary when `verbose`.
pub async fn generate(
    store: &Store,
    scale: f64,
    years: u32,
    seed: u64,
    verbose: bool,
) -> anyhow::Result<DemoSummary> {
    anyhow::ensure!(
        scale > 0.0 && scale <= 20.0,
        "--scale must be above 0 and at most 20"
    );
    anyhow::ensure!(
        (1..=MAX_YEARS).contains(&years),
        "--years must be from 1 to {MAX_YEARS}"
    );
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    // The career site's today (Norwegian time), so "open" means the same here and there.
    let today = talentflyt_domain::clock::Clock::system().today();
    let now_ts = chrono::Utc::now().timestamp();
    if verbose {
        eprintln!("Generating demo data ({years} years, scale {scale}, seed {seed}) …");
    }

    // 1. The org tree.
    let mut tree = TreeBuilder::default();
    let trust = tree.add(
        None,
        UnitKind::Trust,
        "OUS".into(),
        ("Oslo universitetssykehus", "Oslo University Hospital"),
        "",
        0,
    );
    for (ci, c) in CLINICS.iter().enumerate() {
        let clinic = tree.add(
            Some(&trust),
            UnitKind::Clinic,
            c.code.into(),
            (c.name_nb, c.name_en),
            c.site,
            ci,
        );
        for (di, d) in c.departments.iter().enumerate() {
            let dept = tree.add(
                Some(&clinic),
                UnitKind::Department,
                format!("{}-{}", c.code, di + 1),
                (d.name_nb, d.name_en),
                c.site,
                ci,
            );
            for (si, (snb, sen)) in d.sections.iter().enumerate() {
                tree.add(
                    Some(&dept),
                    UnitKind::Section,
                    format!("{}-{}-{}", c.code, di + 1, si + 1),
                    (snb, sen),
                    c.site,
                    ci,
                );
            }
        }
    }
    let trust_id = trust.0;
    let TreeBuilder {
        units,
        rows: unit_rows,
    } = tree;
    store
        .bulk_insert(
            "org_units",
            &[
                "id",
                "parent_id",
                "kind",
                "code",
                "name_nb",
                "name_en",
                "path",
                "site",
            ],
            &unit_rows,
        )
        .await?;
    let sections: Vec<&Unit> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Section)
        .collect();
    let departments: Vec<&Unit> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .collect();
    if verbose {
        eprintln!(
            "  org units     {} ({} clinics, {} departments, {} sections)",
            unit_rows.len(),
            CLINICS.len(),
            departments.len(),
            sections.len()
        );
    }

    // 2. Employees.
    let n_emp = scaled(EMPLOYEES, scale);
    let mut p = Progress::new("employees", n_emp);
    let mut rows = Vec::with_capacity(5000);
    for i in 0..n_emp {
        let prof = weighted(&mut rng, PROFESSIONS, |p| p.weight);
        let female = rng.gen_range(0..100) < prof.female_share as u32;
        let given = if female {
            FEMALE_FIRST_NAMES.choose(&mut rng)
        } else {
            MALE_FIRST_NAMES.choose(&mut rng)
        }
        .copied()
        .unwrap_or("Kari");
        let unit = sections[rng.gen_range(0..sections.len())];
        let hired = today - Days::new(rng.gen_range(30..30 * 365));
        rows.push(vec![
            Val::I(i as i64 + 1),
            Val::S(format!("{:06}", 100_000 + i)),
            Val::S(given.into()),
            Val::S(
                SURNAMES
                    .choose(&mut rng)
                    .copied()
                    .unwrap_or("Hansen")
                    .into(),
            ),
            Val::I(rng.gen_range(1960..2004)),
            Val::S(if female { "female" } else { "male" }.into()),
            Val::I(unit.id),
            Val::S(prof.code.into()),
            Val::I(*prof.typical_extent.choose(&mut rng).unwrap_or(&100) as i64),
            Val::I((rng.gen_range(0..100) < 85) as i64),
            Val::S(hired.format("%Y-%m-%d").to_string()),
        ]);
        if rows.len() == 5000 || i + 1 == n_emp {
            store
                .bulk_insert(
                    "employees",
                    &[
                        "id",
                        "employee_number",
                        "given_name",
                        "family_name",
                        "birth_year",
                        "gender",
                        "unit_id",
                        "profession",
                        "fte_percent",
                        "permanent",
                        "hired_on",
                    ],
                    &rows,
                )
                .await?;
            rows.clear();
            p.set(i + 1);
        }
    }

    // 3. Each year's postings with their positions, the oldest year first.
    let n_post = scaled(POSTINGS, scale);
    let n_pos_target = scaled(POSITIONS, scale);
    let expected_apps: f64 = PROFESSIONS
        .iter()
        .map(|p| p.weight as f64 * p.applicants_mean as f64)
        .sum::<f64>()
        / PROFESSIONS.iter().map(|p| p.weight as f64).sum::<f64>();
    let app_factor = APPLICATIONS / POSTINGS / expected_apps;
    let templates = talentflyt_domain::ad::builtin_templates();
    let mut p = Progress::new("postings", n_post * years as usize);
    let mut posting_rows = vec![];
    let mut position_rows = vec![];
    let mut link_rows = vec![];
    struct Made {
        id: i64,
        published: NaiveDate,
        deadline: NaiveDate,
        positions: i64,
        prof: &'static ProfessionSpec,
        title: String,
        unit_path: String,
    }
    let mut made: Vec<Made> = vec![];
    let mut position_id = 0i64;
    let mut year_positions_from = 0i64;
    for (year, i) in (0..years)
        .rev()
        .flat_map(|y| (0..n_post).map(move |i| (y, i)))
    {
        let id = made.len() as i64 + 1;
        let prof = weighted(&mut rng, PROFESSIONS, |p| p.weight);
        let unit = if rng.gen_bool(0.6) {
            sections[rng.gen_range(0..sections.len())]
        } else {
            departments[rng.gen_range(0..departments.len())]
        };
        let clinic = &CLINICS[unit.clinic];
        // Spread over the year (0 is the last 365 days); the newest are still open.
        let published = today - Days::new(365 * year as u64 + rng.gen_range(0..365));
        let deadline = published + Days::new(rng.gen_range(14..29));
        // Positions per ad so that each year sums to about 8,782.
        if i == 0 {
            year_positions_from = position_id;
        }
        let remaining_posts = (n_post - i) as f64;
        let remaining_pos = (n_pos_target as i64 - (position_id - year_positions_from))
            .max(remaining_posts as i64) as f64;
        let mean = remaining_pos / remaining_posts;
        let positions = if mean <= 1.0 {
            1
        } else {
            (1 + rng.gen_range(0..((2.0 * (mean - 1.0)).round() as i64 + 1))).max(1)
        };
        let extent = *prof.typical_extent.choose(&mut rng).unwrap_or(&100) as i64;
        let temporary = rng.gen_bool(0.3);
        let title = if positions > 1 {
            format!(
                "{} – {} ({} stillinger)",
                prof.name_nb, unit.name_nb, positions
            )
        } else if temporary {
            format!(
                "Vikariat som {} – {}",
                prof.name_nb.to_lowercase(),
                unit.name_nb
            )
        } else {
            format!("{} – {}", prof.name_nb, unit.name_nb)
        };
        // Draft → published → closed: past its deadline an ad is closed.
        let closed = deadline < today;
        let published_ts = published
            .and_hms_opt(9, rng.gen_range(0..60), 0)
            .map(|d| d.and_utc().timestamp())
            .unwrap_or(now_ts);
        let open = !closed;
        let (body, content, title_en) = if open {
            let c = ad_content(&mut rng, prof, &templates, &unit.name_nb, clinic);
            let title_en = format!("{} – {}", prof.name_en, unit.name_nb);
            (c.plain_nb(&title), serde_json::to_string(&c)?, title_en)
        } else {
            (
                ad_body(&mut rng, prof, &unit.name_nb, clinic),
                String::new(),
                String::new(),
            )
        };
        let tpl = talentflyt_domain::ad::template_for(&templates, prof.code);
        let areas = tpl
            .map(|t| talentflyt_domain::ad::join_codes(&t.competence_areas))
            .unwrap_or_default();
        let targets = tpl
            .map(|t| talentflyt_domain::ad::join_codes(&t.target_groups))
            .unwrap_or_default();
        let start = (rng.gen_bool(0.5)).then(|| {
            (deadline + Days::new(rng.gen_range(30..90)))
                .format("%Y-%m-%d")
                .to_string()
        });
        let day_text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let reference = format!("{}-{id}", published.format("%Y"));
        let search_title = talentflyt_store::title_search(&title, &title_en, &reference);
        posting_rows.push(vec![
            Val::I(id),
            Val::S(reference),
            Val::I(unit.id),
            Val::S(title.clone()),
            Val::S(body.clone()),
            Val::S(prof.code.into()),
            Val::S(if temporary { "temporary" } else { "permanent" }.into()),
            Val::I(extent),
            Val::I(positions),
            Val::S(deadline.format("%Y-%m-%d").to_string()),
            Val::S(if closed { "closed" } else { "published" }.into()),
            Val::OptI(Some(published_ts)),
            Val::I(published_ts - 86_400),
            Val::I(published_ts),
            Val::S(talentflyt_domain::posting::search_text(
                &title,
                &format!("{body}\n{title_en}"),
            )),
            Val::S(title_en),
            Val::S(content),
            Val::S(clinic.site.into()),
            Val::OptS(start),
            Val::S(SALARY_TEXTS.choose(&mut rng).copied().unwrap_or("").into()),
            Val::S(targets),
            Val::S(areas),
            Val::OptS(Some(day_text(published))),
            Val::OptS(Some(day_text(deadline))),
            Val::OptI(Some(published_ts - 3_600)),
            Val::S(search_title),
        ]);
        for _ in 0..positions {
            position_id += 1;
            position_rows.push(vec![
                Val::I(position_id),
                Val::I(unit.id),
                Val::S(format!("P{:07}", position_id)),
                Val::I(extent),
                Val::S(prof.code.into()),
            ]);
            link_rows.push(vec![Val::I(id), Val::I(position_id)]);
        }
        made.push(Made {
            id,
            published,
            deadline,
            positions,
            prof,
            title,
            unit_path: unit.path.clone(),
        });
        if posting_rows.len() == 500 || (year == 0 && i + 1 == n_post) {
            store
                .bulk_insert(
                    "positions",
                    &["id", "unit_id", "number", "fte_percent", "profession"],
                    &position_rows,
                )
                .await?;
            store
                .bulk_insert(
                    "postings",
                    &[
                        "id",
                        "reference",
                        "unit_id",
                        "title",
                        "body",
                        "profession",
                        "engagement",
                        "extent_percent",
                        "positions",
                        "deadline",
                        "status",
                        "published_at",
                        "created_at",
                        "updated_at",
                        "search_text",
                        "title_en",
                        "content",
                        "work_place",
                        "start_date",
                        "salary_text",
                        "target_groups",
                        "competence_areas",
                        "publish_on",
                        "original_deadline",
                        "approved_at",
                        "title_search",
                    ],
                    &posting_rows,
                )
                .await?;
            store
                .bulk_insert(
                    "posting_positions",
                    &["posting_id", "position_id"],
                    &link_rows,
                )
                .await?;
            posting_rows.clear();
            position_rows.clear();
            link_rows.clear();
            p.set(made.len());
        }
    }
    let open_postings = made.iter().filter(|m| m.deadline >= today).count();

    // 4. Applications, each with a candidate; those to open postings with a CV.
    let n_apps_target = scaled(APPLICATIONS, scale);
    let mut counts: Vec<usize> = made
        .iter()
        .map(|m| {
            let mean = m.prof.applicants_mean as f64 * app_factor;
            (mean * rng.gen_range(0.3..1.7)).round().max(0.0) as usize
        })
        .collect();
    // Nudge each year to the yearly total. A year's postings are next to each other in `made`.
    for year_counts in counts.chunks_mut(n_post) {
        let mut total: usize = year_counts.iter().sum();
        while total != n_apps_target {
            let i = rng.gen_range(0..year_counts.len());
            if total < n_apps_target {
                year_counts[i] += 1;
                total += 1;
            } else if year_counts[i] > 0 {
                year_counts[i] -= 1;
                total -= 1;
            }
        }
    }
    // One open posting draws BIG_POSTING applicants (a popular summer job does), taken from the
    // other postings of its year so the yearly total stays: the applicant list's benchmark.
    let big = (BIG_POSTING as f64 * scale).round() as usize;
    if let Some(i) = (0..made.len())
        .filter(|&i| made[i].deadline >= today)
        .max_by_key(|&i| counts[i])
    {
        let year = i / n_post * n_post..((i / n_post + 1) * n_post).min(counts.len());
        let mut extra = big.saturating_sub(counts[i]);
        counts[i] = counts[i].max(big);
        while extra > 0 {
            let j = rng.gen_range(year.clone());
            if j != i && counts[j] > 0 {
                counts[j] -= 1;
                extra -= 1;
            }
        }
    }
    let total: usize = counts.iter().sum();
    let mut p = Progress::new("applications", total);
    // Ambassadors: the demo's employee and manager share ads with their personal links
    // (their codes are written with the users below).
    let sources: [(&str, u32); 8] = [
        ("career_site", 50),
        ("nav", 18),
        ("finn", 14),
        ("linkedin", 7),
        ("job_alert", 3),
        ("amb-ansatt", 3),
        ("amb-leder", 1),
        ("jobbnorge", 4),
    ];
    // Every open posting asks two screening questions (ids 2p-1 and 2p): authorisation, where
    // "no" flags, and years of experience, where under one flags. So do the postings closed
    // since New Year's Day last year, whose answers and self-declarations the inclusion check
    // (R15) counts.
    let inclusion_from = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let question_rows: Vec<Vec<Val>> = made
        .iter()
        .filter(|m| m.deadline >= today.min(inclusion_from))
        .flat_map(|m| {
            [
                vec![
                    Val::I(2 * m.id - 1),
                    Val::I(m.id),
                    Val::I(1),
                    Val::S("yes_no".into()),
                    Val::S("Har du norsk autorisasjon for yrket?".into()),
                    Val::S("Are you authorised in Norway for the profession?".into()),
                    Val::S("[]".into()),
                    Val::S("no".into()),
                ],
                vec![
                    Val::I(2 * m.id),
                    Val::I(m.id),
                    Val::I(2),
                    Val::S("number".into()),
                    Val::S("Hvor mange års relevant erfaring har du?".into()),
                    Val::S("How many years of relevant experience do you have?".into()),
                    Val::S("[]".into()),
                    Val::S("1".into()),
                ],
            ]
        })
        .collect();
    store
        .bulk_insert(
            "posting_questions",
            &[
                "id",
                "posting_id",
                "position",
                "kind",
                "text_nb",
                "text_en",
                "options",
                "knockout",
            ],
            &question_rows,
        )
        .await?;
    let mut form_rows = FormRows::default();
    let (mut cand_rows, mut app_rows, mut doc_rows) = (vec![], vec![], vec![]);
    let mut app_id = 0i64;
    // The first listed posting with three applicants or more has three requests not to be
    // named, so there is always one for HR to decide (see `applicant_lists`).
    let mut forced: Option<i64> = None;
    // Postings still being assessed with three interviewed or more: where an innstilling can
    // be written (see `recommendations`).
    let mut assessed: std::collections::HashSet<i64> = Default::default();
    // The candidate experience survey (R14): about one in seven given a final answer within
    // the year answered it. Its own random stream, so the rest of the data stays as it was.
    let mut srng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut survey_rows: Vec<Vec<Val>> = vec![];
    // The inclusion check (R15): screening answers and self-declarations for postings closed
    // since `inclusion_from`, and who of those later rejected had been called to interview
    // (as two moves each). Its own random stream too.
    let mut irng = StdRng::seed_from_u64(seed ^ 0x1c1u64);
    let mut moves: Vec<Vec<Val>> = vec![];
    // Open postings and how many have applied: the committee's posting is a busy one.
    let mut open_sizes: std::collections::HashMap<i64, usize> = Default::default();
    for (m, n) in made.iter().zip(counts) {
        let window = (m.deadline - m.published).num_days().max(1) as u64;
        let decided = m.deadline < today;
        // Postings whose deadline passed within the month have a public applicant list: their
        // applications carry the details it shows, and some ask not to be named.
        let listed = decided && m.deadline + Days::new(30) >= today;
        let in_process = decided && m.deadline + Days::new(21) >= today;
        if in_process && n >= 3 {
            assessed.insert(m.id);
        }
        if !decided {
            open_sizes.insert(m.id, n);
        }
        let force_here = listed && n >= 3 && *forced.get_or_insert(m.id) == m.id;
        let mut hired_left = m.positions;
        for i in 0..n {
            app_id += 1;
            let female = rng.gen_range(0..100) < m.prof.female_share as u32;
            let given = if female {
                FEMALE_FIRST_NAMES.choose(&mut rng)
            } else {
                MALE_FIRST_NAMES.choose(&mut rng)
            }
            .copied()
            .unwrap_or("Kari");
            let family = SURNAMES.choose(&mut rng).copied().unwrap_or("Hansen");
            let day = m.published + Days::new(rng.gen_range(0..=window));
            let submitted = day
                .and_hms_opt(
                    rng.gen_range(6..23),
                    rng.gen_range(0..60),
                    rng.gen_range(0..60),
                )
                .map(|d| d.and_utc().timestamp())
                .unwrap_or(now_ts)
                .min(now_ts);
            let phase = if !decided {
                if rng.gen_bool(0.2) {
                    "screening"
                } else {
                    "applied"
                }
            } else if in_process && n >= 3 && i < 3 {
                "interview"
            } else if in_process {
                // Closed within three weeks: still being assessed, nobody hired yet.
                match rng.gen_range(0..100) {
                    0..=14 => "interview",
                    15..=49 => "screening",
                    50..=89 => "rejected",
                    90..=94 => "withdrawn",
                    _ => "applied",
                }
            } else if hired_left > 0 && rng.gen_bool(0.35) {
                hired_left -= 1;
                "hired"
            } else if rng.gen_bool(0.05) {
                "withdrawn"
            } else {
                "rejected"
            };
            let source = weighted(&mut rng, &sources, |s| s.1).0;
            // One candidate per address: the application number keeps them apart.
            let email = format!(
                "{}.{}{app_id}@example.no",
                ascii_local(given),
                ascii_local(family),
            );
            cand_rows.push(vec![
                Val::I(app_id),
                Val::S(email.clone()),
                Val::S(email),
                Val::S(given.into()),
                Val::S(family.into()),
                Val::I(submitted),
            ]);
            let exempt = listed && ((force_here && i < 3) || rng.gen_bool(0.08));
            app_rows.push(vec![
                Val::I(app_id),
                Val::I(m.id),
                Val::I(app_id),
                Val::S(phase.into()),
                Val::S(source.into()),
                Val::I(submitted),
                Val::I(submitted),
                Val::I(submitted),
                Val::I(exempt as i64),
                Val::S(if exempt {
                    EXEMPTION_REASONS
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or_default()
                        .into()
                } else {
                    String::new()
                }),
            ]);
            if listed {
                form_rows.add_details(&mut rng, app_id, today, female);
            }
            if matches!(phase, "hired" | "rejected")
                && m.deadline + Days::new(365) >= today
                && srng.gen_bool(0.15)
            {
                survey_rows.push(survey_answer(
                    &mut srng,
                    m.unit_path.as_str(),
                    phase,
                    m.deadline,
                    today,
                ));
            }
            if decided && m.deadline >= inclusion_from {
                let hired = phase == "hired";
                let declared_and_qualified =
                    form_rows.add_screening(&mut irng, app_id, m.id, submitted, hired);
                // Calling a qualified applicant who declared is the rule the check follows up,
                // kept more often than not.
                let called = irng.gen_bool(if declared_and_qualified { 0.6 } else { 0.12 });
                if phase == "rejected" && !in_process && called {
                    let at = |days: u64| {
                        (m.deadline + Days::new(days))
                            .and_hms_opt(10, 0, 0)
                            .map(|d| d.and_utc().timestamp())
                            .unwrap_or(now_ts)
                            .min(now_ts)
                    };
                    for (when, from, to) in
                        [(5, "screening", "interview"), (20, "interview", "rejected")]
                    {
                        moves.push(vec![
                            Val::I(app_id),
                            Val::I(at(when)),
                            Val::S(from.into()),
                            Val::S(to.into()),
                        ]);
                    }
                }
            }
            if !decided {
                form_rows.add(&mut rng, app_id, m.id, submitted, today, female);
                let cv_text = format!(
                    "CV - {given} {family} - {}",
                    m.title.chars().take(40).collect::<String>()
                );
                let pdf = tiny_pdf(&cv_text);
                doc_rows.push(vec![
                    Val::I(app_id),
                    Val::S("cv".into()),
                    Val::S(format!("CV {given} {family}.pdf")),
                    Val::S("application/pdf".into()),
                    Val::I(pdf.len() as i64),
                    Val::S(String::new()),
                    Val::B(pdf),
                    Val::I(submitted),
                    Val::S(cv_text),
                ]);
            }
            if cand_rows.len() == 5000 {
                flush_apps(store, &mut cand_rows, &mut app_rows, &mut doc_rows).await?;
                form_rows.flush(store).await?;
                p.set(app_id as usize);
            }
        }
    }
    flush_apps(store, &mut cand_rows, &mut app_rows, &mut doc_rows).await?;
    form_rows.flush(store).await?;
    p.set(app_id as usize);
    for chunk in moves.chunks(2000) {
        store
            .bulk_insert(
                "application_transitions",
                &["application_id", "at", "from_phase", "to_phase"],
                chunk,
            )
            .await?;
    }
    for chunk in survey_rows.chunks(2000) {
        store
            .bulk_insert(
                "survey_responses",
                &[
                    "unit_id", "outcome", "month", "nps", "informed", "respect", "speed", "comment",
                ],
                chunk,
            )
            .await?;
    }

    // 5. Demo users, one per role.
    // The data is reproducible from the seed; the password must not be, or every demo shares it.
    let mut os = rand::rngs::OsRng;
    let password = format!(
        "demo-{}",
        (0..10)
            .map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[os.gen_range(0..31)]))
            .collect::<String>()
    );
    let hash = talentflyt_web::hash_password(&password)?;
    let first_clinic = units
        .iter()
        .find(|u| u.kind == UnitKind::Clinic)
        .context("no clinic")?;
    // A department with postings closed within three weeks (still being assessed: applicant
    // lists, innstillinger) and the most open postings, so its manager has something to look
    // at in every phase.
    let busiest = departments
        .iter()
        .max_by_key(|d| {
            let of = |m: &&Made| m.unit_path.starts_with(&d.path);
            let open = made
                .iter()
                .filter(of)
                .filter(|m| m.deadline >= today)
                .count();
            // An open posting with four or more to call to interview (the committee's).
            let busy = made
                .iter()
                .filter(of)
                .filter(|m| open_sizes.get(&m.id).is_some_and(|n| *n >= 6))
                .count();
            let recent = made
                .iter()
                .filter(of)
                .filter(|m| assessed.contains(&m.id))
                .count();
            (busy.min(1), recent.min(2), open)
        })
        .copied()
        .unwrap_or(departments[0]);
    let committee_posting = made
        .iter()
        .filter(|m| m.deadline >= today && m.unit_path.starts_with(&busiest.path))
        .max_by_key(|m| open_sizes.get(&m.id).copied().unwrap_or(0))
        .map(|m| m.id)
        .unwrap_or(1);
    let clinic_name = CLINICS[first_clinic.clinic].name_nb;
    type Login<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Role,
        Option<i64>,
        Option<i64>,
        String,
    );
    let plan: Vec<Login> = vec![
        (
            "hr",
            "Hanne Haugen",
            "hr@ous.example",
            Role::HrAdmin,
            Some(trust_id),
            None,
            "Oslo universitetssykehus".into(),
        ),
        (
            "radgiver",
            "Rune Rådgiver",
            "radgiver@ous.example",
            Role::HrAdvisor,
            Some(first_clinic.id),
            None,
            clinic_name.into(),
        ),
        (
            "leder",
            "Lise Leder",
            "leder@ous.example",
            Role::Manager,
            Some(busiest.id),
            None,
            busiest.name_nb.clone(),
        ),
        (
            "nemnd",
            "Nils Nemnd",
            "nemnd@ous.example",
            Role::CommitteeMember,
            None,
            Some(committee_posting),
            format!("utlysning {committee_posting}"),
        ),
        (
            "tillitsvalgt",
            "Tone Tillitsvalgt",
            "tillitsvalgt@ous.example",
            Role::UnionRep,
            None,
            Some(committee_posting),
            format!("utlysning {committee_posting}"),
        ),
        (
            "ansatt",
            "Anders Ansatt",
            "ansatt@ous.example",
            Role::Employee,
            Some(trust_id),
            None,
            "Oslo universitetssykehus".into(),
        ),
    ];
    let mut logins = vec![];
    let mut hr_id = None;
    let mut user_ids: Vec<(&str, i64)> = vec![];
    for (username, name, email, role, unit, posting, scope) in plan {
        let u = store
            .create_user(NewUser {
                username,
                email,
                display_name: name,
                password_hash: Some(&hash),
            })
            .await?;
        if role == Role::HrAdmin && hr_id.is_none() {
            hr_id = Some(u.id);
        }
        store.grant(u.id, role, unit, posting).await?;
        user_ids.push((username, u.id));
        logins.push((username.to_owned(), role.as_str().to_owned(), scope));
    }
    store.sync_id_sequences().await?;
    if let Some(hr) = hr_id {
        blind_screening(store, committee_posting, hr).await?;
    }
    scorecards(store, &mut rng, committee_posting, &user_ids).await?;
    interviews(store, committee_posting, &user_ids, today).await?;
    requisitions(store, busiest.id, committee_posting, today).await?;
    career_site(store, &mut rng, today).await?;
    portal_candidate(store, today).await?;
    candidate_at_interview(store, committee_posting).await?;
    if let Some(hr) = hr_id {
        // Postings closed within the month, the manager's department's first.
        let mut recent: Vec<(bool, i64)> = made
            .iter()
            .filter(|m| m.deadline < today && m.deadline + Days::new(30) >= today)
            .map(|m| (!m.unit_path.starts_with(&busiest.path), m.id))
            .collect();
        recent.sort();
        applicant_lists(store, &recent, hr, today).await?;
        recommendations(store, &recent, hr, today).await?;
    }
    store.refresh_statistics().await?;

    let seconds = started.elapsed().as_secs_f64();
    let summary = DemoSummary {
        years,
        clinics: CLINICS.len(),
        units: unit_rows.len(),
        employees: n_emp,
        positions: position_id as usize,
        postings: made.len(),
        open_postings,
        closed_postings: made.iter().filter(|m| m.deadline < today).count(),
        applications: app_id as usize,
        password,
        logins,
        seconds,
    };
    if verbose {
        eprintln!("{}", summary.line());
    }
    Ok(summary)
}

/// The committee's posting screens blind until the interview (R7): `nemnd` and `tillitsvalgt`
/// see its applicants by number, and those already at the interview or later are shown, each
/// reveal written down and audited as HR's.
async fn blind_screening(store: &Store, posting: i64, hr: i64) -> anyhow::Result<()> {
    let stages = store.posting_stages(posting).await?;
    if let Some(interview) = stages.iter().find(|s| s.phase == Phase::Interview) {
        store
            .set_blind(
                &talentflyt_store::Reader::user(hr, "demo"),
                hr,
                posting,
                Some(interview.position),
            )
            .await?
            .map_err(|key| anyhow::anyhow!("blind screening refused: {key}"))?;
    }
    Ok(())
}

/// Scorecards on the committee's posting (R8): four applicants under consideration are called
/// to interview, and everyone met at the interview or later is scored by `leder` and `tillitsvalgt`, and by `nemnd` but for the last one, whom `nemnd` is
/// left to score (so the committee member sees both a panel and an open card). The scores
/// scatter around each applicant's own level, so some panels disagree.
async fn scorecards(
    store: &Store,
    rng: &mut StdRng,
    posting: i64,
    users: &[(&str, i64)],
) -> anyhow::Result<()> {
    let crit = talentflyt_domain::scorecard::criteria(
        &store.posting(posting).await?.content().requirements,
    );
    // The manager has called the first four still waiting to interview (which shows them, as
    // the posting screens blind until then).
    let leder = users.iter().find(|(u, _)| *u == "leder").map(|x| x.1);
    let interview = store
        .posting_stages(posting)
        .await?
        .into_iter()
        .find(|s| s.phase == Phase::Interview);
    if let (Some(uid), Some(stage)) = (leder, interview) {
        let view = store.applicant_view(posting).await?;
        let called: Vec<i64> = view
            .applicants()
            .iter()
            .filter(|a| matches!(a.phase, Phase::Applied | Phase::Screening))
            .take(4)
            .map(|a| a.id)
            .collect();
        store
            .move_applications(
                &talentflyt_store::Reader::user(uid, "demo"),
                uid,
                &talentflyt_store::MoveRequest {
                    posting_id: posting,
                    application_ids: &called,
                    target: talentflyt_domain::pipeline::Target::Stage(stage.position),
                    reason: "Innkalt til intervju",
                },
                None,
            )
            .await?;
    }
    let view = store.applicant_view(posting).await?;
    let met: Vec<i64> = view
        .applicants()
        .iter()
        .filter(|a| {
            matches!(
                a.phase,
                Phase::Interview
                    | Phase::References
                    | Phase::Recommendation
                    | Phase::Offer
                    | Phase::Hired
            )
        })
        .map(|a| a.id)
        .collect();
    let assessor = |name: &str| users.iter().find(|(u, _)| *u == name).map(|x| x.1);
    let panel: Vec<i64> = ["leder", "tillitsvalgt", "nemnd"]
        .into_iter()
        .filter_map(assessor)
        .collect();
    for (n, app) in met.iter().enumerate() {
        let level: u8 = rng.gen_range(2..=5);
        // `nemnd` (last in the panel) has the last one left to score.
        let last = n + 1 == met.len();
        let who = if last {
            &panel[..panel.len().saturating_sub(1)]
        } else {
            &panel[..]
        };
        for uid in who {
            send_in_card(store, rng, &crit, *app, *uid, level).await?;
        }
    }
    Ok(())
}

/// Interviews on the committee's posting (R9): two days of times (a row in a meeting room,
/// then video), the first two of those called to interview booked by `leder`, the third asked
/// to choose and having chosen in the portal, the fourth asked and not yet chosen. The
/// invitations and the request go out as e-mails when the server's worker runs.
async fn interviews(
    store: &Store,
    posting: i64,
    users: &[(&str, i64)],
    today: NaiveDate,
) -> anyhow::Result<()> {
    use talentflyt_domain::interview::{plan, RawSlots};
    let Some(leder) = users.iter().find(|(u, _)| *u == "leder").map(|x| x.1) else {
        return Ok(());
    };
    let now = talentflyt_domain::clock::oslo_local(chrono::Utc::now());
    // The next two working days from three days on.
    let working = |from: NaiveDate| {
        let mut d = from;
        while d.weekday().number_from_monday() > 5 {
            d = d + Days::new(1);
        }
        d
    };
    let first = working(today + Days::new(3));
    let second = working(first + Days::new(1));
    for (day, start, count, location) in [
        (
            first,
            "09:00",
            "4",
            "Ullevål sykehus, bygg 31, 2. etasje, møterom Lyset",
        ),
        (
            second,
            "13:00",
            "3",
            "Video (Teams): lenken kommer på e-post",
        ),
    ] {
        let raw = RawSlots {
            date: day.format("%Y-%m-%d").to_string(),
            start: start.into(),
            minutes: "45".into(),
            count: count.into(),
            gap: "15".into(),
            location: location.into(),
        };
        let p = plan(&raw, now).map_err(|e| anyhow::anyhow!("demo interview times: {e:?}"))?;
        store
            .add_interview_slots(leder, posting, &p)
            .await?
            .map_err(|key| anyhow::anyhow!("demo interview times refused: {key}"))?;
    }
    let slots = store.interview_schedule(posting).await?.slots;
    let view = store.applicant_view(posting).await?;
    let called: Vec<(i64, String)> = view
        .applicants()
        .iter()
        .filter(|a| a.phase == Phase::Interview)
        .map(|a| (a.id, format!("{} {}", a.given_name, a.family_name)))
        .collect();
    let reader = talentflyt_store::Reader::user(leder, "demo");
    let title = store.posting(posting).await?.title;
    let write = |r: &talentflyt_store::Recipient| choose_time_message(r, &title);
    for (n, (app, _)) in called.iter().enumerate() {
        let booked = match n {
            0 | 1 => Some(talentflyt_store::Booker::Staff(leder)),
            2 => {
                store
                    .invite_to_choose(&reader, leder, posting, &[*app], &write)
                    .await?;
                let cid = store.application_candidate_id(*app).await?;
                Some(talentflyt_store::Booker::Candidate(cid))
            }
            _ => {
                store
                    .invite_to_choose(&reader, leder, posting, &[*app], &write)
                    .await?;
                None
            }
        };
        if let (Some(booker), Some(slot)) = (booked, slots.get(n * 2)) {
            let who = match booker {
                talentflyt_store::Booker::Candidate(cid) => {
                    talentflyt_store::Reader::candidate(cid, "demo")
                }
                _ => reader,
            };
            store
                .book_interview(&who, booker, posting, *app, slot.id, now)
                .await?
                .map_err(|why| anyhow::anyhow!("demo booking refused: {}", why.key()))?;
        }
    }
    Ok(())
}

/// A message from the staff to a candidate, as plain text (the demo's; the pages write their
/// own in the candidate's language).
fn plain_message(to: &str, subject: String, body: String) -> talentflyt_store::Written {
    talentflyt_store::Written {
        email: talentflyt_store::OutgoingEmail {
            to: to.to_owned(),
            subject: subject.clone(),
            text: body.clone(),
            html: String::new(),
            template: "candidate_message.nb".into(),
            list_unsubscribe: None,
            calendar: None,
        },
        message: talentflyt_domain::pipeline::Message { subject, body },
    }
}

/// The public applicant lists (R11) of the postings closed within the month, as the hourly job
/// makes them. Before that, on the first of `recent` with two requests not to be named, HR
/// has decided both: one granted, one refused and waiting for the applicant's answer; the
/// other requests wait for HR.
async fn applicant_lists(
    store: &Store,
    recent: &[(bool, i64)],
    hr: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    for (_, posting) in recent {
        // Only applicants still in the process: a refused one answers on Min side.
        let cases: Vec<_> = store
            .exemption_cases(*posting)
            .await?
            .into_iter()
            .filter(|c| !matches!(c.phase.as_str(), "withdrawn" | "rejected" | "hired"))
            .filter(|c| c.decision.is_none())
            .collect();
        if cases.len() < 2 {
            continue;
        }
        let title = store.posting(*posting).await?.title;
        for (c, granted, rationale) in [
            (
                &cases[0],
                true,
                "Søkeren har godtgjort at det kan skade det nåværende arbeidsforholdet å bli kjent som søker, og stillingen er ikke en lederstilling.",
            ),
            (
                &cases[1],
                false,
                "Stillingen har stor offentlig interesse, og grunnene som er oppgitt, veier ikke tyngre enn hensynet til åpenhet om hvem som søker.",
            ),
        ] {
            store
                .decide_exemption(
                    &talentflyt_store::Reader::user(hr, "demo"),
                    hr,
                    c.application_id,
                    talentflyt_store::ExemptionDecision {
                        granted,
                        rationale,
                        today,
                    },
                    &|r, by| match by {
                        Some(_) => refusal_message(r, &title, by),
                        None => plain_message(
                            r.email,
                            format!("Du blir ikke oppført på søkerlisten: {title}"),
                            format!("Hei, {}. Vi tar anmodningen din om ikke å bli oppført på søkerlisten til følge.", r.name),
                        ),
                    },
                )
                .await?
                .map_err(|why| anyhow::anyhow!("the demo's exemption: {why:?}"))?;
        }
        break;
    }
    store.produce_applicant_lists(today).await?;
    Ok(())
}

/// Two innstillinger (R12) in the manager's department, on postings closed within the month:
/// one signed by HR, one sent by the manager and waiting for HR's signature. On each, three
/// candidates were interviewed; two are ranked with written reasons and the third did not meet
/// a required item.
async fn recommendations(
    store: &Store,
    recent: &[(bool, i64)],
    hr: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use talentflyt_domain::recommendation::{check, Authority, Decision, RawEntry};
    let Some(leder) = store.user_by_username("leder").await? else {
        return Ok(());
    };
    let mail = |to: &talentflyt_store::StaffAddress| {
        plain_message(
            &to.0,
            "Innstilling / Recommendation".into(),
            format!("Hei, {}.", to.1),
        )
        .email
    };
    let mut made = 0;
    for (elsewhere, posting) in recent {
        if *elsewhere || made == 2 {
            break;
        }
        let view = store.applicant_view(*posting).await?;
        let chosen: Vec<i64> = view
            .applicants()
            .iter()
            .filter(|a| !a.phase.is_final())
            .take(3)
            .map(|a| a.id)
            .collect();
        if chosen.len() < 3 {
            continue;
        }
        let reader = talentflyt_store::Reader::user(leder.id, "demo");
        let interview = view
            .stages
            .iter()
            .find(|s| s.phase == Phase::Interview)
            .map(|s| s.position);
        if let Some(stage) = interview {
            store
                .move_applications(
                    &reader,
                    leder.id,
                    &talentflyt_store::MoveRequest {
                        posting_id: *posting,
                        application_ids: &chosen,
                        target: talentflyt_domain::pipeline::Target::Stage(stage),
                        reason: "Innkalt til intervju",
                    },
                    None,
                )
                .await?;
        }
        let p = store.posting(*posting).await?;
        let profile = p.content().requirements.clone();
        let all: Vec<u32> = (1..=profile.len() as u32).collect();
        let desired: Vec<u32> = profile
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.required)
            .map(|(i, _)| i as u32 + 1)
            .collect();
        let raw = [
            RawEntry {
                application_id: chosen[1],
                rank: "1".into(),
                right: String::new(),
                meets: all.clone(),
                reason: "Oppfyller alle kravene. Lang erfaring fra tilsvarende avdeling og svært gode referanser. Ga gode, konkrete svar i intervjuet.".into(),
            },
            RawEntry {
                application_id: chosen[0],
                rank: "2".into(),
                right: String::new(),
                meets: all.clone(),
                reason: "Oppfyller alle kravene. Noe kortere erfaring enn nr. 1, men god faglig forståelse og motivasjon.".into(),
            },
            RawEntry {
                application_id: chosen[2],
                rank: String::new(),
                right: String::new(),
                reason: if desired.len() < all.len() {
                    "Har relevant erfaring, men mangler norsk autorisasjon, som er et krav i utlysningen."
                } else {
                    "Kvalifisert, men de to rangerte har mer relevant erfaring og ga bedre svar i intervjuet."
                }
                .into(),
                meets: desired,
            },
        ];
        let checked = check(
            &profile,
            "Tre kandidater ble intervjuet av leder og en tillitsvalgt. Rangeringen bygger på kravene i utlysningen, intervjuene og referansene.",
            &raw,
            true,
        )
        .map_err(|p| anyhow::anyhow!("the demo's innstilling: {p:?}"))?;
        store
            .save_recommendation(
                &reader,
                leder.id,
                &talentflyt_store::SaveRecommendation {
                    posting_id: *posting,
                    ad_version: p.version,
                    checked: &checked,
                    submit: true,
                    seen: 0,
                },
                Authority::Hr,
                &mail,
            )
            .await?
            .map_err(|r| anyhow::anyhow!("the demo's innstilling: {r:?}"))?;
        if made == 0 {
            store
                .decide_recommendation(hr, *posting, Decision::Sign, "Godkjent.", &mail)
                .await?
                .map_err(|r| anyhow::anyhow!("the demo's signature: {r:?}"))?;
            hire(store, &p, chosen[1], leder.id, hr, today).await?;
        }
        made += 1;
    }
    Ok(())
}

/// The offer to the first in a signed innstilling (R13): proposed by the manager, approved by
/// HR, accepted by the candidate, which makes the hire (an employee record, the hand-off to
/// onboarding) and, once every position is filled, the final answer to the rest.
async fn hire(
    store: &Store,
    p: &talentflyt_store::Posting,
    application: i64,
    leder: i64,
    hr: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use talentflyt_domain::offer::{check, RawTerms};
    let terms = check(
        &RawTerms {
            position_nb: p.title.clone(),
            position_en: p.title_en.clone(),
            fte_percent: p.extent_percent.to_string(),
            start_date: (today + Days::new(45)).to_string(),
            salary: "615000".into(),
            salary_note: "Lønnstrinn 54".into(),
            engagement: "permanent".into(),
            answer_by: (today + Days::new(7)).to_string(),
            note: "Prøvetiden er seks måneder.".into(),
            ..RawTerms::default()
        },
        today,
    )
    .map_err(|e| anyhow::anyhow!("the demo's offer: {e:?}"))?;
    let reader = talentflyt_store::Reader::user(leder, "demo");
    let offer = store
        .propose_offer(&reader, leder, p.id, application, &terms, &|to| {
            plain_message(
                &to.0,
                "Tilbud til godkjenning".into(),
                format!("Hei, {}.", to.1),
            )
            .email
        })
        .await?
        .map_err(|r| anyhow::anyhow!("the demo's offer: {r:?}"))?;
    let title = p.title.clone();
    store
        .approve_offer(
            &talentflyt_store::Reader::user(hr, "demo"),
            hr,
            offer,
            &|r| {
                plain_message(
                    r.email,
                    format!("Tilbud om stilling: {title}"),
                    format!("Hei, {}. Vi har gleden av å tilby deg stillingen {title}. Svar på Min side.", r.name),
                )
            },
        )
        .await?
        .map_err(|r| anyhow::anyhow!("the demo's approval: {r:?}"))?;
    let cid = store.application_candidate_id(application).await?;
    store
        .answer_offer(
            cid,
            application,
            true,
            today,
            "demo",
            &|to, _| {
                plain_message(
                    &to.0,
                    "Tilbudet er akseptert".into(),
                    format!("Hei, {}.", to.1),
                )
                .email
            },
            &|r| {
                plain_message(
                    r.email,
                    format!("Svar på søknaden din: {title}"),
                    format!(
                        "Hei, {}. Stillingen {title} er nå besatt. Takk for at du søkte.",
                        r.name
                    ),
                )
            },
        )
        .await?
        .map_err(|r| anyhow::anyhow!("the demo's answer: {r:?}"))?;
    Ok(())
}

/// One anonymous survey answer (R14) for a candidate given a final answer on a posting of the
/// unit at `unit_path`: those hired are happier, and a few write a comment.
fn survey_answer(
    rng: &mut StdRng,
    unit_path: &str,
    outcome: &str,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Vec<Val> {
    const COMMENTS: [&str; 6] = [
        "Ryddig prosess og god informasjon underveis.",
        "Det tok lang tid før jeg fikk svar.",
        "Hyggelig intervju, og jeg ble tatt godt imot.",
        "Jeg skulle gjerne fått en begrunnelse for avslaget.",
        "Enkelt å søke, og jeg fikk svar raskt.",
        "Uklart hvem jeg kunne kontakte med spørsmål.",
    ];
    let unit: i64 = unit_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(1);
    let month = (deadline + Days::new(rng.gen_range(7..40)))
        .min(today)
        .format("%Y-%m")
        .to_string();
    let hired = outcome == "hired";
    let nps: i64 = if hired {
        rng.gen_range(7..=10)
    } else {
        rng.gen_range(2..=10)
    };
    let scale = |rng: &mut StdRng| -> i64 {
        if hired {
            rng.gen_range(3..=5)
        } else {
            rng.gen_range(1..=5)
        }
    };
    let comment = if rng.gen_bool(0.3) {
        COMMENTS[rng.gen_range(0..COMMENTS.len())]
    } else {
        ""
    };
    vec![
        Val::I(unit),
        Val::S(outcome.into()),
        Val::S(month),
        Val::I(nps),
        Val::I(scale(rng)),
        Val::I(scale(rng)),
        Val::I(scale(rng)),
        Val::S(comment.into()),
    ]
}

/// HR's refusal of a request not to be named, as the demo writes it.
fn refusal_message(
    r: &talentflyt_store::Recipient,
    title: &str,
    by: Option<NaiveDate>,
) -> talentflyt_store::Written {
    plain_message(
        r.email,
        format!("Anmodningen om ikke å bli oppført er avslått: {title}"),
        format!(
            "Hei, {}. Vi kan ikke ta anmodningen din om ikke å bli oppført på søkerlisten til følge. Du kan trekke søknaden eller godta å stå på listen på Min side innen {}.",
            r.name,
            by.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default()
        ),
    )
}

fn choose_time_message(r: &talentflyt_store::Recipient, title: &str) -> talentflyt_store::Written {
    plain_message(
        r.email,
        format!("Velg tid for intervju: {title}"),
        format!(
            "Hei, {}. Vi vil gjerne møte deg til intervju. Velg en tid som passer deg på Min side.",
            r.name
        ),
    )
}

/// The demo candidate (`DEMO_CANDIDATE`) at the interview on the committee's posting, so Min
/// side shows a time to choose and a consent to give: asked to choose an interview time, and
/// consented to two referees: one was sent the form and answered, the other waits for the staff
/// to send it.
async fn candidate_at_interview(store: &Store, posting: i64) -> anyhow::Result<()> {
    use talentflyt_domain::application::{ApplicationInput, Referee};
    let Some(leder) = store.user_by_username("leder").await? else {
        return Ok(());
    };
    let referee = |name: &str, relation: &str, email: &str| Referee {
        name: name.into(),
        relation: relation.into(),
        phone: "+47 22 11 88 00".into(),
        email: email.into(),
    };
    let form = ApplicationInput {
        given_name: "Kari".into(),
        family_name: "Demo".into(),
        email: DEMO_CANDIDATE.into(),
        phone: "+47 912 34 567".into(),
        current_title: "Helsesekretær".into(),
        current_employer: "Bærum sykehus".into(),
        referees: vec![
            referee(
                "Rita Referanse",
                "Nærmeste leder",
                "rita.referanse@example.no",
            ),
            referee("Ola Kollega", "Kollega", "ola.kollega@example.no"),
        ],
        norwegian_level: "native".into(),
        ..Default::default()
    };
    let p = store.posting(posting).await?;
    let pdf = tiny_pdf("CV - Kari Demo");
    let id = store
        .submit_application(
            &NewApplication {
                posting_id: posting,
                given_name: "Kari",
                family_name: "Demo",
                email: DEMO_CANDIDATE,
                source: "career_site",
                files: vec![NewFile {
                    kind: "cv",
                    filename: "CV Kari Demo.pdf",
                    content_type: "application/pdf",
                    bytes: &pdf,
                }],
                ip: "demo",
                submission_key: None,
                lang: "nb",
                form: Some(&form),
                answers: &[],
                equality: None,
                talent_pool_until: None,
            },
            &plain_message(
                DEMO_CANDIDATE,
                format!("Vi har mottatt søknaden din: {}", p.title),
                format!("Takk for søknaden din på stillingen «{}».", p.title),
            )
            .email,
        )
        .await?;
    let reader = talentflyt_store::Reader::user(leder.id, "demo");
    if let Some(stage) = store
        .posting_stages(posting)
        .await?
        .into_iter()
        .find(|s| s.phase == Phase::Interview)
    {
        store
            .move_applications(
                &reader,
                leder.id,
                &talentflyt_store::MoveRequest {
                    posting_id: posting,
                    application_ids: &[id],
                    target: talentflyt_domain::pipeline::Target::Stage(stage.position),
                    reason: "Innkalt til intervju",
                },
                None,
            )
            .await?;
    }
    store
        .invite_to_choose(&reader, leder.id, posting, &[id], &|r| {
            choose_time_message(r, &p.title)
        })
        .await?;
    let asked = store
        .ask_reference_consent(&reader, leder.id, id, &|r, names| {
            plain_message(
                r.email,
                format!("Samtykke til å kontakte referanser: {}", p.title),
                format!(
                    "Hei, {}. Vi vil gjerne kontakte referansene dine: {}. Svar på Min side.",
                    r.name,
                    names.join(", ")
                ),
            )
        })
        .await?;
    if asked.is_err() {
        return Ok(());
    }
    let checks = store.reference_checks(id).await?;
    let (Some(rita), cid) = (checks.first(), store.application_candidate_id(id).await?) else {
        return Ok(());
    };
    let all: Vec<i64> = checks.iter().map(|c| c.id).collect();
    store
        .answer_reference_consent(cid, id, &all, "demo")
        .await?;
    // Rita was sent the form and answered; Ola waits for the staff to send it (and the
    // candidate may still take the consent back).
    let token_hash = talentflyt_store::secret_hash(&format!("demo-{}", rand::random::<u64>()));
    let t = talentflyt_store::now();
    let mail = plain_message(
        &rita.referee_email,
        "Referanse for Kari Demo / Reference for Kari Demo".into(),
        "Hei. Kari Demo har gitt oss lov til å kontakte deg som referanse.".into(),
    )
    .email;
    store
        .request_reference(
            &reader,
            leder.id,
            id,
            &talentflyt_store::ReferenceRequest {
                check_id: rita.id,
                token_hash: &token_hash,
                expires_at: t + talentflyt_domain::reference::LINK_DAYS * 86_400,
                email: &mail,
                now: t,
            },
        )
        .await?;
    let answers = talentflyt_domain::reference::Answers(
        [
            ("relation", "Nærmeste leder ved poliklinikken, 2019–2025"),
            (
                "duties",
                "Timebestilling, journalføring og mottak av pasienter",
            ),
            ("competence", "5"),
            ("cooperation", "4"),
            ("reliability", "5"),
            ("rehire", "yes"),
            ("strengths", "Ryddig, rolig og god med pasienter"),
            ("development", "Kan ta mer ansvar for opplæring av nye"),
            ("other", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    );
    store
        .answer_reference(&token_hash, &answers, t, "demo")
        .await?;
    Ok(())
}

/// One assessor's card on `app`, sent in: each criterion scored around `level` (1–5), the
/// recommendation that follows from the weighted score, and a reason from a short list.
pub async fn send_in_card(
    store: &Store,
    rng: &mut StdRng,
    crit: &[talentflyt_domain::scorecard::Criterion],
    app: i64,
    uid: i64,
    level: u8,
) -> anyhow::Result<()> {
    use talentflyt_domain::scorecard::{check, weighted, RawCard};
    const NOTES: [&str; 6] = [
        "Godt forberedt, og svarte konkret med eksempler fra egen praksis.",
        "Faglig sterk, men lite erfaring med å veilede andre.",
        "Trygg i samtalen om prioritering i en travel vakt.",
        "Har relevant erfaring, men svarene var noe generelle.",
        "Viste god forståelse for pasientsikkerhet og samarbeid.",
        "Usikker på flere av de faglige spørsmålene.",
    ];
    let scores: Vec<(u32, u8)> = crit
        .iter()
        .map(|c| {
            let s = i16::from(level) + rng.gen_range(-1..=1);
            (c.item, s.clamp(1, 5) as u8)
        })
        .collect();
    let w = weighted(
        crit.iter()
            .zip(&scores)
            .map(|(c, (_, s))| (c.weight, Some(*s))),
    )
    .unwrap_or(f64::from(level));
    let recommendation = match w {
        x if x >= 4.3 => "strong_yes",
        x if x >= 3.0 => "yes",
        x if x >= 2.0 => "no",
        _ => "strong_no",
    };
    let raw = RawCard {
        scores: scores
            .iter()
            .map(|(item, s)| (*item, s.to_string(), String::new()))
            .collect(),
        recommendation: recommendation.into(),
        note: NOTES.choose(rng).copied().unwrap_or_default().into(),
    };
    let card =
        check(crit, &raw, true).map_err(|e| anyhow::anyhow!("demo scorecard refused: {e:?}"))?;
    store
        .save_scorecard(
            &talentflyt_store::Reader::user(uid, "demo"),
            app,
            uid,
            crit,
            &card,
            true,
        )
        .await?
        .map_err(|key| anyhow::anyhow!("demo scorecard refused: {key}"))?;
    Ok(())
}

/// Job titles on the applicant lists.
const TITLES: [&str; 6] = [
    "Sykepleier",
    "Spesialsykepleier",
    "Lege i spesialisering",
    "Helsefagarbeider",
    "Student",
    "Fagkonsulent",
];

/// Why some applicants ask not to be named on the public list.
const EXEMPTION_REASONS: [&str; 4] = [
    "Arbeidsgiveren min vet ikke at jeg søker, og det kan skade arbeidsforholdet.",
    "Jeg er i en permisjon som jeg ikke vil skal bli kjent før jeg vet om jeg får stillingen.",
    "Jeg har et tillitsverv og søker i det stille.",
    "Av personlige grunner ønsker jeg ikke at søknaden blir kjent.",
];

/// The demo candidate for Min side: two applications in the full form, one with a refused
/// request not to be on the public applicant list, waiting for the candidate's answer.
pub const DEMO_CANDIDATE: &str = "kari.demo@example.no";

async fn portal_candidate(store: &Store, today: NaiveDate) -> anyhow::Result<()> {
    use talentflyt_domain::application::{ApplicationInput, Education, Work};
    let open = store.open_postings(&today.to_string()).await?;
    let hr = store.user_by_username("hr").await?.context("no hr user")?;
    for (i, p) in open.iter().take(2).enumerate() {
        let form = ApplicationInput {
            given_name: "Kari".into(),
            family_name: "Demo".into(),
            email: DEMO_CANDIDATE.into(),
            phone: "+47 912 34 567".into(),
            birth_date: "1990-05-17".into(),
            municipality: "Bærum".into(),
            current_title: "Sykepleier".into(),
            current_employer: "Bærum sykehus".into(),
            education: vec![Education {
                institution: "OsloMet".into(),
                degree: "Bachelor i sykepleie".into(),
                from_year: "2010".into(),
                to_year: "2013".into(),
            }],
            work: vec![Work {
                employer: "Bærum sykehus".into(),
                title: "Sykepleier".into(),
                from_year: "2013".into(),
                to_year: String::new(),
            }],
            norwegian_level: "native".into(),
            cover_letter: "Jeg søker fordi jeg vil jobbe i et faglig sterkt miljø.".into(),
            exemption: i == 0,
            exemption_reason: if i == 0 {
                "Arbeidsgiveren min vet ikke at jeg søker.".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        let pdf = tiny_pdf("CV - Kari Demo");
        let receipt = talentflyt_store::OutgoingEmail {
            to: DEMO_CANDIDATE.into(),
            subject: format!("Vi har mottatt søknaden din: {}", p.title),
            text: format!("Takk for søknaden din på stillingen «{}».", p.title),
            html: format!("<p>Takk for søknaden din på stillingen «{}».</p>", p.title),
            template: "application_received.nb".into(),
            list_unsubscribe: None,
            calendar: None,
        };
        let id = store
            .submit_application(
                &NewApplication {
                    posting_id: p.id,
                    given_name: "Kari",
                    family_name: "Demo",
                    email: DEMO_CANDIDATE,
                    source: "career_site",
                    files: vec![NewFile {
                        kind: "cv",
                        filename: "CV Kari Demo.pdf",
                        content_type: "application/pdf",
                        bytes: &pdf,
                    }],
                    ip: "demo",
                    submission_key: None,
                    lang: "nb",
                    form: Some(&form),
                    answers: &[],
                    equality: None,
                    talent_pool_until: None,
                },
                &receipt,
            )
            .await?;
        if i == 0 {
            let title = p.title.clone();
            store
                .decide_exemption(
                    &talentflyt_store::Reader::user(hr.id, "demo"),
                    hr.id,
                    id,
                    talentflyt_store::ExemptionDecision {
                        granted: false,
                        rationale: "Stillingen er en lederstilling med stor offentlig interesse, og vi finner ikke at grunnene veier tyngre.",
                        today,
                    },
                    &|r, by| refusal_message(r, &title, by),
                )
                .await?
                .map_err(|why| anyhow::anyhow!("the demo's exemption: {why:?}"))?;
        }
    }
    Ok(())
}

/// The career site beyond the ads: every clinic's page with a "why work here" text, the demo
/// employee's and manager's ambassador codes, and a talent pool of confirmed job alerts.
async fn career_site(store: &Store, rng: &mut StdRng, today: NaiveDate) -> anyhow::Result<()> {
    let (Some(hr), units) = (
        store.user_by_username("hr").await?,
        store.all_units().await?,
    ) else {
        return Ok(());
    };
    for c in CLINICS {
        let Some(u) = units.iter().find(|u| u.code == c.code) else {
            continue;
        };
        let edit = talentflyt_store::ClinicProfileEdit {
            why_nb: format!(
                "{} har fagmiljøer som hører til de beste i landet, og du får kolleger som deler det de kan. \
                 Vi satser på opplæring, videreutdanning og faste stillinger med turnus du kan planlegge livet etter.\n\n\
                 Du jobber på {} med pasienter fra hele landet, og du får være med på å utvikle behandlingen.",
                c.name_nb, c.site
            ),
            why_en: format!(
                "{} has some of the leading clinical teams in the country, and colleagues who share what they know. \
                 We invest in training, further education and permanent positions with rotas you can plan your life around.\n\n\
                 You work at {} with patients from all over Norway, and you help develop their treatment.",
                c.name_en, c.site
            ),
            ..Default::default()
        };
        store.save_clinic_profile(u.id, &edit, hr.id).await?;
    }
    for (username, code) in [("ansatt", "ansatt"), ("leder", "leder")] {
        if let Some(u) = store.user_by_username(username).await? {
            store.set_ambassador_code(u.id, code).await?;
        }
    }
    // A talent pool: people who follow a profession, some of them a clinic too.
    let until = (today + Days::new(300)).format("%Y-%m-%d").to_string();
    let n = 400;
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let prof = weighted(rng, PROFESSIONS, |p| p.weight);
        let clinic = if rng.gen_bool(0.3) {
            CLINICS.choose(rng).map(|c| c.code).unwrap_or("")
        } else {
            ""
        };
        let targets = if rng.gen_bool(0.15) {
            "students,new_graduates"
        } else {
            ""
        };
        rows.push(vec![
            Val::S(
                (0..24)
                    .map(|_| format!("{:02x}", rng.gen::<u8>()))
                    .collect(),
            ),
            Val::S(format!("jobbsoker{i}@example.no")),
            Val::S(if rng.gen_bool(0.85) { "nb" } else { "en" }.into()),
            Val::S(
                if rng.gen_bool(0.7) {
                    "daily"
                } else {
                    "instant"
                }
                .into(),
            ),
            Val::S(prof.code.into()),
            Val::S(clinic.into()),
            Val::S(String::new()),
            Val::S(targets.into()),
            Val::S("active".into()),
            Val::I(talentflyt_store::now()),
            Val::OptI(Some(talentflyt_store::now())),
            Val::OptS(Some(until.clone())),
        ]);
    }
    store
        .bulk_insert(
            "alert_subscriptions",
            &[
                "token",
                "email",
                "lang",
                "frequency",
                "professions",
                "clinics",
                "places",
                "target_groups",
                "status",
                "created_at",
                "confirmed_at",
                "consent_until",
            ],
            &rows,
        )
        .await?;
    // Ads already out are not news to them.
    store
        .mark_open_ads_sent_to_every_alert(&today.format("%Y-%m-%d").to_string())
        .await?;
    Ok(())
}

/// Requisitions in every state for the demo manager's unit, and a register of preferential rights
/// with a holder who matches them, so a new user sees the path from need to ad at once.
async fn requisitions(
    store: &Store,
    unit_id: i64,
    open_posting: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use talentflyt_domain::preference::{Outcome, RightKind};
    use talentflyt_domain::requisition::{ApprovalPolicy, Decision, Requisition, RequisitionForm};
    let (Some(leder), Some(hr)) = (
        store.user_by_username("leder").await?,
        store.user_by_username("hr").await?,
    ) else {
        return Ok(());
    };
    let start = (today + Days::new(45)).format("%Y-%m-%d").to_string();
    let base = RequisitionForm {
        unit_id: unit_id.to_string(),
        profession: "nurse".into(),
        positions: "1".into(),
        extent_percent: "100".into(),
        engagement: "permanent".into(),
        start_date: start.clone(),
        cost_centre: "4410".into(),
        ..Default::default()
    };
    let part_time = RequisitionForm {
        positions: "2".into(),
        extent_percent: "75".into(),
        part_time_justification:
            "Helgestillinger i turnus: behovet er hver tredje helg, jf. bemanningsplanen for 2027."
                .into(),
        union_discussed_on: (today - Days::new(7)).format("%Y-%m-%d").to_string(),
        ..base.clone()
    };
    let substitute = RequisitionForm {
        engagement: "temporary".into(),
        ground: "b".into(),
        replaces: "Stilling 40213 (foreldrepermisjon)".into(),
        until: (today + Days::new(400)).format("%Y-%m-%d").to_string(),
        ..base.clone()
    };
    let policy = ApprovalPolicy::default();
    let parse = |f: &RequisitionForm| {
        Requisition::parse(f, today).map_err(|e| anyhow::anyhow!("demo requisition: {e:?}"))
    };
    // Waiting for HR.
    store.create_requisition(&parse(&base)?, leder.id).await?;
    // Returned with a comment.
    let id = store
        .create_requisition(&parse(&part_time)?, leder.id)
        .await?;
    store
        .decide_requisition(
            id,
            hr.id,
            &policy,
            Decision::Return,
            "Skriv hvilke vakter deltidsstillingene skal dekke.",
            None,
        )
        .await?;
    // Approved, with the preferential rights to settle.
    let approved = store
        .create_requisition(&parse(&substitute)?, leder.id)
        .await?;
    store
        .decide_requisition(approved, hr.id, &policy, Decision::Approve, "", None)
        .await?;
    // Rejected.
    let id = store.create_requisition(&parse(&base)?, leder.id).await?;
    store
        .decide_requisition(
            id,
            hr.id,
            &policy,
            Decision::Reject,
            "Stillingen er ikke budsjettert i år.",
            None,
        )
        .await?;
    // The register: one §14-2 holder, one §14-3 holder, one whose right has expired.
    let trust = store.unit_by_code("OUS").await?.id;
    for (employee, kind, from, to) in [
        (1, RightKind::Redundancy, 200, 200),
        (2, RightKind::PartTime, 400, 300),
        (3, RightKind::Redundancy, 800, 0),
    ] {
        let to = if to == 0 {
            today - Days::new(30)
        } else {
            today + Days::new(to)
        };
        store
            .add_preference_right(employee, kind, "nurse", trust, today - Days::new(from), to)
            .await?;
    }
    store
        .record_preference_outcome(
            approved,
            2,
            Outcome::Declined,
            Some(today - Days::new(3)),
            hr.id,
        )
        .await?;
    ads(
        store,
        approved,
        open_posting,
        unit_id,
        today,
        leder.id,
        hr.id,
    )
    .await
}

/// Ads along the whole path: one from the approved need, waiting for HR (who cannot publish it
/// until the last preferential right is settled); one from a midwife need in its internal-only
/// period; an open ad edited after publishing (two versions) whose deadline was extended.
async fn ads(
    store: &Store,
    waiting_need: i64,
    open_posting: i64,
    unit_id: i64,
    today: NaiveDate,
    leder: i64,
    hr: i64,
) -> anyhow::Result<()> {
    use talentflyt_domain::ad::{template_for, AdContent, AdFields};
    use talentflyt_domain::posting::{PostingDraft, PublishPlan};
    use talentflyt_domain::requisition::{ApprovalPolicy, Decision, Requisition, RequisitionForm};
    let templates = store.ad_templates().await?;
    let from_need = |id: i64,
                     r: &talentflyt_store::RequisitionRow,
                     unit: &str|
     -> anyhow::Result<PostingDraft> {
        let tpl = template_for(&templates, &r.profession)
            .ok_or_else(|| anyhow::anyhow!("no template for {}", r.profession))?;
        let content = AdContent {
            nb: tpl.nb.text.clone(),
            en: tpl.en.text.clone(),
            requirements: tpl.requirements.clone(),
            contacts: vec![talentflyt_domain::ad::Contact {
                name: "Lise Leder".into(),
                title: "Seksjonsleder".into(),
                phone: "+47 23 07 00 00".into(),
                email: String::new(),
            }],
        };
        let title = format!("{} – {unit}", tpl.nb.title);
        Ok(PostingDraft {
            body: content.plain_nb(&title),
            title,
            title_en: format!("{} – {unit}", tpl.en.title),
            content,
            fields: AdFields {
                work_place: "Rikshospitalet".into(),
                start_date: NaiveDate::parse_from_str(&r.start_date, "%Y-%m-%d").ok(),
                salary_text: "Etter avtale".into(),
                target_groups: tpl.target_groups.clone(),
                competence_areas: tpl.competence_areas.clone(),
            },
            unit_id: r.unit_id,
            profession: r.profession.clone(),
            engagement: r.engagement,
            extent_percent: r.extent_percent,
            positions: r.positions,
            deadline: today + Days::new(21),
            requisition_id: Some(id),
        })
    };
    // 1. Written from the approved need and sent to HR.
    let r = store.requisition(waiting_need).await?;
    let unit = store.unit(r.unit_id).await?.name_nb;
    let id = store
        .create_posting(&from_need(waiting_need, &r, &unit)?, Some(leder))
        .await?;
    store.request_posting_approval(id, leder).await?;
    // 2. A midwife need, approved, its ad out internally for four days first.
    let need = RequisitionForm {
        unit_id: unit_id.to_string(),
        profession: "midwife".into(),
        positions: "1".into(),
        extent_percent: "100".into(),
        engagement: "permanent".into(),
        start_date: (today + Days::new(60)).format("%Y-%m-%d").to_string(),
        cost_centre: "4410".into(),
        ..Default::default()
    };
    let need =
        Requisition::parse(&need, today).map_err(|e| anyhow::anyhow!("demo requisition: {e:?}"))?;
    let rid = store.create_requisition(&need, leder).await?;
    store
        .decide_requisition(
            rid,
            hr,
            &ApprovalPolicy::default(),
            Decision::Approve,
            "",
            None,
        )
        .await?;
    let r = store.requisition(rid).await?;
    let unit = store.unit(r.unit_id).await?.name_nb;
    let id = store
        .create_posting(&from_need(rid, &r, &unit)?, Some(leder))
        .await?;
    let plan = PublishPlan {
        publish_on: today,
        internal_until: Some(today + Days::new(4)),
    };
    store.approve_posting(id, plan, Some(hr), today).await?;
    // 3. An open ad, corrected after publishing, with a week more to apply.
    let p = store.posting(open_posting).await?;
    let mut d = p.draft();
    d.fields.salary_text = "Lønnstrinn etter ansiennitet".into();
    store.update_posting(open_posting, &d, hr).await?;
    if let Some(deadline) = p.deadline_date() {
        store
            .extend_deadline(open_posting, deadline + Days::new(7), hr, today)
            .await?;
    }
    Ok(())
}

/// The words the generated ads are made of (titles and texts, bokmål), lower case, five letters
/// or more, sorted: what a visitor searching the demo's career site would type.
pub fn search_vocabulary() -> Vec<String> {
    let mut texts: Vec<&str> = vec!["Vikariat stillinger"];
    for c in CLINICS {
        texts.extend([c.name_nb, c.site]);
        for d in c.departments {
            texts.push(d.name_nb);
            texts.extend(d.sections.iter().map(|s| s.0));
        }
    }
    for p in PROFESSIONS {
        texts.extend([p.name_nb, p.ad_intro_nb]);
        texts.extend(p.requirements_nb.iter().copied());
    }
    texts.extend(WE_OFFER_NB.iter().copied());
    let mut words: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 5 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

impl DemoSummary {
    /// The one-line summary printed at the end.
    pub fn line(&self) -> String {
        let years = if self.years == 1 {
            "1 year".to_owned()
        } else {
            format!("{} years", self.years)
        };
        format!(
            "Demo ready: {years} of history, {} clinics, {} org units, {} employees, {} postings ({} open, {} closed), {} positions, {} applications in {:.1} s.",
            self.clinics,
            self.units,
            self.employees,
            self.postings,
            self.open_postings,
            self.closed_postings,
            self.positions,
            self.applications,
            self.seconds
        )
    }
}

/// The rest of the form for the applications to open postings: details, screening answers,
/// and a self-declaration from about six in ten, kept in its own table.
#[derive(Default)]
struct FormRows {
    details: Vec<Vec<Val>>,
    answers: Vec<Vec<Val>>,
    equality: Vec<Vec<Val>>,
}

impl FormRows {
    /// The details part of the form (what the public applicant list shows comes from it).
    /// Returns the years of experience it implies.
    fn add_details(
        &mut self,
        rng: &mut StdRng,
        app_id: i64,
        today: NaiveDate,
        female: bool,
    ) -> i32 {
        let born = today.year() - rng.gen_range(22..62);
        let from = (born + rng.gen_range(19..24)).min(today.year());
        let years = (today.year() - from - 3).max(0);
        let municipality = MUNICIPALITIES.choose(rng).copied().unwrap_or("Oslo");
        let education = format!(
            r#"[{{"institution":"OsloMet","degree":"Bachelor","from_year":"{from}","to_year":"{}"}}]"#,
            from + 3
        );
        self.details.push(vec![
            Val::I(app_id),
            Val::S(format!("+47 9{:07}", rng.gen_range(0..10_000_000))),
            Val::S(format!(
                "{born}-{:02}-{:02}",
                rng.gen_range(1..13),
                rng.gen_range(1..29)
            )),
            Val::S(municipality.into()),
            Val::S(education),
            Val::S(if rng.gen_bool(0.85) { "native" } else { "b2" }.into()),
            Val::S("Jeg søker fordi jeg vil bidra i et faglig sterkt miljø.".into()),
            Val::S(TITLES.choose(rng).copied().unwrap_or("Sykepleier").into()),
            Val::S(
                if rng.gen_bool(0.04) {
                    ""
                } else if female {
                    "woman"
                } else {
                    "man"
                }
                .into(),
            ),
        ]);
        years
    }

    /// The answers to the two screening questions (ids 2p-1 and 2p): authorisation, and years
    /// of experience; "no" and under one rule the applicant out.
    fn answer_screening(&mut self, app_id: i64, posting_id: i64, authorised: bool, years: i64) {
        let (nb, en) = if authorised {
            ("Ja", "Yes")
        } else {
            ("Nei", "No")
        };
        for (pos, qid, q_nb, q_en, a_nb, a_en, out) in [
            (
                0,
                2 * posting_id - 1,
                "Har du norsk autorisasjon for yrket?",
                "Are you authorised in Norway for the profession?",
                nb.to_owned(),
                en.to_owned(),
                !authorised,
            ),
            (
                1,
                2 * posting_id,
                "Hvor mange års relevant erfaring har du?",
                "How many years of relevant experience do you have?",
                years.to_string(),
                years.to_string(),
                years < 1,
            ),
        ] {
            self.answers.push(vec![
                Val::I(app_id),
                Val::I(pos),
                Val::I(qid),
                Val::S(q_nb.into()),
                Val::S(q_en.into()),
                Val::S(a_nb),
                Val::S(a_en),
                Val::I(out as i64),
            ]);
        }
    }

    /// The screening answers and, from about six in ten, a self-declaration, for an application
    /// to a closed posting (the inclusion check counts them). Made-up rates of the order the
    /// owner's 5 % target assumes: a few per cent declare a disability or a CV gap. The hired were not ruled out by a
    /// screening answer. Returns whether the applicant declared and was qualified.
    fn add_screening(
        &mut self,
        rng: &mut StdRng,
        app_id: i64,
        posting_id: i64,
        at: i64,
        hired: bool,
    ) -> bool {
        let authorised = hired || rng.gen_bool(0.92);
        let years: i64 = if hired {
            rng.gen_range(1..25)
        } else {
            rng.gen_range(0..25)
        };
        self.answer_screening(app_id, posting_id, authorised, years);
        let qualified = authorised && years >= 1;
        if !rng.gen_bool(0.6) {
            return false;
        }
        let yes = |rng: &mut StdRng, p: f64| {
            if rng.gen_bool(0.1) {
                ""
            } else if rng.gen_bool(p) {
                "yes"
            } else {
                "no"
            }
        };
        let gender = *["woman", "woman", "woman", "man", "man", "other", ""]
            .choose(rng)
            .unwrap_or(&"");
        let disability = yes(rng, 0.05);
        let cv_gap = yes(rng, 0.07);
        self.equality.push(vec![
            Val::I(app_id),
            Val::I(posting_id),
            Val::S(gender.into()),
            Val::S(disability.into()),
            Val::S(cv_gap.into()),
            Val::I(at),
        ]);
        qualified && (disability == "yes" || cv_gap == "yes")
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        rng: &mut StdRng,
        app_id: i64,
        posting_id: i64,
        at: i64,
        today: NaiveDate,
        female: bool,
    ) {
        let years = self.add_details(rng, app_id, today, female);
        let authorised = rng.gen_bool(0.9);
        self.answer_screening(app_id, posting_id, authorised, years.into());
        if rng.gen_bool(0.6) {
            let pick =
                |rng: &mut StdRng, v: &[&str]| v.choose(rng).copied().unwrap_or("").to_owned();
            self.equality.push(vec![
                Val::I(app_id),
                Val::I(posting_id),
                Val::S(pick(rng, &["woman", "woman", "man", "other", ""])),
                Val::S(pick(rng, &["no", "no", "no", "no", "yes", ""])),
                Val::S(pick(rng, &["no", "no", "no", "yes", ""])),
                Val::I(at),
            ]);
        }
    }

    async fn flush(&mut self, store: &Store) -> anyhow::Result<()> {
        store
            .bulk_insert(
                "application_details",
                &[
                    "application_id",
                    "phone",
                    "birth_date",
                    "municipality",
                    "education",
                    "norwegian_level",
                    "cover_letter",
                    "current_title",
                    "gender",
                ],
                &self.details,
            )
            .await?;
        store
            .bulk_insert(
                "application_answers",
                &[
                    "application_id",
                    "position",
                    "question_id",
                    "question_nb",
                    "question_en",
                    "answer_nb",
                    "answer_en",
                    "knocked_out",
                ],
                &self.answers,
            )
            .await?;
        store
            .bulk_insert(
                "equality_declarations",
                &[
                    "application_id",
                    "posting_id",
                    "gender",
                    "disability",
                    "cv_gap",
                    "created_at",
                ],
                &self.equality,
            )
            .await?;
        self.details.clear();
        self.answers.clear();
        self.equality.clear();
        Ok(())
    }
}

async fn flush_apps(
    store: &Store,
    cands: &mut Vec<Vec<Val>>,
    apps: &mut Vec<Vec<Val>>,
    docs: &mut Vec<Vec<Val>>,
) -> anyhow::Result<()> {
    store
        .bulk_insert(
            "candidates",
            &[
                "id",
                "email",
                "email_key",
                "given_name",
                "family_name",
                "created_at",
            ],
            cands,
        )
        .await?;
    store
        .bulk_insert(
            "applications",
            &[
                "id",
                "posting_id",
                "candidate_id",
                "phase",
                "source",
                "submitted_at",
                "updated_at",
                "stage_since",
                "exemption_requested",
                "exemption_reason",
            ],
            apps,
        )
        .await?;
    store
        .bulk_insert(
            "documents",
            &[
                "application_id",
                "kind",
                "filename",
                "content_type",
                "size_bytes",
                "sha256",
                "content",
                "created_at",
                "text",
            ],
            docs,
        )
        .await?;
    // The back-office search: the person and the CV's text, as the index_documents job would
    // have written them.
    let cv_texts: std::collections::HashMap<i64, &str> = docs
        .iter()
        .filter_map(|d| match (&d[0], &d[8]) {
            (Val::I(app), Val::S(text)) => Some((*app, text.as_str())),
            _ => None,
        })
        .collect();
    let search_rows: Vec<Vec<Val>> = apps
        .iter()
        .zip(cands.iter())
        .filter_map(|(a, c)| match (&a[0], &c[1], &c[3], &c[4]) {
            (Val::I(id), Val::S(email), Val::S(given), Val::S(family)) => Some(vec![
                Val::I(*id),
                Val::S(format!(
                    "{given} {family} {}\n{}",
                    email.replace(['@', '.'], " "),
                    cv_texts.get(id).copied().unwrap_or("")
                )),
            ]),
            _ => None,
        })
        .collect();
    let search_cols: &[&'static str] = match store.backend() {
        talentflyt_store::Backend::Sqlite => &["rowid", "body"],
        talentflyt_store::Backend::Postgres => &["application_id", "body"],
    };
    store
        .bulk_insert("application_search", search_cols, &search_rows)
        .await?;
    cands.clear();
    apps.clear();
    docs.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_cvs_have_text_the_search_can_read() {
        let text = talentflyt_jobs::documents::text_of(
            "application/pdf",
            &tiny_pdf("CV - Kari Nordmann - Intensivsykepleier"),
        );
        assert!(
            text.contains("CV - Kari Nordmann - Intensivsykepleier"),
            "{text:?}"
        );
    }

    #[test]
    fn the_generated_pdf_passes_the_upload_check() {
        let pdf = tiny_pdf("CV - Åse Ødegård");
        assert!(talentflyt_domain::upload::sniff_cv(&pdf, 1 << 20).is_ok());
    }

    #[test]
    fn the_demo_professions_are_the_domain_catalogue() {
        assert_eq!(
            PROFESSIONS.len(),
            talentflyt_domain::profession::PROFESSIONS.len()
        );
        for p in PROFESSIONS {
            let d = talentflyt_domain::profession::find(p.code).expect(p.code);
            assert_eq!(
                (d.name_nb, d.name_en, d.vulnerable),
                (p.name_nb, p.name_en, p.vulnerable)
            );
        }
    }

    #[test]
    fn e_mail_local_parts_are_ascii() {
        assert_eq!(ascii_local("Ødegård-Åsen"), "odegardasen");
    }
}
