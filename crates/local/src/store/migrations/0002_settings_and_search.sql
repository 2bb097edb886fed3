-- 0002: the person's settings, and one lower-cased text to search names and places in
-- Korean and English. SQLite's lower() folds ASCII only, which is what English needs;
-- Korean has no letter case.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

ALTER TABLE resource ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    lower(name_ko || ' ' || name_en || ' ' || neighborhood_ko || ' ' || neighborhood_en || ' ' ||
          district_ko || ' ' || district_en || ' ' || address_ko || ' ' || address_en)
) VIRTUAL;
