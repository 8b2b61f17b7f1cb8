-- The journal's schema as lib/journal/migrations/ leave it, made from a new
-- journal and never by hand: t1000-journal fails while the two differ.
-- After adding a migration, put below this comment what
--   integra-ingest -j new.db -s t -t x </dev/null && sqlite3 new.db .schema
-- prints.  SQLite writes the columns ALTER TABLE added at the end of their
-- table's text.

CREATE TABLE raw_envelopes (	-- as ingest wrote them
  event    INTEGER PRIMARY KEY,
  envelope TEXT NOT NULL
);
CREATE TABLE canonical_envelopes (	-- as normalize wrote them
  event    INTEGER PRIMARY KEY,
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
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending'
              OR status = 'in_flight' OR status = 'delivered'
              OR status = 'failed' OR status = 'dead'),
  attempts    INTEGER NOT NULL DEFAULT 0,
  not_before  INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
, error_class TEXT, dead_at INTEGER, archived_at INTEGER, priority INTEGER NOT NULL
  DEFAULT 1, mapping_version INTEGER, remote_id TEXT, remote_status TEXT, remote_status_at INTEGER, group_name TEXT, item TEXT, ordered_subject TEXT, ordered_seq INTEGER);
CREATE INDEX deliveries_event ON deliveries (event_id);
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
CREATE TABLE rate_windows (
  bucket TEXT PRIMARY KEY,
  window INTEGER NOT NULL,	-- its start, ms since the epoch
  count  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX deliveries_dead ON deliveries (dead_at)
  WHERE status = 'dead';
CREATE TABLE target_states (
  target          TEXT PRIMARY KEY,
  disabled_at     INTEGER,	-- NULL: enabled
  disabled_reason TEXT,
  updated_at      INTEGER NOT NULL
, failures INTEGER NOT NULL
  DEFAULT 0, opened_at INTEGER, open_until INTEGER, window_start INTEGER NOT NULL
  DEFAULT 0, window_tries INTEGER NOT NULL
  DEFAULT 0, window_failures INTEGER
  NOT NULL DEFAULT 0, last_tries INTEGER NOT NULL
  DEFAULT 0, last_failures INTEGER NOT NULL
  DEFAULT 0, holder TEXT, held_until INTEGER, claim_after INTEGER) WITHOUT ROWID;
CREATE INDEX deliveries_due ON deliveries (priority, not_before)
  WHERE status IN ('pending', 'failed');
CREATE TABLE mappings (
  type       TEXT NOT NULL,
  system     TEXT NOT NULL,
  version    INTEGER NOT NULL,
  program    TEXT NOT NULL,
  origin     TEXT,	-- the file it came from, if any
  created_at INTEGER NOT NULL,
  PRIMARY KEY (type, system, version)
) WITHOUT ROWID;
CREATE TABLE mapping_heads (
  type       TEXT NOT NULL,
  system     TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (type, system)
) WITHOUT ROWID;
CREATE TABLE lead_contacts (
  tenant     TEXT NOT NULL,
  contact    TEXT NOT NULL,
  lead_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, contact)
) WITHOUT ROWID;
CREATE INDEX deliveries_remote ON deliveries (remote_id)
  WHERE remote_id IS NOT NULL;
CREATE TABLE counts (
  hour  INTEGER NOT NULL,
  kind  TEXT NOT NULL,
  a     TEXT NOT NULL,
  b     TEXT NOT NULL,
  c     TEXT NOT NULL,
  n     INTEGER NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (hour, kind, a, b, c)
) WITHOUT ROWID;
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
  status       TEXT NOT NULL CHECK (status = 'running'
               OR status = 'ok' OR status = 'failed'),
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
  updated_at INTEGER NOT NULL, retained_at INTEGER,
  PRIMARY KEY (job, key)
) WITHOUT ROWID;
CREATE TABLE alert_states (
  alert         TEXT PRIMARY KEY,
  firing        INTEGER NOT NULL,
  since         INTEGER NOT NULL,
  message       TEXT NOT NULL,
  posted_at     INTEGER,
  posted_firing INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "events" (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  source          TEXT NOT NULL,
  type            TEXT NOT NULL,
  tenant          TEXT NOT NULL,
  subject         TEXT,
  time            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  key_index       BLOB NOT NULL,
  status          TEXT NOT NULL DEFAULT 'received' CHECK (status = 'received'
                  OR status = 'normalized' OR status = 'mapped'
                  OR status = 'rejected'),
  error           TEXT,
  received_at     INTEGER NOT NULL,
  retained_at     INTEGER,
  UNIQUE (source, key_index)
);
CREATE INDEX events_todo ON events (status, id)
  WHERE status IN ('received', 'normalized');
CREATE INDEX events_retained ON events (retained_at)
  WHERE retained_at IS NOT NULL;
CREATE TABLE flow_instances (
  id          TEXT PRIMARY KEY,
  flow        TEXT NOT NULL,
  key         TEXT NOT NULL,	-- what its flow's key gave the start event
  tenant      TEXT NOT NULL,
  number      TEXT NOT NULL,
  event_id    TEXT NOT NULL,	-- the event that started it
  status      TEXT NOT NULL CHECK (status = 'running'
              OR status = 'waiting' OR status = 'paused'
              OR status = 'completed' OR status = 'cancelled'
              OR status = 'failed'),
  label       TEXT NOT NULL,	-- what people see: its flow's data
  step        TEXT,		-- the id of the step it stands on
  visit       INTEGER NOT NULL DEFAULT 1,	-- times it came to it
  timeouts    INTEGER NOT NULL DEFAULT 0,	-- of the wait it stands in
  due_at      INTEGER,		-- its step runs, or its wait times out
  delivery    TEXT,		-- its step's request, once made
  wait_value  TEXT,		-- what an awaited event's match must be
  matched     TEXT,		-- an event that came while it was paused
  paused_from TEXT,		-- running or waiting
  settings    TEXT NOT NULL,	-- JSON objects
  vars        TEXT NOT NULL,
  error       TEXT,
  cycle       INTEGER NOT NULL DEFAULT 1,	-- its repeats, from 1
  transitions INTEGER NOT NULL DEFAULT 0,	-- rows in flow_log
  started_at  INTEGER NOT NULL,
  step_at     INTEGER NOT NULL,	-- when it came to its step
  updated_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  UNIQUE (flow, key)
);
CREATE UNIQUE INDEX flow_instances_number
  ON flow_instances (flow, tenant, number);
CREATE INDEX flow_instances_status ON flow_instances (flow, status, step_at);
CREATE INDEX flow_instances_due ON flow_instances (due_at)
  WHERE due_at IS NOT NULL;
CREATE INDEX flow_instances_wait ON flow_instances (flow, step, wait_value)
  WHERE wait_value IS NOT NULL;
CREATE INDEX flow_instances_delivery ON flow_instances (delivery)
  WHERE delivery IS NOT NULL;
CREATE INDEX flow_instances_event ON flow_instances (event_id);
CREATE TABLE flow_numbers (
  flow   TEXT NOT NULL,
  tenant TEXT NOT NULL,
  year   INTEGER NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (flow, tenant, year)
) WITHOUT ROWID;
CREATE TABLE flow_arrivals (
  flow        TEXT NOT NULL,
  step        TEXT NOT NULL,
  value       TEXT NOT NULL,	-- what the await's match gave it
  event_id    TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  taken_by    TEXT,		-- the instance whose wait took it
  PRIMARY KEY (flow, step, value, event_id)
) WITHOUT ROWID;
CREATE INDEX flow_arrivals_untaken ON flow_arrivals (event_id)
  WHERE taken_by IS NULL;
CREATE TABLE flow_log (
  instance    TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  flow        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  what        TEXT NOT NULL,	-- started, step.scheduled, ... as the
				-- integra.flow.WHAT event it made
  step        TEXT,
  status_from TEXT,
  status_to   TEXT NOT NULL,
  label       TEXT NOT NULL,
  duration_ms INTEGER,		-- since it came to its step
  attempt     INTEGER,
  event_id    TEXT,		-- the event that came for it, or the
				-- start event for started
  detail      TEXT,		-- why, or what came
  PRIMARY KEY (instance, seq)
) WITHOUT ROWID;
CREATE INDEX flow_log_durations ON flow_log (flow, what, step, duration_ms);
CREATE INDEX deliveries_group ON deliveries
  (group_name, status, target, route, step) WHERE group_name IS NOT NULL;
CREATE TABLE delivery_groups (
  name         TEXT PRIMARY KEY,
  route        TEXT NOT NULL,	-- the route that named it first
  event_id     TEXT NOT NULL,	-- and the event
  tenant       TEXT NOT NULL,
  progress     INTEGER NOT NULL DEFAULT 0,	-- percent between progress
						-- events; 0: none
  told         INTEGER NOT NULL DEFAULT 0,	-- the last percent told
  emitted      INTEGER NOT NULL DEFAULT 0,	-- events its deliveries'
						-- answers became, not mapped
  created_at   INTEGER NOT NULL,
  sealed_at    INTEGER,		-- every event that names it mapped
  settled_at   INTEGER,		-- and then every delivery ended
  cancelled_at INTEGER,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX delivery_groups_created ON delivery_groups (created_at);
CREATE INDEX delivery_groups_open ON delivery_groups (settled_at)
  WHERE settled_at IS NULL;
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
  status   TEXT NOT NULL CHECK (status = 'sent'
           OR status = 'skipped' OR status = 'stopped'
           OR status = 'failed'),
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
CREATE INDEX deliveries_ordered ON deliveries
  (target, ordered_subject, ordered_seq, id)
  WHERE ordered_subject IS NOT NULL
  AND status IN ('pending', 'failed', 'in_flight');
