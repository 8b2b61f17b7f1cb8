#!/bin/sh
# Two integra-dispatch processes draining one journal at once never send
# the same delivery twice, and between them send every one.
. "$top_srcdir/tests/lib.sh"

start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    concurrency: 8
  marketing:
    url: http://127.0.0.1:$SINK_PORT/marketing
    concurrency: 8
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: marketing
EOF
site_leads 3000 >leads.ndjson

test_expect_success 'journal 6000 deliveries without sending them' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE status = \"pending\"")" = 6000
'
test_expect_success 'two dispatch --pending at once' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending -B 100 >a 2>a.err &
	pa=$!
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending -B 100 >b 2>b.err &
	pb=$!
	wait $pa && wait $pb
'
test_expect_success 'both did part of the work' '
	test -s a && test -s b && echo "$(wc -l <a) $(wc -l <b)"
'
test_expect_success 'no delivery was sent twice, none was left out' '
	test $(wc -l <sink.log) = 6000 &&
	test "$(jq -r .idempotency_key sink.log | sort -u | wc -l)" = 6000 &&
	cat a b | jq -r .delivery | sort >outcomes &&
	sort -u outcomes >unique && test_cmp unique outcomes &&
	test $(wc -l <outcomes) = 6000
'
test_expect_success 'the journal agrees: 6000 delivered, one attempt each' '
	test "$(q "SELECT count(*) FROM deliveries WHERE status = \"delivered\"
	    AND attempts = 1")" = 6000 &&
	test "$(q "SELECT count(*) FROM attempts")" = 6000
'
# A claim takes no more than dispatch has room for: with a small room
# (one at a time, batches of 10), due deliveries and expired leases of a
# dispatch that died all go out once, the last ones on later claims.
cat >narrow.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/narrow
    concurrency: 1
routes:
  - on: lead.created
    to: crm
EOF
test_expect_success 'due deliveries and expired leases, more than there is room for' '
	head -n 60 leads.ndjson | sed "s/Lead/Room/" >room.ndjson &&
	deliveries room.db narrow.yaml room.ndjson >/dev/null 2>&1 &&
	sqlite3 room.db "UPDATE deliveries SET status = \"in_flight\",
	    lease_owner = \"dead\", lease_until = 0
	    WHERE rowid IN (SELECT rowid FROM deliveries LIMIT 30)" &&
	integra-dispatch -j room.db -c narrow.yaml --pending -B 10 >out &&
	test $(wc -l <out) = 60 &&
	test "$(sqlite3 room.db "SELECT count(*) FROM deliveries
	    WHERE status = \"delivered\"")" = 60 &&
	test "$(grep -c /narrow sink.log)" = 60
'
# The same when every claimed delivery fails at once (its target is gone
# from the config): each claim must fit what is held until the next commit.
cat >gone.yaml <<EOF
targets:
  other:
    url: http://127.0.0.1:$SINK_PORT/other
    concurrency: 1
EOF
test_expect_code 75 'deliveries to a target gone from the config fail, claim by claim' '
	q() { sqlite3 room.db "$1"; } &&
	q "UPDATE deliveries SET status = \"pending\", not_before = 0" &&
	q "UPDATE deliveries SET status = \"in_flight\", lease_owner =
	    \"dead\", lease_until = 0
	    WHERE rowid IN (SELECT rowid FROM deliveries LIMIT 30)" &&
	integra-dispatch -j room.db -c gone.yaml --pending -B 10 >out 2>err;
	rc=$?;
	test $(wc -l <out) = 60 &&
	jq -e -s "all(.status == \"failed\" and .error_class == \"config\")" \
	    out >/dev/null && exit $rc
'
# A claim that runs out while its delivery waits for a slow target is not
# sent after all: another dispatch may have claimed it by then.
start_sink slowsink -D /slow=300
cat >slow.yaml <<EOF
targets:
  slow:
    url: http://127.0.0.1:$SINK_PORT/slow
    concurrency: 1
    timeout: 500ms
routes:
  - on: lead.created
    to: slow
EOF
test_expect_success 'two dispatches and claims that run out: none sent twice' '
	head -n 10 leads.ndjson | sed "s/Lead/Slow/" >slow.ndjson &&
	deliveries slow.db slow.yaml slow.ndjson >slow.deliveries \
	    2>/dev/null &&
	integra-dispatch -j slow.db -c slow.yaml --lease 1 \
	    <slow.deliveries >a.out 2>a.err &
	pa=$!
	sleep 1.3
	integra-dispatch -j slow.db -c slow.yaml --lease 1 --pending \
	    >b.out 2>b.err &
	pb=$!
	wait $pa; wait $pb;
	grep -q "waited out its claim" a.err &&
	# What was left goes out on later runs, as cron would make them.
	for run in 1 2 3 4 5 6 7 8; do
		sleep 1.1
		integra-dispatch -j slow.db -c slow.yaml --lease 1 --pending \
		    >>c.out 2>>c.err && break
	done
	test "$(jq -r .idempotency_key slowsink.log | sort | uniq -d)" = "" &&
	test $(wc -l <slowsink.log) = 10 &&
	test "$(sqlite3 slow.db "SELECT count(*) FROM deliveries
	    WHERE status = \"delivered\"")" = 10
'
# A lease taken from a dispatch while its request is out (it ran out, and
# another dispatch claimed the delivery): the try is kept, and the
# delivery is left to the one that holds it now.  The outcomes of a tick
# are sent before their answers are read (journal_attempt_send): the
# answer that says the lease was lost must still be this delivery's (on
# PostgreSQL the tick's outcomes go as one statement: the third's answer
# must not be told to another).
test_expect_success 'a lease lost while its request is out: the try kept, the delivery left' '
	cat >lost.yaml <<-EOF &&
	targets:
	  slow:
	    url: http://127.0.0.1:$SINK_PORT/slow
	    concurrency: 4
	routes:
	  - on: lead.created
	    to: slow
	EOF
	printf "{\"name\":\"Lost %d\",\"phone\":\"1197777000%d\"}\n" \
	    0 0 1 1 2 2 3 3 >lost.ndjson &&
	deliveries "$JOURNAL" lost.yaml lost.ndjson >lost.deliveries \
	    2>/dev/null &&
	test $(wc -l <lost.deliveries) = 4 &&
	jq -r .id lost.deliveries | sed -n 3p >stolen.id || exit 1
	integra-dispatch -j "$JOURNAL" -c lost.yaml <lost.deliveries \
	    >lost.out 2>lost.err &
	pd=$!
	sleep 0.15
	q "UPDATE deliveries SET lease_owner = \"thief\"
	    WHERE id = \"$(cat stolen.id)\" AND status = \"in_flight\"" &&
	wait $pd &&
	grep "lease lost before the outcome was recorded" lost.err >lost &&
	test $(wc -l <lost) = 1 && grep -q "$(cat stolen.id)" lost &&
	test "$(q "SELECT status || \" \" || lease_owner FROM deliveries
	    WHERE id = \"$(cat stolen.id)\"")" = "in_flight thief" &&
	test "$(q "SELECT count(*) FROM attempts
	    WHERE delivery_id = \"$(cat stolen.id)\"")" = 1 &&
	test "$(q "SELECT count(*) FROM deliveries d JOIN attempts a
	    ON a.delivery_id = d.id WHERE d.target = \"slow\"
	    AND d.status = \"delivered\" AND d.id <> \"$(cat stolen.id)\"")" = 3
'
test_done
