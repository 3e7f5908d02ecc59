//! The professions postings are written for. Codes are stable; names are shown in the reader's language.

use crate::Lang;

/// A profession: code, bokmål name, English name, and whether it is a vulnerable competence
/// area in the OUS strategy (intensive care, children, mental health, surgery, cancer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profession {
    pub code: &'static str,
    pub name_nb: &'static str,
    pub name_en: &'static str,
    pub vulnerable: bool,
}

impl Profession {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.name_nb,
            Lang::En => self.name_en,
        }
    }
}

pub const PROFESSIONS: &[Profession] = &[
    Profession {
        code: "nurse",
        name_nb: "Sykepleier",
        name_en: "Registered nurse",
        vulnerable: false,
    },
    Profession {
        code: "specialist_nurse_intensive",
        name_nb: "Intensivsykepleier",
        name_en: "Intensive care nurse",
        vulnerable: true,
    },
    Profession {
        code: "anaesthesia_nurse",
        name_nb: "Anestesisykepleier",
        name_en: "Nurse anaesthetist",
        vulnerable: true,
    },
    Profession {
        code: "operating_nurse",
        name_nb: "Operasjonssykepleier",
        name_en: "Operating room nurse",
        vulnerable: true,
    },
    Profession {
        code: "paediatric_nurse",
        name_nb: "Barnesykepleier",
        name_en: "Paediatric nurse",
        vulnerable: true,
    },
    Profession {
        code: "oncology_nurse",
        name_nb: "Kreftsykepleier",
        name_en: "Oncology nurse",
        vulnerable: true,
    },
    Profession {
        code: "mental_health_nurse",
        name_nb: "Spesialsykepleier psykisk helse",
        name_en: "Mental health nurse specialist",
        vulnerable: true,
    },
    Profession {
        code: "midwife",
        name_nb: "Jordmor",
        name_en: "Midwife",
        vulnerable: false,
    },
    Profession {
        code: "physician_specialist",
        name_nb: "Overlege",
        name_en: "Consultant physician",
        vulnerable: false,
    },
    Profession {
        code: "physician_resident",
        name_nb: "Lege i spesialisering (LIS)",
        name_en: "Resident physician (specialty trainee)",
        vulnerable: false,
    },
    Profession {
        code: "psychologist",
        name_nb: "Psykolog",
        name_en: "Psychologist",
        vulnerable: true,
    },
    Profession {
        code: "bioengineer",
        name_nb: "Bioingeniør",
        name_en: "Biomedical laboratory scientist",
        vulnerable: false,
    },
    Profession {
        code: "radiographer",
        name_nb: "Radiograf",
        name_en: "Radiographer",
        vulnerable: false,
    },
    Profession {
        code: "physiotherapist",
        name_nb: "Fysioterapeut",
        name_en: "Physiotherapist",
        vulnerable: false,
    },
    Profession {
        code: "occupational_therapist",
        name_nb: "Ergoterapeut",
        name_en: "Occupational therapist",
        vulnerable: false,
    },
    Profession {
        code: "health_secretary",
        name_nb: "Helsesekretær",
        name_en: "Medical secretary",
        vulnerable: false,
    },
    Profession {
        code: "pharmacist",
        name_nb: "Farmasøyt",
        name_en: "Pharmacist",
        vulnerable: false,
    },
    Profession {
        code: "clinical_nutritionist",
        name_nb: "Klinisk ernæringsfysiolog",
        name_en: "Clinical dietitian",
        vulnerable: false,
    },
    Profession {
        code: "social_worker",
        name_nb: "Sosionom",
        name_en: "Social worker",
        vulnerable: false,
    },
    Profession {
        code: "healthcare_worker",
        name_nb: "Helsefagarbeider",
        name_en: "Healthcare worker",
        vulnerable: false,
    },
    Profession {
        code: "ambulance_worker",
        name_nb: "Ambulansearbeider",
        name_en: "Ambulance worker / paramedic",
        vulnerable: false,
    },
    Profession {
        code: "it_engineer",
        name_nb: "IKT-ingeniør",
        name_en: "IT engineer",
        vulnerable: false,
    },
    Profession {
        code: "administrative",
        name_nb: "Rådgiver",
        name_en: "Administrative adviser",
        vulnerable: false,
    },
    Profession {
        code: "service_worker",
        name_nb: "Servicemedarbeider renhold",
        name_en: "Service worker (cleaning)",
        vulnerable: false,
    },
    Profession {
        code: "leader",
        name_nb: "Leder",
        name_en: "Manager",
        vulnerable: false,
    },
];

pub fn find(code: &str) -> Option<&'static Profession> {
    PROFESSIONS.iter().find(|p| p.code == code)
}

/// The profession's name, or the code itself for one no longer in the catalogue.
pub fn name(code: &str, lang: Lang) -> String {
    find(code)
        .map(|p| p.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_named_in_both_languages() {
        let mut codes: Vec<_> = PROFESSIONS.iter().map(|p| p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), PROFESSIONS.len());
        assert_eq!(name("midwife", Lang::Nb), "Jordmor");
        assert_eq!(name("unknown_code", Lang::En), "unknown_code");
    }
}
