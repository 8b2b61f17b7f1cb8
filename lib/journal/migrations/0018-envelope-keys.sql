-- 17 -> 18: the envelopes' foreign keys to events dropped.  An envelope's
-- row is only ever made from its event's, in the statement that adds or
-- reads that row, and no event is deleted (retention drops a raw
-- envelope and scrubs the canonical one, and keeps the event), so the
-- keys checked what could not happen and cascaded what never did.
-- PostgreSQL paid for each check with a query and a lock on the event's
-- row, a sixth to a third of its ingest (bench/README.md); SQLite, which
-- looks the rowid up, nothing measurable.  Dropped from both, so that the
-- two schemas stay one (pg/compare-schemas.sh).  The tables' text is
-- edited in place, as migration 17 does, not the tables rebuilt: a
-- constraint less changes nothing on disk.  That every envelope has its
-- event is still checked after a migration (sqlite.c) and by the tests.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '
           REFERENCES events (seq) ON DELETE CASCADE', '')
  WHERE type = 'table' AND name IN ('raw_envelopes', 'canonical_envelopes');
PRAGMA writable_schema = RESET;
