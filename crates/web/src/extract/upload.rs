//! Reading a multipart form with files, within limits: each file is read in chunks and dropped
//! once it passes its limit, and files stop being kept once together they pass the form's total,
//! so a too large file still leaves the other fields to show again with a clear message. A text
//! field longer than its limit, or more fields than allowed, is refused: nothing a person types
//! needs more. Memory is bounded by the total plus one file.

use crate::error::AppError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use bytes::Bytes;

/// The limits of one form.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The names of the file fields.
    pub file_fields: &'static [&'static str],
    /// The most bytes of one file, of all files together, and the most files.
    pub max_file: usize,
    pub max_total: usize,
    pub max_files: usize,
    pub max_text: usize,
    pub max_fields: usize,
}

/// One file of the form.
#[derive(Debug, Default)]
pub struct UploadedFile {
    pub field: String,
    /// The file's name as sent (at most 200 characters).
    pub name: String,
    /// The bytes, unless the file was too large (then `too_large`).
    pub bytes: Bytes,
    pub too_large: bool,
}

/// What the form held.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The files that were chosen (empty file inputs are left out), in order.
    pub files: Vec<UploadedFile>,
    /// The files together passed the total, or the request its body limit: the files from there
    /// on were not kept.
    pub total_too_large: bool,
    /// More files than allowed were sent: the rest were not kept.
    pub too_many_files: bool,
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

    /// The files of one field.
    pub fn files_of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a UploadedFile> {
        self.files.iter().filter(move |f| f.field == field)
    }

    /// The first file of a field.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == field)
    }
}

impl talentflyt_domain::application::Fields for UploadForm {
    fn get(&self, name: &str) -> &str {
        UploadForm::get(self, name)
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Read the rest of the form (the CSRF token was its first field).
pub async fn read(mut mp: Multipart, l: Limits) -> Result<UploadForm, AppError> {
    let mut f = UploadForm::default();
    let mut fields = 1;
    let mut total = 0usize;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                f.total_too_large = true;
                break;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        fields += 1;
        if fields > l.max_fields {
            return Err(AppError::BadRequest);
        }
        let name = field.name().unwrap_or("").to_owned();
        let is_file = l.file_fields.contains(&name.as_str());
        let file_name: String = if is_file {
            field.file_name().unwrap_or("").chars().take(200).collect()
        } else {
            String::new()
        };
        let counted = f.files.len();
        // A file past the count or the total is read to its end and dropped.
        let keep = !is_file || (counted < l.max_files && !f.total_too_large);
        let limit = if is_file { l.max_file } else { l.max_text };
        let mut buf = Vec::new();
        let mut over = false;
        let mut seen = 0usize;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    seen += chunk.len();
                    if keep && !over {
                        buf.extend_from_slice(&chunk);
                        if buf.len() > limit || (is_file && total + buf.len() > l.max_total) {
                            over = true;
                            buf = Vec::new();
                        }
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    f.total_too_large = true;
                    return Ok(f);
                }
                Err(_) => return Err(AppError::BadRequest),
            }
        }
        if is_file {
            if seen == 0 && file_name.is_empty() {
                continue; // an empty file input
            }
            if !keep {
                if counted >= l.max_files {
                    f.too_many_files = true;
                }
                continue;
            }
            let single_too_large = over && seen > l.max_file;
            if over && !single_too_large {
                // Within its own limit, but past the form's total: not kept.
                f.total_too_large = true;
                continue;
            }
            total += buf.len();
            f.files.push(UploadedFile {
                field: name,
                name: file_name,
                bytes: Bytes::from(buf),
                too_large: single_too_large,
            });
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
