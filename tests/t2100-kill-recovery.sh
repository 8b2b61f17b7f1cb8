#!/bin/sh
# The promise: a pipeline killed anywhere loses nothing.  A 20,000-event
# pipeline into the sink has one of its stages killed with SIGKILL at a
# random moment, several times; then each stage runs with --pending.
# Every event ingest acknowledged reaches each of its targets at least
# once, and the journal is sound.
. "$top_srcdir/tests/lib.sh"

N=${KILL_TEST_EVENTS:-20000}
ROUNDS=4
start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    concurrency: 16
  marketing:
    url: http://127.0.0.1:$SINK_PORT/marketing
    concurrency: 16
routes:
  - on: lead.created
    to: crm
    body: '{name: .data.name, phone: .data.phone, email: .data.email}'
  - on: lead.created
    to: marketing
EOF
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"name\":\"Lead %d\",\"phone\":\"119%08d\",\"email\":\"Lead%d@Example.com\"}\n", i, i, i }' \
    >leads.ndjson

# Each round brings its own quarter of the events, so each leaves new
# work undone when its stage is killed.
split -l $((N / ROUNDS)) -d -a 1 leads.ndjson part.

# One round: the whole pipeline, one stage killed after a random delay.
# What ingest wrote (acknowledged) is kept in ack.N.
round() {
	n=$1
	(
		# Fed at about 5,000 lines a second, as traffic comes, so
		# that the kill lands while every stage has work in hand.
		awk '{ print; fflush() } NR % 50 == 0 { system("sleep 0.01") }' \
		    part.$((n - 1)) |
		integra-ingest -j "$J" -s site -t lead.created \
		    2>/dev/null | tee ack.$n |
		    integra-normalize -j "$J" 2>/dev/null |
		    integra-map -j "$J" -c cfg.yaml 2>/dev/null |
		    integra-dispatch -j "$J" -c cfg.yaml --lease 1 \
		    >/dev/null 2>&1
	) &
	pipeline=$!
	victim=$(awk -v s="$n$$" 'BEGIN { srand(s); print int(rand() * 4) }')
	stage=$(echo "integra-ingest integra-normalize integra-map integra-dispatch" |
	    cut -d" " -f$((victim + 1)))
	delay=$(awk -v s="$n$$" 'BEGIN { srand(s + 1); printf "%.2f", 0.2 + rand() * 0.6 }')
	sleep "$delay"
	# By its command line: the kernel cuts process names to 15 bytes,
	# and the journal's path names this test's processes only.
	if pkill -KILL -f "$(printf '%s' "$stage -j $J" |
	    sed 's/[][\\.*^$?+(){}|]/\\&/g')"; then
		echo "# round $n: killed $stage after ${delay}s"
	else
		echo "# round $n: $stage was not running after ${delay}s"
		killed_none=$((killed_none + 1))
	fi
	wait $pipeline 2>/dev/null
}

J=$PWD/journal.db
[ "$JOURNAL" = journal.db ] || J=$JOURNAL
killed_none=0
r=1
while [ $r -le $ROUNDS ]; do
	round $r
	r=$((r + 1))
done
# A stage killed in the middle of a write leaves half a line in the pipe:
# only whole records were acknowledged.
cat ack.* | jq -R -r 'fromjson? | .id' | sort -u >acknowledged

echo "# after the rounds: $(wc -l <acknowledged) events acknowledged;" \
    "$(q "SELECT count(*) FROM events WHERE status <> 'mapped'") events and" \
    "$(q "SELECT count(*) FROM deliveries WHERE status <> 'delivered'")" \
    "deliveries not done"
test_expect_success 'the kills found their stage running' '
	test $killed_none -le 1
'
test_expect_success 'recovery: each stage with --pending' '
	integra-normalize -j "$JOURNAL" --pending >/dev/null 2>err.n &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>err.m &&
	sleep 1.1 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>err.d
'
test_expect_success 'every acknowledged event is in the journal, mapped' '
	q "SELECT id FROM events WHERE status = \"mapped\" ORDER BY id" >mapped &&
	comm -23 acknowledged mapped >lost && test ! -s lost
'
test_expect_success 'nothing is left undone' '
	test "$(q "SELECT count(*) FROM events WHERE status <> \"mapped\"")" = 0 &&
	test "$(q "SELECT count(*) FROM deliveries
	    WHERE status <> \"delivered\"")" = 0
'
test_expect_success 'each event has its two deliveries' '
	test "$(q "SELECT count(*) FROM deliveries")" = \
	    "$(($(q "SELECT count(*) FROM events") * 2))"
'
test_expect_success 'every delivery reached the sink at least once' '
	q "SELECT id FROM deliveries ORDER BY id" >deliveries &&
	jq -r .idempotency_key sink.log | sort -u >received &&
	comm -23 deliveries received >missing && test ! -s missing &&
	echo "# $(wc -l <sink.log) requests for $(wc -l <deliveries) deliveries"
'
test_expect_success 'an import run again after all that adds nothing' '
	integra-ingest -j "$JOURNAL" -s site -t lead.created <leads.ndjson \
	    2>/dev/null | integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c cfg.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM events")" = "$N" &&
	test "$(q "SELECT count(*) FROM deliveries
	    WHERE status = \"delivered\"")" = "$((N * 2))"
'
# The counts are written in the commit of what they count, so kills leave
# them exact: each event received once, mapped once; each delivery made
# once, delivered once (a try whose outcome a kill lost is tried again,
# but only the outcome recorded counts).
test_expect_success 'the counts agree with the rows after the kills' '
	q "SELECT c || \" \" || sum(n) FROM counts WHERE kind = \"event\"
	    GROUP BY c ORDER BY c" >counted &&
	printf "%s\n" "mapped $N" "normalized $N" "received $N" >expect &&
	test_cmp expect counted &&
	q "SELECT b || \" \" || sum(n) FROM counts
	    WHERE kind = \"delivery\" GROUP BY b ORDER BY b" >counted &&
	printf "%s\n" "created $((N * 2))" "delivered $((N * 2))" >expect &&
	test_cmp expect counted
'
test_expect_success 'the journal is sound' '
	journal_sound
'
test_done
