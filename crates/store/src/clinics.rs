//! The career site's clinic pages (HR's "why work here" text and picture) and employee
//! ambassadors' share codes.

use crate::{now, Result, Store};
use sqlx::FromRow;

/// A clinic's page text, without the picture's bytes.
#[derive(Debug, Clone, Default, FromRow, PartialEq, Eq)]
pub struct ClinicProfile {
    pub unit_id: i64,
    pub why_nb: String,
    pub why_en: String,
    /// The picture's type, when there is one.
    pub image_type: Option<String>,
    pub image_alt_nb: String,
    pub image_alt_en: String,
    pub updated_at: i64,
}

/// What HR saves; `image` replaces the picture when given.
#[derive(Debug, Clone, Default)]
pub struct ClinicProfileEdit {
    pub why_nb: String,
    pub why_en: String,
    pub image_alt_nb: String,
    pub image_alt_en: String,
    /// The bytes and their sniffed type.
    pub image: Option<(Vec<u8>, &'static str)>,
    /// Remove the picture (ignored when a new one is given).
    pub remove_image: bool,
}

impl Store {
    pub async fn clinic_profile(&self, unit_id: i64) -> Result<Option<ClinicProfile>> {
        Ok(sqlx::query_as(
            "SELECT unit_id, why_nb, why_en, image_type, image_alt_nb, image_alt_en, updated_at
             FROM clinic_profiles WHERE unit_id = $1",
        )
        .bind(unit_id)
        .fetch_optional(self.r())
        .await?)
    }

    /// The clinic's picture and its type.
    pub async fn clinic_image(&self, unit_id: i64) -> Result<Option<(Vec<u8>, String)>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as("SELECT image, image_type FROM clinic_profiles WHERE unit_id = $1")
                .bind(unit_id)
                .fetch_optional(self.r())
                .await?;
        Ok(match row {
            Some((Some(b), Some(t))) => Some((b, t)),
            _ => None,
        })
    }

    /// Save the clinic's page (and tell every instance the public site changed).
    pub async fn save_clinic_profile(
        &self,
        unit_id: i64,
        e: &ClinicProfileEdit,
        by: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO clinic_profiles (unit_id, why_nb, why_en, image_alt_nb, image_alt_en, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (unit_id) DO UPDATE SET why_nb = $2, why_en = $3, image_alt_nb = $4,
               image_alt_en = $5, updated_at = $6, updated_by = $7",
        )
        .bind(unit_id)
        .bind(&e.why_nb)
        .bind(&e.why_en)
        .bind(&e.image_alt_nb)
        .bind(&e.image_alt_en)
        .bind(now())
        .bind(by)
        .execute(tx.conn())
        .await?;
        if let Some((bytes, kind)) = &e.image {
            sqlx::query(
                "UPDATE clinic_profiles SET image = $2, image_type = $3 WHERE unit_id = $1",
            )
            .bind(unit_id)
            .bind(bytes.as_slice())
            .bind(*kind)
            .execute(tx.conn())
            .await?;
        } else if e.remove_image {
            sqlx::query(
                "UPDATE clinic_profiles SET image = NULL, image_type = NULL WHERE unit_id = $1",
            )
            .bind(unit_id)
            .execute(tx.conn())
            .await?;
        }
        sqlx::query("UPDATE site_changes SET public_version = public_version + 1 WHERE id = 1")
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// This employee's ambassador code, made on first use.
    pub async fn ambassador_code(&self, user_id: i64) -> Result<String> {
        let fresh = hex::encode(rand::random::<[u8; 5]>());
        sqlx::query(
            "INSERT INTO ambassador_codes (user_id, code, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(&fresh)
        .bind(now())
        .execute(self.w())
        .await?;
        Ok(
            sqlx::query_scalar("SELECT code FROM ambassador_codes WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(self.w())
                .await?,
        )
    }

    /// Give this employee a chosen ambassador code (the demo's readable ones).
    pub async fn set_ambassador_code(&self, user_id: i64, code: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO ambassador_codes (user_id, code, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET code = $2",
        )
        .bind(user_id)
        .bind(code)
        .bind(now())
        .execute(self.w())
        .await?;
        Ok(())
    }

    /// The names of the ambassadors with these codes: (code, display name), in one query.
    pub async fn ambassador_names(&self, codes: &[String]) -> Result<Vec<(String, String)>> {
        if codes.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT a.code, u.display_name FROM ambassador_codes a JOIN users u ON u.id = a.user_id
             WHERE a.code IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as(&sql);
        for c in codes {
            q = q.bind(c);
        }
        Ok(q.fetch_all(self.r()).await?)
    }
}
