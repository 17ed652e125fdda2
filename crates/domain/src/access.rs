//! Who may see and change what (DESIGN.md §3), in one place.
//!
//! Reads are scoped: a [`ReadScope`] is built from the viewer and applied inside every
//! query, so records out of reach are never loaded at all. Writes are checked: every
//! mutation names its [`WriteTarget`] and asks [`authorize_write`] before it changes
//! anything.

use crate::error::{DomainError, DomainResult};
use crate::ids::{DistrictId, MemberId, PersonId, SchoolId};
use crate::values::Role;

/// The signed-in caller, built from a verified token.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The token's `sub`.
    pub subject: String,
    pub roles: Vec<Role>,
    pub district_id: DistrictId,
    /// The schools a `SCHOOL_ADMIN` token names.
    pub schools: Vec<SchoolId>,
    /// The viewer's own person record, found by `sub`, if they have one.
    pub person_id: Option<PersonId>,
}

impl Viewer {
    /// Whether the viewer holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The roles as the audit log writes them (`SCHOOL_ADMIN,STAFF`).
    pub fn roles_label(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Which students' records this viewer may read.
    pub fn read_scope(&self) -> ReadScope {
        let whole_district = self.has(Role::DistrictAdmin);
        let schools = if self.has(Role::SchoolAdmin) {
            self.schools.clone()
        } else {
            Vec::new()
        };
        let member = (self.has(Role::Staff) || self.has(Role::Family))
            .then_some(self.person_id)
            .flatten();
        let team = TeamReach {
            whole_district,
            schools: schools.clone(),
            staff: self.has(Role::Staff).then_some(self.person_id).flatten(),
        };
        ReadScope {
            district_id: self.district_id,
            whole_district,
            schools,
            member,
            team,
        }
    }
}

/// The students (and their alliances) a viewer may read: the union of what each of
/// their roles grants, always inside one district.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadScope {
    pub district_id: DistrictId,
    /// Every student in the district.
    pub whole_district: bool,
    /// Every student in these schools.
    pub schools: Vec<SchoolId>,
    /// Students in whose alliances this person is an active member.
    pub member: Option<PersonId>,
    /// Where the viewer also reads records marked team-only.
    pub team: TeamReach,
}

/// The alliances in which a viewer works as part of the school team, and so reads
/// records marked `TEAM_ONLY`. A family member never does, through any role they hold
/// in their own child's alliance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeamReach {
    /// Every alliance of the district.
    pub whole_district: bool,
    /// Every alliance of students in these schools.
    pub schools: Vec<SchoolId>,
    /// Alliances in which this person is an active member in a school-team role (not as
    /// the student or a caregiver).
    pub staff: Option<PersonId>,
}

impl ReadScope {
    /// Everything in one district, team-only records included: a district admin's reach.
    pub fn whole_district(district_id: DistrictId) -> Self {
        Self {
            district_id,
            whole_district: true,
            schools: Vec::new(),
            member: None,
            team: TeamReach {
                whole_district: true,
                ..TeamReach::default()
            },
        }
    }

    /// Whether the scope reaches no student at all (as for an analyst).
    pub fn is_empty(&self) -> bool {
        !self.whole_district && self.schools.is_empty() && self.member.is_none()
    }
}

/// What a mutation is about to change.
#[derive(Clone, Copy, Debug)]
pub enum WriteTarget {
    /// District-wide records: schools.
    District,
    /// The district's directory of people.
    Directory,
    /// Students and alliances of one school.
    School(SchoolId),
    /// The work of one alliance, in a school; `viewer_on_team` says whether the viewer is
    /// an active member of it in a school-team role (not as the student or a caregiver).
    Alliance {
        school_id: SchoolId,
        viewer_on_team: bool,
    },
    /// Words or answers of one family member (`speaker`) in an alliance: the team may
    /// record them, and a family member may record their own (`viewer_member` is the
    /// viewer's active membership in the alliance, if any).
    FamilyWords {
        school_id: SchoolId,
        viewer_on_team: bool,
        viewer_member: Option<MemberId>,
        speaker: MemberId,
    },
}

/// Checks that `viewer` may make a change to `target`.
pub fn authorize_write(viewer: &Viewer, target: WriteTarget) -> DomainResult<()> {
    if viewer.has(Role::DistrictAdmin) {
        return Ok(());
    }
    let school_admin_of =
        |school: SchoolId| viewer.has(Role::SchoolAdmin) && viewer.schools.contains(&school);
    let allowed = match target {
        WriteTarget::District => false,
        WriteTarget::Directory => viewer.has(Role::SchoolAdmin) || viewer.has(Role::Staff),
        WriteTarget::School(school) => school_admin_of(school),
        WriteTarget::Alliance {
            school_id,
            viewer_on_team,
        } => school_admin_of(school_id) || (viewer.has(Role::Staff) && viewer_on_team),
        WriteTarget::FamilyWords {
            school_id,
            viewer_on_team,
            viewer_member,
            speaker,
        } => {
            school_admin_of(school_id)
                || (viewer.has(Role::Staff) && viewer_on_team)
                || (viewer.has(Role::Family) && viewer_member == Some(speaker))
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::forbidden(match target {
            WriteTarget::District => "only a district administrator may change district records",
            WriteTarget::Directory => "only administrators and staff may add people",
            WriteTarget::School(_) => "only an administrator of this school may make this change",
            WriteTarget::Alliance { .. } => {
                "only the alliance's team and its school's administrators may change it"
            }
            WriteTarget::FamilyWords { .. } => {
                "a family member may record only their own words and answers"
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(roles: &[Role]) -> Viewer {
        Viewer {
            subject: "someone".into(),
            roles: roles.to_vec(),
            district_id: DistrictId::new(),
            schools: vec![SchoolId(uuid::Uuid::nil())],
            person_id: Some(PersonId::new()),
        }
    }

    fn in_school() -> SchoolId {
        SchoolId(uuid::Uuid::nil())
    }

    #[test]
    fn a_district_admin_may_write_anything_in_the_district() {
        let admin = viewer(&[Role::DistrictAdmin]);
        assert!(authorize_write(&admin, WriteTarget::District).is_ok());
        assert!(authorize_write(&admin, WriteTarget::School(SchoolId::new())).is_ok());
    }

    #[test]
    fn a_school_admin_writes_only_in_their_schools() {
        let admin = viewer(&[Role::SchoolAdmin]);
        assert!(authorize_write(&admin, WriteTarget::School(in_school())).is_ok());
        assert!(authorize_write(&admin, WriteTarget::School(SchoolId::new())).is_err());
        assert!(authorize_write(&admin, WriteTarget::District).is_err());
    }

    #[test]
    fn staff_write_only_alliances_they_belong_to() {
        let staff = viewer(&[Role::Staff]);
        let other = SchoolId::new();
        assert!(
            authorize_write(
                &staff,
                WriteTarget::Alliance {
                    school_id: other,
                    viewer_on_team: true
                }
            )
            .is_ok()
        );
        assert!(
            authorize_write(
                &staff,
                WriteTarget::Alliance {
                    school_id: other,
                    viewer_on_team: false
                }
            )
            .is_err()
        );
        assert!(authorize_write(&staff, WriteTarget::School(in_school())).is_err());
    }

    #[test]
    fn family_and_analysts_cannot_change_the_team_record() {
        for role in [Role::Family, Role::Analyst] {
            let v = viewer(&[role]);
            let target = WriteTarget::Alliance {
                school_id: in_school(),
                viewer_on_team: true,
            };
            assert!(matches!(
                authorize_write(&v, target),
                Err(DomainError::Forbidden(_))
            ));
        }
    }

    #[test]
    fn a_family_member_records_only_their_own_words() {
        let family = viewer(&[Role::Family]);
        let (mine, theirs) = (MemberId::new(), MemberId::new());
        let words = |speaker| WriteTarget::FamilyWords {
            school_id: in_school(),
            viewer_on_team: false,
            viewer_member: Some(mine),
            speaker,
        };
        assert!(authorize_write(&family, words(mine)).is_ok());
        assert!(authorize_write(&family, words(theirs)).is_err());
        let staff = viewer(&[Role::Staff]);
        let on_team = WriteTarget::FamilyWords {
            school_id: in_school(),
            viewer_on_team: true,
            viewer_member: None,
            speaker: theirs,
        };
        assert!(authorize_write(&staff, on_team).is_ok());
    }

    #[test]
    fn an_analyst_reads_no_student() {
        assert!(viewer(&[Role::Analyst]).read_scope().is_empty());
        assert!(!viewer(&[Role::Family]).read_scope().is_empty());
    }

    #[test]
    fn only_the_school_team_reaches_team_only_records() {
        assert_eq!(
            viewer(&[Role::Family]).read_scope().team,
            TeamReach::default()
        );
        assert!(viewer(&[Role::Staff]).read_scope().team.staff.is_some());
        assert!(
            viewer(&[Role::DistrictAdmin])
                .read_scope()
                .team
                .whole_district
        );
        assert_eq!(
            viewer(&[Role::SchoolAdmin]).read_scope().team.schools,
            vec![in_school()]
        );
    }

    #[test]
    fn roles_add_up_to_the_union_of_their_reach() {
        let scope = viewer(&[Role::SchoolAdmin, Role::Staff]).read_scope();
        assert_eq!(scope.schools, vec![in_school()]);
        assert!(scope.member.is_some());
        assert!(!scope.whole_district);
    }
}
