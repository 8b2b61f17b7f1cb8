#!/bin/sh
# The receiver's /api/flows: the same answers as integra-flow, the scopes
# of /api/events, and the errors in the API's shape.
. "$top_srcdir/tests/lib.sh"

start_sink sink -e
cat >cfg.yaml <<EOF
targets:
  contratos:
    url: http://127.0.0.1:$SINK_PORT/contracts
flows:
  vendas:
    on: proposal.accepted
    key: .data.proposal_id
    number: V-{seq:3}
    settings:
      auto_contract: true
      recurring_days: 0
    steps:
      - id: generate_contract
        to: contratos
        delay: 5m
        when: .settings.auto_contract
        save:
          contract_id: \$response.body.id
      - id: wait_signature
        await: contract.signed
        match: .data.contract_id
        equals: .vars.contract_id
        timeout: 1d
EOF
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null
WRITE=$(integra-keys -j "$JOURNAL" add writer -S events:write 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
ACME=$(integra-keys -j "$JOURNAL" add acme -T acme -S events:write 2>/dev/null)
start_receiver recv.log
# call METHOD PATH [BODY [KEY]]: the body in body, the status in status.
call() {
	curl -s -o body -w "%{http_code}\n" -X "$1" \
	    -H "X-API-Key: ${4-$WRITE}" -H "Content-Type: application/json" \
	    ${3:+--data-binary "$3"} "$URL$2" >status
}
start_body() {
	echo "{\"flow\":\"vendas\",\"event\":{\"proposal_id\":\"P-$1\",\"client_id\":\"C-$1\"}}"
}

test_expect_success 'POST /api/flows starts an instance: 201' '
	call POST /api/flows "$(start_body 1)" &&
	test "$(cat status)" = 201 &&
	jq -e ".number == \"V-001\" and .status == \"running\" and
	    .step == \"generate_contract\" and .settings.auto_contract == true" body
'
test_expect_success 'the same key again: 200, the same instance' '
	call POST /api/flows "$(start_body 1)" &&
	test "$(cat status)" = 200 && jq -e ".number == \"V-001\"" body &&
	test "$(q "SELECT count(*) FROM flow_instances")" = 1
'
test_expect_success 'bad starts: 400 with the reason, 404 for no flow' '
	call POST /api/flows "{\"flow\":\"vendas\"}" &&
	test "$(cat status)" = 400 && jq -e ".error.code == \"invalid\"" body &&
	call POST /api/flows "{\"flow\":\"vendas\",\"event\":{\"client_id\":\"x\"}}" &&
	test "$(cat status)" = 400 &&
	jq -r .error.message body | grep -q "its key (.data.proposal_id) gives nothing" &&
	call POST /api/flows "{\"flow\":\"nope\",\"event\":{}}" &&
	test "$(cat status)" = 404 &&
	call POST /api/flows "not json" && test "$(cat status)" = 400 &&
	test "$(q "SELECT count(*) FROM flow_instances")" = 1
'
test_expect_success 'GET /api/flows is integra-flow list, as a page' '
	call POST /api/flows "$(start_body 2)" &&
	call GET /api/flows "" "$READ" && test "$(cat status)" = 200 &&
	integra-flow -j "$JOURNAL" -c cfg.yaml list --json >cli &&
	jq -c ".instances[]" body >a && jq -c . cli >b && test_cmp a b &&
	call GET "/api/flows?limit=1" "" "$READ" &&
	test "$(jq ".instances | length" body)" = 1 &&
	call GET "/api/flows?cursor=$(jq -r .next body)" "" "$READ" &&
	test "$(jq ".instances | length" body)" = 1 &&
	call GET "/api/flows?status=bogus" "" "$READ" &&
	test "$(cat status)" = 400
'
test_expect_success 'GET /api/flows/ID by id or number' '
	call GET /api/flows/V-002 "" "$READ" && test "$(cat status)" = 200 &&
	id=$(jq -r .id body) &&
	call GET "/api/flows/$id" "" "$READ" && jq -e ".number == \"V-002\"" body &&
	call GET /api/flows/V-999 "" "$READ" && test "$(cat status)" = 404 &&
	jq -e ".error.code == \"not_found\"" body
'
test_expect_success 'PATCH settings: typed, 400 otherwise' '
	call PATCH /api/flows/V-002 "{\"settings\":{\"recurring_days\":30}}" &&
	test "$(cat status)" = 200 && jq -e ".settings.recurring_days == 30" body &&
	call PATCH /api/flows/V-002 "{\"settings\":{\"recurring_days\":\"30\"}}" &&
	test "$(cat status)" = 400 &&
	jq -r .error.message body | grep -q "a string, not a number" &&
	call PATCH /api/flows/V-002 "{\"nope\":1}" && test "$(cat status)" = 400
'
test_expect_success 'pause, resume, cancel; 409 when not in a state for it' '
	call POST /api/flows/V-002/pause && test "$(cat status)" = 200 &&
	jq -e ".status == \"paused\"" body &&
	call POST /api/flows/V-002/pause && test "$(cat status)" = 409 &&
	jq -e ".error.code == \"conflict\"" body &&
	call POST /api/flows/V-002/resume && jq -e ".status == \"running\"" body &&
	call POST /api/flows/V-002/cancel && jq -e ".status == \"cancelled\"" body &&
	call POST /api/flows/V-002/cancel && test "$(cat status)" = 409 &&
	call POST /api/flows/V-002/process && test "$(cat status)" = 409
'
test_expect_success 'process runs the step now; process-pending the rest' '
	call POST /api/flows/V-001/process && test "$(cat status)" = 200 &&
	jq -e ".delivery != null" body &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1;
	test "$(q "SELECT status FROM flow_instances WHERE number = \"V-001\"")" = waiting &&
	call POST /api/flows/process-pending && test "$(cat status)" = 200 &&
	jq -e ".instances == 0" body
'
test_expect_success 'stats, dashboard and unmatched' '
	call GET /api/flows/stats "" "$READ" &&
	jq -e ".flows.vendas.by_status.waiting == 1 and
	    .flows.vendas.by_status.cancelled == 1" body &&
	call GET /api/flows/dashboard "" "$READ" &&
	jq -e ".waiting_longest.vendas[0].number == \"V-001\"" body &&
	call GET "/api/flows/unmatched?flow=vendas" "" "$READ" &&
	jq -e ".unmatched == []" body
'
test_expect_success 'an instance started with a key is of its tenant, unless the event says' '
	call POST /api/flows "$(start_body 3)" "$ACME" &&
	test "$(cat status)" = 201 && jq -e ".tenant == \"acme\"" body &&
	call POST /api/flows "{\"flow\":\"vendas\",\"event\":{\"specversion\":\"1.0\",\"id\":\"x4\",\"source\":\"crm\",\"type\":\"proposal.accepted\",\"tenant\":\"beta\",\"data\":{\"proposal_id\":\"P-4\"}}}" "$ACME" &&
	test "$(cat status)" = 201 && jq -e ".tenant == \"beta\" and .number == \"V-001\"" body
'
test_expect_success 'the scopes: reading needs events:read, changes events:write' '
	call GET /api/flows "" "" && test "$(cat status)" = 401 &&
	call POST /api/flows/V-001/pause "" "$READ" && test "$(cat status)" = 403 &&
	call GET /api/flows/stats "" "$WRITE" && test "$(cat status)" = 403 &&
	call DELETE /api/flows/V-001 && test "$(cat status)" = 405
'
stop_started
test_done
