#!/bin/sh
# integra-report weekly: the last 7 days summed up for the managers, an
# event that a route sends as an HTML e-mail through the SMTP target, to a
# real SMTP server on loopback; once a day at most.
. "$top_srcdir/tests/lib.sh"

start_smtpd
start_sink sink -R /broken=503 -R /gone=400
cat >cfg.yaml <<EOF
branding:
  sender: Integra <integra@cuidarbem.example.com>
defaults:
  retry:
    delays: [1d]
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  broken:
    url: http://127.0.0.1:$SINK_PORT/broken
  gone:
    url: http://127.0.0.1:$SINK_PORT/gone
  email:
    url: smtp://127.0.0.1:$SMTP_PORT
    starttls: false
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: broken
  - on: client.registered
    to: gone
  - on: integra.report.weekly
    to: email
    body: '.data | {to, subject, text, html}'
weekly:
  to: [gestao@example.com, dono@example.com]
EOF
lead_deliveries 6
ce client.registered c1 '{"client_id":"C1","name":"Ana","email":"a@x.com"}' |
    deliver_events

test_expect_success 'the summary is an event, sent as an e-mail' '
	integra-report -j "$JOURNAL" -c cfg.yaml weekly >weekly 2>err &&
	jq -e ".type == \"integra.report.weekly\" and
	    .source == \"integra/report\" and
	    .data.to == [\"gestao@example.com\", \"dono@example.com\"] and
	    (.data.subject | startswith(\"integra: the week to \"))" \
	    weekly >/dev/null &&
	integra-map -j "$JOURNAL" -c cfg.yaml <weekly 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1 &&
	test -s mails/1.eml &&
	test "$(eml 1 types)" = \
	    "multipart/alternative text/plain text/html" &&
	eml 1 To | grep -q "gestao@example.com" &&
	eml 1 Subject | grep -q "^integra: the week to "
'
test_expect_success '... with the week in it: volumes, deaths, failures' '
	eml 1 text >text &&
	grep -qx "Events received: 7" text &&
	grep -q "^Deliveries delivered: 6, dead: 1" text &&
	grep -q "^  gone http_4xx HTTP 400: 1$" text &&
	grep -q "^  broken http_5xx: 6$" text &&
	eml 1 html >html &&
	grep -q "<h2 style=\"font-size:16px\">Why deliveries died</h2>" html &&
	grep -q "<td[^>]*>gone</td>" html
'
test_expect_success 'once a day: a second run makes nothing' '
	integra-report -j "$JOURNAL" -c cfg.yaml weekly >again 2>err &&
	test ! -s again && grep -q "made today already" err
'
test_expect_success '... the next day, another' '
	INTEGRA_CLOCK_OFFSET=86400 integra-report -j "$JOURNAL" -c cfg.yaml \
	    weekly >next 2>/dev/null &&
	test "$(wc -l <next)" = 1
'
test_expect_code 78 'no weekly in the config: 78' '
	sed "/^weekly:/,\$d" cfg.yaml >noweekly.yaml &&
	integra-report -j "$JOURNAL" -c noweekly.yaml weekly
'
test_expect_code 78 'an address that is not one is refused' '
	sed "s/dono@example.com/\"dono@example.com\\\\nBcc: x@evil.example\"/" \
	    cfg.yaml >bad.yaml &&
	integra config check -c bad.yaml >out 2>&1; rc=$?;
	grep -q "is not a valid address" out && exit $rc
'
test_done
