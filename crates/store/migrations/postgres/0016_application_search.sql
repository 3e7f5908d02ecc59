-- Back-office search across applications (issue 13): the text read from each document, and one
-- full-text row per application (name, e-mail, what the form said, the documents' text),
-- searched through a GIN index on its `simple` tsvector (lower case, no stemming: names and
-- Norwegian compounds are matched by prefix).

-- NULL: not read yet (the index_documents job reads it); '' when there is no text to read.
ALTER TABLE documents ADD COLUMN text TEXT;
CREATE INDEX documents_unread ON documents(id) WHERE text IS NULL;

CREATE TABLE application_search (
    application_id  BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    tsv             tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
CREATE INDEX application_search_tsv ON application_search USING GIN (tsv);
INSERT INTO application_search (application_id, body)
    SELECT a.id, c.given_name || ' ' || c.family_name || ' ' || c.email
    FROM applications a JOIN candidates c ON c.id = a.candidate_id;
