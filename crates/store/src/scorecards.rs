//! Scorecards (R8): each assessor's card on an application, a draft until sent in, never
//! changed after. The store holds the rule that matters for fairness: nobody is handed another
//! assessor's card on an application before their own is sent in (or they stepped aside).
//! Every read and change is in the audit trail, on the application, with no free text.

use crate::{now, AuditAction, Reader, Result, Store, StoreError, SubjectKind, Tx};
use sqlx::FromRow;
use talentflyt_domain::posting::Phase;
use talentflyt_domain::scorecard::{Card, Criterion, Recommendation};

/// Where an assessor's card stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardStatus {
    Draft,
    Submitted,
    /// Chose to see the panel without scoring.
    Abstained,
}

impl CardStatus {
    fn parse(s: &str) -> CardStatus {
        match s {
            "submitted" => CardStatus::Submitted,
            "abstained" => CardStatus::Abstained,
            _ => CardStatus::Draft,
        }
    }

    /// Sent in or stepped aside: the panel is open to them, and the card is closed.
    pub fn is_done(self) -> bool {
        self != CardStatus::Draft
    }
}

/// One criterion on a kept card, as it read when scored.
#[derive(Debug, Clone)]
pub struct RatingRow {
    pub item: i64,
    pub criterion_nb: String,
    pub criterion_en: String,
    pub required: i64,
    pub weight: i64,
    pub score: Option<i64>,
    pub note: String,
}

impl RatingRow {
    /// The criterion it scored.
    pub fn criterion(&self) -> Criterion {
        Criterion {
            item: self.item as u32,
            nb: self.criterion_nb.clone(),
            en: self.criterion_en.clone(),
            required: self.required != 0,
            weight: self.weight.clamp(1, 5) as u8,
        }
    }

    pub fn score(&self) -> Option<u8> {
        self.score.map(|s| s.clamp(1, 5) as u8)
    }
}

/// A kept card.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub id: i64,
    pub application_id: i64,
    pub assessor_id: i64,
    pub assessor_name: String,
    pub status: CardStatus,
    pub recommendation: Option<Recommendation>,
    pub note: String,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    /// In the order of the profile.
    pub ratings: Vec<RatingRow>,
}

impl Scorecard {
    /// Its weighted score (see [`talentflyt_domain::scorecard::weighted`]).
    pub fn weighted(&self) -> Option<f64> {
        talentflyt_domain::scorecard::weighted(
            self.ratings
                .iter()
                .map(|r| (r.weight.clamp(1, 5) as u8, r.score())),
        )
    }
}

#[derive(FromRow)]
struct CardRow {
    id: i64,
    application_id: i64,
    assessor_id: i64,
    assessor_name: String,
    status: String,
    recommendation: Option<String>,
    note: String,
    updated_at: i64,
    submitted_at: Option<i64>,
}

const CARD_COLS: &str = "s.id, s.application_id, s.assessor_id, u.display_name AS assessor_name, s.status, s.recommendation, s.note, s.updated_at, s.submitted_at";

/// A card could not be changed: the message key says why.
pub type Refusal = &'static str;

impl Store {
    /// The cards that match `cond` (on `s`, the scorecard, and `a`, its application), with
    /// their ratings, in the order of `order`. One row per card, its ratings gathered into one
    /// JSON array by the database: a row costs far more than its bytes on the way out of
    /// SQLite (a posting's panel of 120 cards was 720 rows and 12 ms), and one statement reads
    /// a card and its ratings at the same moment.
    async fn cards_where(&self, cond: &str, binds: &[i64], order: &str) -> Result<Vec<Scorecard>> {
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            card: CardRow,
            ratings: String,
        }
        let ratings = match self.backend() {
            crate::Backend::Sqlite => "(SELECT json_group_array(json_array(r.item, r.criterion_nb, r.criterion_en, r.required, r.weight, r.score, r.note)) FROM scorecard_ratings r WHERE r.scorecard_id = s.id)",
            crate::Backend::Postgres => "(SELECT COALESCE(json_agg(json_build_array(r.item, r.criterion_nb, r.criterion_en, r.required, r.weight, r.score, r.note)), '[]')::text FROM scorecard_ratings r WHERE r.scorecard_id = s.id)",
        };
        let sql = format!(
            "SELECT {CARD_COLS}, {ratings} AS ratings
             FROM scorecards s JOIN users u ON u.id = s.assessor_id JOIN applications a ON a.id = s.application_id
             WHERE {cond} ORDER BY {order}"
        );
        let mut q = sqlx::query_as::<_, Row>(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        type Rating = (i64, String, String, i64, i64, Option<i64>, String);
        let mut cards = vec![];
        for row in q.fetch_all(self.r()).await? {
            let r = row.card;
            let list: Vec<Rating> = serde_json::from_str(&row.ratings)
                .map_err(|e| StoreError::Other(format!("scorecard {} ratings: {e}", r.id)))?;
            let mut ratings: Vec<RatingRow> = list
                .into_iter()
                .map(
                    |(item, criterion_nb, criterion_en, required, weight, score, note)| RatingRow {
                        item,
                        criterion_nb,
                        criterion_en,
                        required,
                        weight,
                        score,
                        note,
                    },
                )
                .collect();
            ratings.sort_by_key(|x| x.item);
            cards.push(Scorecard {
                ratings,
                id: r.id,
                application_id: r.application_id,
                assessor_id: r.assessor_id,
                assessor_name: r.assessor_name,
                status: CardStatus::parse(&r.status),
                recommendation: r.recommendation.as_deref().and_then(Recommendation::parse),
                note: r.note,
                updated_at: r.updated_at,
                submitted_at: r.submitted_at,
            });
        }
        Ok(cards)
    }

    /// What the card's page shows one assessor: their own card, if begun, and, once it is
    /// done, the panel (every card sent in or stepped aside from, theirs included). One query,
    /// one audit entry on the application: a read of the panel when it is handed out, else of
    /// the card (the page names the applicant whether a card is begun or not). Other
    /// assessors' drafts are never read.
    pub async fn scorecard_view(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        assessor_id: i64,
    ) -> Result<CardView> {
        let cards = self
            .cards_where(
                "s.application_id = $1 AND (s.status <> 'draft' OR s.assessor_id = $2)",
                &[application_id, assessor_id],
                "s.submitted_at, s.id",
            )
            .await?;
        let own = cards.iter().find(|c| c.assessor_id == assessor_id).cloned();
        let panel = own
            .as_ref()
            .is_some_and(|c| c.status.is_done())
            .then_some(cards);
        self.audit(reader.event(
            AuditAction::Read,
            SubjectKind::Application,
            application_id,
            if panel.is_some() {
                "scorecard panel"
            } else {
                "scorecard"
            },
        ))
        .await?;
        Ok(CardView { own, panel })
    }

    /// Where the assessor's card on the application stands, if begun (no audit: no content).
    pub async fn scorecard_status(
        &self,
        application_id: i64,
        assessor_id: i64,
    ) -> Result<Option<CardStatus>> {
        let s: Option<String> = sqlx::query_scalar(
            "SELECT status FROM scorecards WHERE application_id = $1 AND assessor_id = $2",
        )
        .bind(application_id)
        .bind(assessor_id)
        .fetch_optional(self.r())
        .await?;
        Ok(s.as_deref().map(CardStatus::parse))
    }

    /// Keep the assessor's card as a draft, or send it in (`submit`), never to change again.
    /// Refused with `scorecard.locked` once sent in or stepped aside, and with
    /// `scorecard.withdrawn` when the candidate has withdrawn.
    pub async fn save_scorecard(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        assessor_id: i64,
        criteria: &[Criterion],
        card: &Card,
        submit: bool,
    ) -> Result<std::result::Result<(), Refusal>> {
        let status = if submit { "submitted" } else { "draft" };
        self.write_card(
            reader,
            application_id,
            assessor_id,
            status,
            Some((criteria, card)),
        )
        .await
    }

    /// Step aside from scoring the application, to see the panel's cards: a draft is thrown
    /// away, and the assessor can no longer score it. Refused with `scorecard.locked` when the
    /// card is sent in already.
    pub async fn abstain(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        assessor_id: i64,
    ) -> Result<std::result::Result<(), Refusal>> {
        self.write_card(reader, application_id, assessor_id, "abstained", None)
            .await
    }

    /// Write the assessor's open card as `status` with `card`'s ratings (none when stepping
    /// aside), in one transaction with its audit entry.
    async fn write_card(
        &self,
        reader: &Reader<'_>,
        application_id: i64,
        assessor_id: i64,
        status: &'static str,
        card: Option<(&[Criterion], &Card)>,
    ) -> Result<std::result::Result<(), Refusal>> {
        let mut tx = self.begin().await?;
        let id = match tx.open_card(application_id, assessor_id).await? {
            Ok(id) => id,
            Err(key) => return Ok(Err(key)),
        };
        let t = now();
        let changed = sqlx::query(
            "UPDATE scorecards SET status = $1, recommendation = $2, note = $3, updated_at = $4, submitted_at = $5 WHERE id = $6 AND status = 'draft'",
        )
        .bind(status)
        .bind(card.and_then(|(_, c)| c.recommendation.map(|r| r.as_str())))
        .bind(card.map(|(_, c)| c.note.as_str()).unwrap_or(""))
        .bind(t)
        .bind((status != "draft").then_some(t))
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed != 1 {
            return Ok(Err("scorecard.locked"));
        }
        sqlx::query("DELETE FROM scorecard_ratings WHERE scorecard_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        let (criteria, ratings) = card
            .map(|(c, card)| (c, card.ratings.as_slice()))
            .unwrap_or_default();
        for r in ratings {
            let Some(c) = criteria.iter().find(|c| c.item == r.item) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO scorecard_ratings (scorecard_id, item, criterion_nb, criterion_en, required, weight, score, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(i64::from(c.item))
            .bind(&c.nb)
            .bind(&c.en)
            .bind(i64::from(c.required))
            .bind(i64::from(c.weight))
            .bind(r.score.map(i64::from))
            .bind(&r.note)
            .execute(tx.conn())
            .await?;
        }
        let (action, detail) = match status {
            "submitted" => (AuditAction::Submit, "scorecard sent in"),
            "abstained" => (AuditAction::Update, "scorecard stepped aside"),
            _ => (AuditAction::Update, "scorecard draft"),
        };
        tx.audit(&[reader.event(action, SubjectKind::Application, application_id, detail)])
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The posting's panel for one assessor: every card sent in (and who stepped aside) on
    /// the applications where their own card is done, and, for the rest, how many cards are
    /// in (`(application, count)`), without scores. Each application named is audited as
    /// listed.
    pub async fn posting_panel(
        &self,
        reader: &Reader<'_>,
        posting_id: i64,
        assessor_id: i64,
    ) -> Result<PostingPanel> {
        let cards = self
            .cards_where(
                "a.posting_id = $1 AND s.status <> 'draft'",
                &[posting_id],
                "s.application_id, s.submitted_at, s.id",
            )
            .await?;
        let own: Vec<(i64, String)> = sqlx::query_as(
            "SELECT s.application_id, s.status FROM scorecards s JOIN applications a ON a.id = s.application_id WHERE a.posting_id = $1 AND s.assessor_id = $2",
        )
        .bind(posting_id)
        .bind(assessor_id)
        .fetch_all(self.r())
        .await?;
        let own: Vec<(i64, CardStatus)> = own
            .into_iter()
            .map(|(a, s)| (a, CardStatus::parse(&s)))
            .collect();
        let open = |app: i64| own.iter().any(|(a, s)| *a == app && s.is_done());
        let mut panel = PostingPanel::default();
        for c in cards {
            if open(c.application_id) {
                panel.cards.push(c);
            } else if c.status == CardStatus::Submitted {
                // Only cards sent in count; one who stepped aside scored nothing.
                match panel.closed.last_mut() {
                    Some((a, n)) if *a == c.application_id => *n += 1,
                    _ => panel.closed.push((c.application_id, 1)),
                }
            }
        }
        // Each application named on the page, whether its cards are open or not.
        let mut shown: Vec<i64> = panel.cards.iter().map(|c| c.application_id).collect();
        shown.extend(panel.closed.iter().map(|(a, _)| *a));
        shown.sort_unstable();
        shown.dedup();
        self.audit_listed(reader, posting_id, &shown, Some("scorecard panel"))
            .await?;
        panel.own = own;
        Ok(panel)
    }
}

/// The card's page for one assessor (see [`Store::scorecard_view`]).
#[derive(Debug, Clone)]
pub struct CardView {
    pub own: Option<Scorecard>,
    /// Every card sent in or stepped aside from, once the assessor's own is one of them.
    pub panel: Option<Vec<Scorecard>>,
}

/// The posting's panel as one assessor may see it.
#[derive(Debug, Clone, Default)]
pub struct PostingPanel {
    /// Cards sent in or stepped aside, on applications where the assessor's own is done;
    /// grouped by application.
    pub cards: Vec<Scorecard>,
    /// Applications whose cards are not open to the assessor yet, with how many are in.
    pub closed: Vec<(i64, usize)>,
    /// The assessor's own cards: application and status.
    pub own: Vec<(i64, CardStatus)>,
}

impl Tx {
    /// The assessor's card on the application, made as an empty draft if they had none, while
    /// it is still a draft and the candidate has not withdrawn.
    async fn open_card(
        &mut self,
        application_id: i64,
        assessor_id: i64,
    ) -> Result<std::result::Result<i64, Refusal>> {
        let phase: Option<String> =
            sqlx::query_scalar("SELECT phase FROM applications WHERE id = $1")
                .bind(application_id)
                .fetch_optional(self.conn())
                .await?;
        match phase.as_deref().and_then(Phase::parse) {
            None => return Err(StoreError::NotFound),
            Some(Phase::Withdrawn) => return Ok(Err("scorecard.withdrawn")),
            Some(_) => {}
        }
        let t = now();
        sqlx::query(
            "INSERT INTO scorecards (application_id, assessor_id, status, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $3) ON CONFLICT (application_id, assessor_id) DO NOTHING",
        )
        .bind(application_id)
        .bind(assessor_id)
        .bind(t)
        .execute(self.conn())
        .await?;
        // On PostgreSQL the row is locked until commit, so two saves of one card (two tabs)
        // cannot both find it a draft; SQLite has one writer.
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE",
            crate::Backend::Sqlite => "",
        };
        let (id, status): (i64, String) = sqlx::query_as(&format!(
            "SELECT id, status FROM scorecards WHERE application_id = $1 AND assessor_id = $2{lock}"
        ))
        .bind(application_id)
        .bind(assessor_id)
        .fetch_one(self.conn())
        .await?;
        if status != "draft" {
            return Ok(Err("scorecard.locked"));
        }
        Ok(Ok(id))
    }
}
