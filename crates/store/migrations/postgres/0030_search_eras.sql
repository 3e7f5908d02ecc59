-- Each search row also holds the era of its application, "#<id / 32768>", as one more word of
-- the index: a search for one word can then take the newest applications' matches straight
-- from the index (the word and the newest eras together) instead of visiting every match of a
-- common name across ten years to sort them. A search cannot ask for these words: its words
-- are letters and digits only, and no search word or prefix begins with "#"
-- (app_search::ERA_BITS and Store::search_wide read them).
DROP INDEX application_search_tsv;
ALTER TABLE application_search DROP COLUMN tsv;
ALTER TABLE application_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple',
        regexp_replace(
            regexp_replace(
                regexp_replace(body, '[[:space:][:punct:]]+', ' ', 'g'),
                '([^0-9[:space:][:punct:]])([0-9])', '\1 \2', 'g'),
            '([0-9])([^0-9[:space:][:punct:]])', '\1 \2', 'g'))
    || array_to_tsvector(ARRAY['#' || (application_id >> 15)::text])
) STORED;
CREATE INDEX application_search_tsv ON application_search USING GIN (tsv);
