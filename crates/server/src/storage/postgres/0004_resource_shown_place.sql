-- 0004: what the listing filters on for people who may not see a resource exactly: the
-- place and the search text of its public view (blurred to ~1 km, no street address; the
-- same as the exact ones for public resources). Rows written before are filled in by the
-- server when it opens the database (storage/postgres/resources.rs: fill_shown_columns).
ALTER TABLE resource ADD COLUMN shown_lat double precision;
ALTER TABLE resource ADD COLUMN shown_lon double precision;
ALTER TABLE resource ADD COLUMN shown_search_text text;
