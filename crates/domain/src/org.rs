//! The organisation: an org-unit tree (trust → clinic → department → section) and roles scoped to it.

use serde::{Deserialize, Serialize};

/// The level of an org unit. A helseforetak (trust) holds klinikker, which hold avdelinger,
/// which hold seksjoner/enheter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitKind {
    Trust,
    Clinic,
    Department,
    Section,
}

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
pub enum Role {
    HrAdmin,
    HrAdvisor,
    Manager,
    /// Member of an appointment committee (ansettelsesutvalg) for one posting.
    CommitteeMember,
    /// Tillitsvalgt: reads and scores the candidates of one posting.
    UnionRep,
    Employee,
}

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

/// One grant: a role on a unit subtree or on one posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// The unit's materialised path, for unit-scoped roles.
    pub unit_path: Option<String>,
    pub posting_id: Option<i64>,
}

/// What a signed-in staff member may do, decided from their grants alone.
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
    fn paths_nest_without_false_prefixes() {
        let p = child_path("/1/", 12);
        assert_eq!(p, "/1/12/");
        assert!(is_within("/1/12/40/", &p));
        assert!(!is_within("/1/120/", &p));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
