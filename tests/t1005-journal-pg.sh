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
	test "$(pq "SELECT version FROM integra_schema")" = 17 &&
	test "$(pq "SELECT count(*) FROM integra_schema")" = 1
'
test_expect_success 'its schema is lib/journal/pg/schema.sql' '
	sh "$top_srcdir/lib/journal/pg/schema-dump.sh" "$URL" >schema &&
	test_cmp "$top_srcdir/lib/journal/pg/schema.sql" schema
'
test_expect_success 'every statement of the registry prepares on it' '
	integra-statements "$URL" >out &&
	grep -q "^[0-9]* statements, 0 failed" out
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
	pq "UPDATE integra_schema SET version = 17"
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
test_expect_success 'encryption at rest: refused on PostgreSQL, said why' '
	printf "encryption:\n  current: k1\n  keys:\n    k1: {key_env: K}\n" \
	    >enc.yaml &&
	! K=$(head -c 32 /dev/zero | base64) integra-ingest -c enc.yaml \
	    -j "$URL" -s t -t x </dev/null 2>err &&
	grep -q "PostgreSQL journal does not seal" err
'
test_done
