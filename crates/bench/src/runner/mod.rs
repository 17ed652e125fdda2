//! `alliance-bench run`: a fresh database seeded with `alliance seed --synthetic N`
//! (timed), `alliance migrate` and `alliance serve` timed on it, Alliance and the floor
//! started as child processes, the two dashboards compared, then every scenario at
//! every concurrency measured with wrk, and the results printed as Markdown and written
//! as JSON.

mod args;
mod client;
mod database;
mod items;
mod process;
mod report;
mod scenarios;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::Command;

use alliance_store::Store;
use anyhow::{Context, bail};
use secrecy::SecretString;

pub use args::{Backend, RunArgs, Scenario, Seed};
pub use report::{Machine, Probe, Results, Run, Writes};

use database::Database;
use process::Server;

/// Runs the suite as `args` say.
pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let alliance = alliance_binary(&args)?;
    if !args.no_wrk {
        check_wrk(&args.wrk)?;
    }
    let temp = tempfile::tempdir().context("creating a temporary directory")?;
    let dir = match &args.work_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            dir.clone()
        }
        None => temp.path().to_owned(),
    };
    let database = Database::create(args.backend, &dir, &args.postgres_url).await?;
    eprintln!("alliance-bench: database {}", database.url);
    let measured = measure(&args, &alliance, &dir, &database).await;
    if args.keep {
        eprintln!("alliance-bench: kept {}", database.url);
    } else {
        database.drop().await?;
    }
    let results = measured?;
    print!("{}", results.markdown());
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&results)?)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

/// The `alliance` binary: `--alliance-bin`, or the one built beside this executable.
fn alliance_binary(args: &RunArgs) -> anyhow::Result<PathBuf> {
    if let Some(path) = &args.alliance_bin {
        return Ok(path.clone());
    }
    let me = std::env::current_exe().context("finding this executable")?;
    let beside = me.with_file_name("alliance");
    if beside.is_file() {
        return Ok(beside);
    }
    bail!(
        "no `alliance` binary beside {}: build both with \
         `cargo build --release -p alliance-server -p alliance-bench`, or pass --alliance-bin",
        me.display()
    )
}

fn check_wrk(wrk: &Path) -> anyhow::Result<()> {
    match Command::new(wrk).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => bail!(
            "{} is not installed: `apt-get install wrk` (or pass --no-wrk to only check the \
             floor and the writes)",
            wrk.display()
        ),
    }
}

/// A random HS256 secret shared by Alliance, the floor and the runner's tokens.
fn secret() -> SecretString {
    let text = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    SecretString::from(text)
}

fn alliance_command(alliance: &Path, action: &[&str], url: &str, data: &Path) -> Command {
    let mut command = Command::new(alliance);
    command
        .args(action)
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
        .env_remove("RUST_LOG_FORMAT");
    command
}

async fn measure(
    args: &RunArgs,
    alliance: &Path,
    dir: &Path,
    database: &Database,
) -> anyhow::Result<Results> {
    use secrecy::ExposeSecret;
    let data = dir.join("data");
    let url = database.url.as_str();
    let students = args.students.to_string();
    let seed: Vec<&str> = match args.seed {
        Seed::Synthetic => vec!["seed", "--synthetic", &students],
        Seed::Demo => vec!["seed"],
    };
    eprintln!("alliance-bench: seeding ({})", seed.join(" "));
    let (seeded, said) = process::timed(alliance_command(alliance, &seed, url, &data))?;
    eprint!("{said}");
    let analyzed = database.analyze().await?;
    let (migrated, _) = process::timed(alliance_command(alliance, &["migrate"], url, &data))?;

    let secret = secret();
    let mut serve = alliance_command(
        alliance,
        &["serve", "--listen", "127.0.0.1:0", "--env", "development"],
        url,
        &data,
    );
    serve
        .args([
            "--rate-limit-burst",
            "1000000",
            "--rate-limit-per-second",
            "1000000",
        ])
        .arg("--jwt-secret")
        .arg(secret.expose_secret());
    let alliance_server = Server::start(serve, &dir.join("alliance.log"))?;
    let mut floor = Command::new(std::env::current_exe()?);
    floor
        .args(["floor", "--listen", "127.0.0.1:0", "--database-url", url])
        .arg("--data-dir")
        .arg(&data)
        .arg("--jwt-secret")
        .arg(secret.expose_secret());
    let floor_server = Server::start(floor, &dir.join("floor.log"))?;
    eprintln!(
        "alliance-bench: Alliance on {} (pid {}, started in {:.3} s), the floor on {} (pid {})",
        alliance_server.addr,
        alliance_server.pid(),
        alliance_server.startup.as_secs_f64(),
        floor_server.addr,
        floor_server.pid(),
    );

    let store = Store::connect(url).await.context("connecting the runner")?;
    let bench = scenarios::Bench {
        args,
        dir: dir.to_owned(),
        store,
        client: reqwest::Client::new(),
        alliance: alliance_server,
        floor: floor_server,
        secret,
    };
    let (floor_matches_alliance, dashboard_bytes) = bench.compare_dashboards().await?;
    let (runs, probes) = if args.no_wrk {
        (Vec::new(), bench.probe_writes().await?)
    } else {
        (bench.measure_all().await?, Vec::new())
    };
    Ok(Results {
        backend: format!("{:?}", args.backend).to_lowercase(),
        students: args.students,
        duration_s: args.duration.as_secs_f64(),
        concurrency: args.concurrency.clone(),
        machine: Machine::here(),
        seed_s: seeded.as_secs_f64(),
        analyze_s: analyzed.map(|d| d.as_secs_f64()),
        migrate_s: migrated.as_secs_f64(),
        startup_s: bench.alliance.startup.as_secs_f64(),
        floor_matches_alliance,
        dashboard_bytes,
        runs,
        probes,
    })
}
