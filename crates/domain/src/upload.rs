//! Uploaded documents: the type is decided by the content, never by the file name or the browser.

/// What an upload turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// OpenDocument text.
    Odt,
    Jpeg,
    Png,
}

impl DocumentType {
    pub fn mime(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentType::Odt => "application/vnd.oasis.opendocument.text",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Png => "image/png",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("empty")]
    Empty,
    #[error("too large")]
    TooLarge { max_bytes: usize },
    #[error("not a document type we take")]
    Unsupported,
}

impl UploadError {
    pub fn key(&self) -> &'static str {
        match self {
            UploadError::Empty => "error.cv_missing",
            UploadError::TooLarge { .. } => "error.cv_too_large",
            UploadError::Unsupported => "error.document_type",
        }
    }
}

/// How near the end a PDF's `%%EOF` marker must be: writers may add a line ending or a little
/// padding after it, but not a second file.
const EOF_WINDOW: usize = 1024;

/// A CV or attachment is a PDF, a Word or OpenDocument text, or a JPEG or PNG picture, decided
/// by its bytes alone:
/// - PDF: the `%PDF-` signature at byte 0 (no leading bytes, so a file that is something else
///   with a PDF header tucked inside is refused) and the `%%EOF` marker within the last kilobyte;
/// - DOCX and ODT: a ZIP archive (local header at byte 0, the end-of-directory record near the
///   end) holding `[Content_Types].xml` and `word/document.xml`, or an uncompressed first entry
///   `mimetype` that says OpenDocument text, as the ODF standard requires;
/// - JPEG and PNG: as [`sniff_image`].
///
/// Everything else, a spreadsheet or a program renamed `.pdf` among them, is refused.
pub fn sniff_cv(bytes: &[u8], max_bytes: usize) -> Result<DocumentType, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadError::TooLarge { max_bytes });
    }
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF") {
        return Ok(DocumentType::Pdf);
    }
    if let Some(kind) = sniff_office(bytes) {
        return Ok(kind);
    }
    match sniff_image(bytes, max_bytes) {
        Ok("image/png") => Ok(DocumentType::Png),
        Ok(_) => Ok(DocumentType::Jpeg),
        Err(_) => Err(UploadError::Unsupported),
    }
}

/// A ZIP archive's end-of-central-directory record lies in its last 22 + 65,535 bytes.
const ZIP_END_WINDOW: usize = 22 + 65_535;
const ODT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// DOCX or ODT, if the bytes are a ZIP archive laid out as one.
fn sniff_office(bytes: &[u8]) -> Option<DocumentType> {
    if bytes.len() < 30 || !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let end = &bytes[bytes.len().saturating_sub(ZIP_END_WINDOW)..];
    if !contains(end, b"PK\x05\x06") {
        return None;
    }
    // The first entry's name and, when stored uncompressed, its content.
    let name_len = u16::from_le_bytes([bytes[26], bytes[27]]) as usize;
    let extra_len = u16::from_le_bytes([bytes[28], bytes[29]]) as usize;
    let name = bytes.get(30..30 + name_len)?;
    if name == b"mimetype" {
        let start = 30 + name_len + extra_len;
        let content = bytes.get(start..start + ODT_MIME.len())?;
        return (content == ODT_MIME).then_some(DocumentType::Odt);
    }
    (contains(bytes, b"[Content_Types].xml") && contains(bytes, b"word/document.xml"))
        .then_some(DocumentType::Docx)
}

impl DocumentType {
    /// The file name extension of this type.
    pub fn extension(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Docx => "docx",
            DocumentType::Odt => "odt",
            DocumentType::Jpeg => "jpg",
            DocumentType::Png => "png",
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

/// A ZIP archive of these entries, stored uncompressed, with the records the sniffer reads:
/// what a Word or OpenDocument file looks like to [`sniff_cv`]. For tests.
#[doc(hidden)]
pub fn zip_for_tests(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = Vec::new();
    for (name, content) in entries {
        z.extend_from_slice(b"PK\x03\x04");
        z.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z.extend_from_slice(&(content.len() as u32).to_le_bytes());
        z.extend_from_slice(&(content.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(content);
    }
    for (name, _) in entries {
        z.extend_from_slice(b"PK\x01\x02");
        z.extend_from_slice(name.as_bytes());
    }
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0; 18]);
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_opendocument_and_pictures_are_recognised_and_the_rest_refused() {
        let docx = zip_for_tests(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(sniff_cv(&docx, 10_000), Ok(DocumentType::Docx));
        let odt = zip_for_tests(&[
            ("mimetype", ODT_MIME),
            ("content.xml", b"<office:document-content/>"),
        ]);
        assert_eq!(sniff_cv(&odt, 10_000), Ok(DocumentType::Odt));
        let xlsx = zip_for_tests(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
        ]);
        assert_eq!(
            sniff_cv(&xlsx, 10_000),
            Err(UploadError::Unsupported),
            "a spreadsheet"
        );
        let ods = zip_for_tests(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]);
        assert_eq!(sniff_cv(&ods, 10_000), Err(UploadError::Unsupported));
        let mut cut = docx.clone();
        cut.truncate(docx.len() - 22);
        assert_eq!(
            sniff_cv(&cut, 10_000),
            Err(UploadError::Unsupported),
            "no end record"
        );
        assert_eq!(
            sniff_cv(
                b"MZ\x90\x00\x03\x00\x00\x00program.exe renamed cv.pdf",
                10_000
            ),
            Err(UploadError::Unsupported)
        );
        assert_eq!(
            sniff_cv(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9], 100),
            Ok(DocumentType::Jpeg)
        );
        assert_eq!(
            sniff_cv(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 100),
            Ok(DocumentType::Png)
        );
        assert_eq!(stored_filename("cv.doc", DocumentType::Docx), "cv.docx");
    }

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
        assert_eq!(sniff_cv(&junk_first, 10_000), Err(UploadError::Unsupported));
        let mut trailing = b"%PDF-1.4\n%%EOF\n".to_vec();
        trailing.extend_from_slice(&[b'A'; 4096]);
        assert_eq!(
            sniff_cv(&trailing, 100_000),
            Err(UploadError::Unsupported),
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
            Err(UploadError::Unsupported)
        );
        assert_eq!(
            sniff_cv(b"\x89PNG\r\n\x1a\n", 1000),
            Err(UploadError::Unsupported)
        );
        assert_eq!(sniff_cv(b"", 1000), Err(UploadError::Empty));
        assert_eq!(
            sniff_cv(pdf, 10),
            Err(UploadError::TooLarge { max_bytes: 10 })
        );
    }
}
