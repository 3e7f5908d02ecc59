//! The pipeline (R6): a posting's own stages, each mapped to a canonical [`Phase`], the moves
//! between them, how long a candidate has waited, and the messages that go with a move.
//!
//! Source: PRODUCT.md R6 ("configurable stages mapped to canonical phases …, bulk actions with
//! templated messages, no candidate left unanswered").

use crate::posting::Phase;
use crate::{clean_line, Invalid, Lang};
use serde::{Deserialize, Serialize};

/// One stage as a template or a posting defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDef {
    pub name_nb: String,
    pub name_en: String,
    pub phase: Phase,
}

/// A posting's stage: its number within the posting (kept when stages are added or renamed,
/// so an application's stage never changes meaning), names and phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub position: i64,
    pub name_nb: String,
    pub name_en: String,
    pub phase: Phase,
}

impl Stage {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.name_nb,
            Lang::En if self.name_en.is_empty() => &self.name_nb,
            Lang::En => &self.name_en,
        }
    }
}

/// The phases a stage may map to: every phase but the two exits, which are reached from
/// anywhere and need no stage of their own.
pub const STAGE_PHASES: [Phase; 7] = [
    Phase::Applied,
    Phase::Screening,
    Phase::Interview,
    Phase::References,
    Phase::Recommendation,
    Phase::Offer,
    Phase::Hired,
];

/// One stage per phase, in bokmål and English: what a posting gets when its template names none.
pub fn default_stages() -> Vec<StageDef> {
    let names: [(&str, &str); 7] = [
        ("Mottatt", "Received"),
        ("Vurdering", "Screening"),
        ("Intervju", "Interview"),
        ("Referanser og verifisering", "References and verification"),
        ("Innstilling", "Recommendation"),
        ("Tilbud", "Offer"),
        ("Ansatt", "Hired"),
    ];
    STAGE_PHASES
        .iter()
        .zip(names)
        .map(|(phase, (nb, en))| StageDef {
            name_nb: nb.to_owned(),
            name_en: en.to_owned(),
            phase: *phase,
        })
        .collect()
}

/// Numbered stages from definitions (1, 2, …).
pub fn numbered(defs: &[StageDef]) -> Vec<Stage> {
    defs.iter()
        .enumerate()
        .map(|(i, d)| Stage {
            position: i as i64 + 1,
            name_nb: d.name_nb.clone(),
            name_en: d.name_en.clone(),
            phase: d.phase,
        })
        .collect()
}

pub const MAX_STAGES: usize = 20;
pub const MAX_STAGE_NAME: usize = 60;

/// A posting's stages are sound: a first stage for received applications, the phases in their
/// order (several stages may share one), a last stage for the hire, no stage for the exits,
/// every name in bokmål (English optional) and at most [`MAX_STAGES`].
pub fn check_stages(stages: &[StageDef]) -> Result<(), Invalid> {
    let bad = |key| Err(Invalid::new("stages", key));
    if stages.is_empty() || stages.len() > MAX_STAGES {
        return bad("stages.count");
    }
    if stages[0].phase != Phase::Applied {
        return bad("stages.first_applied");
    }
    if stages.last().map(|s| s.phase) != Some(Phase::Hired)
        || stages.iter().filter(|s| s.phase == Phase::Hired).count() != 1
    {
        return bad("stages.last_hired");
    }
    if stages.iter().any(|s| !STAGE_PHASES.contains(&s.phase)) {
        return bad("stages.no_exit_stage");
    }
    let order = |p: Phase| STAGE_PHASES.iter().position(|q| *q == p).unwrap_or(0);
    if stages
        .windows(2)
        .any(|w| order(w[0].phase) > order(w[1].phase))
    {
        return bad("stages.bad_order");
    }
    for s in stages {
        let nb = clean_line(&s.name_nb).unwrap_or_default();
        let en = clean_line(&s.name_en).unwrap_or_default();
        if nb.is_empty() || nb != s.name_nb || en != s.name_en {
            return bad("stages.name");
        }
        if nb.chars().count() > MAX_STAGE_NAME || en.chars().count() > MAX_STAGE_NAME {
            return bad("stages.name");
        }
    }
    Ok(())
}

/// Where a move takes the chosen applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// To the posting's stage with this number.
    Stage(i64),
    /// A final no.
    Reject,
}

/// Why a move of one application is refused; the key of the text the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefused {
    /// The candidate already has a final answer (hired, rejected or withdrawn).
    AlreadyFinal,
    /// Only the candidate withdraws an application.
    Withdraw,
    /// A hire is made by the candidate accepting an offer, not by a move.
    HireByOffer,
    /// The application is already in that stage.
    Same,
    /// Someone else moved it meanwhile.
    Changed,
}

impl MoveRefused {
    pub fn key(self) -> &'static str {
        match self {
            MoveRefused::AlreadyFinal => "pipeline.already_final",
            MoveRefused::Withdraw => "pipeline.no_withdraw",
            MoveRefused::HireByOffer => "pipeline.hire_by_offer",
            MoveRefused::Same => "pipeline.same_stage",
            MoveRefused::Changed => "pipeline.changed",
        }
    }
}

/// May an application in `from` (its phase, its stage) be moved to `to`? Moves may go back as
/// well as forward (a candidate taken on to interview after all), but never out of a final
/// answer, never into a withdrawal (the candidate's own act) or a hire (made by acceptance).
pub fn check_move(from: (Phase, Option<i64>), to: (Phase, Option<i64>)) -> Result<(), MoveRefused> {
    if from.0.is_final() {
        return Err(MoveRefused::AlreadyFinal);
    }
    match to.0 {
        Phase::Withdrawn => Err(MoveRefused::Withdraw),
        Phase::Hired => Err(MoveRefused::HireByOffer),
        _ if from == to => Err(MoveRefused::Same),
        _ => Ok(()),
    }
}

/// The stage an application stands in: its own stage number, or (for one never moved, or moved
/// before the posting had stages of its own) the first stage of its phase. `None` for the exits.
pub fn stage_of(stages: &[Stage], phase: Phase, stage: Option<i64>) -> Option<&Stage> {
    if phase == Phase::Rejected || phase == Phase::Withdrawn {
        return None;
    }
    stage
        .and_then(|n| stages.iter().find(|s| s.position == n && s.phase == phase))
        .or_else(|| stages.iter().find(|s| s.phase == phase))
}

/// Whole days since `since` (Unix seconds) at `now`.
pub fn days_waiting(since: i64, now: i64) -> i64 {
    ((now - since) / 86_400).max(0)
}

/// Has a candidate in `phase` since `since` waited longer than `answer_days`? Those with a
/// final answer wait for nothing.
pub fn overdue(phase: Phase, since: i64, now: i64, answer_days: i64) -> bool {
    !phase.is_final() && days_waiting(since, now) >= answer_days
}

pub const MIN_ANSWER_DAYS: i64 = 1;
pub const MAX_ANSWER_DAYS: i64 = 180;

/// What a move or rejection is for: chooses which templates are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Move,
    Reject,
}

/// A message template in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageTemplate {
    pub key: String,
    pub purpose: Purpose,
    pub nb_name: String,
    pub en_name: String,
    pub nb_subject: String,
    pub nb_body: String,
    pub en_subject: String,
    pub en_body: String,
}

impl MessageTemplate {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb_name,
            Lang::En => &self.en_name,
        }
    }
    pub fn text(&self, lang: Lang) -> Message {
        match lang {
            Lang::Nb => Message {
                subject: self.nb_subject.clone(),
                body: self.nb_body.clone(),
            },
            Lang::En => Message {
                subject: self.en_subject.clone(),
                body: self.en_body.clone(),
            },
        }
    }
}

#[derive(Deserialize)]
struct MessageFile {
    message: Vec<MessageTemplate>,
}

/// The built-in templates (`data/messages.toml`).
pub fn message_templates() -> &'static [MessageTemplate] {
    // Parsed once: every applicant list offers them.
    static TEMPLATES: std::sync::LazyLock<Vec<MessageTemplate>> = std::sync::LazyLock::new(|| {
        let f: MessageFile = toml::from_str(include_str!("../data/messages.toml"))
            .unwrap_or_else(|e| panic!("data/messages.toml does not parse: {e}"));
        f.message
    });
    &TEMPLATES
}

/// A message to a candidate in one language, with placeholders still in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// The placeholders a message may hold.
pub const PLACEHOLDERS: [&str; 3] = ["{name}", "{title}", "{org}"];

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 10_000;

impl Message {
    /// A message as the sender typed it: subject on one line, a body, both within bounds, and
    /// no `{…}` but the known placeholders (a typo would reach the candidate as it is).
    /// `prefix` names the fields (`nb_` or `en_`).
    pub fn check(&self, subject_field: &'static str, body_field: &'static str) -> Vec<Invalid> {
        let mut errs = vec![];
        let subject = self.subject.trim();
        if subject.is_empty() {
            errs.push(Invalid::new(subject_field, "error.required"));
        } else if subject.chars().count() > MAX_SUBJECT {
            errs.push(Invalid::new(subject_field, "error.too_long"));
        } else if clean_line(subject).is_none() {
            errs.push(Invalid::new(subject_field, "error.control_chars"));
        } else if unknown_placeholder(subject) {
            errs.push(Invalid::new(subject_field, "message.unknown_placeholder"));
        }
        let body = self.body.trim();
        if body.is_empty() {
            errs.push(Invalid::new(body_field, "error.required"));
        } else if body.chars().count() > MAX_BODY {
            errs.push(Invalid::new(body_field, "error.too_long"));
        } else if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errs.push(Invalid::new(body_field, "error.control_chars"));
        } else if unknown_placeholder(body) {
            errs.push(Invalid::new(body_field, "message.unknown_placeholder"));
        }
        errs
    }

    /// The message for one candidate: placeholders replaced, line ends made `\n`.
    pub fn fill(&self, name: &str, title: &str, org: &str) -> Message {
        let f = |s: &str| {
            s.replace("\r\n", "\n")
                .replace("{name}", name)
                .replace("{title}", title)
                .replace("{org}", org)
                .trim()
                .to_owned()
        };
        Message {
            subject: f(&self.subject),
            body: f(&self.body),
        }
    }
}

fn unknown_placeholder(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i..];
        if !PLACEHOLDERS.iter().any(|p| tail.starts_with(p)) {
            return true;
        }
        rest = &tail[1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_stages_are_sound_and_cover_every_phase_but_the_exits() {
        let d = default_stages();
        assert_eq!(check_stages(&d), Ok(()));
        let phases: Vec<Phase> = d.iter().map(|s| s.phase).collect();
        assert_eq!(phases, STAGE_PHASES.to_vec());
    }

    #[test]
    fn stages_must_start_with_received_end_with_hired_and_keep_the_phase_order() {
        let mut d = default_stages();
        d.insert(
            3,
            StageDef {
                name_nb: "Andre intervju".into(),
                name_en: "Second interview".into(),
                phase: Phase::Interview,
            },
        );
        assert_eq!(check_stages(&d), Ok(()), "two stages may share a phase");
        let mut swapped = default_stages();
        swapped.swap(1, 2);
        assert_eq!(check_stages(&swapped).unwrap_err().key, "stages.bad_order");
        let mut no_first = default_stages();
        no_first.remove(0);
        assert_eq!(
            check_stages(&no_first).unwrap_err().key,
            "stages.first_applied"
        );
        let mut no_hire = default_stages();
        no_hire.pop();
        assert_eq!(check_stages(&no_hire).unwrap_err().key, "stages.last_hired");
        let mut exit = default_stages();
        exit.insert(
            1,
            StageDef {
                name_nb: "Avslått".into(),
                name_en: String::new(),
                phase: Phase::Rejected,
            },
        );
        assert!(check_stages(&exit).is_err());
        let mut unnamed = default_stages();
        unnamed[2].name_nb = " ".into();
        assert_eq!(check_stages(&unnamed).unwrap_err().key, "stages.name");
        assert_eq!(check_stages(&[]).unwrap_err().key, "stages.count");
    }

    #[test]
    fn moves_never_leave_a_final_answer_nor_make_a_hire_or_a_withdrawal() {
        let screening = (Phase::Screening, Some(2));
        assert_eq!(check_move(screening, (Phase::Interview, Some(3))), Ok(()));
        assert_eq!(
            check_move((Phase::Interview, Some(3)), screening),
            Ok(()),
            "back is allowed"
        );
        assert_eq!(check_move(screening, (Phase::Rejected, None)), Ok(()));
        assert_eq!(
            check_move(screening, screening),
            Err(MoveRefused::Same),
            "no move"
        );
        for f in [Phase::Rejected, Phase::Withdrawn, Phase::Hired] {
            assert_eq!(
                check_move((f, None), screening),
                Err(MoveRefused::AlreadyFinal)
            );
        }
        assert_eq!(
            check_move(screening, (Phase::Hired, Some(7))),
            Err(MoveRefused::HireByOffer)
        );
        assert_eq!(
            check_move(screening, (Phase::Withdrawn, None)),
            Err(MoveRefused::Withdraw)
        );
    }

    #[test]
    fn an_application_stands_in_its_stage_or_the_first_of_its_phase() {
        let mut d = default_stages();
        d.insert(
            3,
            StageDef {
                name_nb: "Andre intervju".into(),
                name_en: "Second interview".into(),
                phase: Phase::Interview,
            },
        );
        let s = numbered(&d);
        assert_eq!(
            stage_of(&s, Phase::Interview, Some(4)).unwrap().name_nb,
            "Andre intervju"
        );
        assert_eq!(
            stage_of(&s, Phase::Interview, None).unwrap().name_nb,
            "Intervju"
        );
        // a number from another phase is not trusted
        assert_eq!(
            stage_of(&s, Phase::Screening, Some(4)).unwrap().name_nb,
            "Vurdering"
        );
        assert!(stage_of(&s, Phase::Rejected, None).is_none());
        assert_eq!(s[3].name(Lang::En), "Second interview");
    }

    #[test]
    fn waiting_counts_whole_days_and_only_for_open_cases() {
        let day = 86_400;
        assert_eq!(days_waiting(0, 3 * day - 1), 2);
        assert_eq!(days_waiting(10, 0), 0);
        assert!(overdue(Phase::Screening, 0, 14 * day, 14));
        assert!(!overdue(Phase::Screening, 0, 14 * day - 1, 14));
        assert!(!overdue(Phase::Rejected, 0, 100 * day, 14));
    }

    #[test]
    fn the_built_in_messages_parse_fill_and_pass_their_own_check() {
        let all = message_templates();
        assert!(all.iter().any(|m| m.purpose == Purpose::Reject));
        assert!(all.iter().any(|m| m.purpose == Purpose::Move));
        for m in all {
            for lang in [Lang::Nb, Lang::En] {
                let text = m.text(lang);
                assert_eq!(text.check("s", "b"), vec![], "{} {lang:?}", m.key);
                let filled = text.fill("Kari Nordmann", "Sykepleier", "OUS");
                assert!(filled.body.contains("Kari Nordmann"), "{}", m.key);
                assert!(!filled.body.contains('{'), "{}", m.key);
            }
        }
    }

    #[test]
    fn a_message_refuses_unknown_placeholders_and_empty_parts() {
        let m = Message {
            subject: "Hei {navn}".into(),
            body: String::new(),
        };
        let keys: Vec<&str> = m.check("s", "b").iter().map(|e| e.key).collect();
        assert_eq!(keys, vec!["message.unknown_placeholder", "error.required"]);
        let ok = Message {
            subject: "Svar".into(),
            body: "Hei {name}, om {title}.\r\nHilsen {org}".into(),
        };
        assert!(ok.check("s", "b").is_empty());
        assert_eq!(ok.fill("A B", "T", "O").body, "Hei A B, om T.\nHilsen O");
    }
}
