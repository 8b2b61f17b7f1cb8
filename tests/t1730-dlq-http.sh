#!/bin/sh
# The receiver's /api/dlq: the same answers as integra-dlq, an admin key
# needed, and the errors in the API's shape.
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /bad=400
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/bad
routes:
  - on: lead.created
    to: crm
EOF
site_leads 4 Dead >leads.ndjson
deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
ADMIN=$(integra-keys -j "$JOURNAL" add ops -S admin 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
printf 'sources:\n  site:\n    type: lead.created\n' >recv.yaml
start_receiver recv.log -c recv.yaml
# call METHOD PATH [KEY]: the body in body, the status in status.
call() {
	curl -s -o body -w "%{http_code}\n" -X "$1" \
	    -H "X-API-Key: ${3-$ADMIN}" "$URL$2" >status
}

test_expect_success 'GET /api/dlq is integra-dlq list, as a page' '
	call GET /api/dlq && test "$(cat status)" = 200 &&
	integra-dlq -j "$JOURNAL" list --json >cli &&
	jq -c ".dead_letters[]" body >a && jq -c . cli >b && test_cmp a b &&
	test "$(jq -r .next body)" = null && test "$(wc -l <a)" = 4
'
test_expect_success 'filters and a cursor' '
	call GET "/api/dlq?limit=3&target=crm&type=lead.created" &&
	test "$(jq ".dead_letters | length" body)" = 3 &&
	call GET "/api/dlq?cursor=$(jq -r .next body)" &&
	test "$(jq ".dead_letters | length" body)" = 1 &&
	call GET "/api/dlq?target=fin" &&
	test "$(jq ".dead_letters | length" body)" = 0
'
test_expect_success 'GET /api/dlq/stats is integra-dlq stats --json' '
	call GET /api/dlq/stats && test "$(cat status)" = 200 &&
	jq -e ".dead == 4 and .by_error_class == {http_4xx: 4}" body &&
	integra-dlq -j "$JOURNAL" stats --json >cli &&
	jq -c "del(.oldest_ms)" body >a3 && jq -c "del(.oldest_ms)" cli >b3 &&
	test_cmp a3 b3
'
test_expect_success 'GET /api/dlq/ID is integra-dlq show' '
	id=$(head -n 1 a | jq -r .id) &&
	call GET "/api/dlq/$id" && test "$(cat status)" = 200 &&
	integra-dlq -j "$JOURNAL" show "$id" >cli &&
	jq -c . body >a2 && jq -c . cli >b2 && test_cmp a2 b2 &&
	test "$(jq -r ".tries[0].http_status" body)" = 400
'
test_expect_success 'only an admin key: none 401, events:read 403' '
	call GET /api/dlq "" && test "$(cat status)" = 401 &&
	call GET /api/dlq "$READ" && test "$(cat status)" = 403 &&
	test "$(jq -r .error.code body)" = forbidden &&
	call GET /api/dlq/stats "$READ" && test "$(cat status)" = 403
'
test_expect_success 'POST .../archive, then DELETE it' '
	id=$(sed -n 1p a | jq -r .id) &&
	call POST "/api/dlq/$id/archive" && test "$(cat status)" = 200 &&
	jq -e ".id == \"$id\" and .status == \"archived\"" body &&
	test "$(q "SELECT archived_at IS NOT NULL FROM deliveries
	    WHERE id = \"$id\"")" = 1 &&
	call POST "/api/dlq/$id/archive" && test "$(cat status)" = 404 &&
	call DELETE "/api/dlq/$id" && test "$(cat status)" = 200 &&
	jq -e ".status == \"deleted\"" body &&
	test "$(q "SELECT count(*) FROM deliveries WHERE id = \"$id\"")" = 0
'
test_expect_success 'DELETE of one not archived: 409, unless force=1' '
	id=$(sed -n 2p a | jq -r .id) &&
	call DELETE "/api/dlq/$id" && test "$(cat status)" = 409 &&
	test "$(jq -r .error.code body)" = not_archived &&
	test "$(q "SELECT status FROM deliveries WHERE id = \"$id\"")" = dead &&
	call DELETE "/api/dlq/$id?force=1" && test "$(cat status)" = 200
'
test_expect_success 'POST .../retry: pending, attempts reset' '
	id=$(sed -n 3p a | jq -r .id) &&
	call POST "/api/dlq/$id/retry" && test "$(cat status)" = 200 &&
	jq -e ".id == \"$id\" and .status == \"pending\"" body &&
	test "$(q "SELECT status || attempts FROM deliveries
	    WHERE id = \"$id\"")" = pending0 &&
	call GET /api/dlq/stats && jq -e ".dead == 1" body
'
test_expect_success 'unknown 404, bad filter 400, wrong method 405' '
	call GET /api/dlq/00000000-0000-7000-8000-000000000000 &&
	test "$(cat status)" = 404 && test "$(jq -r .error.code body)" = not_found &&
	call POST /api/dlq/00000000-0000-7000-8000-000000000000/retry &&
	test "$(cat status)" = 404 &&
	call GET /api/dlq/short && test "$(cat status)" = 404 &&
	call GET "/api/dlq/$(sed -n 4p a | jq -r .id)/bogus" &&
	test "$(cat status)" = 404 &&
	call GET "/api/dlq?archived=maybe" && test "$(cat status)" = 400 &&
	test "$(jq -r .error.code body)" = invalid_query &&
	call GET "/api/dlq?colour=red" && test "$(cat status)" = 400 &&
	call POST /api/dlq && test "$(cat status)" = 405 &&
	call GET "/api/dlq/$(sed -n 4p a | jq -r .id)/retry" &&
	test "$(cat status)" = 405
'
test_expect_success 'the log names ids and the key, no personal data' '
	grep -q "archived with key .ops." recv.log &&
	! grep -q "Dead [0-9]\|11900000" recv.log
'
kill $RECEIVER
wait $RECEIVER
test_done
