//! Choices for `<select>` lists, in the reader's language and Norwegian alphabetical order.

use crate::i18n;
use talentflyt_domain::Lang;

/// Sort key for Norwegian alphabetical order: æ, ø, å come after z (code points put å first).
pub fn nb_sort_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            c => c,
        })
        .collect()
}

/// `(value, label, selected)` for a `<select>`.
pub type Options = Vec<(String, String, bool)>;

/// Every profession, in the reader's language and alphabetical order.
pub fn profession_options(lang: Lang, selected: &str) -> Options {
    let mut v: Options = talentflyt_domain::profession::PROFESSIONS
        .iter()
        .map(|p| {
            (
                p.code.to_owned(),
                p.name(lang).to_owned(),
                p.code == selected,
            )
        })
        .collect();
    v.sort_by_cached_key(|o| nb_sort_key(&o.1));
    v
}

pub fn engagement_options(lang: Lang, selected: &str) -> Options {
    use talentflyt_domain::posting::Engagement;
    [Engagement::Permanent, Engagement::Temporary]
        .into_iter()
        .map(|e| {
            (
                e.as_str().to_owned(),
                i18n::t(lang, e.label_key()).to_owned(),
                e.as_str() == selected,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_sort_after_z() {
        let mut v = vec!["Åse", "Ørjan", "Zara", "Ærlig", "anne"];
        v.sort_by_cached_key(|s| nb_sort_key(s));
        assert_eq!(v, ["anne", "Zara", "Ærlig", "Ørjan", "Åse"]);
        let opts = profession_options(Lang::Nb, "midwife");
        assert!(opts.iter().any(|o| o.0 == "midwife" && o.2));
    }
}
