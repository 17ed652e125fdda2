//! The command line: `serve`, `migrate`, `seed`, `district create`, `token`, `schema`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use alliance_domain::validate;
use alliance_graphql::Limits;
use alliance_store::{Store, districts};
use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{Application, Settings};
use crate::config::{DatabaseArgs, JwtArgs};
use crate::tokens::{self, Verifier};

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
        /// Deepest query nesting accepted.
        #[arg(long, env = "ALLIANCE_MAX_DEPTH", default_value_t = Limits::default().depth)]
        max_depth: usize,
        /// Highest query complexity accepted.
        #[arg(long, env = "ALLIANCE_MAX_COMPLEXITY", default_value_t = Limits::default().complexity)]
        max_complexity: usize,
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
            max_depth,
            max_complexity,
            database,
            jwt,
        } => {
            let production = environment == Environment::Production;
            if production && jwt.jwt_secret.is_none() && jwt.jwt_public_key_file.is_none() {
                anyhow::bail!(
                    "refusing to start in production with a generated development secret: \
                     set ALLIANCE_JWT_SECRET or ALLIANCE_JWT_PUBLIC_KEY_FILE"
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
            let secret = jwt.hs256_secret(&database.data_dir)?;
            let verifier = Verifier::new(
                secret.as_ref(),
                jwt.jwt_public_key_file.as_deref(),
                &jwt.jwt_issuer,
                &jwt.jwt_audience,
            )?;
            let limits = Limits {
                depth: max_depth,
                complexity: max_complexity,
                hide_schema: production,
            };
            let app = Application::build(Settings {
                listen,
                store,
                verifier,
                limits,
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
        Command::Seed { database } => {
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
            if jwt.jwt_secret.is_none() && jwt.jwt_public_key_file.is_some() {
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
