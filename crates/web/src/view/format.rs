//! Formatting for pages: unit names, labels of typed values, sizes, ad text as paragraphs.

use std::collections::HashMap;
use talentflyt_domain::Lang;
use talentflyt_store::OrgUnit;

/// Names for a unit and the clinic it belongs to.
pub struct UnitNames<'a> {
    by_id: HashMap<i64, &'a OrgUnit>,
}

impl<'a> UnitNames<'a> {
    pub fn new(units: &'a [OrgUnit]) -> UnitNames<'a> {
        UnitNames {
            by_id: units.iter().map(|u| (u.id, u)).collect(),
        }
    }
    pub fn unit(&self, id: i64, lang: Lang) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.name(lang).to_owned())
            .unwrap_or_default()
    }
    /// The clinic (second level) a unit lies in; empty for the trust itself or a clinic.
    pub fn clinic(&self, id: i64, lang: Lang) -> String {
        let Some(u) = self.by_id.get(&id) else {
            return String::new();
        };
        let ids: Vec<i64> = u.path.split('/').filter_map(|s| s.parse().ok()).collect();
        match ids.get(1) {
            Some(cid) if *cid != id => self
                .by_id
                .get(cid)
                .map(|c| c.name(lang).to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn site(&self, id: i64) -> String {
        self.by_id
            .get(&id)
            .map(|u| u.site.clone())
            .unwrap_or_default()
    }
}

pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// Whole megabytes, at least 1.
pub fn mb(bytes: usize) -> String {
    (bytes / (1024 * 1024)).max(1).to_string()
}

/// Blank lines separate paragraphs; single line breaks stay. Text is escaped by the template.
pub fn paragraphs(body: &str) -> Vec<Vec<String>> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A block of an ad's section: a paragraph (its lines) or a list (its items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub list: bool,
    pub lines: Vec<String>,
}

/// A section's text as blocks: paragraphs separated by blank lines, and runs of lines starting
/// with "- " or "• " as lists.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = vec![];
    for para in paragraphs(text) {
        for (j, line) in para.into_iter().enumerate() {
            let t = line.trim_start();
            let item = t.strip_prefix("- ").or_else(|| t.strip_prefix("• "));
            let (list, text) = match item {
                Some(t) => (true, t.trim().to_owned()),
                None => (false, line),
            };
            // A list goes on across a blank line; a paragraph ends at one.
            let same_block = match out.last() {
                Some(b) if b.list => list,
                Some(b) => !b.list && !list && j > 0,
                None => false,
            };
            match out.last_mut() {
                Some(b) if same_block => b.lines.push(text),
                _ => out.push(Block {
                    list,
                    lines: vec![text],
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_become_paragraphs_and_lists() {
        let b = blocks(
            "Vi søker deg.\nDu får mye.\n\n- Pleie\n- Dokumentasjon\n\n- Veiledning\n\nSlutt.",
        );
        assert_eq!(
            b,
            vec![
                Block {
                    list: false,
                    lines: vec!["Vi søker deg.".into(), "Du får mye.".into()]
                },
                Block {
                    list: true,
                    lines: vec!["Pleie".into(), "Dokumentasjon".into(), "Veiledning".into()]
                },
                Block {
                    list: false,
                    lines: vec!["Slutt.".into()]
                },
            ]
        );
    }

    #[test]
    fn ad_text_becomes_paragraphs_and_lines() {
        let p = paragraphs(
            "Vi søker sykepleier.\r\n\r\nKvalifikasjoner:\n- Autorisasjon\n- Norsk\n\n\n",
        );
        assert_eq!(
            p,
            vec![
                vec!["Vi søker sykepleier.".to_string()],
                vec![
                    "Kvalifikasjoner:".into(),
                    "- Autorisasjon".into(),
                    "- Norsk".into()
                ]
            ]
        );
    }
}
