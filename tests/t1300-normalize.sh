#!/bin/sh
# integra-normalize: the cases in tests/data/normalize.test, then replays,
# --pending, and what it does with records it must not trust.
. "$top_srcdir/tests/lib.sh"

# The cases as one line each: type, data, expected (tab-separated).
awk 'BEGIN { n = 0 }
    /^#/ { next }
    /^$/ { if (n == 3) print t "\t" d "\t" e; n = 0; next }
    { if (n == 0) t = $0; else if (n == 1) d = $0; else e = $0; n++ }
    END { if (n == 3) print t "\t" d "\t" e }' \
    "$top_srcdir/tests/data/normalize.test" >cases
tab=$(printf '\t')
i=0
while IFS=$tab read -r type data expect; do
	i=$((i + 1))
	ce "$type" "case-$i" "$data"
done <cases >events.ndjson

test_expect_success 'the cases are read' '
	test $(wc -l <cases) -ge 20
'
integra-ingest -j "$JOURNAL" <events.ndjson >envelopes 2>/dev/null
integra-normalize -j "$JOURNAL" <envelopes >canonical 2>err
rc=$?
test_expect_success 'a stream with bad records exits 65' "test $rc -eq 65"

i=0
while IFS=$tab read -r type data expect; do
	i=$((i + 1))
	case $expect in
	%%FAIL*)
		reason=${expect#%%FAIL }
		test_expect_success "case $i: $type rejected: $reason" "
			q \"SELECT status, error FROM events
			    WHERE idempotency_key = 'case-$i'\" >row &&
			grep -q '^rejected|' row && grep -qF \"\$(printf '%s' \"$reason\")\" row &&
			! jq -e 'select(.idempotencykey == \"case-$i\")' canonical
		"
		;;
	*)
		printf '%s\n' "$expect" >expect.$i
		test_expect_success "case $i: $type $data" "
			jq -c 'select(.idempotencykey == \"case-$i\") |
			    .data | del(.lead_id)' canonical >got.$i &&
			jq -c . expect.$i >want.$i && test_cmp want.$i got.$i &&
			q \"SELECT status FROM events
			    WHERE idempotency_key = 'case-$i'\" >st &&
			test \"\$(cat st)\" = normalized
		"
		;;
	esac
done <cases

test_expect_success 'rejections are logged with the event id, not the data' '
	all_json err &&
	test "$(jq -r "select(.level == \"error\") | .event" err |
	    grep -c -E "^[0-9a-f-]{36}$")" = "$(grep -c %%FAIL cases)" &&
	! grep -e "Maria" -e "98765" err
'
test_expect_success 'the canonical envelope is what the journal holds' '
	jq -r .id canonical | while read -r id; do
		q "SELECT envelope FROM events
		    JOIN canonical_envelopes ON event = seq
		    WHERE id = \"$id\""
	done >journal.canonical &&
	test_cmp canonical journal.canonical
'
test_expect_success 'an unchanged event keeps its bytes as they came' '
	grep "\"M1\"" envelopes >a && grep "\"M1\"" canonical >b &&
	test_cmp a b
'
test_expect_success 'a replay writes the same canonical events again' '
	integra-normalize -j "$JOURNAL" <envelopes >again 2>/dev/null;
	test_cmp canonical again
'
test_expect_success '--pending finds nothing left to do' '
	integra-normalize -j "$JOURNAL" --pending >pending &&
	test ! -s pending
'
test_expect_success '--pending normalizes what was ingested but not normalized' '
	integra-ingest -j p.db -s site -t lead.created \
	    <"$top_srcdir/share/samples/leads.ndjson" >/dev/null &&
	integra-normalize -j p.db --pending >pending &&
	test $(wc -l <pending) = 5 &&
	test "$(sqlite3 p.db "SELECT DISTINCT status FROM events")" = normalized
'
test_expect_code 65 'an envelope the journal does not know is refused' '
	ce lead.created z "{\"name\":\"A\",\"phone\":\"11987654321\"}" |
	    jq -c ".id = \"0192d0c4-0000-7000-8000-000000000000\"" |
	    integra-normalize -j "$JOURNAL" >out 2>err; rc=$?;
	grep -q "not in journal" err && test ! -s out && exit $rc
'
test_expect_code 65 'a line that is no CloudEvent is refused' '
	echo "{\"hello\":1}" | integra-normalize -j "$JOURNAL" 2>err; rc=$?;
	grep -q "attribute .id. is missing" err && exit $rc
'
test_expect_success 'the country for phones comes from the config' '
	printf "defaults:\n  country: PT\n" >pt.yaml &&
	integra-ingest -j pt.db -s site -t lead.created >e <<-EOF &&
	{"name":"Rui","phone":"912 345 678"}
	EOF
	integra-normalize -j pt.db -c pt.yaml <e >c &&
	test "$(jq -r .data.phone c)" = "+351912345678"
'
cat >ext.ndjson <<'EOF'
{"specversion":"1.0","id":"ext-1","source":"sit\u0065","type":"lead.created","traceparent":"00-abc-01","data":{"name":"Ext","phone":"(11) 98765-4321"},"comexampleother":[1,{"a":2}]}
EOF
test_expect_success 'escaped attributes are read; extensions are kept as they came' '
	integra-ingest -j ext.db <ext.ndjson >e &&
	integra-normalize -j ext.db <e >c &&
	jq -e ".source == \"site\" and .traceparent == \"00-abc-01\" and
	    .comexampleother == [1, {\"a\": 2}] and
	    .data.phone == \"+5511987654321\"" c &&
	sed "s/\"data\":{[^}]*}/\"data\":{}/" e >expect &&
	sed "s/\"data\":{[^}]*}/\"data\":{}/" c >got &&
	test_cmp expect got
'
test_expect_success '--list-types prints the catalogue' '
	integra-normalize -l >types &&
	test $(wc -l <types) = 41 && grep -qx lead.created types &&
	grep -qx feedback.received types
'
test_done
