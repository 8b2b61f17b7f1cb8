-- 13 -> 14: groups of deliveries (journal/groups.h): a route's label on
-- its deliveries, such as a campaign, whose status is read from them.
ALTER TABLE deliveries ADD COLUMN group_name TEXT;
-- A fan-out's item (JSON), kept for the later steps of its route: $item.
ALTER TABLE deliveries ADD COLUMN item TEXT;
CREATE INDEX deliveries_group ON deliveries
  (group_name, status, target, route, step) WHERE group_name IS NOT NULL;
CREATE TABLE delivery_groups (
  name         TEXT PRIMARY KEY,
  route        TEXT NOT NULL,	-- the route that named it first
  event_id     TEXT NOT NULL,	-- and the event
  tenant       TEXT NOT NULL,
  progress     INTEGER NOT NULL DEFAULT 0,	-- percent between progress
						-- events; 0: none
  told         INTEGER NOT NULL DEFAULT 0,	-- the last percent told
  emitted      INTEGER NOT NULL DEFAULT 0,	-- events its deliveries'
						-- answers became, not mapped
  created_at   INTEGER NOT NULL,
  sealed_at    INTEGER,		-- every event that names it mapped
  settled_at   INTEGER,		-- and then every delivery ended
  cancelled_at INTEGER,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX delivery_groups_created ON delivery_groups (created_at);
CREATE INDEX delivery_groups_open ON delivery_groups (settled_at)
  WHERE settled_at IS NULL;
