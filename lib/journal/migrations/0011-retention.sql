-- 10 -> 11: when LGPD retention (retention.h) replaced the personal
-- data of an event (and of its deliveries and attempts) or of a
-- synced record, so that it is done once.
ALTER TABLE events ADD COLUMN retained_at INTEGER;
ALTER TABLE sync_records ADD COLUMN retained_at INTEGER;
