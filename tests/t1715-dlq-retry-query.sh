#!/bin/sh
# integra-dlq retry by query: the filters (type, target, source, tenant,
# since and until, error class, archived) each narrow what it takes;
# --dry-run changes and sends nothing and counts by target what a retry
# would put back; the retry then puts back, and dispatch sends, just that.
. "$top_srcdir/tests/lib.sh"

# 14 dead letters: crm 7, erp 5, fin 2 (lib.sh).
retry_fixture "{max_attempts: 1}"

# dry [QUERY]: the dry run's JSON summary, one line.
dry() {
	integra-dlq -j "$JOURNAL" retry --dry-run --json "$@" | jq -c .
}
# snap: every delivery as it is, to tell that nothing changed.
snap() {
	q "SELECT id, status, attempts, not_before, error_class, dead_at,
	    archived_at, updated_at FROM deliveries ORDER BY id"
}
# sent: the requests the sink has had.
sent() {
	wc -l <sink.log
}

test_expect_success 'the queue: 14 dead letters to three targets' '
	integra-dlq -j "$JOURNAL" stats --json >st &&
	jq -e ".dead == 14 and .by_target == {crm: 7, erp: 5, fin: 2} and
	    .by_error_class == {http_4xx: 7, http_5xx: 7}" st &&
	test "$(sent)" = 14
'
test_expect_success 'dry run of --all: how many, and to which targets' '
	{
		printf "{\"dry_run\":true,\"dead_letters\":14,\"by_target\":"
		echo "{\"crm\":7,\"erp\":5,\"fin\":2}}"
	} >expect &&
	dry --all >got && test_cmp expect got
'
test_expect_success 'each filter narrows what it takes' '
	test "$(dry -T crm | jq -c .by_target)" = "{\"crm\":7}" &&
	test "$(dry -t client.registered | jq -c .by_target)" = \
	    "{\"crm\":2,\"fin\":2}" &&
	test "$(dry -s form | jq -c .by_target)" = "{\"crm\":2,\"erp\":2}" &&
	test "$(dry --tenant acme | jq -c .by_target)" = \
	    "{\"crm\":4,\"erp\":2,\"fin\":2}" &&
	test "$(dry --tenant default | jq .dead_letters)" = 6 &&
	test "$(dry --class http_5xx | jq -c .by_target)" = \
	    "{\"erp\":5,\"fin\":2}" &&
	test "$(dry --class http_4xx | jq -c .by_target)" = "{\"crm\":7}"
'
test_expect_success 'filters together: each one more narrows' '
	test "$(dry --class http_5xx --tenant acme | jq -c .by_target)" = \
	    "{\"erp\":2,\"fin\":2}" &&
	test "$(dry --class http_5xx --tenant acme -s crm |
	    jq -c .by_target)" = "{\"fin\":2}" &&
	test "$(dry -t lead.created -T crm -s site | jq .dead_letters)" = 3 &&
	test "$(dry --all -T erp | jq .dead_letters)" = 5
'
test_expect_success 'what nothing matches: 0, no target, exit 0' '
	test "$(dry --class timeout)" = \
	    "{\"dry_run\":true,\"dead_letters\":0,\"by_target\":{}}" &&
	test "$(dry -s nowhere | jq .dead_letters)" = 0 &&
	test "$(dry -T crm -t client.registered -s site | jq .dead_letters)" = 0
'
test_expect_success 'since and until: when they died' '
	q "UPDATE deliveries SET dead_at = 1577836800000 WHERE event_id IN
	    (SELECT id FROM events WHERE source = \"site\")" &&
	test "$(dry -b 2021-01-01T00:00:00Z | jq -c .by_target)" = \
	    "{\"crm\":3,\"erp\":3}" &&
	test "$(dry -a 2021-01-01T00:00:00Z | jq .dead_letters)" = 8 &&
	test "$(dry -a 2019-12-31T00:00:00Z -b 2020-01-02T00:00:00Z |
	    jq .dead_letters)" = 6 &&
	test "$(dry -b 1577836800000 | jq .dead_letters)" = 0 &&
	test "$(dry -a 1577836800000 -b 1577836800001 |
	    jq .dead_letters)" = 6
'
test_expect_success '--class unknown: a dead letter kept with no class' '
	q "UPDATE deliveries SET error_class = NULL WHERE id = (SELECT min(id)
	    FROM deliveries WHERE target = \"fin\")" &&
	test "$(dry --class unknown | jq -c .by_target)" = "{\"fin\":1}" &&
	test "$(dry --class http_5xx -T fin | jq .dead_letters)" = 1 &&
	q "UPDATE deliveries SET error_class = \"http_5xx\"
	    WHERE error_class IS NULL"
'
test_expect_success 'as text: the count, then a line a target' '
	integra-dlq -j "$JOURNAL" retry --class http_5xx --dry-run >text &&
	{
		echo "7 dead letters would go back to pending"
		printf "  %-30s %8d\n" erp 5 fin 2
	} >expect &&
	test_cmp expect text
'
test_expect_success 'a dry run changes nothing, and nothing is sent' '
	snap >before && n=$(sent) &&
	dry --all >/dev/null && dry -T crm -s form >/dev/null &&
	integra-dlq -j "$JOURNAL" retry --all --dry-run >/dev/null &&
	snap >after && test_cmp before after &&
	test "$(q "SELECT count(*) FROM deliveries
	    WHERE status = \"dead\"")" = 14 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out 2>&1 &&
	test "$(sent)" = "$n" && snap >after && test_cmp before after
'
test_expect_success '--archived: archived ones only with it' '
	integra-dlq -j "$JOURNAL" archive --all -T erp >/dev/null &&
	test "$(dry -T erp | jq .dead_letters)" = 0 &&
	test "$(dry -T erp --archived | jq .dead_letters)" = 5 &&
	test "$(dry --all | jq .dead_letters)" = 9 &&
	test "$(dry --all --archived | jq -c .by_target)" = \
	    "{\"crm\":7,\"erp\":5,\"fin\":2}"
'
test_expect_success 'retry puts back what dry run named; dispatch sends it' '
	test "$(dry -s form -T crm | jq -c .by_target)" = "{\"crm\":2}" &&
	n=$(sent) &&
	integra-dlq -j "$JOURNAL" retry -s form -T crm >records 2>err &&
	jq -e -s "length == 2 and all(.status == \"pending\")" records &&
	jq -r .id records | sort >got &&
	q "SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id
	    WHERE e.source = \"form\" AND d.target = \"crm\"" | sort >want &&
	test_cmp want got &&
	grep -q "2 back to pending (crm 2), 0 not found" err &&
	test "$(sent)" = "$n" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <records >out 2>/dev/null &&
	jq -e -s "length == 2 and all(.status == \"delivered\")" out &&
	tail -n +$((n + 1)) sink.log >new &&
	jq -e -s "length == 2 and all(.path == \"/crm\" and .status == 200)" \
	    new &&
	jq -r .event new | sort >got &&
	q "SELECT e.id FROM events e WHERE e.source = \"form\"" | sort >want &&
	test_cmp want got
'
test_expect_success '--json: the summary of what was done, not the records' '
	test "$(dry --class http_5xx --archived | jq -c .by_target)" = \
	    "{\"erp\":5,\"fin\":2}" &&
	integra-dlq -j "$JOURNAL" retry --class http_5xx --archived --json \
	    >summary 2>/dev/null &&
	jq -e ". == {dry_run: false, dead_letters: 7,
	    by_target: {erp: 5, fin: 2}}" summary &&
	test "$(wc -l <summary)" = 1 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE status = \"pending\"
	    AND target IN (\"erp\", \"fin\")")" = 7 &&
	n=$(sent) &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out 2>/dev/null &&
	tail -n +$((n + 1)) sink.log >new &&
	test "$(jq -r .path new | sort | uniq -c | awk "{print \$2, \$1}" |
	    tr "\n" " ")" = "/erp 5 /fin 2 " &&
	test "$(dry --class http_5xx --archived | jq .dead_letters)" = 0
'
test_expect_success 'ids and - work as they did' '
	id=$(integra-dlq -j "$JOURNAL" list --json -T crm |
	    jq -r -s ".[0].id") &&
	integra-dlq -j "$JOURNAL" retry "$id" >one 2>/dev/null &&
	test "$(jq -r .id one)" = "$id" &&
	q "UPDATE deliveries SET status = \"dead\" WHERE id = \"$id\"" &&
	echo "{\"id\":\"$id\"}" | integra-dlq -j "$JOURNAL" retry - >one &&
	test "$(jq -r .status one)" = pending
'
test_expect_code 64 'nothing to select: refused, as it always was' '
	integra-dlq -j "$JOURNAL" retry 2>err; rc=$?
	grep -q "give ids, -, a filter or --all" err && exit $rc
'
test_expect_code 64 '--archived alone is no query' '
	integra-dlq -j "$JOURNAL" retry --archived
'
test_expect_code 64 'an unknown class: 64, naming it' '
	integra-dlq -j "$JOURNAL" retry --class teapot --dry-run 2>err; rc=$?
	grep -q "class .teapot. is not an error class" err && exit $rc
'
test_expect_code 64 'a bad time: 64, naming the option' '
	integra-dlq -j "$JOURNAL" retry -a yesterday --dry-run 2>err; rc=$?
	grep -q "since is an RFC 3339 time" err || exit 1
	integra-dlq -j "$JOURNAL" retry -b 2026-13-45 --dry-run 2>err; rc=$?
	grep -q "until is an RFC 3339 time" err && exit $rc
'
test_expect_code 64 'ids with filters, or with --dry-run: usage' '
	integra-dlq -j "$JOURNAL" retry x -T crm; test $? -eq 64 || exit 1
	integra-dlq -j "$JOURNAL" retry --dry-run x; test $? -eq 64 || exit 1
	echo x | integra-dlq -j "$JOURNAL" retry --json -
'
test_expect_code 70 'a journal that fails: its exit code, nothing changed' '
	q "UPDATE deliveries SET status = \"dead\", dead_at = 1" &&
	snap >before &&
	journal_refuse deliveries &&
	integra-dlq -j "$JOURNAL" retry -T crm >out 2>err; rc=$?
	journal_accept deliveries && snap >after && test_cmp before after &&
	test ! -s out && exit $rc
'

test_done
