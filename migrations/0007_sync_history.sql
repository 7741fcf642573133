-- prapp schema v7: a name for this database's change history, carried in the sync cursors that
-- GET /api/v1/sync/sessions hands out. A cursor from another history (the server's database was
-- replaced) or from ahead of this one (it was restored from an older backup) is refused with 409,
-- and the client syncs everything again instead of silently missing what changed.
ALTER TABLE sync_clock ADD COLUMN history_id TEXT NOT NULL DEFAULT '';
UPDATE sync_clock SET history_id = lower(hex(randomblob(16)));
