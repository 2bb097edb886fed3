-- 0003: the change log for every kind of record, with audiences.
-- `audience` (JSON of crate::audience::Audience) says who may receive the record now;
-- `reached` (the same shape) whom it reached before this change, so only those get a
-- "no longer visible" or "deleted" tombstone. Rows from 0001 were resources: public ones
-- stay public, restricted ones (shown only to confirmed bookers) go to staff.
ALTER TABLE change ADD COLUMN audience text NOT NULL DEFAULT '{"public":true}';
ALTER TABLE change ADD COLUMN reached text NOT NULL DEFAULT '{}';
UPDATE change SET audience = '{"staff":true}' WHERE restricted;
ALTER TABLE change DROP COLUMN restricted;
ALTER TABLE change ALTER COLUMN audience DROP DEFAULT;
ALTER TABLE change ALTER COLUMN reached DROP DEFAULT;

-- Members of organisations, for organisation audiences.
CREATE TABLE organisation_member (
    organisation_id uuid NOT NULL,
    account_id      uuid NOT NULL REFERENCES account (id),
    PRIMARY KEY (organisation_id, account_id)
);
CREATE INDEX organisation_member_by_account ON organisation_member (account_id);
