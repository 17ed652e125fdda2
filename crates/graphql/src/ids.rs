//! Opaque global IDs: `base64url("Type:uuid")`. Clients must not parse them; the type
//! prefix lets `node(id:)` find any object and stops a goal's id being used as a
//! student's.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use alliance_domain::DomainError;

use crate::error::{ApiResult, OrGraphql};

/// Encodes `id` of GraphQL type `kind`.
pub fn encode(kind: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The type and uuid in a global ID, if it is one.
pub fn parse(id: &str) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid) = text.split_once(':')?;
    Some((kind.to_owned(), Uuid::parse_str(uuid).ok()?))
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
    fn garbage_is_not_an_id() {
        assert_eq!(parse("not an id"), None);
        assert_eq!(parse(""), None);
    }
}
