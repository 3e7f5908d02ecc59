use super::*;

fn found(report: &Report, kind: FindingKind) -> Vec<&str> {
    report.of_kind(kind).map(|f| f.text.as_str()).collect()
}

fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 0.01,
        "LIX {actual}, expected {expected}"
    );
}

// ---- LIX ----

#[test]
fn lix_of_a_short_bokmaal_text_counts_letters_not_bytes() {
    // Sentence 1: Vi(2) søker(5) en(2) sykepleier(10*) til(3) avdelingen(10*) = 6 words, 2 long
    // Sentence 2: Møtene(6; 7 bytes, not long) er(2) på(2) fredager(8*)    = 4 words, 1 long
    // 10 words, 2 sentences, 3 long: 10/2 + 100·3/10 = 5 + 30 = 35.0 → medium
    let lix = lix("Vi søker en sykepleier til avdelingen. Møtene er på fredager!");
    assert_eq!((lix.words, lix.sentences, lix.long_words), (10, 2, 3));
    assert_close(lix.score, 35.0);
    assert_eq!(lix.band, LixBand::Medium);
    assert_eq!(lix.band.key(), "lix.band.medium");
}

#[test]
fn lix_skips_numbers_and_keeps_abbreviations_inside_their_sentence() {
    // Sentence 1: Stillingen(10*) er på med oppstart(8*) mars        = 6 words, 2 long
    //   ("100", "%", "1." and "2026" are not words; "1. mars" does not end the sentence)
    // Sentence 2: Kontakt(7*) f.eks(4) Kari Nordmann(8*) på tlf(3)   = 6 words, 2 long
    //   ("f.eks." before a capital and "tlf." before a number end nothing)
    // 12 words, 2 sentences, 4 long: 12/2 + 100·4/12 = 6 + 33.33 = 39.33 → medium
    let lix = lix("Stillingen er på 100 %, med oppstart 1. mars 2026. \
                   Kontakt f.eks. Kari Nordmann på tlf. 22 11 80 80.");
    assert_eq!((lix.words, lix.sentences, lix.long_words), (12, 2, 4));
    assert_close(lix.score, 39.33);
    assert_eq!(lix.band, LixBand::Medium);
}

#[test]
fn lix_ends_sentences_at_colons_list_items_and_blank_lines() {
    // "We offer:"   We(2) offer(5)          = 1 sentence, 2 words
    // "- a good team"                        = 1 sentence, 3 words
    // "- IT-support" IT-support(9*), one word = 1 sentence, 1 word, 1 long
    // blank line, "Welcome"(7*)              = 1 sentence, 1 word, 1 long
    // 7 words, 4 sentences, 2 long: 7/4 + 100·2/7 = 1.75 + 28.57 = 30.32 → easy
    let lix = lix("We offer:\n- a good team\n- IT-support\n\nWelcome");
    assert_eq!((lix.words, lix.sentences, lix.long_words), (7, 4, 2));
    assert_close(lix.score, 30.32);
    assert_eq!(lix.band, LixBand::Easy);
}

#[test]
fn officialese_scores_very_difficult() {
    // Arbeidsgiver(12*) forbeholder(11*) seg retten(6) til omdisponering(13*) innenfor(8*)
    // sykehusområdet(14*) = 8 words, 1 sentence, 5 long: 8 + 100·5/8 = 8 + 62.5 = 70.5
    let lix = lix("Arbeidsgiver forbeholder seg retten til omdisponering innenfor sykehusområdet.");
    assert_eq!((lix.words, lix.sentences, lix.long_words), (8, 1, 5));
    assert_close(lix.score, 70.5);
    assert_eq!(lix.band, LixBand::VeryDifficult);
}

#[test]
fn bands_follow_the_usual_scale() {
    let band = LixBand::from_score;
    assert_eq!(band(0.0), LixBand::VeryEasy);
    assert_eq!(band(24.9), LixBand::VeryEasy);
    assert_eq!(band(25.0), LixBand::Easy);
    assert_eq!(band(34.9), LixBand::Easy);
    assert_eq!(band(35.0), LixBand::Medium);
    assert_eq!(band(45.0), LixBand::Difficult);
    assert_eq!(band(54.9), LixBand::Difficult);
    assert_eq!(band(55.0), LixBand::VeryDifficult);
    assert_eq!(LixBand::VeryDifficult.key(), "lix.band.very_difficult");
}

// ---- an empty text ----

#[test]
fn an_empty_text_gives_a_sane_report() {
    for text in ["", "  \n\n \t", "2026 – 100 %"] {
        let report = check(text, Lang::Nb);
        assert_eq!(report.lix.words, 0, "{text:?}");
        assert_eq!(report.lix.sentences, 0);
        assert_eq!(report.lix.score, 0.0);
        assert!(report.lix.score.is_finite());
        assert_eq!(report.lix.band, LixBand::VeryEasy);
        assert!(report.findings.is_empty());
        assert_eq!(report.leaning(), Leaning::Balanced);
    }
}

// ---- long sentences and words ----

#[test]
fn a_sentence_of_more_than_25_words_is_long_in_both_languages() {
    for (lang, word) in [(Lang::Nb, "Ord"), (Lang::En, "Word")] {
        let at_limit = format!("{}slutt.", format!("{word} ").repeat(24));
        assert_eq!(
            check(&at_limit, lang)
                .of_kind(FindingKind::LongSentence)
                .count(),
            0
        );

        let over = format!("Kort. {}slutt. Kort.", format!("{word} ").repeat(25));
        let report = check(&over, lang);
        let long: Vec<_> = report.of_kind(FindingKind::LongSentence).collect();
        assert_eq!(long.len(), 1);
        assert_eq!(long[0].text, &over[6..over.len() - 6]);
        assert_eq!(&over[long[0].range.clone()], long[0].text);
        assert_eq!(long[0].key, "language.long_sentence");
    }
}

#[test]
fn a_norwegian_compound_of_more_than_20_letters_is_long_unless_hyphenated() {
    // røntgenundersøkelsesrommet: røntgen(7) + undersøkelses(13) + rommet(6) = 26 letters
    let text = "Du får et nytt røntgenundersøkelsesrommet og røntgen-undersøkelsesrommet.";
    let report = check(text, Lang::Nb);
    assert_eq!(
        found(&report, FindingKind::LongWord),
        ["røntgenundersøkelsesrommet"]
    );
    let f = report.of_kind(FindingKind::LongWord).next().unwrap();
    assert_eq!(&text[f.range.clone()], "røntgenundersøkelsesrommet");
    assert_eq!(f.key, "language.long_word");
}

#[test]
fn an_english_word_of_21_letters_is_long_but_one_of_20_is_not() {
    let report = check("internationalization and internationalizations", Lang::En);
    assert_eq!(
        found(&report, FindingKind::LongWord),
        ["internationalizations"]
    );
}

// ---- gender-coded words ----

#[test]
fn bokmaal_coded_words_match_by_stem_and_the_count_decides_the_leaning() {
    let text = "Vi søker ambisiøse og analytiske sykepleiere. Du er omsorgsfull.";
    let report = check(text, Lang::Nb);
    assert_eq!(
        found(&report, FindingKind::MasculineCoded),
        ["ambisiøse", "analytiske"]
    );
    assert_eq!(found(&report, FindingKind::FeminineCoded), ["omsorgsfull"]);
    assert_eq!((report.masculine_count, report.feminine_count), (2, 1));
    assert_eq!(report.leaning(), Leaning::Masculine);
    assert_eq!(report.leaning().key(), "language.leans.masculine");
    let ambitious = report.of_kind(FindingKind::MasculineCoded).next().unwrap();
    assert_eq!(ambitious.suggestion, Some("motivert"));
    assert_eq!(ambitious.key, "language.masculine_coded");

    let balanced = check(
        "Selvstendig, lyttende og empatisk. Konkurranseorientert!",
        Lang::Nb,
    );
    assert_eq!((balanced.masculine_count, balanced.feminine_count), (2, 2));
    assert_eq!(balanced.leaning(), Leaning::Balanced);
}

#[test]
fn english_coded_words_follow_gaucher_and_kind_is_not_kinds() {
    let text =
        "We want a supportive, kind and ambitious nurse who understands all kinds of patients.";
    let report = check(text, Lang::En);
    assert_eq!(
        found(&report, FindingKind::FeminineCoded),
        ["supportive", "kind", "understands"]
    );
    assert_eq!(found(&report, FindingKind::MasculineCoded), ["ambitious"]);
    assert_eq!(report.leaning(), Leaning::Feminine);
    assert_eq!(
        report
            .of_kind(FindingKind::FeminineCoded)
            .next()
            .unwrap()
            .key,
        "language.feminine_coded"
    );
}

#[test]
fn a_stem_matches_only_at_the_start_of_a_word() {
    // "uselvstendig" and "fagdominerende" hold the stems, but not at the start.
    let report = check("Ingen er uselvstendig eller fagdominerende her.", Lang::Nb);
    assert_eq!(report.masculine_count, 0);
}

// ---- exclusionary phrasing ----

#[test]
fn bokmaal_exclusionary_phrases_are_found_with_their_inflections() {
    let text = "Vi er et ungt og dynamisk miljø. Du er frisk og rask, har norsk som morsmål \
                og må kunne gå lange avstander.";
    let report = check(text, Lang::Nb);
    assert_eq!(
        found(&report, FindingKind::Exclusionary),
        [
            "ungt og dynamisk",
            "frisk og rask",
            "morsmål",
            "må kunne gå"
        ]
    );
    let first = report.of_kind(FindingKind::Exclusionary).next().unwrap();
    assert_eq!(first.suggestion, Some("engasjert og fleksibel"));
    assert_eq!(first.key, "language.exclusionary");
    // A phrase does not run across punctuation.
    assert!(check("Frisk, og rask levering", Lang::Nb)
        .findings
        .is_empty());
}

#[test]
fn english_exclusionary_phrases_are_found() {
    let text = "Join our young and energetic team! Native speaker of English, able-bodied \
                and physically fit.";
    let report = check(text, Lang::En);
    assert_eq!(
        found(&report, FindingKind::Exclusionary),
        [
            "young and energetic",
            "Native speaker",
            "able-bodied",
            "physically fit"
        ]
    );
    assert_eq!(
        report
            .of_kind(FindingKind::Exclusionary)
            .nth(1)
            .unwrap()
            .suggestion,
        Some("fluent")
    );
}

// ---- abbreviations ----

#[test]
fn an_unexplained_abbreviation_is_reported_once_in_bokmaal() {
    let text = "VI TILBYR\n\
                Du jobber ved OUS i HR-avdelingen og på PCI-lab. Du har erfaring fra MIO \
                og kjenner ITA (intensivavdelingen). Perkutan koronar intervensjon (PCI) \
                er en del av jobben. MIO er travelt. Del II av opplæringen.";
    let report = check(text, Lang::Nb);
    assert_eq!(
        found(&report, FindingKind::UnexplainedAbbreviation),
        ["MIO"]
    );
    let mio = report
        .of_kind(FindingKind::UnexplainedAbbreviation)
        .next()
        .unwrap();
    assert_eq!(mio.range.start, text.find("MIO").unwrap());
    assert_eq!(mio.key, "language.unexplained_abbreviation");
}

#[test]
fn an_unexplained_abbreviation_is_reported_in_english() {
    let text = "You will work in the NICU at OUS with HR. The ICU (intensive care unit) is \
                next door. NICU is busy.";
    let report = check(text, Lang::En);
    assert_eq!(
        found(&report, FindingKind::UnexplainedAbbreviation),
        ["NICU"]
    );
}

// ---- byte ranges ----

#[test]
fn every_range_slices_the_input_back_to_the_matched_text_even_after_aeoeaa() {
    let ads = [
        (
            Lang::Nb,
            "Blåøyde søkere ønskes? Nei! Er du én av de selvstendige, lyttende og ambisiøse \
             sykepleierne vi søker til røntgenundersøkelsesrommet på Rikshospitalet, der vi \
             trenger deg som er frisk og rask, snakker norsk som morsmål og har gått \
             videreutdanning i intensivsykepleie, anestesi eller operasjon, så søk nå – \
             erfaring fra ÆØÅ-teamet og MIO er et pluss.",
        ),
        (
            Lang::En,
            "Blåbær café: we need a kind, self-confident and supportive nurse for the NICU, \
             young and energetic, a native speaker with experience in internationalizations \
             of care pathways across the whole trust and its many hospitals in the region, \
             who will thrive in a demanding and sometimes chaotic environment every day.",
        ),
    ];
    for (lang, text) in ads {
        let report = check(text, lang);
        assert!(report.findings.len() >= 5, "{:#?}", report.findings);
        for f in &report.findings {
            assert_eq!(&text[f.range.clone()], f.text, "{f:?}");
            assert_eq!(f.key, f.kind.key());
        }
        let starts: Vec<_> = report.findings.iter().map(|f| f.range.start).collect();
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted, "findings come in text order");
    }
}
