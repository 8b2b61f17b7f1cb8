-- 3 -> 4: each delivery's class (priority.h), which claims take in
-- order; those that failed already are retries.
-- (1 is PRIORITY_DEFAULT, 4 PRIORITY_RETRY: stage/priority.h)
ALTER TABLE deliveries ADD COLUMN priority INTEGER NOT NULL
  DEFAULT 1;
UPDATE deliveries SET priority = 4
  WHERE status = 'failed';
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (priority, not_before)
  WHERE status IN ('pending', 'failed');
