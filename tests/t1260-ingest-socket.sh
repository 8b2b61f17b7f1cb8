#!/bin/sh
# integra-ingest as systemd and inetd run it: the listening socket passed
# as fd 3 with LISTEN_FDS (Accept=no), and one connection on standard
# input (inetd, Accept=yes).  integra-sockrun plays systemd and inetd.
. "$top_srcdir/tests/lib.sh"

printf 'sources:\n  site:\n    type: lead.created\n' >cfg.yaml

# wait_file FILE: until FILE is there, 5 s at most.
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

test_expect_success 'Accept=no: the socket systemd passes is served' '
	integra-sockrun -P port -- integra-ingest -c cfg.yaml -j "$JOURNAL" \
	    -I 1 2>activated.log &
	pid=$!
	wait_file port &&
	curl -s -o body -w "%{http_code}\n" -H "Content-Type: application/json" \
	    --data "{\"a\":1}" "http://127.0.0.1:$(cat port)/webhooks/site" \
	    >status &&
	test "$(cat status)" = 202 &&
	id=$(jq -r .id body) &&
	test "$(q "SELECT source FROM events WHERE id = \"$id\"")" = site &&
	wait $pid &&
	grep -q "the socket systemd passed" activated.log
'
test_expect_success '--idle-exit: it exits 0 after that long without a call' '
	grep -q "idle for 1 s: stopping" activated.log && all_json activated.log
'
test_expect_success 'inetd: one connection, kept alive, then exit 0' '
	integra-sockrun -a -P port2 -- integra-ingest -i -c cfg.yaml \
	    -j "$JOURNAL" 2>inetd.log &
	pid=$!
	wait_file port2 &&
	url=http://127.0.0.1:$(cat port2) &&
	curl -s -H "Content-Type: application/json" --data "{\"b\":1}" \
	    "$url/webhooks/site" --next "$url/health" >answers &&
	wait $pid &&
	jq -r .id answers | grep -q -E "^[0-9a-f-]{36}$" &&
	grep -q "\"status\":\"ok\"" answers &&
	grep -q "serving one connection" inetd.log &&
	all_json inetd.log
'
test_expect_success '-x: committed envelopes go down a pipeline' '
	integra-sockrun -P port3 -- integra-ingest -c cfg.yaml -j "$JOURNAL" \
	    -I 1 -x "integra-normalize -j \"$JOURNAL\" >canonical.out" \
	    2>exec.log &
	pid=$!
	wait_file port3 &&
	for i in 1 2 3; do
		curl -s -H "Content-Type: application/json" \
		    --data "{\"name\":\"X$i\",\"phone\":\"1199999000$i\"}" \
		    "http://127.0.0.1:$(cat port3)/webhooks/site" >/dev/null
	done
	wait $pid &&
	test $(wc -l <canonical.out) = 3 &&
	jq -r .data.phone canonical.out | grep -q "^+5511999990001$" &&
	test "$(q "SELECT count(*) FROM events WHERE status = \"normalized\"")" = 3
'
test_expect_success '-x with a downstream that goes away: the receiver goes on' '
	integra-sockrun -P port4 -- integra-ingest -c cfg.yaml -j "$JOURNAL" \
	    -I 1 -x true 2>gone.log &
	pid=$!
	wait_file port4 &&
	sleep 0.2 &&
	for i in 1 2 3; do
		curl -s -o /dev/null -w "%{http_code}\n" \
		    -H "Content-Type: application/json" --data "{\"gone\":$i}" \
		    "http://127.0.0.1:$(cat port4)/webhooks/site"
	done >status &&
	wait $pid &&
	printf "202\n202\n202\n" >expect && test_cmp expect status &&
	grep -q "no more output" gone.log
'
# serve MODE: the receiver as inetd runs it (one connection) or as systemd
# does with Accept=no (exits when idle for 1 s), its pid in $pid, its port
# in port.MODE.
serve() {
	rm -f "port.$1"
	if [ "$1" = inetd ]; then
		integra-sockrun -a -P "port.$1" -- integra-ingest -i \
		    -c cfg.yaml -j "$JOURNAL" 2>"$1.log" &
	else
		integra-sockrun -P "port.$1" -- integra-ingest -I 1 \
		    -c cfg.yaml -j "$JOURNAL" 2>"$1.log" &
	fi
	pid=$!
	wait_file "port.$1"
}
test_expect_success 'inetd and Accept=no serve every endpoint, as -l does' '
	key=$(integra-keys -j "$JOURNAL" add modes -R 0 2>/dev/null) &&
	ev="{\"specversion\":\"1.0\",\"id\":\"m-1\",\"source\":\"crm\",\"type\":\"client.updated\",\"data\":{\"client_id\":\"c1\"}}" &&
	for mode in inetd activated; do
		serve $mode
		u=http://127.0.0.1:$(cat "port.$mode")
		curl -s -o /dev/null -w "%{http_code}\n" \
		    -H "Content-Type: application/json" --data "{\"m\":\"$mode\"}" \
		    "$u/webhooks/site" \
		    --next -s -o /dev/null -w "%{http_code}\n" -H "X-API-Key: $key" \
		    -H "Content-Type: application/cloudevents+json" --data "$ev" \
		    "$u/api/events" \
		    --next -s -o /dev/null -w "%{http_code}\n" -H "X-API-Key: $key" \
		    "$u/api/events?limit=1" \
		    --next -s -o /dev/null -w "%{http_code}\n" -H "X-API-Key: $key" \
		    "$u/status" \
		    --next -s -o /dev/null -w "%{http_code}\n" "$u/health" \
		    --next -s -o /dev/null -w "%{http_code}\n" "$u/nope" \
		    --next -s -o /dev/null -w "%{http_code}\n" -X PUT \
		    "$u/webhooks/site" >"$mode.status"
		wait $pid || exit 1
	done &&
	printf "202\n%s\n200\n200\n200\n404\n405\n" 202 >expect.inetd &&
	printf "202\n%s\n200\n200\n200\n404\n405\n" 200 >expect.activated &&
	test_cmp expect.inetd inetd.status &&
	test_cmp expect.activated activated.status
'
CR=$(printf '\r')
test_expect_success 'inetd and Accept=no refuse an injected header: 400' '
	for mode in inetd activated; do
		serve $mode
		curl -s -o "$mode.body" -w "%{http_code}\n" \
		    -H "X-A: a${CR}X-B: b" -H "Content-Type: application/json" \
		    --data "{\"m\":1}" \
		    "http://127.0.0.1:$(cat "port.$mode")/webhooks/site" \
		    >"$mode.status"
		wait $pid || exit 1
		test "$(cat "$mode.status")" = 400 &&
		test "$(jq -r .error.code "$mode.body")" = bad_header || exit 1
	done
'
test_expect_success 'inetd without a socket on standard input: exit 71' '
	integra-ingest -i -c cfg.yaml -j "$JOURNAL" </dev/null 2>err;
	test $? -eq 71 && grep -q "not a connected socket" err
'
test_expect_success 'LISTEN_FDS meant for another process is left alone' '
	echo "{\"c\":1}" | LISTEN_FDS=1 LISTEN_PID=1 integra-ingest \
	    -j "$JOURNAL" -s site -t lead.created >out &&
	test $(wc -l <out) = 1
'
test_expect_success '-l and -i at once, -I or -x - with -i, -x alone: usage' '
	integra-ingest -l 127.0.0.1:0 -i </dev/null; test $? -eq 64 &&
	integra-ingest -i -I 5 </dev/null; test $? -eq 64 &&
	integra-ingest -i -x - </dev/null; test $? -eq 64 &&
	integra-ingest -x cat </dev/null; test $? -eq 64
'
test_done
