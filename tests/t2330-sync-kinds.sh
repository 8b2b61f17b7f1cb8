#!/bin/sh
# Syncs over a record set, whose records hold records of several kinds:
# the clinics' API of tests/data/collections (integra-sink plays it) read
# once for each clinic covered, each patient taken apart into patient,
# contract and installment records, each new or changed one an event that
# says what changed, before and after; a remote that pages for ever stops
# at max_pages.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/collections
start_sink clinics -r "$D/clinics.routes"
export CLINICS_TOKEN=clinic-token
cat >cfg.in <<'EOF'
targets:
  clinics:
    url: http://127.0.0.1:@PORT@
    auth: {header: Authorization, scheme: Bearer, secret_env: CLINICS_TOKEN}
coverage:
  from: clinics
  path: /api/v1/clinics
  transform: '{clinic_id: .id, name}'
syncs:
  debtors:
    runner: fin
    from: clinics
    over: coverage
    path: '/api/v1/clinics/\(.clinic_id)/patients'
    page_size: 3
    records: .data
    each:
      patient:
        key: '"\($param.clinic_id)-\(.id)"'
        transform: '{patient_id: .id, clinic: $param.name}'
        event: debtor.synced
      contract:
        records: '. as $p | .contracts[] | . + {patient_id: $p.id}'
        key: '"\($param.clinic_id)-\(.id)"'
        transform: '{contract_id: .id, patient_id, total}'
      installment:
        records: '. as $p | .contracts[] as $c | $c.installments[] | . + {contract_id: $c.id}'
        key: '"\($param.clinic_id)-\(.id)"'
        transform: '{installment_id: .id, contract_id, due_date, amount, status}'
        event: installment.synced
    event: contract.synced
  looping:
    runner: fin
    from: clinics
    path: /api/v1/clinics/999/patients
    page_size: 1
    max_pages: 4
    records: .data
    event: debtor.synced
EOF
sed "s/@PORT@/$SINK_PORT/" cfg.in >cfg.yaml
C="-c cfg.yaml -j "$JOURNAL""
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null

test_expect_success 'the config takes kinds, over and a path made of $param' '
	integra config check -c cfg.yaml >check 2>&1 &&
	grep -q "2 syncs" check
'
test_expect_success 'a sync over a record set with none has no run' '
	integra-sync-fin $C debtors >events 2>err &&
	test ! -s events &&
	grep -q "has no records: no run" err
'
test_expect_success 'a clinic covered: its run reads its patients' '
	integra-coverage $C add -n "Clinica Sorriso Centro" >added 2>/dev/null &&
	integra-sync-fin $C debtors >events 2>err &&
	jq -r "select(.method == \"GET\") | .path" clinics.log |
	    grep /patients >gets &&
	printf "%s\n" "/api/v1/clinics/101/patients?page=1&per_page=3" \
	    "/api/v1/clinics/101/patients?page=2&per_page=3" \
	    "/api/v1/clinics/101/patients?page=3&per_page=3" >expect &&
	test_cmp expect gets &&
	grep -q "sync .debtors/101.: 3 pages, 6 records read" err
'
test_expect_success '... each kind its events, keyed KIND:KEY' '
	jq -r "[.type, .subject] | join(\" \")" events | sort >kinds &&
	test "$(grep -c "^debtor.synced patient:101-" kinds)" = 6 &&
	test "$(grep -c "^contract.synced contract:101-" kinds)" = 6 &&
	test "$(grep -c "^installment.synced installment:101-" kinds)" = 13 &&
	jq -e -s "all(.[]; .source == \"sync/debtors\" and .data.created)" \
	    events >/dev/null
'
test_expect_success '... a kind record made of its parent and $param' '
	jq -c "select(.subject == \"contract:101-5002\") | .data" events >c &&
	echo "{\"key\":\"contract:101-5002\",\"kind\":\"contract\",\"created\":true,\"changed\":[\"contract_id\",\"patient_id\",\"total\"],\"record\":{\"contract_id\":5002,\"patient_id\":1002,\"total\":900}}" >expect &&
	test_cmp expect c &&
	jq -s -e "map(select(.subject == \"patient:101-1001\"))[0] |
	    .data.record == {patient_id: 1001,
	    clinic: \"Clinica Sorriso Centro\"}" events >/dev/null
'
test_expect_success '... the run is the clinic s own: its job, its lock' '
	integra-sync $C runs debtors/101 >runs &&
	jq -s -e "length == 1 and (.[0] | .job == \"debtors/101\" and
	    .status == \"ok\" and .read == 6 and .sent == 25)" runs \
	    >/dev/null &&
	test "$(q "SELECT count(*) FROM sync_jobs WHERE job = \"debtors/101\"")" = 1 &&
	test "$(q "SELECT count(*) FROM sync_records
	    WHERE job = \"debtors\"")" = 25
'
sed -e 's/"id":9002,\("number":2,"due_date":"2026-02-10","amount":\)400.0,"status":"overdue"/"id":9002,\1450.0,"status":"paid"/' \
    "$D/clinics.routes" >changed.routes
stop_pids "$SINK_PID"
start_sink clinics2 -r changed.routes
sed "s/@PORT@/$SINK_PORT/" cfg.in >cfg.yaml
test_expect_success 'the remote changed: only what changed is an event' '
	grep -q "\"id\":9002,\"number\":2,\"due_date\":\"2026-02-10\",\"amount\":450.0" changed.routes &&
	integra-sync $C start -p 101 debtors >events 2>err &&
	test "$(wc -l <events)" = 1 &&
	jq -c .data events >d &&
	echo "{\"key\":\"installment:101-9002\",\"kind\":\"installment\",\"created\":false,\"changed\":[\"amount\",\"status\"],\"before\":{\"amount\":400,\"status\":\"overdue\"},\"after\":{\"amount\":450,\"status\":\"paid\"},\"record\":{\"amount\":450,\"contract_id\":5001,\"due_date\":\"2026-02-10\",\"installment_id\":9002,\"status\":\"paid\"}}" >expect &&
	test_cmp expect d
'
test_expect_success '--param names a record of the set: another is 64' '
	{ integra-sync $C start -p 555 debtors >/dev/null 2>err; test $? -eq 64; } &&
	grep -q "has no record .555." err &&
	{ integra-sync $C start -p 1 looping >/dev/null 2>err; test $? -eq 64; } &&
	grep -q "over no record set" err
'
test_expect_success 'a remote that pages for ever stops at max_pages: 76' '
	{ integra-sync-fin $C looping >events 2>err; test $? -eq 76; } &&
	test "$(wc -l <events)" = 4 &&
	grep -q "still had pages after 4 (max_pages)" err &&
	integra-sync $C runs looping -n 1 >run &&
	jq -e ".status == \"failed\" and .pages == 4 and .sent == 4" run \
	    >/dev/null
'
test_expect_success 'the config refuses key beside each, over a set unknown' '
	sed "s/^    event: contract.synced/    key: .id/" cfg.yaml >bad1.yaml &&
	{ integra config check -c bad1.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "with each, key and transform belong to each kind" out &&
	sed "s/over: coverage/over: nothing/" cfg.yaml >bad2.yaml &&
	{ integra config check -c bad2.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "over .nothing., which is neither a sync nor the coverage" out &&
	sed "/over: coverage/d" cfg.yaml >bad3.yaml &&
	{ integra config check -c bad3.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "a path with .( needs over" out
'
test_expect_success 'no name, CPF, phone or e-mail in any log line' '
	! grep -h "Souza\|529.982\|99999\|example.com" err *.err
'
test_done
