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

/// A CV must be a PDF: it starts with the `%PDF-` signature (allowing a little leading junk, as
/// readers do) and has an end-of-file marker near its end.
pub fn sniff_cv(bytes: &[u8], max_bytes: usize) -> Result<DocumentType, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadError::TooLarge { max_bytes });
    }
    let head = &bytes[..bytes.len().min(1024)];
    let has_sig = head.windows(5).any(|w| w == b"%PDF-");
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let has_eof = tail.windows(5).any(|w| w == b"%%EOF");
    if has_sig && has_eof {
        Ok(DocumentType::Pdf)
    } else {
        Err(UploadError::NotPdf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
