//! Org units, positions, employees.

use crate::{Result, Store, StoreError};
use sqlx::FromRow;
use talentflyt_domain::org::{check_nesting, child_path, UnitKind};

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub kind: UnitKind,
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub path: String,
    pub site: String,
}

impl OrgUnit {
    pub fn name(&self, lang: talentflyt_domain::Lang) -> &str {
        match lang {
            talentflyt_domain::Lang::Nb => &self.name_nb,
            talentflyt_domain::Lang::En => &self.name_en,
        }
    }
}

pub struct NewUnit<'a> {
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub code: &'a str,
    pub name_nb: &'a str,
    pub name_en: &'a str,
    pub site: &'a str,
}

const UNIT_COLS: &str = "id, parent_id, kind, code, name_nb, name_en, path, site";

impl Store {
    /// Add a unit under its parent (or a trust at the root). The kind must fit the parent's
    /// ([`check_nesting`]); otherwise `StoreError::Refused`.
    pub async fn create_unit(&self, u: NewUnit<'_>) -> Result<OrgUnit> {
        let parent = match u.parent_id {
            Some(pid) => Some(self.unit(pid).await?),
            None => None,
        };
        check_nesting(parent.as_ref().map(|p| p.kind), u.kind)?;
        let parent_path = parent.map_or_else(|| "/".to_owned(), |p| p.path);
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO org_units (parent_id, kind, code, name_nb, name_en, site) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u.parent_id)
        .bind(u.kind.as_str())
        .bind(u.code)
        .bind(u.name_nb)
        .bind(u.name_en)
        .bind(u.site)
        .fetch_one(tx.conn())
        .await
        .map_err(|e| StoreError::from_insert(e, "org unit code"))?;
        let path = child_path(&parent_path, id);
        sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
            .bind(&path)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        self.unit(id).await
    }

    pub async fn unit(&self, id: i64) -> Result<OrgUnit> {
        sqlx::query_as(&format!("SELECT {UNIT_COLS} FROM org_units WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn unit_by_code(&self, code: &str) -> Result<OrgUnit> {
        sqlx::query_as(&format!(
            "SELECT {UNIT_COLS} FROM org_units WHERE code = $1"
        ))
        .bind(code)
        .fetch_optional(self.r())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The whole tree in path order (a parent before its children). OUS has a few hundred units.
    pub async fn all_units(&self) -> Result<Vec<OrgUnit>> {
        let mut units: Vec<OrgUnit> = sqlx::query_as(&format!("SELECT {UNIT_COLS} FROM org_units"))
            .fetch_all(self.r())
            .await?;
        // By the ids along the path, not the text: collations differ in how they treat '/'.
        units.sort_by_cached_key(|u| {
            u.path
                .split('/')
                .filter_map(|s| s.parse::<i64>().ok())
                .collect::<Vec<_>>()
        });
        Ok(units)
    }
}
