-- 7 -> 8: counts of what happened, by the hour it happened in (ms /
-- 3600000), for integra-report: the writers keep them, a commit's
-- worth at a time (journal/counts.c).  kind "event": a is the type, b
-- the source, c the status reached (received counts every event
-- that came, rejected at the door too); "delivery": a is the target,
-- b what became of it (created, failed, delivered, dead, requeued);
-- "attempt": a the target, b the outcome ("ok" or the error class),
-- total the tries' ms; "latency": a the target, b the bound in ms
-- of the bucket that the time from the event's receipt to its
-- delivery falls in ("inf": more than a day), total those ms.
-- Then what a journal held before, as far as its rows tell.
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
INSERT INTO counts SELECT received_at / 3600000, 'event', type,
  source, 'received', count(*), 0 FROM events GROUP BY 1, 3, 4;
INSERT INTO counts SELECT received_at / 3600000, 'event', type,
  source, 'normalized', count(*), 0 FROM events
  WHERE status IN ('normalized', 'mapped') GROUP BY 1, 3, 4;
INSERT INTO counts SELECT received_at / 3600000, 'event', type,
  source, status, count(*), 0 FROM events
  WHERE status IN ('mapped', 'rejected') GROUP BY 1, 3, 4, 5;
INSERT INTO counts SELECT created_at / 3600000, 'delivery', target,
  'created', '', count(*), 0 FROM deliveries GROUP BY 1, 3;
INSERT INTO counts SELECT coalesce(dead_at, updated_at) / 3600000,
  'delivery', target, status, '', count(*), 0 FROM deliveries
  WHERE status IN ('delivered', 'dead') GROUP BY 1, 3, 4;
INSERT INTO counts SELECT a.started_at / 3600000, 'attempt',
  coalesce(d.target, ''), coalesce(a.error_class, 'ok'), '',
  count(*), sum(a.duration_ms) FROM attempts a
  LEFT JOIN deliveries d ON d.id = a.delivery_id GROUP BY 1, 3, 4;
INSERT INTO counts SELECT hour, 'latency', target, CASE
  WHEN ms <= 100 THEN '100' WHEN ms <= 250 THEN '250'
  WHEN ms <= 500 THEN '500' WHEN ms <= 1000 THEN '1000'
  WHEN ms <= 2500 THEN '2500' WHEN ms <= 5000 THEN '5000'
  WHEN ms <= 10000 THEN '10000' WHEN ms <= 30000 THEN '30000'
  WHEN ms <= 60000 THEN '60000' WHEN ms <= 300000 THEN '300000'
  WHEN ms <= 900000 THEN '900000'
  WHEN ms <= 3600000 THEN '3600000'
  WHEN ms <= 21600000 THEN '21600000'
  WHEN ms <= 86400000 THEN '86400000' ELSE 'inf'
 END, '', count(*), sum(ms) FROM
  (SELECT d.updated_at / 3600000 AS hour, d.target,
  max(0, d.updated_at - e.received_at) AS ms FROM deliveries d
  JOIN events e ON e.id = d.event_id WHERE d.status = 'delivered')
  GROUP BY 1, 3, 4;
