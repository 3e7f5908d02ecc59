-- The inclusion check (R15): a year's figures per posting unit, frozen the first time they are
-- read once the year is settled (from 1 February the year after). Figures that changed from day
-- to day would give a hidden group away by comparing two days.
CREATE TABLE inclusion_years (
    year       INTEGER PRIMARY KEY,
    frozen_at  INTEGER NOT NULL
);

CREATE TABLE inclusion_snapshots (
    year                  INTEGER NOT NULL REFERENCES inclusion_years(year),
    unit_id               INTEGER NOT NULL REFERENCES org_units(id),
    postings              INTEGER NOT NULL,
    declared              INTEGER NOT NULL,
    qualified             INTEGER NOT NULL,
    interviewed           INTEGER NOT NULL,
    postings_with         INTEGER NOT NULL,
    postings_interviewed  INTEGER NOT NULL,
    hires                 INTEGER NOT NULL,
    hires_declared        INTEGER NOT NULL,
    PRIMARY KEY (year, unit_id)
);
