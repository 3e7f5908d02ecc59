//! Uploaded documents: the type is decided by the content, never by the file name or the browser.

/// What an upload turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
}

impl DocumentType {
    pub fn mime(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("empty")]
    Empty,
    #[error("too large")]
    TooLarge { max_bytes: usize },
    #[error("not a PDF")]
    NotPdf,
}

impl UploadError {
    pub fn key(&self) -> &'static str {
        match self {
            UploadError::Empty => "error.cv_missing",
            UploadError::TooLarge { .. } => "error.cv_too_large",
            UploadError::NotPdf => "error.cv_not_pdf",
        }
    }
}

/// How near the end a PDF's `%%EOF` marker must be: writers may add a line ending or a little
/// padding after it, but not a second file.
const EOF_WINDOW: usize = 1024;

/// A CV must be a PDF: the `%PDF-` signature at byte 0 (no leading bytes, so a file that is
/// something else with a PDF header tucked inside is refused) and the `%%EOF` marker within the
/// last kilobyte.
pub fn sniff_cv(bytes: &[u8], max_bytes: usize) -> Result<DocumentType, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadError::TooLarge { max_bytes });
    }
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF") {
        Ok(DocumentType::Pdf)
    } else {
        Err(UploadError::NotPdf)
    }
}

impl DocumentType {
    /// The file name extension of this type.
    pub fn extension(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
        }
    }
}

/// Unicode format characters (category Cf) that can disguise a name: bidi overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) make `cv\u{202E}fdp.exe` show as `cvexe.pdf`; zero-width
/// characters hide text. None belongs in a file name.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The name an upload is stored and shown under: the last part of the path the browser sent,
/// without control, format and bidi characters or characters Windows forbids, at most 120
/// characters, and always ending in the extension of the type the content turned out to be.
pub fn stored_filename(sent: &str, kind: DocumentType) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_format_char(*c) && !"<>:\"|?*".contains(*c))
        .collect();
    let ext = kind.extension();
    let stem = match clean.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => clean.as_str(),
    };
    let stem: String = stem
        .trim()
        .trim_end_matches('.')
        .chars()
        .take(110)
        .collect();
    let stem = if stem.trim().is_empty() {
        "cv".to_owned()
    } else {
        stem
    };
    format!("{stem}.{ext}")
}

/// Why a picture was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageError {
    TooLarge,
    NotImage,
}

impl ImageError {
    pub fn key(self) -> &'static str {
        match self {
            ImageError::TooLarge => "error.image_too_large",
            ImageError::NotImage => "error.image_type",
        }
    }
}

/// A picture for a web page must be a PNG or a JPEG, by its signature at byte 0 (PNG's eight
/// bytes; JPEG's start-of-image marker followed by a marker byte) and, for JPEG, its
/// end-of-image marker at the end. Returns the MIME type.
pub fn sniff_image(bytes: &[u8], max_bytes: usize) -> Result<&'static str, ImageError> {
    if bytes.len() > max_bytes {
        return Err(ImageError::TooLarge);
    }
    if bytes.len() > 8 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if bytes.len() > 4
        && bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        && tail.windows(2).any(|w| w == [0xFF, 0xD9])
    {
        return Ok("image/jpeg");
    }
    Err(ImageError::NotImage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_png_or_jpeg_by_content() {
        assert_eq!(
            sniff_image(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 100),
            Ok("image/png")
        );
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9], 100),
            Ok("image/jpeg")
        );
        assert_eq!(
            sniff_image(b"<svg onload=alert(1)>", 100),
            Err(ImageError::NotImage)
        );
        assert_eq!(
            sniff_image(b"%PDF-1.4\n%%EOF", 100),
            Err(ImageError::NotImage)
        );
        assert_eq!(sniff_image(&[0u8; 200], 100), Err(ImageError::TooLarge));
    }

    #[test]
    fn the_signature_must_start_the_file_and_the_end_marker_end_it() {
        let mut junk_first = b"MZ\x90\x00".to_vec();
        junk_first.extend_from_slice(b"%PDF-1.4\n%%EOF\n");
        assert_eq!(sniff_cv(&junk_first, 10_000), Err(UploadError::NotPdf));
        let mut trailing = b"%PDF-1.4\n%%EOF\n".to_vec();
        trailing.extend_from_slice(&[b'A'; 4096]);
        assert_eq!(
            sniff_cv(&trailing, 100_000),
            Err(UploadError::NotPdf),
            "a second file after the PDF"
        );
        let mut padded = b"%PDF-1.7\n".to_vec();
        padded.extend_from_slice(&[b' '; 5000]);
        padded.extend_from_slice(b"%%EOF\r\n\n");
        assert_eq!(sniff_cv(&padded, 100_000), Ok(DocumentType::Pdf));
    }

    #[test]
    fn stored_names_lose_disguises_and_take_the_real_extension() {
        let pdf = DocumentType::Pdf;
        assert_eq!(
            stored_filename("C:\\Users\\kari\\CV <ny>.pdf", pdf),
            "CV ny.pdf"
        );
        assert_eq!(stored_filename("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(stored_filename("", pdf), "cv.pdf");
        assert_eq!(
            stored_filename("cv\u{202E}fdp.exe", pdf),
            "cvfdp.pdf",
            "bidi override"
        );
        assert_eq!(stored_filename("søknad\u{200B}.PDF", pdf), "søknad.pdf");
        assert_eq!(stored_filename("rapport.docx", pdf), "rapport.pdf");
        assert_eq!(stored_filename("\u{2066}\u{2069}", pdf), "cv.pdf");
        assert!(stored_filename(&"x".repeat(500), pdf).chars().count() <= 120);
    }

    #[test]
    fn pdfs_are_recognised_by_content() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
        assert_eq!(sniff_cv(pdf, 1000), Ok(DocumentType::Pdf));
        assert_eq!(
            sniff_cv(b"hello, I am a CV.pdf", 1000),
            Err(UploadError::NotPdf)
        );
        assert_eq!(
            sniff_cv(b"\x89PNG\r\n\x1a\n", 1000),
            Err(UploadError::NotPdf)
        );
        assert_eq!(sniff_cv(b"", 1000), Err(UploadError::Empty));
        assert_eq!(
            sniff_cv(pdf, 10),
            Err(UploadError::TooLarge { max_bytes: 10 })
        );
    }
}
