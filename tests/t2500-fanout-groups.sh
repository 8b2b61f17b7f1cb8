#!/bin/sh
# Fan-out, groups and emit, the mechanisms under the campaigns: a step's
# answer becomes an event of its group (emit), whose route makes one
# delivery an item (each), named by the group, route and item key; the
# group's status is read from its deliveries, and it settles once.
. "$top_srcdir/tests/lib.sh"

# items N [SKIP [X]]: a JSON list of N items {"id":"iK","to":"tK"}, from
# the SKIP-th on without "to", with X the even ones' ids "xK".
items() {
	awk -v n="$1" -v skip="${2:-0}" -v x="${3:-}" 'BEGIN {
		printf "["
		for (i = 1; i <= n; i++) {
			id = (x != "" && i % 2 == 0 ? "x" : "i") i
			to = skip > 0 && i >= skip ? "" : ",\"to\":\"t" i "\""
			printf "%s{\"id\":\"%s\"%s}", (i > 1 ? "," : ""), id, to
		}
		printf "]"
	}'
}
{
	echo "{\"method\":\"GET\",\"prefix\":\"/lists/good\",\"body\":{\"id\":\"good\",\"items\":$(items 3 3)}}"
	echo '{"method":"GET","prefix":"/lists/html","times":1,"headers":{"Content-Type":"text/html"},"body":"<html>fatal error</html>"}'
	echo "{\"method\":\"GET\",\"prefix\":\"/lists/html\",\"body\":{\"id\":\"html\",\"items\":$(items 1)}}"
	echo "{\"method\":\"GET\",\"prefix\":\"/lists/big\",\"body\":{\"id\":\"big\",\"items\":$(items 100000)}}"
	echo "{\"method\":\"GET\",\"prefix\":\"/lists/half\",\"body\":{\"id\":\"half\",\"items\":$(items 10 0 x)}}"
	echo "{\"method\":\"GET\",\"prefix\":\"/lists/\",\"body\":{\"id\":\"other\",\"items\":$(items 2)}}"
	echo '{"method":"POST","prefix":"/send/x","status":500}'
	echo '{"method":"POST","prefix":"/send/","body":{"ok":true}}'
	echo '{"method":"POST","prefix":"/told","status":204}'
} >routes
start_sink sink -r routes
mkdir schemas
echo '{"type":"object","required":["list"]}' >schemas/list.asked.json
echo '{"type":"object","required":["items"]}' >schemas/list.fetched.json
cat >cfg.yaml <<EOF
schemas: schemas
targets:
  lists:
    url: http://127.0.0.1:$SINK_PORT/lists
    retry:
      max_attempts: 3
      base: 5s
  sender:
    url: http://127.0.0.1:$SINK_PORT/send
    retry:
      max_attempts: 3
      base: 1h
  told:
    url: http://127.0.0.1:$SINK_PORT/told
routes:
  - name: fetch
    on: list.asked
    to: lists
    method: GET
    path: '/\(.data.list)'
    group: .data.list
    progress: 50
    emit: list.fetched
  - name: send
    on: list.fetched
    each: .data.items[]
    key: .id
    to: sender
    path: '/\(\$item.id)'
    body: '{to: (\$item.to // error("no to")), list: .data.id}'
  - name: told
    on: integra.group.settled
    to: told
    body: '{group: .data.group, delivered: .data.delivered, dead: .data.dead}'
EOF
C="-c cfg.yaml -j "$JOURNAL""
# ask LIST [N]: the list asked for (again: N), through ingest and
# normalize.
ask() {
	echo "{\"list\":\"$1\"${2:+,\"n\":$2}}" | integra-ingest $C -s site \
	    -t list.asked 2>/dev/null | integra-normalize $C >/dev/null 2>&1
}
# drain: map and dispatch until nothing is left to do at once.
drain() {
	for _ in 1 2 3; do
		integra-map $C --pending >/dev/null 2>>map.err
		integra-dispatch $C --pending >/dev/null 2>>dispatch.err
	done
	return 0
}
sent() {
	jq -r "select(.path | startswith(\"/send/$1\")) | .path" sink.log |
	    sort | uniq -c | awk '{ print $1 }' | sort | uniq -c |
	    awk '{ printf "%s:%s ", $2, $1 }'
}

test_expect_success 'a delivered answer becomes an event of the group' '
	ask good &&
	integra-map $C --pending >/dev/null 2>&1 &&
	integra-dispatch $C --pending >out 2>err &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"list.fetched\"
	    AND status = \"normalized\"")" = 1 &&
	q "SELECT e.envelope FROM canonical_envelopes e JOIN events v
	    ON v.seq = e.event WHERE v.type = \"list.fetched\"" >ev &&
	jq -e ".source == \"integra\" and .group == \"good\" and
	    .subject == \"good\" and .data.id == \"good\" and
	    (.idempotencykey | startswith(\"emit:\"))" ev &&
	test "$(q "SELECT emitted, sealed_at IS NOT NULL, settled_at IS NULL
	    FROM delivery_groups WHERE name = \"good\"")" = "1|1|1"
'
test_expect_success 'each: a delivery an item, $item in its path and body' '
	integra-map $C --pending >out 2>err &&
	q "SELECT url, body, group_name FROM deliveries WHERE route = \"send\"
	    AND status = \"pending\" ORDER BY url" >got &&
	cat >expect <<-EOF &&
	http://127.0.0.1:$SINK_PORT/send/i1|{"to":"t1","list":"good"}|good
	http://127.0.0.1:$SINK_PORT/send/i2|{"to":"t2","list":"good"}|good
	EOF
	test_cmp expect got &&
	test "$(grep -c "\"route\":\"send\"" out)" = 2
'
test_expect_success 'an item that cannot be made is dead, class invalid' '
	test "$(q "SELECT error_class, last_error FROM deliveries
	    WHERE route = \"send\" AND status = \"dead\"")" = \
	    "invalid|jq: error: no to" &&
	grep -q "item .* cannot be sent: jq: error: no to; made dead" err
'
test_expect_success 'the group waits for no event any more: sealed, not settled' '
	test "$(q "SELECT emitted FROM delivery_groups WHERE name = \"good\"")" = 0 &&
	integra-campaign $C status good >st &&
	jq -e ".group == \"good\" and .total == 4 and .queued == 2 and
	    .delivered == 1 and .dead == 1 and .progress == 50 and
	    .targets.sender.total == 3 and .dead_classes.invalid == 1 and
	    .finished == null" st
'
test_expect_success SQLITE 'the status is read from the index alone' '
	q "EXPLAIN QUERY PLAN SELECT target, route, step, status, count(*)
	    FROM deliveries WHERE group_name = \"good\"
	    GROUP BY target, route, step, status" >plan &&
	grep -q "COVERING INDEX deliveries_group" plan
'
test_expect_success 'another event for the same group makes no item twice' '
	ask good 2 &&
	drain &&
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"send\"")" = 3 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE route = \"fetch\"")" = 2 &&
	test "$(sent i)" = "1:2 "
'
test_expect_success 'once its last delivery ends it settles, told once' '
	test "$(q "SELECT settled_at IS NOT NULL FROM delivery_groups
	    WHERE name = \"good\"")" = 1 &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.settled\" AND subject = \"good\"")" = 1 &&
	test "$(jq -s "map(select(.path == \"/told\")) | length" sink.log)" = 1 &&
	jq -s "map(select(.path == \"/told\"))[0].body | fromjson" sink.log \
	    >told &&
	jq -e ".group == \"good\" and .delivered == 4 and .dead == 1" told
'
test_expect_success 'a group attribute from outside is not taken' '
	printf "%s\n" "{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"site\",\"type\":\"list.fetched\",\"group\":\"good\",\"data\":{\"id\":\"forged\",\"items\":[{\"id\":\"f1\",\"to\":\"t\"}]}}" |
	    integra-ingest $C 2>/dev/null | integra-normalize $C 2>/dev/null |
	    integra-map $C >/dev/null 2>&1 &&
	test "$(q "SELECT group_name IS NULL FROM deliveries
	    WHERE body LIKE \"%forged%\"")" = 1 &&
	test "$(q "SELECT emitted FROM delivery_groups WHERE name = \"good\"")" = 0
'
test_expect_success 'an answer that cannot be the event fails the try, class response' '
	ask html &&
	integra-map $C --pending >/dev/null 2>&1 &&
	{ integra-dispatch $C --pending >out 2>err; test $? -eq 75; } &&
	test "$(q "SELECT a.error_class FROM attempts a JOIN deliveries d
	    ON d.id = a.delivery_id WHERE d.group_name = \"html\"")" = response &&
	grep -q "cannot become a list.fetched event" err &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"list.fetched\"
	    AND subject = \"html\"")" = 0 &&
	INTEGRA_CLOCK_OFFSET=20 integra-dispatch $C --pending >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"list.fetched\"
	    AND subject = \"html\"")" = 1
'
test_expect_success 'kill -9 mid fan-out: made again, no item twice, none lost' '
	ask big &&
	integra-map $C --pending >/dev/null 2>&1 &&
	integra-dispatch $C --pending >/dev/null 2>&1 &&
	{ integra-map $C --pending >/dev/null 2>&1 & echo $! >map.pid; } &&
	i=0 &&
	while [ "$(q "SELECT count(*) FROM deliveries
	    WHERE group_name = \"big\" AND route = \"send\"")" -lt 1000 ] &&
	    [ $i -lt 400 ]; do
		sleep 0.01; i=$((i + 1))
	done &&
	kill -9 "$(cat map.pid)" && { wait "$(cat map.pid)"; true; } &&
	made=$(q "SELECT count(*) FROM deliveries WHERE group_name = \"big\"
	    AND route = \"send\"") &&
	echo "made before the kill: $made" &&
	test "$made" -ge 1000 && test "$made" -lt 100000 &&
	test "$(q "SELECT status FROM events WHERE type = \"list.fetched\"
	    AND subject = \"big\"")" = normalized &&
	integra-map $C --pending >out 2>/dev/null &&
	q "SELECT count(DISTINCT id), count(*) FROM deliveries
	    WHERE group_name = \"big\" AND route = \"send\"" &&
	test "$(q "SELECT count(DISTINCT id), count(*) FROM deliveries
	    WHERE group_name = \"big\" AND route = \"send\"")" = "100000|100000" &&
	test "$(q "SELECT status FROM events WHERE type = \"list.fetched\"
	    AND subject = \"big\"")" = mapped
'
test_expect_success 'cancel: what is pending dies, class cancelled; it settles' '
	integra-campaign $C cancel big >st &&
	jq -e ".cancelled == 100000 and .cancelled_now == 100000 and
	    .queued == 0 and .finished != null" st &&
	test "$(q "SELECT count(*) FROM deliveries WHERE group_name = \"big\"
	    AND status = \"dead\" AND error_class = \"cancelled\"")" = 100000 &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.settled\" AND subject = \"big\"")" = 1 &&
	integra-dispatch $C --pending >/dev/null 2>&1 &&
	test "$(sent i | grep -c .)" = 1
'
test_expect_success 'a fan-out into a cancelled group makes its items dead' '
	q "UPDATE events SET status = \"normalized\" WHERE type = \"list.fetched\"
	    AND subject = \"big\"; DELETE FROM deliveries
	    WHERE group_name = \"big\" AND route = \"send\"" &&
	integra-map $C --pending >out 2>err &&
	! grep -q "\"route\":\"send\"" out &&
	test "$(q "SELECT count(*) FROM deliveries WHERE group_name = \"big\"
	    AND error_class = \"cancelled\"")" = 100000
'
test_expect_success 'progress: integra-retry tells each 50% more that ended' '
	ask half &&
	drain &&
	integra-campaign $C status half >st &&
	jq -e ".delivered == 6 and .failed == 5 and .progress == 54" st &&
	integra-retry $C >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.progress\" AND subject = \"half\"")" = 1 &&
	q "SELECT e.envelope FROM canonical_envelopes e JOIN events v
	    ON v.seq = e.event WHERE v.type = \"integra.group.progress\"" >ev &&
	jq -e ".data.progress == 54 and .data.group == \"half\"" ev &&
	integra-retry $C >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.progress\"")" = 1
'
test_expect_success 'retry-failed: the dead again, and it settles again' '
	q "UPDATE deliveries SET status = \"dead\", error_class = \"http_500\",
	    dead_at = 1 WHERE group_name = \"half\" AND status = \"failed\"" &&
	integra-retry $C >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.settled\" AND subject = \"half\"")" = 1 &&
	integra-campaign $C retry-failed half >st &&
	jq -e ".retried == 5 and .queued == 5 and .finished == null" st &&
	q "UPDATE deliveries SET url = replace(url, \"/send/x\", \"/send/i\")
	    WHERE group_name = \"half\"" &&
	integra-dispatch $C --pending >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.settled\" AND subject = \"half\"")" = 2
'
test_expect_success 'a settled group whose delivery integra-dlq retries settles again' '
	id=$(q "SELECT id FROM deliveries WHERE group_name = \"good\"
	    AND status = \"dead\"") &&
	q "UPDATE deliveries SET body = \"{\"\"to\"\":\"\"t3\"\"}\"
	    WHERE id = \"$id\"" &&
	integra-dlq $C retry "$id" >/dev/null 2>&1 &&
	test "$(q "SELECT settled_at IS NULL FROM delivery_groups
	    WHERE name = \"good\"")" = 1 &&
	integra-dispatch $C --pending >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.group.settled\" AND subject = \"good\"")" = 2
'
test_expect_success 'unknown campaign: 65; a bad id: 65' '
	{ integra-campaign $C status nope 2>err; test $? -eq 65; } &&
	grep -q "no campaign .nope." err &&
	{ integra-campaign $C dispatch "a b" 2>err; test $? -eq 65; } &&
	grep -q "campaign_id must be" err
'
bad_config() {
	cat >bad.yaml &&
	{ integra config check -c bad.yaml >err 2>&1; test $? -eq 78; } &&
	grep -q "$1" err
}
test_expect_success 'config: each needs a body; key needs each; progress a group' '
	printf "targets: {t: {url: \"http://127.0.0.1:9\"}}\nroutes:\n  - {on: a.b, to: t, each: .x}\n" |
	    bad_config "needs a body or a template" &&
	printf "targets: {t: {url: \"http://127.0.0.1:9\"}}\nroutes:\n  - {on: a.b, to: t, key: .x}\n" |
	    bad_config "key names the items of each" &&
	printf "targets: {t: {url: \"http://127.0.0.1:9\"}}\nroutes:\n  - {on: a.b, to: t, progress: 10}\n" |
	    bad_config "progress is a group" &&
	printf "targets: {t: {url: \"http://127.0.0.1:9\"}}\nroutes:\n  - {on: a.b, to: t, emit: {data: .}}\n" |
	    bad_config "emit needs a type" &&
	bad_config "route .a.b:t.: jq" <<-\EOF &&
	targets: {t: {url: "http://127.0.0.1:9"}}
	routes:
	  - {on: a.b, to: t, path: "/\\(.x"}
	EOF
	printf "targets: {t: {url: \"http://127.0.0.1:9\"}}\nroutes:\n  - {on: a.b, to: t, each: \"[\", body: .}\n" |
	    bad_config "route .a.b:t.: jq"
'
test_done
