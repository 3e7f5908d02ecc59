//! What every page shares: the layout's context, form errors, pagers, option lists and
//! formatting. Handlers build a template from these and call [`render`].

pub mod assets;
pub mod form;
pub mod format;
pub mod options;
pub mod pager;

use crate::error::AppError;
use crate::i18n;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use talentflyt_domain::Lang;

pub use assets::Brand;
pub use form::Errors;
pub use options::Options;
pub use pager::{page_count, Pager};

/// The brand as templates see it.
pub struct BrandView {
    pub org_name: String,
    pub has_logo: bool,
    pub has_header_image: bool,
}

/// Everything the layout needs.
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub brand: BrandView,
    pub css_version: String,
    /// Path and query of this page, for the language switch to come back to.
    pub path: String,
    pub user: Option<String>,
    pub csrf: String,
}

impl PageCtx {
    pub fn new(
        state: &AppState,
        lang: Lang,
        title: impl Into<String>,
        path: impl Into<String>,
    ) -> PageCtx {
        PageCtx {
            lang,
            title: title.into(),
            brand: BrandView {
                org_name: state.cfg.brand.org_name.clone(),
                has_logo: state.assets.logo.is_some(),
                has_header_image: state.assets.header_image.is_some(),
            },
            css_version: state.assets.css_version.clone(),
            path: path.into(),
            user: None,
            csrf: String::new(),
        }
    }

    pub fn t(&self, key: &'static str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            urlencoding::encode(&self.path)
        )
    }
}

/// Render a template to a response, or an internal error.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(
        t.render()
            .map_err(|e| AppError::Internal(format!("template: {e}")))?,
    )
    .into_response())
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, AppError> {
    let mut r = render(t)?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub p: PageCtx,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link_href: String,
    pub link_text: String,
}

impl MessagePage {
    /// A heading (message key), paragraphs, and one link back (`href`, message key).
    pub fn new(
        state: &crate::AppState,
        lang: talentflyt_domain::Lang,
        heading: &'static str,
        paragraphs: Vec<String>,
        path: &str,
        back: (&str, &'static str),
    ) -> MessagePage {
        let heading = crate::i18n::t(lang, heading);
        MessagePage {
            p: PageCtx::new(state, lang, heading, path),
            heading: heading.to_owned(),
            paragraphs,
            link_href: back.0.to_owned(),
            link_text: crate::i18n::t(lang, back.1).to_owned(),
        }
    }
}
