//! Reading the text of candidates' documents (PDF, DOCX, ODT) for the back-office search and the
//! redacted view of blind screening. Images have no text to read (no OCR). A document that cannot
//! be read keeps '' as its text: it is still stored and downloadable, only not searchable.

use std::io::Read;
use talentflyt_store::Store;

/// At most this much text is kept of one document (characters).
pub const MAX_TEXT: usize = 200_000;
/// At most this many bytes are unpacked from one part of a DOCX or ODT (a "zip bomb" stops here).
const MAX_XML: u64 = 20 * 1024 * 1024;
/// How long one document may take to read before it is given up.
const READ_TIME: std::time::Duration = std::time::Duration::from_secs(20);

/// The text of a document by its (sniffed) content type; '' when there is none to read.
pub fn text_of(content_type: &str, bytes: &[u8]) -> String {
    let raw = match content_type {
        "application/pdf" => {
            // The PDF parser may panic on a broken file; a panic is a document without text.
            std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default()
        }
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            xml_part(bytes, "word/document.xml", &["/w:p", "w:br", "w:tab"])
        }
        "application/vnd.oasis.opendocument.text" => xml_part(
            bytes,
            "content.xml",
            &["/text:p", "/text:h", "text:line-break", "text:tab"],
        ),
        _ => String::new(),
    };
    tidy(&raw)
}

/// Runs of spaces made one, at most two line breaks in a row, no control characters, capped.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_TEXT));
    let (mut space, mut breaks) = (false, 0);
    for c in raw.chars() {
        if out.len() >= MAX_TEXT {
            break;
        }
        if c == '\n' {
            breaks += 1;
            space = false;
            if breaks <= 2 {
                out.push('\n');
            }
        } else if c.is_whitespace() || c.is_control() {
            space = !out.is_empty() && breaks == 0;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            breaks = 0;
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// The text of one XML part of a zipped document: tags dropped, the tags named in `breaks`
/// (`/x` for a closing tag) made line breaks, entities decoded.
fn xml_part(bytes: &[u8], part: &str, breaks: &[&str]) -> String {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return String::new();
    };
    let Ok(file) = zip.by_name(part) else {
        return String::new();
    };
    let mut xml = String::new();
    if file.take(MAX_XML).read_to_string(&mut xml).is_err() {
        return String::new();
    }
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest = xml.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&unescape(&rest[..i]));
        let Some(j) = rest[i..].find('>') else {
            break;
        };
        let tag = &rest[i + 1..i + j];
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        if breaks.contains(&name) {
            out.push('\n');
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(&unescape(rest));
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let name = &tail[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Read the documents not read yet, a batch at a time, each on a blocking thread with a time
/// limit. Returns how many were read.
pub async fn run(store: &Store) -> talentflyt_store::Result<usize> {
    let mut n = 0;
    loop {
        let batch = store.unread_documents(10).await?;
        if batch.is_empty() {
            return Ok(n);
        }
        for d in batch {
            // Marked as read (with no text) before it is parsed: a file that brings the parser
            // down is never tried again.
            store.mark_document_tried(d.id).await?;
            let content_type = d.content_type.clone();
            let read = tokio::task::spawn_blocking(move || text_of(&content_type, &d.content));
            let text = match tokio::time::timeout(READ_TIME, read).await {
                Ok(Ok(t)) => t,
                _ => {
                    tracing::warn!(
                        document_id = d.id,
                        "document text could not be read in time"
                    );
                    String::new()
                }
            };
            if let Err(e) = store.set_document_text(d.id, d.application_id, &text).await {
                tracing::warn!(document_id = d.id, error = %e, "document text could not be kept");
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zipped(name: &str, xml: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(xml.as_bytes()).unwrap();
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn word_and_odf_text_is_read_with_paragraphs_and_entities() {
        let docx = zipped(
            "word/document.xml",
            r#"<w:document><w:body><w:p><w:r><w:t>Intensivsykepleier</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Bl&#229;b&#xE6;r &amp; ost</w:t></w:r></w:p></w:body></w:document>"#,
        );
        assert_eq!(
            text_of(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &docx
            ),
            "Intensivsykepleier\nBlåbær & ost"
        );
        let odt = zipped(
            "content.xml",
            "<office:text><text:h>CV</text:h><text:p>Kari   Nordmann</text:p></office:text>",
        );
        assert_eq!(
            text_of("application/vnd.oasis.opendocument.text", &odt),
            "CV\nKari Nordmann"
        );
        assert_eq!(text_of("image/png", b"\x89PNG"), "");
        assert_eq!(text_of("application/pdf", b"%PDF-1.4 broken"), "");
    }
}
