#!/bin/sh
# The receiver's /api/mappings: the same answers as integra-map's
# commands, an admin key needed, errors in the API's shape.
. "$top_srcdir/tests/lib.sh"

cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:1/crm
routes:
  - on: lead.created
    to: crm
    path: /leads
sources:
  site:
    type: lead.created
EOF
echo '{name: .data.name}' | integra-map -c cfg.yaml -j "$JOURNAL" \
    add lead.created crm - >/dev/null
ADMIN=$(integra-keys -j "$JOURNAL" add ops -S admin 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
start_receiver recv.log
# call METHOD PATH [BODY [KEY]]: the answer in body, its status in status.
call() {
	curl -s -o body -w "%{http_code}\n" -X "$1" \
	    -H "X-API-Key: ${4-$ADMIN}" -H "Content-Type: application/json" \
	    ${3:+--data-binary "$3"} "$URL$2" >status
}

test_expect_success 'GET /api/mappings is integra-map list --json' '
	call GET /api/mappings && test "$(cat status)" = 200 &&
	integra-map -c cfg.yaml -j "$JOURNAL" list --json >cli &&
	jq -c .mappings body >a && jq -c . cli >b && test_cmp a b
'
test_expect_success 'POST /api/mappings adds a version: 201' '
	call POST /api/mappings \
	    "{\"type\":\"lead.created\",\"system\":\"crm\",\"program\":\"{n: .data.name, p: .data.phone}\"}" &&
	test "$(cat status)" = 201 &&
	jq -e ".version == 2 and .current == true and .origin == null" body &&
	test "$(integra-map -c cfg.yaml -j "$JOURNAL" show lead.created crm)" = \
	    "{n: .data.name, p: .data.phone}"
'
test_expect_success 'a program that does not compile: 422, nothing added' '
	call POST /api/mappings \
	    "{\"type\":\"lead.created\",\"system\":\"crm\",\"program\":\"{n:\"}" &&
	test "$(cat status)" = 422 &&
	jq -e ".error.code == \"invalid_mapping\" and
	    (.error.message | test(\"does not compile\"))" body &&
	call GET /api/mappings/lead.created/crm/versions &&
	jq -e ".versions | length == 2" body
'
test_expect_success 'GET one version, and the versions' '
	call GET "/api/mappings/lead.created/crm?version=1" &&
	test "$(cat status)" = 200 &&
	jq -e ".version == 1 and .current == false and
	    .program == \"{name: .data.name}\n\"" body &&
	call GET /api/mappings/lead.created/crm/versions &&
	integra-map -c cfg.yaml -j "$JOURNAL" versions lead.created crm \
	    --json >cli && jq -c .versions body >a && jq -c . cli >b &&
	test_cmp a b
'
test_expect_success 'POST /api/mappings/test: the request, nothing made' '
	call POST /api/mappings/test "{\"type\":\"lead.created\",\"system\":\"crm\",
	    \"event\":{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"t\",
	    \"type\":\"lead.created\",\"data\":{\"name\":\"Ana\",\"phone\":\"+55\"}}}" &&
	test "$(cat status)" = 200 &&
	jq -e ".requests | length == 1 and .[0].mapping_version == 2 and
	    .[0].body == {n: \"Ana\", p: \"+55\"}" body &&
	test "$(q "SELECT count(*) FROM deliveries")" = 0
'
test_expect_success 'errors: 404, 405 with Allow, 400, 401, 403' '
	call GET /api/mappings/lead.created/erp && test "$(cat status)" = 404 &&
	jq -e ".error.code == \"not_found\"" body &&
	call GET /api/mappings/a/b/c && test "$(cat status)" = 404 &&
	curl -s -o /dev/null -D h -X DELETE -H "X-API-Key: $ADMIN" \
	    "$URL/api/mappings" && grep -qi "^allow: GET, HEAD, POST" h &&
	call POST /api/mappings "[1]" && test "$(cat status)" = 400 &&
	call POST /api/mappings "{\"type\":\"lead.created\"}" &&
	test "$(cat status)" = 400 &&
	call GET "/api/mappings/lead.created/crm?version=x" &&
	test "$(cat status)" = 400 &&
	call GET /api/mappings "" nokey && test "$(cat status)" = 401 &&
	call GET /api/mappings "" "$READ" && test "$(cat status)" = 403
'
test_done
