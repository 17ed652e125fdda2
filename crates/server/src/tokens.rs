//! Bearer tokens: verifying the ones requests carry (signature, `exp`, `nbf`, `iss`,
//! `aud`) and minting development tokens.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use alliance_graphql::{Authentication, Credentials};
use anyhow::Context;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
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
///
/// A district rotating its keys configures a key set (a JWKS file): a token naming a
/// key (`kid` in its header) is checked with that key only, and a `kid` the set does
/// not hold is refused, so old and new keys are trusted side by side while tokens
/// signed with either are in use.
#[derive(Clone)]
pub struct Verifier {
    secret: Option<DecodingKey>,
    public: Option<(Algorithm, DecodingKey)>,
    /// Keys by `kid`, from a JWKS file.
    keys: HashMap<String, (Algorithm, DecodingKey)>,
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
            keys: HashMap::new(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Also trusts the keys of the JWK set at `path`, each chosen by its `kid`.
    pub fn with_key_set(mut self, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the JWK set {}", path.display()))?;
        let set: JwkSet = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a JWK set", path.display()))?;
        anyhow::ensure!(
            !set.keys.is_empty(),
            "the JWK set {} has no keys",
            path.display()
        );
        for jwk in &set.keys {
            let kid = jwk
                .common
                .key_id
                .clone()
                .filter(|kid| !kid.is_empty())
                .with_context(|| format!("a key in {} has no `kid`", path.display()))?;
            let algorithm =
                key_algorithm(jwk).with_context(|| format!("key `{kid}` in {}", path.display()))?;
            let key = DecodingKey::from_jwk(jwk)
                .with_context(|| format!("key `{kid}` in {} is not usable", path.display()))?;
            anyhow::ensure!(
                self.keys.insert(kid.clone(), (algorithm, key)).is_none(),
                "the JWK set {} names `{kid}` twice",
                path.display()
            );
        }
        Ok(self)
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
        let key = match (&header.kid, self.keys.is_empty()) {
            (Some(kid), false) => {
                let (algorithm, key) = self
                    .keys
                    .get(kid)
                    .ok_or_else(|| "the token's key id (`kid`) is not known here".to_owned())?;
                if *algorithm != header.alg {
                    return Err(format!("key `{kid}` does not sign with {:?}", header.alg));
                }
                Some(key)
            }
            _ => self.key_for(header.alg),
        }
        .ok_or_else(|| format!("tokens signed with {:?} are not accepted here", header.alg))?;
        self.decode(token, header.alg, key)
    }

    /// The configured key (not from the key set) that verifies `alg`.
    fn key_for(&self, alg: Algorithm) -> Option<&DecodingKey> {
        match alg {
            Algorithm::HS256 => self.secret.as_ref(),
            alg => self
                .public
                .as_ref()
                .filter(|(expected, _)| *expected == alg)
                .map(|(_, key)| key),
        }
    }

    fn decode(
        &self,
        token: &str,
        alg: Algorithm,
        key: &DecodingKey,
    ) -> Result<Credentials, String> {
        let mut validation = Validation::new(alg);
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

/// The one algorithm a key of a key set verifies: its `alg`, or the usual one for its
/// type. Only HS256, RS256 and ES256 are accepted, as for single keys.
fn key_algorithm(jwk: &Jwk) -> anyhow::Result<Algorithm> {
    let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
        (Some(KeyAlgorithm::HS256), _) => Algorithm::HS256,
        (Some(KeyAlgorithm::RS256), _) => Algorithm::RS256,
        (Some(KeyAlgorithm::ES256), _) => Algorithm::ES256,
        (Some(other), _) => anyhow::bail!("{other:?} is not accepted; use HS256, RS256 or ES256"),
        (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
        (None, AlgorithmParameters::EllipticCurve(ec)) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        (None, AlgorithmParameters::OctetKey(_)) => Algorithm::HS256,
        (None, _) => anyhow::bail!("the key has no `alg` and its type has no usual one"),
    };
    Ok(algorithm)
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
