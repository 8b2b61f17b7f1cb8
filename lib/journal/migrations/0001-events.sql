-- 0 -> 1: events and their payloads, deliveries, attempts.
CREATE TABLE events (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  source          TEXT NOT NULL,
  type            TEXT NOT NULL,
  tenant          TEXT NOT NULL,
  subject         TEXT,
  time            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  -- SHA-256 of (source, key), cut to 128 bits (until migration 12).
  key_digest      BLOB NOT NULL UNIQUE,
  status          TEXT NOT NULL DEFAULT 'received' CHECK (status IN
                  ('received', 'normalized', 'mapped', 'rejected')),
  error           TEXT,
  received_at     INTEGER NOT NULL
);
-- What normalize and map have left to do, kept small by the WHERE.
CREATE INDEX events_todo ON events (status, id)
  WHERE status IN ('received', 'normalized');
-- The envelopes, in tables of their own: a stage moving an event on
-- rewrites its short row in events, and adds its envelope at the end
-- of a table instead of growing a row in the middle of one
-- (bench/run: map 1.43 s -> 1.10 s on 100k events).
CREATE TABLE raw_envelopes (	-- as ingest wrote them
  event    INTEGER PRIMARY KEY
           REFERENCES events (seq) ON DELETE CASCADE,
  envelope TEXT NOT NULL
);
CREATE TABLE canonical_envelopes (	-- as normalize wrote them
  event    INTEGER PRIMARY KEY
           REFERENCES events (seq) ON DELETE CASCADE,
  envelope TEXT NOT NULL
);
CREATE TABLE deliveries (
  id          TEXT PRIMARY KEY,
  event_id    TEXT NOT NULL REFERENCES events (id),
  target      TEXT NOT NULL,
  route       TEXT NOT NULL,
  step        INTEGER NOT NULL DEFAULT 0,
  method      TEXT NOT NULL,
  url         TEXT NOT NULL,
  headers     TEXT NOT NULL,
  body        TEXT,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
              ('pending', 'in_flight', 'delivered', 'failed', 'dead')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  not_before  INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_due ON deliveries (not_before)
  WHERE status IN ('pending', 'failed');
CREATE INDEX deliveries_lease ON deliveries (lease_until)
  WHERE status = 'in_flight';
CREATE TABLE attempts (
  id               INTEGER PRIMARY KEY,
  delivery_id      TEXT NOT NULL REFERENCES deliveries (id),
  attempt          INTEGER NOT NULL,
  started_at       INTEGER NOT NULL,
  duration_ms      INTEGER NOT NULL,
  http_status      INTEGER,
  error_class      TEXT,
  error            TEXT,
  response_excerpt TEXT
);
CREATE INDEX attempts_delivery ON attempts (delivery_id);
-- API keys: only their SHA-256 is kept.
CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  tenant     TEXT NOT NULL,
  scopes     TEXT NOT NULL,	-- space-separated
  key_hash   BLOB NOT NULL UNIQUE,
  prefix     TEXT NOT NULL,	-- its first characters, to tell keys apart
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  rate_limit INTEGER NOT NULL	-- requests a minute; 0: none
);
-- Requests counted in the current minute, by key or source.
CREATE TABLE rate_windows (
  bucket TEXT PRIMARY KEY,
  window INTEGER NOT NULL,	-- its start, ms since the epoch
  count  INTEGER NOT NULL
) WITHOUT ROWID;
