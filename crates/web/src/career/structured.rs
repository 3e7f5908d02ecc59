//! What search engines and link previews read from an ad page: schema.org `JobPosting` as
//! JSON-LD, with every property Google lists as required (title, description, datePosted,
//! hiringOrganization, jobLocation) and validThrough, employmentType, identifier, directApply,
//! and baseSalary when the salary text names an amount; and the Open Graph tags.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::Oslo;
use serde_json::{json, Value};
use talentflyt_domain::posting::Engagement;
use talentflyt_domain::Lang;
use talentflyt_store::Posting;

/// The parts of an ad page the structured data is made of.
pub(crate) struct AdFacts<'a> {
    pub posting: &'a Posting,
    pub title: &'a str,
    /// The ad's text as HTML (escaped), for `description`.
    pub description_html: String,
    /// Where the work is: the place of work, or the unit's site.
    pub place: &'a str,
    pub org_name: &'a str,
    /// The site's public address, without a trailing slash.
    pub base_url: &'a str,
    pub has_logo: bool,
}

pub(crate) use talentflyt_domain::ad::escape_html as html_escape;

/// The last moment to apply: the end of the deadline day in Norway.
pub(crate) fn valid_through(deadline: NaiveDate) -> String {
    let end = deadline.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    match Oslo.from_local_datetime(&end).earliest() {
        Some(t) => t.to_rfc3339(),
        None => format!("{}T23:59:59+01:00", deadline.format("%Y-%m-%d")),
    }
}

/// Yearly amounts in Norwegian kroner named in a salary text ("kr 550 000–650 000"): the
/// lowest and, if there is one, the highest. Numbers under 100,000 (a position code, a pay
/// grade) are not amounts; neither is a text without one ("Etter avtale").
pub fn salary_range(text: &str) -> Option<(u64, Option<u64>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut amounts = vec![];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            digits.push(chars[i]);
            i += 1;
        }
        // Thousands written with a space, a no-break space or a dot: "550 000", "1.200.000".
        loop {
            let separator = chars
                .get(i)
                .is_some_and(|c| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.'));
            let three =
                i + 4 <= chars.len() && chars[i + 1..i + 4].iter().all(char::is_ascii_digit);
            let then_no_digit = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
            if !(separator && three && then_no_digit) {
                break;
            }
            digits.extend(&chars[i + 1..i + 4]);
            i += 4;
        }
        if let Ok(n) = digits.parse::<u64>() {
            if (100_000..100_000_000).contains(&n) {
                amounts.push(n);
            }
        }
    }
    let low = *amounts.iter().min()?;
    let high = *amounts.iter().max()?;
    Some((low, (high > low).then_some(high)))
}

/// schema.org `JobPosting` for the ad, as a JSON value.
pub(crate) fn job_posting(f: &AdFacts) -> Value {
    let p = f.posting;
    let url = format!("{}/jobs/{}", f.base_url, p.id);
    let date_posted = p
        .published_at
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(talentflyt_domain::clock::norwegian_date)
        .map(|d| d.format("%Y-%m-%d").to_string());
    let mut types = vec![if p.extent_percent >= 100 {
        "FULL_TIME"
    } else {
        "PART_TIME"
    }];
    if p.engagement == Engagement::Temporary {
        types.push("TEMPORARY");
    }
    let mut org = json!({
        "@type": "Organization",
        "name": f.org_name,
        "sameAs": f.base_url,
    });
    if f.has_logo {
        org["logo"] = json!(format!("{}/static/logo", f.base_url));
    }
    let mut v = json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": f.title,
        "description": f.description_html,
        "identifier": {
            "@type": "PropertyValue",
            "name": f.org_name,
            "value": p.reference,
        },
        "hiringOrganization": org,
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": if f.place.is_empty() { f.org_name } else { f.place },
                "addressCountry": "NO",
            },
        },
        "employmentType": types,
        "directApply": true,
        "url": url,
        "totalJobOpenings": p.positions,
    });
    if let Some(d) = date_posted {
        v["datePosted"] = json!(d);
    }
    if let Ok(deadline) = NaiveDate::parse_from_str(&p.deadline, "%Y-%m-%d") {
        v["validThrough"] = json!(valid_through(deadline));
    }
    if let Some((low, high)) = salary_range(&p.salary_text) {
        let value = match high {
            Some(high) => {
                json!({"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitText": "YEAR"})
            }
            None => json!({"@type": "QuantitativeValue", "value": low, "unitText": "YEAR"}),
        };
        v["baseSalary"] = json!({"@type": "MonetaryAmount", "currency": "NOK", "value": value});
    }
    v
}

/// The JSON-LD as it goes inside `<script type="application/ld+json">`: a `</` in any text
/// cannot end the script.
pub(crate) fn script_json(v: &Value) -> String {
    v.to_string().replace("</", "<\\/")
}

/// Open Graph and canonical tags for the ad, as (property, content) pairs.
pub(crate) fn open_graph(f: &AdFacts, summary: &str, lang: Lang) -> Vec<(&'static str, String)> {
    let mut tags = vec![
        ("og:type", "website".to_owned()),
        ("og:site_name", f.org_name.to_owned()),
        ("og:title", f.title.to_owned()),
        ("og:description", summary.to_owned()),
        ("og:url", format!("{}/jobs/{}", f.base_url, f.posting.id)),
        (
            "og:locale",
            match lang {
                Lang::Nb => "nb_NO",
                Lang::En => "en_GB",
            }
            .to_owned(),
        ),
    ];
    if f.has_logo {
        tags.push(("og:image", format!("{}/static/logo", f.base_url)));
    }
    tags
}

/// The first words of a text, at most `max` characters, ending at a word with "…".
pub(crate) fn summary(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out = String::new();
    for w in flat.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}

/// Links that share `url` on LinkedIn, on Facebook and by e-mail.
pub fn share_links(url: &str, title: &str, lang: Lang) -> Vec<(&'static str, String)> {
    let encoded = urlencoding::encode(url).into_owned();
    vec![
        (
            "LinkedIn",
            format!("https://www.linkedin.com/sharing/share-offsite/?url={encoded}"),
        ),
        (
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={encoded}"),
        ),
        (
            crate::i18n::t(lang, "job.share_email"),
            format!(
                "mailto:?subject={}&body={encoded}",
                urlencoding::encode(title)
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salary_amounts_are_read_from_the_text_and_codes_are_not() {
        assert_eq!(
            salary_range("kr 550 000–650 000 per år"),
            Some((550_000, Some(650_000)))
        );
        assert_eq!(salary_range("Fra kr 720.000"), Some((720_000, None)));
        assert_eq!(salary_range("1 050 000"), Some((1_050_000, None)));
        assert_eq!(salary_range("Stillingskode 1230 Overlege"), None);
        assert_eq!(salary_range("Lønnstrinn 55–60"), None);
        assert_eq!(salary_range("Etter avtale"), None);
        assert_eq!(salary_range(""), None);
        assert_eq!(
            salary_range("Stillingskode 7003, kr 600\u{a0}000"),
            Some((600_000, None))
        );
    }

    #[test]
    fn an_ad_is_valid_through_the_end_of_its_deadline_day_in_norway() {
        let winter = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(valid_through(winter), "2026-12-01T23:59:59+01:00");
        let summer = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        assert_eq!(valid_through(summer), "2026-06-15T23:59:59+02:00");
    }

    #[test]
    fn a_script_cannot_be_ended_from_inside_the_json() {
        let v = json!({"title": "</script><script>alert(1)</script>"});
        assert!(!script_json(&v).contains("</script>"));
    }

    #[test]
    fn summaries_end_at_a_word() {
        assert_eq!(
            summary("Vi søker  en\nsykepleier", 100),
            "Vi søker en sykepleier"
        );
        assert_eq!(summary("Vi søker en sykepleier", 12), "Vi søker en…");
    }
}
