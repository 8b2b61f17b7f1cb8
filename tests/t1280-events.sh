#!/bin/sh
# integra-events and the receiver's /api/events/...: one function answers
# both; list pages with a cursor, show has deliveries and attempts, retry
# sends failed deliveries again.
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /marketing=500
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  marketing:
    url: http://127.0.0.1:$SINK_PORT/marketing
    retry:
      max_attempts: 1
    circuit:
      failures: 0
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: marketing
EOF
site_leads 5 >leads.ndjson
deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
echo '{"specversion":"1.0","id":"c1","source":"crm","type":"client.registered"}' |
    integra-ingest -j "$JOURNAL" >/dev/null 2>&1

test_expect_success 'list: every event, oldest first, with its status' '
	integra-events -j "$JOURNAL" list >all &&
	test "$(jq ".events | length" all)" = 6 &&
	test "$(jq -r ".events[0].status" all)" = mapped &&
	test "$(jq -r .next all)" = null &&
	jq -r ".events[].id" all >ids && sort ids | cmp - ids
'
test_expect_success 'filters: type, source, status' '
	test "$(integra-events -j "$JOURNAL" list -t client.registered |
	    jq ".events | length")" = 1 &&
	test "$(integra-events -j "$JOURNAL" list -s site -S mapped |
	    jq ".events | length")" = 5 &&
	test "$(integra-events -j "$JOURNAL" list -S rejected |
	    jq ".events | length")" = 0
'
test_expect_success 'pages of 2 with the cursor: all of them, once' '
	cursor= && : >paged &&
	while :; do
		integra-events -j "$JOURNAL" list -n 2 ${cursor:+-C "$cursor"} \
		    >page || exit 1
		jq -r ".events[].id" page >>paged
		cursor=$(jq -r ".next // empty" page)
		[ -n "$cursor" ] || break
	done &&
	test_cmp ids paged
'
test_expect_success 'since and until, in RFC 3339' '
	test "$(integra-events -j "$JOURNAL" list -a 2000-01-01T00:00:00Z \
	    -b 2999-01-01T00:00:00.000+01:00 | jq ".events | length")" = 6 &&
	test "$(integra-events -j "$JOURNAL" list -a 2999-01-01T00:00:00Z |
	    jq ".events | length")" = 0
'
test_expect_success 'show: the event, its envelopes, deliveries and tries' '
	id=$(jq -r ".events[0].id" all) &&
	integra-events -j "$JOURNAL" show "$id" >one &&
	test "$(jq -r .raw.data.name one)" = "Lead 0" &&
	test "$(jq -r .canonical.data.phone one)" = +5511900000000 &&
	test "$(jq ".deliveries | length" one)" = 2 &&
	test "$(jq -r ".deliveries[] | select(.target == \"marketing\") |
	    .status" one)" = dead &&
	test "$(jq -r ".deliveries[] | select(.target == \"marketing\") |
	    .tries[0].http_status" one)" = 500
'
test_expect_success 'retry: the dead delivery is due again, attempts reset' '
	id=$(jq -r ".events[0].id" all) &&
	integra-events -j "$JOURNAL" retry "$id" >retried &&
	test "$(jq -r .remapped retried)" = true &&
	test "$(jq -r .redelivered retried)" = 1 &&
	test "$(q "SELECT status || attempts FROM deliveries
	    WHERE event_id = \"$id\" AND target = \"marketing\"")" = pending0 &&
	test "$(q "SELECT status FROM events WHERE id = \"$id\"")" = normalized
'
test_expect_success 'then map and dispatch --pending redo it, no more' '
	n=$(q "SELECT count(*) FROM deliveries") &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM deliveries")" = "$n" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1;
	test "$(q "SELECT count(*) FROM attempts a JOIN deliveries d
	    ON a.delivery_id = d.id WHERE d.event_id = \"$(jq -r \
	    ".events[0].id" all)\" AND d.target = \"marketing\"")" = 2
'
test_expect_success 'unknown id: 65; bad filters and usage: 64' '
	integra-events -j "$JOURNAL" show 00000000-0000-7000-8000-000000000000;
	test $? -eq 65 &&
	integra-events -j "$JOURNAL" list -S bogus; test $? -eq 64 &&
	integra-events -j "$JOURNAL" list -n 0; test $? -eq 64 &&
	integra-events -j "$JOURNAL" list -a yesterday; test $? -eq 64 &&
	integra-events -j "$JOURNAL" show; test $? -eq 64 &&
	integra-events -j "$JOURNAL" show x -t y; test $? -eq 64
'

# The same over HTTP.
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
WRITE=$(integra-keys -j "$JOURNAL" add writer -S events:write 2>/dev/null)
printf 'sources:\n  site:\n    type: lead.created\n' >recv.yaml
start_receiver recv.log -c recv.yaml
get() {
	curl -s -o body -w "%{http_code}\n" -H "X-API-Key: $1" "$URL$2" >status
}
test_expect_success 'GET /api/events is integra-events list' '
	get "$READ" "/api/events?limit=3&source=site" &&
	test "$(cat status)" = 200 &&
	integra-events -j "$JOURNAL" list -n 3 -s site >cli &&
	jq -c . body >a && jq -c . cli >b && test_cmp a b
'
test_expect_success 'GET /api/events/ID is integra-events show' '
	id=$(jq -r ".events[1].id" all) &&
	get "$READ" "/api/events/$id" && test "$(cat status)" = 200 &&
	integra-events -j "$JOURNAL" show "$id" >cli &&
	jq -c . body >a && jq -c . cli >b && test_cmp a b
'
test_expect_success 'keys: none 401, the wrong scope 403' '
	get "" /api/events && test "$(cat status)" = 401 &&
	get "$WRITE" /api/events && test "$(cat status)" = 403 &&
	curl -s -o /dev/null -w "%{http_code}\n" -X POST -H "X-API-Key: $READ" \
	    "$URL/api/events/$(jq -r ".events[1].id" all)/retry" >status &&
	test "$(cat status)" = 403
'
test_expect_success 'POST /api/events/ID/retry: 202 and what was done' '
	id=$(jq -r ".events[1].id" all) &&
	curl -s -o body -w "%{http_code}\n" -X POST -H "X-API-Key: $WRITE" \
	    "$URL/api/events/$id/retry" >status &&
	test "$(cat status)" = 202 && test "$(jq -r .redelivered body)" = 1
'
test_expect_success 'bad filter 400, unknown id 404, wrong method 405' '
	get "$READ" "/api/events?status=bogus" && test "$(cat status)" = 400 &&
	test "$(jq -r .error.code body)" = invalid_query &&
	get "$READ" "/api/events?colour=red" && test "$(cat status)" = 400 &&
	get "$READ" /api/events/00000000-0000-7000-8000-000000000000 &&
	test "$(cat status)" = 404 &&
	get "$READ" /api/events/short && test "$(cat status)" = 404 &&
	curl -s -o /dev/null -w "%{http_code}\n" -X DELETE -H "X-API-Key: $READ" \
	    "$URL/api/events" >status && test "$(cat status)" = 405
'
test_expect_success 'GET /status: counts by status, backlogs, version' '
	get "$READ" /status && test "$(cat status)" = 200 &&
	test "$(jq -r .counts.events.mapped body)" = \
	    "$(q "SELECT count(*) FROM events WHERE status = \"mapped\"")" &&
	test "$(jq -r .counts.deliveries.delivered body)" = \
	    "$(q "SELECT count(*) FROM deliveries WHERE status = \"delivered\"")" &&
	test "$(jq -r .counts.delivery_backlog body)" = \
	    "$(q "SELECT count(*) FROM deliveries
	    WHERE status IN (\"pending\", \"failed\")")" &&
	jq -e ".version | test(\"^[0-9]\")" body >/dev/null
'
test_expect_success 'GET /health/detailed: journal, disk, each target last' '
	get "$READ" /health/detailed && test "$(cat status)" = 200 &&
	test "$(jq -r .journal.writable body)" = true &&
	# A database has no disk here to tell of.
	if [ "$JOURNAL" = journal.db ]; then
		jq -e ".journal.disk_free_bytes > 0" body >/dev/null
	else
		jq -e ".journal.disk_free_bytes == null" body >/dev/null
	fi &&
	test "$(jq -r .targets.crm.http_status body)" = 200 &&
	test "$(jq -r .targets.marketing.http_status body)" = 500 &&
	get "" /status && test "$(cat status)" = 401
'
kill $RECEIVER
wait $RECEIVER
test_done
