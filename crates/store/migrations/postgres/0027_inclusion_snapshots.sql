-- The inclusion check (R15): a year's figures per posting unit, frozen the first time they are
-- read once the year is settled (from 1 February the year after). Figures that changed from day
-- to day would give a hidden group away by comparing two days.
CREATE TABLE inclusion_years (
    year       BIGINT PRIMARY KEY,
    frozen_at  BIGINT NOT NULL
);

CREATE TABLE inclusion_snapshots (
    year                  BIGINT NOT NULL REFERENCES inclusion_years(year),
    unit_id               BIGINT NOT NULL REFERENCES org_units(id),
    postings              BIGINT NOT NULL,
    declared              BIGINT NOT NULL,
    qualified             BIGINT NOT NULL,
    interviewed           BIGINT NOT NULL,
    postings_with         BIGINT NOT NULL,
    postings_interviewed  BIGINT NOT NULL,
    hires                 BIGINT NOT NULL,
    hires_declared        BIGINT NOT NULL,
    PRIMARY KEY (year, unit_id)
);
