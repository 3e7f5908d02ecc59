//! Texts in bokmål and English. Each language is a `key = text` file in `locales/`, compiled into
//! the binary; a test keeps the two files' keys identical and covers every key the code uses.

use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::LazyLock;
use talentflyt_domain::Lang;

pub const NB_SOURCE: &str = include_str!("../locales/nb.txt");
pub const EN_SOURCE: &str = include_str!("../locales/en.txt");

pub fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

static NB: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(NB_SOURCE));
static EN: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(EN_SOURCE));

/// The text for `key`; the key itself if it is missing (a test prevents that).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    let map = match lang {
        Lang::Nb => &*NB,
        Lang::En => &*EN,
    };
    map.get(key).copied().unwrap_or(key)
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_owned();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// `1. desember 2026` / `1 December 2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    lang.date(d)
}

/// A date stored as `YYYY-MM-DD`, formatted; the raw text if it does not parse.
pub fn date_str(lang: Lang, s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| date(lang, d))
        .unwrap_or_else(|_| s.to_owned())
}

/// A number with one decimal, with the reader's decimal mark ("3,5" in bokmål, "3.5" in English).
pub fn decimal(lang: Lang, x: f64) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Nb => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A Unix time in Norwegian time: `1. desember 2026 kl. 14.05` / `1 December 2026, 14:05`.
pub fn datetime(lang: Lang, unix: i64) -> String {
    let Some(utc) = chrono::DateTime::from_timestamp(unix, 0) else {
        return String::new();
    };
    let local = utc.with_timezone(&chrono_tz::Europe::Oslo);
    let day = date(lang, local.date_naive());
    match lang {
        Lang::Nb => format!("{day} kl. {}", local.format("%H.%M")),
        Lang::En => format!("{day}, {}", local.format("%H:%M")),
    }
}

/// `1 vacancy`, `12 ledige stillinger`.
pub fn count(lang: Lang, n: i64, one: &'static str, many: &'static str) -> String {
    if n == 1 {
        t(lang, one).to_owned()
    } else {
        tf(lang, many, &[("n", &n.to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let nb: std::collections::BTreeSet<_> = NB.keys().collect();
        let en: std::collections::BTreeSet<_> = EN.keys().collect();
        assert_eq!(
            nb.difference(&en).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "in nb but not en"
        );
        assert_eq!(
            en.difference(&nb).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "in en but not nb"
        );
    }

    #[test]
    fn every_key_the_code_and_templates_use_exists() {
        fn files(dir: std::path::PathBuf, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut paths = vec![];
        for dir in ["templates", "src"] {
            files(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
                &mut paths,
            );
        }
        let mut used = vec![];
        {
            for path in paths {
                let text = std::fs::read_to_string(path).unwrap();
                for pat in [
                    "t(\"",
                    "tf(lang, \"",
                    "t(lang, \"",
                    "t(p.lang, \"",
                    "tf(p.lang, \"",
                ] {
                    for (i, _) in text.match_indices(pat) {
                        let before = text[..i].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue;
                        }
                        let rest = &text[i + pat.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        if key.contains('.') || key == "skip_to_main" {
                            used.push(key.to_owned());
                        }
                    }
                }
            }
        }
        assert!(used.len() > 50, "found {} keys", used.len());
        for key in used {
            assert!(NB.contains_key(key.as_str()), "missing key {key}");
        }
        for key in talentflyt_domain::posting::Phase::ALL.map(|p| p.label_key()) {
            assert!(NB.contains_key(key), "missing key {key}");
        }
        for key in [
            talentflyt_store::ConsentRefused::Phase,
            talentflyt_store::ConsentRefused::NoReferees,
        ]
        .map(|r| r.key())
        {
            assert!(NB.contains_key(key), "missing key {key}");
        }
        for key in talentflyt_store::BookRefused::ALL.map(|r| r.key()) {
            assert!(NB.contains_key(key), "missing key {key}");
        }
    }

    /// The domain returns message keys (`Invalid::key`, labels of typed values); every one of
    /// them needs a text in both languages, even before a page shows it.
    #[test]
    fn every_key_the_domain_can_return_exists() {
        fn files(dir: std::path::PathBuf, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut paths = vec![];
        files(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/src"),
            &mut paths,
        );
        let prefixes = [
            "\"error.",
            "\"requisition.",
            "\"preference.",
            "\"import.",
            "\"status.",
            "\"engagement.",
            "\"phase.",
            "\"language.",
            "\"lix.",
            "\"interview.",
            "\"reference.",
        ];
        let mut checked = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for prefix in prefixes {
                for (i, _) in text.match_indices(prefix) {
                    let rest = &text[i + 1..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c))
                    {
                        checked += 1;
                        assert!(
                            NB.contains_key(key),
                            "missing key {key} ({})",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(checked > 30, "found {checked} keys");
    }

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date(Lang::Nb, d), "1. desember 2026");
        assert_eq!(date(Lang::En, d), "1 December 2026");
        assert_eq!(datetime(Lang::Nb, 1_780_000_000), "28. mai 2026 kl. 22.26");
        assert_eq!(
            count(Lang::Nb, 3, "jobs.count_one", "jobs.count_many"),
            "3 ledige stillinger"
        );
        assert_eq!(
            count(Lang::En, 1, "jobs.count_one", "jobs.count_many"),
            "1 vacancy"
        );
    }
}
