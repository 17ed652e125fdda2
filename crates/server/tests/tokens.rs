//! Token verification with real keys: HS256 with the shared secret, RS256 and ES256 with
//! a district identity provider's public key.

use std::path::PathBuf;
use std::time::Duration;

use alliance_graphql::Authentication;
use alliance_server::tokens::{Verifier, claims, mint};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use secrecy::SecretString;

fn key(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

fn secret() -> SecretString {
    SecretString::from("a-test-secret-that-is-long-enough-000000".to_owned())
}

fn signed(
    algorithm: Algorithm,
    private_key: &str,
    adjust: impl FnOnce(&mut alliance_server::tokens::Claims),
) -> String {
    let pem = std::fs::read(key(private_key)).expect("key");
    let encoding = match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem).expect("rsa key"),
        _ => EncodingKey::from_ec_pem(&pem).expect("ec key"),
    };
    let mut c = claims(
        "alliance",
        "alliance",
        "idp-user",
        "demo",
        vec!["STAFF".into()],
        vec![],
        Duration::from_secs(600),
    );
    adjust(&mut c);
    encode(&Header::new(algorithm), &c, &encoding).expect("sign")
}

/// A change to a token's claims.
type Adjust = Box<dyn FnOnce(&mut alliance_server::tokens::Claims)>;

fn subject(auth: Authentication) -> Result<String, String> {
    match auth {
        Authentication::Verified(credentials) => Ok(credentials.subject),
        Authentication::Invalid(reason) => Err(reason),
        Authentication::Anonymous => Err("anonymous".into()),
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn an_rs256_token_from_the_identity_provider_is_accepted() {
    let verifier = Verifier::new(
        Some(&secret()),
        Some(&key("rsa-public.pem")),
        "alliance",
        "alliance",
    )
    .expect("verifier");
    let token = signed(Algorithm::RS256, "rsa-private.pem", |_| {});
    assert_eq!(
        subject(verifier.authenticate(Some(&bearer(&token)))),
        Ok("idp-user".into())
    );
}

#[test]
fn an_es256_token_from_the_identity_provider_is_accepted() {
    let verifier =
        Verifier::new(None, Some(&key("ec-public.pem")), "alliance", "alliance").expect("verifier");
    let token = signed(Algorithm::ES256, "ec-private.pem", |_| {});
    assert_eq!(
        subject(verifier.authenticate(Some(&bearer(&token)))),
        Ok("idp-user".into())
    );
}

#[test]
fn a_token_signed_by_another_key_is_refused() {
    let verifier = Verifier::new(
        Some(&secret()),
        Some(&key("rsa-public.pem")),
        "alliance",
        "alliance",
    )
    .expect("verifier");
    let token = signed(Algorithm::RS256, "other-rsa-private.pem", |_| {});
    assert_eq!(
        subject(verifier.authenticate(Some(&bearer(&token)))),
        Err("the token's signature is invalid".into())
    );
}

#[test]
fn an_algorithm_without_a_configured_key_is_refused() {
    // No public key: an RS256 token cannot be checked, so it is not trusted.
    let verifier = Verifier::new(Some(&secret()), None, "alliance", "alliance").expect("verifier");
    let token = signed(Algorithm::RS256, "rsa-private.pem", |_| {});
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
    // The public key never verifies HS256 (no algorithm confusion): the HS256 key is the secret.
    let verifier = Verifier::new(None, Some(&key("rsa-public.pem")), "alliance", "alliance")
        .expect("verifier");
    let token = mint(
        &secret(),
        &claims(
            "alliance",
            "alliance",
            "x",
            "demo",
            vec![],
            vec![],
            Duration::from_secs(60),
        ),
    )
    .expect("mint");
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
}

#[test]
fn expiry_not_before_issuer_and_audience_are_checked() {
    let verifier = Verifier::new(
        Some(&secret()),
        Some(&key("rsa-public.pem")),
        "alliance",
        "alliance",
    )
    .expect("verifier");
    let now = chrono::Utc::now().timestamp();
    let cases: [(&str, Adjust); 4] = [
        (
            "the token has expired",
            Box::new(move |c| c.exp = now - 120),
        ),
        (
            "the token is not valid yet",
            Box::new(move |c| c.nbf = Some(now + 600)),
        ),
        (
            "the token's issuer is not accepted",
            Box::new(|c| c.iss = "elsewhere".into()),
        ),
        (
            "the token's audience is not accepted",
            Box::new(|c| c.aud = "elsewhere".into()),
        ),
    ];
    for (expected, adjust) in cases {
        let token = signed(Algorithm::RS256, "rsa-private.pem", adjust);
        assert_eq!(
            subject(verifier.authenticate(Some(&bearer(&token)))),
            Err(expected.into())
        );
    }
}

#[test]
fn a_missing_token_is_anonymous_and_a_malformed_header_is_invalid() {
    let verifier = Verifier::new(Some(&secret()), None, "alliance", "alliance").expect("verifier");
    assert!(matches!(
        verifier.authenticate(None),
        Authentication::Anonymous
    ));
    assert!(matches!(
        verifier.authenticate(Some("Basic abc")),
        Authentication::Invalid(_)
    ));
    assert!(matches!(
        verifier.authenticate(Some("Bearer not.a.jwt")),
        Authentication::Invalid(_)
    ));
}

#[test]
fn a_public_key_file_that_is_not_a_key_is_a_startup_error() {
    let error = Verifier::new(None, Some(&key("README.md")), "alliance", "alliance")
        .expect_err("not a key");
    assert!(
        error.to_string().contains("not an RSA or EC public key"),
        "{error}"
    );
}

fn unsigned(header: &serde_json::Value, claims: &serde_json::Value) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn valid_claims() -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    serde_json::json!({
        "sub": "mallory", "iss": "alliance", "aud": "alliance", "iat": now, "nbf": now, "exp": now + 600,
        "district": "demo", "roles": ["DISTRICT_ADMIN"],
    })
}

#[test]
fn an_unsigned_token_with_alg_none_is_refused() {
    let verifier = Verifier::new(
        Some(&secret()),
        Some(&key("rsa-public.pem")),
        "alliance",
        "alliance",
    )
    .expect("verifier");
    let token = unsigned(
        &serde_json::json!({ "alg": "none", "typ": "JWT" }),
        &valid_claims(),
    );
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
}

#[test]
fn an_hs256_token_signed_with_the_public_key_is_refused() {
    // The classic algorithm confusion: the attacker signs with the (public) RSA key as an
    // HMAC secret and claims HS256.
    let public_pem = std::fs::read(key("rsa-public.pem")).expect("pem");
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &valid_claims(),
        &EncodingKey::from_secret(&public_pem),
    )
    .expect("sign");
    for verifier in [
        Verifier::new(None, Some(&key("rsa-public.pem")), "alliance", "alliance")
            .expect("verifier"),
        Verifier::new(
            Some(&secret()),
            Some(&key("rsa-public.pem")),
            "alliance",
            "alliance",
        )
        .expect("verifier"),
    ] {
        assert!(subject(verifier.authenticate(Some(&bearer(&forged)))).is_err());
    }
}

#[test]
fn an_exp_given_as_a_string_is_refused() {
    let mut claims = valid_claims();
    claims["exp"] = serde_json::json!("9999999999");
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"a-test-secret-that-is-long-enough-000000"),
    )
    .expect("sign");
    let verifier = Verifier::new(Some(&secret()), None, "alliance", "alliance").expect("verifier");
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
}

#[test]
fn a_malformed_header_is_refused() {
    let verifier = Verifier::new(Some(&secret()), None, "alliance", "alliance").expect("verifier");
    for token in ["e30.e30.", "not-base64!.x.y", "eyJhbGciOiJIUzI1NiJ9", ""] {
        assert!(
            subject(verifier.authenticate(Some(&bearer(token)))).is_err(),
            "{token:?}"
        );
    }
}
