-- Other pages of one posting that name many applicants (the scorecard panel, the interview
-- schedule, the offers page) are written as one audit_lists row each too, as the applicant list
-- is, and say which page it was. Rows written before keep '' and read as "posting <id>".
ALTER TABLE audit_lists ADD COLUMN detail TEXT NOT NULL DEFAULT '';
