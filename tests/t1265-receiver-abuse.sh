#!/bin/sh
# integra-ingest -l under abuse: 2,000 slow clients from one address are
# held to -C connections at once and cut after -W seconds, while a client
# from another address gets its 202 within a second; nothing of a cut
# request is journaled; headers over the limit are refused.
. "$top_srcdir/tests/lib.sh"

cat >cfg.yaml <<EOF
sources:
  site:
    path: /webhooks/site/lead
    type: lead.created
EOF

# post NAME: a lead from 127.0.0.1; "STATUS SECONDS" on stdout.
post() {
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
	    -H 'Content-Type: application/json' --data "{\"name\":\"$1\"}" \
	    "$URL/webhooks/site/lead"
}

start_receiver recv.log -C 100 -W 3
python3 "$top_srcdir/tests/slowclients.py" 2000 "$RECEIVER_PORT" \
    >slow.json 2>slow.err &
slow=$!
started $slow
sleep 1.5
post Ana >during
wait $slow

test_expect_success 'a client from another address: 202 within 1 s' '
	cat during &&
	awk "\$1 == 202 && \$2 < 1.0 { ok = 1 } END { exit !ok }" during
'
test_expect_success 'the 2,000 slow ones were held to -C 100 at once' '
	cat slow.json slow.err &&
	jq -e ".connections == 2000 and .held > 0 and .held <= 100" slow.json
'
test_expect_success 'and each was cut within -W 3 s and the sweep' '
	jq -e ".still_open == 0 and .last_closed_s <= 5" slow.json
'
test_expect_success 'nothing of a cut request was journaled' '
	test "$(q "select count(*) from events")" = 1
'
test_expect_success 'the log counts the cut ones and names no address' '
	i=0 &&
	while ! grep -q "closed: no whole request within 3 s" recv.log &&
	    [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done &&
	grep -q "closed: no whole request within 3 s" recv.log &&
	! grep -q "127\.0\.0\.2" recv.log
'
test_expect_success 'headers over 16 KiB are refused with 431' '
	long=$(head -c 20000 /dev/zero | tr "\0" x) &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "X-Long: $long" \
	    -H "Content-Type: application/json" --data "{}" \
	    "$URL/webhooks/site/lead") &&
	test "$code" = 431
'
test_expect_success 'the receiver goes on: the next post is 202' '
	post Bia >after && grep -q "^202 " after &&
	test "$(q "select count(*) from events")" = 2
'
stop_pids $RECEIVER

test_expect_code 64 '-W 0 is a usage error' '
	integra-ingest -l 127.0.0.1:0 -c cfg.yaml -j "$JOURNAL" -W 0
'
test_expect_code 64 '-C past 1024 is a usage error' '
	integra-ingest -l 127.0.0.1:0 -c cfg.yaml -j "$JOURNAL" -C 2000
'
test_expect_code 64 '-W without a server is a usage error' '
	integra-ingest -c cfg.yaml -j "$JOURNAL" -W 5 </dev/null
'

test_done
