-- 6 -> 7: the lead each of a tenant's contacts (a phone as
-- "tel:+E164", an address as "mailto:...") belongs to, so that a lead
-- seen before is updated rather than made twice; the id a channel
-- gave a delivered message (Z-API's messageId) and the furthest
-- status it has reported for it (sent, received, read, played).
CREATE TABLE lead_contacts (
  tenant     TEXT NOT NULL,
  contact    TEXT NOT NULL,
  lead_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, contact)
) WITHOUT ROWID;
ALTER TABLE deliveries ADD COLUMN remote_id TEXT;
ALTER TABLE deliveries ADD COLUMN remote_status TEXT;
ALTER TABLE deliveries ADD COLUMN remote_status_at INTEGER;
CREATE INDEX deliveries_remote ON deliveries (remote_id)
  WHERE remote_id IS NOT NULL;
