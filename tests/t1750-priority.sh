#!/bin/sh
# Priority classes: a route's priority orders the claims (high, default,
# notification, low, then retries), a target's queue takes the highest
# class first, and a flood of low deliveries holds a high one up by one
# batch at most.
. "$top_srcdir/tests/lib.sh"

start_sink sink -D /low=10 -R /fail=503 -R /failhigh=503
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT
    concurrency: 2
    circuit:
      failures: 0
routes:
  - on: lead.created
    to: crm
    path: /low
    priority: low
  - on: client.registered
    to: crm
    path: /high
    priority: high
EOF
# leads N TAG: N lead.created events mapped, their deliveries in the
# journal (new leads: each call has phones of its own, counted in a file
# since tests run in subshells).
leads() {
	calls=$(($(cat calls 2>/dev/null || echo 0) + 1))
	echo $calls >calls
	awk "BEGIN { for (i = 0; i < $1; i++)
	    printf \"{\\\"name\\\":\\\"$2 %d\\\",\\\"phone\\\":\\\"119%02d%06d\\\"}\\n\", i, $calls, i }" |
	    integra-ingest -j "$JOURNAL" -s site -t lead.created |
	    integra-normalize -j "$JOURNAL" | integra-map -j "$JOURNAL" \
	    -c cfg.yaml
}
# client ID: one client.registered event mapped.
client() {
	ce client.registered "$1" \
	    "{\"client_id\":\"$1\",\"name\":\"C\",\"phone\":\"11987650000\"}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c cfg.yaml
}

test_expect_success 'the route gives the delivery its class' '
	leads 20 a >low.ndjson 2>/dev/null && client c0 >high.ndjson 2>/dev/null &&
	jq -e -s "length == 20 and all(.priority == \"low\")" low.ndjson &&
	jq -e ".priority == \"high\"" high.ndjson &&
	test "$(q "SELECT group_concat(DISTINCT priority) FROM deliveries
	    WHERE route = \"lead.created:crm\"")" = 3 &&
	test "$(q "SELECT priority FROM deliveries
	    WHERE route = \"client.registered:crm\"")" = 0
'
test_expect_success 'the high one, mapped last, is sent first' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending -B 5 >out 2>err &&
	test "$(head -n 1 sink.log | jq -r .path)" = /high &&
	test "$(wc -l <sink.log)" = 21
'
test_expect_success 'a flood of low ones holds a high one up one batch at most' '
	leads 300 b >/dev/null 2>&1 &&
	: >sink.log &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending -B 10 >out 2>err &
	pid=$! &&
	while [ "$(wc -l <sink.log)" -lt 30 ]; do sleep 0.05; done &&
	client c1 >/dev/null 2>&1 &&
	wait $pid &&
	created=$(q "SELECT created_at FROM deliveries d JOIN events e
	    ON e.id = d.event_id WHERE e.subject IS NULL AND d.priority = 0
	    ORDER BY created_at DESC LIMIT 1") &&
	awk -v c="$created" "/\"path\":\"\\/high\"/ { exit }
	    { if (match(\$0, /\"time_ms\":[0-9]+/) &&
	    substr(\$0, RSTART + 10, RLENGTH - 10) + 0 >= c) n++ }
	    END { print n + 0 }" sink.log >after &&
	test "$(wc -l <sink.log)" = 301 &&
	test "$(cat after)" -le 12
'
cat >fail.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT
    concurrency: 1
    circuit:
      failures: 0
routes:
  - on: lead.created
    to: crm
    path: /fail
  - on: client.registered
    to: crm
    path: /failhigh
    priority: high
EOF
test_expect_code 75 'failed tries are retries; a high one stays high' '
	awk "BEGIN { print \"{\\\"name\\\":\\\"F\\\",\\\"phone\\\":\\\"11987650001\\\"}\" }" |
	    integra-ingest -j "$JOURNAL" -s site -t lead.created |
	    integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c fail.yaml >f.ndjson 2>/dev/null &&
	ce client.registered c2 \
	    "{\"client_id\":\"c2\",\"name\":\"C\",\"phone\":\"11987650000\"}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c fail.yaml >>f.ndjson 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c fail.yaml <f.ndjson >out 2>err
'
test_expect_success '... in the journal: 4 (retry) and 0 (high)' '
	test "$(q "SELECT priority FROM deliveries WHERE status = \"failed\"
	    AND route = \"lead.created:crm\"")" = 4 &&
	test "$(q "SELECT priority FROM deliveries WHERE status = \"failed\"
	    AND route = \"client.registered:crm\"")" = 0
'
test_expect_success 'a retry goes after a low first try, both due' '
	leads 1 c >one.ndjson 2>/dev/null &&
	q "UPDATE deliveries SET not_before = 1 WHERE status = \"failed\";
	    UPDATE deliveries SET not_before = 2, url = replace(url, \"/fail\",
	    \"/ok\") WHERE id = \"$(jq -r .id one.ndjson)\"" &&
	: >sink.log &&
	integra-dispatch -j "$JOURNAL" -c fail.yaml --pending >out 2>err;
	jq -r .path sink.log >order &&
	printf "/failhigh\n/low\n/fail\n" >expect && test_cmp expect order
'
test_done
