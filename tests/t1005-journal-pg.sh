#!/bin/sh
# The journal on PostgreSQL (lib/journal/pg.c): a throw-away cluster on a
# Unix socket (tests/pg-cluster.sh), its schema made and versioned once
# under an advisory lock, events journaled and repeats known, and a URL
# that carries a password refused without naming it.
. "$top_srcdir/tests/lib.sh"

start_pg 'the journal on PostgreSQL'
leads() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '{"name":"Lead %d","phone":"+55119%08d"}\n' $i $i
		i=$((i + 1))
	done
}

test_expect_success 'two programs at once on an empty database migrate once' '
	integra-ingest -j "$URL" -s t -t x </dev/null 2>err1 &
	integra-ingest -j "$URL" -s t -t x </dev/null 2>err2 &&
	wait $! &&
	test "$(pq "SELECT version FROM integra_schema")" = 18 &&
	test "$(pq "SELECT count(*) FROM integra_schema")" = 1
'
test_expect_success 'its schema is lib/journal/pg/schema.sql' '
	sh "$top_srcdir/lib/journal/pg/schema-dump.sh" "$URL" >schema &&
	test_cmp "$top_srcdir/lib/journal/pg/schema.sql" schema
'
test_expect_success 'a version 17 database: its envelopes lose their foreign keys' '
	pq "ALTER TABLE raw_envelopes ADD CONSTRAINT raw_envelopes_event_fkey
	    FOREIGN KEY (event) REFERENCES events(seq) ON DELETE CASCADE;
	    ALTER TABLE canonical_envelopes
	    ADD CONSTRAINT canonical_envelopes_event_fkey FOREIGN KEY (event)
	    REFERENCES events(seq) ON DELETE CASCADE;
	    UPDATE integra_schema SET version = 17" &&
	integra-ingest -j "$URL" -s t -t x </dev/null &&
	test "$(pq "SELECT version FROM integra_schema")" = 18 &&
	sh "$top_srcdir/lib/journal/pg/schema-dump.sh" "$URL" >schema &&
	test_cmp "$top_srcdir/lib/journal/pg/schema.sql" schema
'
test_expect_success 'every statement of the registry prepares on it' '
	integra-statements "$URL" >out &&
	grep -q "^[0-9]* statements, 0 failed, 5 done another way" out
'
test_expect_success 'ingest journals each event, with its raw envelope' '
	leads 50 | integra-ingest -j "$URL" -s site -t lead.created \
	    >envelopes 2>err &&
	test "$(wc -l <envelopes)" = 50 &&
	test "$(pq "SELECT count(*) FROM events WHERE source = '"'site'"'
	    AND status = '"'received'"'")" = 50 &&
	test "$(pq "SELECT count(*) FROM events e JOIN raw_envelopes r
	    ON r.event = e.seq")" = 50 &&
	test "$(pq "SELECT sum(n) FROM counts WHERE kind = '"'event'"'
	    AND b = '"'site'"'")" = 50
'
test_expect_success 'the same events again: duplicates, the first envelopes' '
	leads 50 | integra-ingest -j "$URL" -s site -t lead.created \
	    >again 2>err &&
	test_cmp envelopes again &&
	grep -q "0 journaled, 50 duplicate" err &&
	test "$(pq "SELECT count(*) FROM events")" = 50
'
test_expect_success 'two writers at once: each event once, the counts exact' '
	leads 400 | sed -n "1,200p" | integra-ingest -j "$URL" -s two \
	    -t lead.created >/dev/null 2>err1 &
	leads 400 | sed -n "201,400p" | integra-ingest -j "$URL" -s two \
	    -t lead.created >/dev/null 2>err2 &&
	wait $! &&
	test "$(pq "SELECT count(*) FROM events WHERE source = '"'two'"'")" \
	    = 400 &&
	test "$(pq "SELECT sum(n) FROM counts WHERE kind = '"'event'"'
	    AND b = '"'two'"'")" = 400
'
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
test_expect_success 'the pipeline: normalized, mapped, delivered, each attempt kept' '
	leads 20 | integra-ingest -j "$URL" -s pipe -t lead.created |
	    integra-normalize -j "$URL" |
	    integra-map -j "$URL" -c cfg.yaml |
	    integra-dispatch -j "$URL" -c cfg.yaml >outcomes 2>err &&
	test "$(wc -l <outcomes)" = 20 &&
	test "$(grep -c "/crm/leads" sink.log)" = 20 &&
	test "$(pq "SELECT count(*) FROM events WHERE source = '"'pipe'"'
	    AND status = '"'mapped'"'")" = 20 &&
	test "$(pq "SELECT count(*) FROM deliveries
	    WHERE status = '"'delivered'"'")" = 20 &&
	test "$(pq "SELECT count(*) FROM attempts")" = 20
'
# Two dispatchers that would look again only after a minute: PostgreSQL
# tells them of the deliveries map adds (LISTEN/NOTIFY), and a signal
# ends them once what they hold is out.
test_expect_success 'dispatch --follow: told of new work at once' '
	integra-dispatch -j "$URL" -c cfg.yaml --follow --poll 60 >f1 2>e1 &
	d1=$!
	integra-dispatch -j "$URL" -c cfg.yaml --follow --poll 60 >f2 2>e2 &
	d2=$!
	sleep 1 &&
	leads 30 | sed "s/+55119/+55219/" |
	    integra-ingest -j "$URL" -s follow -t lead.created |
	    integra-normalize -j "$URL" |
	    integra-map -j "$URL" -c cfg.yaml >/dev/null 2>err &&
	n=0 &&
	while [ "$(cat f1 f2 | wc -l)" -lt 30 ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done &&
	kill -TERM $d1 $d2 && wait $d1 && wait $d2 &&
	test "$(cat f1 f2 | jq -s "map(select(.status == \"delivered\"))
	    | length")" = 30
'
test_expect_success 'events show and report stats read it as from SQLite' '
	id=$(head -1 outcomes | jq -r .event) &&
	integra-events -j "$URL" show "$id" >shown &&
	jq -e ".status == \"mapped\" and (.deliveries | length) == 1 and
	    .deliveries[0].status == \"delivered\"" shown &&
	integra-report -j "$URL" stats >stats &&
	grep -q "deliveries *50 created" stats
'
test_expect_success 'a server that writes bytea escaped: read the same' '
	pq "ALTER DATABASE integra SET bytea_output = '"'escape'"'" &&
	leads 50 | integra-ingest -j "$URL" -s site -t lead.created \
	    >escaped 2>err &&
	pq "ALTER DATABASE integra RESET bytea_output" &&
	test_cmp envelopes escaped
'
test_expect_success 'a version newer than the program is refused' '
	pq "UPDATE integra_schema SET version = 99" &&
	! integra-ingest -j "$URL" -s t -t x </dev/null 2>err &&
	grep -q "schema version 99 is newer" err &&
	pq "UPDATE integra_schema SET version = 18"
'
test_expect_success 'a URL with a password is refused (78), the password unsaid' '
	integra-ingest -j "postgresql://u:hunter2@127.0.0.1/x" -s t -t x \
	    </dev/null 2>err; test $? -eq 78 &&
	grep -q "PGPASSWORD" err && ! grep -q hunter2 err
'
test_expect_success 'a server not there: a clear error, and try again later (75)' '
	integra-ingest -j "postgresql:///x?host=$TRASH/none" -s t -t x \
	    </dev/null 2>err; test $? -eq 75 &&
	grep -q "connect: connection to server" err &&
	integra-events -j "postgresql:///x?host=$TRASH/none" list 2>err;
	test $? -eq 75
'
# Encryption at rest: pg.c seals and opens in C, the server never
# holds a key.  A database of its own, so that every value in it is one
# this config wrote.
ENC=$(echo "$URL" | sed "s|///[^?]*|///enc|")
pq "CREATE DATABASE enc"
eq() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$ENC" -c "$1"
}
K1=$(head -c 32 /dev/urandom | base64)
K2=$(head -c 32 /dev/urandom | base64)
export K1 K2
# enc CURRENT: cfg.yaml's targets and routes, keys k1 and k2, CURRENT
# the one that seals ("-": none).
enc() {
	{
		printf "encryption:\n  keys:\n    k1: {key_env: K1}\n"
		printf "    k2: {key_env: K2}\n"
		test "$1" = - || printf "  current: %s\n" "$1"
		cat cfg.yaml
	} >enc.yaml
}
# sealed_by TABLE COLUMN: "KEY COUNT" lines, plain values as "plain".
sealed_by() {
	eq "SELECT coalesce(integra_sealed_by($2), 'plain'), count(*)
	    FROM $1 WHERE $2 IS NOT NULL GROUP BY 1 ORDER BY 1" | tr '|' ' '
}
enc k1
test_expect_success 'encryption at rest: the pipeline runs on a sealed journal' '
	: >sink.log &&
	printf "{\"name\":\"Maria Aparecida\",\"phone\":\"+5511987654321\"}\n" |
	    integra-ingest -c enc.yaml -j "$ENC" -s site -t lead.created |
	    integra-normalize -c enc.yaml -j "$ENC" |
	    integra-map -c enc.yaml -j "$ENC" |
	    integra-dispatch -c enc.yaml -j "$ENC" >/dev/null 2>err &&
	grep -q "Maria Aparecida" sink.log
'
test_expect_success 'every envelope, header and body on the server is sealed' '
	test "$(sealed_by raw_envelopes envelope)" = "k1 1" &&
	test "$(sealed_by canonical_envelopes envelope)" = "k1 1" &&
	test "$(sealed_by deliveries headers)" = "k1 1" &&
	test "$(sealed_by deliveries body)" = "k1 1" &&
	test "$(eq "SELECT count(*) FROM raw_envelopes r, canonical_envelopes c,
	    deliveries d WHERE position(convert_to('"'Maria'"', '"'UTF8'"')
	    IN r.envelope || c.envelope || d.body || d.headers) > 0")" = 0
'
id=$(eq "SELECT id FROM events")
test_expect_success 'integra events show opens them; without the key, an error' '
	integra-events -c enc.yaml -j "$ENC" show "$id" >show &&
	jq -e ".raw.data.name == \"Maria Aparecida\" and
	    .canonical.data.name == \"Maria Aparecida\"" show &&
	! integra-events -j "$ENC" show "$id" >out 2>err &&
	grep -q "does not open" err && ! grep -q Maria out
'
test_expect_success 'a value moved to another row does not open there' '
	printf "{\"name\":\"Other\",\"phone\":\"+5511900000000\"}\n" |
	    integra-ingest -c enc.yaml -j "$ENC" -s site -t lead.created \
	    >/dev/null &&
	eq "UPDATE raw_envelopes SET envelope = (SELECT envelope
	    FROM raw_envelopes ORDER BY event LIMIT 1)
	    WHERE event = (SELECT max(event) FROM raw_envelopes)" &&
	other=$(eq "SELECT id FROM events ORDER BY seq DESC LIMIT 1") &&
	! integra-events -c enc.yaml -j "$ENC" show "$other" 2>err &&
	grep -q "does not open" err &&
	eq "DELETE FROM raw_envelopes
	    WHERE event = (SELECT max(event) FROM raw_envelopes)"
'
test_expect_success 'rotated: a rekey seals every value with the new key' '
	enc k2 &&
	integra-journal -c enc.yaml -j "$ENC" rekey -B 1 >out 2>err &&
	integra-journal -c enc.yaml -j "$ENC" sealed >sealed &&
	! grep -q k1 sealed && grep -q "k2" sealed &&
	test "$(sealed_by deliveries body)" = "k2 1" &&
	integra-events -c enc.yaml -j "$ENC" show "$id" >show2 &&
	test_cmp show show2
'
test_expect_success 'no current key: a rekey writes them back plain' '
	enc - &&
	integra-journal -c enc.yaml -j "$ENC" rekey >out 2>err &&
	test "$(sealed_by raw_envelopes envelope)" = "plain 1" &&
	test "$(sealed_by deliveries body)" = "plain 1" &&
	integra-events -j "$ENC" show "$id" >show3 &&
	test_cmp show show3
'
test_done
