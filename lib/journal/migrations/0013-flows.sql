-- 12 -> 13: flows (flow.h).  An instance of a flow, where it stands and
-- what it holds; the numbers given per flow, tenant and year; the events
-- that came for a wait before it opened; and each instance's log.
CREATE TABLE flow_instances (
  id          TEXT PRIMARY KEY,
  flow        TEXT NOT NULL,
  key         TEXT NOT NULL,	-- what its flow's key gave the start event
  tenant      TEXT NOT NULL,
  number      TEXT NOT NULL,
  event_id    TEXT NOT NULL,	-- the event that started it
  status      TEXT NOT NULL CHECK (status IN ('running', 'waiting',
              'paused', 'completed', 'cancelled', 'failed')),
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
-- Numbered per flow, tenant and year: a number is a tenant's own.
CREATE UNIQUE INDEX flow_instances_number
  ON flow_instances (flow, tenant, number);
CREATE INDEX flow_instances_status ON flow_instances (flow, status, step_at);
CREATE INDEX flow_instances_due ON flow_instances (due_at)
  WHERE due_at IS NOT NULL;
CREATE INDEX flow_instances_wait ON flow_instances (flow, step, wait_value)
  WHERE wait_value IS NOT NULL;
CREATE INDEX flow_instances_delivery ON flow_instances (delivery)
  WHERE delivery IS NOT NULL;
-- Retention keeps the start event of an instance that goes on.
CREATE INDEX flow_instances_event ON flow_instances (event_id);
CREATE TABLE flow_numbers (
  flow   TEXT NOT NULL,
  tenant TEXT NOT NULL,
  year   INTEGER NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (flow, tenant, year)
) WITHOUT ROWID;
-- An awaited event that matched no open wait: a wait that opens later
-- takes it, so that an event racing the step before is not lost.
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
-- Time to completion and per step, read in order for the percentiles.
CREATE INDEX flow_log_durations ON flow_log (flow, what, step, duration_ms);
