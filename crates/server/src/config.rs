//! Configuration from flags and `ALLIANCE_*` environment variables, with defaults that
//! work on a laptop: a SQLite file under `./alliance-data`, `127.0.0.1:8080`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rand::RngCore;
use secrecy::SecretString;

/// Where the data lives.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://path/to/file.db` or `postgres://user@host/db`. Defaults to a
    /// SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory for the SQLite file and the generated development secret.
    #[arg(long, env = "ALLIANCE_DATA_DIR", default_value = "./alliance-data")]
    pub data_dir: PathBuf,
}

impl DatabaseArgs {
    /// The database URL, creating the data directory for the SQLite default.
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}?mode=rwc",
            self.data_dir.join("alliance.db").display()
        ))
    }
}

/// How tokens are signed and checked.
#[derive(Args, Debug, Clone)]
pub struct JwtArgs {
    /// HS256 secret for tokens (at least 32 characters). Without it (and without a public
    /// key) a random secret is generated once and kept in the data directory.
    #[arg(long, env = "ALLIANCE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,
    /// PEM public key (RS256 or ES256) of a district identity provider whose tokens are accepted.
    #[arg(long, env = "ALLIANCE_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// A JWK set (JSON) of keys chosen by the `kid` in a token's header, for rotating
    /// keys without downtime: a token naming a `kid` the set lacks is refused.
    #[arg(long, env = "ALLIANCE_JWT_JWKS_FILE")]
    pub jwt_jwks_file: Option<PathBuf>,
    /// The `iss` tokens must carry.
    #[arg(long, env = "ALLIANCE_JWT_ISSUER", default_value = "alliance")]
    pub jwt_issuer: String,
    /// The `aud` tokens must carry.
    #[arg(long, env = "ALLIANCE_JWT_AUDIENCE", default_value = "alliance")]
    pub jwt_audience: String,
}

impl JwtArgs {
    /// The HS256 secret to trust: the configured one; or, on a laptop with neither a
    /// secret nor a key, the development one kept in `data_dir`. With only a public key
    /// or a key set configured, none: the identity provider's tokens are the only ones.
    pub fn hs256_secret(&self, data_dir: &Path) -> anyhow::Result<Option<SecretString>> {
        if self.jwt_secret.is_none() && self.has_identity_provider() {
            return Ok(None);
        }
        self.secret(data_dir).map(Some)
    }

    /// Whether an identity provider's keys (a public key or a key set) are configured.
    pub fn has_identity_provider(&self) -> bool {
        self.jwt_public_key_file.is_some() || self.jwt_jwks_file.is_some()
    }

    /// The verifier these settings describe.
    pub fn verifier(&self, data_dir: &Path) -> anyhow::Result<crate::tokens::Verifier> {
        let secret = self.hs256_secret(data_dir)?;
        let verifier = crate::tokens::Verifier::new(
            secret.as_ref(),
            self.jwt_public_key_file.as_deref(),
            &self.jwt_issuer,
            &self.jwt_audience,
        )?;
        match &self.jwt_jwks_file {
            Some(path) => verifier.with_key_set(path),
            None => Ok(verifier),
        }
    }

    /// The HS256 secret: configured, or the development one kept in `data_dir`.
    pub fn secret(&self, data_dir: &Path) -> anyhow::Result<SecretString> {
        use secrecy::ExposeSecret;
        if let Some(secret) = &self.jwt_secret {
            anyhow::ensure!(
                secret.expose_secret().len() >= 32,
                "the JWT secret must be at least 32 characters"
            );
            return Ok(secret.clone());
        }
        let path = data_dir.join("jwt-secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim();
            if existing.len() >= 32 {
                return Ok(SecretString::from(existing.to_owned()));
            }
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        tracing::warn!(path = %path.display(), "generated a development JWT secret; configure ALLIANCE_JWT_SECRET in production");
        Ok(SecretString::from(secret))
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
