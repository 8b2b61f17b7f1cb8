-- 9 -> 10: the alerts integra-report alerts raises (alerts.h): each
-- one's state, whether its rule holds and since when, what it says,
-- and when an event of it was last made, a firing one or not.
CREATE TABLE alert_states (
  alert         TEXT PRIMARY KEY,
  firing        INTEGER NOT NULL,
  since         INTEGER NOT NULL,
  message       TEXT NOT NULL,
  posted_at     INTEGER,
  posted_firing INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
