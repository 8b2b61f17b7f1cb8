#!/bin/sh
# The journal: created by ingest, WAL, versioned schema, foreign keys,
# refused when newer than the program, and clear errors when it cannot be
# opened.
. "$top_srcdir/tests/lib.sh"
test_needs_sqlite 'its schema, pages and migrations (t1005 is PostgreSQL'\''s)'

SCHEMA_VERSION=18

test_expect_success 'ingest creates a journal with the current schema' '
	echo "{\"a\":1}" | integra-ingest -j "$JOURNAL" -s t -t lead.created \
	    >/dev/null &&
	test "$(q "PRAGMA user_version")" = $SCHEMA_VERSION &&
	test "$(q "PRAGMA journal_mode")" = wal &&
	test "$(q "PRAGMA page_size")" = 4096 &&
	q "SELECT name FROM sqlite_master WHERE type = \"table\"
	    ORDER BY name" >tables &&
	printf "%s\n" alert_states api_keys attempts cadence_items \
	    cadence_manual cadence_steps cadences canonical_envelopes counts \
	    deliveries delivery_groups events flow_arrivals flow_instances \
	    flow_log flow_numbers lead_contacts mapping_heads mappings \
	    rate_windows raw_envelopes sync_jobs sync_records sync_runs \
	    target_states \
	    >expect &&
	test_cmp expect tables
'
test_expect_success 'its schema is lib/journal/schema.sql' '
	sed "1,/^\$/d" "$top_srcdir/lib/journal/schema.sql" >expect &&
	sqlite3 journal.db .schema >schema &&
	test_cmp expect schema
'
test_expect_success 'every statement of the registry prepares on it' '
	integra-statements journal.db >out &&
	grep -q "^[0-9]* statements, 0 failed, 0 done another way" out
'
# The backends (journal/private.h): a subject's file reads and writes
# through the statement interface, and only the SQLite backend's files
# name the engine, so that another backend is a set of files beside them.
test_expect_success 'only the SQLite backend of lib/journal uses SQLite' '
	(cd "$top_srcdir" && grep -l -E "sqlite3[._]|SQLITE_" \
	    lib/*/*.c lib/*/*.h cmd/*.c | sort) >users || : &&
	printf "%s\n" lib/journal/sqlite.c lib/journal/sqlite.h >expect &&
	test_cmp expect users
'
test_expect_success 'and only its PostgreSQL backend uses libpq' '
	(cd "$top_srcdir" && grep -l -E "libpq-fe|PQ[a-z]+\(|PGconn" \
	    lib/*/*.c lib/*/*.h cmd/*.c | sort) >users || : &&
	echo lib/journal/pg.c >expect &&
	test_cmp expect users
'
test_expect_success 'the journal passes SQLite integrity_check' '
	test "$(q "PRAGMA integrity_check")" = ok
'
test_expect_success 'an empty file is migrated forward' '
	: >empty.db &&
	integra-ingest -j empty.db -s t -t x </dev/null &&
	test "$(sqlite3 empty.db "PRAGMA user_version")" = $SCHEMA_VERSION
'
# A version 1 journal, made by taking the current one apart, with a dead
# delivery.
test_expect_success 'a version 1 journal is migrated forward, its dead kept' '
	cp journal.db v1.db && events_before_12 v1.db &&
	sqlite3 v1.db "PRAGMA foreign_keys = OFF;
	    INSERT INTO deliveries (id, event_id, target, route, method, url,
	    headers, status, attempts, not_before, created_at, updated_at)
	    VALUES (\"d1\", (SELECT id FROM events LIMIT 1), \"t\", \"r\",
	    \"POST\", \"u\", \"{}\", \"dead\", 4, 0, 0, 1234);
	    DROP TABLE alert_states; ALTER TABLE events DROP COLUMN retained_at;
	    DROP TABLE sync_jobs; DROP TABLE sync_runs; DROP TABLE sync_records;
	    DROP TABLE counts;
	    DROP TABLE lead_contacts; DROP INDEX deliveries_remote;
	    ALTER TABLE deliveries DROP COLUMN remote_id;
	    ALTER TABLE deliveries DROP COLUMN remote_status;
	    ALTER TABLE deliveries DROP COLUMN remote_status_at;
	    DROP TABLE mappings; DROP TABLE mapping_heads;
	    ALTER TABLE deliveries DROP COLUMN mapping_version;
	    DROP INDEX deliveries_dead; DROP TABLE target_states;
	    DROP INDEX deliveries_due;
	    ALTER TABLE deliveries DROP COLUMN priority;
	    CREATE INDEX deliveries_due ON deliveries (not_before)
	    WHERE status IN (\"pending\", \"failed\");
	    ALTER TABLE deliveries DROP COLUMN error_class;
	    ALTER TABLE deliveries DROP COLUMN dead_at;
	    ALTER TABLE deliveries DROP COLUMN archived_at;
	    PRAGMA user_version = 1" &&
	integra-ingest -j v1.db -s t -t x </dev/null &&
	test "$(sqlite3 v1.db "PRAGMA user_version")" = $SCHEMA_VERSION &&
	test "$(sqlite3 v1.db "SELECT count(*) FROM pragma_table_info(
	    \"target_states\") WHERE name = \"open_until\"")" = 1 &&
	test "$(sqlite3 v1.db "SELECT dead_at || \"/\" || priority
	    FROM deliveries WHERE id = \"d1\"")" = 1234/1 &&
	test "$(sqlite3 v1.db "PRAGMA integrity_check")" = ok
'
# Version 8 counts what the rows of an older journal tell.
test_expect_success 'migrating to version 8 counts the rows there were' '
	sqlite3 v1.db "SELECT b, n FROM counts WHERE kind = \"delivery\"
	    ORDER BY b" >counts &&
	printf "%s\n" "created|1" "dead|1" >expect &&
	test_cmp expect counts &&
	test "$(sqlite3 v1.db "SELECT sum(n) FROM counts
	    WHERE kind = \"event\" AND c = \"received\"")" = \
	    "$(sqlite3 v1.db "SELECT count(*) FROM events")"
'
# Version 12 indexes the keys in their own order (keyindex.h): a version 11
# journal, with a key of each shape and one retention has replaced (its
# digest, SHA-256 of source NUL key, kept), knows all of them afterwards.
sq="'"	# for a blob literal in a test
test_expect_success 'a version 11 journal: every key known after migration 12' '
	{
		ce x lead-0-1 "{}"
		ce x 0190f3a2-7c1e-7abc-8def-0123456789ab "{}"
		ce x 3EB0C767D097B7C7C030 "{}"
		ce x gone-1 "{}"
	} >keys.ndjson &&
	integra-ingest -j v11.db <keys.ndjson 2>/dev/null | jq -r .id >first &&
	digest=$(printf "test\000gone-1" | sha256sum | cut -c1-32) &&
	sqlite3 v11.db "PRAGMA foreign_keys = OFF;
	    UPDATE events SET idempotency_key = \"h:0\", retained_at = 1,
	    key_index = X${sq}64$digest$sq WHERE idempotency_key = \"gone-1\";
	    DELETE FROM raw_envelopes WHERE event =
	    (SELECT seq FROM events WHERE retained_at IS NOT NULL)" &&
	events_before_12 v11.db &&
	integra-ingest -j v11.db <keys.ndjson 2>err | jq -r .id >again &&
	test "$(sqlite3 v11.db "PRAGMA user_version")" = $SCHEMA_VERSION &&
	sed 3q first >expect && test_cmp expect again &&
	grep -q "4 read, 0 journaled, 4 duplicate" err &&
	sqlite3 v11.db "SELECT char(unicode(key_index)) FROM events
	    ORDER BY seq" >forms &&
	printf "%s\n" t u X d >expect && test_cmp expect forms &&
	test "$(sqlite3 v11.db "SELECT DISTINCT typeof(key_index) FROM events")" = blob &&
	test "$(sqlite3 v11.db "SELECT count(*) FROM raw_envelopes")" = 3 &&
	test "$(sqlite3 v11.db "PRAGMA integrity_check")" = ok &&
	test -z "$(sqlite3 v11.db "PRAGMA foreign_key_check")"
'
# Migration 17: a status CHECK as an IN list of three values or more made
# SQLite build a table each time a statement wrote a row; now they are
# comparisons, which refuse the same.  v16.db is the journal with the
# events' and deliveries' checks as version 16 wrote them.
cat >v16.sql <<'EOF'
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'CHECK (status = ''received''
                  OR status = ''normalized'' OR status = ''mapped''
                  OR status = ''rejected'')', 'CHECK (status IN
                  (''received'', ''normalized'', ''mapped'', ''rejected''))')
  WHERE name = 'events';
UPDATE sqlite_master SET sql = replace(sql, 'CHECK (status = ''pending''
              OR status = ''in_flight'' OR status = ''delivered''
              OR status = ''failed'' OR status = ''dead'')', 'CHECK (status IN
              (''pending'', ''in_flight'', ''delivered'', ''failed'', ''dead''))')
  WHERE name = 'deliveries';
PRAGMA writable_schema = RESET;
PRAGMA user_version = 16;
EOF
test_expect_success 'a version 16 journal: its status checks become comparisons, which still refuse' '
	cp journal.db v16.db && sqlite3 v16.db <v16.sql &&
	test "$(sqlite3 v16.db "SELECT count(*) FROM sqlite_master
	    WHERE sql LIKE \"%CHECK (status IN%\"")" = 2 &&
	integra-ingest -j v16.db -s t -t x </dev/null &&
	test "$(sqlite3 v16.db "PRAGMA user_version")" = $SCHEMA_VERSION &&
	test "$(sqlite3 v16.db "SELECT count(*) FROM sqlite_master
	    WHERE sql LIKE \"%CHECK (status IN%\"")" = 0 &&
	sqlite3 v16.db .schema >schema &&
	sed "1,/^\$/d" "$top_srcdir/lib/journal/schema.sql" >expect &&
	test_cmp expect schema &&
	! sqlite3 v16.db "UPDATE events SET status = \"lost\"" 2>err &&
	grep -q "CHECK constraint failed" err &&
	test "$(sqlite3 v16.db "PRAGMA integrity_check")" = ok
'
# Migration 18: the envelopes' foreign keys to events dropped (an
# envelope is only made from its event's row, and events are never
# deleted); v17.db has them as version 17 wrote them.
cat >v17.sql <<'EOF'
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'event    INTEGER PRIMARY KEY,',
    'event    INTEGER PRIMARY KEY
           REFERENCES events (seq) ON DELETE CASCADE,')
  WHERE name IN ('raw_envelopes', 'canonical_envelopes');
PRAGMA writable_schema = RESET;
PRAGMA user_version = 17;
EOF
test_expect_success 'a version 17 journal: its envelopes lose their foreign keys' '
	cp journal.db v17.db && sqlite3 v17.db <v17.sql &&
	test "$(sqlite3 v17.db "SELECT count(*) FROM pragma_foreign_key_list(
	    \"raw_envelopes\")")" = 1 &&
	integra-ingest -j v17.db -s t -t x </dev/null &&
	test "$(sqlite3 v17.db "PRAGMA user_version")" = $SCHEMA_VERSION &&
	test "$(sqlite3 v17.db "SELECT count(*) FROM pragma_foreign_key_list(
	    \"raw_envelopes\") UNION ALL SELECT count(*)
	    FROM pragma_foreign_key_list(\"canonical_envelopes\")")" = "0
0" &&
	sqlite3 v17.db .schema >schema &&
	sed "1,/^\$/d" "$top_srcdir/lib/journal/schema.sql" >expect &&
	test_cmp expect schema &&
	test "$(sqlite3 v17.db "PRAGMA integrity_check")" = ok
'
test_expect_success 'an envelope without its event: journal_sound says so' '
	journal_sound &&
	sqlite3 journal.db "INSERT INTO canonical_envelopes (event, envelope)
	    VALUES (999999, \"{}\")" &&
	! journal_sound &&
	sqlite3 journal.db "DELETE FROM canonical_envelopes
	    WHERE event = 999999" &&
	journal_sound
'
test_expect_success 'a migration that would leave a row without its event: 73' '
	ce x k-1 "{}" | integra-ingest -j broken.db >/dev/null 2>&1 &&
	events_before_12 broken.db &&
	sqlite3 broken.db "PRAGMA foreign_keys = OFF;
	    INSERT INTO raw_envelopes (event, envelope) VALUES (99, \"{}\")" &&
	echo "{}" | integra-ingest -j broken.db -s t -t x 2>err;
	test $? -eq 73 && grep -q "raw_envelopes refers to a row of events" err &&
	test "$(sqlite3 broken.db "PRAGMA user_version")" = 11
'
test_expect_success 'a journal from a newer integra is refused, unchanged' '
	sqlite3 newer.db "PRAGMA user_version = 99; CREATE TABLE x (y);" &&
	cp newer.db newer.orig &&
	echo "{}" | integra-ingest -j newer.db -s t -t x 2>err;
	test $? -eq 73 && grep -q "newer than this program" err &&
	test "$(sqlite3 newer.db "PRAGMA user_version")" = 99
'
test_expect_success 'a journal where none can be created: exit 73' '
	echo "{}" | integra-ingest -j /nonexistent/dir/j.db -s t -t x 2>err;
	test $? -eq 73 && grep -q "/nonexistent/dir/j.db" err
'
test_expect_success 'the consumers do not create a missing journal: 66' '
	for p in integra-normalize integra-map integra-dispatch; do
		$p -j missing.db </dev/null 2>err; rc=$?;
		test $rc -eq 66 && grep -q "missing.db" err &&
		test ! -e missing.db || { echo "$p: $rc"; exit 1; }
	done
'
test_expect_success 'the journal path comes from INTEGRA_JOURNAL' '
	echo "{\"b\":2}" | INTEGRA_JOURNAL=$PWD/env.db integra-ingest \
	    -s t -t x >/dev/null &&
	test "$(sqlite3 env.db "SELECT count(*) FROM events")" = 1
'
test_expect_success 'foreign keys are enforced' '
	integra-normalize -j "$JOURNAL" --pending >/dev/null 2>&1;
	! sqlite3 journal.db "PRAGMA foreign_keys = ON;
	    INSERT INTO deliveries (id, event_id, target, route, method, url,
	    headers, not_before, created_at, updated_at)
	    VALUES (\"d\", \"no-such-event\", \"t\", \"r\", \"POST\", \"u\",
	    \"{}\", 0, 0, 0)" 2>/dev/null
'
test_done
