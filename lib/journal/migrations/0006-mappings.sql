-- 5 -> 6: versioned mappings, the jq programs that build a target
-- system's request from an event type, each version kept; the one
-- in force for each pair; and the version that built a delivery.
CREATE TABLE mappings (
  type       TEXT NOT NULL,
  system     TEXT NOT NULL,
  version    INTEGER NOT NULL,
  program    TEXT NOT NULL,
  origin     TEXT,	-- the file it came from, if any
  created_at INTEGER NOT NULL,
  PRIMARY KEY (type, system, version)
) WITHOUT ROWID;
CREATE TABLE mapping_heads (
  type       TEXT NOT NULL,
  system     TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (type, system)
) WITHOUT ROWID;
ALTER TABLE deliveries ADD COLUMN mapping_version INTEGER;
