//! Job alerts, the talent pool's way in: what a person asks to hear about, and whether an ad
//! is one of those.

use crate::ad::TargetGroup;
use crate::person::Email;
use crate::{profession, Invalid};

/// How long consent lasts unless configured otherwise, in days.
pub const DEFAULT_CONSENT_DAYS: u32 = 365;
/// How many days before consent runs out the renewal e-mail goes.
pub const RENEWAL_NOTICE_DAYS: u32 = 14;
/// The most values a person may choose of each kind.
const MAX_CHOICES: usize = 30;
/// The longest place accepted (as long as an ad's place may be).
const MAX_PLACE: usize = 100;
/// Places are stored joined by this (a place may hold commas, never control characters).
const PLACE_SEPARATOR: char = '\u{1f}';

/// When matching ads are e-mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Frequency {
    /// As soon as the ad is published.
    Instant,
    /// Once a day, all new ads in one e-mail.
    #[default]
    Daily,
}

impl Frequency {
    pub const ALL: [Frequency; 2] = [Frequency::Daily, Frequency::Instant];
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Instant => "instant",
            Frequency::Daily => "daily",
        }
    }
    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Frequency::Instant => "alerts.instant",
            Frequency::Daily => "alerts.daily",
        }
    }
}

crate::text_enum!(Frequency, "alert frequency");

/// What an alert asks for. An empty list means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    /// Profession codes.
    pub professions: Vec<String>,
    /// Clinic unit codes.
    pub clinics: Vec<String>,
    /// Places, lowercased.
    pub places: Vec<String>,
    pub targets: Vec<TargetGroup>,
}

/// What of an ad an alert looks at.
pub struct AdFacts<'a> {
    pub profession: &'a str,
    /// The code of the clinic the ad's unit lies in.
    pub clinic: Option<&'a str>,
    /// As written; compared lowercased and trimmed.
    pub place: &'a str,
    pub targets: &'a [TargetGroup],
}

impl Criteria {
    /// Whether the ad is one the person asked for: every kind chosen must match.
    pub fn matches(&self, ad: &AdFacts) -> bool {
        let place = ad.place.trim().to_lowercase();
        (self.professions.is_empty() || self.professions.iter().any(|p| p == ad.profession))
            && (self.clinics.is_empty()
                || ad
                    .clinic
                    .is_some_and(|c| self.clinics.iter().any(|x| x == c)))
            && (self.places.is_empty() || self.places.contains(&place))
            && (self.targets.is_empty() || self.targets.iter().any(|t| ad.targets.contains(t)))
    }

    /// Each list as stored: comma-separated.
    pub fn joined(&self) -> [String; 4] {
        [
            self.professions.join(","),
            self.clinics.join(","),
            self.places.join(&PLACE_SEPARATOR.to_string()),
            crate::ad::join_codes(&self.targets),
        ]
    }

    /// The lists as stored; unknown target groups are dropped.
    pub fn from_stored(professions: &str, clinics: &str, places: &str, targets: &str) -> Criteria {
        let list = |s: &str, sep: char| -> Vec<String> {
            s.split(sep)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Criteria {
            professions: list(professions, ','),
            clinics: list(clinics, ','),
            places: list(places, PLACE_SEPARATOR),
            targets: targets.split(',').filter_map(TargetGroup::parse).collect(),
        }
    }
}

/// A sign-up as sent, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUp {
    pub email: Email,
    pub criteria: Criteria,
    pub frequency: Frequency,
}

/// Read the sign-up form (`pairs` as sent; the lists repeat their name). `clinic_ok` says
/// whether a clinic code exists. The consent box must be ticked.
pub fn parse_sign_up(
    pairs: &[(String, String)],
    clinic_ok: impl Fn(&str) -> bool,
) -> Result<SignUp, Vec<Invalid>> {
    let mut errs = vec![];
    let mut c = Criteria::default();
    let mut email = "";
    let mut frequency = None;
    let mut consent = false;
    let mut bad_choice = false;
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "email" => email = v,
            "frequency" => frequency = Frequency::parse(v),
            "consent" => consent = v == "yes",
            "profession" if !v.is_empty() => match profession::find(v) {
                Some(p) if !c.professions.iter().any(|x| x == p.code) => {
                    c.professions.push(p.code.to_owned())
                }
                Some(_) => {}
                None => bad_choice = true,
            },
            "clinic" if !v.is_empty() => {
                if !clinic_ok(v) || v.contains(',') {
                    bad_choice = true;
                } else if !c.clinics.iter().any(|x| x == v) {
                    c.clinics.push(v.to_owned());
                }
            }
            "place" if !v.is_empty() => {
                let p = v.to_lowercase();
                if p.chars().count() > MAX_PLACE || p.chars().any(char::is_control) {
                    bad_choice = true;
                } else if !c.places.contains(&p) {
                    c.places.push(p);
                }
            }
            "target" if !v.is_empty() => match TargetGroup::parse(v) {
                Some(t) if !c.targets.contains(&t) => c.targets.push(t),
                Some(_) => {}
                None => bad_choice = true,
            },
            _ => {}
        }
    }
    let too_many = [
        c.professions.len(),
        c.clinics.len(),
        c.places.len(),
        c.targets.len(),
    ]
    .iter()
    .any(|n| *n > MAX_CHOICES);
    if bad_choice || too_many {
        errs.push(Invalid::new("profession", "error.alert_choice"));
    }
    let email = match Email::parse(email) {
        Ok(e) => Some(e),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    if frequency.is_none() {
        errs.push(Invalid::new("frequency", "error.alert_frequency"));
    }
    if !consent {
        errs.push(Invalid::new("consent", "error.alert_consent"));
    }
    match (email, frequency) {
        (Some(email), Some(frequency)) if errs.is_empty() => Ok(SignUp {
            email,
            criteria: c,
            frequency,
        }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_sign_up_needs_an_address_a_frequency_and_consent() {
        let ok = parse_sign_up(
            &pairs(&[
                ("email", " kari@example.no "),
                ("profession", "nurse"),
                ("profession", "nurse"),
                ("clinic", "AKU"),
                ("place", "Ullevål"),
                ("target", "new_graduates"),
                ("frequency", "instant"),
                ("consent", "yes"),
            ]),
            |c| c == "AKU",
        )
        .unwrap();
        assert_eq!(ok.email.as_str(), "kari@example.no");
        assert_eq!(ok.criteria.professions, ["nurse"]);
        assert_eq!(ok.criteria.places, ["ullevål"]);
        assert_eq!(ok.frequency, Frequency::Instant);
        let errs = parse_sign_up(&pairs(&[("email", "nope"), ("clinic", "XYZ")]), |c| {
            c == "AKU"
        })
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["profession", "email", "frequency", "consent"]);
    }

    #[test]
    fn an_ad_matches_when_every_chosen_kind_matches() {
        let c = Criteria::from_stored("nurse,midwife", "AKU", "ullevål", "");
        let ad = |profession, clinic, place| AdFacts {
            profession,
            clinic,
            place,
            targets: &[TargetGroup::Students],
        };
        assert!(c.matches(&ad("nurse", Some("AKU"), " Ullevål")));
        assert!(!c.matches(&ad("physician", Some("AKU"), "Ullevål")));
        assert!(!c.matches(&ad("nurse", Some("BAR"), "Ullevål")));
        assert!(!c.matches(&ad("nurse", None, "Ullevål")));
        assert!(!c.matches(&ad("nurse", Some("AKU"), "Aker")));
        assert!(
            Criteria::default().matches(&ad("physician", None, "")),
            "any"
        );
        let students = Criteria::from_stored("", "", "", "students,nope");
        assert_eq!(students.targets, [TargetGroup::Students]);
        assert!(students.matches(&ad("x", None, "")));
        let comma = parse_sign_up(
            &pairs(&[
                ("email", "a@example.no"),
                ("place", "Ullevål, bygg 37"),
                ("place", "Aker"),
                ("frequency", "daily"),
                ("consent", "yes"),
            ]),
            |_| false,
        )
        .unwrap()
        .criteria;
        let [_, _, places, _] = comma.joined();
        let back = Criteria::from_stored("", "", &places, "");
        assert_eq!(
            back.places,
            ["ullevål, bygg 37", "aker"],
            "a place may hold a comma"
        );
        assert_eq!(students.joined()[3], "students");
    }
}
