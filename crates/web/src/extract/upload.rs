//! Reading a multipart form with one file, within limits: the file is read in chunks and
//! dropped once it passes its limit, so a too large file still leaves the other fields to show
//! again with a clear message. A text field longer than its limit, or more fields than allowed,
//! is refused: nothing a person types needs more.

use crate::error::AppError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use bytes::Bytes;

/// The limits of one form.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The name of the file field.
    pub file_field: &'static str,
    pub max_file: usize,
    pub max_text: usize,
    pub max_fields: usize,
}

/// What the form held.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The file's name as sent (at most 500 characters).
    pub file_name: String,
    /// The file, unless it was empty or too large.
    pub file: Option<Bytes>,
    pub too_large: bool,
}

impl UploadForm {
    /// The first value of a text field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// Read the rest of the form (the CSRF token was its first field).
pub async fn read(mut mp: Multipart, l: Limits) -> Result<UploadForm, AppError> {
    let mut f = UploadForm::default();
    let mut fields = 1;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                f.too_large = true;
                break;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        fields += 1;
        if fields > l.max_fields {
            return Err(AppError::BadRequest);
        }
        let name = field.name().unwrap_or("").to_owned();
        let is_file = name == l.file_field;
        if is_file {
            f.file_name = field.file_name().unwrap_or("").chars().take(500).collect();
        }
        let limit = if is_file { l.max_file } else { l.max_text };
        let mut buf = Vec::new();
        let mut over = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if !over {
                        buf.extend_from_slice(&chunk);
                        if buf.len() > limit {
                            over = true;
                            buf = Vec::new();
                        }
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    f.too_large = true;
                    return Ok(f);
                }
                Err(_) => return Err(AppError::BadRequest),
            }
        }
        if is_file {
            if over {
                f.too_large = true;
            } else if !buf.is_empty() {
                f.file = Some(Bytes::from(buf));
            }
            continue;
        }
        if over {
            return Err(AppError::BadRequest);
        }
        let value = String::from_utf8(buf).map_err(|_| AppError::BadRequest)?;
        f.fields.push((name, value));
    }
    Ok(f)
}
