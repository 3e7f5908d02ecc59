//! Blind screening (R7): while a posting screens blind, those who assess its applicants see
//! what the candidate can do, not who they are. Name, age, gender, photo, nationality, address
//! and e-mail are hidden in the list, on the application and in the text of the attachments,
//! until the applicant reaches the stage the posting chose, or someone who handles the
//! candidates reveals one applicant with a reason (both logged).
//!
//! The redaction is for fairness, not secrecy: it removes what the candidate told us about
//! themselves (their name, e-mail, phone, birth date, home municipality, authorisation number,
//! referees) wherever it occurs, the values of lines labelled as personal (address, born,
//! gender, nationality, …), every e-mail address, and long numbers that look like phone or
//! national identity numbers. Images (a photo) carry no text and are never shown while blind.

use crate::pipeline::Stage;
use crate::posting::Phase;

/// What the candidate told us about themselves, to be found and hidden in free text.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub phone: String,
    /// `YYYY-MM-DD`, as the form stores it.
    pub birth_date: String,
    pub municipality: String,
    pub hpr_number: String,
    /// Referees' names, phones and e-mail addresses.
    pub referees: Vec<String>,
}

/// Labels whose value on the same line is personal, in bokmål and English, lower case. A line
/// that starts with one of them followed by `:` keeps the label and loses the value.
const PERSONAL_LABELS: &[&str] = &[
    "navn",
    "fullt navn",
    "name",
    "full name",
    "adresse",
    "address",
    "bosted",
    "postadresse",
    "postnummer",
    "hjemsted",
    "home",
    "født",
    "fødselsdato",
    "fødselsår",
    "date of birth",
    "born",
    "birth date",
    "alder",
    "age",
    "kjønn",
    "gender",
    "sex",
    "nasjonalitet",
    "nationality",
    "statsborgerskap",
    "citizenship",
    "sivilstand",
    "sivil status",
    "marital status",
    "telefon",
    "tlf",
    "tlf.",
    "mobil",
    "mobile",
    "phone",
    "e-post",
    "epost",
    "e-mail",
    "email",
    "fødselsnummer",
    "fødselsnr",
    "personnummer",
    "personnr",
    "fødested",
    "place of birth",
    "sivilstatus",
    "fornavn",
    "etternavn",
    "first name",
    "surname",
    "last name",
    "postnr",
    "postnr.",
    "poststed",
    "mobiltelefon",
    "telefonnummer",
    "mobilnummer",
    "hpr-nr",
    "hpr-nr.",
    "national identity number",
    "hpr",
    "hpr-nummer",
    "hpr number",
    "linkedin",
];

/// The text with the candidate's identity hidden: each hidden part becomes `mark` (such as
/// "[skjult]").
pub fn redact(text: &str, who: &Identity, mark: &str) -> String {
    let known = Known {
        words: identity_words(who),
        phones: phones(who),
    };
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&redact_line(line, &known, mark));
    }
    out
}

/// What the redaction looks for: the words that name the candidate, and the last eight digits
/// of each phone number they gave (their own, their referees').
struct Known {
    words: Vec<String>,
    phones: Vec<String>,
}

fn phones(who: &Identity) -> Vec<String> {
    std::iter::once(&who.phone)
        .chain(&who.referees)
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 8)
        .map(|d| d[d.len() - 8..].to_owned())
        .collect()
}

/// The words that name the candidate: every part of their name, their e-mail address, and each
/// part of the other values that is long enough to mean something (so "Oslo" goes, "i" stays).
fn identity_words(who: &Identity) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |s: &str, min: usize| {
        for w in s.split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '.')) {
            let w = w.trim_matches('.');
            if w.chars().count() >= min {
                words.push(w.to_lowercase());
            }
        }
    };
    add(&who.given_name, 2);
    add(&who.family_name, 2);
    add(&who.email, 3);
    add(&who.municipality, 2);
    add(&who.hpr_number, 4);
    for r in &who.referees {
        add(r, 3);
    }
    // The address's own part, piece by piece ("kari.hansen85"), where it stands alone.
    if let Some((local, _)) = who.email.split_once('@') {
        for part in local.split(|c: char| !c.is_alphanumeric()) {
            if part.chars().count() >= 2 {
                words.push(part.to_lowercase());
            }
        }
    }
    // The birth date in the ways a CV writes it: 1985-03-12, 12.03.1985, 12.3.1985.
    if let Some((y, rest)) = who.birth_date.split_once('-') {
        if let Some((m, d)) = rest.split_once('-') {
            words.push(who.birth_date.clone());
            words.push(format!("{d}.{m}.{y}"));
            let (d2, m2) = (d.trim_start_matches('0'), m.trim_start_matches('0'));
            words.push(format!("{d2}.{m2}.{y}"));
        }
    }
    words.sort();
    words.dedup();
    words
}

fn redact_line(line: &str, known: &Known, mark: &str) -> String {
    let words = &known.words;
    // A labelled personal line keeps its label.
    if let Some((label, value)) = line.split_once(':') {
        let l = label.trim().trim_start_matches(['-', '*', '•']).trim();
        if !value.trim().is_empty() && PERSONAL_LABELS.contains(&l.to_lowercase().as_str()) {
            return format!("{label}: {mark}");
        }
    }
    // Token by token: a token is a run of characters that are not white space.
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    // Phone and identity numbers are written in groups ("+47 912 34 567", "912-34-567"): the
    // neighbouring digit groups are joined, and a run of 8 digits or more, or one that ends in
    // a phone number the candidate gave, is hidden. A year ("2015") or a span of years
    // ("2015-2019") breaks a run, so work periods stay.
    let mut run: Vec<(usize, String)> = Vec::new(); // (where in `out`, its digits)
    while !rest.is_empty() {
        let ws_len = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..ws_len]);
        rest = &rest[ws_len..];
        if rest.is_empty() {
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        let core = token.trim_matches(|c: char| PUNCTUATION.contains(c));
        let digits: String = core.chars().filter(char::is_ascii_digit).collect();
        let numeric = !digits.is_empty()
            && core
                .chars()
                .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
            && !words.iter().any(|w| w == core);
        let is_year = |y: &str| {
            y.len() == 4
                && y.chars().all(|c| c.is_ascii_digit())
                && y.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
        };
        let years = core.split('-').all(is_year);
        if numeric && !years {
            run.push((out.len(), digits));
            out.push_str(token);
        } else {
            hide_number_run(&mut out, &mut run, &known.phones, mark);
            out.push_str(&redact_token(token, words, mark));
        }
    }
    hide_number_run(&mut out, &mut run, &known.phones, mark);
    out
}

/// Punctuation around a word that is not part of it.
const PUNCTUATION: &str = ",;:.!?()[]\"'«»";

/// If the digit groups at the end of `out` hold 8 digits or more, or end in one of `phones`,
/// put `mark` in their place (what followed the last digit, such as a full stop, stays).
fn hide_number_run(
    out: &mut String,
    run: &mut Vec<(usize, String)>,
    phones: &[String],
    mark: &str,
) {
    let all: String = run.iter().map(|(_, d)| d.as_str()).collect();
    let hide = all.len() >= 8 || (all.len() >= 5 && phones.iter().any(|p| p.ends_with(&all)));
    if let (true, Some(&(from, _))) = (hide, run.first()) {
        let tail = out[from..]
            .rfind(|c: char| c.is_ascii_digit())
            .map(|i| from + i + 1)
            .unwrap_or(out.len());
        let after = out[tail..].to_owned();
        out.truncate(from);
        out.push_str(mark);
        out.push_str(&after);
    }
    run.clear();
}

fn redact_token(token: &str, words: &[String], mark: &str) -> String {
    let core = token.trim_matches(|c: char| PUNCTUATION.contains(c));
    let lower = core.to_lowercase();
    // An e-mail address, or a written-out birth date ("12.03.1985"), as a whole.
    let whole = (core.contains('@') && core.contains('.'))
        || (lower.chars().any(|c| c.is_ascii_digit()) && words.contains(&lower));
    if whole && !core.is_empty() {
        let start = token.find(core).unwrap_or(0);
        return format!("{}{mark}{}", &token[..start], &token[start + core.len()..]);
    }
    // Word parts and the punctuation between them, so "Hansen," and "Kari-Anne" are found.
    let mut out = String::with_capacity(token.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let w = word.to_lowercase();
        // "Karis", "Hansens": a name in the genitive.
        let genitive = w
            .strip_suffix('s')
            .is_some_and(|b| b.chars().count() >= 2 && words.iter().any(|x| x == b));
        if words.contains(&w) || genitive {
            out.push_str(mark);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in token.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Does an applicant standing here reach the reveal stage (that stage or one after it)? The
/// exits (rejected, withdrawn) never do: nobody needed to know who they were. A reveal stage
/// no longer in the list (which the stages' rules do not let happen) is reached by everyone
/// else.
pub fn reaches(stages: &[Stage], reveal_stage: i64, phase: Phase, stage: Option<i64>) -> bool {
    let ord = |n: i64| stages.iter().position(|s| s.position == n);
    match (
        crate::pipeline::stage_of(stages, phase, stage).and_then(|s| ord(s.position)),
        ord(reveal_stage),
    ) {
        (Some(at), Some(from)) => at >= from,
        (None, _) => false,
        (Some(_), None) => true,
    }
}

/// May identity be hidden until this stage? It must be one of the posting's stages, after the
/// stages for received applications and before the hire (a hire needs a name). Gives the
/// message key of the refusal.
pub fn check_reveal_stage(stages: &[Stage], reveal_stage: i64) -> Result<(), &'static str> {
    match stages.iter().find(|s| s.position == reveal_stage) {
        None => Err("blind.unknown_stage"),
        Some(s) if s.phase == Phase::Applied => Err("blind.too_early"),
        Some(s) if s.phase == Phase::Hired => Err("blind.too_late"),
        Some(_) => Ok(()),
    }
}

/// The name a hidden applicant goes by: their number in the posting, in order of submission.
pub fn pseudonym(lang: crate::Lang, number: usize) -> String {
    match lang {
        crate::Lang::Nb => format!("Søker {number}"),
        crate::Lang::En => format!("Applicant {number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::default_stages;

    fn kari() -> Identity {
        Identity {
            given_name: "Kari Anne".into(),
            family_name: "Hansen-Berg".into(),
            email: "kari.hansen@example.no".into(),
            phone: "912 34 567".into(),
            birth_date: "1985-03-12".into(),
            municipality: "Bærum".into(),
            hpr_number: "1234567".into(),
            referees: vec!["Ola Nordmann".into()],
        }
    }

    #[test]
    fn the_name_email_phone_and_birth_date_are_hidden_wherever_they_stand() {
        let text = "CV for Kari Anne Hansen-Berg\n\
                    Født 12.03.1985 i Bærum, bor i Bærum.\n\
                    Kontakt: kari.hansen@example.no eller +47 912 34 567.\n\
                    Intensivsykepleier ved Oslo universitetssykehus 2015–2023.\n\
                    Referanse: Ola Nordmann, avdelingsleder.\n\
                    Autorisert sykepleier, HPR-nummer 1234567.";
        let r = redact(text, &kari(), "[skjult]");
        for gone in [
            "Kari",
            "Anne",
            "Hansen",
            "Berg",
            "12.03.1985",
            "Bærum",
            "example.no",
            "912",
            "567",
            "Ola",
            "Nordmann",
            "1234567",
        ] {
            assert!(!r.contains(gone), "{gone} left in {r}");
        }
        // What the candidate can do is kept.
        assert!(r.contains("Intensivsykepleier ved Oslo universitetssykehus 2015–2023."));
        assert!(r.contains("avdelingsleder"));
        assert!(
            r.starts_with("CV for [skjult] [skjult] [skjult]-[skjult]"),
            "{r}"
        );
    }

    #[test]
    fn labelled_personal_lines_lose_their_value_and_keep_the_label() {
        let text = "Adresse: Storgata 1, 0155 Oslo\nKjønn: kvinne\nNasjonalitet: svensk\n\
                    Date of birth: 1 May 1990\nSpråk: norsk, engelsk\nErfaring: 8 år";
        let r = redact(text, &Identity::default(), "[hidden]");
        assert_eq!(
            r,
            "Adresse: [hidden]\nKjønn: [hidden]\nNasjonalitet: [hidden]\n\
             Date of birth: [hidden]\nSpråk: norsk, engelsk\nErfaring: 8 år"
        );
    }

    #[test]
    fn any_email_address_and_long_numbers_go_years_and_short_numbers_stay() {
        let r = redact(
            "Skriv til noen@annen.no, ring 22 11 80 00 eller 12345678901. Jobbet 2015 2019 i 3 år.",
            &Identity::default(),
            "#",
        );
        assert_eq!(r, "Skriv til #, ring # eller #. Jobbet 2015 2019 i 3 år.");
    }

    #[test]
    fn a_name_inside_another_word_is_not_touched() {
        let who = Identity {
            given_name: "Ine".into(),
            family_name: "Lund".into(),
            ..Identity::default()
        };
        let r = redact("Ine Lund, medisiner fra Lundamo", &who, "X");
        assert_eq!(r, "X X, medisiner fra Lundamo");
    }

    #[test]
    fn the_reveal_stage_is_reached_there_and_after_but_never_by_the_exits() {
        let stages = crate::pipeline::numbered(&default_stages());
        let at = |p: Phase| stages.iter().find(|s| s.phase == p).unwrap().position;
        let interview = at(Phase::Interview);
        assert!(!reaches(&stages, interview, Phase::Applied, None));
        assert!(!reaches(
            &stages,
            interview,
            Phase::Screening,
            Some(at(Phase::Screening))
        ));
        assert!(reaches(
            &stages,
            interview,
            Phase::Interview,
            Some(interview)
        ));
        assert!(reaches(&stages, interview, Phase::Offer, None));
        assert!(!reaches(&stages, interview, Phase::Rejected, None));
        assert!(!reaches(&stages, interview, Phase::Withdrawn, None));
        assert!(reaches(&stages, 99, Phase::Applied, None));
        assert!(!reaches(&stages, 99, Phase::Rejected, None));
        assert_eq!(check_reveal_stage(&stages, interview), Ok(()));
        assert_eq!(
            check_reveal_stage(&stages, at(Phase::Applied)),
            Err("blind.too_early")
        );
        assert_eq!(check_reveal_stage(&stages, 99), Err("blind.unknown_stage"));
        assert_eq!(
            check_reveal_stage(&stages, at(Phase::Hired)),
            Err("blind.too_late")
        );
    }

    #[test]
    fn phone_numbers_with_dashes_or_only_the_candidates_own_are_found_and_year_spans_stay() {
        let who = Identity {
            phone: "+47 912 34 567".into(),
            referees: vec!["Ola Nordmann".into(), "22 11 80 00".into()],
            ..Identity::default()
        };
        let r = redact(
            "Ring 912-34-567 eller 2211 8000, jobbet 2015-2019 og 2019–2023. Karis CV.",
            &Identity {
                given_name: "Kari".into(),
                ..who
            },
            "#",
        );
        assert_eq!(r, "Ring # eller #, jobbet 2015-2019 og 2019–2023. # CV.");
    }

    #[test]
    fn the_pieces_of_the_address_are_hidden_where_they_stand_alone() {
        let who = Identity {
            email: "minh.ottesen34@example.no".into(),
            ..Identity::default()
        };
        assert_eq!(
            redact("minh ottesen34 example no, se profilen", &who, "#"),
            "# # example no, se profilen"
        );
    }

    #[test]
    fn a_short_municipality_is_hidden_too() {
        let who = Identity {
            municipality: "Ål".into(),
            ..Identity::default()
        };
        assert_eq!(
            redact("Bor på Ål i Hallingdal.", &who, "#"),
            "Bor på # i Hallingdal."
        );
    }
}
