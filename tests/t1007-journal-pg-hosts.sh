#!/bin/sh
# Two hosts on one PostgreSQL journal: two sets of programs, each under
# a host name of its own (a UTS namespace, where this machine lets us make
# one), share the work: 20,000 deliveries drained by a dispatcher on each,
# one of them killed mid-run, none lost and none sent twice but those the
# dead one held; two receivers under wrk, every request answered 2xx
# journaled once.
. "$top_srcdir/tests/lib.sh"

start_pg 'two hosts on one PostgreSQL journal'
N=20000

# on HOST CMD... &: CMD in the background under host name HOST, where a
# namespace can be made; the shell becomes CMD, so that $! is its pid.
if unshare -u true 2>/dev/null; then
	on() {
		host=$1
		shift
		exec unshare -u sh -c 'hostname "$0" && exec "$@"' "$host" "$@"
	}
else
	on() {
		shift
		exec "$@"
	}
fi

start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    timeout: 1s
routes:
  - on: lead.created
    to: crm
    body: '{name: .data.name}'
EOF
# Made on SQLite, which makes them fast, and copied over.
test_expect_success "$N deliveries waiting in the PostgreSQL journal" '
	site_leads $N | integra-ingest -j src.db -s site -t lead.created |
	    integra-normalize -j src.db |
	    integra-map -j src.db -c cfg.yaml >/dev/null 2>err &&
	integra-journal copy src.db "$URL" >copied &&
	test "$(pq "SELECT count(*) FROM deliveries
	    WHERE status = '"'pending'"'")" = $N
'
# Host a's dispatcher is killed once it has sent 2,000; host b's follows
# the journal, and so takes what a held once a's leases (3 s, more than
# the target's timeout) run out.
test_expect_success 'two hosts drain them; one killed, the other finishes' '
	: >a.out
	on host-a integra-dispatch -j "$URL" -c cfg.yaml --pending \
	    --lease 3 -B 50 >a.out 2>a.err &
	a=$!
	on host-b integra-dispatch -j "$URL" -c cfg.yaml --follow \
	    --poll 1 --lease 3 >b.out 2>b.err &
	b=$!
	n=0 &&
	while [ "$(wc -l <a.out)" -lt 2000 ] && [ $n -lt 600 ]; do
		sleep 0.05
		n=$((n + 1))
	done &&
	kill -9 $a &&
	n=0 &&
	while [ "$(pq "SELECT count(*) FROM deliveries
	    WHERE status = '"'delivered'"'")" -lt $N ] && [ $n -lt 300 ]; do
		sleep 0.2
		n=$((n + 1))
	done &&
	kill -TERM $b && wait $b &&
	test -s a.out && test -s b.out &&
	test "$(pq "SELECT count(*) FROM deliveries
	    WHERE status = '"'delivered'"'")" = $N
'
# What a had claimed and sent, but not recorded, when it was killed goes
# out again from b: at most as many as a holds (-B 50 and the target's
# concurrency, 8).
test_expect_success 'each delivery reached the sink; twice only in the crash' '
	jq -r .idempotency_key sink.log | sort >sent &&
	test "$(sort -u sent | wc -l)" = $N &&
	twice=$(($(wc -l <sent) - N)) &&
	echo "$twice sent twice" &&
	test $twice -le 58
'

# Two receivers, one a host, each under wrk with ids of its own.
if command -v wrk >/dev/null; then
	KEY=$(integra-keys -j "$URL" add bench -R 0 2>/dev/null)
	for h in a b; do
		area=$(test $h = a && echo 31 || echo 41)
		cat >$h.lua <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/cloudevents+json"
wrk.headers["X-API-Key"] = "$KEY"
local n = 0
function request()
	n = n + 1
	return wrk.format(nil, nil, nil, string.format(
	    '{"specversion":"1.0","id":"$h-%d","source":"wrk",' ..
	    '"type":"lead.created","data":{"name":"Lead %d",' ..
	    '"phone":"+55${area}9%08d"}}', n, n, n))
end
LUA
	done
	test_expect_success 'two receivers under wrk: each 2xx journaled once' '
		on host-a integra-ingest -l 127.0.0.1:0 -c cfg.yaml -j "$URL" \
		    2>ra.log &
		ra=$!
		on host-b integra-ingest -l 127.0.0.1:0 -c cfg.yaml -j "$URL" \
		    2>rb.log &
		rb=$!
		n=0 &&
		while ! grep -q "port [0-9]" ra.log rb.log ||
		    [ "$(grep -l "port [0-9]" ra.log rb.log | wc -l)" -lt 2 ]; do
			[ $n -lt 100 ] || exit 1
			sleep 0.05
			n=$((n + 1))
		done &&
		pa=$(sed -n "s/.*listening on [^,]*, port \([0-9]*\).*/\1/p" \
		    ra.log) &&
		pb=$(sed -n "s/.*listening on [^,]*, port \([0-9]*\).*/\1/p" \
		    rb.log) &&
		{ wrk -t1 -c8 -d3s -s a.lua http://127.0.0.1:$pa/api/events >a.wrk & } &&
		wrk -t1 -c8 -d3s -s b.lua http://127.0.0.1:$pb/api/events \
		    >b.wrk &&
		wait $! &&
		sleep 0.5 &&
		kill -TERM $ra $rb && wait $ra; wait $rb;
		ok=0 &&
		for h in a b; do
			req=$(awk "/requests in/ { print \$1 }" $h.wrk) &&
			bad=$(awk "/Non-2xx/ { print \$NF }" $h.wrk) &&
			ok=$((ok + req - ${bad:-0})) || exit 1
		done &&
		journaled=$(pq "SELECT count(*) FROM events
		    WHERE source = '"'wrk'"'") &&
		distinct=$(pq "SELECT count(DISTINCT idempotency_key)
		    FROM events WHERE source = '"'wrk'"'") &&
		echo "$ok answered 2xx, $journaled journaled" &&
		test $ok -gt 0 && test "$journaled" = "$distinct" &&
		test "$journaled" -ge $ok && test "$journaled" -le $((ok + 16))
	'
else
	test_skip 'two receivers under wrk' 'wrk is not installed'
fi
test_done
