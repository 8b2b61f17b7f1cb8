-- 4 -> 5: the process that sends to a paced target (one with a rate
-- limit), until when, and until when it claims no more of the
-- target's deliveries (journal_target_hold).
ALTER TABLE target_states ADD COLUMN holder TEXT;
ALTER TABLE target_states ADD COLUMN held_until INTEGER;
ALTER TABLE target_states ADD COLUMN claim_after INTEGER;
