//! The organisation: an org-unit tree (trust → clinic → department → section) and roles scoped to it.

use crate::Refused;
use serde::{Deserialize, Serialize};

/// The level of an org unit. A helseforetak (trust) holds klinikker, which hold avdelinger,
/// which hold seksjoner/enheter (the OUS organisation chart; PRODUCT.md glossary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "snake_case")
)]
pub enum UnitKind {
    /// Helseforetak: the root of the tree.
    Trust,
    /// Klinikk, under the trust.
    Clinic,
    /// Avdeling, under a clinic.
    Department,
    /// Seksjon or enhet, under a department.
    Section,
}

crate::text_enum!(UnitKind, "unit kind");

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Trust => "trust",
            UnitKind::Clinic => "clinic",
            UnitKind::Department => "department",
            UnitKind::Section => "section",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "trust" => UnitKind::Trust,
            "clinic" => UnitKind::Clinic,
            "department" => UnitKind::Department,
            "section" => UnitKind::Section,
            _ => return None,
        })
    }
    /// The kind a child of this unit has; sections have no children.
    pub fn child(self) -> Option<Self> {
        match self {
            UnitKind::Trust => Some(UnitKind::Clinic),
            UnitKind::Clinic => Some(UnitKind::Department),
            UnitKind::Department => Some(UnitKind::Section),
            UnitKind::Section => None,
        }
    }
}

/// May a unit of `kind` be placed under a unit of `parent` (`None`: at the root)? Only a trust
/// stands at the root, and each unit sits exactly one level below its parent: trust → clinic →
/// department → section (see [`UnitKind::child`]).
pub fn check_nesting(parent: Option<UnitKind>, kind: UnitKind) -> Result<(), Refused> {
    let fits = match parent {
        None => kind == UnitKind::Trust,
        Some(p) => p.child() == Some(kind),
    };
    if fits {
        Ok(())
    } else {
        Err(Refused::UnitNesting { parent, kind })
    }
}

/// A materialised path of unit ids, `/1/5/23/`: a unit is inside another when its path starts with
/// the other's. Lets both databases answer "units under X" with one indexed `LIKE 'prefix%'`.
pub fn child_path(parent_path: &str, id: i64) -> String {
    format!("{parent_path}{id}/")
}

pub fn is_within(path: &str, ancestor_path: &str) -> bool {
    path.starts_with(ancestor_path)
}

/// A staff role. Roles are granted on an org unit (and everything under it), except
/// committee members and union representatives, who are granted one posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "clap",
    derive(clap::ValueEnum),
    value(rename_all = "snake_case")
)]
pub enum Role {
    /// HR administrator: writes and publishes postings, reads applications, in a unit subtree.
    HrAdmin,
    /// HR advisor: as the HR administrator, in a unit subtree.
    HrAdvisor,
    /// Leader (leder): reads the applications of postings in a unit subtree.
    Manager,
    /// Member of an appointment committee (ansettelsesutvalg) for one posting.
    CommitteeMember,
    /// Tillitsvalgt: reads and scores the candidates of one posting.
    UnionRep,
    /// Signs in, reads no applications.
    Employee,
}

crate::text_enum!(Role, "role");

impl Role {
    pub const ALL: [Role; 6] = [
        Role::HrAdmin,
        Role::HrAdvisor,
        Role::Manager,
        Role::CommitteeMember,
        Role::UnionRep,
        Role::Employee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::HrAdmin => "hr_admin",
            Role::HrAdvisor => "hr_advisor",
            Role::Manager => "manager",
            Role::CommitteeMember => "committee_member",
            Role::UnionRep => "union_rep",
            Role::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Committee members and union representatives are scoped to a posting, the rest to a unit.
    pub fn scoped_to_posting(self) -> bool {
        matches!(self, Role::CommitteeMember | Role::UnionRep)
    }

    /// May write and publish postings for units in scope.
    pub fn may_manage_postings(self) -> bool {
        matches!(self, Role::HrAdmin | Role::HrAdvisor)
    }

    /// May read the applications (personal data) of postings in scope. Employees may not.
    pub fn may_read_applications(self) -> bool {
        !matches!(self, Role::Employee)
    }
}

/// Where a grant applies: a unit subtree (`U` is however the caller names the unit: an id, a code,
/// a path) or one posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantScope<U = i64> {
    Unit(U),
    Posting(i64),
}

/// The scope a grant of `role` takes, from the unit and posting the caller gave. Source: PRODUCT.md,
/// "Who uses it": committee members (ansettelsesutvalg) and union representatives (tillitsvalgte)
/// read and score the candidates of one posting; managers see only their own units, and HR works
/// in its units. Exactly one of the two must be given.
pub fn grant_scope<U>(
    role: Role,
    unit: Option<U>,
    posting_id: Option<i64>,
) -> Result<GrantScope<U>, Refused> {
    match (role.scoped_to_posting(), unit, posting_id) {
        (true, None, Some(p)) => Ok(GrantScope::Posting(p)),
        (false, Some(u), None) => Ok(GrantScope::Unit(u)),
        _ => Err(Refused::GrantScope { role }),
    }
}

/// One grant: a role on a unit subtree or on one posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// The unit's materialised path, for unit-scoped roles.
    pub unit_path: Option<String>,
    pub posting_id: Option<i64>,
}

/// What a signed-in staff member may do, decided from their grants alone.
/// Which postings a staff member sees in the back office: those in any of these unit subtrees,
/// and these postings one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffScope {
    /// Materialised paths, none inside another (the outer one already covers it), sorted.
    pub unit_paths: Vec<String>,
    /// Sorted, without repeats.
    pub posting_ids: Vec<i64>,
}

impl StaffScope {
    /// Sees no posting at all (e.g. an employee).
    pub fn is_empty(&self) -> bool {
        self.unit_paths.is_empty() && self.posting_ids.is_empty()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Access {
    pub grants: Vec<Grant>,
}

impl Access {
    fn allows(
        &self,
        unit_path: &str,
        posting_id: Option<i64>,
        pred: impl Fn(Role) -> bool,
    ) -> bool {
        self.grants.iter().any(|g| {
            pred(g.role)
                && match (&g.unit_path, g.posting_id) {
                    (Some(p), _) => is_within(unit_path, p),
                    (None, Some(pid)) => Some(pid) == posting_id,
                    (None, None) => false,
                }
        })
    }

    pub fn may_manage_postings_in(&self, unit_path: &str) -> bool {
        self.allows(unit_path, None, Role::may_manage_postings)
    }

    pub fn may_manage_any_postings(&self) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.may_manage_postings() && g.unit_path.is_some())
    }

    /// May ask for positions (a requisition) in this unit: its managers and HR over it.
    pub fn may_request_in(&self, unit_path: &str) -> bool {
        self.allows(unit_path, None, |r| {
            matches!(r, Role::Manager | Role::HrAdmin | Role::HrAdvisor)
        })
    }

    /// May write ads for this unit: its managers write them with HR (R2). Approving and
    /// publishing stay with HR ([`Access::may_manage_postings_in`]).
    pub fn may_write_ads_in(&self, unit_path: &str) -> bool {
        self.may_request_in(unit_path)
    }

    pub fn may_write_any_ads(&self) -> bool {
        self.grants.iter().any(|g| {
            matches!(g.role, Role::Manager | Role::HrAdmin | Role::HrAdvisor)
                && g.unit_path.is_some()
        })
    }

    /// The unit paths where this person may ask for positions or see requisitions.
    pub fn requisition_unit_paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::Manager | Role::HrAdmin | Role::HrAdvisor))
            .filter_map(|g| g.unit_path.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// May give the decision of `approver` on a requisition for the unit at `unit_path`: HR over
    /// the unit, or a manager of the clinic (second level of the tree) the unit lies in.
    pub fn may_approve(&self, approver: crate::requisition::Approver, unit_path: &str) -> bool {
        match approver {
            crate::requisition::Approver::Hr => self.may_manage_postings_in(unit_path),
            crate::requisition::Approver::ClinicLeader => self.grants.iter().any(|g| {
                g.role == Role::Manager
                    && g.unit_path.as_deref().is_some_and(|p| {
                        p.split('/').filter(|s| !s.is_empty()).count() == 2
                            && is_within(unit_path, p)
                    })
            }),
        }
    }

    /// May sign off an innstilling for a posting in the unit at `unit_path` as the configured
    /// appointing authority.
    pub fn may_sign(&self, authority: crate::recommendation::Authority, unit_path: &str) -> bool {
        use crate::recommendation::Authority;
        match authority {
            Authority::Hr => self.may_approve(crate::requisition::Approver::Hr, unit_path),
            Authority::ClinicLeader => {
                self.may_approve(crate::requisition::Approver::ClinicLeader, unit_path)
            }
            Authority::Manager => self.allows(unit_path, None, |r| r == Role::Manager),
        }
    }

    /// Is a union representative for this posting.
    pub fn is_union_rep_of(&self, posting_id: i64) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::UnionRep && g.posting_id == Some(posting_id))
    }

    /// May move, reject and message the candidates of a posting in this unit: HR over it and
    /// its managers. Committee members and union representatives read and score, never decide.
    pub fn may_handle_candidates_in(&self, unit_path: &str) -> bool {
        self.may_request_in(unit_path)
    }

    pub fn may_read_applications_of(&self, unit_path: &str, posting_id: i64) -> bool {
        self.allows(unit_path, Some(posting_id), Role::may_read_applications)
    }

    /// Unit paths under which this person may see postings and their applications.
    pub fn reading_unit_paths(&self) -> Vec<String> {
        self.grants
            .iter()
            .filter(|g| g.role.may_read_applications())
            .filter_map(|g| g.unit_path.clone())
            .collect()
    }

    /// Postings granted one by one (committee members, union representatives).
    pub fn reading_posting_ids(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| g.role.may_read_applications())
            .filter_map(|g| g.posting_id)
            .collect()
    }

    /// The postings this person sees in the back office: every posting in a unit where they may
    /// read applications or manage postings, and the postings they are granted one by one.
    pub fn staff_scope(&self) -> StaffScope {
        let mut unit_paths: Vec<String> = self
            .grants
            .iter()
            .filter(|g| g.role.may_read_applications() || g.role.may_manage_postings())
            .filter_map(|g| g.unit_path.clone())
            .collect();
        unit_paths.sort();
        unit_paths.dedup();
        let outer = unit_paths.clone();
        unit_paths.retain(|p| !outer.iter().any(|o| o != p && is_within(p, o)));
        let mut posting_ids = self.reading_posting_ids();
        posting_ids.sort_unstable();
        posting_ids.dedup();
        StaffScope {
            unit_paths,
            posting_ids,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, unit: Option<&str>, posting: Option<i64>) -> Grant {
        Grant {
            role,
            unit_path: unit.map(str::to_owned),
            posting_id: posting,
        }
    }

    #[test]
    fn a_manager_sees_applications_only_in_their_own_units() {
        let access = Access {
            grants: vec![grant(Role::Manager, Some("/1/2/"), None)],
        };
        assert!(access.may_read_applications_of("/1/2/", 7));
        assert!(access.may_read_applications_of("/1/2/9/", 7));
        assert!(!access.may_read_applications_of("/1/3/", 7));
        assert!(!access.may_read_applications_of("/1/", 7));
        assert!(!access.may_manage_postings_in("/1/2/"));
    }

    #[test]
    fn a_union_rep_is_scoped_to_one_posting() {
        let access = Access {
            grants: vec![grant(Role::UnionRep, None, Some(42))],
        };
        assert!(access.may_read_applications_of("/1/2/", 42));
        assert!(!access.may_read_applications_of("/1/2/", 43));
        assert!(Role::UnionRep.scoped_to_posting());
    }

    #[test]
    fn employees_read_no_applications_and_hr_manages_postings() {
        let emp = Access {
            grants: vec![grant(Role::Employee, Some("/1/"), None)],
        };
        assert!(!emp.may_read_applications_of("/1/2/", 1));
        let hr = Access {
            grants: vec![grant(Role::HrAdvisor, Some("/1/"), None)],
        };
        assert!(hr.may_manage_postings_in("/1/5/6/"));
        assert!(hr.may_manage_any_postings());
    }

    #[test]
    fn units_nest_one_level_at_a_time_under_a_trust() {
        use UnitKind::*;
        assert_eq!(check_nesting(None, Trust), Ok(()));
        assert_eq!(check_nesting(Some(Trust), Clinic), Ok(()));
        assert_eq!(check_nesting(Some(Clinic), Department), Ok(()));
        assert_eq!(check_nesting(Some(Department), Section), Ok(()));
        for (parent, kind) in [
            (None, Clinic),
            (Some(Trust), Trust),
            (Some(Trust), Section),
            (Some(Clinic), Clinic),
            (Some(Section), Section),
        ] {
            assert_eq!(
                check_nesting(parent, kind),
                Err(Refused::UnitNesting { parent, kind }),
                "{parent:?} > {kind:?}"
            );
        }
        assert_eq!(
            check_nesting(Some(Trust), Section).unwrap_err().to_string(),
            "a trust holds a clinic, not a section"
        );
        assert_eq!(
            check_nesting(Some(Section), Section)
                .unwrap_err()
                .to_string(),
            "a section holds no units"
        );
    }

    #[test]
    fn committee_members_and_union_reps_get_a_posting_the_others_a_unit() {
        for role in [Role::CommitteeMember, Role::UnionRep] {
            assert_eq!(
                grant_scope(role, None::<i64>, Some(7)),
                Ok(GrantScope::Posting(7))
            );
            for (unit, posting) in [(Some(3), None), (Some(3), Some(7)), (None, None)] {
                let refused = grant_scope(role, unit, posting).unwrap_err();
                assert_eq!(refused, Refused::GrantScope { role });
                assert_eq!(refused.key(), "error.grant_on_posting");
            }
        }
        for role in [
            Role::HrAdmin,
            Role::HrAdvisor,
            Role::Manager,
            Role::Employee,
        ] {
            assert_eq!(
                grant_scope(role, Some("AKU"), None),
                Ok(GrantScope::Unit("AKU"))
            );
            for (unit, posting) in [(None, Some(7)), (Some("AKU"), Some(7)), (None, None)] {
                assert_eq!(
                    grant_scope(role, unit, posting),
                    Err(Refused::GrantScope { role })
                );
            }
        }
        assert_eq!(
            Refused::GrantScope {
                role: Role::UnionRep
            }
            .to_string(),
            "union_rep is granted on one posting, not on an org unit"
        );
    }

    #[test]
    fn staff_see_postings_in_their_units_and_the_postings_granted_to_them() {
        let access = Access {
            grants: vec![
                grant(Role::Manager, Some("/1/2/9/"), None),
                grant(Role::HrAdvisor, Some("/1/2/"), None),
                grant(Role::Manager, Some("/1/20/"), None),
                grant(Role::Employee, Some("/1/"), None),
                grant(Role::UnionRep, None, Some(42)),
                grant(Role::CommitteeMember, None, Some(42)),
                grant(Role::CommitteeMember, None, Some(7)),
            ],
        };
        assert_eq!(
            access.staff_scope(),
            StaffScope {
                // /1/2/9/ lies inside /1/2/; /1/20/ does not; the employee's /1/ shows nothing.
                unit_paths: vec!["/1/2/".into(), "/1/20/".into()],
                posting_ids: vec![7, 42],
            }
        );
        let employee = Access {
            grants: vec![grant(Role::Employee, Some("/1/"), None)],
        };
        assert!(employee.staff_scope().is_empty());
    }

    #[test]
    fn paths_nest_without_false_prefixes() {
        let p = child_path("/1/", 12);
        assert_eq!(p, "/1/12/");
        assert!(is_within("/1/12/40/", &p));
        assert!(!is_within("/1/120/", &p));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn managers_and_hr_request_positions_and_the_chain_knows_who_approves() {
        use crate::requisition::Approver;
        let g = |role, path: &str| Grant {
            role,
            unit_path: Some(path.into()),
            posting_id: None,
        };
        let manager = Access {
            grants: vec![g(Role::Manager, "/1/5/9/")],
        };
        let clinic_leader = Access {
            grants: vec![g(Role::Manager, "/1/5/")],
        };
        let hr = Access {
            grants: vec![g(Role::HrAdvisor, "/1/")],
        };
        let employee = Access {
            grants: vec![g(Role::Employee, "/1/")],
        };
        assert!(manager.may_request_in("/1/5/9/12/"));
        assert!(!manager.may_request_in("/1/5/"));
        assert!(!employee.may_request_in("/1/5/9/"));
        assert!(hr.may_approve(Approver::Hr, "/1/5/9/"));
        assert!(!manager.may_approve(Approver::Hr, "/1/5/9/"));
        assert!(clinic_leader.may_approve(Approver::ClinicLeader, "/1/5/9/"));
        assert!(
            !manager.may_approve(Approver::ClinicLeader, "/1/5/9/"),
            "a department manager is not the clinic leader"
        );
        assert!(!clinic_leader.may_approve(Approver::ClinicLeader, "/1/6/2/"));
        assert_eq!(hr.requisition_unit_paths(), ["/1/"]);
    }
}
