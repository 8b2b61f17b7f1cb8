#!/bin/sh
# Outcome events: a target that asks for them gets integra.delivery.*
# and integra.target.disabled events journaled with each outcome, routed
# by map like any event; the deliveries of those events make none (the
# loop guard).
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /bad=400 -R /flaky=503 -R /gone=410 -R /alerts/bad=422
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/ok
    outcomes: [succeeded]
  erp:
    url: http://127.0.0.1:$SINK_PORT/bad
    outcomes: [dead, failed]
  marketing:
    url: http://127.0.0.1:$SINK_PORT/flaky
    outcomes: [failed]
    retry:
      delays: [1h]
  old:
    url: http://127.0.0.1:$SINK_PORT/gone
    outcomes: [disabled]
  quiet:
    url: http://127.0.0.1:$SINK_PORT/ok
  alerts:
    url: http://127.0.0.1:$SINK_PORT/alerts
    outcomes: [succeeded, failed, dead]
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: erp
  - on: lead.created
    to: marketing
  - on: lead.created
    to: old
  - on: lead.created
    to: quiet
  - on: integra.delivery.dead
    to: alerts
    body: '{text: ("dead: " + .data.target + " " + .data.error)}'
  - on: integra.delivery.succeeded
    to: alerts
    path: /bad
  - on: integra.target.disabled
    to: alerts
EOF
printf '{"name":"Ana","phone":"11987650001"}\n' >leads.ndjson
# outcomes TYPE: how many events of the type the journal has.
outcomes() {
	q "SELECT count(*) FROM events WHERE type = \"$1\""
}

test_expect_code 69 'a lead to five targets' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err
'
test_expect_success 'each outcome asked for is an event, normalized' '
	test "$(outcomes integra.delivery.succeeded)" = 1 &&
	test "$(outcomes integra.delivery.dead)" = 1 &&
	test "$(outcomes integra.delivery.failed)" = 1 &&
	test "$(outcomes integra.target.disabled)" = 1 &&
	test "$(q "SELECT count(*) FROM events WHERE source = \"integra/dispatch\"
	    AND status = \"normalized\"")" = 4
'
test_expect_success 'quiet asked for none; erp made no failed for its dead' '
	test "$(q "SELECT count(*) FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE json_extract(c.envelope, \"$.data.target\")
	    = \"quiet\"")" = 0 &&
	test "$(q "SELECT count(*) FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE e.type = \"integra.delivery.failed\" AND
	    json_extract(c.envelope, \"$.data.target\") = \"erp\"")" = 0
'
test_expect_success 'the dead one: the delivery, its event, the reason' '
	q "SELECT c.envelope FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE e.type = \"integra.delivery.dead\"" >dead &&
	dead_id=$(q "SELECT id FROM deliveries WHERE target = \"erp\"") &&
	jq -e ".specversion == \"1.0\" and .source == \"integra/dispatch\" and
	    .subject == \"$dead_id\" and .tenant == \"default\" and
	    .data.delivery == \"$dead_id\" and .data.target == \"erp\" and
	    .data.attempt == 1 and .data.http_status == 400 and
	    .data.error_class == \"http_4xx\" and .data.error == \"HTTP 400\" and
	    (.data.event | length) == 36" dead
'
test_expect_success 'the failed one says when it is due again' '
	q "SELECT c.envelope FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE e.type = \"integra.delivery.failed\"" >failed &&
	jq -e ".data.target == \"marketing\" and
	    (.data.not_before | test(\"Z$\"))" failed
'
test_expect_success 'map routes them; the alert goes out' '
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >alerts.ndjson 2>/dev/null &&
	test "$(wc -l <alerts.ndjson)" = 3 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <alerts.ndjson >aout 2>aerr;
	jq -r "select(.path == \"/alerts\") | .body" sink.log >bodies &&
	grep -q "dead: erp HTTP 400" bodies &&
	grep -q "\"target\":\"old\"" bodies
'
test_expect_success 'the loop guard: outcomes of outcome deliveries are none' '
	jq -e -s "map(select(.status == \"dead\")) | length == 1" aout &&
	test "$(outcomes integra.delivery.dead)" = 1 &&
	test "$(outcomes integra.delivery.succeeded)" = 1 &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >more 2>/dev/null;
	test ! -s more
'
test_expect_success 'config check knows the outcome types, and no others' '
	integra config check -c cfg.yaml >ok && grep -q "ok: 6 targets, 8 routes" ok &&
	sed "s/on: integra.delivery.dead$/on: integra.delivery.gone/" cfg.yaml \
	    >typo.yaml &&
	integra config check -c typo.yaml 2>err; test $? -eq 78 &&
	grep -q "integra.delivery.gone.* not in the catalogue" err
'
test_done
