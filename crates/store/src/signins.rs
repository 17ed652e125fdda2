//! Who a token names, kept between requests.
//!
//! Every signed-in request starts by finding the district its token names and the person
//! who signs in with its subject ([`districts::with_person`]): a statement, a pool
//! checkout and two round trips before any of the request's own work, as dear as the
//! write of a progress entry. Alliance never changes or removes a district or a person
//! once written (no statement of this crate updates or deletes either), so a district
//! found with its person stays true, and it is kept:
//!
//! - only whole answers, a district *with* the person: a subject with no person yet is
//!   looked up on every request, so a person added to the directory is seen at once;
//! - for 30 s at most from when it was read, so a change made outside Alliance (by hand
//!   in the database: a subject cleared to cut off a sign-in, a district's settings) is
//!   seen within that time;
//! - 4,096 of them, least recently used dropped first.
//!
//! Should a statement that changes a district's settings or a person's subject ever be
//! added, it must empty this cache when it commits.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use alliance_domain::ids::PersonId;
use alliance_domain::model::District;
use lru::LruCache;
use sea_orm::ConnectionTrait;

use crate::StoreResult;
use crate::districts;

/// How long a sign-in is kept.
const KEPT_FOR: Duration = Duration::from_secs(30);

/// Sign-ins kept: a district's staff and families at their busiest, some 300 bytes each.
const KEPT: NonZeroUsize = NonZeroUsize::new(4096).expect("not zero");

/// A token's district and, when there is one, the person who signs in with its subject.
pub type SignIn = (District, Option<PersonId>);

/// Sign-ins found recently, by district slug and subject.
pub(crate) struct SignIns {
    kept: Mutex<LruCache<String, (Instant, District, PersonId)>>,
}

impl Default for SignIns {
    fn default() -> Self {
        Self {
            kept: Mutex::new(LruCache::new(KEPT)),
        }
    }
}

impl std::fmt::Debug for SignIns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIns").finish_non_exhaustive()
    }
}

impl SignIns {
    /// The district of `slug` with its person signing in as `subject`: kept, or read.
    pub(crate) async fn find(
        &self,
        db: &impl ConnectionTrait,
        slug: &str,
        subject: &str,
    ) -> StoreResult<Option<SignIn>> {
        let key = key(slug, subject);
        // Kept from before the read, so nothing is served older than its time.
        let asked = Instant::now();
        if let Some(found) = self.kept(&key, asked) {
            return Ok(Some(found));
        }
        let found = districts::with_person(db, slug, subject).await?;
        if let Some((district, Some(person))) = &found {
            self.keep(key, district, *person, asked);
        }
        Ok(found)
    }

    fn keep(&self, key: String, district: &District, person: PersonId, at: Instant) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(key, (at, district.clone(), person));
        }
    }

    /// What is kept under `key`, if it was found less than [`KEPT_FOR`] before `now`.
    fn kept(&self, key: &str, now: Instant) -> Option<SignIn> {
        let mut kept = self.kept.lock().ok()?;
        let (since, district, person) = kept.get(key)?;
        if now.duration_since(*since) < KEPT_FOR {
            return Some((district.clone(), Some(*person)));
        }
        kept.pop(key);
        None
    }
}

/// The slug's length first, so no two pairs make the same key.
fn key(slug: &str, subject: &str) -> String {
    format!("{}:{slug}{subject}", slug.len())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use alliance_domain::ids::{DistrictId, PersonId};
    use alliance_domain::model::{District, DistrictSettings};

    use super::{KEPT_FOR, SignIns, key};

    #[test]
    fn a_sign_in_is_kept_for_its_time_and_no_longer() {
        let district = District {
            id: DistrictId::new(),
            slug: "north".into(),
            name: "North".into(),
            settings: DistrictSettings::default(),
            created_at: chrono::Utc::now(),
        };
        let person = PersonId::new();
        let sign_ins = SignIns::default();
        let found = Instant::now();
        sign_ins.keep(key("north", "staff-1"), &district, person, found);

        let (kept, as_person) = sign_ins
            .kept(&key("north", "staff-1"), found + KEPT_FOR / 2)
            .expect("kept");
        assert_eq!((kept.id, as_person), (district.id, Some(person)));
        assert!(sign_ins.kept(&key("north", "staff-2"), found).is_none());
        assert!(
            sign_ins
                .kept(&key("north", "staff-1"), found + KEPT_FOR)
                .is_none()
        );
        // Once stale it is gone, not only hidden.
        assert!(sign_ins.kept(&key("north", "staff-1"), found).is_none());
    }

    #[test]
    fn no_two_pairs_share_a_key() {
        assert_ne!(key("ab", "c"), key("a", "bc"));
        assert_ne!(key("1:a", "b"), key("1", ":ab"));
        assert_eq!(key("north", "staff-1"), key("north", "staff-1"));
    }
}
