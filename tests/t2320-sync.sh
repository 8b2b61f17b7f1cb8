#!/bin/sh
# integra-sync: the jobs and their state, the runs, a run started now, and
# their stats, on the command line and over HTTP (/api/sync).
. "$top_srcdir/tests/lib.sh"

N=$SYNC_N
sync_setup
integra-ingest -j "$JOURNAL" -s x -t y </dev/null 2>/dev/null
# Some history: contracts ran well, then failed (a wrong token); billing
# failed at its second page (the sixth request), then ran well.
sync_remote 1 -X 6
integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts >/dev/null 2>&1
CRM_TOKEN=wrong integra-sync-crm -c cfg.yaml -j "$JOURNAL" contracts \
    >/dev/null 2>&1
integra-sync-fin -c cfg.yaml -j "$JOURNAL" billing >/dev/null 2>&1
sync_remote 1
integra-sync-fin -c cfg.yaml -j "$JOURNAL" billing >/dev/null 2>&1

test_expect_success 'list: each job, its config and its state' '
	integra-sync -c cfg.yaml -j "$JOURNAL" list >list &&
	test "$(jq -r .job list | tr "\n" " ")" = \
	    "contracts billing caregivers " &&
	jq -s -e "map(select(.job == \"contracts\"))[0] |
	    .schedule == \"0 * * * *\" and .paging == \"page\" and
	    .incremental == \"updated_since\" and .state.records == $N and
	    .state.last_run.status == \"failed\" and .state.last_ok > 0" \
	    list >/dev/null &&
	jq -s -e "map(select(.job == \"caregivers\"))[0].state.last_run ==
	    null" list >/dev/null
'
test_expect_success 'runs and show' '
	integra-sync -c cfg.yaml -j "$JOURNAL" runs >runs &&
	test "$(jq -r .job runs | tr "\n" " ")" = \
	    "billing billing contracts contracts " &&
	integra-sync -c cfg.yaml -j "$JOURNAL" runs -n 1 billing >one &&
	test "$(jq -r .status one)" = ok &&
	integra-sync -c cfg.yaml -j "$JOURNAL" show "$(jq .id one)" >shown &&
	test_cmp one shown
'
test_expect_success 'stats: by job, over a window' '
	integra-sync -c cfg.yaml -j "$JOURNAL" stats >stats &&
	jq -e ".jobs.contracts.failed == 1 and .jobs.contracts.ok == 1 and
	    .jobs.billing.ok == 1 and .jobs.billing.failed == 1 and
	    .jobs.billing.read == $N + 40 and
	    (.jobs.contracts.last_error | test(\"401\"))" stats >/dev/null &&
	INTEGRA_CLOCK_OFFSET=86400 integra-sync -c cfg.yaml -j "$JOURNAL" \
	    stats -w 1h >later &&
	jq -e ".jobs == {}" later >/dev/null
'
test_expect_code 65 'show of a run there is not: 65' '
	integra-sync -c cfg.yaml -j "$JOURNAL" show 9999
'
test_expect_code 64 'misuse: start without a job' '
	integra-sync -c cfg.yaml -j "$JOURNAL" start
'
test_expect_code 64 'misuse: runs --dry-run' '
	integra-sync -c cfg.yaml -j "$JOURNAL" runs --dry-run
'
test_expect_code 64 'misuse: a job not in the config' '
	integra-sync -c cfg.yaml -j "$JOURNAL" start nope
'
test_expect_code 78 'a sync whose program does not compile is refused' '
	sed "s/key: .phone/key: .phone[/" cfg.yaml >broken.yaml &&
	integra config check -c broken.yaml >out 2>&1; rc=$?;
	grep -q "sync .caregivers.: records, key or transform does not compile" out && exit $rc
'
test_expect_code 78 'a bad schedule is refused' '
	sed "s/\"0 \* \* \* \*\"/\"hourly\"/" cfg.yaml >hourly.yaml &&
	integra config check -c hourly.yaml >out 2>&1; rc=$?;
	grep -q "schedule must be cron.s five fields" out && exit $rc
'

ADMIN=$(integra-keys -j "$JOURNAL" add admin -S admin 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
start_receiver receiver.log
test_expect_success 'GET /api/sync/jobs and /api/sync/jobs/NAME' '
	curl -s -H "X-API-Key: $READ" "$URL/api/sync/jobs" >jobs &&
	jq -e "[.jobs[].job] == [\"contracts\", \"billing\", \"caregivers\"]" \
	    jobs >/dev/null &&
	curl -s -H "X-API-Key: $READ" "$URL/api/sync/jobs/billing" >job &&
	jq -e ".job == \"billing\" and (.runs | length) == 2 and
	    .runs[0].read == $N" job >/dev/null &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "X-API-Key: $READ" \
	    "$URL/api/sync/jobs/nope")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" \
	    "$URL/api/sync/jobs")" = 401
'
test_expect_success 'GET /api/sync/stats' '
	curl -s -H "X-API-Key: $READ" "$URL/api/sync/stats?window=1d" >stats &&
	jq -e ".jobs.billing.runs == 2" stats >/dev/null &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "X-API-Key: $READ" \
	    "$URL/api/sync/stats?window=soon")" = 400
'
ok_runs() {
	q "SELECT count(*) FROM sync_runs WHERE job = \"billing\"
	    AND status = \"ok\""
}
test_expect_success 'POST /api/sync/start runs the job in the background' '
	runs=$(ok_runs) &&
	curl -s -o started -w "%{http_code}" -H "X-API-Key: $ADMIN" \
	    -H "Content-Type: application/json" -d "{\"job\":\"billing\"}" \
	    "$URL/api/sync/start" >code &&
	test "$(cat code)" = 202 &&
	jq -e ".job == \"billing\" and .started" started >/dev/null &&
	i=0 &&
	while [ $i -lt 100 ] && [ "$(ok_runs)" -le "$runs" ]; do
		sleep 0.1
		i=$((i + 1))
	done &&
	test "$(ok_runs)" = $((runs + 1)) &&
	test "$(q "SELECT read FROM sync_runs WHERE job = \"billing\"
	    ORDER BY id DESC LIMIT 1")" = $N
'
# post KEY BODY: the status POST /api/sync/start answers.
post() {
	curl -s -o /dev/null -w "%{http_code}" -H "X-API-Key: $1" \
	    -H "Content-Type: application/json" -d "$2" "$URL/api/sync/start"
}
test_expect_success '... 409 while a run holds the lock, 404, 400, 403' '
	q "UPDATE sync_jobs SET lock_owner = \"elsewhere:1:x\",
	    lock_until = 99999999999999 WHERE job = \"billing\"" &&
	test "$(post "$ADMIN" "{\"job\":\"billing\"}")" = 409 &&
	test "$(post "$ADMIN" "{\"job\":\"nope\"}")" = 404 &&
	test "$(post "$ADMIN" "[1]")" = 400 &&
	test "$(post "$ADMIN" "{\"job\":\"billing\",\"full\":3}")" = 400 &&
	test "$(post "$READ" "{\"job\":\"billing\"}")" = 403
'
test_done
