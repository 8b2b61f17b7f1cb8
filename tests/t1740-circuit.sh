#!/bin/sh
# The circuit breaker: consecutive failures open a target's circuit, its
# deliveries then wait without being tried, a probe goes out once the
# cool-down is over, and its answer closes the circuit (its failure opens
# it again).  The state is in the journal, so every process sees it.
. "$top_srcdir/tests/lib.sh"

# A port nothing listens on yet: a sink comes up on it later.
start_sink later
PORT=$SINK_PORT
stop_started
start_sink flaky -R /flaky=503 -D /flaky=300
cat >cfg.yaml <<EOF
defaults:
  retry:
    delays: [1s, 1s, 1s, 1s, 1s]
targets:
  down:
    url: http://127.0.0.1:$PORT/down
    connect_timeout: 1s
    concurrency: 1
    circuit:
      failures: 3
      cooldown: 30s
  flaky:
    url: http://127.0.0.1:$SINK_PORT/flaky
    concurrency: 1
    circuit:
      failures: 2
      cooldown: 30s
routes:
  - on: lead.created
    to: down
  - on: client.registered
    to: flaky
EOF
site_leads 10 >leads.ndjson
# tries TARGET: attempts recorded for the target's deliveries.
tries() {
	q "SELECT count(*) FROM attempts a JOIN deliveries d
	    ON d.id = a.delivery_id WHERE d.target = \"$1\""
}

test_expect_code 75 'three failures in a row open the circuit' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err
'
test_expect_success '... and the rest wait, not tried, attempts untouched' '
	test "$(tries down)" = 3 &&
	test "$(wc -l <out)" = 3 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE target = \"down\"
	    AND status = \"pending\" AND attempts = 0")" = 7 &&
	grep -q "target .down. failed 3 times in a row: its circuit is open" err &&
	test "$(q "SELECT failures FROM target_states
	    WHERE target = \"down\"")" = 3 &&
	test "$(q "SELECT open_until - opened_at FROM target_states
	    WHERE target = \"down\"")" = 30000
'
test_expect_success 'integra targets shows it open' '
	integra-targets -j "$JOURNAL" -c cfg.yaml >t &&
	grep -q "^down  *open  *10 " t &&
	integra-targets -j "$JOURNAL" -c cfg.yaml --json >tj &&
	jq -e -s "map(select(.target == \"down\"))[0] |
	    .circuit == \"open\" and .failures == 3 and
	    (.circuit_open_until | test(\"Z$\"))" tj
'
test_expect_success 'GET /status lists the open circuit' '
	key=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null) &&
	start_receiver recv.log &&
	curl -s -H "X-API-Key: $key" "$URL/status" >st;
	kill $RECEIVER; wait $RECEIVER;
	jq -e ".counts.circuits_open.down | .state == \"open\" and
	    .failures == 3 and .open_until - .opened_at == 30000" st &&
	jq -e ".counts.circuits_open | has(\"flaky\") | not" st
'
test_expect_success 'while it is open, no run sends to it' '
	INTEGRA_CLOCK_OFFSET=10 integra-retry -j "$JOURNAL" -c cfg.yaml \
	    >out 2>err &&
	test "$(tries down)" = 3 && test ! -s out
'
test_expect_success 'ids given on stdin wait too' '
	q "SELECT id FROM deliveries WHERE target = \"down\"" |
	    sed "s/.*/{\"id\":\"&\"}/" >ids &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <ids >out 2>err &&
	test "$(tries down)" = 3 && test ! -s out
'
# The target comes back; the cool-down is over.
start_sink back -p "$PORT"
test_expect_success 'after the cool-down one probe goes first, alone' '
	INTEGRA_CLOCK_OFFSET=40 integra-retry -j "$JOURNAL" -c cfg.yaml \
	    >out 2>err &&
	grep -q "target .down.: its circuit is half-open: delivery .* is the probe" err &&
	probe=$(sed -n "s/.*delivery \([^ ]*\) is the probe.*/\1/p" err) &&
	test "$(head -n 1 back.log | jq -r .idempotency_key)" = "$probe" &&
	grep -q "target .down. answered: its circuit is closed" err
'
test_expect_success '... its answer closes the circuit, and the rest go' '
	test "$(q "SELECT count(*) FROM deliveries WHERE target = \"down\"
	    AND status = \"delivered\"")" = 10 &&
	test "$(wc -l <back.log)" = 10 &&
	test "$(q "SELECT failures || \"/\" || coalesce(CAST(open_until AS TEXT), \"closed\")
	    FROM target_states WHERE target = \"down\"")" = 0/closed &&
	test "$(tries down)" = 13
'

# A target that stays broken: the probe fails, and the circuit opens again.
i=0
while [ $i -lt 4 ]; do
	ce client.registered "c$i" \
	    "{\"client_id\":\"c$i\",\"name\":\"C\",\"phone\":\"11987650000\"}"
	i=$((i + 1))
done >clients.ndjson
test_expect_code 75 'two failures open the flaky circuit' '
	integra-ingest -j "$JOURNAL" <clients.ndjson |
	    integra-normalize -j "$JOURNAL" | integra-map -j "$JOURNAL" \
	    -c cfg.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err
'
test_expect_success '... with two tries, the others waiting' '
	test "$(tries flaky)" = 2 && test "$(wc -l <flaky.log)" = 2
'
test_expect_success 'two runs at once when it is half-open: one probe' '
	INTEGRA_CLOCK_OFFSET=40 integra-retry -j "$JOURNAL" -c cfg.yaml \
	    >out1 2>err1 &
	INTEGRA_CLOCK_OFFSET=40 integra-retry -j "$JOURNAL" -c cfg.yaml \
	    >out2 2>err2 &
	wait &&
	test "$(wc -l <flaky.log)" = 3 && test "$(tries flaky)" = 3 &&
	cat err1 err2 >errs &&
	test "$(grep -c "is the probe" errs)" = 1 &&
	grep -q "target .flaky. failed the probe: its circuit is open again" errs
'
# The probe is the delivery due first: one given back untried.
test_expect_success 'the failed probe counts as a try; the others wait' '
	test "$(q "SELECT count(*) FROM deliveries WHERE target = \"flaky\"
	    AND attempts = 0")" = 1 &&
	test "$(q "SELECT failures FROM target_states
	    WHERE target = \"flaky\"")" = 3
'
test_expect_success 'an admin closes it: integra targets enable' '
	integra-targets -j "$JOURNAL" -c cfg.yaml enable flaky 2>err &&
	grep -q "target .flaky. enabled" err &&
	test "$(q "SELECT failures || \"/\" || coalesce(CAST(open_until AS TEXT), \"closed\")
	    FROM target_states WHERE target = \"flaky\"")" = 0/closed
'
test_expect_success 'failures: 0 never opens a circuit' '
	sed "s/failures: 2/failures: 0/" cfg.yaml >never.yaml &&
	q "UPDATE deliveries SET not_before = 0 WHERE target = \"flaky\"" &&
	integra-dispatch -j "$JOURNAL" -c never.yaml --pending >out 2>err;
	test "$(wc -l <out)" = 4 &&
	test "$(q "SELECT open_until IS NULL FROM target_states
	    WHERE target = \"flaky\"")" = 1
'
test_done
