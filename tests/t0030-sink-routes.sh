#!/bin/sh
# integra-sink -r: a provider played by a routes file, over real HTTP
# (curl): matching by method, prefix, header and body, times, the answer's
# status, body, headers and delay, placeholders, the log's route member,
# -R and -e where no route matches, and a bad routes file refused.
. "$top_srcdir/tests/lib.sh"

# req NAME [curl options] URL: the status on stdout; the answer's headers
# in NAME.h (no CRs), its body in NAME.b.
req() {
	n=$1
	shift
	curl -s -D "$n.h" -o "$n.b" -w '%{http_code}\n' "$@" &&
	    sed -i 's/\r$//' "$n.h"
}

# hdr NAME HEADER: the values of that header in NAME's answer.
hdr() {
	grep -i "^$2:" "$1.h" | sed 's/^[^:]*: *//'
}

# The line a route is on is its number in the log: comments and blank
# lines count.
cat >routes.ndjson <<'EOF'
# WordPress's REST API
{"method":"POST","prefix":"/wp-json/wp/v2/campaigns","status":201,"body":{"id":"camp-{{n}}","key":"{{idempotency_key}}"}}
{"method":"GET","prefix":"/wp-json/wp/v2/campaigns?status=","body":"[{\"id\":1,\"path\":\"{{path}}\"}]"}

# An SMS provider: a bearer token, else 401
{"prefix":"/sms/send","header":{"Authorization":"Bearer good"},"body":{"id":"sms-{{n}}"}}
{"prefix":"/sms/send","status":401,"body":{"error":"bad token"}}
# RCS: one number is no RCS device; the first other send is throttled
{"prefix":"/rcs/send","body_contains":"\"to\":\"+5511900000000\"","status":404,"body":{"error":"not an RCS device"}}
{"prefix":"/rcs/send","times":1,"status":429,"headers":{"Retry-After":"30"}}
{"prefix":"/rcs/send","status":202}
# Salesforce's token endpoint: refuses once, then hands out tokens
{"method":"POST","prefix":"/services/oauth2/token","times":1,"status":401,"body":{"error":"invalid_grant"}}
{"method":"POST","prefix":"/services/oauth2/token","body":{"access_token":"tok-{{n}}","instance_url":"https://example.my.salesforce.com","token_type":"Bearer","issued_at":"{{now_ms}}","expires_in":7200}}
{"prefix":"/echo","headers":{"Content-Type":"text/plain","X-Key":"{{idempotency_key}}","X-Count":"{{count}}"},"body":"n={{n}} count={{count}} now={{now}} path={{path}}"}
{"prefix":"/slow","delay_ms":800,"status":204}
{"prefix":"/limited","times":5,"status":429,"headers":{"Retry-After":"{{n}}"}}
{"method":"GET","prefix":"/fail"}
  # a status-webhook receiver, which wants its secret
{"method":"POST","prefix":"/status","header":{"x-webhook-secret":"s3"},"status":204}
EOF
start_sink sink -r routes.ndjson -R /fail=503 -e -a 7
S=http://127.0.0.1:$SINK_PORT

test_expect_success 'integra-sink -h shows -r' '
	integra-sink -h >out &&
	grep -q "\[-r routes\]" out && grep -q "^  -r routes" out &&
	grep -q "{{idempotency_key}}" out
'

test_expect_success 'method and prefix: a POST gets the route answer' '
	test "$(req c1 -X POST -H "Idempotency-Key: k-1" -d "{}" \
	    "$S/wp-json/wp/v2/campaigns")" = 201 &&
	jq -e "{id, key} == {id: \"camp-1\", key: \"k-1\"}" c1.b &&
	test "$(hdr c1 Content-Type)" = application/json &&
	test "$(req c2 -X POST -d "{}" "$S/wp-json/wp/v2/campaigns")" = 201 &&
	jq -e ". == {id: \"camp-2\", key: \"\"}" c2.b
'
test_expect_success 'another method, or a prefix not met: another route' '
	test "$(req g1 -H "Idempotency-Key: k-g" \
	    "$S/wp-json/wp/v2/campaigns")" = 200 &&
	jq -e ". == {ok: true, id: \"k-g\", messageId: \"k-g\"}" g1.b &&
	test "$(req g2 "$S/wp-json/wp/v2/campaigns?status=draft")" = 200 &&
	jq -e ". == [{id: 1,
	    path: \"/wp-json/wp/v2/campaigns?status=draft\"}]" g2.b
'
test_expect_success '{{path}}: the raw target, escaped for JSON' '
	test "$(req g3 "$S/wp-json/wp/v2/campaigns?status=\"a\\b%41")" = 200 &&
	jq -e ".[0].path == \"/wp-json/wp/v2/campaigns?status=\\\"a\\\\b%41\"" \
	    g3.b
'

test_expect_success 'header: the name in any case, the value exactly' '
	test "$(req s1 -H "authorization: Bearer good" -d x \
	    "$S/sms/send")" = 200 &&
	jq -e ". == {id: \"sms-1\"}" s1.b &&
	test "$(req s2 -H "Authorization: Bearer bad" -d x \
	    "$S/sms/send")" = 401 &&
	jq -e ". == {error: \"bad token\"}" s2.b &&
	test "$(req s3 -H "Authorization: Bearer goodx" "$S/sms/send")" = 401 &&
	test "$(req s4 -d x "$S/sms/send")" = 401 &&
	test "$(req s5 -H "Authorization: Bearer good" "$S/sms/send")" = 200 &&
	jq -e ". == {id: \"sms-2\"}" s5.b
'

test_expect_success 'body_contains: a string of the body picks the route' '
	test "$(req r1 -H "Content-Type: application/json" \
	    -d "{\"to\":\"+5511900000000\",\"text\":\"oi\"}" \
	    "$S/rcs/send")" = 404 &&
	jq -e ". == {error: \"not an RCS device\"}" r1.b
'
test_expect_success 'times 1: 429 with Retry-After once, then the next route' '
	test "$(req r2 -d "{\"to\":\"+5511911111111\"}" "$S/rcs/send")" = 429 &&
	test "$(hdr r2 Retry-After)" = 30 &&
	jq -e ". == {error: \"sink answered 429\"}" r2.b &&
	test "$(req r3 -d "{\"to\":\"+5511911111111\"}" "$S/rcs/send")" = 202 &&
	jq -e ". == {ok: true}" r3.b &&
	test "$(req r4 -d "{\"to\":\"+5511900000000\"}" "$S/rcs/send")" = 404
'
test_expect_success 'a route answer is its own: no -a Retry-After, no -e body' '
	test -z "$(hdr r1 Retry-After)" &&
	test "$(req f1 -H "Idempotency-Key: k-f" "$S/fail")" = 200 &&
	jq -e ". == {ok: true}" f1.b
'

test_expect_success 'the token endpoint: 401 once, then a token each time' '
	test "$(req t1 -X POST -d grant_type=password \
	    "$S/services/oauth2/token")" = 401 &&
	jq -e ". == {error: \"invalid_grant\"}" t1.b &&
	before=$(date +%s) &&
	test "$(req t2 -X POST -d grant_type=password \
	    "$S/services/oauth2/token")" = 200 &&
	test "$(req t3 -X POST -d grant_type=password \
	    "$S/services/oauth2/token")" = 200 &&
	after=$(date +%s) &&
	jq -e "del(.issued_at) == {access_token: \"tok-1\",
	    instance_url: \"https://example.my.salesforce.com\",
	    token_type: \"Bearer\", expires_in: 7200}" t2.b &&
	jq -e ".access_token == \"tok-2\"" t3.b &&
	jq -e --argjson lo "$before" --argjson hi "$after" \
	    ".issued_at | test(\"^[0-9]{13}$\") and
	    (tonumber / 1000 | floor) >= \$lo and
	    (tonumber / 1000 | floor) <= \$hi" t2.b &&
	test "$(req t4 "$S/services/oauth2/token")" = 200 &&
	jq -e ".ok == true and (has(\"access_token\") | not)" t4.b
'

test_expect_success 'placeholders in the body and in headers' '
	before=$(date +%s) &&
	test "$(req e1 -H "Idempotency-Key: k-e" "$S/echo/a?b=1")" = 200 &&
	after=$(date +%s) &&
	count=$(wc -l <sink.log) &&
	test "$(hdr e1 Content-Type)" = text/plain &&
	test "$(hdr e1 X-Key)" = k-e && test "$(hdr e1 X-Count)" = "$count" &&
	set -- $(cat e1.b) &&
	test "$1 $2 $4" = "n=1 count=$count path=/echo/a?b=1" &&
	test "${3#now=}" -ge "$before" && test "${3#now=}" -le "$after" &&
	test "$(req e2 "$S/echo")" = 200 &&
	test "$(cut -d" " -f1,2,4 e2.b)" = \
	    "n=2 count=$((count + 1)) path=/echo" &&
	test "$(hdr e2 X-Key)" = ""
'

test_expect_success 'delay_ms holds the answer back; 204 has no body' '
	curl -s -o slow.b -w "%{http_code} %{time_total}\n" "$S/slow/x" >slow &&
	read -r code secs <slow && test "$code" = 204 && test ! -s slow.b &&
	awk -v s="$secs" "BEGIN { exit !(s >= 0.8 && s < 5) }"
'

test_expect_success 'times holds across concurrent connections' '
	i=0 &&
	while [ $i -lt 20 ]; do
		curl -s -D "l$i.h" -o /dev/null -w "%{http_code}\n" \
		    "$S/limited/$i" >"l$i.code" &
		i=$((i + 1))
	done &&
	wait &&
	test "$(cat l*.code | sort | uniq -c | tr -s " ")" = \
	    "$(printf " 15 200\n 5 429")" &&
	sed -n "s/^Retry-After: \([0-9]*\)\r$/\1/p" l*.h | sort -n >ra &&
	printf "1\n2\n3\n4\n5\n" >want.ra && test_cmp want.ra ra
'

test_expect_success 'a status webhook: its secret header, else no route' '
	test "$(req w1 -H "X-Webhook-Secret: s3" -d "{\"status\":\"READ\"}" \
	    "$S/status")" = 204 && test ! -s w1.b &&
	test "$(req w2 -d "{\"status\":\"READ\"}" "$S/status")" = 200 &&
	jq -e ".ok == true" w2.b
'

test_expect_success 'no route matches: -R and -e answer as without -r' '
	test "$(req x1 -X POST -H "Idempotency-Key: k-x" "$S/fail")" = 503 &&
	test "$(hdr x1 Retry-After)" = 7 &&
	jq -e ". == {error: \"sink answered 503\"}" x1.b &&
	test "$(req x2 -X PUT -H "Idempotency-Key: k-y" -d "{}" \
	    "$S/crm/leads")" = 200 &&
	jq -e ". == {ok: true, id: \"k-y\", messageId: \"k-y\"}" x2.b
'

test_expect_success 'the log: every request, "route" if a route answered' '
	all_json sink.log &&
	test "$(jq -s length sink.log)" = $(($(ls *.h | wc -l) + 1)) &&
	jq -e -s "map(select(.path == \"/wp-json/wp/v2/campaigns\"))
	    | map([.method, .status, .route]) == [[\"POST\", 201, 2],
	    [\"POST\", 201, 2], [\"GET\", 200, null]]" sink.log &&
	jq -e -s "map(select(.path == \"/rcs/send\") | [.status, .route])
	    == [[404, 9], [429, 10], [202, 11], [404, 9]]" sink.log &&
	jq -e -s "map(select(.path == \"/status\") | .route) == [20, null]" \
	    sink.log &&
	jq -e -s "map(select(.path == \"/fail\") | [.method, .status, .route])
	    == [[\"GET\", 200, 18], [\"POST\", 503, null]]" sink.log &&
	jq -e -s "map(select(.route != null) | keys_unsorted[3:5])
	    | unique == [[\"status\", \"route\"]]" sink.log &&
	jq -e -s "map(select(.path == \"/echo/a?b=1\"))[0] |
	    .idempotency_key == \"k-e\" and .route == 15" sink.log
'

stop_started

# A routes file that will not do: exit 2 before listening, naming the line.
i=0
while read -r bad; do
	i=$((i + 1))
	printf '{"prefix":"/ok"}\n# fine so far\n%s\n{"prefix":"/ok"}\n' \
	    "$bad" >"bad$i.ndjson"
	test_expect_code 2 "refused at its line: $bad" "
		timeout 10 integra-sink -r bad$i.ndjson -P bad$i.port \
		    2>bad$i.err; rc=\$?;
		cat bad$i.err; test ! -e bad$i.port &&
		grep -q '^integra-sink: bad$i.ndjson:3: ' bad$i.err &&
		test \$(wc -l <bad$i.err) = 1 && exit \$rc
	"
done <<'EOF'
not json
{"prefix":"/a",}
{"prefix":"/a"} {}
{"prefix":"/a","colour":"red"}
{"prefix":"/a","prefix":"/b"}
{"status":200}
{"prefix":"/a","status":99}
{"prefix":"/a","status":"200"}
{"prefix":"/a","times":-1}
{"prefix":"/a","delay_ms":1.5}
{"prefix":"/a","body":"{{nope}}"}
{"prefix":"/a","headers":{"X-A":"{{n}"}}
{"prefix":"/a","status":204,"body":"x"}
{"prefix":"/a","body":{"a":}}
{"prefix":"/a","headers":{"X-A":1}}
{"prefix":"/a","headers":{"Content-Length":"3"}}
{"prefix":"/a","headers":{"Bad Name":"x"}}
{"prefix":"/a","header":["x"]}
{"prefix":"/a","method":"GE T"}
{"prefix":"/a","body":"\u0000"}
{"prefix":"/a","body":"\ud800"}
{"prefix":"/a
EOF
test_expect_success 'the reason is said: unknown member, placeholder' '
	grep -q "unknown member .colour." bad4.err &&
	grep -q "no prefix" bad6.err &&
	grep -q "bad placeholder .{{nope}}." bad11.err
'
test_expect_code 2 'a routes file that cannot be read: exit 2' '
	timeout 10 integra-sink -r no-such.ndjson -P none.port 2>err; rc=$?
	grep -q "no-such.ndjson: No such file" err && test ! -e none.port &&
	exit $rc
'

test_done
