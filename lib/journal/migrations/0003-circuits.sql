-- 2 -> 3: each target's circuit breaker (circuit.h): its failed
-- tries in a row; while open (or half-open, once open_until has
-- passed) when it opened and until when it stays so; the tries and
-- failures of its window and of the window before.
ALTER TABLE target_states ADD COLUMN failures INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE target_states ADD COLUMN opened_at INTEGER;
ALTER TABLE target_states ADD COLUMN open_until INTEGER;
ALTER TABLE target_states ADD COLUMN window_start INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE target_states ADD COLUMN window_tries INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE target_states ADD COLUMN window_failures INTEGER
  NOT NULL DEFAULT 0;
ALTER TABLE target_states ADD COLUMN last_tries INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE target_states ADD COLUMN last_failures INTEGER NOT NULL
  DEFAULT 0;
