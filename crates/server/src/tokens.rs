//! Bearer tokens: verifying the ones requests carry (signature, `exp`, `nbf`, `iss`,
//! `aud`) and minting development tokens.

use std::path::Path;
use std::time::Duration;

use alliance_graphql::{Authentication, Credentials};
use anyhow::Context;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The claims Alliance reads from a token (DESIGN.md §3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub iat: i64,
    /// The district's slug.
    pub district: String,
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schools: Vec<String>,
}

#[derive(Deserialize)]
struct VerifiedClaims {
    sub: String,
    district: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    schools: Vec<String>,
}

/// Checks tokens: HS256 with the shared secret, and RS256 or ES256 with a district
/// identity provider's public key when one is configured. Each key only ever verifies
/// its own algorithm.
#[derive(Clone)]
pub struct Verifier {
    secret: Option<DecodingKey>,
    public: Option<(Algorithm, DecodingKey)>,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for `secret` and, optionally, the PEM public key at `public_key`.
    pub fn new(
        secret: Option<&SecretString>,
        public_key: Option<&Path>,
        issuer: &str,
        audience: &str,
    ) -> anyhow::Result<Self> {
        let public = public_key
            .map(|path| {
                let pem = std::fs::read(path)
                    .with_context(|| format!("reading the JWT public key {}", path.display()))?;
                if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
                    Ok((Algorithm::RS256, key))
                } else if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
                    Ok((Algorithm::ES256, key))
                } else {
                    anyhow::bail!("{} is not an RSA or EC public key in PEM", path.display())
                }
            })
            .transpose()?;
        Ok(Self {
            secret: secret.map(|s| DecodingKey::from_secret(s.expose_secret().as_bytes())),
            public,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// What the `Authorization` header value says about the caller.
    pub fn authenticate(&self, authorization: Option<&str>) -> Authentication {
        let Some(header) = authorization else {
            return Authentication::Anonymous;
        };
        let Some(token) = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
        else {
            return Authentication::Invalid(
                "the Authorization header must be `Bearer <token>`".into(),
            );
        };
        match self.verify(token.trim()) {
            Ok(credentials) => Authentication::Verified(credentials),
            Err(reason) => Authentication::Invalid(reason),
        }
    }

    fn verify(&self, token: &str) -> Result<Credentials, String> {
        let header = decode_header(token).map_err(|_| "the token is malformed".to_owned())?;
        let key = match header.alg {
            Algorithm::HS256 => self.secret.as_ref(),
            alg => self
                .public
                .as_ref()
                .filter(|(expected, _)| *expected == alg)
                .map(|(_, key)| key),
        }
        .ok_or_else(|| format!("tokens signed with {:?} are not accepted here", header.alg))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        let data = decode::<VerifiedClaims>(token, key, &validation).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet",
                ErrorKind::InvalidSignature => "the token's signature is invalid",
                ErrorKind::InvalidIssuer => "the token's issuer is not accepted",
                ErrorKind::InvalidAudience => "the token's audience is not accepted",
                ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
                _ => "the token is invalid",
            }
            .to_owned()
        })?;
        let claims = data.claims;
        Ok(Credentials {
            subject: claims.sub,
            district: claims.district,
            roles: claims.roles,
            schools: claims.schools,
        })
    }
}

/// Mints an HS256 token for development and tests.
pub fn mint(secret: &SecretString, claims: &Claims) -> anyhow::Result<String> {
    let key = EncodingKey::from_secret(secret.expose_secret().as_bytes());
    encode(&Header::new(Algorithm::HS256), claims, &key).context("signing the token")
}

/// Claims for `subject` in `district` with `roles`, valid from now for `ttl`.
pub fn claims(
    issuer: &str,
    audience: &str,
    subject: &str,
    district: &str,
    roles: Vec<String>,
    schools: Vec<String>,
    ttl: Duration,
) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: subject.to_owned(),
        iss: issuer.to_owned(),
        aud: audience.to_owned(),
        exp: now + ttl.as_secs() as i64,
        nbf: Some(now),
        iat: now,
        district: district.to_owned(),
        roles,
        schools,
    }
}
