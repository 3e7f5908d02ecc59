//! Screening questions per posting (R4): written by whoever edits the ad, answered in the form.

use crate::audit::{Actor, AuditAction, AuditEvent, SubjectKind};
use crate::{Result, Store, StoreError};
use sqlx::FromRow;
use talentflyt_domain::application::{Question, QuestionKind, QuestionOption};

/// The most questions one posting may ask.
pub const MAX_QUESTIONS: i64 = 20;

#[derive(FromRow)]
struct QuestionRow {
    id: i64,
    kind: String,
    text_nb: String,
    text_en: String,
    options: String,
    required: i64,
    knockout: String,
}

impl QuestionRow {
    fn into_question(self) -> Option<Question> {
        let kind = QuestionKind::parse(&self.kind)?;
        Some(Question {
            id: self.id,
            kind,
            text_nb: self.text_nb,
            text_en: self.text_en,
            options: serde_json::from_str::<Vec<QuestionOption>>(&self.options).unwrap_or_default(),
            required: self.required != 0,
            knockout_yes_no: match (kind, self.knockout.as_str()) {
                (QuestionKind::YesNo, "yes") => Some(true),
                (QuestionKind::YesNo, "no") => Some(false),
                _ => None,
            },
            knockout_below: match kind {
                QuestionKind::Number => self.knockout.parse().ok(),
                _ => None,
            },
        })
    }
}

fn knockout_text(q: &Question) -> String {
    match (q.knockout_yes_no, q.knockout_below) {
        (Some(true), _) => "yes".into(),
        (Some(false), _) => "no".into(),
        (_, Some(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl Store {
    /// A posting's screening questions in the order they are asked.
    pub async fn questions(&self, posting_id: i64) -> Result<Vec<Question>> {
        let rows: Vec<QuestionRow> = sqlx::query_as("SELECT id, kind, text_nb, text_en, options, required, knockout FROM posting_questions WHERE posting_id = $1 ORDER BY position, id")
            .bind(posting_id)
            .fetch_all(self.r())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(QuestionRow::into_question)
            .collect())
    }

    /// Add a question at the end; refused (`Ok(false)`) when the posting has the most it may.
    pub async fn add_question(
        &self,
        posting_id: i64,
        q: &Question,
        user_id: i64,
        ip: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let (n, last): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(position) FROM posting_questions WHERE posting_id = $1",
        )
        .bind(posting_id)
        .fetch_one(tx.conn())
        .await?;
        if n >= MAX_QUESTIONS {
            return Ok(false);
        }
        sqlx::query("INSERT INTO posting_questions (posting_id, position, kind, text_nb, text_en, options, required, knockout) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(posting_id)
            .bind(last.unwrap_or(0) + 1)
            .bind(q.kind.as_str())
            .bind(&q.text_nb)
            .bind(&q.text_en)
            .bind(serde_json::to_string(&q.options).unwrap_or_else(|_| "[]".into()))
            .bind(q.required as i64)
            .bind(knockout_text(q))
            .execute(tx.conn())
            .await?;
        tx.audit(&[AuditEvent {
            actor: Actor::User(user_id),
            action: AuditAction::Update,
            subject_kind: SubjectKind::Posting,
            subject_id: posting_id,
            ip,
            detail: "screening question added",
        }])
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Remove a question. Answers already given keep the question's text.
    pub async fn delete_question(
        &self,
        posting_id: i64,
        question_id: i64,
        user_id: i64,
        ip: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM posting_questions WHERE id = $1 AND posting_id = $2")
            .bind(question_id)
            .bind(posting_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(&[AuditEvent {
            actor: Actor::User(user_id),
            action: AuditAction::Update,
            subject_kind: SubjectKind::Posting,
            subject_id: posting_id,
            ip,
            detail: "screening question removed",
        }])
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One line of a posting's equality figures: a question, an answer, and how many gave it;
/// `None` when fewer than [`MIN_GROUP`] did, so no one can be picked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqualityCount {
    /// "gender", "disability" or "cv_gap".
    pub dimension: &'static str,
    /// The answer ("woman", "yes", …); "" for those who left it blank.
    pub value: String,
    pub count: Option<i64>,
}

/// The smallest group shown in figures about people.
pub const MIN_GROUP: i64 = 5;

/// Hide every group under [`MIN_GROUP`], and when exactly one is hidden, the next smallest too:
/// every declaration counts once in each question, so a single hidden group would be the total
/// minus the groups shown.
fn suppress(counts: &mut [EqualityCount]) {
    let small = |c: &EqualityCount| c.count.is_some_and(|n| n < MIN_GROUP);
    let hidden = counts.iter().filter(|c| small(c)).count();
    for c in counts.iter_mut().filter(|c| small(c)) {
        c.count = None;
    }
    if hidden == 1 {
        if let Some(next) = counts
            .iter_mut()
            .filter(|c| c.count.is_some())
            .min_by_key(|c| c.count)
        {
            next.count = None;
        }
    }
}

impl Store {
    /// A posting's equality self-declarations as counts per answer, groups under
    /// [`MIN_GROUP`] hidden. The only read of the declarations besides the candidate's own
    /// export: never a name, never an application.
    pub async fn equality_counts(&self, posting_id: i64) -> Result<Vec<EqualityCount>> {
        let mut out = vec![];
        for dimension in ["gender", "disability", "cv_gap"] {
            let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
                "SELECT {dimension}, COUNT(*) FROM equality_declarations WHERE posting_id = $1 GROUP BY {dimension} ORDER BY {dimension}"
            ))
            .bind(posting_id)
            .fetch_all(self.r())
            .await?;
            let mut counts: Vec<EqualityCount> = rows
                .into_iter()
                .map(|(value, n)| EqualityCount {
                    dimension,
                    value,
                    count: Some(n),
                })
                .collect();
            suppress(&mut counts);
            out.extend(counts);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(value: &str, n: i64) -> EqualityCount {
        EqualityCount {
            dimension: "gender",
            value: value.into(),
            count: Some(n),
        }
    }

    #[test]
    fn one_hidden_group_hides_the_next_smallest_too() {
        let mut v = vec![c("woman", 30), c("man", 9), c("other", 2)];
        suppress(&mut v);
        let shown: Vec<Option<i64>> = v.iter().map(|c| c.count).collect();
        assert_eq!(shown, vec![Some(30), None, None]);
        let mut v = vec![c("woman", 30), c("man", 3), c("other", 2)];
        suppress(&mut v);
        assert_eq!(
            v[0].count,
            Some(30),
            "two hidden groups already hide each other"
        );
        let mut v = vec![c("woman", 30), c("man", 9)];
        suppress(&mut v);
        assert_eq!(v[1].count, Some(9), "nothing hidden, nothing more to hide");
    }
}
