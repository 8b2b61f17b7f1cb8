#!/bin/sh
# Flows under concurrency and crashes: numbers with no gap or repeat from
# four starters at once, two rounds at once running no step twice, a
# round killed with SIGKILL while its step's request is out recovered by
# the next one, two flows on one event type, and a flow that repeats.
. "$top_srcdir/tests/lib.sh"

start_sink sink -e -D /slow=5000
cat >cfg.yaml <<EOF
targets:
  contratos:
    url: http://127.0.0.1:$SINK_PORT/contracts
  lento:
    url: http://127.0.0.1:$SINK_PORT/slow
    timeout: 8s
  financeiro:
    url: http://127.0.0.1:$SINK_PORT/finance
flows:
  sales:
    on: proposal.accepted
    key: .data.proposal_id
    number: S-{year}-{seq:5}
    steps:
      - id: generate_contract
        to: contratos
        delay: 5m
        save:
          contract_id: \$response.body.id
      - id: wait_signature
        await: contract.signed
        match: .data.contract_id
        equals: .vars.contract_id
        timeout: 1d
  onboarding:
    on: proposal.accepted
    key: .data.proposal_id
    number: O-{seq}
    steps:
      - id: wait_signature
        await: contract.signed
        match: .data.proposal_id
        equals: .key
        timeout: 1d
      - id: welcome
        to: contratos
        path: /welcome
  slow:
    on: slow.started
    key: .data.id
    steps:
      - id: call
        to: lento
        delay: 1m
      - id: done
        to: contratos
        path: /after-slow
  billing:
    on: subscription.started
    key: .data.id
    settings:
      every: 30
    repeat:
      days: .settings.every
      from: invoice
    steps:
      - id: invoice
        to: financeiro
        body: '{subscription: .key, cycle: .cycle}'
EOF
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null
J="-j "$JOURNAL" -c cfg.yaml"
at() {
	m=$1
	shift
	INTEGRA_CLOCK_OFFSET=$((m * 60)) "$@"
}
# starter N FROM: N instances of sales, keys FROM on, one process each.
starter() {
	i=$2
	while [ $i -lt $(($2 + $1)) ]; do
		echo "{\"proposal_id\":\"P-$i\"}" |
		    integra-flow $J start sales >/dev/null 2>>starters.err || return 1
		i=$((i + 1))
	done
}

test_expect_success 'four starters at once: numbers with no gap, no repeat' '
	starter 25 0 & p1=$!
	starter 25 100 & p2=$!
	starter 25 200 & p3=$!
	starter 25 300 & p4=$!
	wait $p1 && wait $p2 && wait $p3 && wait $p4 &&
	q "SELECT number FROM flow_instances WHERE flow = \"sales\"
	    ORDER BY number" >numbers &&
	year=$(date -u +%Y) &&
	awk -v y="$year" "BEGIN { for (i = 1; i <= 100; i++)
	    printf \"S-%s-%05d\n\", y, i }" >expect &&
	test_cmp expect numbers
'
test_expect_success 'two rounds at once run each step once' '
	at 6 integra-flow $J process --pending >r1 2>/dev/null & p1=$!
	at 6 integra-flow $J process --pending >r2 2>/dev/null & p2=$!
	wait $p1 && wait $p2 &&
	test "$(jq -s "map(.steps) | add" r1 r2)" = 100 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"sales\"")" = 100 &&
	test "$(q "SELECT count(*) FROM flow_log WHERE what = \"step.scheduled\"")" = 100 &&
	test -z "$(q "SELECT instance FROM flow_log WHERE what = \"step.scheduled\"
	    GROUP BY instance HAVING count(*) > 1")"
'
test_expect_success '... and their requests go once each' '
	at 6 integra-dispatch $J --pending >/dev/null 2>&1;
	test "$(grep -c "\"path\":\"/contracts\"" sink.log)" = 100 &&
	test "$(q "SELECT count(*) FROM flow_instances WHERE flow = \"sales\"
	    AND status = \"waiting\"")" = 100
'

test_expect_success 'a round killed during its step is recovered by the next' '
	echo "{\"id\":\"X-1\"}" | integra-flow $J start slow >/dev/null &&
	INTEGRA_CLOCK_OFFSET=120 integra-retry $J --lease 10 >/dev/null 2>&1 & r=$!
	i=0 && while ! q "SELECT status FROM deliveries WHERE route = \"slow\"" |
	    grep -q in_flight && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done &&
	kill -9 $r && { wait $r; true; } &&
	test "$(q "SELECT status FROM flow_instances WHERE flow = \"slow\"")" = running &&
	{ at 3 integra-retry $J >/dev/null 2>&1; true; } &&
	test "$(q "SELECT status FROM flow_instances WHERE flow = \"slow\"")" = completed &&
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"slow\"")" = 2 &&
	test "$(q "SELECT count(*) FROM flow_log l JOIN flow_instances i
	    ON i.id = l.instance WHERE i.flow = \"slow\" AND
	    l.what = \"step.succeeded\"")" = 2 &&
	grep -c "\"path\":\"/contracts/after-slow\"" sink.log | grep -q "^1$"
'

test_expect_success 'one event starts an instance of each flow on its type' '
	ce proposal.accepted pa-shared "{\"proposal_id\":\"Q-1\",\"client_id\":\"c\"}" |
	    integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map $J 2>/dev/null | integra-dispatch $J >/dev/null 2>&1;
	test "$(q "SELECT group_concat(flow) FROM (SELECT flow FROM
	    flow_instances WHERE key = \"Q-1\" ORDER BY flow) AS s")" = \
	    onboarding,sales &&
	test "$(q "SELECT status FROM flow_instances WHERE flow = \"onboarding\"")" = waiting
'
test_expect_success '... and one awaited event meets the waits of both' '
	at 6 integra-retry $J >/dev/null 2>&1;
	c=$(q "SELECT json_extract(vars, \"\$.contract_id\") FROM flow_instances
	    WHERE flow = \"sales\" AND key = \"Q-1\"") && test -n "$c" &&
	ce contract.signed cs-shared "{\"contract_id\":\"$c\",\"proposal_id\":\"Q-1\"}" |
	    integra-ingest -j "$JOURNAL" 2>/dev/null |
	    at 7 integra-normalize -j "$JOURNAL" 2>/dev/null |
	    at 7 integra-map $J 2>/dev/null |
	    at 7 integra-dispatch $J >/dev/null 2>&1;
	test "$(q "SELECT status FROM flow_instances WHERE key = \"Q-1\"
	    AND flow = \"sales\"")" = completed &&
	test "$(q "SELECT status FROM flow_instances WHERE key = \"Q-1\"
	    AND flow = \"onboarding\"")" = completed &&
	grep -q "\"path\":\"/contracts/welcome\"" sink.log
'

test_expect_success 'a completed flow with a repeat runs again, days later' '
	echo "{\"id\":\"SUB-1\"}" | integra-flow $J start billing >/dev/null &&
	at 1 integra-retry $J >/dev/null 2>&1;
	test "$(grep -c "\"path\":\"/finance\"" sink.log)" = 1 &&
	s=$(q "SELECT status || \" \" || cycle FROM flow_instances
	    WHERE flow = \"billing\"") && test "$s" = "running 2" &&
	at 2 integra-retry $J >/dev/null 2>&1;
	test "$(grep -c "\"path\":\"/finance\"" sink.log)" = 1 &&
	at $((30 * 24 * 60 + 2)) integra-retry $J >/dev/null 2>&1;
	test "$(grep -c "\"path\":\"/finance\"" sink.log)" = 2 &&
	grep "\"path\":\"/finance\"" sink.log | tail -1 | jq -e ".body | fromjson |
	    .cycle == 2" &&
	q "SELECT what FROM flow_log l JOIN flow_instances i ON i.id = l.instance
	    WHERE i.flow = \"billing\" ORDER BY seq" | tr "\n" " " >whats &&
	grep -q "completed repeated step.scheduled step.succeeded completed repeated" whats
'
stop_started
test_done
