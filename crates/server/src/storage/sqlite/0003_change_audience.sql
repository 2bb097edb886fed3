-- 0003: the change log for every kind of record, with audiences.
-- `audience` (JSON of crate::audience::Audience) says who may receive the record now;
-- `reached` (the same shape) whom it reached before this change, so only those get a
-- "no longer visible" or "deleted" tombstone. Rows from 0001 were resources: public ones
-- stay public, restricted ones (shown only to confirmed bookers) go to staff.
-- Members of organisations, for organisation audiences.
CREATE TABLE change_v3 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    audience    TEXT NOT NULL,          -- JSON of crate::audience::Audience
    reached     TEXT NOT NULL,          -- JSON of crate::audience::Audience
    body        TEXT,                   -- JSON of the record; NULL for a tombstone
    UNIQUE (entity, entity_id)
) STRICT;
INSERT INTO change_v3 (seq, entity, entity_id, owner_id, audience, reached, body)
    SELECT seq, entity, entity_id, owner_id,
           CASE WHEN restricted = 1 THEN '{"staff":true}' ELSE '{"public":true}' END,
           '{}', body
    FROM change;
-- Keep handing out seqs after the largest ever handed out.
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change'), 0))
    WHERE name = 'change_v3';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'change_v3', seq FROM sqlite_sequence WHERE name = 'change'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_v3');
DROP TABLE change;
ALTER TABLE change_v3 RENAME TO change;

CREATE TABLE organisation_member (
    organisation_id TEXT NOT NULL,
    account_id      TEXT NOT NULL REFERENCES account (id),
    PRIMARY KEY (organisation_id, account_id)
) STRICT;
CREATE INDEX organisation_member_by_account ON organisation_member (account_id);
