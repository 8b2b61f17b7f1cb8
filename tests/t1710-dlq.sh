#!/bin/sh
# integra-dlq: list, show, stats, retry, archive, delete and export round
# trips on dead deliveries.
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /bad=400 -R /worse=422
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/bad
  fin:
    url: http://127.0.0.1:$SINK_PORT/worse
  ok:
    url: http://127.0.0.1:$SINK_PORT/ok
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: fin
EOF
i=0
while [ $i -lt 6 ]; do
	printf '{"name":"Dead %d","phone":"1198765%04d"}\n' $i $i
	i=$((i + 1))
done >leads.ndjson

test_expect_code 69 'refused deliveries die at once' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
'
test_expect_success 'list: a line a dead letter, under a header' '
	integra-dlq -j "$JOURNAL" list >l &&
	test "$(wc -l <l)" = 13 && head -n 1 l | grep -q "^ID  *TYPE" &&
	grep -c " crm  *1  http_4xx " l >n && test "$(cat n)" = 6
'
test_expect_success 'list --json, with filters and pages' '
	integra-dlq -j "$JOURNAL" list --json -T fin >l &&
	jq -e -s "length == 6 and all(.target == \"fin\" and
	    .error_class == \"http_4xx\" and .last_error == \"HTTP 422\" and
	    .type == \"lead.created\" and .attempts == 1 and
	    (.dead_at | type) == \"number\" and .archived_at == null)" l &&
	integra-dlq -j "$JOURNAL" list --json -n 4 >p1 &&
	integra-dlq -j "$JOURNAL" list --json -n 100 \
	    -C "$(jq -r -s ".[-1].id" p1)" >p2 &&
	cat p1 p2 | jq -r .id | sort -u | wc -l >n && test "$(cat n)" = 12 &&
	integra-dlq -j "$JOURNAL" list --json -t no.such.type >none &&
	test ! -s none
'
test_expect_success 'show: the request, the event and every attempt' '
	id=$(jq -r -s ".[0].id" l) &&
	integra-dlq -j "$JOURNAL" show "$id" >s &&
	jq -e ".id == \"$id\" and .method == \"POST\" and
	    (.url | endswith(\"/worse\")) and (.headers | type) == \"object\"
	    and .event_attributes.type == \"lead.created\" and
	    (.tries | length) == 1 and .tries[0].http_status == 422" s
'
test_expect_code 65 'show of what is not a dead letter: 65' '
	integra-dlq -j "$JOURNAL" show 01a209f0-0000-7000-8000-000000000000
'
test_expect_success 'stats: counts by type, target and error class' '
	integra-dlq -j "$JOURNAL" stats --json >st &&
	jq -e ".dead == 12 and .archived == 0 and .oldest_ms >= 0 and
	    .by_target == {crm: 6, fin: 6} and
	    .by_type == {\"lead.created\": 12} and
	    .by_error_class == {http_4xx: 12}" st &&
	integra-dlq -j "$JOURNAL" stats >st.txt &&
	grep -q "^dead letters: 12 in the queue, 0 archived" st.txt
'
test_expect_success 'export: every dead letter, whole' '
	integra-dlq -j "$JOURNAL" export >dead.ndjson &&
	test "$(wc -l <dead.ndjson)" = 12 &&
	jq -e -s "all(has(\"body\") and has(\"url\") and has(\"headers\")
	    and has(\"method\"))" dead.ndjson
'
test_expect_success 'archive: out of the queue, still there' '
	integra-dlq -j "$JOURNAL" archive --all -T crm >a &&
	jq -e -s "length == 6 and all(.status == \"archived\")" a &&
	integra-dlq -j "$JOURNAL" list --json >l && test "$(wc -l <l)" = 6 &&
	integra-dlq -j "$JOURNAL" list --json --archived >l &&
	test "$(wc -l <l)" = 6 &&
	test "$(integra-dlq -j "$JOURNAL" stats --json | jq .archived)" = 6
'
test_expect_code 65 'archive of one already archived: 65' '
	integra-dlq -j "$JOURNAL" archive "$(jq -r -s ".[0].id" l)" 2>err
'
test_expect_code 64 'delete without a terminal asks for --yes' '
	integra-dlq -j "$JOURNAL" delete "$(jq -r -s ".[0].id" l)" </dev/null
'
test_expect_code 65 'delete of one not archived: refused without --force' '
	integra-dlq -j "$JOURNAL" list --json -T fin | head -n 1 >f &&
	integra-dlq -j "$JOURNAL" delete --yes "$(jq -r .id f)" >o 2>err
'
test_expect_success '... and it is still there' '
	grep -q "is not archived" err && test ! -s o &&
	integra-dlq -j "$JOURNAL" show "$(jq -r .id f)" >/dev/null
'
test_expect_success 'delete --yes of an archived one: gone, attempts too' '
	id=$(jq -r -s ".[0].id" l) &&
	integra-dlq -j "$JOURNAL" delete --yes "$id" >o &&
	jq -e ".status == \"deleted\"" o &&
	test "$(q "SELECT count(*) FROM deliveries WHERE id = \"$id\"")" = 0 &&
	test "$(q "SELECT count(*) FROM attempts
	    WHERE delivery_id = \"$id\"")" = 0
'
test_expect_success 'delete --force of one not archived' '
	integra-dlq -j "$JOURNAL" delete --yes --force "$(jq -r .id f)" >o &&
	jq -e ".status == \"deleted\"" o
'
test_expect_success 'replay: export | retry - | dispatch, the target fixed' '
	grep -v "$(jq -r .id f)" dead.ndjson |
	    grep -v "$(jq -r -s ".[0].id" l)" >replay.ndjson &&
	sed "s|/bad$|/ok|; s|/worse$|/ok|" cfg.yaml >fixed.yaml &&
	q "UPDATE deliveries SET url = replace(replace(url, \"/bad\", \"/ok\"),
	    \"/worse\", \"/ok\")" &&
	integra-dlq -j "$JOURNAL" retry - <replay.ndjson >r &&
	jq -e -s "length == 10 and all(.status == \"pending\")" r &&
	integra-dispatch -j "$JOURNAL" -c fixed.yaml <r >out &&
	jq -e -s "length == 10 and all(.status == \"delivered\" and
	    .attempt == 1)" out &&
	test "$(integra-dlq -j "$JOURNAL" stats --json | jq ".dead + .archived")" = 0
'
test_expect_code 65 'retry -: a bad line is named, the rest goes on' '
	printf "not an id\n{\"id\":3}\n" | integra-dlq -j "$JOURNAL" retry - \
	    2>err
'
test_expect_success '... with its line number' '
	grep -q "line 1: not an id" err && grep -q "line 2: no valid" err
'
test_expect_code 64 'options that do not go with the command: usage' '
	integra-dlq -j "$JOURNAL" show --all x
'

test_done
