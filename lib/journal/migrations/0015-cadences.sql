-- 14 -> 15: cadences (journal/cadences.h): where each synced record stands
-- in a cadence's steps, what each step did for it, the messages sent by
-- hand.
CREATE TABLE cadences (
  name       TEXT PRIMARY KEY,
  version    TEXT NOT NULL,	-- the digest of what indexes its records
  indexed_at INTEGER NOT NULL,	-- when they were, all of them
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE cadence_items (
  cadence    TEXT NOT NULL,
  key        TEXT NOT NULL,	-- the synced record's
  contact    TEXT,		-- whom it concerns (its contact program's)
  anchor     INTEGER,		-- its day, days since 1970-01-01; NULL: none
  stopped    INTEGER NOT NULL DEFAULT 0,
  stopped_at INTEGER,		-- when it was found over (ms)
  next       INTEGER NOT NULL DEFAULT 0,	-- the first step not taken
  due        INTEGER,		-- the day that one falls due; NULL: none
  amount     REAL,		-- what it is worth (its amount program's)
  label      TEXT,		-- what it is reported by (its by program's)
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (cadence, key)
) WITHOUT ROWID;
CREATE INDEX cadence_items_due ON cadence_items (cadence, due)
  WHERE due IS NOT NULL;
CREATE INDEX cadence_items_contact ON cadence_items (contact)
  WHERE contact IS NOT NULL;
CREATE TABLE cadence_steps (
  cadence  TEXT NOT NULL,
  key      TEXT NOT NULL,
  step     TEXT NOT NULL,
  status   TEXT NOT NULL CHECK (status IN
           ('sent', 'skipped', 'stopped', 'failed')),
  event_id TEXT,		-- sent: its event
  day      INTEGER NOT NULL,	-- the day it fell due
  at       INTEGER NOT NULL,
  PRIMARY KEY (cadence, key, step)
) WITHOUT ROWID;
CREATE TABLE cadence_manual (
  event_id TEXT PRIMARY KEY,
  cadence  TEXT NOT NULL,
  key      TEXT NOT NULL,
  step     TEXT NOT NULL,
  at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX cadence_manual_key ON cadence_manual (key);
