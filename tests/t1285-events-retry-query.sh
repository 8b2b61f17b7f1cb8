#!/bin/sh
# integra-events retry by query: the filters (type, source, tenant,
# status, since and until, and of the deliveries target and error class)
# each narrow what it takes; --dry-run changes and sends nothing and counts
# by target what it would send again; a retry then sends just that; an
# empty query needs --all; an id is retried as before.
. "$top_srcdir/tests/lib.sh"

# erp tries again in an hour: its 5 failed, not dead (lib.sh).
retry_fixture "{delays: [1h, 1h]}"
# And one event that mapped to no route: a mapped event, no delivery.
ce lead.created other '{"name":"Other","phone":"11600000000"}' |
    sed 's/"source":"test"/"source":"other"/' |
    integra-ingest -j "$JOURNAL" 2>/dev/null |
    integra-normalize -j "$JOURNAL" 2>/dev/null |
    integra-map -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
q "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events
    WHERE source = \"other\")"

# dry [QUERY]: the dry run's JSON summary, one line.
dry() {
	integra-events -j "$JOURNAL" retry --dry-run --json "$@" | jq -c .
}
# snap: every event and delivery as it is, to tell that nothing changed.
snap() {
	q "SELECT id, status FROM events ORDER BY id;
	    SELECT id, status, attempts, not_before, dead_at, archived_at,
	    updated_at FROM deliveries ORDER BY id"
}
sent() {
	wc -l <sink.log
}

test_expect_success 'the journal: 8 events, 14 deliveries that did not go' '
	test "$(q "SELECT count(*) FROM events
	    WHERE status = \"mapped\"")" = 8 &&
	test "$(q "SELECT group_concat(target || \" \" || status || \" \" || n)
	    FROM (SELECT target, status, count(*) AS n FROM deliveries
	    GROUP BY target, status ORDER BY target) AS s")" = \
	    "crm dead 7,erp failed 5,fin dead 2" &&
	test "$(sent)" = 14
'
test_expect_success 'dry run of --all: the events, their deliveries to retry' '
	{
		printf "{\"dry_run\":true,\"events\":8,\"remapped\":8,"
		printf "\"redelivered\":14,\"by_target\":"
		echo "{\"crm\":7,\"erp\":5,\"fin\":2}}"
	} >expect &&
	dry --all >got && test_cmp expect got
'
test_expect_success 'the events filters narrow it' '
	test "$(dry -s site | jq -c "[.events, .by_target]")" = \
	    "[3,{\"crm\":3,\"erp\":3}]" &&
	test "$(dry -t client.registered | jq -c "[.events, .by_target]")" = \
	    "[2,{\"crm\":2,\"fin\":2}]" &&
	test "$(dry -T acme | jq -c "[.events, .by_target]")" = \
	    "[4,{\"crm\":4,\"erp\":2,\"fin\":2}]" &&
	test "$(dry -T acme -s form | jq -c "[.events, .by_target]")" = \
	    "[2,{\"crm\":2,\"erp\":2}]" &&
	test "$(dry -s other | jq -c "[.events, .remapped, .by_target]")" = \
	    "[1,1,{}]" &&
	test "$(dry -S rejected | jq .events)" = 0 &&
	test "$(dry -S mapped | jq .events)" = 8
'
test_expect_success 'target, class: only those deliveries, no map again' '
	dry --target fin | jq -e ". == {dry_run: true, events: 2,
	    remapped: 0, redelivered: 2, by_target: {fin: 2}}" &&
	test "$(dry --class http_5xx |
	    jq -c "[.events, .remapped, .by_target]")" = \
	    "[7,0,{\"erp\":5,\"fin\":2}]" &&
	test "$(dry --class http_4xx -T acme |
	    jq -c "[.events, .by_target]")" = "[4,{\"crm\":4}]" &&
	test "$(dry --target crm --class http_5xx | jq .events)" = 0 &&
	test "$(dry --target erp --class http_5xx -s site |
	    jq -c "[.events, .by_target]")" = "[3,{\"erp\":3}]"
'
test_expect_success 'since and until: when they were received' '
	q "UPDATE events SET received_at = 1577836800000
	    WHERE source = \"site\"" &&
	test "$(dry -b 2021-01-01T00:00:00Z |
	    jq -c "[.events, .by_target]")" = "[3,{\"crm\":3,\"erp\":3}]" &&
	test "$(dry -a 2021-01-01T00:00:00Z | jq .events)" = 5 &&
	test "$(dry -a 1577836800000 -b 1577836800001 | jq .events)" = 3 &&
	test "$(dry -b 1577836800000 | jq .events)" = 0
'
test_expect_success '--class unknown: a delivery kept with no class' '
	q "UPDATE deliveries SET error_class = NULL WHERE id = (SELECT min(id)
	    FROM deliveries WHERE target = \"fin\")" &&
	test "$(dry --class unknown | jq -c "[.events, .by_target]")" = \
	    "[1,{\"fin\":1}]" &&
	q "UPDATE deliveries SET error_class = \"http_5xx\"
	    WHERE error_class IS NULL"
'
test_expect_success 'as text: the counts, then a line a target' '
	integra-events -j "$JOURNAL" retry --class http_5xx --dry-run >text &&
	{
		printf "7 events would be retried: 0 to map again, "
		echo "7 deliveries to send again"
		printf "  %-30s %8d\n" erp 5 fin 2
	} >expect &&
	test_cmp expect text
'
test_expect_success 'a dry run changes nothing, and nothing is sent' '
	snap >before && n=$(sent) &&
	dry --all >/dev/null && dry --target crm -s form >/dev/null &&
	integra-events -j "$JOURNAL" retry --all --dry-run >/dev/null &&
	snap >after && test_cmp before after &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	test "$(sent)" = "$n" && snap >after && test_cmp before after
'
test_expect_success 'a retry by target sends what the dry run named, no more' '
	test "$(dry --target crm -s form | jq -c "[.events, .by_target]")" = \
	    "[2,{\"crm\":2}]" &&
	n=$(sent) &&
	integra-events -j "$JOURNAL" retry --target crm -s form --json \
	    >summary &&
	jq -e ". == {dry_run: false, events: 2, remapped: 0, redelivered: 2,
	    by_target: {crm: 2}}" summary &&
	test "$(q "SELECT group_concat(x) FROM (SELECT d.target || \" \" ||
	    d.status AS x FROM deliveries d JOIN events e ON e.id = d.event_id
	    WHERE e.source = \"form\" ORDER BY x) AS s")" = \
	    "crm pending,crm pending,erp failed,erp failed" &&
	test "$(q "SELECT count(*) FROM events
	    WHERE status = \"mapped\"")" = 8 &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	tail -n +$((n + 1)) sink.log >new &&
	jq -e -s "length == 2 and all(.path == \"/crm\" and .status == 200)" \
	    new &&
	jq -r .event new | sort >got &&
	q "SELECT id FROM events WHERE source = \"form\"" | sort >want &&
	test_cmp want got
'
test_expect_success 'a retry of events: mapped again, every delivery to retry' '
	test "$(dry -t client.registered |
	    jq -c "[.events, .remapped, .by_target]")" = \
	    "[2,2,{\"crm\":2,\"fin\":2}]" &&
	n=$(sent) && d=$(q "SELECT count(*) FROM deliveries") &&
	integra-events -j "$JOURNAL" retry -t client.registered >text &&
	grep -q "^2 events retried: 2 to map again, 4 deliveries" text &&
	test "$(q "SELECT count(*) FROM events
	    WHERE status = \"normalized\"")" = 2 &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM deliveries")" = "$d" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	tail -n +$((n + 1)) sink.log >new &&
	test "$(jq -r .path new | sort | uniq -c | awk "{print \$2, \$1}" |
	    tr "\n" " ")" = "/crm 2 /fin 2 " &&
	test "$(dry -t client.registered | jq .redelivered)" = 0
'
test_expect_success 'an id is retried as before' '
	id=$(q "SELECT id FROM events WHERE source = \"site\" LIMIT 1") &&
	integra-events -j "$JOURNAL" retry "$id" >one &&
	test "$(jq -c "[.id, .remapped, .redelivered]" one)" = \
	    "[\"$id\",true,2]"
'
test_expect_code 64 'an empty query: refused without --all' '
	integra-events -j "$JOURNAL" retry 2>err; rc=$?
	grep -q "give --all, or a filter" err && exit $rc
'
test_expect_code 64 'an unknown class: 64, naming it' '
	integra-events -j "$JOURNAL" retry --class teapot 2>err; rc=$?
	grep -q "class .teapot. is not an error class" err && exit $rc
'
test_expect_code 64 'a bad time, a bad status: 64, naming the option' '
	integra-events -j "$JOURNAL" retry -a yesterday 2>err
	test $? -eq 64 && grep -q "since is an RFC 3339 time" err || exit 1
	integra-events -j "$JOURNAL" retry -S lost 2>err
	test $? -eq 64 && grep -q "status is received" err || exit 1
	integra-events -j "$JOURNAL" retry -b soon --dry-run 2>err; rc=$?
	grep -q "until is an RFC 3339 time" err && exit $rc
'
test_expect_code 64 'an id with a filter, --all, --dry-run, an id: usage' '
	integra-events -j "$JOURNAL" retry x -t y; test $? -eq 64 || exit 1
	integra-events -j "$JOURNAL" retry x --all; test $? -eq 64 || exit 1
	integra-events -j "$JOURNAL" retry x --dry-run; test $? -eq 64 || exit 1
	integra-events -j "$JOURNAL" retry x y
'
test_expect_code 70 'a journal that fails: its exit code, nothing changed' '
	snap >before &&
	journal_refuse deliveries &&
	integra-events -j "$JOURNAL" retry --all >out 2>err; rc=$?
	journal_accept deliveries && snap >after && test_cmp before after &&
	test ! -s out && exit $rc
'

test_done
