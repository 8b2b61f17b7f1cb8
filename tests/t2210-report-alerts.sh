#!/bin/sh
# integra-report alerts: the seed's rules evaluated from the journal; an
# integra.alert.firing event when one starts to fire and .resolved when it
# stops, routed like any event (here to a chat webhook), deduplicated, with
# a cool-down against flapping.  INTEGRA_CLOCK_OFFSET plays the hours.
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /broken=503 -R /gone=400
cat >cfg.yaml <<EOF
defaults:
  retry:
    delays: [1d]
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  broken:
    url: http://127.0.0.1:$SINK_PORT/broken
    circuit:
      failures: 2
      cooldown: 10m
  gone:
    url: http://127.0.0.1:$SINK_PORT/gone
  chat:
    url: http://127.0.0.1:$SINK_PORT/chat
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: broken
  - on: service.cancelled
    to: gone
  - on: integra.alert.firing
    to: chat
    body: '{text: .data.text}'
  - on: integra.alert.resolved
    to: chat
    body: '{text: .data.text}'
alerts:
  cooldown: 1h
  retry_backlog: 2
  error_rate: 5
  error_min: 3
EOF
lead_deliveries 5
# cancel AT: a service.cancelled, whose delivery dies at once (400), at
# the clock offset AT in seconds.
cancel() {
	ce service.cancelled "c$1" '{"service_id":"S1","client_id":"C1"}' |
	    INTEGRA_CLOCK_OFFSET=$1 integra-ingest -j "$JOURNAL" 2>/dev/null |
	    INTEGRA_CLOCK_OFFSET=$1 integra-normalize -j "$JOURNAL" 2>/dev/null |
	    INTEGRA_CLOCK_OFFSET=$1 integra-map -j "$JOURNAL" -c cfg.yaml \
	    2>/dev/null | INTEGRA_CLOCK_OFFSET=$1 integra-dispatch \
	    -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
}
cancel 0
# alerts AT: integra-report alerts at offset AT, its events sent to the
# chat; the texts the chat got since the last call in chat.AT.
alerts() {
	: >sink.log
	INTEGRA_CLOCK_OFFSET=$1 integra-report -j "$JOURNAL" -c cfg.yaml \
	    alerts 2>"alerts.$1.err" | tee "alerts.$1" |
	    INTEGRA_CLOCK_OFFSET=$1 integra-map -j "$JOURNAL" -c cfg.yaml \
	    2>/dev/null | INTEGRA_CLOCK_OFFSET=$1 integra-dispatch \
	    -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
	jq -r "select(.path == \"/chat\") | .body | fromjson | .text" \
	    sink.log | sort >"chat.$1"
}

test_expect_success 'what fires is posted once, to the chat' '
	alerts 0 &&
	cut -d: -f1 chat.0 >fired &&
	printf "%s\n" "FIRING circuit_open" "FIRING dlq_growing" \
	    "FIRING error_rate" "FIRING retry_backlog" >expect &&
	test_cmp expect fired &&
	grep -qx "FIRING retry_backlog: 5 deliveries wait to be tried again (the limit is 2)" \
	    chat.0 &&
	grep -q "^FIRING circuit_open:broken: target .broken. has its circuit open$" \
	    chat.0 &&
	jq -e -s "all(.[]; .source == \"integra/alerts\" and
	    .type == \"integra.alert.firing\")" alerts.0 >/dev/null
'
test_expect_success '... and not again while nothing changes' '
	alerts 60 && test ! -s alerts.60 && test ! -s chat.60 &&
	test "$(q "SELECT count(*) FROM alert_states WHERE firing = 1")" = 4
'
test_expect_success 'an hour on: the deaths and the errors are past: resolved' '
	alerts 3660 &&
	cut -d: -f1 chat.3660 >got &&
	printf "%s\n" "RESOLVED dlq_growing" "RESOLVED error_rate" >expect &&
	test_cmp expect got &&
	q "SELECT alert FROM alert_states WHERE firing = 1 ORDER BY 1" >firing &&
	printf "%s\n" circuit_open:broken retry_backlog >expect &&
	test_cmp expect firing
'
test_expect_success 'a half-open circuit still fires; closed, it is resolved' '
	q "SELECT message FROM alert_states WHERE alert = \"circuit_open:broken\"" |
	    grep -q "circuit half-open: a probe goes next" &&
	integra-targets -j "$JOURNAL" -c cfg.yaml enable broken >/dev/null \
	    2>&1 &&
	alerts 3670 &&
	grep -qx "RESOLVED circuit_open:broken: target .broken. has its circuit closed again" \
	    chat.3670
'
cancel 3720
test_expect_success 'firing again within the cool-down: not posted' '
	alerts 3730 && test ! -s chat.3730 &&
	test "$(q "SELECT firing || \" \" || posted_firing FROM alert_states
	    WHERE alert = \"dlq_growing\"")" = "1 0"
'
test_expect_success '... posted at the first run after the cool-down' '
	alerts 7300 &&
	test "$(cat chat.7300)" = "FIRING dlq_growing: 1 deliveries died in the last 60 min; the dead-letter queue holds 2"
'
test_expect_success 'the alerts events are kept in the journal' '
	test "$(q "SELECT count(*) FROM events WHERE source = \"integra/alerts\"")" = 8
'
test_done
