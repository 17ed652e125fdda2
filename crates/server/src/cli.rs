//! The command line: `serve`, `migrate`, `seed`, `district create`, `token`, `schema`.

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::process::ExitCode;
use std::time::Duration;

use alliance_domain::validate;
use alliance_graphql::Limits;
use alliance_store::{Store, districts};
use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{Application, Settings};
use crate::config::{DatabaseArgs, JwtArgs};
use crate::limits::{HttpLimits, RateLimit};
use crate::tokens;

/// Alliance: the collaborative alliance around a student, over GraphQL.
#[derive(Parser, Debug)]
#[command(name = "alliance", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the service (migrating the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ALLIANCE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load the demo district (slug `demo`) if it is not there yet.
        #[arg(long, env = "ALLIANCE_DEMO")]
        demo: bool,
        /// `production` turns off introspection, suggestions and GraphiQL, and refuses to
        /// start with a generated development secret.
        #[arg(long = "env", env = "ALLIANCE_ENV", value_enum, default_value_t = Environment::Development)]
        environment: Environment,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        jwt: JwtArgs,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Load the demo district (slug `demo`) if it is not there yet.
    Seed {
        /// Instead, load a synthetic district (slug `synthetic`) of this many students,
        /// with an alliance and its work around each, for benchmarks.
        #[arg(long, value_name = "N")]
        synthetic: Option<usize>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Manage districts.
    District {
        #[command(subcommand)]
        command: DistrictCommand,
    },
    /// Print a development token signed with the configured secret (HS256).
    Token {
        /// The district's slug.
        #[arg(long)]
        district: String,
        /// A role: DISTRICT_ADMIN, SCHOOL_ADMIN, STAFF, FAMILY or ANALYST. Repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The subject (`sub`); a person with this subject is the viewer's person.
        #[arg(long, default_value = "dev-admin")]
        sub: String,
        /// A school id for SCHOOL_ADMIN. Repeatable.
        #[arg(long = "school")]
        schools: Vec<String>,
        /// How long the token is valid (`8h`, `30m`).
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        jwt: JwtArgs,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

/// What one request and one caller may ask of the service.
#[derive(clap::Args, Debug, Clone)]
struct LimitArgs {
    /// Deepest query nesting accepted.
    #[arg(long, env = "ALLIANCE_MAX_DEPTH", default_value_t = Limits::default().depth)]
    max_depth: usize,
    /// Highest query cost accepted: fields, each list counted as many times as the items
    /// it may hold (a connection's `first`/`last`, 100 when not given).
    #[arg(long, env = "ALLIANCE_MAX_COMPLEXITY", default_value_t = Limits::default().complexity)]
    max_complexity: u64,
    /// Most aliased fields in one operation.
    #[arg(long, env = "ALLIANCE_MAX_ALIASES", default_value_t = Limits::default().aliases)]
    max_aliases: u64,
    /// Most root fields in one operation.
    #[arg(long, env = "ALLIANCE_MAX_ROOT_FIELDS", default_value_t = Limits::default().root_fields)]
    max_root_fields: u64,
    /// Most operations in one batched request; 0 (the default) refuses batches.
    #[arg(long, env = "ALLIANCE_MAX_BATCH", default_value_t = HttpLimits::default().max_batch)]
    max_batch: usize,
    /// Most GraphQL requests run at once (default: four per core); the rest wait their
    /// turn within their time limit.
    #[arg(long, env = "ALLIANCE_MAX_RUNNING", default_value_t = HttpLimits::default_max_running())]
    max_running: NonZeroUsize,
    /// Longest a request may run (`15s`, `500ms`).
    #[arg(long, env = "ALLIANCE_REQUEST_TIMEOUT", default_value = "15s", value_parser = humantime::parse_duration)]
    request_timeout: Duration,
    /// Requests one subject may make at once before the steady rate applies.
    #[arg(long, env = "ALLIANCE_RATE_LIMIT_BURST", default_value_t = RateLimit::default().burst)]
    rate_limit_burst: NonZeroU32,
    /// Requests per second one subject may make once its burst is spent.
    #[arg(long, env = "ALLIANCE_RATE_LIMIT_PER_SECOND", default_value_t = RateLimit::default().per_second)]
    rate_limit_per_second: NonZeroU32,
}

impl LimitArgs {
    fn limits(&self, production: bool) -> Limits {
        Limits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            aliases: self.max_aliases,
            root_fields: self.max_root_fields,
            hide_schema: production,
        }
    }

    fn http(&self) -> HttpLimits {
        HttpLimits {
            request_timeout: self.request_timeout,
            rate: RateLimit {
                burst: self.rate_limit_burst,
                per_second: self.rate_limit_per_second,
            },
            max_batch: self.max_batch,
            max_running: self.max_running,
        }
    }
}

/// Where the service runs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Environment {
    /// A laptop: GraphiQL, introspection, a generated secret if none is set.
    Development,
    /// A district's service: none of those.
    Production,
}

#[derive(Subcommand, Debug)]
enum DistrictCommand {
    /// Create a district.
    Create {
        /// Short name used in tokens' `district` claim.
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Runs the command line.
pub async fn run() -> ExitCode {
    crate::telemetry::init();
    match dispatch(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = database.url()?;
    let store = Store::connect(&url)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            demo,
            environment,
            limits,
            database,
            jwt,
        } => {
            let production = environment == Environment::Production;
            if production && jwt.jwt_secret.is_none() && !jwt.has_identity_provider() {
                anyhow::bail!(
                    "refusing to start in production with a generated development secret: \
                     set ALLIANCE_JWT_SECRET, ALLIANCE_JWT_PUBLIC_KEY_FILE or ALLIANCE_JWT_JWKS_FILE"
                );
            }
            let store = open(&database).await?;
            if demo {
                let outcome = alliance_store::demo::load(&store)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                tracing::info!(
                    created = outcome.created,
                    students = outcome.students,
                    "demo district `demo` ready"
                );
            }
            let verifier = jwt.verifier(&database.data_dir)?;
            let app = Application::build(Settings {
                listen,
                store,
                verifier,
                limits: limits.limits(production),
                http: limits.http(),
                graphiql: !production,
            })
            .await?;
            let addr = app.local_addr().unwrap_or(listen);
            tracing::info!(backend = ?database.database_url.as_deref().map_or("sqlite", |_| "configured"), "Alliance is listening on http://{addr}/graphql");
            app.run_until_stopped().await.context("serving")
        }
        Command::Migrate { database } => {
            open(&database).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed {
            synthetic: Some(students),
            database,
        } => {
            let store = open(&database).await?;
            let started = std::time::Instant::now();
            let outcome = alliance_store::synthetic::load(&store, students)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let backend = store.backend_name();
            // Closing checkpoints SQLite's write-ahead log into the database file, so
            // the next process to open it does not pay for that.
            store.close().await.context("closing the database")?;
            if !outcome.created {
                println!("the synthetic district `synthetic` is already loaded");
                return Ok(());
            }
            let count = |n: usize, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            println!(
                "loaded the synthetic district `synthetic` with {} in {}, {}, {} and {}: \
                 {} rows in {:.1}s on {}",
                count(outcome.students, "student", "students"),
                count(outcome.schools, "school", "schools"),
                count(outcome.staff, "staff member", "staff members"),
                count(outcome.concerns, "concern", "concerns"),
                count(
                    outcome.pending_requests,
                    "pending check-in",
                    "pending check-ins"
                ),
                outcome.total_rows(),
                started.elapsed().as_secs_f64(),
                backend,
            );
            for (table, rows) in &outcome.rows {
                println!("  {table:<30} {rows:>9}");
            }
            Ok(())
        }
        Command::Seed {
            synthetic: None,
            database,
        } => {
            let store = open(&database).await?;
            let outcome = alliance_store::demo::load(&store)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if outcome.created {
                println!(
                    "loaded the demo district `demo` with {} students",
                    outcome.students
                );
            } else {
                println!("the demo district `demo` is already loaded");
            }
            Ok(())
        }
        Command::District {
            command:
                DistrictCommand::Create {
                    slug,
                    name,
                    database,
                },
        } => {
            let slug = validate::slug("slug", &slug).map_err(|e| anyhow::anyhow!("{e}"))?;
            let name = validate::required_text("name", &name, validate::MAX_NAME)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open(&database).await?;
            let district = districts::create(store.db(), &slug, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created district `{}` ({})", district.slug, district.name);
            Ok(())
        }
        Command::Token {
            district,
            roles,
            sub,
            schools,
            ttl,
            database,
            jwt,
        } => {
            for role in &roles {
                role.parse::<alliance_domain::values::Role>()
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            if jwt.jwt_secret.is_none() && jwt.has_identity_provider() {
                anyhow::bail!(
                    "this server trusts only its identity provider's tokens; \
                     set ALLIANCE_JWT_SECRET to mint development tokens"
                );
            }
            let secret = jwt.secret(&database.data_dir)?;
            let claims = tokens::claims(
                &jwt.jwt_issuer,
                &jwt.jwt_audience,
                &sub,
                &district,
                roles,
                schools,
                ttl,
            );
            println!("{}", tokens::mint(&secret, &claims)?);
            Ok(())
        }
        Command::Schema => {
            print!("{}", alliance_graphql::sdl());
            Ok(())
        }
    }
}
