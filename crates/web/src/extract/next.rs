//! Where to send the reader after an action.

/// Where to go after an action: only a path on this site, never an open redirect. Control
/// characters are refused too, since browsers drop a tab and `/\t/evil.example` becomes
/// `//evil.example`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

/// `?next=…` on pages that send the reader on afterwards.
#[derive(serde::Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_never_an_open_redirect() {
        assert_eq!(
            safe_next(Some("/admin/postings/3?x=1"), "/admin"),
            "/admin/postings/3?x=1"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad), "/admin"), "/admin", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/jobs"), "/jobs");
    }
}
