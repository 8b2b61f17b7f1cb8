#!/bin/sh
# The coverage: the clinics a collections service serves, each added by
# an admin by its name (integra-coverage, POST /api/coverage), looked up
# in the clinics' API (integra-sink plays it from tests/data/collections),
# kept as a record with an event, its first debtor sync started at once;
# listed and removed.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/collections
start_sink clinics -r "$D/clinics.routes"
export CLINICS_TOKEN=clinic-token
cat >cfg.in <<'EOF'
targets:
  clinics:
    url: http://127.0.0.1:@PORT@
    auth: {header: Authorization, scheme: Bearer, secret_env: CLINICS_TOKEN}
    timeout: 5s
  debtor-sync:
    sync: debtors
routes:
  - on: coverage.added
    to: debtor-sync
    body: .data.key
coverage:
  from: clinics
  path: /api/v1/clinics
  field: clinic_name
  transform: '{clinic_id: .id, name, city}'
  sync: debtors
syncs:
  debtors:
    runner: fin
    from: clinics
    over: coverage
    path: '/api/v1/clinics/\(.clinic_id)/patients'
    page_size: 3
    records: .data
    key: '"\($param.clinic_id)-\(.id)"'
    transform: '{patient_id: .id}'
    event: debtor.synced
EOF
sed "s/@PORT@/$SINK_PORT/" cfg.in >cfg.yaml
C="-c cfg.yaml -j "$JOURNAL""
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null

test_expect_success 'a name several clinics match: 65, the matches shown' '
	{ integra-coverage $C add Sorriso >out 2>err; test $? -eq 65; } &&
	jq -e ".matches == [{key: \"101\", name: \"Clinica Sorriso Centro\"},
	    {key: \"102\", name: \"Clinica Sorriso Norte\"},
	    {key: \"103\", name: \"Sorriso Kids Moema\"}]" out >/dev/null &&
	grep -q "several match the name" err
'
test_expect_success 'a name none matches: 65' '
	{ integra-coverage $C add Nenhuma >out 2>err; test $? -eq 65; } &&
	test ! -s out && grep -q "nothing matches the name" err
'
test_expect_success 'a name that is not one: 65, nothing asked' '
	: >clinics.log &&
	{ integra-coverage $C add "" >out 2>err; test $? -eq 65; } &&
	grep -q "the name must be 1 to 200 bytes" err &&
	{ integra-coverage $C add "$(printf "a\tb")" >out 2>err;
	    test $? -eq 65; } &&
	test ! -s clinics.log
'
test_expect_success 'one match: covered, an event, its first sync run' '
	integra-coverage $C add "Clinica Sorriso Centro" >out 2>err &&
	jq -e ".key == \"101\" and .name == \"Clinica Sorriso Centro\" and
	    .record == {clinic_id: 101, name: \"Clinica Sorriso Centro\",
	    city: \"São Paulo\"} and (.event | length) == 36" out >/dev/null &&
	test "$(q "SELECT type || \" \" || subject || \" \" || source
	    FROM events WHERE type = \"coverage.added\"")" = \
	    "coverage.added 101 coverage" &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"debtor.synced\"")" = 6 &&
	grep -q "sync .debtors/101.: 3 pages, 6 records read" err &&
	jq -r "select(.method == \"GET\") | .path" clinics.log | sed -n 1p |
	    grep -qx "/api/v1/clinics?name=Clinica%20Sorriso%20Centro"
'
test_expect_success 'the same again: covered already, 0, no second event' '
	integra-coverage $C add "Clinica Sorriso Centro" >again 2>err &&
	jq -e ".key == \"101\" and (has(\"event\") | not)" again >/dev/null &&
	grep -q "covered already" err &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"coverage.added\"")" = 1
'
test_expect_success 'list and show' '
	integra-coverage $C list >list &&
	jq -e ".coverage == [{key: \"101\", record: {city: \"São Paulo\",
	    clinic_id: 101, name: \"Clinica Sorriso Centro\"}}]" list \
	    >/dev/null &&
	integra-coverage $C show 101 >one &&
	jq -e ".key == \"101\"" one >/dev/null &&
	{ integra-coverage $C show 102 >/dev/null 2>err; test $? -eq 65; }
'
test_expect_success 'remove: the record gone, an event; again 65' '
	integra-coverage $C remove 101 >gone &&
	jq -e ".key == \"101\" and .record.clinic_id == 101" gone >/dev/null &&
	test "$(q "SELECT count(*) FROM sync_records
	    WHERE job = \"coverage\"")" = 0 &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"coverage.removed\" AND subject = \"101\"")" = 1 &&
	{ integra-coverage $C remove 101 >/dev/null 2>err; test $? -eq 65; } &&
	grep -q "not covered" err
'
test_expect_success 'the clinics API failing: 69, nothing kept' '
	sed "s/@PORT@/1/" cfg.in >down.yaml &&
	{ integra-coverage -c down.yaml -j "$JOURNAL" add X >out 2>err;
	    test $? -eq 69; } &&
	grep -q "cannot be asked" err
'
test_expect_success 'a config without coverage: 78' '
	sed "/^coverage:/,/^  sync: debtors/d; /over: coverage/d" cfg.yaml |
	    sed "s/path: .\/api\/v1\/clinics\/.*/path: \/api\/v1\/clinics\/101\/patients/" \
	    >none.yaml &&
	{ integra-coverage -c none.yaml -j "$JOURNAL" list >/dev/null 2>err;
	    test $? -eq 78; } &&
	grep -q "has no coverage" err
'

# runs N: the runs of clinic 101's debtor sync that ended ok.
runs() {
	q "SELECT count(*) FROM sync_runs WHERE job = \"debtors/101\"
	    AND status = \"ok\""
}
test_expect_success 'a route step to a sync target starts its run' '
	before=$(runs) &&
	integra-coverage $C add -n "Clinica Sorriso Centro" >/dev/null 2>&1 &&
	test "$(runs)" = "$before" &&
	integra-map $C --pending >/dev/null 2>&1 &&
	integra-dispatch $C --pending >out 2>err &&
	jq -e -s "map(select(.target == \"debtor-sync\")) | length >= 1 and
	    all(.[]; .status == \"delivered\" and .http_status == 202)" \
	    out >/dev/null &&
	i=0 &&
	while [ "$(runs)" = "$before" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	test "$(runs)" -gt "$before"
'
test_expect_success '... a body that is no key: dead, invalid' '
	printf "{\"specversion\":\"1.0\",\"id\":\"c9\",\"source\":\"t\",\"type\":\"coverage.added\",\"data\":{\"key\":\"a/b\",\"record\":{}}}\n" |
	    integra-ingest $C 2>/dev/null | integra-normalize $C 2>/dev/null |
	    integra-map $C 2>/dev/null | integra-dispatch $C >out 2>/dev/null;
	jq -e "select(.target == \"debtor-sync\") | .status == \"dead\"" \
	    out >/dev/null &&
	test "$(q "SELECT error_class FROM deliveries
	    WHERE target = \"debtor-sync\" AND status = \"dead\"")" = invalid
'
test_expect_success 'a sync target with a url, or of no sync: refused' '
	sed "s/^    sync: debtors$/    sync: nothing/" cfg.yaml >b1.yaml &&
	{ integra config check -c b1.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "starts sync .nothing., which is not defined" out &&
	sed "s|^    sync: debtors$|    sync: debtors\n    url: http://127.0.0.1:9|" \
	    cfg.yaml >b2.yaml &&
	{ integra config check -c b2.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "a sync.s target has no url" out
'

ADMIN=$(integra-keys -j "$JOURNAL" add admin -S admin 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
start_receiver recv.log
call() {
	curl -s -o body -w "%{http_code}\n" -X "$1" \
	    -H "X-API-Key: ${4-$ADMIN}" -H "Content-Type: application/json" \
	    ${3:+--data-binary "$3"} "$URL$2" >status
}
test_expect_success 'POST /api/coverage: several match, 409 with them' '
	call POST /api/coverage "{\"clinic_name\":\"Sorriso\"}" &&
	test "$(cat status)" = 409 &&
	jq -e ".error.code == \"ambiguous\" and (.matches | length) == 3" body \
	    >/dev/null
'
test_expect_success '... none, 404; a body without the name, 400' '
	call POST /api/coverage "{\"clinic_name\":\"Nenhuma\"}" &&
	test "$(cat status)" = 404 &&
	jq -e ".error.code == \"not_found\"" body >/dev/null &&
	call POST /api/coverage "{\"name\":\"Sorriso\"}" &&
	test "$(cat status)" = 400 &&
	jq -e ".error.message == \"the body must be {\\\"clinic_name\\\": NAME}\"" \
	    body >/dev/null &&
	call POST /api/coverage "[1" && test "$(cat status)" = 400
'
test_expect_success '... one: 201, and its first sync started' '
	integra-coverage $C remove 101 >/dev/null 2>&1 &&
	before=$(runs) &&
	call POST /api/coverage "{\"clinic_name\":\"Clinica Sorriso Centro\"}" &&
	test "$(cat status)" = 201 &&
	jq -e ".key == \"101\" and .sync == {job: \"debtors\",
	    started: true}" body >/dev/null &&
	i=0 &&
	while [ "$(runs)" = "$before" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	test "$(runs)" = $((before + 1))
'
test_expect_success '... again: 200, covered already' '
	call POST /api/coverage "{\"clinic_name\":\"Clinica Sorriso Centro\"}" &&
	test "$(cat status)" = 200
'
test_expect_success 'GET /api/coverage and /api/coverage/KEY; a reader may' '
	call GET /api/coverage "" "$READ" && test "$(cat status)" = 200 &&
	jq -e ".coverage | map(.key) == [\"101\"]" body >/dev/null &&
	call GET /api/coverage/101 "" "$READ" && test "$(cat status)" = 200 &&
	call GET /api/coverage/102 "" "$READ" && test "$(cat status)" = 404
'
test_expect_success '... but not add or remove: 403' '
	call POST /api/coverage "{\"clinic_name\":\"X\"}" "$READ" &&
	test "$(cat status)" = 403 &&
	call DELETE /api/coverage/101 "" "$READ" && test "$(cat status)" = 403
'
test_expect_success 'POST /api/sync/start runs one record s run: key' '
	before=$(runs) &&
	call POST /api/sync/start "{\"job\":\"debtors\",\"key\":\"101\"}" &&
	test "$(cat status)" = 202 &&
	jq -e ". == {job: \"debtors\", run: \"debtors/101\", started: true}" \
	    body >/dev/null &&
	i=0 &&
	while [ "$(runs)" = "$before" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	test "$(runs)" = $((before + 1)) &&
	call POST /api/sync/start "{\"job\":\"debtors\",\"key\":\"1/2\"}" &&
	test "$(cat status)" = 400 &&
	call POST /api/sync/start "{\"job\":\"debtors\",\"key\":7}" &&
	test "$(cat status)" = 400
'
test_expect_success 'DELETE /api/coverage/KEY: 200, then 404' '
	call DELETE /api/coverage/101 && test "$(cat status)" = 200 &&
	jq -e ".key == \"101\"" body >/dev/null &&
	call DELETE /api/coverage/101 && test "$(cat status)" = 404
'
test_expect_success 'a configuration without coverage: DELETE is 404, nothing covered' '
	stop_pids "$RECEIVER" &&
	printf "sources:\n  site:\n    type: lead.created\n" >cfg.yaml &&
	start_receiver recv2.log &&
	call DELETE /api/coverage/101 && test "$(cat status)" = 404 &&
	test "$(jq -r .error.code body)" = not_found
'
test_expect_success 'no clinic name or patient data in any log line' '
	! grep -h "Sorriso\|Souza\|529.982\|example.com" err recv.log
'
test_done
