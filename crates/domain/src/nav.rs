//! An ad as NAV arbeidsplassen's import API ("stillingsimport") takes it. Public employers
//! must report vacancies to NAV (arbeidsmarkedsloven § 7); the API is documented in the public
//! repository navikt/pam-import-api, `docs/index.md`, and our summary of it, with the rules its
//! server applies, is `docs/channels/nav-stillingsimport.md`.
//!
//! [`NavAd::check`] applies the documented rules before anything is sent, so an ad NAV would
//! refuse is reported here, in our words, rather than as NAV's error receipt.

use crate::ad::Contact;
use crate::posting::Engagement;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// `engagementtype` values NAV accepts (exact, case-sensitive).
pub const ENGAGEMENT_TYPES: &[&str] = &[
    "Engasjement",
    "Fast",
    "Feriejobb",
    "Prosjekt",
    "Selvstendig næringsdrivende",
    "Sesong",
    "Vikariat",
    "Trainee",
    "Lærling",
    "Åremål",
    "Frilanser",
    "Annet",
];
/// `extent` values.
pub const EXTENTS: &[&str] = &["Heltid", "Deltid"];
/// `sector` values.
pub const SECTORS: &[&str] = &["Privat", "Offentlig"];
/// The property keys NAV knows; any other key makes the whole ad unreadable to it.
pub const PROPERTY_KEYS: &[&str] = &[
    "sourceurl",
    "applicationdue",
    "applicationemail",
    "applicationmail",
    "applicationlabel",
    "applicationurl",
    "employerdescription",
    "employerhomepage",
    "engagementtype",
    "extent",
    "occupation",
    "salary",
    "starttime",
    "sector",
    "location",
    "jobtitle",
    "keywords",
    "industry",
    "workhours",
    "workday",
    "workLanguage",
    "facebookpage",
    "linkedinpage",
    "twitteraddress",
    "jobpercentage",
    "jobarrangement",
    "remote",
    "euresflagg",
    "role",
    "author",
    "arbeidsplassenoccupation",
];

/// NAV's `engagementtype` for ours. A temporary post in a hospital is most often a substitute
/// post ("Vikariat"); the other § 14-9 grounds are "Engasjement" at NAV, which the requisition's
/// ground would tell, when the ad has one.
pub fn engagement_type(e: Engagement, substitute: Option<bool>) -> &'static str {
    match (e, substitute) {
        (Engagement::Permanent, _) => "Fast",
        (Engagement::Temporary, Some(false)) => "Engasjement",
        (Engagement::Temporary, _) => "Vikariat",
    }
}

/// A place as NAV takes it (for the employer and for each place of work).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavLocation {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub postal_code: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub city: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub municipal: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub county: String,
    pub country: String,
}

/// The employer: the organisation's sub-unit number (underenhet) and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavEmployer {
    pub business_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orgnr: Option<String>,
    /// Always present, as NAV requires the key.
    pub location: NavLocation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavContact {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

/// One ad in NAV's format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavAd {
    pub reference: String,
    pub positions: i64,
    pub title: String,
    /// HTML, with NAV's basic tags only (p, ul, li, h3, br, strong, em).
    pub ad_text: String,
    pub privacy: &'static str,
    /// Local Norwegian time, no zone: `2026-11-23T08:00:00`.
    pub published: String,
    pub expires: String,
    pub employer: NavEmployer,
    pub location_list: Vec<NavLocation>,
    pub contact_list: Vec<NavContact>,
    pub properties: BTreeMap<&'static str, String>,
}

/// Everything an ad is made of, as we hold it.
#[derive(Debug, Clone)]
pub struct NavInput<'a> {
    pub reference: &'a str,
    pub positions: i64,
    pub title: &'a str,
    pub ad_html: &'a str,
    /// When it became public, in Norwegian local time.
    pub published: NaiveDateTime,
    pub deadline: NaiveDate,
    pub engagement: Engagement,
    /// For a temporary post: whether it is a substitute post (`None`: not known).
    pub substitute: Option<bool>,
    pub extent_percent: i64,
    pub start_date: Option<NaiveDate>,
    /// Where the work is (a site such as "Ullevål"): the address of the place of work, whose
    /// postal code, municipality and county are the employer's.
    pub work_place: &'a str,
    pub contacts: &'a [Contact],
    /// The ad on our career site, where candidates apply.
    pub url: &'a str,
    pub employer: &'a NavEmployer,
    /// The profession's name (NAV's `occupation`).
    pub profession_name: &'a str,
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl NavAd {
    /// The ad for NAV. It stays open at NAV through its deadline day: `applicationdue` is given as
    /// the end of that day, since NAV shortens `expires` to a plain date's midnight.
    pub fn build(i: &NavInput) -> NavAd {
        let end = i
            .deadline
            .and_hms_opt(23, 59, 59)
            .unwrap_or_else(|| i.deadline.and_hms_opt(0, 0, 0).unwrap_or_default());
        let mut properties = BTreeMap::new();
        properties.insert("applicationdue", local(end));
        properties.insert("applicationurl", i.url.to_owned());
        properties.insert("sourceurl", i.url.to_owned());
        properties.insert(
            "engagementtype",
            engagement_type(i.engagement, i.substitute).to_owned(),
        );
        let full = i.extent_percent >= 100;
        properties.insert("extent", if full { "Heltid" } else { "Deltid" }.to_owned());
        if !full {
            properties.insert("jobpercentage", format!("{}%", i.extent_percent));
        }
        properties.insert("sector", "Offentlig".to_owned());
        properties.insert(
            "starttime",
            match i.start_date {
                Some(d) => d.format("%d.%m.%Y").to_string(),
                None => "Etter avtale".to_owned(),
            },
        );
        properties.insert("applicationlabel", i.reference.to_owned());
        if !i.profession_name.is_empty() {
            properties.insert("occupation", i.profession_name.to_owned());
        }
        let mut place = i.employer.location.clone();
        if !i.work_place.trim().is_empty() {
            place.address = i.work_place.trim().to_owned();
        }
        NavAd {
            reference: i.reference.to_owned(),
            positions: i.positions,
            title: i.title.to_owned(),
            ad_text: i.ad_html.to_owned(),
            privacy: "SHOW_ALL",
            published: local(i.published),
            expires: local(end),
            employer: i.employer.clone(),
            location_list: vec![place],
            contact_list: i
                .contacts
                .iter()
                .filter(|c| !c.name.trim().is_empty())
                .map(|c| NavContact {
                    name: c.name.clone(),
                    title: c.title.clone(),
                    email: c.email.clone(),
                    // NAV takes at most 35 characters; a longer number is left out rather than cut.
                    phone: if c.phone.chars().count() < 36 {
                        c.phone.clone()
                    } else {
                        String::new()
                    },
                })
                .collect(),
            properties,
        }
    }

    /// The rules NAV's server applies, checked here first: what would be refused, in words.
    pub fn check(&self) -> Vec<String> {
        let mut problems = vec![];
        let mut need = |ok: bool, what: &str| {
            if !ok {
                problems.push(what.to_owned());
            }
        };
        need(
            !self.reference.trim().is_empty() && self.reference.chars().count() < 255,
            "reference is blank or 255 characters or more",
        );
        need(
            !self.title.trim().is_empty() && self.title.chars().count() < 512,
            "title is blank or 512 characters or more",
        );
        need(!self.ad_text.trim().is_empty(), "the ad text is blank");
        need(self.positions > 0, "positions must be 1 or more");
        need(
            self.employer.orgnr.as_ref().is_some_and(|o| {
                let digits: String = o.chars().filter(|c| !c.is_whitespace()).collect();
                digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit())
            }) || (!self.employer.business_name.trim().is_empty()
                && self.employer.business_name.chars().count() < 255),
            "the employer needs an organisation number or a name",
        );
        need(
            self.location_list.first().is_some_and(|l| {
                !l.postal_code.is_empty() || !l.municipal.is_empty() || !l.county.is_empty()
            }),
            "the place of work needs a postal code, a municipality or a county",
        );
        for (what, v) in [("published", &self.published), ("expires", &self.expires)] {
            need(
                NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S").is_ok(),
                &format!("{what} is not a local date and time"),
            );
        }
        for c in &self.contact_list {
            need(
                c.name.chars().count() < 255
                    && c.title.chars().count() < 255
                    && c.email.chars().count() < 255
                    && c.phone.chars().count() < 36,
                "a contact's details are too long",
            );
        }
        for (key, value) in &self.properties {
            need(
                PROPERTY_KEYS.contains(key),
                &format!("unknown property {key}"),
            );
            let set: Option<&[&str]> = match *key {
                "engagementtype" => Some(ENGAGEMENT_TYPES),
                "extent" => Some(EXTENTS),
                "sector" => Some(SECTORS),
                _ => None,
            };
            if let Some(set) = set {
                need(
                    set.contains(&value.as_str()),
                    &format!("property {key} has a value NAV does not know: {value}"),
                );
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employer() -> NavEmployer {
        NavEmployer {
            business_name: "Oslo universitetssykehus HF".into(),
            orgnr: Some("993 467 049".into()),
            location: NavLocation {
                postal_code: "0424".into(),
                city: "Oslo".into(),
                municipal: "Oslo".into(),
                county: "Oslo".into(),
                country: "NORGE".into(),
                ..NavLocation::default()
            },
        }
    }

    fn input<'a>(employer: &'a NavEmployer, contacts: &'a [Contact]) -> NavInput<'a> {
        NavInput {
            reference: "2026-4711",
            positions: 2,
            title: "Intensivsykepleier",
            ad_html: "<p>Vi søker intensivsykepleiere.</p>",
            published: NaiveDate::from_ymd_opt(2026, 11, 23)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            engagement: Engagement::Temporary,
            substitute: None,
            extent_percent: 80,
            start_date: NaiveDate::from_ymd_opt(2027, 1, 4),
            work_place: "Rikshospitalet",
            contacts,
            url: "https://jobb.ous.example/jobs/4711",
            employer,
            profession_name: "Intensivsykepleier",
        }
    }

    #[test]
    fn an_ad_maps_to_nav_fields_and_value_sets() {
        let e = employer();
        let contacts = [Contact {
            name: "Kari Leder".into(),
            title: "Seksjonsleder".into(),
            phone: "+47 23 07 00 00".into(),
            email: "kari@ous.example".into(),
        }];
        let ad = NavAd::build(&input(&e, &contacts));
        assert_eq!(ad.check(), Vec::<String>::new());
        let json = serde_json_like(&ad);
        for key in [
            "\"reference\":\"2026-4711\"",
            "\"positions\":2",
            "\"adText\":",
            "\"privacy\":\"SHOW_ALL\"",
            "\"published\":\"2026-11-23T09:30:00\"",
            "\"expires\":\"2026-12-07T23:59:59\"",
            "\"businessName\":\"Oslo universitetssykehus HF\"",
            "\"orgnr\":\"993 467 049\"",
            "\"locationList\":[{\"address\":\"Rikshospitalet\",\"postalCode\":\"0424\"",
            "\"contactList\":[{\"name\":\"Kari Leder\"",
        ] {
            assert!(json.contains(key), "{key} in {json}");
        }
        let p = &ad.properties;
        assert_eq!(p["engagementtype"], "Vikariat");
        assert_eq!(p["extent"], "Deltid");
        assert_eq!(p["jobpercentage"], "80%");
        assert_eq!(p["sector"], "Offentlig");
        assert_eq!(p["starttime"], "04.01.2027");
        assert_eq!(p["applicationdue"], "2026-12-07T23:59:59");
        assert_eq!(p["applicationurl"], "https://jobb.ous.example/jobs/4711");
        assert!(p.keys().all(|k| PROPERTY_KEYS.contains(k)));
    }

    #[test]
    fn engagement_types_are_in_navs_value_set() {
        for (e, s) in [
            (Engagement::Permanent, None),
            (Engagement::Temporary, None),
            (Engagement::Temporary, Some(true)),
            (Engagement::Temporary, Some(false)),
        ] {
            assert!(ENGAGEMENT_TYPES.contains(&engagement_type(e, s)));
        }
        assert_eq!(engagement_type(Engagement::Permanent, None), "Fast");
        assert_eq!(
            engagement_type(Engagement::Temporary, Some(false)),
            "Engasjement"
        );
    }

    #[test]
    fn what_nav_would_refuse_is_reported_first() {
        let mut e = employer();
        e.orgnr = None;
        e.business_name = String::new();
        e.location = NavLocation {
            country: "NORGE".into(),
            ..NavLocation::default()
        };
        let long_phone = [Contact {
            name: "Ola".into(),
            phone: "+47 ".repeat(12),
            ..Contact::default()
        }];
        let mut i = input(&e, &long_phone);
        i.positions = 0;
        i.work_place = "";
        let mut ad = NavAd::build(&i);
        assert_eq!(
            ad.contact_list[0].phone, "",
            "a phone number NAV cannot take is left out"
        );
        ad.properties.insert("extent", "heltid".into());
        ad.properties.insert("colour", "blå".into());
        let problems = ad.check().join("; ");
        for expected in [
            "positions must be 1 or more",
            "the employer needs an organisation number or a name",
            "the place of work needs a postal code",
            "property extent has a value NAV does not know: heltid",
            "unknown property colour",
        ] {
            assert!(problems.contains(expected), "{expected} in {problems}");
        }
    }

    fn serde_json_like(ad: &NavAd) -> String {
        serde_json::to_string(ad).unwrap()
    }
}
