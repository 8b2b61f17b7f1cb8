#!/bin/sh
# integra-ingest: raw payloads and CloudEvents in, envelopes out, every
# one journaled first; duplicates are harmless; bad lines are reported
# with their line number and the rest goes on.
. "$top_srcdir/tests/lib.sh"

leads="$top_srcdir/share/samples/leads.ndjson"
events="$top_srcdir/share/samples/events.ndjson"

test_expect_success 'raw payloads are wrapped in CloudEvents' '
	integra-ingest -j "$JOURNAL" -s site -t lead.created <"$leads" \
	    >out 2>err &&
	test $(wc -l <out) = 5 &&
	jq -e -s "all(.specversion == \"1.0\" and .source == \"site\" and
	    .type == \"lead.created\" and .tenant == \"default\" and
	    .datacontenttype == \"application/json\" and
	    (.idempotencykey | startswith(\"sha256:\")) and
	    (.id | test(\"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]\")))" out
'
test_expect_success 'data is the payload exactly as it came' '
	jq -c .data out >data && jq -c . "$leads" >expect &&
	test_cmp expect data
'
test_expect_success 'each envelope is in the journal, as written' '
	jq -r .id out >ids &&
	q "SELECT id FROM events ORDER BY id" >journal.ids &&
	test_cmp ids journal.ids &&
	q "SELECT envelope FROM events JOIN raw_envelopes ON event = seq
	    ORDER BY id" \
	    >raw &&
	test_cmp out raw &&
	test "$(q "SELECT DISTINCT status FROM events")" = received
'
test_expect_success 'ids are time-ordered' '
	sort ids >sorted && test_cmp ids sorted
'
test_expect_success 'the same payloads again are duplicates: same ids out' '
	integra-ingest -j "$JOURNAL" -s site -t lead.created <"$leads" \
	    >again 2>err &&
	jq -r .id again >again.ids && test_cmp ids again.ids &&
	test "$(q "SELECT count(*) FROM events")" = 5 &&
	test $(grep -c "duplicate of event" err) = 5
'
test_expect_success 'CloudEvents get an integra id; theirs is the key' '
	integra-ingest -j "$JOURNAL" <"$events" >ce 2>err &&
	test $(wc -l <ce) = 15 &&
	jq -r .idempotencykey ce >keys && jq -r .id "$events" >expect &&
	test_cmp expect keys &&
	jq -e -s "all(.id | test(\"^[0-9a-f-]{36}$\"))" ce >/dev/null
'
test_expect_success 'CloudEvent attributes and data are kept' '
	jq -c "{source, type, data}" ce >got &&
	jq -c "{source, type, data}" "$events" >expect &&
	test_cmp expect got &&
	jq -r "select(.time != null) | .time" "$events" >expect &&
	head -n 2 ce | jq -r .time >got && test_cmp expect got
'
test_expect_success '--tenant and the idempotencykey attribute are used' '
	ce lead.created x1 "{\"name\":\"A\",\"phone\":\"1\"}" |
	    jq -c ". + {idempotencykey: \"K-1\"}" |
	    integra-ingest -j "$JOURNAL" -T acme >t &&
	jq -e ".tenant == \"acme\" and .idempotencykey == \"K-1\"" t
'
test_expect_success '--key takes the key from a member of the payload' '
	printf "%s\n" "{\"ref\":\"A1\",\"n\":1}" "{\"ref\":\"A1\",\"n\":2}" |
	    integra-ingest -j keyed.db -s site -t lead.created -k ref >k 2>err &&
	test $(wc -l <k) = 2 &&
	test "$(jq -r .id k | sort -u | wc -l)" = 1 &&
	test "$(sqlite3 keyed.db "SELECT count(*) FROM events")" = 1
'

# Bad input: one file with good lines around each class of bad one.
printf '%s\n' \
	'{"name":"good 1"}' \
	'{"name": "unterminated' \
	'{"name":"good 2"}' \
	'[1,2,3]' \
	'{"name":"good 3"}' >bad.ndjson
printf '{"name":"bad utf8 \377"}\n' >>bad.ndjson
printf '%s\n' '{"name":"good 4"}' >>bad.ndjson
printf '{"name":"%0300d"}\n' 0 >>bad.ndjson
printf '%s\n' '{"name":"good 5"} {"x":1}' '{"name":"good 6"}' >>bad.ndjson
printf '{"name":"nul \\u0000 escaped is fine"}\n' >>bad.ndjson

test_expect_code 65 'bad lines: exit 65' '
	integra-ingest -j bad.db -s site -t lead.created -L 200 \
	    <bad.ndjson >good 2>err
'
test_expect_success 'the good lines around them went through' '
	jq -r .data.name good >names &&
	printf "good %s\n" 1 2 3 4 6 >expect &&
	head -n 5 names >first && test_cmp expect first &&
	test $(wc -l <names) = 6 &&
	test "$(sqlite3 bad.db "SELECT count(*) FROM events")" = 6
'
test_expect_success 'each bad line is one JSON log line with its number' '
	all_json err &&
	jq -r "select(.level == \"error\") | .line" err >lines &&
	printf "%s\n" 2 4 6 8 9 >expect && test_cmp expect lines &&
	grep -q "invalid JSON" err && grep -q "invalid UTF-8" err &&
	grep -q "not a JSON object" err && grep -q "longer than the limit" err
'
test_expect_success 'the summary counts them' '
	jq -r "select(.level == \"info\") | .msg" err | tail -n 1 >summary &&
	grep -q "11 read, 6 journaled, 0 duplicate, 5 rejected" summary
'

# Nesting as jq 1.6 counts it (an object's open key is a level too): a
# payload jq could not parse is refused here, not dead-lettered later.
test_expect_success 'a payload nested deeper than jq parses is refused at once' '
	"$PY" -c "print(\"{\\\"\\\":\" + \"[\" * 255 + \"]\" * 255 + \"}\")" >deep.ndjson &&
	"$PY" -c "print(\"{\\\"a\\\":\" * 128 + \"1\" + \"}\" * 128)" >ok.ndjson &&
	"$PY" -c "print(\"{\\\"a\\\":\" * 129 + \"1\" + \"}\" * 129)" >>deep.ndjson &&
	{ integra-ingest -j deep.db -s site -t lead.created <deep.ndjson \
	    >/dev/null 2>err; test $? -eq 65; } &&
	test "$(grep -c "too deeply nested" err)" = 2 &&
	integra-ingest -j deep.db -s site -t lead.created <ok.ndjson >out &&
	test "$(wc -l <out)" = 1
'
test_expect_code 65 'CloudEvents that are not valid are rejected' '
	{
		echo "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\"}";
		echo "{\"specversion\":\"0.3\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\"}";
		echo "{\"specversion\":\"1.0\",\"id\":7,\"source\":\"s\",\"type\":\"t\"}";
		echo "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"data_base64\":\"AA==\"}";
		echo "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"bad type\"}";
		echo "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"Bad-Name\":1}";
		ce lead.created ok "{}";
	} | integra-ingest -j ce.db >out 2>err; rc=$?;
	test $(wc -l <out) = 1 &&
	test $(jq -r "select(.level == \"error\") | .line" err | wc -l) = 6 &&
	grep -q "attribute .type. is missing" err &&
	grep -q "specversion" err && grep -q "binary data" err &&
	exit $rc
'
cat >sql.ndjson <<'EOF'
{"specversion":"1.0","id":"x\"); DROP TABLE events; --","source":"test","type":"lead.created","data":{"name":"Robert'); DROP TABLE events;--"}}
EOF
test_expect_success 'an id given twice: the last counts, as in jq' '
	echo "{\"specversion\":\"1.0\",\"id\":\"first\",\"source\":\"s\",\"type\":\"t\",\"id\":\"last\"}" |
	    integra-ingest -j twice.db >out &&
	test "$(jq -r .idempotencykey out)" = last &&
	jq -e ".id | test(\"^[0-9a-f-]{36}$\")" out >/dev/null
'
test_expect_success 'SQL in the values is only data' '
	integra-ingest -j sql.db <sql.ndjson >out &&
	test "$(sqlite3 sql.db "SELECT count(*) FROM events")" = 1 &&
	test "$(sqlite3 sql.db "SELECT idempotency_key FROM events")" = \
	    "x\"); DROP TABLE events; --"
'
test_expect_success 'logs carry ids, never the personal data' '
	integra-ingest -j "$JOURNAL" -s site -t lead.created <"$leads" \
	    >/dev/null 2>err &&
	! grep -i -e "carla" -e "98888" -e "example.com" err
'
test_expect_success 'not even when the line is not valid JSON' '
	echo "{\"name\":\"Carla\",\"phone\":\"31988881111\",}" |
	    integra-ingest -j "$JOURNAL" -s site -t lead.created 2>err;
	test $? -eq 65 && grep -q "invalid JSON" err &&
	! grep -i -e "carla" -e "98888" err
'
seq 1 200000 | sed 's/.*/{"n":&}/' >many.ndjson
test_expect_success 'progress on stderr when it is a terminal, only then' '
	script -qec "integra-ingest -j tty.db -s site -t lead.created -B 500 \
	    <many.ndjson >/dev/null" typescript >/dev/null &&
	grep -q "integra-ingest: [0-9]* records, [0-9]*/s" typescript &&
	integra-ingest -j notty.db -s site -t lead.created <many.ndjson \
	    >/dev/null 2>err && all_json err && ! grep -q "records," err
'
test_expect_success 'a closed stdout is an error, not a silent loss' '
	integra-ingest -j closed.db -s site -t lead.created <"$leads" \
	    >&- 2>err; test $? -eq 74
'
# hold FIFO MARKER: writes a line to FIFO and holds it open until MARKER
# exists (10 s at most).
hold() {
	{
		echo "{\"n\":1}"
		i=0
		while [ ! -e "$2" ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	} >"$1"
}
test_expect_success 'a record on a pipe held open is journaled and written' '
	mkfifo open.fifo || exit
	hold open.fifo open.done &
	feeder=$!
	integra-ingest -j open.db -s site -t lead.created <open.fifo \
	    >open.out 2>/dev/null &
	pid=$!
	i=0
	while [ ! -s open.out ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $pid; running=$?
	touch open.done
	wait $feeder && wait $pid && test $running -eq 0 &&
	test $(wc -l <open.out) = 1 &&
	test "$(sqlite3 open.db "SELECT count(*) FROM events")" = 1
'
test_expect_success 'a stream that cannot write stops though its input idles' '
	mkfifo idle.fifo || exit
	hold idle.fifo idle.done &
	feeder=$!
	start=$(date +%s)
	integra-ingest -j idle.db -s site -t lead.created <idle.fifo >&- \
	    2>idle.err; rc=$?
	end=$(date +%s)
	touch idle.done
	wait $feeder
	test $rc -eq 74 && test $((end - start)) -lt 5
'
# The journal's answers are read once a batch (stream.h, finish): a
# duplicate inside the batch, and one a few hundred events later, past
# the records held at once (HOLD_MAX), are each told by their own line.
test_expect_success 'the same payload twice in one input: once, its envelope twice' '
	awk "BEGIN { for (i = 0; i < 700; i++) {
		k = i < 300 ? i : (i < 600 ? i - 300 : i - 500)
		printf \"{\\\"name\\\":\\\"twice %d\\\"}\\n\", k } }" \
	    >twice.ndjson &&
	integra-ingest -j "$JOURNAL" -s twice -t lead.created <twice.ndjson \
	    >twice.out 2>twice.err &&
	test $(wc -l <twice.out) = 700 &&
	grep -q "700 read, 300 journaled, 400 duplicate, 0 rejected" \
	    twice.err &&
	head -n 300 twice.out >first &&
	sed -n 301,600p twice.out >second && test_cmp first second &&
	sed -n 101,200p twice.out >third.expect &&
	sed -n 601,700p twice.out >third && test_cmp third.expect third &&
	test "$(q "SELECT count(*) FROM events e JOIN raw_envelopes r
	    ON r.event = e.seq WHERE source = '"'twice'"'")" = 300
'
test_expect_code 70 'a journal that fails midway: the batch kept whole or not at all' '
	integra-ingest -j "$JOURNAL" -s refused -t lead.created \
	    <"$leads" >/dev/null 2>&1 &&
	journal_refuse raw_envelopes &&
	awk "BEGIN { for (i = 0; i < 600; i++)
		printf \"{\\\"name\\\":\\\"refused %d\\\"}\\n\", i }" |
	integra-ingest -j "$JOURNAL" -s refused -t lead.created \
	    >refused.out 2>refused.err; rc=$?
	journal_accept raw_envelopes &&
	test ! -s refused.out &&
	test "$(q "SELECT count(*) FROM events WHERE source = '"'refused'"'")" = 5 &&
	grep -q "add raw envelope\|add event" refused.err && exit $rc
'

test_done
