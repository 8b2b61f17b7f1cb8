-- 11 -> 12: the idempotency index in the keys' own order
-- (keyindex.h), in place of the digest, whose random order made each
-- event write an index page of its own.  A column's UNIQUE cannot be
-- dropped, so events is made again (SQLite's "other kinds of table
-- schema changes"; migrate runs with the foreign keys off).  A retained
-- event's key is gone: 'd' and its digest are its index form.
CREATE TABLE events_12 (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  source          TEXT NOT NULL,
  type            TEXT NOT NULL,
  tenant          TEXT NOT NULL,
  subject         TEXT,
  time            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  key_index       BLOB NOT NULL,
  status          TEXT NOT NULL DEFAULT 'received' CHECK (status IN
                  ('received', 'normalized', 'mapped', 'rejected')),
  error           TEXT,
  received_at     INTEGER NOT NULL,
  retained_at     INTEGER,
  UNIQUE (source, key_index)
);
INSERT INTO events_12 SELECT seq, id, source, type, tenant, subject,
  time, idempotency_key, CASE WHEN retained_at IS NULL
  THEN integra_key_index(idempotency_key)
  ELSE CAST(X'64' || key_digest AS BLOB) END,	-- || makes text
  status, error, received_at, retained_at FROM events;
DROP TABLE events;
ALTER TABLE events_12 RENAME TO events;
CREATE INDEX events_todo ON events (status, id)
  WHERE status IN ('received', 'normalized');
-- Whether there are retained keys to look up (any_retained).
CREATE INDEX events_retained ON events (retained_at)
  WHERE retained_at IS NOT NULL;
