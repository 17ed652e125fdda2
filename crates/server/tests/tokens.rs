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

/// The key that signs with `algorithm`: an HS256 secret given as is, or the private key
/// in the PEM file `source` of tests/keys.
fn encoding_key(algorithm: Algorithm, source: &str) -> EncodingKey {
    match algorithm {
        Algorithm::HS256 => EncodingKey::from_secret(source.as_bytes()),
        Algorithm::RS256 => {
            EncodingKey::from_rsa_pem(&std::fs::read(key(source)).expect("key")).expect("rsa key")
        }
        _ => EncodingKey::from_ec_pem(&std::fs::read(key(source)).expect("key")).expect("ec key"),
    }
}

fn secret() -> SecretString {
    SecretString::from("a-test-secret-that-is-long-enough-000000".to_owned())
}

fn signed(
    algorithm: Algorithm,
    private_key: &str,
    adjust: impl FnOnce(&mut alliance_server::tokens::Claims),
) -> String {
    let encoding = encoding_key(algorithm, private_key);
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

/// A JWK set file holding the public halves of `keys` (`kid`, algorithm, private PEM
/// or HS256 secret).
fn key_set(keys: &[(&str, Algorithm, &str)]) -> tempfile::NamedTempFile {
    use jsonwebtoken::jwk::{Jwk, JwkSet};
    let keys = keys
        .iter()
        .map(|(kid, algorithm, source)| {
            let encoding = encoding_key(*algorithm, source);
            let mut jwk = Jwk::from_encoding_key(&encoding, *algorithm).expect("jwk");
            jwk.common.key_id = Some((*kid).to_owned());
            jwk
        })
        .collect();
    let file = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(
        file.path(),
        serde_json::to_string(&JwkSet { keys }).expect("json"),
    )
    .expect("write");
    file
}

/// A token for `idp-user` signed by `algorithm` with `source`, naming `kid`.
fn signed_with_kid(kid: Option<&str>, algorithm: Algorithm, source: &str) -> String {
    let encoding = encoding_key(algorithm, source);
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    let c = claims(
        "alliance",
        "alliance",
        "idp-user",
        "demo",
        vec!["STAFF".into()],
        vec![],
        Duration::from_secs(600),
    );
    encode(&header, &c, &encoding).expect("sign")
}

const ROTATED_SECRET: &str = "a-rotated-hs256-secret-of-enough-length-0000";

fn rotating_verifier() -> (Verifier, tempfile::NamedTempFile) {
    let set = key_set(&[
        ("2025-old", Algorithm::RS256, "rsa-private.pem"),
        ("2026-new", Algorithm::RS256, "other-rsa-private.pem"),
        ("ec-1", Algorithm::ES256, "ec-private.pem"),
        ("shared-2", Algorithm::HS256, ROTATED_SECRET),
    ]);
    let verifier = Verifier::new(None, None, "alliance", "alliance")
        .expect("verifier")
        .with_key_set(set.path())
        .expect("key set");
    (verifier, set)
}

#[test]
fn every_key_of_a_key_set_verifies_the_tokens_that_name_it() {
    let (verifier, _set) = rotating_verifier();
    for (kid, algorithm, source) in [
        ("2025-old", Algorithm::RS256, "rsa-private.pem"),
        ("2026-new", Algorithm::RS256, "other-rsa-private.pem"),
        ("ec-1", Algorithm::ES256, "ec-private.pem"),
        ("shared-2", Algorithm::HS256, ROTATED_SECRET),
    ] {
        let token = signed_with_kid(Some(kid), algorithm, source);
        assert_eq!(
            subject(verifier.authenticate(Some(&bearer(&token)))),
            Ok("idp-user".to_owned()),
            "{kid}"
        );
    }
}

#[test]
fn an_unknown_kid_is_refused() {
    let (verifier, _set) = rotating_verifier();
    let token = signed_with_kid(Some("2024-retired"), Algorithm::RS256, "rsa-private.pem");
    let reason = subject(verifier.authenticate(Some(&bearer(&token)))).expect_err("refused");
    assert!(reason.contains("kid"), "{reason}");
}

#[test]
fn a_token_naming_one_key_but_signed_by_another_is_refused() {
    let (verifier, _set) = rotating_verifier();
    // Signed by the old key, claiming the new one.
    let token = signed_with_kid(Some("2026-new"), Algorithm::RS256, "rsa-private.pem");
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
    // An HS256 token naming an RSA key, signed with that key's public half as a secret.
    let public = std::fs::read_to_string(key("rsa-public.pem")).expect("public key");
    let token = signed_with_kid(Some("2025-old"), Algorithm::HS256, &public);
    let reason = subject(verifier.authenticate(Some(&bearer(&token)))).expect_err("refused");
    assert!(reason.contains("does not sign with"), "{reason}");
}

#[test]
fn without_a_kid_only_the_single_configured_keys_apply() {
    let (verifier, _set) = rotating_verifier();
    // No secret and no single public key are configured: a token without `kid` has no key.
    let token = signed_with_kid(None, Algorithm::RS256, "rsa-private.pem");
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
    let token = signed_with_kid(None, Algorithm::HS256, ROTATED_SECRET);
    assert!(subject(verifier.authenticate(Some(&bearer(&token)))).is_err());
}

#[test]
fn a_key_set_without_kids_or_with_other_algorithms_is_a_startup_error() {
    let no_kid = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(
        no_kid.path(),
        r#"{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","alg":"HS256"}]}"#,
    )
    .expect("write");
    let error = Verifier::new(None, None, "alliance", "alliance")
        .expect("verifier")
        .with_key_set(no_kid.path())
        .expect_err("no kid");
    assert!(format!("{error:#}").contains("kid"), "{error:#}");

    let hs512 = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(
        hs512.path(),
        r#"{"keys":[{"kty":"oct","kid":"x","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","alg":"HS512"}]}"#,
    )
    .expect("write");
    let error = Verifier::new(None, None, "alliance", "alliance")
        .expect("verifier")
        .with_key_set(hs512.path())
        .expect_err("HS512");
    assert!(format!("{error:#}").contains("not accepted"), "{error:#}");

    let not_json = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(not_json.path(), "not a key set").expect("write");
    assert!(
        Verifier::new(None, None, "alliance", "alliance")
            .expect("verifier")
            .with_key_set(not_json.path())
            .is_err()
    );
}
