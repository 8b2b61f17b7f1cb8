#!/bin/sh
# A target in order by subject (ordering: subject): its deliveries of
# events with the same subject go one at a time, in the order the events
# were received; a failing one holds its subject's later deliveries and
# nothing else.
. "$top_srcdir/tests/lib.sh"

# /ord/* answers after 150 ms; subject bad's path fails, until told not to.
start_sink sink -D /ord=150 -R /ord/bad=503 -R /plain/bad=503
# The sink started again by a test's body (a subshell): its pid in a file.
echo "$SINK_PID" >sink.pid
resink() {
	stop_pids "$(cat sink.pid)" &&
	start_sink sink -p "$SINK_PORT" "$@" &&
	echo "$SINK_PID" >sink.pid
}
mkdir schemas
echo '{"title": "step", "type": "object"}' >schemas/step.json
cat >cfg.yaml <<EOF
schemas: schemas
defaults:
  retry:
    delays: [1h]
targets:
  ord:
    url: http://127.0.0.1:$SINK_PORT
    ordering: subject
    concurrency: 8
    circuit:
      failures: 0
  plain:
    url: http://127.0.0.1:$SINK_PORT
    concurrency: 8
    circuit:
      failures: 0
routes:
  - on: step
    to: ord
    path: '/ord/\(.subject)'
    body: '{n: .data.n, subject}'
EOF
sed -e 's|    to: ord|    to: plain|' -e 's|/ord/|/plain/|' cfg.yaml >plain.yaml
# events FILE SUBJECT...: one event a subject named, in that order, each
# numbered; subject "-" for none.
events() {
	out=$1
	shift
	n=0
	for s; do
		n=$((n + 1))
		if [ "$s" = - ]; then
			printf '{"specversion":"1.0","id":"%s-%d","source":"t","type":"step","data":{"n":%d}}\n' \
			    "$out" $n $n
		else
			printf '{"specversion":"1.0","id":"%s-%d","source":"t","type":"step","subject":"%s","data":{"n":%d}}\n' \
			    "$out" $n "$s" $n
		fi
	done >"$out"
}
# mapped FILE CFG: its events journaled and mapped, nothing sent.
mapped() {
	integra-ingest -j "$JOURNAL" <"$1" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" -c "$2" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c "$2" >/dev/null 2>&1
}
# arrivals SUBJECT: "n time_ms" of each request the sink got for it.
arrivals() {
	jq -r "select(.path == \"/ord/$1\") |
	    \"\\(.body | fromjson | .n) \\(.time_ms)\"" sink.log
}

events interleaved.ndjson a b a c b a c b a c
test_expect_success 'interleaved subjects: each one in its order, one at a time' '
	mapped interleaved.ndjson cfg.yaml &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >outcomes \
	    2>dispatch.err &&
	test "$(jq -s "map(select(.status == \"delivered\")) | length" \
	    outcomes)" = 10 &&
	for s in a b c; do
		arrivals $s >$s.arr &&
		sort -n -k2 $s.arr | cut -d" " -f1 >by-time &&
		sort -n $s.arr | cut -d" " -f1 >by-n &&
		test_cmp by-n by-time &&
		sort -n -k2 $s.arr | awk "NR > 1 && \$2 - t < 140 { exit 1 }
		    { t = \$2 }" || return 1
	done
'
test_expect_success '... and the subjects go side by side' '
	cat a.arr b.arr c.arr | sort -n -k2 | awk "NR == 1 { f = \$2 }
	    { l = \$2 } END { exit !(l - f < 9 * 140) }"
'
events failing.ndjson bad ok bad bad ok - -
test_expect_success 'a failing subject holds its later deliveries, no other' '
	: >sink.log &&
	mapped failing.ndjson cfg.yaml &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >outcomes \
	    2>dispatch.err; test $? = 75 &&
	test "$(jq -r "select(.path | startswith(\"/ord/bad\")) | .body |
	    fromjson | .n" sink.log)" = 1 &&
	test "$(jq -r "select(.path == \"/ord/ok\") | .body | fromjson | .n" \
	    sink.log | sort | tr "\n" " ")" = "2 5 " &&
	test "$(jq -s "map(select(.path == \"/ord/null\")) | length" \
	    sink.log)" = 2 &&
	test "$(q "SELECT group_concat(status, \" \") FROM (SELECT d.status
	    FROM deliveries d JOIN events e ON e.id = d.event_id
	    WHERE e.subject = \"bad\" ORDER BY e.seq) AS s")" = \
	    "failed pending pending"
'
test_expect_success 'the later ones stay held when the run is again' '
	: >sink.log &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >outcomes \
	    2>dispatch.err &&
	test ! -s sink.log
'
test_expect_success 'once the failed one goes through, the rest follow in order' '
	resink -D /ord=150 &&
	q "UPDATE deliveries SET not_before = 0 WHERE status = \"failed\"" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >outcomes \
	    2>dispatch.err &&
	test "$(arrivals bad | sort -n -k2 | cut -d" " -f1 | tr "\n" " ")" = \
	    "1 3 4 "
'
test_expect_success 'a target without ordering: a failing request holds nothing' '
	events unordered.ndjson bad bad bad &&
	resink -R /plain/bad=503 &&
	mapped unordered.ndjson plain.yaml &&
	integra-dispatch -j "$JOURNAL" -c plain.yaml --pending >outcomes \
	    2>dispatch.err; test $? = 75 &&
	test "$(jq -s "map(select(.path == \"/plain/bad\")) | length" \
	    sink.log)" = 3
'
test_expect_code 78 'ordering is subject or none' '
	sed "s/ordering: subject/ordering: fifo/" cfg.yaml >bad.yaml &&
	integra config check -c bad.yaml 2>err; rc=$?;
	grep -q "ordering is subject or none" err && exit $rc
'
test_done
