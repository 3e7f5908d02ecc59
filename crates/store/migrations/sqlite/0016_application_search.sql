-- Back-office search across applications (issue 13): the text read from each document, and one
-- full-text row per application (name, e-mail, what the form said, the documents' text). The
-- row's rowid is the application's id. unicode61 folds case for every letter, æ, ø and å too.

-- NULL: not read yet (the index_documents job reads it); '' when there is no text to read.
ALTER TABLE documents ADD COLUMN text TEXT;
CREATE INDEX documents_unread ON documents(id) WHERE text IS NULL;

CREATE VIRTUAL TABLE application_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO application_search (rowid, body)
    SELECT a.id, c.given_name || ' ' || c.family_name || ' ' || c.email
    FROM applications a JOIN candidates c ON c.id = a.candidate_id;
