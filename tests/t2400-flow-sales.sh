#!/bin/sh
# Flows: the sales orchestrator (proposal -> contract -> signature ->
# invoice -> payment) end to end, with the clock offset.  The test sink
# plays the contracts system and finance (each answer's id is the
# request's Idempotency-Key), the e-signature provider's and finance's
# webhooks are events fed to the pipeline, and the contract goes by
# e-mail to a real SMTP server on loopback.
. "$top_srcdir/tests/lib.sh"

start_smtpd
start_sink sink -e -R /contracts/fail=500 -D /finance/slow=4000
cat >cfg.yaml <<EOF
branding:
  name: Vendas Bem
  sender: Vendas Bem <vendas@vendasbem.example.com>
  signature: Equipe Vendas Bem
  site_url: https://vendasbem.example.com
  primary_color: "#0b6e4f"
  logo_url: https://vendasbem.example.com/logo.png
targets:
  contratos:
    url: http://127.0.0.1:$SINK_PORT/contracts
    retry:
      max_attempts: 3
      base: 1s
  financeiro:
    url: http://127.0.0.1:$SINK_PORT/finance
  email:
    url: smtp://127.0.0.1:$SMTP_PORT
    starttls: false
  chat:
    url: http://127.0.0.1:$SINK_PORT/chat
routes:
  - on: integra.flow.failed
    to: chat
    body: '{text: ("flow " + .data.number + " failed: " + .data.detail)}'
flows:
  vendas:
    on: proposal.accepted
    key: .data.proposal_id
    number: FLX-{year}-{seq:6}
    settings:
      auto_contract: true
      auto_email: true
      auto_invoice: true
      recurring_days: 0
    settings_from: .data.settings
    labels:
      started: proposta_aceita
      completed: workflow_concluido
      failed: erro_processamento
      cancelled: cancelado
    cancel_on:
      - on: proposal.cancelled
        match: .data.proposal_id
    repeat:
      days: .settings.recurring_days
      from: generate_invoice
    steps:
      - id: generate_contract
        label: contrato_gerado
        to: contratos
        path: /new
        delay: 5m
        when: .settings.auto_contract
        body: '{proposal: .key, client: .event.data.client_id}'
        save:
          contract_id: \$response.body.id
      - id: send_contract
        label: contrato_enviado
        to: email
        delay: 5m
        when: .settings.auto_email
        template: email/contract-sent
        vars:
          first_name: '.event.data.client_name | split(" ")[0]'
          number: .number
          contract_url: '"https://sign.example.com/c/" + .vars.contract_id'
        body: '{to: .event.data.client_email, subject: \$template.subject,
                text: \$template.text, html: \$template.html}'
      - id: wait_signature
        label: contrato_assinado
        await: contract.signed
        match: .data.contract_id
        equals: .vars.contract_id
        timeout: 7d
        on_timeout: [goto send_contract, fail]
      - id: generate_invoice
        label: fatura_gerada
        to: financeiro
        delay: 5m
        when: .settings.auto_invoice
        body: '{contract: .vars.contract_id, cycle: .cycle}'
        save:
          invoice_id: \$response.body.id
      - id: wait_payment
        label: pagamento_processado
        await: payment.received
        match: .data.invoice_id
        equals: .vars.invoice_id
        timeout: 30d
        on_timeout: fail
EOF

J="-j "$JOURNAL" -c cfg.yaml"
# at MINUTES CMD...: CMD with the clock that many minutes ahead.
at() {
	m=$1
	shift
	INTEGRA_CLOCK_OFFSET=$((m * 60)) "$@"
}
# feed MINUTES: the CloudEvent lines on stdin through the pipeline then.
feed() {
	at "$1" integra-ingest -j "$JOURNAL" 2>>ingest.err |
	    at "$1" integra-normalize -j "$JOURNAL" 2>>normalize.err |
	    at "$1" integra-map $J 2>>map.err |
	    at "$1" integra-dispatch $J >>dispatch.out 2>>dispatch.err
}
# round MINUTES: integra-retry's round then.
round() {
	at "$1" integra-retry $J 2>>retry.err
	true
}
# accepted ID [SETTINGS]: a proposal.accepted event for proposal P-ID.
accepted() {
	ce proposal.accepted "pa-$1" "{\"proposal_id\":\"P-$1\",\"client_id\":\"C-$1\",\"client_name\":\"Ana Souza\",\"client_email\":\"ana$1@example.com\"${2:+,\"settings\":$2}}"
}
# inst ID COLUMN: a column of proposal P-ID's instance.
inst() {
	q "SELECT $2 FROM flow_instances WHERE key = 'P-$1'"
}
var() {
	q "SELECT json_extract(vars, '\$.$2') FROM flow_instances
	    WHERE key = 'P-$1'"
}
signed() {
	ce contract.signed "sig-$1" "{\"contract_id\":\"$(var "$1" contract_id)\"}"
}
paid() {
	ce payment.received "pay-$1" "{\"payment_id\":\"pay-$1\",\"client_id\":\"C-$1\",\"amount\":1500,\"invoice_id\":\"$(var "$1" invoice_id)\"}"
}
# log ID: what happened to P-ID's instance, a word a line.
log_of() {
	q "SELECT what FROM flow_log WHERE instance =
	    (SELECT id FROM flow_instances WHERE key = 'P-$1') ORDER BY seq"
}

test_expect_success 'a proposal accepted starts an instance, numbered' '
	accepted 1 | feed 0 &&
	test "$(inst 1 number)" = "FLX-$(date -u +%Y)-000001" &&
	test "$(inst 1 status)" = running &&
	test "$(inst 1 label)" = proposta_aceita &&
	test "$(inst 1 step)" = generate_contract &&
	test "$(q "SELECT count(*) FROM deliveries")" = 0
'
test_expect_success 'nothing runs before its delay' '
	round 4 &&
	test "$(q "SELECT count(*) FROM deliveries")" = 0
'
test_expect_success '5 minutes on: the contract is generated, its id kept' '
	round 6 &&
	test "$(inst 1 label)" = contrato_gerado &&
	test "$(inst 1 step)" = send_contract &&
	id=$(var 1 contract_id) && test -n "$id" &&
	grep "\"path\":\"/contracts/new\"" sink.log | jq -e --arg id "$id" \
	    "select(.idempotency_key == \$id) | .body | fromjson |
	    .proposal == \"P-1\" and .client == \"C-1\""
'
test_expect_success '5 more: the contract e-mailed, from its template' '
	round 12 &&
	test "$(inst 1 label)" = contrato_enviado &&
	test "$(inst 1 status)" = waiting &&
	test "$(inst 1 step)" = wait_signature &&
	test "$(eml 1 To)" = ana1@example.com &&
	eml 1 Subject | grep -q "^Seu contrato FLX-" &&
	eml 1 text | grep -q "https://sign.example.com/c/$(var 1 contract_id)" &&
	eml 1 text | grep -q "^Olá, Ana!"
'
test_expect_success 'the signature matches the wait; the invoice 5 min on' '
	signed 1 | feed 20 &&
	test "$(inst 1 label)" = contrato_assinado &&
	test "$(inst 1 step)" = generate_invoice &&
	round 26 &&
	test "$(inst 1 label)" = fatura_gerada &&
	test -n "$(var 1 invoice_id)" &&
	test "$(inst 1 status)" = waiting
'
test_expect_success 'the payment completes it' '
	paid 1 | feed 30 &&
	test "$(inst 1 status)" = completed &&
	test "$(inst 1 label)" = workflow_concluido &&
	log_of 1 | tr "\n" " " >whats &&
	test "$(cat whats)" = "started step.scheduled step.succeeded step.scheduled step.succeeded waiting matched step.scheduled step.succeeded waiting matched completed "
'
test_expect_success 'every transition is an integra.flow event, subject the instance' '
	id=$(inst 1 id) &&
	test "$(q "SELECT count(*) FROM events WHERE subject = \"$id\"
	    AND type LIKE \"integra.flow.%\"")" = 12 &&
	q "SELECT c.envelope FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE e.type = \"integra.flow.completed\"" |
	    jq -e ".source == \"integra/flow\" and .data.status_from ==
	    \"running\" and .data.status == \"completed\" and
	    .data.label == \"workflow_concluido\" and .data.duration_ms > 0"
'
test_expect_success 'integra-flow show: vars and the timeline with timings' '
	integra-flow $J show "$(inst 1 number)" >show &&
	jq -e ".status == \"completed\" and (.timeline | length) == 12 and
	    .vars.contract_id != null and .timeline[2].duration_ms >= 300000" \
	    show &&
	integra flow $J show "$(inst 1 id)" | jq -e ".number == \"$(inst 1 number)\""
'

# The race: the signature webhook arrives before "contract sent" is done.
test_expect_success 'a signature before its wait opens is not lost' '
	accepted 2 | feed 0 && round 6 &&
	test "$(inst 2 step)" = send_contract &&
	signed 2 | feed 7 &&
	test "$(q "SELECT count(*) FROM flow_arrivals WHERE taken_by IS NULL")" = 1 &&
	integra-flow $J unmatched | jq -e ".unmatched | length == 1" &&
	round 12 &&
	test "$(inst 2 step)" = generate_invoice &&
	test "$(inst 2 label)" = contrato_assinado &&
	test "$(q "SELECT count(*) FROM flow_arrivals WHERE taken_by IS NULL")" = 0
'
test_expect_success 'an awaited event for nothing is kept and listed' '
	ce contract.signed sig-x "{\"contract_id\":\"nobody\"}" | feed 13 &&
	integra-flow $J unmatched >un &&
	jq -e ".unmatched[0].value == \"nobody\" and
	    .unmatched[0].step == \"wait_signature\"" un
'
test_expect_success '... a page at a time' '
	ce contract.signed sig-y "{\"contract_id\":\"nobody-2\"}" | feed 14 &&
	integra-flow $J unmatched -n 1 >p1 &&
	jq -e "(.unmatched | length) == 1 and .next != null" p1 &&
	integra-flow $J unmatched -n 1 -C "$(jq -r .next p1)" >p2 &&
	jq -e ".unmatched[0].value == \"nobody-2\"" p2 &&
	integra-flow $J unmatched -f vendas >all &&
	jq -e "(.unmatched | length) == 2 and .next == null" all
'

# Timeout: the contract sent again, then the instance fails.
test_expect_success 'a wait that times out sends the contract again' '
	accepted 3 | feed 0 && round 6 && round 12 &&
	test "$(inst 3 status)" = waiting &&
	round $((12 + 7 * 24 * 60 + 1)) &&
	test "$(inst 3 step)" = send_contract &&
	test "$(inst 3 timeouts)" = 1 &&
	round $((12 + 7 * 24 * 60 + 7)) &&
	test "$(inst 3 status)" = waiting &&
	test "$(q "SELECT count(*) FROM deliveries d JOIN flow_instances i
	    ON d.event_id = i.event_id WHERE i.key = \"P-3\" AND
	    d.target = \"email\"")" = 2
'
test_expect_success '... and the second timeout fails it, an alert on chat' '
	round $((12 + 14 * 24 * 60 + 10)) &&
	test "$(inst 3 status)" = failed &&
	test "$(inst 3 label)" = erro_processamento &&
	inst 3 error | grep -q "no contract.signed came within" &&
	at $((12 + 14 * 24 * 60 + 10)) integra-map --pending $J 2>/dev/null |
	    at $((12 + 14 * 24 * 60 + 10)) integra-dispatch $J >/dev/null 2>&1;
	grep "\"path\":\"/chat\"" sink.log | jq -e ".body | fromjson | .text |
	    test(\"failed: step .wait_signature.: no contract.signed\")" >/dev/null
'

# Pause during a wait: the event comes, and is applied on resume.
test_expect_success 'a paused instance keeps what came, applied on resume' '
	accepted 4 | feed 0 && round 6 && round 12 &&
	integra-flow $J pause "$(inst 4 number)" | jq -e ".status == \"paused\"" &&
	signed 4 | feed 13 &&
	test "$(inst 4 status)" = paused &&
	test -n "$(inst 4 matched)" &&
	round 14 && test "$(inst 4 status)" = paused &&
	at 15 integra-flow $J resume "$(inst 4 number)" >/dev/null &&
	round 15 &&
	test "$(inst 4 step)" = generate_invoice &&
	test "$(inst 4 status)" = running &&
	log_of 4 | grep -q "^resumed$"
'
test_expect_success 'pausing a completed instance: 65, nothing changed' '
	before=$(q "SELECT transitions FROM flow_instances WHERE key = \"P-1\"") &&
	{ integra-flow $J pause "$(inst 1 number)" 2>err; test $? -eq 65; } &&
	grep -q "is completed" err &&
	test "$(q "SELECT transitions FROM flow_instances WHERE key = \"P-1\"")" = "$before"
'
test_expect_success 'an unknown instance: 65' '
	{ integra-flow $J show FLX-0000-999999 2>err; test $? -eq 65; } &&
	grep -q "no flow instance" err &&
	{ integra-flow $J cancel nope 2>err; test $? -eq 65; }
'

# Cancel with the step's request pending: the request never leaves.
test_expect_success 'cancel drops the pending step request' '
	accepted 5 | feed 0 &&
	at 6 integra-flow $J process "$(inst 5 number)" >/dev/null &&
	d=$(inst 5 delivery) && test -n "$d" &&
	test "$(q "SELECT status FROM deliveries WHERE id = \"$d\"")" = pending &&
	integra-flow $J cancel "$(inst 5 number)" | jq -e ".status == \"cancelled\"" &&
	test "$(q "SELECT status || \" \" || error_class FROM deliveries
	    WHERE id = \"$d\"")" = "dead cancelled" &&
	round 7 &&
	! grep -q "$d" sink.log &&
	integra-dlq -j "$JOURNAL" list --json | jq -s -e "length == 0"
'
test_expect_success 'a cancel_on event cancels its instance' '
	accepted 6 | feed 0 &&
	ce proposal.cancelled pc-6 "{\"proposal_id\":\"P-6\"}" | feed 1 &&
	test "$(inst 6 status)" = cancelled &&
	test "$(inst 6 label)" = cancelado
'

# Settings decide steps: no contract e-mail, typed.
test_expect_success 'a setting off skips its step' '
	accepted 7 "{\"auto_email\":false}" | feed 0 && round 6 && round 12 &&
	test "$(inst 7 step)" = wait_signature &&
	log_of 7 | grep -q "^step.skipped$" &&
	test "$(q "SELECT count(*) FROM deliveries WHERE target = \"email\"
	    AND event_id = (SELECT event_id FROM flow_instances WHERE key = \"P-7\")")" = 0
'
test_expect_success 'a setting of the wrong type rejects the start event' '
	accepted 8 "{\"auto_email\":\"no\"}" | feed 0 &&
	test -z "$(inst 8 id)" &&
	test "$(q "SELECT status FROM events WHERE type = \"proposal.accepted\"
	    ORDER BY seq DESC LIMIT 1")" = rejected &&
	q "SELECT error FROM events WHERE type = \"proposal.accepted\"
	    ORDER BY seq DESC LIMIT 1" | grep -q "auto_email.*a boolean"
'
test_expect_success 'a start event without the key: 65, nothing started' '
	n=$(q "SELECT count(*) FROM flow_instances") &&
	echo "{\"client_id\":\"C-9\"}" >nokey.json &&
	{ integra-flow $J start vendas <nokey.json 2>err; test $? -eq 65; } &&
	grep -q "its key (.data.proposal_id) gives nothing" err &&
	test "$(q "SELECT count(*) FROM flow_instances")" = "$n" &&
	{ integra-flow $J start nosuch <nokey.json 2>err; test $? -eq 65; } &&
	grep -q "no flow .nosuch." err
'
test_expect_success 'integra-flow set: typed settings, bad ones refused' '
	integra-flow $J set "$(inst 4 number)" recurring_days=30 auto_email=false |
	    jq -e ".settings.recurring_days == 30 and .settings.auto_email == false" &&
	{ integra-flow $J set "$(inst 4 number)" auto_email=maybe 2>err; test $? -eq 65; } &&
	grep -q "a string, not a boolean" err &&
	{ integra-flow $J set "$(inst 4 number)" colour=1 2>err; test $? -eq 65; } &&
	grep -q "not one of flow" err
'
test_expect_success 'a second start for the same proposal is a duplicate' '
	n=$(q "SELECT count(*) FROM flow_instances") &&
	ce proposal.accepted pa-1-again "{\"proposal_id\":\"P-1\",\"client_id\":\"C-1\"}" |
	    feed 40 &&
	test "$(q "SELECT count(*) FROM flow_instances")" = "$n"
'

# A step that keeps failing: retried by its target's policy, then failed.
test_expect_success 'a step out of attempts fails the instance with the reason' '
	sed "s|path: /new|path: /fail|" cfg.yaml >fail.yaml &&
	accepted 10 | feed 0 &&
	at 6 integra-retry -j "$JOURNAL" -c fail.yaml 2>/dev/null;
	at 7 integra-retry -j "$JOURNAL" -c fail.yaml 2>/dev/null;
	at 9 integra-retry -j "$JOURNAL" -c fail.yaml 2>/dev/null;
	at 12 integra-retry -j "$JOURNAL" -c fail.yaml 2>/dev/null;
	test "$(inst 10 status)" = failed &&
	inst 10 error | grep -q "died after 3 attempts" &&
	log_of 10 | grep -c "^step.retried$" | grep -q "^2$" &&
	log_of 10 | grep -q "^step.failed$"
'

test_expect_success 'stats and dashboard count the instances' '
	integra-flow $J stats >stats &&
	jq -e ".flows.vendas.by_status.completed >= 1 and
	    .flows.vendas.by_status.failed >= 2 and
	    .flows.vendas.by_status.cancelled == 2 and
	    .flows.vendas.completion.n >= 1 and
	    .flows.vendas.steps.generate_contract.p95_ms >= 300000" stats &&
	integra-flow $J dashboard | jq -e ".waiting_longest.vendas | length >= 1"
'
test_expect_success 'the flows in integra report metrics and the dashboard' '
	integra-report $J metrics >metrics &&
	grep -q "^integra_flow_instances{flow=\"vendas\",status=\"completed\"} 1$" metrics &&
	grep -q "^integra_flow_instances{flow=\"vendas\",status=\"cancelled\"} 2$" metrics &&
	grep -q "^integra_flow_completion_seconds_count{flow=\"vendas\"} 1$" metrics &&
	integra-report $J dashboard >dash.html &&
	grep -q "<table id=\"flows\">" dash.html &&
	grep -A1 "<table id=\"flows\">" dash.html | grep -q "<td>vendas</td>"
'
test_expect_success 'list filters by status and flow' '
	integra-flow $J list --json -S cancelled | jq -s -e "length == 2" &&
	integra-flow $J list -f vendas | head -1 | grep -q "^NUMBER" &&
	integra-flow $J list --json --errors yes | jq -s -e "all(.error != null)"
'
test_expect_success 'simulate: every request, the made-up events, sending nothing' '
	lines=$(wc -l <sink.log) && mails=$(ls mails | wc -l) &&
	n=$(q "SELECT count(*) FROM flow_instances") &&
	echo "{\"proposal_id\":\"S-1\",\"client_id\":\"C\",\"client_name\":\"Rui\",\"client_email\":\"rui@example.com\"}" |
	    integra-flow -c cfg.yaml simulate vendas >sim &&
	jq -s -e "map(select(.request) | .step) == [\"generate_contract\",
	    \"send_contract\", \"generate_invoice\"] and
	    (map(select(has(\"made_up\")) | .made_up) == [true, true]) and
	    (last | .status == \"completed\" and (.timeline | length) == 12)" sim &&
	jq -s -e ".[1].request.body.subject | startswith(\"Seu contrato\")" sim &&
	test "$(wc -l <sink.log)" = "$lines" &&
	test "$(ls mails | wc -l)" = "$mails" &&
	test "$(q "SELECT count(*) FROM flow_instances")" = "$n"
'
test_expect_success 'simulate --timeouts, and with the events given' '
	echo "{\"proposal_id\":\"S-2\",\"client_id\":\"C\",\"client_name\":\"Rui\",\"client_email\":\"rui@example.com\"}" >start.json &&
	integra-flow -c cfg.yaml simulate vendas --timeouts <start.json >sim &&
	jq -s -e "last | .status == \"failed\" and
	    (.error | test(\"timeout 2\"))" sim &&
	ce contract.signed x "{\"contract_id\":\"other\"}" >events.ndjson &&
	integra-flow -c cfg.yaml simulate vendas -e events.ndjson --timeouts \
	    <start.json >sim &&
	jq -s -e "map(select(has(\"made_up\")) | .made_up) == [false] and
	    (last | .status == \"failed\")" sim &&
	{ echo "{}" | integra-flow -c cfg.yaml simulate vendas 2>err;
	    test $? -eq 65; } && grep -q "gives nothing" err
'
test_expect_success 'a step whose program fails fails the instance, named' '
	accepted 11 | feed 0 &&
	q "UPDATE canonical_envelopes SET envelope = json_remove(envelope,
	    \"$.data.client_name\") WHERE event = (SELECT seq FROM events
	    WHERE id = (SELECT event_id FROM flow_instances
	    WHERE key = \"P-11\"))" &&
	round 6 && round 12 &&
	test "$(inst 11 status)" = failed &&
	inst 11 error | grep -q "^step .send_contract.: jq: error" &&
	log_of 11 | tail -1 | grep -qx failed
'
test_expect_success 'retention keeps the start event of an instance that goes on' '
	cp cfg.yaml ret.yaml &&
	printf "retention:\n  after: 90d\n  salt_env: RET_SALT\n" >>ret.yaml &&
	RET_SALT=s4lt at $((100 * 24 * 60)) integra-report -j "$JOURNAL" \
	    -c ret.yaml retention >/dev/null 2>&1 &&
	test "$(q "SELECT retained_at IS NOT NULL FROM events WHERE id =
	    (SELECT event_id FROM flow_instances WHERE key = \"P-1\")")" = 1 &&
	test "$(q "SELECT retained_at IS NULL FROM events WHERE id =
	    (SELECT event_id FROM flow_instances WHERE key = \"P-2\")")" = 1 &&
	test "$(inst 2 status)" = waiting
'
test_expect_success 'config check refuses a step id live instances stand on' '
	integra config check -c cfg.yaml -j "$JOURNAL" >out &&
	grep -q "1 flow" out &&
	sed "s/id: wait_signature/id: wait_sign/" cfg.yaml >renamed.yaml &&
	{ integra config check -c renamed.yaml -j "$JOURNAL" 2>err;
	    test $? -eq 78; } &&
	grep -q "flow .vendas. has no step .wait_signature., where [0-9]* live instances* stands* (FLX-" err
'
test_expect_success 'a flow the config gets wrong is refused with its line' '
	sed "s/        timeout: 7d//" cfg.yaml >notimeout.yaml &&
	{ integra config check -c notimeout.yaml 2>err; test $? -eq 78; } &&
	grep -q "step .wait_signature. awaits .contract.signed.: it needs match" err &&
	sed "s/goto send_contract/goto nowhere/" cfg.yaml >goto.yaml &&
	{ integra config check -c goto.yaml 2>err; test $? -eq 78; } &&
	grep -q "on_timeout goes to step .nowhere." err &&
	sed "s/^  vendas:/  integra.flow.failed:chat:/" cfg.yaml >clash.yaml &&
	{ integra config check -c clash.yaml 2>err; test $? -eq 78; } &&
	grep -q "has the name of a route" err &&
	sed "s/await: contract.signed/await: contract.unknown/" cfg.yaml >type.yaml &&
	{ integra config check -c type.yaml 2>err; test $? -eq 78; } &&
	grep -q "awaits event type .contract.unknown., which is not in the catalogue" err
'
test_done
