//! Requisitions (bemanningsbehov): a manager asks for positions, HR and (for larger requests)
//! the clinic leader approve, and only then may an ad be written (capability R1).
//!
//! The law built in:
//! - **aml §14-9 (2)**: a temporary hire needs one of the grounds a–e; a substitute post
//!   (vikariat, ground b) names whom it replaces and until when.
//! - **aml §14-1 b**: full time is the rule. A part-time post needs a written justification of
//!   the need, discussed with the union representatives before the decision.

use crate::posting::Engagement;
use crate::{clean_line, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The ground for a temporary hire (aml §14-9 (2) a–e).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum TemporaryGround {
    /// a) the work is of a temporary nature (a project, a peak).
    TemporaryNature,
    /// b) work in place of another or others (vikariat): whom, and until when.
    Substitute { replaces: String, until: NaiveDate },
    /// c) practical training (praksisarbeid).
    Trainee,
    /// d) a participant in a labour market scheme run by or with NAV.
    LabourMarketScheme,
    /// e) athletes, coaches, referees and leaders in organised sport.
    Sport,
}

impl TemporaryGround {
    /// The letter in aml §14-9 (2), as forms and exports write it.
    pub fn letter(&self) -> &'static str {
        match self {
            TemporaryGround::TemporaryNature => "a",
            TemporaryGround::Substitute { .. } => "b",
            TemporaryGround::Trainee => "c",
            TemporaryGround::LabourMarketScheme => "d",
            TemporaryGround::Sport => "e",
        }
    }

    /// Message key of the ground's label.
    pub fn label_key(&self) -> &'static str {
        match self {
            TemporaryGround::TemporaryNature => "requisition.ground.a",
            TemporaryGround::Substitute { .. } => "requisition.ground.b",
            TemporaryGround::Trainee => "requisition.ground.c",
            TemporaryGround::LabourMarketScheme => "requisition.ground.d",
            TemporaryGround::Sport => "requisition.ground.e",
        }
    }

    /// The letters a form offers, in the law's order.
    pub const LETTERS: [&'static str; 5] = ["a", "b", "c", "d", "e"];
}

/// The requisition form as typed. Fields left out count as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequisitionForm {
    pub unit_id: String,
    pub profession: String,
    pub positions: String,
    pub extent_percent: String,
    pub engagement: String,
    /// `a`–`e`, for a temporary request.
    pub ground: String,
    /// For a substitute post: whom it replaces (a name or a position number).
    pub replaces: String,
    /// For a substitute post: the last day.
    pub until: String,
    pub start_date: String,
    pub cost_centre: String,
    /// For a part-time request: why the need is part time (aml §14-1 b).
    pub part_time_justification: String,
    /// For a part-time request: when it was discussed with the union representatives.
    pub union_discussed_on: String,
}

/// A requisition, parsed and lawful.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requisition {
    pub unit_id: i64,
    pub profession: String,
    pub positions: i64,
    pub extent_percent: i64,
    pub engagement: Engagement,
    /// Set exactly when the request is temporary.
    pub ground: Option<TemporaryGround>,
    pub start_date: NaiveDate,
    pub cost_centre: String,
    /// Set exactly when the request is part time.
    pub part_time: Option<PartTimeJustification>,
}

/// The written justification aml §14-1 b asks for a part-time post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartTimeJustification {
    pub text: String,
    pub union_discussed_on: NaiveDate,
}

/// A justification shorter than this says nothing ("behov", "turnus").
pub const MIN_JUSTIFICATION_CHARS: usize = 30;
/// The most positions one requisition asks for.
pub const MAX_POSITIONS: i64 = 50;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl Requisition {
    /// Every problem at once, so the manager can mend them in one go. `today` is the Norwegian
    /// date: the start cannot be in the past, and the union discussion cannot be in the future.
    pub fn parse(form: &RequisitionForm, today: NaiveDate) -> Result<Requisition, Vec<Invalid>> {
        let mut errs = Vec::new();
        let unit_id = form.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(Invalid::new("unit_id", "error.choose_unit"));
        }
        let profession = form.profession.trim().to_owned();
        if crate::profession::find(&profession).is_none() {
            errs.push(Invalid::new("profession", "error.required"));
        }
        let positions = form
            .positions
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=MAX_POSITIONS).contains(p));
        if positions.is_none() {
            errs.push(Invalid::new("positions", "error.requisition_positions"));
        }
        let extent = form
            .extent_percent
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|e| (1..=100).contains(e));
        if extent.is_none() {
            errs.push(Invalid::new("extent_percent", "error.extent_range"));
        }
        let engagement = Engagement::parse(form.engagement.trim());
        if engagement.is_none() {
            errs.push(Invalid::new("engagement", "error.required"));
        }
        let start_date = date(&form.start_date);
        match start_date {
            None => errs.push(Invalid::new("start_date", "error.date_invalid")),
            Some(d) if d < today => errs.push(Invalid::new("start_date", "error.start_past")),
            _ => {}
        }
        // aml §14-9 (2): a temporary hire names its ground; a substitute post whom and until when.
        let ground = match engagement {
            Some(Engagement::Temporary) => match form.ground.trim() {
                "a" => Some(TemporaryGround::TemporaryNature),
                "b" => {
                    let replaces = clean_line(&form.replaces).unwrap_or_default();
                    if replaces.is_empty() {
                        errs.push(Invalid::new("replaces", "error.substitute_replaces"));
                    } else if replaces.chars().count() > 200 {
                        errs.push(Invalid::new("replaces", "error.too_long"));
                    }
                    let until = date(&form.until);
                    match (until, start_date) {
                        (None, _) => errs.push(Invalid::new("until", "error.date_invalid")),
                        (Some(u), Some(s)) if u < s => {
                            errs.push(Invalid::new("until", "error.until_before_start"))
                        }
                        _ => {}
                    }
                    until.map(|until| TemporaryGround::Substitute { replaces, until })
                }
                "c" => Some(TemporaryGround::Trainee),
                "d" => Some(TemporaryGround::LabourMarketScheme),
                "e" => Some(TemporaryGround::Sport),
                _ => {
                    errs.push(Invalid::new("ground", "error.temporary_ground"));
                    None
                }
            },
            _ => None,
        };
        // aml §14-1 b: part time needs a written justification discussed with the union.
        let part_time = match extent {
            Some(e) if e < 100 => {
                let text = form.part_time_justification.trim().replace("\r\n", "\n");
                let discussed = date(&form.union_discussed_on);
                if text.chars().count() < MIN_JUSTIFICATION_CHARS {
                    errs.push(Invalid::new(
                        "part_time_justification",
                        "error.part_time_justification",
                    ));
                } else if text.chars().count() > 5000 {
                    errs.push(Invalid::new("part_time_justification", "error.too_long"));
                }
                match discussed {
                    None => errs.push(Invalid::new("union_discussed_on", "error.union_discussed")),
                    Some(d) if d > today => errs.push(Invalid::new(
                        "union_discussed_on",
                        "error.union_discussed_future",
                    )),
                    _ => {}
                }
                discussed.map(|union_discussed_on| PartTimeJustification {
                    text,
                    union_discussed_on,
                })
            }
            _ => None,
        };
        let cost_centre = clean_line(&form.cost_centre).unwrap_or_default();
        if cost_centre.is_empty() {
            errs.push(Invalid::new("cost_centre", "error.required"));
        } else if cost_centre.chars().count() > 40 {
            errs.push(Invalid::new("cost_centre", "error.too_long"));
        }
        match (unit_id, positions, extent, engagement, start_date) {
            (
                Some(unit_id),
                Some(positions),
                Some(extent_percent),
                Some(engagement),
                Some(start),
            ) if errs.is_empty() => Ok(Requisition {
                unit_id,
                profession,
                positions,
                extent_percent,
                engagement,
                ground,
                start_date: start,
                cost_centre,
                part_time,
            }),
            _ => Err(errs),
        }
    }
}

/// Where a requisition is on its way to an ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequisitionStatus {
    /// Waiting for the next approver in the chain.
    Submitted,
    /// Sent back to the manager with a comment; they may change it and submit again.
    Returned,
    /// Every approver said yes: an ad may be written.
    Approved,
    /// Said no; stays as a record.
    Rejected,
}

crate::text_enum!(RequisitionStatus, "requisition status");

impl RequisitionStatus {
    pub const ALL: [RequisitionStatus; 4] = [
        RequisitionStatus::Submitted,
        RequisitionStatus::Returned,
        RequisitionStatus::Approved,
        RequisitionStatus::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RequisitionStatus::Submitted => "submitted",
            RequisitionStatus::Returned => "returned",
            RequisitionStatus::Approved => "approved",
            RequisitionStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        RequisitionStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Still on its way to an ad (waiting or approved): preferential rights are settled only for
    /// a live requisition.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            RequisitionStatus::Submitted | RequisitionStatus::Approved
        )
    }
    pub fn label_key(self) -> &'static str {
        match self {
            RequisitionStatus::Submitted => "requisition.status.submitted",
            RequisitionStatus::Returned => "requisition.status.returned",
            RequisitionStatus::Approved => "requisition.status.approved",
            RequisitionStatus::Rejected => "requisition.status.rejected",
        }
    }
}

/// Who approves a step of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    /// An HR advisor or HR admin over the unit.
    Hr,
    /// A manager at clinic level over the unit (klinikkleder).
    ClinicLeader,
}

/// One step of the approval chain: who, and from how many positions on it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStep {
    pub approver: Approver,
    /// The step applies to requisitions of at least this many positions.
    pub from_positions: i64,
}

/// The approval chain, configurable per trust. The default: HR always, then the clinic leader for
/// requests of three positions or more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    pub steps: Vec<ApprovalStep>,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            steps: vec![
                ApprovalStep {
                    approver: Approver::Hr,
                    from_positions: 1,
                },
                ApprovalStep {
                    approver: Approver::ClinicLeader,
                    from_positions: 3,
                },
            ],
        }
    }
}

/// What an approver decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    /// Back to the manager with a comment.
    Return,
    Reject,
}

impl ApprovalPolicy {
    /// A chain as configured: `hr:1,clinic_leader:3` means HR for every request, then the
    /// clinic leader from three positions. HR must be in the chain, and each approver once.
    pub fn parse(spec: &str) -> Result<ApprovalPolicy, String> {
        let mut steps = vec![];
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (who, from) = part
                .split_once(':')
                .ok_or_else(|| format!("{part:?}: write approver:positions, e.g. hr:1"))?;
            let approver = match who.trim() {
                "hr" => Approver::Hr,
                "clinic_leader" => Approver::ClinicLeader,
                other => return Err(format!("unknown approver {other:?} (hr, clinic_leader)")),
            };
            let from_positions = from
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| format!("{part:?}: positions must be 1 to 50"))?;
            if steps.iter().any(|s: &ApprovalStep| s.approver == approver) {
                return Err(format!("{who} is in the chain twice"));
            }
            steps.push(ApprovalStep {
                approver,
                from_positions,
            });
        }
        match steps.iter().find(|s| s.approver == Approver::Hr) {
            Some(hr) if hr.from_positions == 1 => Ok(ApprovalPolicy { steps }),
            _ => Err("HR must approve every request: include hr:1".into()),
        }
    }

    /// The approvers a requisition of `positions` needs, in order.
    pub fn chain(&self, positions: i64) -> Vec<Approver> {
        self.steps
            .iter()
            .filter(|s| positions >= s.from_positions)
            .map(|s| s.approver)
            .collect()
    }

    /// After `decision` by the approver whose turn it is (`approved_so_far` approvals are already
    /// given): the new status, and whose turn it is next. A return or a rejection needs a comment
    /// (the requester is told why); a returned requisition starts the chain again when resubmitted.
    pub fn decide(
        &self,
        positions: i64,
        approved_so_far: usize,
        decision: Decision,
        comment: &str,
    ) -> Result<(RequisitionStatus, Option<Approver>), Invalid> {
        let chain = self.chain(positions);
        if decision != Decision::Approve && comment.trim().is_empty() {
            return Err(Invalid::new("comment", "error.decision_comment"));
        }
        Ok(match decision {
            Decision::Approve => match chain.get(approved_so_far + 1) {
                Some(next) => (RequisitionStatus::Submitted, Some(*next)),
                None => (RequisitionStatus::Approved, None),
            },
            Decision::Return => (RequisitionStatus::Returned, None),
            Decision::Reject => (RequisitionStatus::Rejected, None),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_is_configured_per_trust_and_hr_is_always_in_it() {
        assert_eq!(
            ApprovalPolicy::parse("hr:1, clinic_leader:3"),
            Ok(ApprovalPolicy::default())
        );
        let hr_only = ApprovalPolicy::parse("hr:1").unwrap();
        assert_eq!(hr_only.chain(10), [Approver::Hr]);
        let strict = ApprovalPolicy::parse("hr:1,clinic_leader:1").unwrap();
        assert_eq!(strict.chain(1), [Approver::Hr, Approver::ClinicLeader]);
        for bad in [
            "",
            "clinic_leader:1",
            "hr:2",
            "hr:1,hr:1",
            "hr",
            "hr:0",
            "boss:1,hr:1",
        ] {
            assert!(ApprovalPolicy::parse(bad).is_err(), "{bad}");
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
    }

    fn form() -> RequisitionForm {
        RequisitionForm {
            unit_id: "12".into(),
            profession: "nurse".into(),
            positions: "2".into(),
            extent_percent: "100".into(),
            engagement: "permanent".into(),
            start_date: "2027-04-01".into(),
            cost_centre: "AKU-4410".into(),
            ..Default::default()
        }
    }

    fn fields(r: Result<Requisition, Vec<Invalid>>) -> Vec<&'static str> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_full_time_permanent_request_needs_no_ground_or_justification() {
        let r = Requisition::parse(&form(), today()).unwrap();
        assert_eq!(r.ground, None);
        assert_eq!(r.part_time, None);
        assert_eq!(r.positions, 2);
    }

    #[test]
    fn a_temporary_request_names_its_ground_under_aml_14_9() {
        let mut f = form();
        f.engagement = "temporary".into();
        assert_eq!(fields(Requisition::parse(&f, today())), ["ground"]);
        f.ground = "f".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["ground"],
            "the general ground was repealed"
        );
        for (letter, expected) in [
            ("a", TemporaryGround::TemporaryNature),
            ("c", TemporaryGround::Trainee),
            ("d", TemporaryGround::LabourMarketScheme),
            ("e", TemporaryGround::Sport),
        ] {
            f.ground = letter.into();
            let r = Requisition::parse(&f, today()).unwrap();
            assert_eq!(r.ground.as_ref(), Some(&expected));
            assert_eq!(expected.letter(), letter);
        }
    }

    #[test]
    fn a_substitute_post_says_whom_it_replaces_and_until_when() {
        let mut f = form();
        f.engagement = "temporary".into();
        f.ground = "b".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["replaces", "until"]
        );
        f.replaces = "Stilling 40213 (foreldrepermisjon)".into();
        f.until = "2027-03-01".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["until"],
            "ends before it starts"
        );
        f.until = "2027-12-31".into();
        let r = Requisition::parse(&f, today()).unwrap();
        assert_eq!(
            r.ground,
            Some(TemporaryGround::Substitute {
                replaces: "Stilling 40213 (foreldrepermisjon)".into(),
                until: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            })
        );
    }

    #[test]
    fn a_part_time_request_needs_a_justification_discussed_with_the_union_under_aml_14_1b() {
        let mut f = form();
        f.extent_percent = "60".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["part_time_justification", "union_discussed_on"]
        );
        f.part_time_justification = "Turnus".into();
        f.union_discussed_on = "2027-03-01".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["part_time_justification", "union_discussed_on"],
            "a word is no justification, and the discussion cannot be in the future"
        );
        f.part_time_justification =
            "Helgestillinger: behovet er bare annenhver helg, jf. bemanningsplanen.".into();
        f.union_discussed_on = "2027-01-20".into();
        let r = Requisition::parse(&f, today()).unwrap();
        let pt = r.part_time.unwrap();
        assert_eq!(
            pt.union_discussed_on,
            NaiveDate::from_ymd_opt(2027, 1, 20).unwrap()
        );
        f.extent_percent = "100".into();
        assert_eq!(
            Requisition::parse(&f, today()).unwrap().part_time,
            None,
            "full time needs none"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let f = RequisitionForm::default();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            [
                "unit_id",
                "profession",
                "positions",
                "extent_percent",
                "engagement",
                "start_date",
                "cost_centre"
            ]
        );
        let mut f = form();
        f.start_date = "2027-01-15".into();
        f.positions = "51".into();
        assert_eq!(
            fields(Requisition::parse(&f, today())),
            ["positions", "start_date"]
        );
    }

    #[test]
    fn the_approval_chain_grows_with_the_number_of_positions() {
        let p = ApprovalPolicy::default();
        assert_eq!(p.chain(1), [Approver::Hr]);
        assert_eq!(p.chain(3), [Approver::Hr, Approver::ClinicLeader]);
        // One position: HR's yes approves it.
        assert_eq!(
            p.decide(1, 0, Decision::Approve, "").unwrap(),
            (RequisitionStatus::Approved, None)
        );
        // Four positions: HR's yes passes it to the clinic leader, whose yes approves it.
        assert_eq!(
            p.decide(4, 0, Decision::Approve, "").unwrap(),
            (RequisitionStatus::Submitted, Some(Approver::ClinicLeader))
        );
        assert_eq!(
            p.decide(4, 1, Decision::Approve, "").unwrap(),
            (RequisitionStatus::Approved, None)
        );
        // Returning or rejecting says why.
        assert_eq!(
            p.decide(4, 1, Decision::Return, " ").unwrap_err().field,
            "comment"
        );
        assert_eq!(
            p.decide(4, 1, Decision::Reject, "Ingen budsjettdekning")
                .unwrap(),
            (RequisitionStatus::Rejected, None)
        );
        let strict = ApprovalPolicy {
            steps: vec![
                ApprovalStep {
                    approver: Approver::Hr,
                    from_positions: 1,
                },
                ApprovalStep {
                    approver: Approver::ClinicLeader,
                    from_positions: 1,
                },
            ],
        };
        assert_eq!(strict.chain(1).len(), 2, "configurable per trust");
    }

    #[test]
    fn statuses_read_back_from_their_names() {
        for s in RequisitionStatus::ALL {
            assert_eq!(RequisitionStatus::parse(s.as_str()), Some(s));
        }
        assert!(RequisitionStatus::Approved.is_live());
        assert!(!RequisitionStatus::Rejected.is_live());
        assert!(!RequisitionStatus::Returned.is_live());
    }
}
