//! Postings (utlysninger) and applications (søknader): what a posting is, its life from draft to
//! closed, and what the public sees of it.

use crate::{clean_line, Invalid, Refused};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Fast or midlertidig. A temporary post needs a ground in aml §14-9 (checked from R1 on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engagement {
    Permanent,
    Temporary,
}

crate::text_enum!(Engagement, "engagement");

impl Engagement {
    pub fn as_str(self) -> &'static str {
        match self {
            Engagement::Permanent => "permanent",
            Engagement::Temporary => "temporary",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "permanent" => Some(Engagement::Permanent),
            "temporary" => Some(Engagement::Temporary),
            _ => None,
        }
    }
    /// Message key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Engagement::Permanent => "engagement.permanent",
            Engagement::Temporary => "engagement.temporary",
        }
    }
}

/// Where a posting is in its life: draft → published → closed (OUS strategy step 2, "recruit": HR
/// writes the ad, publishes it, and it closes at its deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingStatus {
    /// Being written; nobody outside the back office sees it.
    Draft,
    /// On the career site; open for applications until the end of the deadline day.
    Published,
    /// No longer takes applications; the ad can still be read by its address.
    Closed,
}

crate::text_enum!(PostingStatus, "posting status");

impl PostingStatus {
    pub const ALL: [PostingStatus; 3] = [
        PostingStatus::Draft,
        PostingStatus::Published,
        PostingStatus::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PostingStatus::Draft => "draft",
            PostingStatus::Published => "published",
            PostingStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        PostingStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            PostingStatus::Draft => "status.draft",
            PostingStatus::Published => "status.published",
            PostingStatus::Closed => "status.closed",
        }
    }

    /// The status every other rule goes by: a published posting whose deadline day is over counts
    /// as closed, whether or not the close-postings job has written that down yet. Deadlines are
    /// Norwegian days, the deadline day included.
    pub fn effective(self, deadline: NaiveDate, today: NaiveDate) -> PostingStatus {
        match self {
            PostingStatus::Published if today > deadline => PostingStatus::Closed,
            s => s,
        }
    }

    /// The status after `step`, or why not: only a draft is published, and only while its deadline
    /// is still ahead (or today); only a published posting is closed (HR ends it early, or the job
    /// closes it after its deadline). A closed posting stays closed.
    pub fn after(
        self,
        step: Transition,
        deadline: NaiveDate,
        today: NaiveDate,
    ) -> Result<PostingStatus, Refused> {
        match (self, step) {
            (PostingStatus::Draft, Transition::Publish) if today > deadline => {
                Err(Refused::DeadlinePassed)
            }
            (PostingStatus::Draft, Transition::Publish) => Ok(PostingStatus::Published),
            (PostingStatus::Published, Transition::Close) => Ok(PostingStatus::Closed),
            (from, transition) => Err(Refused::PostingTransition { from, transition }),
        }
    }
}

/// A step in a posting's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Publish,
    Close,
}

impl Transition {
    /// "published", "closed": for messages.
    pub fn done(self) -> &'static str {
        match self {
            Transition::Publish => "published",
            Transition::Close => "closed",
        }
    }
}

/// What the public sees of a posting on the career site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicView {
    /// A draft: answered as "not found", so its existence is not revealed.
    NotFound,
    /// Closed (or past its deadline): the ad can be read by its address, but it is not listed and
    /// takes no applications.
    ReadOnly,
    /// Published and open: listed, searchable and taking applications.
    Open,
}

impl PublicView {
    /// What the public sees of a posting with this status and deadline today.
    pub fn of(status: PostingStatus, deadline: NaiveDate, today: NaiveDate) -> PublicView {
        match status.effective(deadline, today) {
            PostingStatus::Draft => PublicView::NotFound,
            PostingStatus::Published => PublicView::Open,
            PostingStatus::Closed => PublicView::ReadOnly,
        }
    }
    /// The ad answers at its address.
    pub fn is_visible(self) -> bool {
        self != PublicView::NotFound
    }
    /// On the list and in search results.
    pub fn is_listed(self) -> bool {
        self == PublicView::Open
    }
    pub fn accepts_applications(self) -> bool {
        self == PublicView::Open
    }
}

/// A posting accepts applications while it is published and the deadline day has not passed
/// (the deadline day itself is included, Norwegian time).
pub fn accepts_applications(status: PostingStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    PublicView::of(status, deadline, today).accepts_applications()
}

/// A posting as HR writes it, parsed from the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostingDraft {
    pub title: String,
    pub body: String,
    pub unit_id: i64,
    pub profession: String,
    pub engagement: Engagement,
    /// Stillingsprosent, 1–100.
    pub extent_percent: i64,
    pub positions: i64,
    pub deadline: NaiveDate,
}

/// The raw fields of the posting form (a missing field is empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PostingForm {
    pub title: String,
    pub body: String,
    pub unit_id: String,
    pub profession: String,
    pub engagement: String,
    pub extent_percent: String,
    pub positions: String,
    pub deadline: String,
}

impl PostingDraft {
    /// Every problem in the form at once, so the user can mend them in one go.
    pub fn parse(form: &PostingForm, today: NaiveDate) -> Result<Self, Vec<Invalid>> {
        let mut errs = Vec::new();
        let title = clean_line(&form.title).unwrap_or_default();
        if title.is_empty() {
            errs.push(Invalid::new("title", "error.required"));
        } else if title.chars().count() > 200 {
            errs.push(Invalid::new("title", "error.too_long"));
        }
        let body = form.body.trim().replace("\r\n", "\n");
        if body.is_empty() {
            errs.push(Invalid::new("body", "error.required"));
        } else if body.chars().count() > 50_000 {
            errs.push(Invalid::new("body", "error.too_long"));
        }
        let unit_id = form.unit_id.trim().parse::<i64>().ok();
        if unit_id.is_none() {
            errs.push(Invalid::new("unit_id", "error.choose_unit"));
        }
        let profession = form.profession.trim().to_owned();
        if profession.is_empty() {
            errs.push(Invalid::new("profession", "error.required"));
        }
        let engagement = Engagement::parse(form.engagement.trim());
        if engagement.is_none() {
            errs.push(Invalid::new("engagement", "error.required"));
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
        let positions = form
            .positions
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100).contains(p));
        if positions.is_none() {
            errs.push(Invalid::new("positions", "error.positions_range"));
        }
        let deadline = NaiveDate::parse_from_str(form.deadline.trim(), "%Y-%m-%d").ok();
        match deadline {
            None => errs.push(Invalid::new("deadline", "error.date_invalid")),
            Some(d) if d < today => errs.push(Invalid::new("deadline", "error.deadline_past")),
            _ => {}
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(PostingDraft {
            title,
            body,
            unit_id: unit_id.unwrap_or_default(),
            profession,
            engagement: engagement.unwrap_or(Engagement::Permanent),
            extent_percent: extent.unwrap_or_default(),
            positions: positions.unwrap_or_default(),
            deadline: deadline.unwrap_or(today),
        })
    }
}

/// The canonical phases every configurable pipeline stage maps to (R6). An application can be
/// rejected or withdrawn from any phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Applied,
    Screening,
    Interview,
    References,
    /// Innstilling: ranked recommendation with written reasons.
    Recommendation,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

crate::text_enum!(Phase, "application phase");

impl Phase {
    pub const ALL: [Phase; 9] = [
        Phase::Applied,
        Phase::Screening,
        Phase::Interview,
        Phase::References,
        Phase::Recommendation,
        Phase::Offer,
        Phase::Hired,
        Phase::Rejected,
        Phase::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Applied => "applied",
            Phase::Screening => "screening",
            Phase::Interview => "interview",
            Phase::References => "references",
            Phase::Recommendation => "recommendation",
            Phase::Offer => "offer",
            Phase::Hired => "hired",
            Phase::Rejected => "rejected",
            Phase::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Phase::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Phase::Applied => "phase.applied",
            Phase::Screening => "phase.screening",
            Phase::Interview => "phase.interview",
            Phase::References => "phase.references",
            Phase::Recommendation => "phase.recommendation",
            Phase::Offer => "phase.offer",
            Phase::Hired => "phase.hired",
            Phase::Rejected => "phase.rejected",
            Phase::Withdrawn => "phase.withdrawn",
        }
    }
    pub fn is_final(self) -> bool {
        matches!(self, Phase::Hired | Phase::Rejected | Phase::Withdrawn)
    }
}

/// What the career-site search matches against: title and text, lowercased with Unicode rules
/// (SQLite's `LOWER` knows only ASCII, so Æ, Ø and Å are folded here, once, for both databases).
pub fn search_text(title: &str, body: &str) -> String {
    format!("{}\n{}", title.to_lowercase(), body.to_lowercase())
}

/// Where an application came from (A2: the source of every application is recorded).
pub fn normalise_source(raw: Option<&str>) -> String {
    let s: String = raw
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    if s.is_empty() {
        "career_site".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> PostingForm {
        PostingForm {
            title: "  Sykepleier  til   intensiv ".into(),
            body: "Vi søker sykepleier.".into(),
            unit_id: "4".into(),
            profession: "nurse".into(),
            engagement: "permanent".into(),
            extent_percent: "100".into(),
            positions: "2".into(),
            deadline: "2026-12-01".into(),
        }
    }

    #[test]
    fn a_valid_form_becomes_a_draft() {
        let p = PostingDraft::parse(&form(), d("2026-11-22")).unwrap();
        assert_eq!(p.title, "Sykepleier til intensiv");
        assert_eq!(p.positions, 2);
        assert_eq!(p.engagement, Engagement::Permanent);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = PostingForm {
            title: "".into(),
            extent_percent: "120".into(),
            deadline: "2026-11-01".into(),
            ..form()
        };
        let errs = PostingDraft::parse(&bad, d("2026-11-22")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "extent_percent", "deadline"]);
        assert_eq!(errs[2].key, "error.deadline_past");
    }

    #[test]
    fn applications_are_taken_until_the_end_of_the_deadline_day() {
        let deadline = d("2026-12-01");
        assert!(accepts_applications(
            PostingStatus::Published,
            deadline,
            d("2026-12-01")
        ));
        assert!(!accepts_applications(
            PostingStatus::Published,
            deadline,
            d("2026-12-02")
        ));
        assert!(!accepts_applications(
            PostingStatus::Draft,
            deadline,
            d("2026-11-01")
        ));
    }

    #[test]
    fn a_published_posting_past_its_deadline_counts_as_closed() {
        let deadline = d("2026-12-01");
        let p = PostingStatus::Published;
        assert_eq!(
            p.effective(deadline, d("2026-12-01")),
            PostingStatus::Published
        );
        assert_eq!(
            p.effective(deadline, d("2026-12-02")),
            PostingStatus::Closed
        );
        assert_eq!(
            PostingStatus::Draft.effective(deadline, d("2027-01-01")),
            PostingStatus::Draft,
            "a forgotten draft does not become public by growing old"
        );
    }

    #[test]
    fn the_public_sees_open_postings_listed_closed_ones_by_address_and_no_drafts() {
        let deadline = d("2026-12-01");
        let before = d("2026-11-22");
        let after = d("2026-12-02");
        let view = |s, today| PublicView::of(s, deadline, today);
        assert_eq!(view(PostingStatus::Draft, before), PublicView::NotFound);
        assert!(!view(PostingStatus::Draft, before).is_visible());
        let open = view(PostingStatus::Published, before);
        assert_eq!(open, PublicView::Open);
        assert!(open.is_visible() && open.is_listed() && open.accepts_applications());
        for late in [
            view(PostingStatus::Published, after),
            view(PostingStatus::Closed, before),
        ] {
            assert_eq!(late, PublicView::ReadOnly);
            assert!(late.is_visible());
            assert!(!late.is_listed() && !late.accepts_applications());
        }
    }

    #[test]
    fn only_a_draft_is_published_and_only_a_published_posting_is_closed() {
        let deadline = d("2026-12-01");
        let today = d("2026-11-22");
        use PostingStatus::*;
        use Transition::*;
        assert_eq!(Draft.after(Publish, deadline, today), Ok(Published));
        assert_eq!(Published.after(Close, deadline, today), Ok(Closed));
        assert_eq!(
            Published.after(Close, deadline, d("2026-12-05")),
            Ok(Closed),
            "the job closes postings past their deadline"
        );
        for (from, step) in [
            (Published, Publish),
            (Closed, Publish),
            (Draft, Close),
            (Closed, Close),
        ] {
            let refused = from.after(step, deadline, today).unwrap_err();
            assert_eq!(
                refused,
                Refused::PostingTransition {
                    from,
                    transition: step
                }
            );
            assert_eq!(refused.key(), "error.posting_transition");
        }
        assert_eq!(
            Draft.after(Publish, deadline, d("2026-12-02")),
            Err(Refused::DeadlinePassed),
            "a draft whose deadline is over would never be open"
        );
        assert_eq!(
            Closed
                .after(Publish, deadline, today)
                .unwrap_err()
                .to_string(),
            "a closed posting cannot be published"
        );
    }

    #[test]
    fn stored_texts_read_back_as_the_same_values() {
        for s in PostingStatus::ALL {
            assert_eq!(PostingStatus::try_from(s.to_string()), Ok(s));
        }
        for e in [Engagement::Permanent, Engagement::Temporary] {
            assert_eq!(Engagement::try_from(e.as_str().to_owned()), Ok(e));
        }
        for p in Phase::ALL {
            assert_eq!(Phase::try_from(p.as_str().to_owned()), Ok(p));
        }
        let err = PostingStatus::try_from("archived".to_owned()).unwrap_err();
        assert_eq!(err.to_string(), "unknown posting status: \"archived\"");
    }

    #[test]
    fn search_text_folds_norwegian_letters() {
        assert_eq!(
            search_text("ØNH-sykepleier", "Ærlig Å"),
            "ønh-sykepleier\nærlig å"
        );
    }

    #[test]
    fn sources_are_normalised() {
        assert_eq!(normalise_source(None), "career_site");
        assert_eq!(normalise_source(Some("NAV<script>")), "navscript");
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
    }
}
