#!/bin/sh
# The jq sandbox every program runs in (lib/json/jqprog.c): no
# environment, no input, nothing to stderr, no halting the process, no
# modules, and a limit on a run's CPU time, so that a program is
# configuration and never a way to read a secret or stop a process.
. "$top_srcdir/tests/lib.sh"

# route PROGRAM: cfg.yaml with the CRM's body built by PROGRAM.
route() {
	cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:1/crm
routes:
  - on: lead.created
    to: crm
    body: '$1'
sources:
  site:
    type: lead.created
EOF
}
# try PROGRAM: integra-map test of one lead with the body PROGRAM, with a
# secret in the environment; its requests in out, its log in err.
try() {
	route "$1" &&
	ce lead.created 01a20a00-0000-7000-8000-000000000001 \
	    '{"name":"Ana","phone":"11999990000"}' |
	    INTEGRA_SANDBOX_SECRET=s3cret-in-env integra-map -c cfg.yaml \
	    -j "$JOURNAL" test lead.created crm >out 2>err
}
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null

test_expect_success 'env and $ENV are empty objects: no secret is read' '
	try "{e: env, E: \$ENV, p: \$ENV.PATH}" &&
	jq -e ".body == {e: {}, E: {}, p: null}" out &&
	! grep -q s3cret out
'
test_expect_code 65 'input fails cleanly' '
	try "input"; rc=$?; grep -q "input is not allowed" err || exit 1; exit $rc
'
test_expect_code 65 'inputs fails cleanly' '
	try "[inputs]"; rc=$?; grep -q "inputs is not allowed" err || exit 1;
	exit $rc
'
test_expect_success 'debug writes nothing: the value passes' '
	try "debug | .data.name" && jq -e ".body == \"Ana\"" out &&
	! grep -q DEBUG err
'
test_expect_success 'stderr writes nothing: the value passes' '
	try "stderr | .data.phone" && jq -e ".body == \"11999990000\"" out &&
	! grep -q 11999990000 err
'
test_expect_success 'input_filename and get_search_list tell nothing' '
	try "[input_filename, get_search_list, input_line_number]" &&
	jq -e ".body == [null, [], 0]" out
'
for p in halt halt_error "halt_error(1)" modulemeta; do
	test_expect_code 65 "$p fails cleanly, the process goes on" "
		try '$p'; rc=\$?;
		grep -q 'is not allowed' err || exit 1; exit \$rc
	"
done
test_expect_code 78 'import and include are refused when the config is read' '
	route "import \"a\" as a; ." &&
	integra config check -c cfg.yaml 2>err; rc=$?;
	grep -q "import and include are not allowed" err || exit 1;
	route "include \"a\"; ." &&
	{ integra config check -c cfg.yaml 2>err; test $? = 78; } &&
	grep -q "import and include are not allowed" err || exit 1; exit $rc
'
test_expect_success 'the word import in a string is no import' '
	try ".data.name + \" import \" + \"x\"" &&
	jq -e ".body == \"Ana import x\"" out
'
test_expect_code 65 'a loop that never ends is stopped' '
	try "[until(false; .)]"; rc=$?;
	grep -q "ran past its limit of 300 ms of CPU time" err || exit 1;
	exit $rc
'
test_expect_code 65 'a recursion that never ends is stopped' '
	try "def f: f; f"; rc=$?;
	grep -q "ran past its limit" err || exit 1; exit $rc
'
test_expect_code 65 'an array index of 10000000 or more is refused, not a crash' '
	try "null | .[1e9] = 1"; rc=$?;
	grep -q "an array index of 10000000 or more is not allowed" err ||
	    exit 1;
	try "{} | .a[2e8] |= 1"; test $? = 65 &&
	try "[fromstream([[1e9], 1], [[1e9]])]"; test $? = 65 &&
	try "null | setpath([7.2e8]; 1)"; test $? = 65 || exit 1; exit $rc
'
test_expect_success 'an index under it is set as jq sets it' '
	try "null | .[3] = 1 | .[1] |= 2 | .[0] += 5" &&
	jq -e ".body == [5, 2, null, 1]" out &&
	try "[fromstream([[0], 1], [[0]])]" && jq -e ".body == [[1]]" out
'
test_expect_code 65 'a string repeated into 10000000 bytes or more is refused' '
	try "\"ab\" * 5e6"; rc=$?;
	grep -q "a string of 10000000 bytes or more is not allowed" err ||
	    exit 1; exit $rc
'
test_expect_success 'a string repeated under it is as jq makes it' '
	try "[\"ab\" * 3, 2 * \"c\", ((1, 2) * (3, 4)), ({a: {b: 1}} * {a: {c: 2}})]" &&
	jq -e ".body == [\"ababab\", \"cc\", 3, 6, 4, 8, {a: {b: 1, c: 2}}]" out
'
test_expect_code 65 'a program that takes memory fast is stopped at its budget' '
	try "\"x\" | reduce range(40) as \$i (.; . + .) | length"; rc=$?;
	grep -q "ran past its limit" err || exit 1; exit $rc
'
# Without AddressSanitizer (which keeps its own allocator): allocation
# in a C loop of libjq's, which no halt reaches, is stopped as well.
if ! sanitized; then
	test_expect_code 65 'a program past 128 MiB stops at its budget' '
		try "\"xxxxxxxxxx\" * 999999 | . + . | . + . | . + . | . + .";
		rc=$?;
		grep -q "ran past its limit of 128 MiB of memory" err ||
		    exit 1; exit $rc
	'
	test_expect_code 65 'a C loop of libjq that allocates is stopped in time' '
		try "{} | reduce range(30) as \$i (.; {a: ., b: .}) | tojson";
		rc=$?; grep -q "ran past its limit of 300 ms" err || exit 1;
		exit $rc
	'
fi
test_expect_success 'the map stage: the runaway event rejected, the next mapped' '
	route "if .data.name == \"loop\" then [until(false; .)]
	    else {n: .data.name} end" &&
	printf "%s\n" "{\"name\":\"loop\",\"phone\":\"11999990001\"}" \
	    "{\"name\":\"Bia\",\"phone\":\"11999990002\"}" |
	    integra-ingest -j stage.db -s site -t lead.created 2>/dev/null |
	    integra-normalize -j stage.db 2>/dev/null |
	    integra-map -j stage.db -c cfg.yaml >deliveries 2>err;
	test $? = 65 &&
	jq -e ".body == {n: \"Bia\"}" deliveries &&
	test "$(sqlite3 stage.db "SELECT status FROM events ORDER BY seq" |
	    tr "\n" " ")" = "rejected mapped " &&
	grep -q "ran past its limit" err
'

# Programs that come over the API: compiled and run in the same sandbox,
# and the receiver stays up.
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
ADMIN=$(integra-keys -j "$JOURNAL" add ops -S admin 2>/dev/null)
start_receiver recv.log
call() {
	curl -s -o body -w "%{http_code}\n" -X POST \
	    -H "X-API-Key: $ADMIN" -H "Content-Type: application/json" \
	    --data-binary "$2" "$URL$1" >status
}
ev='{"specversion":"1.0","id":"x1","source":"site","type":"lead.created","data":{"name":"Ana"}}'
test_expect_success 'POST /api/mappings: a program that imports is 422' '
	call /api/mappings "{\"type\":\"lead.created\",\"system\":\"crm\",\"program\":\"import \\\"a\\\" as a; .\"}" &&
	test "$(cat status)" = 422 &&
	jq -r .error.message body | grep -q "import and include are not allowed"
'
test_expect_success 'POST /api/mappings/test: a runaway mapping is 400, the receiver lives' '
	call /api/mappings "{\"type\":\"lead.created\",\"system\":\"crm\",\"program\":\"[repeat(1)] | length\"}" &&
	test "$(cat status)" = 201 &&
	call /api/mappings/test "{\"type\":\"lead.created\",\"system\":\"crm\",\"event\":$ev}" &&
	test "$(cat status)" = 400 &&
	jq -r .error.message body | grep -q "ran past its limit" &&
	curl -s -o /dev/null -w "%{http_code}\n" "$URL/health" >status &&
	test "$(cat status)" = 200
'
test_expect_success 'POST /api/mappings/test: a mapping past its budget is 400, the next runs' '
	call /api/mappings "{\"type\":\"lead.created\",\"system\":\"crm\",\"program\":\"if .data.name == \\\"big\\\" then \\\"x\\\" | reduce range(40) as \$i (.; . + .) else {n: .data.name} end\"}" &&
	test "$(cat status)" = 201 &&
	big=$(echo "$ev" | jq -c ".data.name = \"big\"") &&
	call /api/mappings/test "{\"type\":\"lead.created\",\"system\":\"crm\",\"event\":$big}" &&
	test "$(cat status)" = 400 &&
	jq -r .error.message body | grep -q "ran past its limit" &&
	call /api/mappings/test "{\"type\":\"lead.created\",\"system\":\"crm\",\"event\":$ev}" &&
	test "$(cat status)" = 200 &&
	jq -e ".requests[0].body == {n: \"Ana\"}" body
'
test_done
