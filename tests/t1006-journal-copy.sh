#!/bin/sh
# integra journal copy (lib/journal/copy.c): a whole journal from a SQLite
# file into PostgreSQL and back, every table row for row, checked by
# counts; into an empty journal only, all or nothing; sealed values as
# they are, which open on either side with the same keys.
. "$top_srcdir/tests/lib.sh"

start_pg 'journal copy'
# leads N [NAME AREA]: N leads, each its name and number.
leads() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '{"name":"%s %d","phone":"+55%s9%08d"}\n' \
		    "${2:-Lead}" $i "${3:-11}" $i
		i=$((i + 1))
	done
}
# tables DB: the journal's tables, a line each.
tables() {
	sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table'
	    AND name NOT LIKE 'sqlite_%' ORDER BY name"
}

K=$(head -c 32 /dev/urandom | base64)
export K
start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    concurrency: 4
routes:
  - on: lead.created
    to: crm
    path: /leads
    body: '{name: .data.name, phone: .data.phone}'
EOF
sed -e "s|url: .*|url: http://127.0.0.1:1/none|" \
    -e "s|concurrency: 4|retry: { max_attempts: 1 }|" cfg.yaml >broken.yaml
# More than two pages (1,000 rows) of events, deliveries and attempts;
# a dead delivery; an API key (a BLOB); a cadence item's amount (a REAL)
# and a label with a quote and more than ASCII; a raw envelope kept as
# bytes that are not UTF-8, as a refused payload is.
test_expect_success 'a SQLite journal with something in most tables' '
	leads 2500 | integra-ingest -j src.db -s site -t lead.created |
	    integra-normalize -j src.db | integra-map -j src.db -c cfg.yaml |
	    integra-dispatch -j src.db -c cfg.yaml >/dev/null 2>err &&
	{ leads 3 Lost 21 | integra-ingest -j src.db -s lost -t lead.created |
	    integra-normalize -j src.db | integra-map -j src.db -c broken.yaml |
	    integra-dispatch -j src.db -c broken.yaml >/dev/null 2>&1
	    test $? = 69; } &&
	leads 2 Odd 31 | integra-ingest -j src.db -s odd -t lead.odd |
	    integra-normalize -j src.db >/dev/null 2>&1
	test "$(sqlite3 src.db "SELECT count(*) FROM events
	    WHERE status = '"'rejected'"'")" = 2 &&
	integra-keys -j src.db add reader -S events:read >/dev/null 2>&1 &&
	sqlite3 src.db "INSERT INTO cadence_items (cadence, key, amount,
	    label, updated_at) VALUES ('"'dunning'"', '"'k1'"', 1234.5,
	    '"'O'"''"'Neil – São Paulo'"', 1);
	    UPDATE raw_envelopes SET envelope = X'"'FF00FE41'"'
	    WHERE event = 7" &&
	test "$(sqlite3 src.db "SELECT count(*) FROM deliveries
	    WHERE status = '"'dead'"'")" = 3 &&
	test "$(sqlite3 src.db "SELECT count(*) FROM attempts")" = 2503
'
test_expect_success 'a rejected event shows its raw envelope, as on SQLite' '
	id=$(sqlite3 src.db "SELECT id FROM events WHERE source = '"'odd'"'
	    LIMIT 1") &&
	integra-events -j src.db show "$id" >shown &&
	jq -e ".status == \"rejected\" and (.raw.data.name | startswith(\"Odd\"))" \
	    shown
'
test_expect_success 'into PostgreSQL: every table, its rows counted' '
	integra-journal copy src.db "$URL" >copied 2>err &&
	test "$(wc -l <copied)" = "$(tables src.db | wc -l)" &&
	for t in $(tables src.db); do
		n=$(sqlite3 src.db "SELECT count(*) FROM $t") &&
		grep -q "^$t  *$n rows\$" copied &&
		test "$(pq "SELECT count(*) FROM $t")" = "$n" || return 1
	done &&
	grep -q "^events  *2505 rows" copied
'
test_expect_success 'its values as they were: bytes, numbers, text' '
	test "$(pq "SELECT encode(envelope, '"'hex'"') FROM raw_envelopes
	    WHERE event = 7")" = ff00fe41 &&
	test "$(pq "SELECT amount || '"' '"' || label FROM cadence_items")" = \
	    "1234.5 O'"'"'Neil – São Paulo" &&
	test "$(pq "SELECT encode(key_hash, '"'hex'"') FROM api_keys")" = \
	    "$(sqlite3 src.db "SELECT lower(hex(key_hash)) FROM api_keys")"
'
test_expect_success 'integra events show: the same from either journal' '
	for seq in 1 7 1000 2501 2503 2504 2505; do
		id=$(sqlite3 src.db "SELECT id FROM events WHERE seq = $seq") &&
		integra-events -j src.db show "$id" >a &&
		integra-events -j "$URL" show "$id" >b &&
		test_cmp a b || return 1
	done
'
test_expect_success 'the next event numbered past those copied' '
	leads 1 | integra-ingest -j "$URL" -s after -t lead.created \
	    >/dev/null 2>err &&
	test "$(pq "SELECT seq FROM events WHERE source = '"'after'"'")" = 2506 &&
	pq "DELETE FROM counts WHERE b = '"'after'"'" &&
	pq "DELETE FROM raw_envelopes WHERE event IN
	    (SELECT seq FROM events WHERE source = '"'after'"')" &&
	pq "DELETE FROM events WHERE source = '"'after'"'"
'
test_expect_success 'and back into a new file: the same journal' '
	integra-journal copy "$URL" back.db >copied-back 2>err &&
	test_cmp copied copied-back &&
	sqlite3 src.db .dump | sort >src.dump &&
	sqlite3 back.db .dump | sort >back.dump &&
	test_cmp src.dump back.dump
'
test_expect_code 73 'into a journal that has rows: refused' '
	integra-journal copy back.db "$URL" >out 2>err
'
test_expect_success 'said why, nothing written' '
	grep -q "holds rows already" err && test ! -s out &&
	test "$(pq "SELECT count(*) FROM events")" = 2505
'
test_expect_success 'a copy that fails on the way leaves nothing' '
	pq "DROP SCHEMA public CASCADE; CREATE SCHEMA public" &&
	integra-ingest -j "$URL" -s t -t x </dev/null 2>/dev/null &&
	pq "CREATE FUNCTION no() RETURNS trigger LANGUAGE plpgsql AS
	    '"'BEGIN RAISE EXCEPTION '"''"'no more'"''"'; END'"';
	    CREATE TRIGGER no BEFORE INSERT ON attempts
	    FOR EACH ROW EXECUTE FUNCTION no()" &&
	{ integra-journal copy src.db "$URL" >out 2>err; test $? = 70; } &&
	grep -q "copy attempts: .*no more" err &&
	test "$(pq "SELECT count(*) FROM events")" = 0 &&
	test "$(pq "SELECT count(*) FROM deliveries")" = 0 &&
	pq "DROP TRIGGER no ON attempts"
'
test_expect_code 66 'a source that is not there' '
	integra-journal copy none.db new.db 2>err
'
test_expect_code 64 'a journal into itself' '
	integra-journal copy src.db src.db 2>err
'
test_expect_success 'sealed values go as they are, and open on either side' '
	printf "encryption:\n  current: k\n  keys:\n    k: {key_env: K}\n" \
	    >enc.yaml &&
	leads 5 | integra-ingest -c enc.yaml -j sealed.db -s site \
	    -t lead.created >/dev/null 2>&1 &&
	integra-normalize -c enc.yaml -j sealed.db --pending >/dev/null &&
	integra-journal copy sealed.db "$URL" >/dev/null &&
	test "$(pq "SELECT count(*) FROM raw_envelopes
	    WHERE get_byte(envelope, 0) = 225")" = 5 &&
	integra-journal copy "$URL" sealed2.db >/dev/null &&
	for seq in 1 3 5; do
		id=$(sqlite3 sealed.db "SELECT id FROM events WHERE seq = $seq") &&
		integra-events -c enc.yaml -j sealed.db show "$id" >a &&
		integra-events -c enc.yaml -j "$URL" show "$id" >b &&
		integra-events -c enc.yaml -j sealed2.db show "$id" >c &&
		test_cmp a b && test_cmp a c && grep -q "Lead" b || return 1
	done &&
	sqlite3 sealed.db ".dump" | sort >dump1 &&
	sqlite3 sealed2.db ".dump" | sort >dump2 &&
	test_cmp dump1 dump2
'
test_expect_success 'and without the key they do not open' '
	id=$(sqlite3 sealed.db "SELECT id FROM events WHERE seq = 2") &&
	! integra-events -j "$URL" show "$id" >out 2>err &&
	grep -q "does not open" err && ! grep -q "Lead" out
'
test_done
