//! Choices for `<select>` lists, in the reader's language and Norwegian alphabetical order.

use crate::i18n;
use crate::view::Errors;
use talentflyt_domain::Lang;
use talentflyt_store::OrgUnit;

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

/// The units a person may choose (`may` decides by the unit's path), indented by level.
pub fn unit_options(
    units: &[OrgUnit],
    lang: Lang,
    selected: &str,
    may: impl Fn(&OrgUnit) -> bool,
) -> Vec<(i64, String, bool)> {
    units
        .iter()
        .filter(|u| may(u))
        .map(|u| {
            let depth = u.path.matches('/').count().saturating_sub(2);
            (
                u.id,
                format!("{}{}", "\u{2014} ".repeat(depth), u.name(lang)),
                u.id.to_string() == selected,
            )
        })
        .collect()
}

/// Report on the `unit_id` field unless the chosen unit is one `may` allows (the list offered
/// only those, so anything else was sent by hand).
pub fn check_unit(
    errs: &mut Errors,
    lang: Lang,
    units: &[OrgUnit],
    unit_id: i64,
    may: impl Fn(&str) -> bool,
) {
    if !units
        .iter()
        .find(|u| u.id == unit_id)
        .is_some_and(|u| may(&u.path))
    {
        errs.add(
            lang,
            "unit_id",
            i18n::t(lang, "error.unit_not_allowed").to_owned(),
        );
    }
}

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
