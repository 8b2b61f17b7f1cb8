#!/bin/sh
# integra-retry and the delivery guarantees, against test sinks told to
# misbehave: failing at random, down then back, 410 Gone, 429 with
# Retry-After, slow past the timeout, refusing with 4xx.  Time moves on
# through INTEGRA_CLOCK_OFFSET instead of waiting.
. "$top_srcdir/tests/lib.sh"

# A port nothing listens on, until a sink takes it.
start_sink down
closed=$SINK_PORT
stop_started
start_sink flaky -f 30 -S 7
flaky=$SINK_PORT
start_sink gonesink -R /gone=410
gone=$SINK_PORT
gonepid=$SINK_PID
start_sink sink -R /busy=429 -R /conflict=409 -R /bad=400 -R /fail=500 \
    -D /slow=2000 -a 30
good=$SINK_PORT

leads() {	# leads N PREFIX: N site leads
	awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++)
	    printf "{\"name\":\"%s %d\",\"phone\":\"1198765%04d\"}\n", p, i, i }'
}
# route TARGET: a config sending lead.created to TARGET only.
route() {
	sed "s|@TO@|$1|" targets.yaml >"$1.yaml"
	J=$1.db
}
# up PORT: waits for a sink on PORT.
up() {
	i=0
	while [ $i -lt 50 ] && ! curl -s -o /dev/null "http://127.0.0.1:$1/"
	do
		sleep 0.1
		i=$((i + 1))
	done
}
# Each case has its journal, $J, so that one's due deliveries stay out of
# another's rounds.
qj() {
	sqlite3 -batch "$J" "$1"
}
# waits MIN MAX: each delivery's wait after its last try is in [MIN, MAX]
# ms.
waits() {
	qj "SELECT d.not_before - max(a.started_at + a.duration_ms)
	    FROM deliveries d JOIN attempts a ON a.delivery_id = d.id
	    GROUP BY d.id" | awk -v min="$1" -v max="$2" \
	    '$1 < min || $1 > max { print "wait " $1; bad = 1 }
	    END { exit bad }'
}
# later SECONDS CMD...: CMD run SECONDS in the future.
later() {
	s=$1
	shift
	INTEGRA_CLOCK_OFFSET=$s "$@"
}

cat >targets.yaml <<EOF
targets:
  flaky:
    url: http://127.0.0.1:$flaky/flaky
    concurrency: 16
    retry: { max_attempts: 12, base: 1s, factor: 2, cap: 4s }
  sched:
    url: http://127.0.0.1:$good/fail
    retry: { delays: [5s, 5m] }
  busy:
    url: http://127.0.0.1:$good/busy
    retry: { preset: standard-webhooks }
  gone:
    url: http://127.0.0.1:$gone/gone
  bad:
    url: http://127.0.0.1:$good/bad
  conflict:
    url: http://127.0.0.1:$good/conflict
    retry: { delays: [1s], retry_on: [409] }
  slow:
    url: http://127.0.0.1:$good/slow
    timeout: 300ms
  down:
    url: http://127.0.0.1:$closed/down
    connect_timeout: 1s
routes:
  - on: lead.created
    to: @TO@
EOF

# 30% of requests fail at random: retried until each is delivered.
route flaky
test_expect_success 'a flaky target: every delivery ends delivered' '
	leads 200 Flaky >flaky.ndjson &&
	deliveries "$J" flaky.yaml flaky.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c flaky.yaml >/dev/null 2>&1;
	s=0 &&
	while [ $s -lt 200 ] && [ "$(qj "SELECT count(*) FROM deliveries
	    WHERE status != \"delivered\"")" != 0 ]; do
		s=$((s + 5)) &&
		later $s integra-retry -j "$J" -c flaky.yaml \
		    >>retried 2>/dev/null; :
	done &&
	test "$(qj "SELECT status, count(*) FROM deliveries
	    GROUP BY status")" = "delivered|200"
'
test_expect_success 'the attempt log is complete: one row a request' '
	test "$(qj "SELECT count(*) FROM attempts")" = "$(wc -l <flaky.log)" &&
	test "$(qj "SELECT sum(attempts) FROM deliveries")" = \
	    "$(wc -l <flaky.log)" &&
	test "$(jq -s "map(select(.status != 200)) | length" flaky.log)" = \
	    "$(qj "SELECT count(*) FROM attempts WHERE error_class
	    = \"http_5xx\"")" &&
	test "$(qj "SELECT count(*) FROM attempts WHERE error_class IS NULL")" = 200
'
test_expect_success 'nothing is sent after delivered: one 200 a delivery, last' '
	jq -r -s "group_by(.idempotency_key) | map(select(
	    (map(select(.status == 200)) | length) != 1 or
	    .[-1].status != 200)) | length" flaky.log >wrong &&
	test "$(cat wrong)" = 0
'

# An explicit schedule: 5 s, then 5 min, then dead.
route sched
test_expect_code 75 'a failure waits the schedule: not due before 5 s' '
	leads 1 Sched >sched.ndjson &&
	deliveries "$J" sched.yaml sched.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c sched.yaml >/dev/null 2>&1;
	waits 4990 5010 &&
	later 3 integra-retry -j "$J" -c sched.yaml >o 2>/dev/null &&
	test ! -s o && later 6 integra-retry -j "$J" -c sched.yaml >o \
	    2>/dev/null
'
test_expect_success '... tried again at 5 s, then due 5 min later' '
	jq -e ".attempt == 2 and .status == \"failed\"" o &&
	waits 299990 300010 &&
	later 200 integra-retry -j "$J" -c sched.yaml >o 2>/dev/null &&
	test ! -s o
'
test_expect_code 69 '... and out of attempts after the third: dead, 69' '
	later 400 integra-retry -j "$J" -c sched.yaml >o 2>/dev/null
'
test_expect_success '... in the dead-letter queue with its last error' '
	jq -e ".attempt == 3 and .status == \"dead\"" o &&
	test "$(qj "SELECT status, attempts, error_class, last_error,
	    dead_at IS NOT NULL FROM deliveries WHERE target = \"sched\"")" = \
	    "dead|3|http_5xx|HTTP 500|1"
'

# 429 with Retry-After: 30 s, not the preset's 5 s.
route busy
test_expect_code 75 'a 429 with Retry-After waits what the target asks' '
	leads 2 Busy >busy.ndjson &&
	deliveries "$J" busy.yaml busy.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c busy.yaml >o 2>/dev/null
'
test_expect_success '... recorded as http_429, due 30 s later' '
	jq -e -s "length == 2 and all(.error_class == \"http_429\" and
	    .status == \"failed\")" o &&
	waits 29990 30010 &&
	later 10 integra-retry -j "$J" -c busy.yaml >o 2>/dev/null &&
	test ! -s o
'

# 410 Gone: the target is disabled; its deliveries wait, nothing is lost.
route gone
test_expect_code 75 'a 410 disables the target; its deliveries wait' '
	leads 5 Gone >gone.ndjson &&
	deliveries "$J" gone.yaml gone.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c gone.yaml >o 2>err
'
test_expect_success '... pending, not dead, and the admin is told' '
	test "$(qj "SELECT DISTINCT status FROM deliveries
	    WHERE target = \"gone\"")" = pending &&
	grep -q "answered 410 Gone: disabled until an admin enables it" err &&
	integra-targets -j "$J" -c gone.yaml list >t &&
	grep -q "^gone  *disabled  *5  *0  .*410 Gone" t
'
test_expect_success '... no round sends to it while it is disabled' '
	n=$(wc -l <sink.log) &&
	later 3600 integra-retry -j "$J" -c gone.yaml >o 2>/dev/null &&
	test ! -s o && test "$(wc -l <sink.log)" = "$n"
'
test_expect_success '... enabled again: every one delivered' '
	integra-targets -j "$J" -c gone.yaml enable gone 2>/dev/null &&
	stop_pids $gonepid;
	integra-sink -p $gone -o back.log 2>/dev/null &
	started $! && up $gone &&
	integra-retry -j "$J" -c gone.yaml >o 2>/dev/null &&
	test "$(qj "SELECT status, count(*) FROM deliveries
	    WHERE target = \"gone\" GROUP BY status")" = "delivered|5"
'

# Other 4xx: straight to the DLQ; unless retry_on lists the status.
route bad
test_expect_code 69 'a 400 is final: dead after one attempt' '
	leads 2 Bad >bad.ndjson &&
	deliveries "$J" bad.yaml bad.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c bad.yaml >o 2>/dev/null
'
test_expect_success '... with its class and status' '
	jq -e -s "length == 2 and all(.status == \"dead\" and .attempt == 1
	    and .error_class == \"http_4xx\" and .http_status == 400)" o
'
route conflict
test_expect_code 69 'a 4xx in retry_on is retried, then dies' '
	leads 1 Conflict >conflict.ndjson &&
	deliveries "$J" conflict.yaml conflict.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c conflict.yaml >o 2>/dev/null;
	jq -e ".status == \"failed\" and .http_status == 409" o &&
	later 2 integra-retry -j "$J" -c conflict.yaml >o 2>/dev/null
'

# A target slower than its timeout.
route slow
test_expect_success 'slow past the timeout: class timeout, retried later' '
	leads 1 Slow >slow.ndjson &&
	deliveries "$J" slow.yaml slow.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c slow.yaml >o 2>/dev/null;
	test $? = 75 &&
	jq -e ".status == \"failed\" and .error_class == \"timeout\"" o
'

# A target that is down, then comes back on the same port.
route down
test_expect_success 'a target that is down: connection refused, retried' '
	leads 3 Down >down.ndjson &&
	deliveries "$J" down.yaml down.ndjson 2>/dev/null |
	    integra-dispatch -j "$J" -c down.yaml >o 2>/dev/null;
	test $? = 75 && jq -e -s "length == 3 and all(.error_class == \"connect\")" o
'
test_expect_success '... back up: the next round delivers them' '
	integra-sink -p $closed -o up.log 2>/dev/null &
	started $! && up $closed &&
	later 3600 integra-retry -j "$J" -c down.yaml >o 2>/dev/null &&
	jq -e -s "length == 3 and all(.status == \"delivered\")" o
'

# A lower max_attempts moves what already failed that often.
route slow
test_expect_code 69 'a policy lowered: the next round moves them to the DLQ' '
	sed "s|timeout: 300ms|timeout: 300ms\n    retry: { max_attempts: 1 }|" \
	    slow.yaml >lower.yaml &&
	integra-retry -j "$J" -c lower.yaml >o 2>err
'
test_expect_success '... logged, and dead with their last error' '
	grep -q "out of attempts (max_attempts 1): moved to the dead-letter" \
	    err && test "$(qj "SELECT status, error_class FROM deliveries
	    WHERE target = \"slow\"")" = "dead|timeout"
'

# kill -9 in the middle of a round: nothing lost, nothing delivered twice.
cat >kill.yaml <<EOF
targets:
  slowish:
    url: http://127.0.0.1:$good/slow
    timeout: 5s
    concurrency: 4
routes:
  - on: lead.created
    to: slowish
EOF
J=kill.db
test_expect_success 'kill -9 of retry mid-round: every one delivered once' '
	leads 12 Kill >kill.ndjson &&
	deliveries "$J" kill.yaml kill.ndjson >/dev/null 2>&1 &&
	integra-retry -j "$J" -c kill.yaml --lease 20 >/dev/null 2>&1 &
	pid=$! && sleep 3 && kill -9 $pid; wait $pid;
	test "$(qj "SELECT count(*) FROM deliveries WHERE target = \"slowish\"
	    AND status = \"delivered\"")" -gt 0 &&
	test "$(qj "SELECT count(*) FROM deliveries WHERE target = \"slowish\"
	    AND status = \"in_flight\"")" -gt 0 &&
	later 60 integra-retry -j "$J" -c kill.yaml >/dev/null \
	    2>/dev/null &&
	test "$(qj "SELECT status, count(*) FROM deliveries
	    WHERE target = \"slowish\" GROUP BY status")" = "delivered|12"
'
test_expect_success '... and none sent again once recorded delivered' '
	qj "SELECT d.id, a.started_at + a.duration_ms FROM deliveries d
	    JOIN attempts a ON a.delivery_id = d.id AND a.error_class IS NULL
	    WHERE d.target = \"slowish\"" | tr "|" " " | sort >done_at &&
	jq -r -s "map(select(.path == \"/slow\")) | group_by(.idempotency_key)
	    | map(\"\(.[0].idempotency_key) \(map(.time_ms) | max)\") | .[]" \
	    sink.log | sort >last_sent &&
	join done_at last_sent >joined && test "$(wc -l <joined)" = 12 &&
	awk "\$3 > \$2 + 1 { bad++ } END { exit bad > 0 }" joined
'

test_expect_success '--loop: rounds until SIGTERM, then exit 0' '
	integra-retry -j "$J" -c kill.yaml --loop 1 >/dev/null 2>&1 &
	pid=$! && sleep 1.5 && kill -TERM $pid && wait $pid
'
test_expect_code 64 '--once and --loop together: usage' '
	integra-retry -j "$J" --once --loop 5
'
test_done
