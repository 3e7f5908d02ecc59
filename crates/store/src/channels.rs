//! Outside channels (NAV arbeidsplassen first): what each was last told about an ad, and its
//! answer. The sync job (`jobs::worker`) decides what to send from [`Store::channel_candidates`].

use crate::postings::{Posting, POSTING_COLS};
use crate::{now, Result, Store};
use sqlx::FromRow;

/// What a channel was last told about one ad.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ChannelPost {
    pub posting_id: i64,
    pub channel: String,
    /// `active` or `stopped`.
    pub sent_state: String,
    pub sent_digest: String,
    /// Whether the channel accepted it.
    #[sqlx(try_from = "i64")]
    pub accepted: IntBool,
    /// The channel's answer (or why it could not be reached), for HR.
    pub answer: String,
    pub attempts: i64,
    pub updated_at: i64,
}

/// A 0/1 column as a bool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntBool(pub bool);

impl From<i64> for IntBool {
    fn from(v: i64) -> Self {
        IntBool(v != 0)
    }
}

impl ChannelPost {
    /// The channel shows the ad as `digest` now.
    pub fn shows(&self, digest: &str) -> bool {
        self.accepted.0 && self.sent_state == "active" && self.sent_digest == digest
    }
}

/// An ad the sync job looks at: published and not past its deadline, or shown by the channel.
#[derive(Debug, Clone)]
pub struct ChannelCandidate {
    pub posting: Posting,
    pub post: Option<ChannelPost>,
}

/// One attempt to tell a channel about an ad.
#[derive(Debug, Clone)]
pub struct ChannelAttempt<'a> {
    pub posting_id: i64,
    pub channel: &'a str,
    pub state: &'a str,
    pub digest: &'a str,
    pub accepted: bool,
    pub answer: &'a str,
}

const POST_COLS: &str =
    "posting_id, channel, sent_state, sent_digest, accepted, answer, attempts, updated_at";

impl Store {
    /// The ads `channel` may need to hear about on `today` (`YYYY-MM-DD`): every published ad
    /// not past its deadline, and every ad the channel was last told to show. At OUS a few
    /// hundred, whatever the years of history.
    pub async fn channel_candidates(
        &self,
        channel: &str,
        today: &str,
    ) -> Result<Vec<ChannelCandidate>> {
        // Two queries for all of them: the ads, and what the channel was told about each.
        let which = "(p.status = 'published' AND p.deadline >= $1)
             OR p.id IN (SELECT posting_id FROM channel_posts WHERE channel = $2 AND sent_state = 'active')";
        let postings: Vec<Posting> = sqlx::query_as(&format!(
            "SELECT {POSTING_COLS} FROM postings p WHERE {which} ORDER BY p.id"
        ))
        .bind(today)
        .bind(channel)
        .fetch_all(self.r())
        .await?;
        let posts: Vec<ChannelPost> = sqlx::query_as(&format!(
            "SELECT {POST_COLS} FROM channel_posts
             WHERE posting_id IN (SELECT p.id FROM postings p WHERE {which}) AND channel = $2"
        ))
        .bind(today)
        .bind(channel)
        .fetch_all(self.r())
        .await?;
        let mut posts: std::collections::HashMap<i64, ChannelPost> =
            posts.into_iter().map(|c| (c.posting_id, c)).collect();
        Ok(postings
            .into_iter()
            .map(|posting| ChannelCandidate {
                post: posts.remove(&posting.id),
                posting,
            })
            .collect())
    }

    /// What `channel` was last told about the posting, if anything.
    pub async fn channel_post(
        &self,
        posting_id: i64,
        channel: &str,
    ) -> Result<Option<ChannelPost>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {POST_COLS} FROM channel_posts WHERE posting_id = $1 AND channel = $2"
        ))
        .bind(posting_id)
        .bind(channel)
        .fetch_optional(self.r())
        .await?)
    }

    /// Write down an attempt and the channel's answer.
    pub async fn record_channel_attempt(&self, a: &ChannelAttempt<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO channel_posts (posting_id, channel, sent_state, sent_digest, accepted, answer, attempts, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
             ON CONFLICT (posting_id, channel) DO UPDATE SET sent_state = excluded.sent_state,
                 sent_digest = excluded.sent_digest, accepted = excluded.accepted,
                 answer = excluded.answer, attempts = channel_posts.attempts + 1,
                 updated_at = excluded.updated_at",
        )
        .bind(a.posting_id)
        .bind(a.channel)
        .bind(a.state)
        .bind(a.digest)
        .bind(i64::from(a.accepted))
        .bind(a.answer)
        .bind(now())
        .execute(self.w())
        .await?;
        Ok(())
    }
}

/// Applications to one posting from one source, and how many of them were hired.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct SourceCount {
    pub source: String,
    pub applications: i64,
    pub hired: i64,
}

impl Store {
    /// How many applied to the posting from each source, and how many of those were hired,
    /// most applications first. Counts only, no person: not a read of anyone's application.
    pub async fn source_counts(&self, posting_id: i64) -> Result<Vec<SourceCount>> {
        Ok(sqlx::query_as(
            "SELECT source, COUNT(*) AS applications,
                    SUM(CASE WHEN phase = 'hired' THEN 1 ELSE 0 END) AS hired
             FROM applications WHERE posting_id = $1
             GROUP BY source ORDER BY COUNT(*) DESC, source",
        )
        .bind(posting_id)
        .fetch_all(self.r())
        .await?)
    }

    /// Applications and hires per source across every posting.
    pub async fn source_counts_all(&self) -> Result<Vec<SourceCount>> {
        Ok(sqlx::query_as(
            "SELECT source, COUNT(*) AS applications,
                    SUM(CASE WHEN phase = 'hired' THEN 1 ELSE 0 END) AS hired
             FROM applications GROUP BY source ORDER BY COUNT(*) DESC, source",
        )
        .fetch_all(self.r())
        .await?)
    }
}
