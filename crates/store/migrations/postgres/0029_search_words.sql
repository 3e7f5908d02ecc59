-- The back-office search indexes words only, with letters apart from digits: PostgreSQL's
-- parser kept an e-mail address, or a word such as "nordmann85", as a word of its own,
-- different for nearly every applicant, and a prefix search for a name went through all of
-- them in the index. The text itself (`body`, which the blind screening's redaction reads) is
-- kept as written; only what is indexed changes: punctuation and spaces become one space, and a
-- space goes between a letter and a digit. app_search::apart splits the words of a search the
-- same way.
DROP INDEX application_search_tsv;
ALTER TABLE application_search DROP COLUMN tsv;
ALTER TABLE application_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple',
        regexp_replace(
            regexp_replace(
                regexp_replace(body, '[[:space:][:punct:]]+', ' ', 'g'),
                '([^0-9[:space:][:punct:]])([0-9])', '\1 \2', 'g'),
            '([0-9])([^0-9[:space:][:punct:]])', '\1 \2', 'g'))
) STORED;
CREATE INDEX application_search_tsv ON application_search USING GIN (tsv);
