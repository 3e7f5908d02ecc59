//! People's names and e-mail addresses, parsed once at the edge.

use crate::{clean_line, Invalid};
use serde::{Deserialize, Serialize};

/// An e-mail address that has the shape `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let err = Invalid::new("email", "error.email_invalid");
        let s = raw.trim();
        if s.is_empty() {
            return Err(Invalid::new("email", "error.required"));
        }
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(err.clone())?;
        // RFC 5322 dot-atom: what every mail server accepts (no quoted forms, no commas).
        let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || !local.chars().all(|c| c == '.' || atext(c))
        {
            return Err(err);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return Err(err);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A given name or family name: 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Invalid> {
        let s = clean_line(raw).ok_or(Invalid::new(field, "error.name_invalid"))?;
        if s.is_empty() {
            return Err(Invalid::new(field, "error.required"));
        }
        if s.chars().count() > 100 {
            return Err(Invalid::new(field, "error.name_too_long"));
        }
        if s.chars().any(|c| "<>{}[]\\/=;".contains(c)) {
            return Err(Invalid::new(field, "error.name_invalid"));
        }
        Ok(PersonName(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_parsed_and_domains_lowercased() {
        assert_eq!(
            Email::parse(" Kari.Nordmann@OUS-HF.no ").unwrap().as_str(),
            "Kari.Nordmann@ous-hf.no"
        );
        assert_eq!(
            Email::parse("ærlig@sykehus.no").unwrap().as_str(),
            "ærlig@sykehus.no"
        );
        for bad in [
            "",
            "kari",
            "kari@",
            "@ous.no",
            "kari@ous",
            "kari nord@ous.no",
            "kari@-ous.no",
            "a@b..no",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(Email::parse("  ").unwrap_err().key, "error.required");
    }

    #[test]
    fn names_keep_norwegian_letters_and_refuse_markup() {
        assert_eq!(
            PersonName::parse("first_name", "  Åse   Marie ")
                .unwrap()
                .as_str(),
            "Åse Marie"
        );
        assert_eq!(
            PersonName::parse("last_name", "Ødegård-Ali")
                .unwrap()
                .as_str(),
            "Ødegård-Ali"
        );
        assert!(PersonName::parse("first_name", "<script>").is_err());
        assert!(PersonName::parse("first_name", "").is_err());
        assert_eq!(
            PersonName::parse("first_name", &"a".repeat(101))
                .unwrap_err()
                .key,
            "error.name_too_long"
        );
    }
}
