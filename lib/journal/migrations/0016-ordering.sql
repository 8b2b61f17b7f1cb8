-- 15 -> 16: deliveries in order by subject (a target's ordering:
-- subject): with each delivery to such a target, its event's subject and
-- place in the journal; those not done yet indexed, for the claims to
-- find the one before.
ALTER TABLE deliveries ADD COLUMN ordered_subject TEXT;
ALTER TABLE deliveries ADD COLUMN ordered_seq INTEGER;
CREATE INDEX deliveries_ordered ON deliveries
  (target, ordered_subject, ordered_seq, id)
  WHERE ordered_subject IS NOT NULL
  AND status IN ('pending', 'failed', 'in_flight');
