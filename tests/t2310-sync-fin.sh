#!/bin/sh
# integra-sync-fin: finance's syncs, here with offset paging.  A remote
# that fails in the middle ends the run (75) and keeps what its pages
# made; the next run makes the rest, nothing twice.  It runs its own jobs
# only.
. "$top_srcdir/tests/lib.sh"

N=$SYNC_N
sync_setup
integra-ingest -j "$JOURNAL" -s x -t y </dev/null 2>/dev/null

sync_remote 1 -X 3
test_expect_code 75 'a remote that fails in the middle: 75' '
	integra-sync-fin -c cfg.yaml -j "$JOURNAL" billing >events 2>err
'
test_expect_success '... the run failed; what its pages made is kept' '
	grep -q "page 3: HTTP 503" err &&
	test "$(wc -l <events)" = 80 &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs billing -n 1 >run &&
	jq -e ".status == \"failed\" and .pages == 2 and .sent == 80 and
	    (.error | test(\"page 3: HTTP 503\"))" run >/dev/null &&
	test "$(q "SELECT count(*) FROM sync_records
	    WHERE job = \"billing\"")" = 80
'
cp events events.before
sync_remote 1
test_expect_success '... the next run makes the rest, none twice' '
	: >crm.log &&
	integra-sync-fin -c cfg.yaml -j "$JOURNAL" >events 2>/dev/null &&
	test "$(wc -l <events)" = $((N - 80)) &&
	cat events.before events | jq -r .data.key | sort | uniq -d >twice &&
	test ! -s twice &&
	test "$(cat events.before events | jq -r .data.key | sort -u |
	    wc -l)" = $N
'
test_expect_success 'offset paging; integra-sync-fin ran the fin jobs only' '
	jq -r "select(.method == \"GET\") | .path" crm.log | sed -n 2p >got &&
	echo "/crm/billing?offset=40&limit=40" >expect && test_cmp expect got &&
	test "$(jq -r "select(.method == \"GET\") | .path" crm.log |
	    grep -vc "^/crm/billing")" = 0 &&
	cat events.before events | jq -s -e "map(select(.data.key ==
	    \"billing-000002\")) | .[0].data.record.amount == 102 + 20 + 10" \
	    >/dev/null
'
test_expect_success 'incremental none: a run again reads all, makes none' '
	integra-sync-fin -c cfg.yaml -j "$JOURNAL" >events 2>/dev/null &&
	test ! -s events &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs billing -n 1 >run &&
	jq -e ".read == $N and .changed == 0 and .watermark_to == null" \
	    run >/dev/null
'
test_expect_code 64 'a job of the other runner is refused: 64' '
	integra-sync-fin -c cfg.yaml -j "$JOURNAL" contracts 2>/dev/null
'
test_done
