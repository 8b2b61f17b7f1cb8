#!/bin/sh
# integra-sync-crm: the CRM's syncs page through a remote API (the test
# sink's -G mode), make each new or changed record an event for the
# pipeline, keep a watermark or a cursor, hold a lock, and keep records
# that are bad without stopping.
. "$top_srcdir/tests/lib.sh"

N=$SYNC_N
sync_setup
sync_remote 1
integra-ingest -j "$JOURNAL" -s x -t y </dev/null 2>/dev/null

test_expect_success 'the first run makes every record an event' '
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts >events 2>err &&
	test "$(wc -l <events)" = $N &&
	jq -e -s "all(.[]; .type == \"contract.synced\" and
	    .source == \"sync/contracts\" and .data.created and
	    .data.changed == [\"amount\", \"client\", \"contract_id\"])" \
	    events >/dev/null &&
	jq -c ".data.record" events | sed -n 1p >first &&
	echo "{\"amount\":100,\"client\":\"Name 0\",\"contract_id\":\"contracts-000000\"}" \
	    >expect && test_cmp expect first &&
	test "$(q "SELECT count(*) FROM events WHERE source = \"sync/contracts\"
	    AND status = \"normalized\"")" = $N &&
	test "$(q "SELECT count(*) FROM sync_records
	    WHERE job = \"contracts\"")" = $N
'
test_expect_success '... pages of 100 read with the key, the run recorded' '
	jq -r "select(.method == \"GET\") | .path" crm.log >gets &&
	printf "%s\n" "/crm/contracts?page=1&per_page=100" \
	    "/crm/contracts?page=2&per_page=100" \
	    "/crm/contracts?page=3&per_page=100" >expect &&
	test_cmp expect gets &&
	integra-sync -c cfg.yaml -j "$JOURNAL" show 1 >run &&
	jq -e ".status == \"ok\" and .pages == 3 and .read == $N and
	    .changed == $N and .sent == $N and .failed == 0 and
	    .watermark_from == null and
	    .watermark_to == \"2026-01-01T00:04:09.000Z\"" run >/dev/null
'
test_expect_success 'the events go on through map and dispatch: upserts' '
	integra-map -c cfg.yaml -j "$JOURNAL" <events 2>/dev/null |
	    integra-dispatch -c cfg.yaml -j "$JOURNAL" >/dev/null 2>&1 &&
	test "$(jq -r "select(.method == \"PUT\") | .path" ops.log |
	    sort | uniq -c | awk "{ print \$1, \$2 }")" = \
	    "$N /operacao/contracts" &&
	jq -r "select(.method == \"PUT\") | .body" ops.log | jq -s -e \
	    "map(select(.contract_id == \"contracts-000001\")) |
	    length == 1 and .[0].amount == 101" >/dev/null
'
test_expect_success 'a run with nothing new asks from the watermark, makes none' '
	: >crm.log &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts >events \
	    2>/dev/null &&
	test ! -s events &&
	jq -r .path crm.log |
	    grep -q "updated_since=2026-01-01T00%3A04%3A09.000Z"
'
sync_remote 2
test_expect_success 'a tenth changed: only they are read and made events' '
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts >events \
	    2>/dev/null &&
	test "$(wc -l <events)" = $((N / 10)) &&
	jq -e -s "all(.[]; (.data.created | not) and
	    .data.changed == [\"amount\"])" events >/dev/null &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs contracts -n 1 >run &&
	jq -e ".read == $((N / 10)) and .changed == $((N / 10))" run >/dev/null
'
test_expect_success '--full reads everything, finds nothing new' '
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" --full contracts \
	    >events 2>/dev/null &&
	test ! -s events &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs contracts -n 1 >run &&
	jq -e ".read == $N and .changed == 0 and .full == 1" run >/dev/null
'
sync_remote 3
test_expect_success '--dry-run shows what would change and writes nothing' '
	q "SELECT count(*), sum(length(hash)) FROM sync_runs, sync_records" \
	    >before &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" -n contracts >dry \
	    2>/dev/null &&
	test "$(wc -l <dry)" = $((N / 10)) &&
	jq -e -s "all(.[]; .job == \"contracts\" and
	    .changed == [\"amount\"])" dry >/dev/null &&
	q "SELECT count(*), sum(length(hash)) FROM sync_runs, sync_records" \
	    >after && test_cmp before after
'
test_expect_code 75 'a second run while one holds the lock: 75' '
	q "UPDATE sync_jobs SET lock_owner = \"elsewhere:1:x\",
	    lock_until = 99999999999999 WHERE job = \"contracts\"" &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts 2>err
'
test_expect_success '... saying who holds it' '
	grep -q "it is running already (elsewhere:1:x holds it" err
'
test_expect_success 'a lock whose holder on this host is gone is taken' '
	sleep 30 & dead=$!; kill $dead; wait $dead 2>/dev/null;
	q "UPDATE sync_jobs SET lock_owner = \"$(hostname):$dead:x\"
	    WHERE job = \"contracts\";
	    INSERT INTO sync_runs (job, started_at, status, \"full\")
	    VALUES (\"contracts\", 1, \"running\", 0)" &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts >/dev/null 2>&1 &&
	test "$(q "SELECT status || \" \" || error FROM sync_runs
	    WHERE started_at = 1")" = \
	    "failed it stopped before its end (killed?)" &&
	test "$(q "SELECT lock_owner IS NULL FROM sync_jobs
	    WHERE job = \"contracts\"")" = 1
'
# On a terminal (script(1) gives it one) a run shows its progress on
# stderr: records of the total, pages, records a second, time left; in a
# pipe, never.  The pages are slowed, so that the line is drawn.
sync_remote 3 -D /crm/contracts=200
test_expect_success 'a progress line on a terminal, none in a pipe' '
	script -qec "integra-sync-crm -c cfg.yaml -j \"$JOURNAL\" --full contracts >/dev/null" \
	    tty.out >/dev/null 2>&1 &&
	tr "\r" "\n" <tty.out |
	    grep -q "integra-sync-crm: [0-9]* of $N records, [0-9]* pages, [0-9]*/s, [0-9]* s left" &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" --full contracts \
	    2>pipe.err >/dev/null &&
	! grep -q "records, " pipe.err
'
sync_remote 3
test_expect_success 'cursor paging, resumed from the last cursor' '
	: >crm.log &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" caregivers >events \
	    2>/dev/null &&
	test "$(wc -l <events)" = $N &&
	test "$(jq -r .subject events | sort -u | wc -l)" = $N &&
	grep -q "\"subject\":\"+55119" events &&
	cursor=$(q "SELECT watermark FROM sync_jobs
	    WHERE job = \"caregivers\"") &&
	test -n "$cursor" && : >crm.log &&
	integra-sync-crm -c cfg.yaml -j "$JOURNAL" caregivers >again \
	    2>/dev/null && test ! -s again &&
	jq -r .path crm.log | grep -q "cursor=$cursor"
'
# A transform that fails for some records: they are kept rejected, the
# run goes on, and nothing of theirs reaches the log.
sed -e "s/@CRM@/$SINK_PORT/g" -e "s/@OPS@/$OPS/g" \
    -e "s/transform: '{phone, name}'/transform: 'if (.amount % 100) == 7 then error(\"no: \\\\(.email)\") else {phone, name} end'/" \
    cfg.in >bad.yaml
test_expect_code 65 'records whose transform fails are refused: 65' '
	integra-sync-crm -c bad.yaml -j "$JOURNAL" --full caregivers \
	    >events 2>err
'
test_expect_success '... kept rejected with the reason, the rest go on' '
	test "$(q "SELECT count(*) FROM events
	    WHERE source = \"sync/caregivers\" AND status = \"rejected\"")" = 3 &&
	q "SELECT error FROM events WHERE source = \"sync/caregivers\"
	    AND status = \"rejected\" LIMIT 1" | grep -q "^jq: error: no: " &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs caregivers -n 1 >run &&
	jq -e ".status == \"ok\" and .failed == 3" run >/dev/null &&
	grep -q "record .* of page .* refused" err &&
	! grep -q "@example.com\|Name [0-9]\|+55119" err
'
test_expect_success '... and kept once when they come again as they were' '
	integra-sync-crm -c bad.yaml -j "$JOURNAL" --full caregivers \
	    >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM events
	    WHERE source = \"sync/caregivers\" AND status = \"rejected\"")" = 3
'
test_expect_code 75 'a wrong secret: the remote says 401, the run fails' '
	CRM_TOKEN=wrong integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts \
	    2>err
'
test_expect_success '... with why' '
	grep -q "page 1: HTTP 401" err
'
test_expect_code 78 'a missing secret: 78' '
	env -u CRM_TOKEN integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts \
	    2>/dev/null
'
test_expect_code 78 'a sync from a target there is not is refused' '
	sed "s/from: crm$/from: nowhere/" cfg.yaml >nowhere.yaml &&
	integra-sync-crm -c nowhere.yaml -j "$JOURNAL" 2>err; rc=$?;
	grep -q "reads from .nowhere., which is not an HTTP target" err &&
	exit $rc
'
test_expect_success 'integra-report: the runs in the metrics and stats' '
	integra-report -c cfg.yaml -j "$JOURNAL" metrics >metrics &&
	promtool check metrics <metrics &&
	grep -q "^integra_sync_runs_total{job=\"contracts\",status=\"failed\"} 2$" \
	    metrics &&
	grep -q "^integra_sync_last_failed{job=\"contracts\"} 1$" metrics &&
	grep -q "^integra_sync_records_total{job=\"caregivers\",outcome=\"refused\"} 6$" \
	    metrics &&
	integra-report -c cfg.yaml -j "$JOURNAL" stats --json >stats &&
	jq -e ".syncs.contracts.last == \"failed\" and
	    .syncs.caregivers.refused == 6" stats >/dev/null
'
test_expect_code 1 'integra-report health: a failed last run warns' '
	integra-report -c cfg.yaml -j "$JOURNAL" health >health; rc=$?;
	grep -q "sync .contracts. failed its last run" health && exit $rc
'
test_done
