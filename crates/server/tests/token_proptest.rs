//! Token parsing under arbitrary input: whatever arrives in the `Authorization` header,
//! the verifier answers (never panics), and only a token signed with a trusted key and
//! carrying valid claims is ever verified.
//!
//! Cases: 1,000 per property by default; `PROPTEST_CASES=100000` for a longer run.

use std::time::Duration;

use alliance_graphql::Authentication;
use alliance_server::tokens::{Verifier, claims, mint};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use secrecy::SecretString;

const SECRET: &str = "a-proptest-secret-that-is-long-enough-0000";

fn verifier() -> Verifier {
    let secret = SecretString::from(SECRET.to_owned());
    let keys = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys");
    Verifier::new(
        Some(&secret),
        Some(&keys.join("rsa-public.pem")),
        "alliance",
        "alliance",
    )
    .expect("verifier")
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    ProptestConfig::with_cases(cases)
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// A JSON value of the kind a hostile header or claim set might hold.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,40}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("none"),
            Just("HS256"),
            Just("RS256"),
            Just("ES256"),
            Just("HS512"),
            Just("PS256"),
            Just("EdDSA"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("alg".to_owned()),
                    Just("kid".to_owned()),
                    Just("typ".to_owned()),
                    Just("exp".to_owned()),
                    Just("sub".to_owned()),
                    Just("iss".to_owned()),
                    Just("aud".to_owned()),
                    Just("district".to_owned()),
                    Just("roles".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn verified(auth: &Authentication) -> bool {
    matches!(auth, Authentication::Verified(_))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_header_value_is_answered_and_never_verified(header in ".{0,400}") {
        let auth = verifier().authenticate(Some(&header));
        prop_assert!(!verified(&auth), "{header:?} was verified");
    }

    #[test]
    fn any_three_segments_are_answered_and_never_verified(
        a in "[A-Za-z0-9_=+/.-]{0,120}",
        b in "[A-Za-z0-9_=+/.-]{0,200}",
        c in "[A-Za-z0-9_=+/.-]{0,120}",
    ) {
        let auth = verifier().authenticate(Some(&format!("Bearer {a}.{b}.{c}")));
        prop_assert!(!verified(&auth));
    }

    #[test]
    fn any_json_header_and_claims_without_our_signature_are_refused(
        header in json_value(),
        claims in json_value(),
        signature in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let token = format!(
            "{}.{}.{}",
            b64(&header.to_string()),
            b64(&claims.to_string()),
            URL_SAFE_NO_PAD.encode(&signature)
        );
        let auth = verifier().authenticate(Some(&format!("Bearer {token}")));
        prop_assert!(!verified(&auth), "{token} was verified");
    }

    #[test]
    fn a_signed_token_changed_anywhere_is_refused(position in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let valid = mint(
            &SecretString::from(SECRET.to_owned()),
            &claims("alliance", "alliance", "fuzz", "demo", vec!["STAFF".into()], vec![], Duration::from_secs(600)),
        )
        .expect("mint");
        let verifier = verifier();
        let original = verifier.authenticate(Some(&format!("Bearer {valid}")));
        prop_assert!(verified(&original));
        let mut bytes = valid.into_bytes();
        let at = position.index(bytes.len());
        prop_assume!(bytes[at] != byte);
        bytes[at] = byte;
        let changed = String::from_utf8_lossy(&bytes).into_owned();
        let auth = verifier.authenticate(Some(&format!("Bearer {changed}")));
        // The signature's base64 is canonical (no stray trailing bits), so every change
        // breaks the parse or the signature.
        prop_assert!(!verified(&auth), "{} was verified after a change at {}", changed, at);
    }
}
