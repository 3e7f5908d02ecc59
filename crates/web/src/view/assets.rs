//! The organisation's look: brand colours (checked for WCAG contrast), the style sheet and the logo.

use crate::error::AppError;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The organisation's visual profile, from configuration.
#[derive(Debug, Clone)]
pub struct Brand {
    pub org_name: String,
    pub logo_path: Option<PathBuf>,
    /// A wide picture for the top of the career site's pages (PNG or JPEG).
    pub header_image_path: Option<PathBuf>,
    /// Used for buttons, links and the header; must reach 4.5:1 against white.
    pub primary_color: String,
    pub accent_color: String,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            org_name: "Oslo universitetssykehus".into(),
            logo_path: None,
            header_image_path: None,
            primary_color: "#0b4f8a".into(),
            accent_color: "#e8f1f8".into(),
        }
    }
}

/// A colour as `#rgb` or `#rrggbb`; anything else could break out of the style sheet.
pub fn valid_color(c: &str) -> bool {
    let hex = c.strip_prefix('#').unwrap_or("");
    (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit())
}

/// The WCAG contrast ratio of two `#rgb`/`#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    fn luminance(c: &str) -> f64 {
        let hex = c.trim_start_matches('#');
        let hex: String = if hex.len() == 3 {
            hex.chars().flat_map(|ch| [ch, ch]).collect()
        } else {
            hex.to_owned()
        };
        let channel = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The style sheet with the brand's colours, and the logo, read once at start.
#[derive(Debug)]
pub struct Assets {
    pub css: Bytes,
    pub css_version: String,
    pub logo: Option<(Bytes, &'static str)>,
    pub header_image: Option<(Bytes, &'static str)>,
}

impl Assets {
    pub fn load(brand: &Brand) -> anyhow::Result<Assets> {
        for c in [&brand.primary_color, &brand.accent_color] {
            anyhow::ensure!(valid_color(c), "colour {c:?} is not of the form #rrggbb");
        }
        // WCAG 2.1 1.4.3: white text on the primary colour, dark text on the accent.
        let on_primary = contrast(&brand.primary_color, "#ffffff");
        anyhow::ensure!(
            on_primary >= 4.5,
            "primary colour {} has contrast {on_primary:.1}:1 against white; WCAG AA needs 4.5:1",
            brand.primary_color
        );
        let on_accent = contrast(&brand.accent_color, "#1a1a1a");
        anyhow::ensure!(on_accent >= 4.5, "accent colour {} has contrast {on_accent:.1}:1 against the text colour; WCAG AA needs 4.5:1", brand.accent_color);
        let css = include_str!("../../static/app.css")
            .replace("#0b4f8a", &brand.primary_color)
            .replace("#e8f1f8", &brand.accent_color);
        let css_version = hex::encode(&Sha256::digest(css.as_bytes())[..6]);
        let logo = match &brand.logo_path {
            None => None,
            Some(p) => {
                let bytes =
                    std::fs::read(p).map_err(|e| anyhow::anyhow!("logo {}: {e}", p.display()))?;
                let mime = if bytes.starts_with(b"\x89PNG") {
                    "image/png"
                } else if bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml") {
                    "image/svg+xml"
                } else if bytes.starts_with(b"\xff\xd8") {
                    "image/jpeg"
                } else {
                    anyhow::bail!("logo {} is not a PNG, JPEG or SVG", p.display())
                };
                Some((Bytes::from(bytes), mime))
            }
        };
        let header_image = match &brand.header_image_path {
            None => None,
            Some(p) => {
                let bytes = std::fs::read(p)
                    .map_err(|e| anyhow::anyhow!("header image {}: {e}", p.display()))?;
                let mime = talentflyt_domain::upload::sniff_image(&bytes, 10 * 1024 * 1024)
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "header image {} is not a PNG or JPEG of at most 10 MB",
                            p.display()
                        )
                    })?;
                Some((Bytes::from(bytes), mime))
            }
        };
        Ok(Assets {
            css: Bytes::from(css),
            css_version,
            logo,
            header_image,
        })
    }
}

pub async fn css(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        state.assets.css.clone(),
    )
        .into_response()
}

pub async fn logo(State(state): State<AppState>) -> Result<Response, AppError> {
    picture(state.assets.logo.clone())
}

/// The visual profile's header picture.
pub async fn header_image(State(state): State<AppState>) -> Result<Response, AppError> {
    picture(state.assets.header_image.clone())
}

fn picture(p: Option<(Bytes, &'static str)>) -> Result<Response, AppError> {
    let (bytes, mime) = p.ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_colours_must_be_readable() {
        assert!((contrast("#000", "#fff") - 21.0).abs() < 0.01);
        assert!(contrast("#0b4f8a", "#ffffff") >= 4.5);
        let pale = Brand {
            primary_color: "#7fb2e5".into(),
            ..Brand::default()
        };
        assert!(Assets::load(&pale)
            .unwrap_err()
            .to_string()
            .contains("4.5:1"));
        assert!(Assets::load(&Brand::default()).is_ok());
    }

    #[test]
    fn the_header_picture_must_be_a_png_or_jpeg() {
        let dir = std::env::temp_dir().join(format!("tf-header-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let png = dir.join("header.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        let fake = dir.join("header.jpg");
        std::fs::write(&fake, b"<svg onload=alert(1)>").unwrap();
        let with = |p: &std::path::Path| Brand {
            header_image_path: Some(p.to_owned()),
            ..Brand::default()
        };
        let a = Assets::load(&with(&png)).unwrap();
        assert_eq!(a.header_image.map(|h| h.1), Some("image/png"));
        let err = Assets::load(&with(&fake)).unwrap_err().to_string();
        assert!(err.contains("not a PNG or JPEG"), "{err}");
        assert!(Assets::load(&Brand::default())
            .unwrap()
            .header_image
            .is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
