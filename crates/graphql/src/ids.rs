//! Opaque global IDs: `base64url("Type:uuid")`. Clients must not parse them; the type
//! prefix lets `node(id:)` find any object and stops a goal's id being used as a
//! student's.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use alliance_domain::DomainError;

use crate::error::{ApiResult, OrGraphql};

/// Longer than any ID we make (a 20-letter type name makes 76 characters), so a longer
/// one is refused before it is decoded.
const MAX_ID: usize = 128;

/// Encodes `id` of GraphQL type `kind`.
pub fn encode(kind: &str, id: Uuid) -> ID {
    // Written out by hand rather than with `format!`, and on the stack: an answer holds
    // thousands of IDs, and each would otherwise cost an allocation more.
    let mut text = [0u8; 64];
    let end = kind.len() + 1 + uuid::fmt::Hyphenated::LENGTH;
    if end > text.len() {
        return ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{}", id.hyphenated())));
    }
    text[..kind.len()].copy_from_slice(kind.as_bytes());
    text[kind.len()] = b':';
    id.hyphenated().encode_lower(&mut text[kind.len() + 1..end]);
    ID(URL_SAFE_NO_PAD.encode(&text[..end]))
}

/// The type and uuid in a global ID, if it is one. Only the form [`encode`] makes is
/// taken (padding aside), so each object has one ID.
pub fn parse(id: &str) -> Option<(String, Uuid)> {
    if id.len() > MAX_ID {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid_text) = text.split_once(':')?;
    let uuid = Uuid::try_parse(uuid_text).ok()?;
    let canonical = !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphanumeric())
        && uuid.hyphenated().to_string() == uuid_text;
    canonical.then(|| (kind.to_owned(), uuid))
}

/// Decodes an ID that must be of `kind`; anything else is bad input on `field`.
pub fn decode_input(kind: &'static str, field: &str, id: &ID) -> Result<Uuid, DomainError> {
    match parse(id) {
        Some((found, uuid)) if found == kind => Ok(uuid),
        _ => Err(DomainError::invalid(
            field,
            format!("not a valid {kind} ID"),
        )),
    }
}

/// [`decode_input`], as a GraphQL error.
pub fn decode(kind: &'static str, field: &str, id: &ID) -> ApiResult<Uuid> {
    decode_input(kind, field, id).gql()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_and_keeps_its_type() {
        let uuid = Uuid::now_v7();
        let id = encode("Goal", uuid);
        assert_eq!(parse(&id), Some(("Goal".to_owned(), uuid)));
        assert!(decode("Goal", "goalId", &id).is_ok());
        assert!(decode("Student", "studentId", &id).is_err());
    }

    #[test]
    fn an_id_is_base64url_of_its_type_and_hyphenated_uuid() {
        let uuid = Uuid::parse_str("0190F1A2-B3C4-7D5E-8F60-718293A4B5C6").expect("uuid");
        assert_eq!(
            encode("ProgressEntry", uuid).0,
            URL_SAFE_NO_PAD.encode("ProgressEntry:0190f1a2-b3c4-7d5e-8f60-718293a4b5c6")
        );
        // A 27-letter type name fills the stack buffer exactly; longer ones go through
        // `format!`: all are written the same way, and round-trip.
        for kind in ["A".repeat(27), "B".repeat(28), "C".repeat(90)] {
            let id = encode(&kind, uuid);
            assert_eq!(
                id.0,
                URL_SAFE_NO_PAD.encode(format!("{kind}:0190f1a2-b3c4-7d5e-8f60-718293a4b5c6"))
            );
        }
        assert_eq!(
            parse(&encode(&"D".repeat(28), uuid)),
            Some(("D".repeat(28), uuid))
        );
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!(parse("not an id"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn another_spelling_of_the_same_uuid_is_not_an_id() {
        let uuid = Uuid::now_v7();
        for text in [
            format!("Goal:{}", uuid.simple()),
            format!("Goal:{}", uuid.urn()),
            format!("Goal:{}", uuid.braced()),
            format!("Goal:{}", uuid.hyphenated().to_string().to_uppercase()),
            format!(":{uuid}"),
            format!("Go al:{uuid}"),
        ] {
            assert_eq!(parse(&URL_SAFE_NO_PAD.encode(&text)), None, "{text}");
        }
    }

    #[test]
    fn an_id_longer_than_any_we_make_is_refused_unread() {
        let padded = format!("{}{}", encode("Goal", Uuid::nil()).0, "=".repeat(MAX_ID));
        assert_eq!(parse(&padded), None);
    }
}

#[cfg(test)]
mod properties {
    //! Whatever a client sends as an ID, decoding it never panics, and what it accepts
    //! is exactly what [`encode`] makes. `PROPTEST_CASES` runs more cases than the
    //! default 1,000.

    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000);
        ProptestConfig::with_cases(cases)
    }

    /// Decodes `id` both ways and checks that whatever is accepted round-trips.
    fn check(id: &str) -> Result<(), TestCaseError> {
        match parse(id) {
            Some((kind, uuid)) => {
                prop_assert_eq!(encode(&kind, uuid).0, id.trim_end_matches('='));
                prop_assert!(
                    decode_input("Goal", "goalId", &ID(id.to_owned())).is_ok() == (kind == "Goal")
                );
            }
            None => {
                let refused = decode_input("Goal", "goalId", &ID(id.to_owned()));
                let is_bad_input = matches!(refused, Err(DomainError::Invalid { .. }));
                prop_assert!(is_bad_input, "{:?}", refused);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_string_decodes_or_is_refused(id in any::<String>()) {
            check(&id)?;
        }

        #[test]
        fn any_bytes_in_base64_decode_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
            check(&URL_SAFE_NO_PAD.encode(&bytes))?;
            check(&base64::engine::general_purpose::URL_SAFE.encode(&bytes))?;
        }

        #[test]
        fn only_the_spelling_encode_makes_is_taken(
            kind in "[A-Za-z0-9]{0,20}",
            bits in any::<u128>(),
            spelling in 0..5_usize,
        ) {
            let uuid = Uuid::from_u128(bits);
            let text = match spelling {
                0 => uuid.hyphenated().to_string(),
                1 => uuid.simple().to_string(),
                2 => uuid.urn().to_string(),
                3 => uuid.braced().to_string(),
                _ => uuid.hyphenated().to_string().to_uppercase(),
            };
            let id = URL_SAFE_NO_PAD.encode(format!("{kind}:{text}"));
            check(&id)?;
            let canonical = !kind.is_empty() && text == uuid.hyphenated().to_string();
            prop_assert_eq!(parse(&id).is_some(), canonical);
        }

        #[test]
        fn every_type_and_uuid_round_trips(kind in "[A-Za-z][A-Za-z0-9]{0,39}", bits in any::<u128>()) {
            let uuid = Uuid::from_u128(bits);
            let id = encode(&kind, uuid);
            prop_assert_eq!(parse(&id), Some((kind.clone(), uuid)));
            let padded = base64::engine::general_purpose::URL_SAFE.encode(format!("{kind}:{uuid}"));
            prop_assert_eq!(parse(&padded), Some((kind, uuid)));
        }
    }

    #[test]
    fn every_node_type_round_trips() {
        for kind in [
            "School",
            "Person",
            "Student",
            "Alliance",
            "AllianceMember",
            "Goal",
            "ProgressEntry",
            "VoiceEntry",
            "Intervention",
            "Communication",
            "FeedbackRequest",
            "FeedbackResponse",
            "Reflection",
            "NextStep",
        ] {
            let uuid = Uuid::now_v7();
            assert_eq!(
                decode_input(kind, "id", &encode(kind, uuid)).ok(),
                Some(uuid)
            );
        }
    }
}
