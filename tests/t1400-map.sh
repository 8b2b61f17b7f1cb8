#!/bin/sh
# integra-map: the cases in tests/data/map.test, then idempotent replays,
# --pending, headers, and records it must refuse.
. "$top_srcdir/tests/lib.sh"

cfg="$top_srcdir/tests/data/map.yaml"
awk 'BEGIN { n = 0; c = 0 }
    /^#/ { next }
    /^$/ { if (n > 2) print rec; n = 0; next }
    { n++; rec = (n == 1) ? $0 : rec "\t" $0 }
    END { if (n > 2) print rec }' "$top_srcdir/tests/data/map.test" >cases
tab=$(printf '\t')
i=0
while IFS=$tab read -r type data rest; do
	i=$((i + 1))
	ce "$type" "case-$i" "$data"
done <cases >events.ndjson

integra-ingest -j "$JOURNAL" <events.ndjson 2>/dev/null |
    integra-normalize -j "$JOURNAL" >canonical 2>/dev/null
integra-map -j "$JOURNAL" -c "$cfg" <canonical >deliveries 2>err
rc=$?
test_expect_success 'a stream with a rejected event exits 65' "test $rc -eq 65"

i=0
while IFS=$tab read -r type data rest; do
	i=$((i + 1))
	id=$(jq -r "select(.idempotencykey == \"case-$i\") | .id" canonical)
	case $rest in
	%%FAIL*)
		reason=${rest#%%FAIL }
		printf '%s\n' "$reason" >reason.$i
		test_expect_success "case $i: $type rejected" "
			q \"SELECT status, error FROM events WHERE id = '$id'\" >row &&
			grep -q '^rejected|' row && grep -qF -f reason.$i row &&
			test \"\$(q \"SELECT count(*) FROM deliveries
			    WHERE event_id = '$id'\")\" = 0
		"
		;;
	*)
		[ "$rest" = %%NONE ] && rest=
		printf '%s' "$rest" | tr '\t' '\n' | jq -c . >want.$i
		test_expect_success "case $i: $type makes its deliveries" "
			jq -c 'select(.event == \"$id\") | {target, route, method,
			    url, body: (if (.body | type) == \"object\" and
			    .body.specversion then {event: .body.type,
			    data: .body.data} else .body end)}' deliveries >got.$i &&
			test_cmp want.$i got.$i &&
			test \"\$(q \"SELECT status FROM events WHERE id = '$id'\")\" = mapped
		"
		;;
	esac
done <cases

test_expect_success 'every delivery written is in the journal, pending' '
	jq -r .id deliveries | sort >written &&
	q "SELECT id FROM deliveries WHERE status = \"pending\" ORDER BY id" \
	    >journaled && test_cmp written journaled
'
test_expect_success 'delivery ids carry their event id time' '
	jq -r "(.id | .[0:13]) == (.event | .[0:13])" deliveries | sort -u >t &&
	echo true >expect && test_cmp expect t
'
test_expect_success 'headers: route over target, any case, no secrets' '
	q "SELECT headers FROM deliveries WHERE route = \"lead.created:welcome\"
	    LIMIT 1" >h &&
	jq -e ". == {\"X-Channel\": \"whatsapp\", \"x-tenant\": \"acme-wa\",
	    \"Content-Type\": \"application/json\"}" h
'
test_expect_success 'mapping again makes the same deliveries, no more' '
	n=$(q "SELECT count(*) FROM deliveries") &&
	integra-map -j "$JOURNAL" -c "$cfg" <canonical >again 2>/dev/null;
	test_cmp deliveries again &&
	test "$(q "SELECT count(*) FROM deliveries")" = "$n"
'
test_expect_success '--pending maps what was normalized but not mapped' '
	integra-ingest -j p.db -s site -t lead.created \
	    <"$top_srcdir/share/samples/leads.ndjson" |
	    integra-normalize -j p.db >/dev/null &&
	integra-map -j p.db -c "$cfg" --pending >pending &&
	test "$(sqlite3 p.db "SELECT DISTINCT status FROM events")" = mapped &&
	test $(wc -l <pending) = \
	    "$(sqlite3 p.db "SELECT count(*) FROM deliveries")" &&
	integra-map -j p.db -c "$cfg" --pending >none && test ! -s none
'
test_expect_code 65 'an event that is not normalized yet is refused' '
	ce lead.created raw "{\"name\":\"A\",\"phone\":\"1\"}" |
	    integra-ingest -j "$JOURNAL" >raw 2>/dev/null &&
	integra-map -j "$JOURNAL" -c "$cfg" <raw >out 2>err; rc=$?;
	grep -q "not normalized yet" err && test ! -s out && exit $rc
'
test_expect_success 'no routes: every event is mapped, nothing is made' '
	: >empty.yaml &&
	integra-ingest -j e.db -s site -t lead.created \
	    <"$top_srcdir/share/samples/leads.ndjson" |
	    integra-normalize -j e.db | integra-map -j e.db -c empty.yaml >out &&
	test ! -s out
'
test_done
