-- 1 -> 2: the dead-letter queue (dead deliveries, with when they died
-- and the class of their last error, archived or not) and the state
-- an admin or a target's answers put a target in.
ALTER TABLE deliveries ADD COLUMN error_class TEXT;
ALTER TABLE deliveries ADD COLUMN dead_at INTEGER;
ALTER TABLE deliveries ADD COLUMN archived_at INTEGER;
UPDATE deliveries SET dead_at = updated_at WHERE status = 'dead';
CREATE INDEX deliveries_dead ON deliveries (dead_at)
  WHERE status = 'dead';
CREATE TABLE target_states (
  target          TEXT PRIMARY KEY,
  disabled_at     INTEGER,	-- NULL: enabled
  disabled_reason TEXT,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
