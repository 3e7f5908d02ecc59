-- HR's table of applications and hires per source across every posting reads only this index
-- (at ten years of OUS history: about 60 ms instead of 210 ms on SQLite).
CREATE INDEX applications_source ON applications(source, phase);
