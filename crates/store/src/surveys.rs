//! The candidate experience survey (R14). The hourly job invites each candidate given a final
//! answer (hired or rejected) a day before, by a link only their e-mail holds; the answer is
//! kept with the posting's unit, the outcome and the month, and nothing that leads back to the
//! candidate. Results are read per unit; the caller hides groups under
//! `domain::survey::MIN_GROUP`.

use crate::portal::secret_hash;
use crate::{OutgoingEmail, Result, Store};
use sqlx::FromRow;
use talentflyt_domain::survey::{Answer, ANSWER_DAYS};
use talentflyt_domain::Lang;

/// One candidate to invite, for the e-mail the caller writes.
#[derive(Debug, Clone)]
pub struct SurveyInvite {
    pub email: String,
    pub name: String,
    pub lang: Lang,
    pub title: String,
    pub token: String,
}

/// An invitation as its page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct InviteState {
    pub title: String,
    pub answered: i64,
    pub expires_at: i64,
}

/// One unit's answers (all of them, for the caller to summarise or hide).
#[derive(Debug, Clone, Default)]
pub struct UnitAnswers {
    pub unit_id: i64,
    pub unit_path: String,
    pub nps: Vec<u8>,
    pub informed: Vec<u8>,
    pub respect: Vec<u8>,
    pub speed: Vec<u8>,
    pub comments: Vec<String>,
}

/// Invitations are sent for final answers at most this old (not for years of history).
const LOOKBACK_DAYS: i64 = 30;
/// At most this many invitations a run.
const BATCH: i64 = 500;

impl Store {
    /// Invite those given a final answer at least a day ago (and at most
    /// [`LOOKBACK_DAYS`]) who have no invitation yet: a token, and the e-mail `write` makes, in
    /// one transaction. Returns how many were invited.
    pub async fn queue_survey_invites(
        &self,
        now_ts: i64,
        write: &(dyn Fn(&SurveyInvite) -> OutgoingEmail + Sync),
    ) -> Result<usize> {
        #[derive(FromRow)]
        struct Due {
            id: i64,
            unit_id: i64,
            phase: String,
            lang: String,
            email: String,
            given_name: String,
            family_name: String,
            title: String,
            title_en: String,
        }
        let mut tx = self.begin().await?;
        let due: Vec<Due> = sqlx::query_as(
            "SELECT a.id, p.unit_id, a.phase, a.lang, c.email, c.given_name, c.family_name, p.title, p.title_en
             FROM applications a JOIN postings p ON p.id = a.posting_id JOIN candidates c ON c.id = a.candidate_id
             WHERE a.phase IN ('hired','rejected') AND a.stage_since <= $1 AND a.stage_since > $2
               AND NOT EXISTS (SELECT 1 FROM survey_invites i WHERE i.application_id = a.id)
             ORDER BY a.stage_since LIMIT $3",
        )
        .bind(now_ts - 86_400)
        .bind(now_ts - LOOKBACK_DAYS * 86_400)
        .bind(BATCH)
        .fetch_all(tx.conn())
        .await?;
        for d in &due {
            let token = hex::encode(rand::random::<[u8; 24]>());
            sqlx::query(
                "INSERT INTO survey_invites (token_hash, application_id, unit_id, outcome, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(secret_hash(&token))
            .bind(d.id)
            .bind(d.unit_id)
            .bind(&d.phase)
            .bind(now_ts)
            .bind(now_ts + ANSWER_DAYS * 86_400)
            .execute(tx.conn())
            .await?;
            let lang = Lang::parse(&d.lang).unwrap_or(Lang::Nb);
            let m = write(&SurveyInvite {
                email: d.email.clone(),
                name: format!("{} {}", d.given_name, d.family_name),
                lang,
                title: lang.pick(&d.title, &d.title_en).0.to_owned(),
                token,
            });
            tx.enqueue_email(&m).await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }

    /// The invitation behind a token, if any.
    pub async fn survey_invite(&self, token: &str) -> Result<Option<InviteState>> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(p.title, '') AS title, i.answered, i.expires_at FROM survey_invites i
             LEFT JOIN applications a ON a.id = i.application_id LEFT JOIN postings p ON p.id = a.posting_id
             WHERE i.token_hash = $1",
        )
        .bind(secret_hash(token))
        .fetch_optional(self.r())
        .await?)
    }

    /// Keep an answer, once per invitation and before it expires. `false` when the token is
    /// unknown, used or expired. The answer keeps the unit, the outcome and `month` only.
    pub async fn answer_survey(
        &self,
        token: &str,
        a: &Answer,
        month: &str,
        now_ts: i64,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let hash = secret_hash(token);
        let row: Option<(i64, String)> = sqlx::query_as(
            "UPDATE survey_invites SET answered = 1 WHERE token_hash = $1 AND answered = 0 AND expires_at > $2 RETURNING unit_id, outcome",
        )
        .bind(&hash)
        .bind(now_ts)
        .fetch_optional(tx.conn())
        .await?;
        let Some((unit_id, outcome)) = row else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO survey_responses (unit_id, outcome, month, nps, informed, respect, speed, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(unit_id)
        .bind(outcome)
        .bind(month)
        .bind(i64::from(a.nps))
        .bind(i64::from(a.informed))
        .bind(i64::from(a.respect))
        .bind(i64::from(a.speed))
        .bind(&a.comment)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The answers per unit from `from_month` to `to_month` ("YYYY-MM", both included), for
    /// the units at or under one of `unit_paths`.
    pub async fn survey_answers(
        &self,
        unit_paths: &[String],
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<UnitAnswers>> {
        type Row = (i64, String, i64, i64, i64, i64, String);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT r.unit_id, u.path, r.nps, r.informed, r.respect, r.speed, r.comment
             FROM survey_responses r JOIN org_units u ON u.id = r.unit_id
             WHERE r.month >= $1 AND r.month <= $2 ORDER BY u.path, r.id",
        )
        .bind(from_month)
        .bind(to_month)
        .fetch_all(self.r())
        .await?;
        let mut out: Vec<UnitAnswers> = vec![];
        for (unit_id, path, nps, informed, respect, speed, comment) in rows {
            if !unit_paths
                .iter()
                .any(|p| talentflyt_domain::org::is_within(&path, p))
            {
                continue;
            }
            if out.last().is_none_or(|u| u.unit_id != unit_id) {
                out.push(UnitAnswers {
                    unit_id,
                    unit_path: path,
                    ..UnitAnswers::default()
                });
            }
            let u = out.last_mut().expect("pushed above");
            let b = |n: i64| n.clamp(0, 10) as u8;
            u.nps.push(b(nps));
            u.informed.push(b(informed));
            u.respect.push(b(respect));
            u.speed.push(b(speed));
            if !comment.is_empty() {
                u.comments.push(comment);
            }
        }
        Ok(out)
    }
}
