/*
 * journal/pg/statements: the statements of enum journal_sql as PostgreSQL
 * takes them ($N for SQLite's ?N), for pg.c.  Each says what its SQLite
 * text (../statements.c) says, with what differs: a parameter used only
 * in a test is cast, so that PostgreSQL knows its type; a flag bound as
 * an integer is compared with 0; a parameter bound but not used, below
 * one that is, is named where it changes nothing (num_nulls), as
 * PostgreSQL wants to know each one's type.
 *
 * The server never holds a key: where SQLite's text calls
 * integra_seal(x, aad) or integra_open(x, aad), this one has x, a BYTEA,
 * and journal_pg_seals (at the end) tells pg.c which parameters to seal
 * and which columns to open, and where each one's aad comes from: a
 * statement returns the columns an aad is made of (an id, a job and
 * key) where SQLite's reads them inside SQL.  A sealed value is never
 * read inside SQL: where SQLite's text opens one inside JSON it builds,
 * both return it in a column of its own, for C to put in
 * (journal_json_put).
 *
 * JSON comes out as SQLite writes it, byte for byte: JSON_TEXT() drops
 * the blanks PostgreSQL's builders put in; json_agg and json_object_agg
 * are ordered as SQLite's aggregates run, and give [] and {} for no row
 * as SQLite's do; a test SQLite would write as 1 or 0 is cast to an
 * integer.  Text sorts as SQLite's BINARY does only where the database's
 * collation is C (tests/pg-cluster.sh makes it so).
 *
 * A statement that takes rows for one worker (a claim, a lock) picks
 * them FOR UPDATE SKIP LOCKED: two hosts never take one row, and neither
 * waits for the other.
 */
#include <stddef.h>

#include "journal/private.h"
#include "stage/priority.h"

/* A macro's value as a string, for numbers written into SQL. */
#define STR(x)	#x
#define XSTR(x)	STR(x)

/*
 * JSON text x as SQLite writes it: json_build_object puts " : " and ", "
 * between its members, json_object_agg "{ " and " }" around them, and
 * x::json keeps the blanks of x, where SQLite's builders and json() put
 * none.  Each blank outside a string goes; a string is matched whole,
 * escapes and all, and kept.
 */
#define JSON_TEXT(x)							\
	"regexp_replace((" x ")::text,"					\
	" '(\"(?:[^\"\\\\]|\\\\.)*\")|\\s+', '\\1', 'g')"

/* SQLite's LIMIT -1 (any negative n): none; PostgreSQL's is NULL. */
#define LIMIT_ANY(n)	" LIMIT CASE WHEN " n " >= 0 THEN " n " END"

/* What key_row reads. */
#define KEY_COLUMNS	"name, tenant, scopes, prefix, created_at, revoked_at," \
			" rate_limit"

/*
 * Status s of a delivery found by its id, a subquery's rather than the
 * constant: with the constant, a plan made while the statistics said few
 * deliveries had it walks that status's partial index (deliveries_lease,
 * deliveries_dead) and tries each one, not the one.  EXPLAIN ANALYZE:
 * 500 in flight, the outcomes of 250, 103 ms against 10.7 ms looking each
 * up by its id; 15,000 dead, one found by its id, 9.6 ms against 0.08 ms.
 */
#define STATUS_BY_ID(s)	"(SELECT '" s "')"

#define CLAIM_SET							\
	"UPDATE deliveries SET status = 'in_flight', lease_owner = $1,"	\
	" lease_until = $2, updated_at = $3 "

/*
 * A disabled target's deliveries wait, claimed by no one, and so do those
 * of a target whose circuit is open; half-open, it gets one probe
 * (journal_claim_probe).  A paced target's are claimed only by the
 * process that holds it, while it wants more ($1 is the claimer, $3 now).
 */
#define TARGET_ENABLED							\
	" target NOT IN (SELECT target FROM target_states"		\
	"  WHERE disabled_at IS NOT NULL OR open_until IS NOT NULL"	\
	"  OR (held_until > $3 AND (holder IS DISTINCT FROM $1"		\
	"  OR claim_after > $3)))"

/*
 * A delivery d to a target in order by subject (ordered_subject set)
 * waits while one before it of the same subject and target is not done:
 * pending, failed or in flight.  Before: its event received earlier, or
 * of the same event and made earlier.  The status list is the partial
 * index deliveries_ordered's, word for word.
 */
#define IN_ORDER(d)							\
	" (" d ".ordered_subject IS NULL OR NOT EXISTS (SELECT 1"	\
	"  FROM deliveries p WHERE p.target = " d ".target"		\
	"  AND p.ordered_subject = " d ".ordered_subject"		\
	"  AND p.status IN ('pending', 'failed', 'in_flight')"		\
	"  AND (p.ordered_seq, p.id) < (" d ".ordered_seq, " d ".id)))"

#define CLAIM_DUE_WHERE							\
	" ((status IN ('pending', 'failed') AND not_before <= $3)"	\
	"  OR (status = 'in_flight' AND lease_until < $3))"		\
	" AND" TARGET_ENABLED " AND" IN_ORDER("deliveries")

/* With its event's type and tenant, for the outcomes it may make. */
#define CLAIM_RETURNING							\
	" RETURNING id, event_id, target, route, method, url, headers,"	\
	" body, attempts, priority,"					\
	" (SELECT type FROM events WHERE events.id = event_id),"	\
	" (SELECT tenant FROM events WHERE events.id = event_id), step,"	\
	" group_name, item"

/*
 * The due deliveries of class p, oldest first: a range of the index
 * deliveries_due each, so that the classes above cost a lookup when they
 * are empty, whatever waits in them for later.
 */
#define DUE_IN(p)							\
	" SELECT id FROM (SELECT id FROM deliveries d"			\
	"  WHERE status IN ('pending', 'failed') AND priority = " XSTR(p) \
	"  AND not_before <= $3 AND" TARGET_ENABLED " AND" IN_ORDER("d") \
	"  ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED) q"	\
	" UNION ALL"

/* A dead letter's summary, as a list shows it. */
#define DLQ_SUMMARY							\
	"'id', d.id, 'event', d.event_id, 'type', e.type,"		\
	" 'target', d.target, 'route', d.route, 'attempts', d.attempts,"	\
	" 'error_class', d.error_class, 'last_error', d.last_error,"	\
	" 'dead_at', d.dead_at, 'archived_at', d.archived_at"

/* And what it takes to send it again: C puts in headers and body. */
#define DLQ_REQUEST							\
	"'step', d.step, 'method', d.method, 'url', d.url,"		\
	" 'headers', NULL, 'body', NULL"

/*
 * A delivery of event $1 that a retry by query sends again: failed or
 * dead, to target $2 and with its last error of class $3, each if not
 * NULL ("unknown": none kept, as SQL_DLQ_STATS counts it).
 */
#define RETRYABLE_WHERE							\
	" event_id = $1 AND status IN ('failed', 'dead')"		\
	" AND ($2::text IS NULL OR target = $2)"			\
	" AND ($3::text IS NULL OR coalesce(error_class, 'unknown') = $3)"

#define CIRCUIT_COLUMNS							\
	"failures, opened_at, open_until, window_start, window_tries,"	\
	" window_failures, last_tries, last_failures"

/* A version, with its pair's head and latest: what journal_mapping holds. */
#define MAPPING_ROW							\
	"SELECT m.type, m.system, m.version, h.version,"		\
	" (SELECT max(version) FROM mappings x"				\
	"  WHERE x.type = m.type AND x.system = m.system),"		\
	" m.program, m.origin, m.created_at, h.updated_at"		\
	" FROM mappings m JOIN mapping_heads h"				\
	" ON h.type = m.type AND h.system = m.system "

/* How far on a message's status is; 0: not a status. */
#define STATUS_RANK(x)							\
	"CASE " x " WHEN 'sent' THEN 1 WHEN 'received' THEN 2"		\
	" WHEN 'read' THEN 3 WHEN 'played' THEN 4 ELSE 0 END"

/* A run as JSON, from sync_runs r. */
#define RUN_JSON							\
	"json_build_object('id', r.id, 'job', r.job,"			\
	" 'started_at', r.started_at, 'ended_at', r.ended_at,"		\
	" 'status', r.status, 'full', r.\"full\","			\
	" 'pages', r.pages, 'read', r.read, 'changed', r.changed,"	\
	" 'sent', r.sent, 'failed', r.failed,"				\
	" 'watermark_from', r.watermark_from,"				\
	" 'watermark_to', r.watermark_to, 'error', r.error)"

/* An instance as its listings show it. */
#define FLOW_SUMMARY \
	"json_build_object('id', id, 'flow', flow, 'number', number," \
	" 'key', key, 'tenant', tenant, 'status', status, 'label', label," \
	" 'step', step, 'cycle', cycle, 'due_at', due_at, 'error', error," \
	" 'event', event_id, 'started_at', started_at, 'step_at', step_at," \
	" 'updated_at', updated_at, 'ended_at', ended_at)"
/* A group's row, as its listing and its status show it. */
#define GROUP_ROW \
	"json_build_object('name', name, 'route', route, 'event', event_id," \
	" 'tenant', tenant, 'progress_every', progress, 'progress_told'," \
	" told, 'emitted', emitted, 'created_at', created_at," \
	" 'sealed_at', sealed_at, 'settled_at', settled_at, 'cancelled_at'," \
	" cancelled_at)"
/* An instance's columns, in struct journal_flow's order (flows.c). */
#define FLOW_COLS \
	"id, flow, key, tenant, number, event_id, status, label, step," \
	" visit, timeouts, due_at, delivery, wait_value, matched," \
	" paused_from, settings, vars, error, cycle, transitions," \
	" started_at, step_at, updated_at, ended_at"

const char *const journal_pg_sql_text[JOURNAL_NSQL] = {
	/* journal.c */
	/*
	 * No SQL_EVENT_ADD, SQL_RAW_ADD or SQL_CANONICAL_NEW: pg.c adds
	 * events many at a time (journal_pg_event_batch, at the end).
	 */
	[SQL_EVENT_BY_KEY] =
	    "SELECT id, envelope FROM events LEFT JOIN raw_envelopes"
	    " ON event = seq WHERE source = $1 AND key_index = $2",
	/*
	 * max() walks the partial index events_retained, whatever the
	 * statistics say: EXISTS was planned as a scan of every event while
	 * the table had not been analyzed yet (20 ms a transaction at 100,000
	 * events, the receiver at a tenth of its rate).
	 */
	[SQL_RETAINED_ANY] =
	    "SELECT max(retained_at) IS NOT NULL FROM events",
	[SQL_EVENT_STATUS] =
	    "SELECT status, envelope, id FROM events"
	    " LEFT JOIN canonical_envelopes ON event = seq WHERE id = $1",
	[SQL_EVENT_NORMALIZE] =
	    "UPDATE events SET status = 'normalized'"
	    " WHERE id = $1 AND status = 'received'",
	[SQL_EVENT_RETYPE] =
	    "UPDATE events SET type = $2 WHERE id = $1",
	/* $3, whether it came sealed, is pg.c's: named so that it is one. */
	[SQL_CANONICAL_ADD] =
	    "INSERT INTO canonical_envelopes (event, envelope)"
	    " SELECT seq, $2 FROM events WHERE id = $1"
	    " AND num_nulls($3::bigint) >= 0",
	[SQL_EVENT_FIND] =
	    "SELECT seq, type, source, status FROM events WHERE id = $1",
	[SQL_EVENT_MAP] =
	    "UPDATE events SET status = 'mapped'"
	    " WHERE id = $1 AND status = 'normalized'",
	[SQL_EVENT_REJECT] =
	    "UPDATE events SET status = 'rejected', error = $2"
	    " WHERE id = $1 AND status = $3",
	[SQL_EVENTS_IN] =
	    "SELECT id, CASE status WHEN 'received' THEN"
	    " (SELECT envelope FROM raw_envelopes WHERE event = seq) ELSE"
	    " (SELECT envelope FROM canonical_envelopes WHERE event = seq) END,"
	    " CASE status WHEN 'received' THEN '" AAD_RAW "'"
	    " ELSE '" AAD_CANONICAL "' END || id"
	    " FROM events WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3",
	/*
	 * $19, whether it came sealed, is pg.c's: named so that it is one.
	 * The event is looked up whether $18 asks for it or not: with CASE
	 * WHEN $18 THEN (SELECT ...), a plan for $18 = 0 skipped the lookups
	 * and so cost less than the generic plan, and PostgreSQL planned the
	 * statement anew at each call (55 us a delivery, more than the two
	 * lookups).
	 */
	[SQL_DELIVERY_ADD] =
	    "INSERT INTO deliveries (id, event_id, target, route, step, method,"
	    " url, headers, body, not_before, created_at, updated_at, priority,"
	    " status, last_error, error_class, dead_at, mapping_version,"
	    " group_name, item, archived_at, ordered_subject, ordered_seq)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12,"
	    " CASE WHEN $13::text IS NULL THEN 'pending' ELSE 'dead' END, $13,"
	    " CASE WHEN $13::text IS NOT NULL THEN $16::text END,"
	    " CASE WHEN $13::text IS NOT NULL THEN $11::bigint END,"
	    " nullif($14::bigint, 0), $15, $17,"
	    " CASE WHEN $16::text = 'cancelled' THEN $11::bigint END,"
	    " (SELECT CASE WHEN $18::bigint <> 0 THEN subject END"
	    " FROM events WHERE id = $2),"
	    " (SELECT CASE WHEN $18::bigint <> 0 THEN seq END"
	    " FROM events WHERE id = $2) + 0 * num_nulls($19::bigint))"
	    " ON CONFLICT (id) DO NOTHING",
	/*
	 * $4: a JSON array of ids.  The rows are picked by a SELECT of
	 * their own, to be locked (SKIP LOCKED: another host's are
	 * missed).
	 */
	[SQL_CLAIM_IDS] =
	    CLAIM_SET "WHERE id IN (SELECT id FROM deliveries"
	    " WHERE id IN (SELECT value"
	    " FROM json_array_elements_text($4::json)) AND" CLAIM_DUE_WHERE
	    " FOR UPDATE SKIP LOCKED)" CLAIM_RETURNING,
	/*
	 * Of the array $1, each id not claimed by $2 until $3, or a repeat
	 * (key: its place, from 1 where SQLite's is from 0).
	 */
	[SQL_CLAIM_IDS_MISSED] =
	    "SELECT e.value FROM json_array_elements_text($1::json)"
	    " WITH ORDINALITY AS e(value, key) WHERE NOT EXISTS (SELECT 1"
	    " FROM deliveries d WHERE d.id = e.value AND d.lease_owner = $2"
	    " AND d.lease_until = $3 AND d.status = " STATUS_BY_ID("in_flight") ")"
	    " OR EXISTS (SELECT 1 FROM json_array_elements_text($1::json)"
	    " WITH ORDINALITY AS p(value, key)"
	    " WHERE p.value = e.value AND p.key < e.key)"
	    " ORDER BY e.key",
	/*
	 * At most $4 in all: the due ones class by class, then expired
	 * leases.  PostgreSQL runs a UNION ALL's arms in order and stops at
	 * its LIMIT, as SQLite runs a compound SELECT.
	 */
	[SQL_CLAIM_DUE] =
	    CLAIM_SET "WHERE id IN (SELECT id FROM (" DUE_IN(PRIORITY_HIGH)
	    DUE_IN(PRIORITY_DEFAULT) DUE_IN(PRIORITY_NOTIFICATION)
	    DUE_IN(PRIORITY_LOW) DUE_IN(PRIORITY_RETRY)
	    " SELECT id FROM (SELECT id FROM deliveries"
	    "  WHERE status = 'in_flight' AND lease_until < $3"
	    "  AND" TARGET_ENABLED " ORDER BY lease_until LIMIT $4"
	    "  FOR UPDATE SKIP LOCKED) q) due"
	    " LIMIT $4)" CLAIM_RETURNING,
	/* One of target $4's, due or with its lease run out, whatever its
	 * circuit. */
	[SQL_CLAIM_PROBE] =
	    CLAIM_SET "WHERE id IN (SELECT id FROM (SELECT id FROM deliveries d"
	    "  WHERE status IN ('pending', 'failed') AND not_before <= $3"
	    "  AND target = $4 AND" IN_ORDER("d")
	    "  ORDER BY priority, not_before LIMIT 1 FOR UPDATE SKIP LOCKED) q"
	    " UNION ALL SELECT id FROM (SELECT id FROM deliveries"
	    "  WHERE status = 'in_flight' AND lease_until < $3"
	    "  AND target = $4 ORDER BY lease_until LIMIT 1"
	    "  FOR UPDATE SKIP LOCKED) q"
	    " LIMIT 1)" CLAIM_RETURNING,
	/*
	 * No SQL_ATTEMPT_ADD or SQL_DELIVERY_DONE: pg.c sends a tick's
	 * outcomes as one statement (journal_pg_outcome_batch, at the end).
	 */
	[SQL_CLAIM_RELEASE] =
	    "UPDATE deliveries SET status = CASE WHEN attempts > 0 THEN"
	    " 'failed' ELSE 'pending' END, not_before = $3,"
	    " lease_owner = NULL, lease_until = NULL, updated_at = $3"
	    " WHERE id = $1 AND lease_owner = $2"
	    " AND status = " STATUS_BY_ID("in_flight"),
	[SQL_KEY_ADD] =
	    "INSERT INTO api_keys (name, tenant, scopes, key_hash, prefix,"
	    " created_at, rate_limit) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	    " ON CONFLICT (name) DO NOTHING",
	[SQL_KEY_FIND] =
	    "SELECT " KEY_COLUMNS " FROM api_keys"
	    " WHERE key_hash = $1 AND revoked_at IS NULL",
	[SQL_KEY_LIST] =
	    "SELECT " KEY_COLUMNS " FROM api_keys ORDER BY name",
	[SQL_KEY_REVOKE] =
	    "UPDATE api_keys SET revoked_at = $2"
	    " WHERE name = $1 AND revoked_at IS NULL",
	[SQL_RATE_HIT] =
	    "INSERT INTO rate_windows (bucket, \"window\", count)"
	    " VALUES ($1, $2, 1) ON CONFLICT (bucket) DO UPDATE SET"
	    " count = CASE WHEN rate_windows.\"window\" = $2"
	    " THEN rate_windows.count + 1 ELSE 1 END, \"window\" = $2",
	/* Not RETURNING: SQLite builds a temporary table for each. */
	[SQL_RATE_COUNT] =
	    "SELECT count FROM rate_windows WHERE bucket = $1",
	/* Each filter applies when its parameter is not NULL. */
	[SQL_EVENTS_QUERY] =
	    "SELECT id, " JSON_TEXT("json_build_object('id', id,"
	    " 'source', source, 'type', type, 'tenant', tenant,"
	    " 'subject', subject, 'time', time,"
	    " 'idempotency_key', idempotency_key, 'status', status,"
	    " 'error', error, 'received_at', received_at)") " FROM events"
	    " WHERE ($1::text IS NULL OR type = $1)"
	    " AND ($2::text IS NULL OR source = $2)"
	    " AND ($3::text IS NULL OR status = $3)"
	    " AND ($4::text IS NULL OR tenant = $4)"
	    " AND ($5::bigint IS NULL OR received_at >= $5)"
	    " AND ($6::bigint IS NULL OR received_at < $6)"
	    " AND ($7::text IS NULL OR id > $7) ORDER BY id LIMIT $8",
	/*
	 * An event, its envelopes (for C to put in), its deliveries and
	 * their attempts.  The deliveries come in their ids' order
	 * (SQLite's: rowid's).
	 */
	[SQL_EVENT_DETAIL] =
	    "SELECT " JSON_TEXT("json_build_object('id', e.id,"
	    " 'source', e.source, 'type', e.type,"
	    " 'tenant', e.tenant, 'subject', e.subject, 'time', e.time,"
	    " 'idempotency_key', e.idempotency_key, 'status', e.status,"
	    " 'error', e.error, 'received_at', e.received_at,"
	    " 'raw', NULL, 'canonical', NULL,"
	    " 'deliveries', (SELECT coalesce(json_agg(json_build_object("
	    "  'id', d.id, 'target', d.target, 'route', d.route,"
	    "  'step', d.step, 'method', d.method, 'url', d.url,"
	    "  'status', d.status, 'attempts', d.attempts,"
	    "  'not_before', d.not_before,"
	    "  'mapping_version', d.mapping_version,"
	    "  'remote_id', d.remote_id, 'remote_status', d.remote_status,"
	    "  'remote_status_at', d.remote_status_at,"
	    "  'last_error', d.last_error, 'tries', (SELECT"
	    "  coalesce(json_agg(json_build_object('attempt', a.attempt,"
	    "  'started_at', a.started_at, 'duration_ms', a.duration_ms,"
	    "  'http_status', a.http_status, 'error_class', a.error_class,"
	    "  'error', a.error) ORDER BY a.id), '[]'::json)"
	    "  FROM attempts a WHERE a.delivery_id = d.id))"
	    "  ORDER BY d.id), '[]'::json)"
	    "  FROM deliveries d WHERE d.event_id = e.id))")
	    ", (SELECT envelope FROM raw_envelopes WHERE event = e.seq),"
	    " (SELECT envelope FROM canonical_envelopes WHERE event = e.seq),"
	    " e.id FROM events e WHERE e.id = $1",
	/* Counts by status, what is left to do, and how old it is. */
	[SQL_STATUS] =
	    "SELECT " JSON_TEXT("json_build_object("
	    " 'events', (SELECT coalesce(json_object_agg(status, n"
	    "  ORDER BY status), '{}'::json) FROM (SELECT status,"
	    "  count(*) AS n FROM events GROUP BY status) s),"
	    " 'deliveries', (SELECT coalesce(json_object_agg(status, n"
	    "  ORDER BY status), '{}'::json) FROM (SELECT status,"
	    "  count(*) AS n FROM deliveries GROUP BY status) s),"
	    " 'events_backlog', (SELECT count(*) FROM events"
	    "  WHERE status IN ('received', 'normalized')),"
	    " 'delivery_backlog', (SELECT count(*) FROM deliveries"
	    "  WHERE status IN ('pending', 'failed')),"
	    " 'oldest_pending_ms', (SELECT $1::bigint - min(created_at)"
	    "  FROM deliveries WHERE status IN ('pending', 'failed')),"
	    " 'dead_letters', (SELECT count(*) FROM deliveries"
	    "  WHERE status = 'dead' AND archived_at IS NULL),"
	    " 'targets_disabled', (SELECT coalesce(json_agg(target"
	    "  ORDER BY target), '[]'::json)"
	    "  FROM target_states WHERE disabled_at IS NOT NULL),"
	    " 'circuits_open', (SELECT coalesce(json_object_agg(target,"
	    "  json_build_object('state', CASE WHEN open_until > $1"
	    "  THEN 'open' ELSE 'half_open' END, 'opened_at', opened_at,"
	    "  'open_until', open_until, 'failures', failures)"
	    "  ORDER BY target), '{}'::json)"
	    "  FROM target_states WHERE open_until IS NOT NULL))"),
	/*
	 * Each target's last attempt (the row of max(): SQLite's bare
	 * columns; here DISTINCT ON, the first attempt of the latest time).
	 */
	[SQL_TARGETS_LAST] =
	    "SELECT " JSON_TEXT("coalesce(json_object_agg(target,"
	    " json_build_object('at', at, 'http_status', http_status,"
	    " 'error_class', error_class, 'delivery_status', status)"
	    " ORDER BY target), '{}'::json)")
	    " FROM (SELECT DISTINCT ON (d.target) d.target,"
	    " a.started_at AS at, a.http_status, a.error_class, d.status"
	    " FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
	    " ORDER BY d.target, a.started_at DESC, a.id) l",
	/* Mapped again by the next integra-map --pending. */
	[SQL_EVENT_RETRY] =
	    "UPDATE events SET status = 'normalized'"
	    " WHERE id = $1 AND status IN ('normalized', 'mapped')",
	/* Its deliveries that failed or died, due again from now. */
	[SQL_DELIVERIES_RETRY] =
	    "UPDATE deliveries SET status = 'pending', attempts = 0,"
	    " not_before = $2, lease_owner = NULL, lease_until = NULL,"
	    " dead_at = NULL, archived_at = NULL, updated_at = $2"
	    " WHERE event_id = $1 AND status IN ('failed', 'dead')"
	    " RETURNING target",
	/*
	 * The events a retry by query takes, each filter when its parameter
	 * is not NULL; with $7 or $8, those with a delivery to retry to
	 * target $7 of class $8.  With their status, to know which map again.
	 */
	[SQL_EVENTS_RETRY_MATCH] =
	    "SELECT e.id, e.status FROM events e"
	    " WHERE ($1::text IS NULL OR e.type = $1)"
	    " AND ($2::text IS NULL OR e.source = $2)"
	    " AND ($3::text IS NULL OR e.status = $3)"
	    " AND ($4::text IS NULL OR e.tenant = $4)"
	    " AND ($5::bigint IS NULL OR e.received_at >= $5)"
	    " AND ($6::bigint IS NULL OR e.received_at < $6)"
	    " AND (($7::text IS NULL AND $8::text IS NULL) OR EXISTS (SELECT 1"
	    "  FROM deliveries d WHERE d.event_id = e.id"
	    "  AND d.status IN ('failed', 'dead')"
	    "  AND ($7 IS NULL OR d.target = $7)"
	    "  AND ($8 IS NULL OR coalesce(d.error_class, 'unknown') = $8)))"
	    " ORDER BY e.id",
	/* What SQL_EVENT_REDELIVER would send again: a dry run's. */
	[SQL_EVENT_RETRYABLE] =
	    "SELECT id, target FROM deliveries WHERE" RETRYABLE_WHERE
	    " ORDER BY id",
	/* SQL_DELIVERIES_RETRY of those a retry by query takes. */
	[SQL_EVENT_REDELIVER] =
	    "UPDATE deliveries SET status = 'pending', attempts = 0,"
	    " not_before = $4, lease_owner = NULL, lease_until = NULL,"
	    " dead_at = NULL, archived_at = NULL, updated_at = $4"
	    " WHERE" RETRYABLE_WHERE " RETURNING id, target",
	/* dlq.c */
	/* Each filter applies when its parameter is not NULL. */
	[SQL_DLQ_QUERY] =
	    "SELECT d.id, " JSON_TEXT("CASE WHEN $7::bigint <> 0 THEN"
	    " json_build_object(" DLQ_SUMMARY ", " DLQ_REQUEST ")"
	    " ELSE json_build_object(" DLQ_SUMMARY ") END")
	    ", CASE WHEN $7::bigint <> 0 THEN d.headers END,"
	    " CASE WHEN $7::bigint <> 0 THEN d.body END"
	    " FROM deliveries d JOIN events e ON e.id = d.event_id"
	    " WHERE d.status = 'dead'"
	    " AND ($1::text IS NULL OR e.type = $1)"
	    " AND ($2::text IS NULL OR d.target = $2)"
	    " AND ($3::bigint IS NULL OR d.dead_at >= $3)"
	    " AND ($4::bigint = -1"
	    " OR (d.archived_at IS NOT NULL)::int = $4)"
	    " AND ($5::text IS NULL OR d.id > $5) ORDER BY d.id"
	    LIMIT_ANY("$6::bigint"),
	[SQL_DLQ_DETAIL] =
	    "SELECT " JSON_TEXT("json_build_object(" DLQ_SUMMARY ", "
	    DLQ_REQUEST ","
	    " 'event_attributes', json_build_object('id', e.id,"
	    "  'source', e.source, 'type', e.type, 'tenant', e.tenant,"
	    "  'subject', e.subject, 'time', e.time, 'status', e.status),"
	    " 'tries', (SELECT coalesce(json_agg(json_build_object("
	    "  'attempt', a.attempt, 'started_at', a.started_at,"
	    "  'duration_ms', a.duration_ms, 'http_status', a.http_status,"
	    "  'error_class', a.error_class, 'error', a.error,"
	    "  'response_excerpt', a.response_excerpt) ORDER BY a.id),"
	    "  '[]'::json) FROM attempts a WHERE a.delivery_id = d.id))")
	    ", d.headers, d.body, d.id"
	    " FROM deliveries d JOIN events e ON e.id = d.event_id"
	    " WHERE d.id = $1 AND d.status = " STATUS_BY_ID("dead"),
	[SQL_DLQ_STATS] =
	    "WITH q AS (SELECT d.target, d.dead_at, e.type,"
	    "  coalesce(d.error_class, 'unknown') AS class"
	    "  FROM deliveries d JOIN events e ON e.id = d.event_id"
	    "  WHERE d.status = 'dead' AND d.archived_at IS NULL)"
	    " SELECT " JSON_TEXT("json_build_object("
	    " 'dead', (SELECT count(*) FROM q),"
	    " 'archived', (SELECT count(*) FROM deliveries"
	    "  WHERE status = 'dead' AND archived_at IS NOT NULL),"
	    " 'oldest_ms', (SELECT $1::bigint - min(dead_at) FROM q),"
	    " 'by_type', (SELECT coalesce(json_object_agg(type, n"
	    "  ORDER BY type), '{}'::json) FROM"
	    "  (SELECT type, count(*) AS n FROM q GROUP BY type) t),"
	    " 'by_target', (SELECT coalesce(json_object_agg(target, n"
	    "  ORDER BY target), '{}'::json) FROM"
	    "  (SELECT target, count(*) AS n FROM q GROUP BY target) t),"
	    " 'by_error_class', (SELECT coalesce(json_object_agg(class, n"
	    "  ORDER BY class), '{}'::json) FROM"
	    "  (SELECT class, count(*) AS n FROM q GROUP BY class) t))"),
	[SQL_DLQ_RETRY] =
	    "UPDATE deliveries SET status = 'pending', attempts = 0,"
	    " not_before = $2, dead_at = NULL, archived_at = NULL,"
	    " updated_at = $2 WHERE id = $1 AND status = " STATUS_BY_ID("dead")
	    " RETURNING target, group_name",
	[SQL_DLQ_ARCHIVE] =
	    "UPDATE deliveries SET archived_at = $2, updated_at = $2"
	    " WHERE id = $1 AND status = " STATUS_BY_ID("dead")
	    " AND archived_at IS NULL",
	[SQL_DLQ_FIND] =
	    "SELECT (archived_at IS NOT NULL)::int FROM deliveries"
	    " WHERE id = $1 AND status = " STATUS_BY_ID("dead"),
	[SQL_ATTEMPTS_DELETE] =
	    "DELETE FROM attempts WHERE delivery_id = $1",
	[SQL_DELIVERY_DELETE] =
	    "DELETE FROM deliveries WHERE id = $1"
	    " AND status = " STATUS_BY_ID("dead"),
	[SQL_DLQ_SWEEP] =
	    "UPDATE deliveries SET status = 'dead', dead_at = $3,"
	    " updated_at = $3 WHERE status = 'failed' AND target = $1"
	    " AND attempts >= $2",
	/*
	 * The dead letters a retry by query takes, each filter when its
	 * parameter is not NULL ($8: as SQL_DLQ_QUERY's $4), with their
	 * targets.
	 */
	[SQL_DLQ_MATCH] =
	    "SELECT d.id, d.target"
	    " FROM deliveries d JOIN events e ON e.id = d.event_id"
	    " WHERE d.status = 'dead'"
	    " AND ($1::text IS NULL OR e.type = $1)"
	    " AND ($2::text IS NULL OR d.target = $2)"
	    " AND ($3::text IS NULL OR e.source = $3)"
	    " AND ($4::text IS NULL OR e.tenant = $4)"
	    " AND ($5::bigint IS NULL OR d.dead_at >= $5)"
	    " AND ($6::bigint IS NULL OR d.dead_at < $6)"
	    " AND ($7::text IS NULL"
	    " OR coalesce(d.error_class, 'unknown') = $7)"
	    " AND ($8::bigint = -1"
	    " OR (d.archived_at IS NOT NULL)::int = $8) ORDER BY d.id",
	/* targets.c */
	[SQL_TARGET_DISABLE] =
	    "INSERT INTO target_states (target, disabled_at, disabled_reason,"
	    " updated_at) VALUES ($1, $2, $3, $2) ON CONFLICT (target) DO"
	    " UPDATE SET disabled_reason = CASE WHEN"
	    " target_states.disabled_at IS NULL"
	    " THEN excluded.disabled_reason"
	    " ELSE target_states.disabled_reason END,"
	    " disabled_at = coalesce(target_states.disabled_at,"
	    " excluded.disabled_at), updated_at = excluded.updated_at",
	[SQL_TARGET_ENABLE] =
	    "UPDATE target_states SET disabled_at = NULL,"
	    " disabled_reason = NULL, failures = 0, opened_at = NULL,"
	    " open_until = NULL, window_tries = 0, window_failures = 0,"
	    " last_tries = 0, last_failures = 0, updated_at = $2"
	    " WHERE target = $1"
	    " AND (disabled_at IS NOT NULL OR open_until IS NOT NULL)",
	[SQL_TARGET_STATES] =
	    "SELECT c.t, s.disabled_at, s.disabled_reason,"
	    " coalesce(s.failures, 0), s.opened_at, s.open_until, c.waiting,"
	    " c.dead FROM (SELECT t, sum(waiting) AS waiting, sum(dead) AS dead"
	    "  FROM (SELECT target AS t,"
	    "   (status IN ('pending', 'failed'))::int AS waiting,"
	    "   (status = 'dead' AND archived_at IS NULL)::int AS dead"
	    "   FROM deliveries UNION ALL SELECT target, 0, 0"
	    "   FROM target_states) u GROUP BY t) c"
	    " LEFT JOIN target_states s ON s.target = c.t ORDER BY c.t",
	[SQL_TARGET_CIRCUIT_GET] =
	    "SELECT " CIRCUIT_COLUMNS " FROM target_states WHERE target = $1",
	[SQL_TARGET_CIRCUIT_PUT] =
	    "INSERT INTO target_states (target, updated_at, " CIRCUIT_COLUMNS
	    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
	    " ON CONFLICT (target) DO UPDATE SET updated_at = $2,"
	    " failures = $3, opened_at = $4, open_until = $5,"
	    " window_start = $6, window_tries = $7, window_failures = $8,"
	    " last_tries = $9, last_failures = $10",
	/* Taken for one host: another's, locked, are left to it. */
	[SQL_TARGET_PROBES_TAKE] =
	    "UPDATE target_states SET open_until = $2, updated_at = $1"
	    " WHERE target IN (SELECT target FROM target_states"
	    " WHERE open_until <= $1 AND disabled_at IS NULL"
	    " FOR UPDATE SKIP LOCKED) RETURNING target",
	[SQL_TARGET_PROBE_GIVE_BACK] =
	    "UPDATE target_states SET open_until = $3, updated_at = $3"
	    " WHERE target = $1 AND open_until = $2",
	[SQL_TARGET_HOLD] =
	    "INSERT INTO target_states (target, updated_at, holder,"
	    " held_until, claim_after) VALUES ($1, $3, $2, $4, $5)"
	    " ON CONFLICT (target) DO UPDATE SET holder = $2,"
	    " held_until = $4, claim_after = $5, updated_at = $3"
	    " WHERE target_states.holder IS NOT DISTINCT FROM $2"
	    " OR target_states.held_until IS NULL"
	    " OR target_states.held_until <= $3",
	[SQL_TARGET_UNHOLD] =
	    "UPDATE target_states SET holder = NULL, held_until = NULL,"
	    " claim_after = NULL, updated_at = $3"
	    " WHERE target = $1 AND holder = $2",
	/* mappings.c */
	[SQL_MAPPING_ADD] =
	    "INSERT INTO mappings (type, system, version, program, origin,"
	    " created_at) VALUES ($1, $2, (SELECT coalesce(max(version), 0)"
	    " + 1 FROM mappings WHERE type = $1 AND system = $2), $3, $4, $5)"
	    " RETURNING version",
	[SQL_MAPPING_SEED] =
	    "INSERT INTO mappings (type, system, version, program, origin,"
	    " created_at) SELECT $1, $2, 1, $3::text, $4::text, $5::bigint"
	    " WHERE NOT EXISTS"
	    " (SELECT 1 FROM mappings WHERE type = $1 AND system = $2)",
	[SQL_MAPPING_HEAD] =
	    "INSERT INTO mapping_heads (type, system, version, updated_at)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT (type, system) DO UPDATE"
	    " SET version = $3, updated_at = $4",
	[SQL_MAPPING_GET] =
	    MAPPING_ROW "WHERE m.type = $1 AND m.system = $2"
	    " AND m.version = CASE WHEN $3::bigint > 0 THEN $3::bigint"
	    " ELSE h.version END",
	[SQL_MAPPING_HEADS] =
	    MAPPING_ROW "WHERE m.version = h.version ORDER BY m.type, m.system",
	[SQL_MAPPING_VERSIONS] =
	    MAPPING_ROW "WHERE m.type = $1 AND m.system = $2"
	    " ORDER BY m.version",
	[SQL_MAPPING_ROLLBACK] =
	    "UPDATE mapping_heads SET version = $3, updated_at = $4"
	    " WHERE type = $1 AND system = $2 AND EXISTS (SELECT 1 FROM"
	    " mappings WHERE type = $1 AND system = $2 AND version = $3)",
	/* contacts.c */
	[SQL_LEAD_FIND] =
	    "SELECT coalesce(" LEAD_OF("$1", "$2") ", " LEAD_OF("$1", "$3") ","
	    " " LEAD_OF("$1", "$4") ", " LEAD_OF("$1", "$5") ")",
	[SQL_LEAD_LINK] =
	    "INSERT INTO lead_contacts (tenant, contact, lead_id, created_at)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	[SQL_MESSAGE_STATUS] =
	    "UPDATE deliveries SET remote_status = $2, remote_status_at = $3"
	    " WHERE remote_id = $1 AND " STATUS_RANK("$2::text") " > "
	    STATUS_RANK("coalesce(remote_status, '')"),
	/* counts.c */
	[SQL_COUNT_ADD] =
	    "INSERT INTO counts (hour, kind, a, b, c, n, total)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
	    " ON CONFLICT (hour, kind, a, b, c) DO UPDATE"
	    " SET n = counts.n + excluded.n,"
	    " total = counts.total + excluded.total",
	[SQL_COUNT_READ] =
	    "SELECT kind, a, b, c, sum(n), sum(total) FROM counts"
	    " WHERE hour >= $1::bigint / " XSTR(JOURNAL_HOUR_MS)
	    " GROUP BY kind, a, b, c ORDER BY kind, a, b, c",
	[SQL_COUNT_TARGETS] =
	    "SELECT target, (disabled_at IS NOT NULL)::int,"
	    " CASE WHEN open_until > $1 THEN 1"
	    " WHEN open_until IS NOT NULL THEN 2 ELSE 0 END"
	    " FROM target_states ORDER BY target",
	/*
	 * Each count is a range of a partial index, which the repeated
	 * IN term lets SQLite use.  Ids are UUIDv7, so the oldest event
	 * of a status is its least id; the due deliveries' least
	 * not_before is looked up in the due index a class at a time.
	 */
	[SQL_COUNT_WAITING] =
	    "SELECT (SELECT count(*) FROM events WHERE status IN"
	    "  ('received', 'normalized') AND status = 'received'),"
	    " (SELECT count(*) FROM events WHERE status IN"
	    "  ('received', 'normalized') AND status = 'normalized'),"
	    " (SELECT count(*) FROM deliveries WHERE status IN"
	    "  ('pending', 'failed') AND status = 'pending'),"
	    " (SELECT count(*) FROM deliveries WHERE status IN"
	    "  ('pending', 'failed') AND status = 'failed'),"
	    " (SELECT count(*) FROM deliveries WHERE status = 'in_flight'),"
	    " (SELECT count(*) FROM deliveries WHERE status = 'dead'"
	    "  AND archived_at IS NULL),"
	    " (SELECT min(id) FROM (SELECT min(id) AS id FROM events"
	    "  WHERE status IN ('received', 'normalized')"
	    "  AND status = 'received' UNION ALL SELECT min(id) FROM events"
	    "  WHERE status IN ('received', 'normalized')"
	    "  AND status = 'normalized') o),"
	    " (SELECT min(m) FROM (SELECT (SELECT min(not_before) FROM"
	    "  deliveries d WHERE d.status IN ('pending', 'failed') AND"
	    "  d.priority = p.column1) AS m FROM (VALUES (0), (1), (2), (3),"
	    "  (4)) p) c WHERE m <= $1)",
	[SQL_COUNT_SYNCS] =
	    "SELECT job, coalesce((SELECT status FROM sync_runs l"
	    " WHERE l.job = r.job AND status <> 'running' ORDER BY id DESC"
	    " LIMIT 1), 'running'), sum((status = 'ok' AND"
	    " started_at >= $1)::int), sum((status = 'failed'"
	    " AND started_at >= $1)::int), sum((status = 'running')::int),"
	    " coalesce(max(CASE WHEN status = 'ok' THEN ended_at END), 0),"
	    " sum(CASE WHEN started_at >= $1 THEN"
	    " read ELSE 0 END), sum(CASE WHEN started_at >= $1 THEN changed"
	    " ELSE 0 END), sum(CASE WHEN started_at >= $1 THEN failed ELSE 0"
	    " END) FROM sync_runs r GROUP BY job ORDER BY job",
	/*
	 * By the bounds of journal_sync_bounds.  A job's in the bounds'
	 * text order, as SQLite's GROUP BY leaves them.
	 */
	[SQL_COUNT_SYNC_TIMES] =
	    "SELECT job, CASE WHEN d <= 1000 THEN '1000'"
	    " WHEN d <= 5000 THEN '5000' WHEN d <= 15000 THEN '15000'"
	    " WHEN d <= 60000 THEN '60000' WHEN d <= 300000 THEN '300000'"
	    " WHEN d <= 900000 THEN '900000' WHEN d <= 3600000 THEN '3600000'"
	    " ELSE 'inf' END, count(*), sum(d) FROM (SELECT job,"
	    " ended_at - started_at AS d FROM sync_runs"
	    " WHERE ended_at IS NOT NULL AND started_at >= $1) r"
	    " GROUP BY 1, 2 ORDER BY 1, 2",
	/* An hour's in the order of SQLite's GROUP BY. */
	[SQL_COUNT_HOURLY] =
	    "SELECT kind, CASE kind WHEN 'event' THEN c ELSE b END, hour,"
	    " sum(n) FROM counts WHERE hour >= $1::bigint / "
	    XSTR(JOURNAL_HOUR_MS)
	    " AND kind IN ('event', 'delivery', 'attempt')"
	    " GROUP BY 1, 2, 3 ORDER BY 3, 1, 2",
	[SQL_COUNT_DEAD] =
	    "SELECT target, coalesce(error_class, ''), coalesce(last_error,"
	    " ''), count(*) FROM deliveries WHERE status = 'dead'"
	    " AND dead_at >= $1 GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3"
	    " LIMIT 5",
	[SQL_COUNT_FLOWS] =
	    "SELECT flow, sum((status = 'running')::int),"
	    " sum((status = 'waiting')::int), sum((status = 'paused')::int),"
	    " sum((status = 'completed')::int),"
	    " sum((status = 'cancelled')::int), sum((status = 'failed')::int),"
	    " (SELECT count(*) FROM flow_log l WHERE l.flow = i.flow AND"
	    "  l.what = 'completed'), (SELECT coalesce(sum(duration_ms), 0)"
	    "  FROM flow_log l WHERE l.flow = i.flow AND l.what = 'completed')"
	    " FROM flow_instances i GROUP BY flow ORDER BY flow",
	/* syncs.c */
	[SQL_SYNC_JOB_ADD] =
	    "INSERT INTO sync_jobs (job, updated_at) VALUES ($1, $2)"
	    " ON CONFLICT DO NOTHING",
	/*
	 * Free, its lease run out, or already ours: a renewal.  Locked by
	 * another host taking it now: not ours.
	 */
	[SQL_SYNC_LOCK] =
	    "UPDATE sync_jobs SET lock_owner = $2, lock_until = $4,"
	    " updated_at = $3 WHERE job IN (SELECT job FROM sync_jobs"
	    " WHERE job = $1 AND (lock_owner IS NULL"
	    " OR lock_owner = $2 OR lock_until < $3) FOR UPDATE SKIP LOCKED)",
	[SQL_SYNC_STEAL] =
	    "UPDATE sync_jobs SET lock_owner = $3, lock_until = $5,"
	    " updated_at = $4 WHERE job IN (SELECT job FROM sync_jobs"
	    " WHERE job = $1 AND lock_owner = $2 FOR UPDATE SKIP LOCKED)",
	/* Whoever holds the lock now, no run of the job goes on. */
	[SQL_SYNC_ABANDON] =
	    "UPDATE sync_runs SET status = 'failed', ended_at = $2,"
	    " error = 'it stopped before its end (killed?)'"
	    " WHERE job = $1 AND status = 'running'",
	[SQL_SYNC_JOB_READ] =
	    "SELECT coalesce(watermark, ''), coalesce(lock_owner, ''),"
	    " coalesce(lock_until, 0) FROM sync_jobs WHERE job = $1",
	[SQL_SYNC_UNLOCK] =
	    "UPDATE sync_jobs SET lock_owner = NULL, lock_until = NULL,"
	    " watermark = CASE WHEN $3::bigint <> 0 THEN $4::text"
	    " ELSE watermark END,"
	    " updated_at = $5 WHERE job = $1 AND lock_owner = $2",
	[SQL_SYNC_RUN_START] =
	    "INSERT INTO sync_runs (job, started_at, status, \"full\","
	    " watermark_from) VALUES ($1, $2, 'running', $3, $4) RETURNING id",
	[SQL_SYNC_RUN_UPDATE] =
	    "UPDATE sync_runs SET status = $2, ended_at = $3, pages = $4,"
	    " read = $5, changed = $6, sent = $7, failed = $8,"
	    " watermark_to = $9, error = $10 WHERE id = $1",
	[SQL_SYNC_RECORD_GET] =
	    "SELECT hash, record, job, key FROM sync_records"
	    " WHERE job = $1 AND key = $2",
	[SQL_SYNC_RECORD_PUT] =
	    "INSERT INTO sync_records (job, key, hash, record, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job, key) DO UPDATE SET"
	    " hash = excluded.hash, record = excluded.record,"
	    " updated_at = excluded.updated_at, retained_at = NULL",
	/* A record set, in its keys' order; $2: only this key. */
	[SQL_SYNC_RECORDS] =
	    "SELECT key, record, job FROM sync_records WHERE job = $1"
	    " AND ($2::text IS NULL OR key = $2) ORDER BY key",
	[SQL_SYNC_RECORD_DELETE] =
	    "DELETE FROM sync_records WHERE job = $1 AND key = $2",
	/*
	 * Newest first; each filter applies when it is not NULL.  A job's
	 * runs are those of its instances ("JOB/KEY") too.
	 */
	[SQL_SYNC_RUNS] =
	    "SELECT r.id, " JSON_TEXT(RUN_JSON) " FROM sync_runs r"
	    " WHERE ($1::text IS NULL OR r.job = $1"
	    " OR substr(r.job, 1, length($1) + 1) = $1 || '/')"
	    " ORDER BY r.id DESC" LIMIT_ANY("$2::bigint"),
	[SQL_SYNC_RUN_GET] =
	    "SELECT " JSON_TEXT(RUN_JSON) " FROM sync_runs r WHERE r.id = $1",
	[SQL_SYNC_JOB_STATE] =
	    "SELECT " JSON_TEXT("json_build_object('watermark', j.watermark,"
	    " 'lock_owner', j.lock_owner, 'lock_until', j.lock_until,"
	    " 'records', (SELECT count(*) FROM sync_records WHERE job = $1),"
	    " 'last_run', (SELECT " RUN_JSON " FROM sync_runs r"
	    "  WHERE r.job = $1 ORDER BY r.id DESC LIMIT 1),"
	    " 'last_ok', (SELECT max(ended_at) FROM sync_runs"
	    "  WHERE job = $1 AND status = 'ok'))")
	    " FROM (SELECT $1::text AS job) q LEFT JOIN sync_jobs j USING (job)",
	/* By job, the runs started since $1. */
	[SQL_SYNC_STATS] =
	    "SELECT job, " JSON_TEXT("json_build_object('runs', count(*),"
	    " 'ok', sum((status = 'ok')::int),"
	    " 'failed', sum((status = 'failed')::int),"
	    " 'running', sum((status = 'running')::int),"
	    " 'pages', sum(pages), 'read', sum(read),"
	    " 'changed', sum(changed), 'sent', sum(sent),"
	    " 'records_failed', sum(failed), 'last_ok', max(CASE WHEN"
	    " status = 'ok' THEN ended_at END), 'last_error', (SELECT error"
	    " FROM sync_runs e WHERE e.job = r.job AND e.status = 'failed'"
	    " ORDER BY e.id DESC LIMIT 1))")
	    " FROM sync_runs r WHERE started_at >= $1 GROUP BY job ORDER BY job",
	/* alerts.c */
	/*
	 * The dead from the dead index; the attempts, which have no index
	 * on their time, from the newest rows back, so that the cost stays
	 * bounded however many the journal holds.
	 */
	[SQL_ALERT_INPUTS] =
	    "SELECT (SELECT count(*) FROM deliveries WHERE status = 'dead'"
	    " AND dead_at >= $1), count(*), coalesce(sum((error_class IS NOT"
	    " NULL)::int), 0) FROM (SELECT started_at, error_class"
	    " FROM attempts ORDER BY id DESC LIMIT 200000) a"
	    " WHERE started_at >= $2",
	[SQL_ALERT_STATES] =
	    "SELECT alert, firing, since, message, coalesce(posted_at, 0),"
	    " posted_firing FROM alert_states ORDER BY alert",
	[SQL_ALERT_PUT] =
	    "INSERT INTO alert_states (alert, firing, since, message,"
	    " posted_at, posted_firing) VALUES ($1, $2, $3, $4,"
	    " nullif($5::bigint, 0), $6) ON CONFLICT (alert) DO UPDATE SET"
	    " firing = excluded.firing,"
	    " since = excluded.since, message = excluded.message,"
	    " posted_at = excluded.posted_at,"
	    " posted_firing = excluded.posted_firing",
	/* retention.c */
	/*
	 * Ids are UUIDv7, their time first: $1, an id's first 13
	 * characters, bounds a range of the id index.
	 */
	[SQL_RETAIN_EVENTS] =
	    "SELECT e.seq, e.id, e.subject, e.idempotency_key, c.envelope"
	    " FROM events e"
	    " LEFT JOIN canonical_envelopes c ON c.event = e.seq"
	    " WHERE e.id < $1 AND e.id > $3 AND e.retained_at IS NULL"
	    " AND e.status IN ('mapped', 'rejected') AND NOT EXISTS"
	    " (SELECT 1 FROM deliveries d WHERE d.event_id = e.id"
	    "  AND d.status IN ('pending', 'failed', 'in_flight', 'dead'))"
	    " AND NOT EXISTS (SELECT 1 FROM flow_instances f"
	    "  WHERE f.event_id = e.id AND f.status IN ('running', 'waiting',"
	    "  'paused'))"
	    " ORDER BY e.id LIMIT $2",
	/*
	 * The key's index form from the key it replaces (keyindex.h): 'd'
	 * and the first 16 bytes of SHA-256(source NUL key), as
	 * key_index_retained makes it, which SQLite's integra_key_retained
	 * calls.
	 */
	[SQL_RETAIN_EVENT] =
	    "UPDATE events SET subject = $2, idempotency_key = $3,"
	    " key_index = '\\x64'::bytea || substr(sha256(convert_to(source,"
	    " 'UTF8') || '\\x00'::bytea || convert_to(idempotency_key,"
	    " 'UTF8')), 1, 16), retained_at = $4 WHERE seq = $1",
	[SQL_RETAIN_RAW_DROP] =
	    "DELETE FROM raw_envelopes WHERE event = $1",
	[SQL_RETAIN_CANONICAL] =
	    "UPDATE canonical_envelopes SET envelope = $2 WHERE event = $1"
	    " AND num_nulls($3::text) >= 0",
	[SQL_RETAIN_DELIVERIES] =
	    "SELECT id, body FROM deliveries WHERE event_id = $1",
	[SQL_RETAIN_DELIVERY] =
	    "UPDATE deliveries SET body = $2, item = NULL,"
	    " ordered_subject = NULL WHERE id = $1",
	[SQL_RETAIN_EXCERPTS] =
	    "UPDATE attempts SET response_excerpt = NULL"
	    " WHERE delivery_id = $1",
	/* ILIKE: SQLite's LIKE ignores the case of ASCII letters. */
	[SQL_RETAIN_CONTACTS] =
	    "SELECT tenant, contact FROM lead_contacts WHERE created_at < $1"
	    " AND contact NOT ILIKE 'h:%' AND (tenant, contact) > ($3, $4)"
	    " ORDER BY tenant, contact LIMIT $2",
	[SQL_RETAIN_CONTACT_ADD] =
	    "INSERT INTO lead_contacts (tenant, contact, lead_id, created_at)"
	    " SELECT tenant, $3::text, lead_id, created_at FROM lead_contacts"
	    " WHERE tenant = $1 AND contact = $2 ON CONFLICT DO NOTHING",
	[SQL_RETAIN_CONTACT_DROP] =
	    "DELETE FROM lead_contacts WHERE tenant = $1 AND contact = $2",
	[SQL_RETAIN_RECORDS] =
	    "SELECT job, key, record FROM sync_records WHERE updated_at < $1"
	    " AND retained_at IS NULL AND (job, key) > ($3, $4)"
	    " ORDER BY job, key LIMIT $2",
	[SQL_RETAIN_RECORD] =
	    "UPDATE sync_records SET record = $3, retained_at = $4"
	    " WHERE job = $1 AND key = $2",
	/* flows.c */
	[SQL_FLOW_NUMBER] =
	    "INSERT INTO flow_numbers (flow, tenant, year, last)"
	    " VALUES ($1, $2, $3, 1) ON CONFLICT (flow, tenant, year)"
	    " DO UPDATE SET last = flow_numbers.last + 1 RETURNING last",
	[SQL_FLOW_ADD] =
	    "INSERT INTO flow_instances (" FLOW_COLS ")"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,"
	    " $25) ON CONFLICT (flow, key) DO NOTHING",
	/* $2 to $6 and $22, bound as for SQL_FLOW_ADD, change nothing. */
	[SQL_FLOW_PUT] =
	    "UPDATE flow_instances SET status = $7, label = $8, step = $9,"
	    " visit = $10, timeouts = $11, due_at = $12, delivery = $13,"
	    " wait_value = $14, matched = $15, paused_from = $16,"
	    " settings = $17, vars = $18, error = $19, cycle = $20,"
	    " transitions = $21, step_at = $23, updated_at = $24,"
	    " ended_at = $25 WHERE id = $1 AND num_nulls($2::text, $3::text,"
	    " $4::text, $5::text, $6::text, $22::bigint) >= 0",
	[SQL_FLOW_GET] =
	    "SELECT " FLOW_COLS " FROM flow_instances WHERE id = $1"
	    " UNION ALL SELECT " FLOW_COLS " FROM flow_instances"
	    " WHERE number = $1 LIMIT 1",
	[SQL_FLOW_BY_KEY] =
	    "SELECT " FLOW_COLS " FROM flow_instances"
	    " WHERE flow = $1 AND key = $2",
	[SQL_FLOW_BY_DELIVERY] =
	    "SELECT " FLOW_COLS " FROM flow_instances WHERE delivery = $1",
	/*
	 * Due: its step runs, its wait matched or timed out; or its step's
	 * delivery died without dispatch seeing it (integra-retry's sweep).
	 */
	[SQL_FLOW_DUE] =
	    "SELECT id FROM (SELECT id, due_at AS t FROM flow_instances"
	    "  WHERE due_at <= $1 AND status IN ('running', 'waiting')"
	    " UNION ALL SELECT i.id, i.updated_at FROM flow_instances i"
	    "  JOIN deliveries d ON d.id = i.delivery"
	    "  WHERE i.delivery IS NOT NULL AND i.status = 'running'"
	    "  AND d.status = 'dead') due"
	    " ORDER BY t LIMIT $2",
	[SQL_FLOW_WAITING] =
	    "SELECT id FROM flow_instances"
	    " WHERE flow = $1 AND step = $2 AND wait_value = $3",
	[SQL_FLOW_ARRIVAL_ADD] =
	    "INSERT INTO flow_arrivals (flow, step, value, event_id,"
	    " received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
	/* Taken by one wait: one another host takes now is skipped. */
	[SQL_FLOW_ARRIVAL_TAKE] =
	    "UPDATE flow_arrivals SET taken_by = $5 WHERE flow = $1 AND"
	    " step = $2 AND value = $3 AND event_id = (SELECT event_id"
	    " FROM flow_arrivals WHERE flow = $1 AND step = $2 AND"
	    " value = $3 AND received_at >= $4 AND taken_by IS NULL"
	    " ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
	    " RETURNING event_id",
	[SQL_FLOW_LOG_ADD] =
	    "INSERT INTO flow_log (instance, seq, at, what, step, status_from,"
	    " status_to, label, duration_ms, attempt, event_id, detail, flow)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
	/* Not sent yet: into the queue's archive, never sent. */
	[SQL_FLOW_DELIVERY_DROP] =
	    "UPDATE deliveries SET status = 'dead', last_error = $2,"
	    " error_class = 'cancelled', dead_at = $3, archived_at = $3,"
	    " updated_at = $3, lease_owner = NULL, lease_until = NULL"
	    " WHERE id = $1 AND status IN ('pending', 'failed')",
	[SQL_FLOW_DELIVERY_STATE] =
	    "SELECT status, last_error, attempts FROM deliveries WHERE id = $1",
	/* Each filter applies when it is not NULL. */
	[SQL_FLOW_QUERY] =
	    "SELECT id, " JSON_TEXT(FLOW_SUMMARY) " FROM flow_instances"
	    " WHERE ($1::text IS NULL OR flow = $1)"
	    " AND ($2::text IS NULL OR status = $2)"
	    " AND ($3::text IS NULL OR tenant = $3)"
	    " AND ($4::bigint IS NULL OR started_at >= $4)"
	    " AND ($5::bigint IS NULL OR started_at < $5)"
	    " AND ($6::bigint = 0 OR ($6::bigint = 1) = (error IS NOT NULL))"
	    " AND ($7::text IS NULL OR id > $7) ORDER BY id"
	    LIMIT_ANY("$8::bigint"),
	[SQL_FLOW_DETAIL] =
	    "SELECT " JSON_TEXT("json_build_object('id', id, 'flow', flow,"
	    " 'number', number, 'key', key, 'tenant', tenant,"
	    " 'status', status, 'label', label,"
	    " 'step', step, 'cycle', cycle, 'due_at', due_at, 'error', error,"
	    " 'event', event_id, 'started_at', started_at, 'step_at', step_at,"
	    " 'updated_at', updated_at, 'ended_at', ended_at,"
	    " 'settings', settings::json, 'vars', vars::json,"
	    " 'visit', visit, 'timeouts', timeouts, 'delivery', delivery,"
	    " 'wait_value', wait_value, 'matched', matched,"
	    " 'paused_from', paused_from, 'transitions', transitions,"
	    " 'timeline', (SELECT coalesce(json_agg(json_build_object("
	    "  'seq', l.seq, 'at', l.at, 'what', l.what, 'step', l.step,"
	    "  'status_from', l.status_from, 'status', l.status_to,"
	    "  'label', l.label, 'duration_ms', l.duration_ms,"
	    "  'attempt', l.attempt, 'event', l.event_id,"
	    "  'detail', l.detail) ORDER BY l.seq), '[]'::json)"
	    "  FROM flow_log l WHERE l.instance = i.id))")
	    " FROM flow_instances i WHERE id = $1 OR number = $1 LIMIT 1",
	/* In the order of SQLite's GROUP BY. */
	[SQL_FLOW_COUNTS] =
	    "SELECT flow, status, count(*) FROM flow_instances"
	    " GROUP BY flow, status ORDER BY flow, status",
	/*
	 * A flow's transitions of one kind (at one step): count and mean,
	 * in the order of SQLite's GROUP BY.
	 */
	[SQL_FLOW_DURATIONS] =
	    "SELECT step, count(*), avg(duration_ms)::double precision"
	    " FROM flow_log WHERE flow = $1 AND what = $2 GROUP BY step"
	    " ORDER BY step NULLS FIRST",
	/* The duration at rank $4 from the shortest: a percentile. */
	[SQL_FLOW_DURATION_AT] =
	    "SELECT duration_ms FROM flow_log WHERE flow = $1 AND what = $2"
	    " AND step IS NOT DISTINCT FROM $3"
	    " ORDER BY duration_ms NULLS FIRST LIMIT 1 OFFSET $4",
	[SQL_FLOW_LONGEST] =
	    "SELECT id, " JSON_TEXT("json_build_object('id', id,"
	    " 'number', number, 'step', step, 'since', step_at,"
	    " 'waiting_ms', $3::bigint - step_at)") " FROM flow_instances"
	    " WHERE flow = $1 AND status = 'waiting' ORDER BY step_at LIMIT $2",
	[SQL_FLOW_UNMATCHED] =
	    "SELECT event_id, " JSON_TEXT("json_build_object('event',"
	    " event_id, 'flow', flow, 'step', step, 'value', value,"
	    " 'received_at', received_at)")
	    " FROM flow_arrivals WHERE taken_by IS NULL"
	    " AND ($1::text IS NULL OR flow = $1)"
	    " AND ($2::text IS NULL OR event_id > $2)"
	    " ORDER BY event_id" LIMIT_ANY("$3::bigint"),
	[SQL_FLOW_UNMATCHED_COUNT] =
	    "SELECT count(*) FROM flow_arrivals WHERE taken_by IS NULL",
	/*
	 * Where the live instances stand, a few numbers of each place, in
	 * the order of SQLite's GROUP BY.
	 */
	[SQL_FLOW_STANDING] =
	    "SELECT flow, step, count(*), (SELECT string_agg(number, ', '"
	    " ORDER BY number) FROM (SELECT number FROM flow_instances j"
	    " WHERE j.flow = i.flow AND j.step IS NOT DISTINCT FROM i.step"
	    " AND j.status IN ('running', 'waiting', 'paused')"
	    " ORDER BY number LIMIT 5) n) FROM flow_instances i"
	    " WHERE status IN ('running', 'waiting', 'paused')"
	    " GROUP BY flow, step ORDER BY flow, step NULLS FIRST",
	[SQL_FLOW_REQUEST] =
	    "SELECT " JSON_TEXT("json_build_object('target', target,"
	    " 'method', method, 'url', url, 'headers', NULL, 'body', NULL)")
	    ", headers, body, id FROM deliveries WHERE id = $1",

	/* groups.c */
	[SQL_GROUP_ADD] =
	    "INSERT INTO delivery_groups (name, route, event_id, tenant,"
	    " progress, created_at, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (name) DO NOTHING",
	[SQL_GROUP_SEAL] =
	    "UPDATE delivery_groups SET sealed_at = coalesce(sealed_at, $2),"
	    " emitted = greatest(emitted - $3, 0), updated_at = $2"
	    " WHERE name = $1",
	[SQL_GROUP_EMIT] =
	    "UPDATE delivery_groups SET emitted = emitted + 1, updated_at = $2"
	    " WHERE name = $1",
	[SQL_GROUP_TOLD] =
	    "UPDATE delivery_groups SET told = $3, updated_at = $2"
	    " WHERE name = $1",
	[SQL_GROUP_SETTLE] =
	    "UPDATE delivery_groups SET settled_at = $2, updated_at = $2"
	    " WHERE name = $1 AND settled_at IS NULL AND sealed_at IS NOT NULL"
	    " AND emitted = 0 AND NOT EXISTS (SELECT 1 FROM deliveries"
	    "  WHERE group_name = $1"
	    "  AND status IN ('pending', 'failed', 'in_flight'))",
	[SQL_GROUP_GET] =
	    "SELECT name, " JSON_TEXT(GROUP_ROW)
	    " FROM delivery_groups WHERE name = $1",
	/* Newest first; the cursor is a name, its row the place. */
	[SQL_GROUP_LIST] =
	    "SELECT name, " JSON_TEXT(GROUP_ROW) " FROM delivery_groups"
	    " WHERE $1::text IS NULL OR (created_at, name) <"
	    "  (SELECT created_at, name FROM delivery_groups WHERE name = $1)"
	    " ORDER BY created_at DESC, name DESC" LIMIT_ANY("$2::bigint"),
	/* In the order they were made (SQLite's: rowid's). */
	[SQL_GROUP_UNSETTLED] =
	    "SELECT name, " JSON_TEXT(GROUP_ROW) " FROM delivery_groups"
	    " WHERE settled_at IS NULL ORDER BY created_at, name",
	/* From the index alone: no row is read. */
	[SQL_GROUP_COUNTS] =
	    "SELECT target, route, step, status, NULL, count(*)"
	    " FROM deliveries WHERE group_name = $1"
	    " GROUP BY target, route, step, status"
	    " ORDER BY status, target, route, step",
	/* The status is 'dead', which PostgreSQL's GROUP BY must be told. */
	[SQL_GROUP_DEAD_CLASSES] =
	    "SELECT NULL, NULL, 0, 'dead', coalesce(error_class, ''),"
	    " count(*) FROM deliveries WHERE group_name = $1"
	    " AND status = 'dead' GROUP BY 5 ORDER BY 5",
	[SQL_GROUP_DEAD] =
	    "SELECT id, " JSON_TEXT("json_build_object('id', id,"
	    " 'target', target, 'route', route,"
	    " 'step', step, 'error_class', error_class, 'last_error',"
	    " last_error, 'dead_at', dead_at)") " FROM deliveries"
	    " WHERE group_name = $1 AND status = 'dead'"
	    " ORDER BY dead_at DESC NULLS LAST LIMIT $2",
	[SQL_GROUP_CANCEL] =
	    "UPDATE deliveries SET status = 'dead', last_error = $3,"
	    " error_class = 'cancelled', dead_at = $2, archived_at = $2,"
	    " updated_at = $2, lease_owner = NULL, lease_until = NULL"
	    " WHERE group_name = $1 AND status IN ('pending', 'failed')"
	    " RETURNING target",
	[SQL_GROUP_CANCELLED_AT] =
	    "UPDATE delivery_groups SET cancelled_at = coalesce(cancelled_at,"
	    " $2), updated_at = $2 WHERE name = $1",
	[SQL_GROUP_RETRY] =
	    "UPDATE deliveries SET status = 'pending', attempts = 0,"
	    " not_before = $2, dead_at = NULL, archived_at = NULL,"
	    " updated_at = $2 WHERE group_name = $1 AND status = 'dead'"
	    " AND coalesce(error_class, '') NOT IN ('cancelled', 'invalid',"
	    " 'mapping') RETURNING target",
	[SQL_GROUP_REOPEN] =
	    "UPDATE delivery_groups SET settled_at = NULL, updated_at = $2"
	    " WHERE name = $1",
	[SQL_GROUP_IS_CANCELLED] =
	    "SELECT (cancelled_at IS NOT NULL)::int FROM delivery_groups"
	    " WHERE name = $1",
	/* The cadences (journal/cadences.h). */
	[SQL_CADENCE_VERSION] =
	    "SELECT version FROM cadences WHERE name = $1",
	[SQL_CADENCE_INDEXED] =
	    "INSERT INTO cadences (name, version, indexed_at, updated_at)"
	    " VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO UPDATE SET"
	    " version = excluded.version, indexed_at = excluded.indexed_at,"
	    " updated_at = excluded.updated_at",
	[SQL_CADENCE_ITEM_NEXT] =
	    "SELECT next, stopped, coalesce(stopped_at, 0) FROM cadence_items"
	    " WHERE cadence = $1 AND key = $2",
	[SQL_CADENCE_ITEM_PUT] =
	    "INSERT INTO cadence_items (cadence, key, contact, anchor, stopped,"
	    " stopped_at, next, due, amount, label, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
	    " ON CONFLICT (cadence, key) DO UPDATE SET"
	    " contact = excluded.contact,"
	    " anchor = excluded.anchor, stopped = excluded.stopped,"
	    " stopped_at = excluded.stopped_at, next = excluded.next,"
	    " due = excluded.due, amount = excluded.amount,"
	    " label = excluded.label, updated_at = excluded.updated_at",
	[SQL_CADENCE_ITEM_MOVE] =
	    "UPDATE cadence_items SET next = $3, due = $4, updated_at = $5"
	    " WHERE cadence = $1 AND key = $2",
	/* By the partial index: only what falls due, with its record. */
	[SQL_CADENCE_DUE] =
	    "SELECT i.key, i.anchor, i.next, r.record, r.job"
	    " FROM cadence_items i"
	    " JOIN sync_records r ON r.job = $2 AND r.key = i.key"
	    " WHERE i.cadence = $1 AND i.due IS NOT NULL AND i.due <= $3"
	    " ORDER BY i.due, i.key LIMIT $4",
	/*
	 * A step is taken once: by the primary key, which makes a second
	 * host's insert of the same step wait for the first's commit, and
	 * then do nothing.
	 */
	[SQL_CADENCE_STEP_TAKE] =
	    "INSERT INTO cadence_steps (cadence, key, step, status, event_id,"
	    " day, at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	    " ON CONFLICT DO NOTHING",
	[SQL_CADENCE_STEP_STATUS] =
	    "SELECT status FROM cadence_steps WHERE cadence = $1 AND key = $2"
	    " AND step = $3",
	[SQL_CADENCE_STEP_STOPPED] =
	    "UPDATE cadence_steps SET status = 'stopped' WHERE cadence = $1"
	    " AND key = $2 AND step = $3 AND status = 'sent'",
	[SQL_CADENCE_MANUAL_ADD] =
	    "INSERT INTO cadence_manual (event_id, cadence, key, step, at)"
	    " VALUES ($1, $2, $3, $4, $5)",
	/* Keys after $2, below $3 (NULL: any). */
	[SQL_CADENCE_RECORDS] =
	    "SELECT key, record, job FROM sync_records WHERE job = $1"
	    " AND key > $2 AND ($3::text IS NULL OR key < $3) ORDER BY key"
	    " LIMIT $4",
	/*
	 * $1 a JSON array of the keys who may name, $2 who as a contact:
	 * each step taken, or sent by hand, with its messages (in their
	 * ids' order; SQLite's: rowid's) and their tries.  A day is
	 * to_char'd, whatever the session's DateStyle.
	 */
	[SQL_CADENCE_HISTORY] =
	    "WITH items AS (SELECT cadence, key FROM cadence_items"
	    "  WHERE key IN (SELECT value"
	    "  FROM json_array_elements_text($1::json))"
	    "  OR contact = $2),"
	    " taken AS (SELECT s.cadence, s.key, s.step, s.status, s.day,"
	    "  s.at, s.event_id, 0 AS manual FROM cadence_steps s"
	    "  JOIN items i ON i.cadence = s.cadence AND i.key = s.key"
	    "  UNION ALL SELECT m.cadence, m.key, m.step, 'sent', NULL, m.at,"
	    "  m.event_id, 1 FROM cadence_manual m"
	    "  JOIN items i ON i.cadence = m.cadence AND i.key = m.key)"
	    " SELECT t.key, " JSON_TEXT("json_build_object("
	    " 'cadence', t.cadence, 'key', t.key,"
	    " 'step', t.step, 'status', t.status, 'day', CASE WHEN t.day IS"
	    " NULL THEN NULL ELSE to_char(date '1970-01-01' + t.day::int,"
	    " 'YYYY-MM-DD') END,"
	    " 'at', t.at, 'event', t.event_id, 'manual', t.manual = 1,"
	    " 'event_status', (SELECT e.status FROM events e"
	    "  WHERE e.id = t.event_id),"
	    " 'error', (SELECT e.error FROM events e WHERE e.id = t.event_id),"
	    " 'messages', (SELECT coalesce(json_agg(json_build_object("
	    "  'delivery', d.id, 'route', d.route, 'target', d.target,"
	    "  'status', d.status, 'attempts', d.attempts,"
	    "  'error_class', d.error_class, 'last_error', d.last_error,"
	    "  'tries', (SELECT coalesce(json_agg(json_build_object("
	    "   'at', a.started_at, 'ms', a.duration_ms,"
	    "   'http_status', a.http_status, 'error_class', a.error_class)"
	    "   ORDER BY a.id), '[]'::json)"
	    "   FROM attempts a WHERE a.delivery_id = d.id))"
	    "  ORDER BY d.id), '[]'::json)"
	    "  FROM deliveries d WHERE t.event_id IS NOT NULL"
	    "  AND d.event_id = t.event_id))")
	    " FROM taken t ORDER BY t.at, t.key, t.step",
	[SQL_CADENCE_ITEM_GET] =
	    "SELECT i.anchor, i.stopped, i.next, i.due, r.record, r.job, r.key"
	    " FROM cadence_items i"
	    " JOIN sync_records r ON r.job = $3 AND r.key = i.key"
	    " WHERE i.cadence = $1 AND i.key = $2",
	/* $2: today.  The items, then what each step did. */
	[SQL_CADENCE_COUNTS] =
	    "SELECT " JSON_TEXT("json_build_object('items', count(*),"
	    " 'stopped', coalesce(sum(stopped), 0),"
	    " 'undated', coalesce(sum((anchor IS NULL)::int), 0),"
	    " 'due', coalesce(sum((due IS NOT NULL AND due <= $2)::int), 0),"
	    " 'steps', (SELECT coalesce(json_object_agg(step, counts"
	    "  ORDER BY step), '{}'::json)"
	    "  FROM (SELECT step, json_object_agg(status, n ORDER BY status)"
	    "  AS counts FROM (SELECT step, status, count(*) AS n"
	    "  FROM cadence_steps WHERE cadence = $1 GROUP BY step, status) s"
	    "  GROUP BY step) c))")
	    " FROM cadence_items WHERE cadence = $1",
	/*
	 * One pass over a cadence's items: what is overdue on day $2 (not
	 * over, its anchor before), by label and age; what was found over
	 * since $3 (ms): "recovered".
	 */
	[SQL_CADENCE_DELINQUENCY] =
	    "SELECT coalesce(label, ''), CASE"
	    " WHEN stopped_at >= $3 THEN 'recovered'"
	    " WHEN $2::bigint - anchor <= 30 THEN '0-30'"
	    " WHEN $2::bigint - anchor <= 60 THEN '31-60'"
	    " WHEN $2::bigint - anchor <= 90 THEN '61-90' ELSE '>90' END,"
	    " count(*), coalesce(sum(amount), 0) FROM cadence_items"
	    " WHERE cadence = $1 AND ((stopped = 0 AND anchor < $2)"
	    " OR stopped_at >= $3) GROUP BY 1, 2 ORDER BY 1, 2",
	/* From the counts, since the hour $2 falls in: by channel. */
	[SQL_CADENCE_MESSAGES] =
	    "SELECT a, b, sum(n) FROM counts WHERE kind = 'message'"
	    " AND c = $1 AND hour >= $2::bigint / " XSTR(JOURNAL_HOUR_MS)
	    " GROUP BY 1, 2 ORDER BY 1, 2",
	[SQL_CADENCE_EVENTS] =
	    "SELECT coalesce(sum(n), 0) FROM counts WHERE kind = 'event'"
	    " AND a = $1 AND c = 'received'"
	    " AND hour >= $2::bigint / " XSTR(JOURNAL_HOUR_MS),
	/* rekey.c: as SQLite's; pg.c opens and seals. */
#define STALE(column)							\
	" " column " IS NOT NULL"					\
	" AND integra_sealed_by(" column ") IS DISTINCT FROM $2::text"
	[SQL_REKEY_RAW] =
	    "SELECT r.event, r.envelope, e.id FROM raw_envelopes r"
	    " JOIN events e ON e.seq = r.event"
	    " WHERE r.event > $1 AND" STALE("r.envelope")
	    " ORDER BY r.event LIMIT $3",
	[SQL_REKEY_RAW_PUT] =
	    "UPDATE raw_envelopes SET envelope = $2 WHERE event = $1"
	    " AND num_nulls($3::text) >= 0",
	[SQL_REKEY_CANONICAL] =
	    "SELECT c.event, c.envelope, e.id FROM canonical_envelopes c"
	    " JOIN events e ON e.seq = c.event"
	    " WHERE c.event > $1 AND" STALE("c.envelope")
	    " ORDER BY c.event LIMIT $3",
	[SQL_REKEY_CANONICAL_PUT] =
	    "UPDATE canonical_envelopes SET envelope = $2 WHERE event = $1"
	    " AND num_nulls($3::text) >= 0",
	[SQL_REKEY_DELIVERIES] =
	    "SELECT id, headers, body FROM deliveries"
	    " WHERE id > $1 AND ((" STALE("headers") ") OR ("
	    STALE("body") ")) ORDER BY id LIMIT $3",
	[SQL_REKEY_DELIVERIES_PUT] =
	    "UPDATE deliveries SET headers = $2, body = $3 WHERE id = $1",
	[SQL_REKEY_RECORDS] =
	    "SELECT job, key, record FROM sync_records"
	    " WHERE (job, key) > ($1, $4) AND" STALE("record")
	    " ORDER BY job, key LIMIT $3",
	[SQL_REKEY_RECORDS_PUT] =
	    "UPDATE sync_records SET record = $3 WHERE job = $1 AND key = $2",
#undef STALE
	/*
	 * The same as SQLite's, but for NULLS FIRST: SQLite sorts NULL
	 * first, PostgreSQL last.
	 */
	[SQL_SEALED_COUNT] =
	    "SELECT 'raw_envelopes.envelope', integra_sealed_by(envelope) AS k,"
	    " count(*) FROM raw_envelopes GROUP BY k"
	    " UNION ALL SELECT 'canonical_envelopes.envelope',"
	    " integra_sealed_by(envelope) AS k, count(*)"
	    " FROM canonical_envelopes GROUP BY k"
	    " UNION ALL SELECT 'deliveries.headers', integra_sealed_by(headers)"
	    " AS k, count(*) FROM deliveries GROUP BY k"
	    " UNION ALL SELECT 'deliveries.body', integra_sealed_by(body)"
	    " AS k, count(*) FROM deliveries WHERE body IS NOT NULL GROUP BY k"
	    " UNION ALL SELECT 'sync_records.record', integra_sealed_by(record)"
	    " AS k, count(*) FROM sync_records GROUP BY k"
	    " ORDER BY 1, 2 NULLS FIRST",
};

/*
 * Where SQLite's text calls integra_seal and integra_open (private.h);
 * for SQL_RAW_ADD and SQL_CANONICAL_NEW, pg_event_add seals.
 */
#define SEAL(param, prefix, a)	{ param, { prefix, a, 0 } }
#define OPEN(column, prefix, a)	{ column, { prefix, a, 0 } }
#define RECORD(n, job, key)	{ n, { NULL, job, key } }
#define CLAIMED								\
	{ .open = { OPEN(7, AAD_HEADERS, 1), OPEN(8, AAD_BODY, 1) } }

const struct journal_seals journal_pg_seals[JOURNAL_NSQL] = {
	[SQL_EVENT_BY_KEY] = { .open = { OPEN(2, AAD_RAW, 1) } },
	[SQL_EVENT_STATUS] = { .open = { OPEN(2, AAD_CANONICAL, 3) } },
	[SQL_CANONICAL_ADD] = { .seal = { SEAL(2, AAD_CANONICAL, 1) },
	    .came_sealed = 3 },
	[SQL_EVENTS_IN] = { .open = { OPEN(2, "", 3) } },
	[SQL_DELIVERY_ADD] = { .seal = { SEAL(8, AAD_HEADERS, 1),
	    SEAL(9, AAD_BODY, 1) }, .came_sealed = 19 },
	[SQL_CLAIM_IDS] = CLAIMED,
	[SQL_CLAIM_DUE] = CLAIMED,
	[SQL_CLAIM_PROBE] = CLAIMED,
	[SQL_SYNC_RECORD_GET] = { .open = { RECORD(2, 3, 4) } },
	[SQL_SYNC_RECORD_PUT] = { .seal = { RECORD(4, 1, 2) } },
	[SQL_SYNC_RECORDS] = { .open = { RECORD(2, 3, 1) } },
	[SQL_RETAIN_EVENTS] = { .open = { OPEN(5, AAD_CANONICAL, 2) } },
	[SQL_RETAIN_CANONICAL] = { .seal = { SEAL(2, AAD_CANONICAL, 3) } },
	[SQL_RETAIN_DELIVERIES] = { .open = { OPEN(2, AAD_BODY, 1) } },
	[SQL_RETAIN_DELIVERY] = { .seal = { SEAL(2, AAD_BODY, 1) } },
	[SQL_RETAIN_RECORDS] = { .open = { RECORD(3, 1, 2) } },
	[SQL_RETAIN_RECORD] = { .seal = { RECORD(3, 1, 2) } },
	[SQL_CADENCE_DUE] = { .open = { RECORD(4, 5, 1) } },
	[SQL_CADENCE_RECORDS] = { .open = { RECORD(2, 3, 1) } },
	[SQL_CADENCE_ITEM_GET] = { .open = { RECORD(5, 6, 7) } },
	[SQL_EVENT_DETAIL] = { .open = { OPEN(2, AAD_RAW, 4),
	    OPEN(3, AAD_CANONICAL, 4) } },
	[SQL_FLOW_REQUEST] = { .open = { OPEN(2, AAD_HEADERS, 4),
	    OPEN(3, AAD_BODY, 4) } },
	[SQL_DLQ_QUERY] = { .open = { OPEN(3, AAD_HEADERS, 1),
	    OPEN(4, AAD_BODY, 1) } },
	[SQL_DLQ_DETAIL] = { .open = { OPEN(2, AAD_HEADERS, 4),
	    OPEN(3, AAD_BODY, 4) } },
	[SQL_REKEY_RAW] = { .open = { OPEN(2, AAD_RAW, 3) } },
	[SQL_REKEY_RAW_PUT] = { .seal = { SEAL(2, AAD_RAW, 3) } },
	[SQL_REKEY_CANONICAL] = { .open = { OPEN(2, AAD_CANONICAL, 3) } },
	[SQL_REKEY_CANONICAL_PUT] = { .seal = { SEAL(2, AAD_CANONICAL, 3) } },
	[SQL_REKEY_DELIVERIES] = { .open = { OPEN(2, AAD_HEADERS, 1),
	    OPEN(3, AAD_BODY, 1) } },
	[SQL_REKEY_DELIVERIES_PUT] = { .seal = { SEAL(2, AAD_HEADERS, 1),
	    SEAL(3, AAD_BODY, 1) } },
	[SQL_REKEY_RECORDS] = { .open = { RECORD(3, 1, 2) } },
	[SQL_REKEY_RECORDS_PUT] = { .seal = { RECORD(3, 1, 2) } },
};

/*
 * pg.c's event_add: SQL_EVENT_ADD and SQL_RAW_ADD (or SQL_CANONICAL_NEW)
 * for many events at once, each column an array (in their order: pg.c's
 * enum batch_column).  The events go in the arrays' order, so that their
 * seqs do; an event whose key the journal has, or one before it in the
 * arrays has, is not inserted, and neither is its envelope.  The answer:
 * the places (from 1) of those inserted.
 */
const char journal_pg_event_batch[] =
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],"
    " $9::bytea[], $10::text[], $11::bigint[], $12::bytea[])"
    " WITH ORDINALITY AS u(id, source, type, tenant, subject, time,"
    " idempotency_key, received_at, key_index, rejected, canonical,"
    " envelope, place)),"
    " new AS (INSERT INTO events (id, source, type, tenant, subject, time,"
    " idempotency_key, received_at, key_index, status, error)"
    " SELECT id, source, type, tenant, subject, time, idempotency_key,"
    " received_at, key_index,"
    " CASE WHEN rejected IS NOT NULL THEN 'rejected'"
    " WHEN canonical <> 0 THEN 'normalized' ELSE 'received' END, rejected"
    " FROM u ORDER BY place ON CONFLICT (source, key_index) DO NOTHING"
    " RETURNING seq, id),"
    " raw AS (INSERT INTO raw_envelopes (event, envelope)"
    " SELECT new.seq, u.envelope FROM new JOIN u USING (id)"
    " WHERE u.canonical = 0),"
    " canonical AS (INSERT INTO canonical_envelopes (event, envelope)"
    " SELECT new.seq, u.envelope FROM new JOIN u USING (id)"
    " WHERE u.canonical <> 0)"
    " SELECT u.place FROM new JOIN u USING (id)";

/*
 * pg.c's attempt_add: SQL_ATTEMPT_ADD and SQL_DELIVERY_DONE for many
 * outcomes at once, as journal_pg_event_batch is for events (pg.c's enum
 * outcome_column).  Each attempt is kept; a delivery is finished only if
 * the lease is still the owner's.  A delivery comes once in a batch: a
 * claim has one outcome, in the tick after its request.  The answer: the
 * places (from 1) of the deliveries finished.
 */
const char journal_pg_outcome_batch[] =
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::bigint[],"
    " $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[],"
    " $13::text[])"
    " WITH ORDINALITY AS u(delivery_id, attempt, started_at, duration_ms,"
    " http_status, error_class, error, excerpt, status, not_before,"
    " done_at, owner, remote_id, place)),"
    " tried AS (INSERT INTO attempts (delivery_id, attempt, started_at,"
    " duration_ms, http_status, error_class, error, response_excerpt)"
    " SELECT delivery_id, attempt, started_at, duration_ms, http_status,"
    " error_class, error, excerpt FROM u ORDER BY place)"
    " UPDATE deliveries d SET status = f.status, attempts = f.attempt,"
    " not_before = f.not_before, last_error = f.error,"
    " error_class = f.error_class, lease_owner = NULL, lease_until = NULL,"
    " updated_at = f.done_at,"
    " dead_at = CASE f.status WHEN 'dead' THEN f.done_at END,"
    " archived_at = NULL, remote_id = coalesce(f.remote_id, d.remote_id),"
    " priority = CASE WHEN f.status = 'failed' AND d.priority <> "
    XSTR(PRIORITY_HIGH) " THEN " XSTR(PRIORITY_RETRY)
    " ELSE d.priority END"
    " FROM u f WHERE d.id = f.delivery_id AND d.lease_owner = f.owner"
    " AND d.status = " STATUS_BY_ID("in_flight")
    " RETURNING f.place";
