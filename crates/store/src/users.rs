//! Staff users, their role grants, and sign-in attempts.

use crate::{now, Result, Store, StoreError};
use sqlx::FromRow;
use talentflyt_domain::org::{Access, Grant, Role};

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub oidc_subject: Option<String>,
    pub active: i64,
}

const USER_COLS: &str = "id, username, email, display_name, password_hash, oidc_subject, active";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
}

/// A grant as listed for the operator, with the unit's name.
#[derive(Debug, Clone, FromRow)]
pub struct GrantRow {
    pub role: String,
    pub unit_path: Option<String>,
    pub posting_id: Option<i64>,
}

impl Store {
    pub async fn create_user(&self, u: NewUser<'_>) -> Result<User> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, email, display_name, password_hash, active, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(u.username)
        .bind(u.email)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(now())
        .fetch_one(self.w())
        .await
        .map_err(|e| StoreError::from_insert(e, "username"))?;
        self.user(id).await
    }

    pub async fn user(&self, id: i64) -> Result<User> {
        sqlx::query_as(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLS} FROM users WHERE username = $1 AND active = 1"
        ))
        .bind(username)
        .fetch_optional(self.r())
        .await?)
    }

    /// The staff user an OpenID Connect login belongs to: first by the provider's subject, then,
    /// for a first login, by verified e-mail (which then binds the subject).
    pub async fn user_for_oidc(
        &self,
        subject: &str,
        verified_email: Option<&str>,
    ) -> Result<Option<User>> {
        if let Some(u) = sqlx::query_as::<_, User>(&format!(
            "SELECT {USER_COLS} FROM users WHERE oidc_subject = $1 AND active = 1"
        ))
        .bind(subject)
        .fetch_optional(self.r())
        .await?
        {
            return Ok(Some(u));
        }
        let Some(email) = verified_email else {
            return Ok(None);
        };
        let found: Option<User> = sqlx::query_as(&format!(
            "SELECT {USER_COLS} FROM users WHERE LOWER(email) = LOWER($1) AND active = 1 AND oidc_subject IS NULL ORDER BY id LIMIT 1"
        ))
        .bind(email)
        .fetch_optional(self.r())
        .await?;
        if let Some(u) = &found {
            sqlx::query("UPDATE users SET oidc_subject = $1 WHERE id = $2")
                .bind(subject)
                .bind(u.id)
                .execute(self.w())
                .await?;
        }
        Ok(found)
    }

    /// Bind an identity provider's subject to a user ahead of the first sign-in (needed where the
    /// provider does not vouch for e-mail addresses, e.g. Entra ID's `oid`).
    pub async fn set_oidc_subject(&self, user_id: i64, subject: &str) -> Result<()> {
        sqlx::query("UPDATE users SET oidc_subject = $1 WHERE id = $2")
            .bind(subject)
            .bind(user_id)
            .execute(self.w())
            .await
            .map_err(|e| StoreError::from_insert(e, "oidc subject"))?;
        Ok(())
    }

    /// Grant a role on a unit (and all below it) or, for committee members and union
    /// representatives, on one posting.
    pub async fn grant(
        &self,
        user_id: i64,
        role: Role,
        unit_id: Option<i64>,
        posting_id: Option<i64>,
    ) -> Result<()> {
        talentflyt_domain::org::grant_scope(role, unit_id, posting_id)?;
        sqlx::query(
            "INSERT INTO role_grants (user_id, role, unit_id, posting_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(role.as_str())
        .bind(unit_id)
        .bind(posting_id)
        .execute(self.w())
        .await?;
        Ok(())
    }

    pub async fn access(&self, user_id: i64) -> Result<Access> {
        let rows: Vec<GrantRow> = sqlx::query_as(
            "SELECT g.role, u.path AS unit_path, g.posting_id FROM role_grants g LEFT JOIN org_units u ON u.id = g.unit_id WHERE g.user_id = $1",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?;
        Ok(Access {
            grants: rows
                .into_iter()
                .filter_map(|r| {
                    Some(Grant {
                        role: Role::parse(&r.role)?,
                        unit_path: r.unit_path,
                        posting_id: r.posting_id,
                    })
                })
                .collect(),
        })
    }

    /// An active user and their grants, in one round trip (every staff page needs both).
    pub async fn active_user_with_access(&self, user_id: i64) -> Result<Option<(User, Access)>> {
        let rows: Vec<UserGrantRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.email, u.display_name, u.password_hash, u.oidc_subject, u.active,
                    g.role, ou.path AS unit_path, g.posting_id
             FROM users u LEFT JOIN role_grants g ON g.user_id = u.id LEFT JOIN org_units ou ON ou.id = g.unit_id
             WHERE u.id = $1 AND u.active = 1",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let user = first.user.clone();
        let grants = rows
            .into_iter()
            .filter_map(|r| {
                Some(Grant {
                    role: Role::parse(r.role.as_deref()?)?,
                    unit_path: r.unit_path,
                    posting_id: r.posting_id,
                })
            })
            .collect();
        Ok(Some((user, Access { grants })))
    }
}

#[derive(FromRow)]
struct UserGrantRow {
    #[sqlx(flatten)]
    user: User,
    role: Option<String>,
    unit_path: Option<String>,
    posting_id: Option<i64>,
}
