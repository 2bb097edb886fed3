-- 0006: a first sync writes its rows without R*Tree boxes and builds the R*Tree once, when
-- the pull is complete (sync/pull.rs). Append-only: never edit a migration that has shipped.
--
-- `boxes_pending` is 1 from the first page of a pull from the start until its last page,
-- committed with the rows and the cursor: meanwhile `resource_rtree` is incomplete and
-- "near me" scans `resource` instead. The page that ends the pull (or signing out) builds
-- the R*Tree from every row and sets it back to 0 in the same transaction.
ALTER TABLE sync_state ADD COLUMN boxes_pending INTEGER NOT NULL DEFAULT 0;
