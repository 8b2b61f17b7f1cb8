-- 8 -> 9: the scheduled syncs (sync.h): each job's watermark (the
-- latest updated_since seen, or a cursor) and the lease of the run
-- that holds it; each run, with what it read and made; and each
-- record as last sent on, with the SHA-256 of its canonical JSON,
-- so that only a new or changed one is.
CREATE TABLE sync_jobs (
  job        TEXT PRIMARY KEY,
  watermark  TEXT,
  lock_owner TEXT,
  lock_until INTEGER,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY,
  job          TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  status       TEXT NOT NULL CHECK (status IN
               ('running', 'ok', 'failed')),
  full         INTEGER NOT NULL,
  pages        INTEGER NOT NULL DEFAULT 0,
  read         INTEGER NOT NULL DEFAULT 0,
  changed      INTEGER NOT NULL DEFAULT 0,
  sent         INTEGER NOT NULL DEFAULT 0,
  failed       INTEGER NOT NULL DEFAULT 0,
  watermark_from TEXT,
  watermark_to TEXT,
  error        TEXT
);
CREATE INDEX sync_runs_job ON sync_runs (job, id);
CREATE TABLE sync_records (
  job        TEXT NOT NULL,
  key        TEXT NOT NULL,
  hash       BLOB NOT NULL,
  record     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job, key)
) WITHOUT ROWID;
