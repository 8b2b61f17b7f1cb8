#!/bin/sh
# Follow-up steps and fallbacks: a route's "then" steps are made one after
# the other as each is delivered, with a delay and with $response, the
# answer to the step before; a step's fallback is made when it dies.
. "$top_srcdir/tests/lib.sh"

start_sink sink -e -R /whatsapp/bad=400 -R /crm/busy=503
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  marketing:
    url: http://127.0.0.1:$SINK_PORT/marketing
  whatsapp:
    url: http://127.0.0.1:$SINK_PORT/whatsapp
  sms:
    url: http://127.0.0.1:$SINK_PORT/sms
routes:
  - name: welcome
    on: lead.created
    to: crm
    path: /leads
    body: '{name: .data.name}'
    then:
      - to: marketing
        path: /journey
        body: '{crm_delivery: \$response.body.id, status: \$response.status, name: .data.name}'
      - to: marketing
        path: /reminder
        delay: 2h
        priority: low
      - path: /never
        when: '\$response.status == 201'
  - name: greet
    on: lead.created
    to: whatsapp
    path: /bad
    priority: notification
    body: '{text: "Oi"}'
    fallback:
      to: sms
      path: /send
      body: '{text: "Oi", why: \$response.error, status: \$response.status}'
  - name: broken
    on: lead.created
    to: crm
    path: /first
    then:
      - body: 'error("the program fails")'
  - name: later
    on: lead.created
    to: crm
    path: /later
    delay: 1h
  - name: busy
    on: lead.created
    to: crm
    path: /busy
    then:
      - path: /after-busy
EOF
printf '{"name":"Ana","phone":"11987650001"}\n' >leads.ndjson
# path P: how many requests the sink had for path P.
path() {
	jq -s --arg p "$1" "map(select(.path == \$p)) | length" sink.log
}
# dl ROUTE STEP COLUMN: the column of the delivery of ROUTE's step STEP.
dl() {
	q "SELECT $3 FROM deliveries WHERE route = \"$1\" AND step = $2"
}

test_expect_success 'map makes each route first step; a delay defers it' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson >records 2>/dev/null &&
	test "$(wc -l <records)" = 5 &&
	jq -e -s "map(.step) == [0, 0, 0, 0, 0]" records &&
	jq -e -s "map(select(.route == \"later\")) | .[0].not_before |
	    test(\"Z$\")" records &&
	later=$(dl later 0 "not_before - created_at") &&
	test "$later" -eq 3600000
'
test_expect_code 69 'dispatch: delivered, dead, failed' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <records >out 2>err
'
test_expect_success 'a step due at once goes out in the same run' '
	test "$(path /crm/leads)" = 1 && test "$(path /marketing/journey)" = 1 &&
	test "$(dl welcome 1 status)" = delivered
'
test_expect_success 'it used the answer to the step before' '
	first=$(dl welcome 0 id) &&
	jq -e -s --arg id "$first" "map(select(.path == \"/marketing/journey\"))
	    | .[0].body | fromjson | . == {crm_delivery: \$id, status: 200,
	    name: \"Ana\"}" sink.log
'
test_expect_success 'the next step waits for its delay, in its class' '
	test "$(dl welcome 2 status)" = pending &&
	test "$(dl welcome 2 priority)" = 3 &&
	wait=$(dl welcome 2 "not_before - created_at") &&
	test "$wait" -eq 7200000 && test "$(path /marketing/reminder)" = 0
'
test_expect_success 'the fallback of a dead step, built from the same event' '
	test "$(dl greet 0 status)" = dead && test "$(dl greet 1 status)" = delivered &&
	test "$(dl greet 1 target)" = sms &&
	jq -e -s "map(select(.path == \"/sms/send\")) | .[0].body | fromjson |
	    . == {text: \"Oi\", why: \"HTTP 400\", status: 400}" sink.log
'
test_expect_success 'a step whose program fails is made dead, in the queue' '
	test "$(dl broken 0 status)" = delivered &&
	test "$(dl broken 1 status)" = dead &&
	test "$(dl broken 1 error_class)" = mapping &&
	dl broken 1 last_error | grep -q "the program fails" &&
	integra-dlq -j "$JOURNAL" list --json >dlq &&
	jq -e -s "map(select(.route == \"broken\")) | length == 1" dlq &&
	grep -q "route .broken. step 1 cannot be built" err
'
test_expect_success 'a failed try makes no step; nothing is made twice' '
	test "$(dl busy 0 status)" = failed &&
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"busy\"")" = 1 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <records >out2 2>err2;
	test "$(q "SELECT count(*) FROM deliveries")" = 9 &&
	test "$(path /crm/leads)" = 1 && test "$(path /marketing/journey)" = 1
'
test_expect_success 'two hours later retry sends the delayed ones' '
	INTEGRA_CLOCK_OFFSET=7300 integra-retry -j "$JOURNAL" -c cfg.yaml \
	    2>rerr; test "$(path /marketing/reminder)" = 1 &&
	test "$(path /crm/later)" = 1 && test "$(dl welcome 2 status)" = delivered
'
test_expect_success 'a false condition makes no step' '
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"welcome\"")" = 3 &&
	test "$(path /crm/never)" = 0 &&
	grep -q "route .welcome. step 3: its condition does not hold" rerr
'
test_expect_success 'config: then and fallback where they belong' '
	cat >bad1.yaml <<-EOF &&
	targets: {crm: {url: "http://127.0.0.1:1"}}
	routes:
	  - on: lead.created
	    to: crm
	    then:
	      - path: /a
	        then: [{path: /b}]
	EOF
	integra config check -c bad1.yaml 2>e1; test $? -eq 78 &&
	grep -q "bad1.yaml:7: then belongs to the route" e1 &&
	cat >bad2.yaml <<-EOF &&
	targets: {crm: {url: "http://127.0.0.1:1"}}
	routes:
	  - on: lead.created
	    to: crm
	    fallback: {path: /a, fallback: {path: /b}}
	EOF
	integra config check -c bad2.yaml 2>e2; test $? -eq 78 &&
	grep -q "a fallback has no fallback of its own" e2 &&
	cat >bad3.yaml <<-EOF &&
	targets: {crm: {url: "http://127.0.0.1:1"}}
	routes:
	  - on: lead.created
	    to: crm
	    then:
	      - to: nowhere
	EOF
	integra config check -c bad3.yaml 2>e3; test $? -eq 78 &&
	grep -q "bad3.yaml:6: route .lead.created:crm. goes to target .nowhere." e3
'
test_expect_success 'config: a later step program is checked, $response known' '
	cat >bad4.yaml <<-EOF &&
	targets: {crm: {url: "http://127.0.0.1:1"}}
	routes:
	  - on: lead.created
	    to: crm
	    body: "\$response"
	EOF
	integra config check -c bad4.yaml 2>e4; test $? -eq 78 &&
	grep -q "response is not defined" e4 &&
	cat >bad5.yaml <<-EOF &&
	targets: {crm: {url: "http://127.0.0.1:1"}}
	routes:
	  - on: lead.created
	    to: crm
	    then:
	      - body: "{a: \$response.body"
	EOF
	integra config check -c bad5.yaml 2>e5; test $? -eq 78 &&
	grep -q "bad5.yaml:6: route .lead.created:crm. step 1: " e5 &&
	integra config check -c cfg.yaml >ok && grep -q "5 routes" ok
'
test_done
