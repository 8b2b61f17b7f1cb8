#!/bin/sh
# GET /api/openapi.json: the API's contract, share/openapi.yaml, served as
# JSON with no key; a valid OpenAPI 3.1 document; and what the receiver
# answers to each documented operation is among the answers documented.
# (tests/unit/openapi holds the document against the route table.)
. "$top_srcdir/tests/lib.sh"

cat >cfg.yaml <<'EOF'
targets:
  lookup:
    url: http://127.0.0.1:9/never
coverage:
  from: lookup
  path: /clinics
  transform: '{name}'
sources:
  site:
    type: lead.created
EOF
ADMIN=$(integra-keys -j "$JOURNAL" add admin -S admin -R 0 2>/dev/null)
READER=$(integra-keys -j "$JOURNAL" add reader -S events:read -R 0 \
    2>/dev/null)
RATED=$(integra-keys -j "$JOURNAL" add rated -S events:write -R 1 \
    2>/dev/null)
ID=00000000-0000-7000-8000-000000000000
start_receiver receiver.log

test_expect_success 'GET /api/openapi.json with no key: 200, a JSON object' '
	curl -s -o doc.json -D headers -w "%{http_code}\n" \
	    "$URL/api/openapi.json" >status &&
	test "$(cat status)" = 200 &&
	grep -qi "^content-type: application/json" headers &&
	jq -e "type == \"object\" and (.openapi | startswith(\"3.1.\"))" \
	    doc.json
'
test_expect_success 'HEAD answers it too; POST gets 405 with Allow' '
	test "$(curl -s -o /dev/null -I -w "%{http_code}" \
	    "$URL/api/openapi.json")" = 200 &&
	curl -s -o body -D headers -w "%{http_code}\n" -X POST \
	    "$URL/api/openapi.json" >status &&
	test "$(cat status)" = 405 && grep -qi "^allow: GET, HEAD" headers &&
	test "$(jq -r .error.code body)" = method_not_allowed
'
# PyYAML reads YAML 1.1, where yes, no, on and off are booleans: the
# document quotes them, and this says if it ever does not.
if "$PY" -c "import yaml" 2>/dev/null; then
	test_expect_success 'it is the YAML, as another reader converts it' '
		"$PY" -c "import json, sys, yaml
json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)" \
		    "$top_srcdir/share/openapi.yaml" | jq -S . >expect &&
		jq -S . doc.json >actual && test_cmp expect actual
	'
else
	test_skip 'it is the YAML, as another reader converts it' \
	    'python3-yaml is not installed'
fi

# The validator: python3-openapi-spec-validator (Debian 13 on), or npm's
# @seriousme/openapi-schema-validator (validate-api), which checks the
# document against the OpenAPI 3.1 schema and its schemas against JSON
# Schema 2020-12; ./quickstart check installs the latter (Debian 12 has
# no validator for 3.1), so it is skipped only outside it.
if "$PY" -c "from openapi_spec_validator import validate" 2>/dev/null; then
	test_expect_success 'openapi-spec-validator accepts it' '
		"$PY" -c "import json, sys
from openapi_spec_validator import validate
validate(json.load(open(sys.argv[1])))" doc.json
	'
elif command -v validate-api >/dev/null 2>&1; then
	test_expect_success 'validate-api (OpenAPI 3.1 schema) accepts it' '
		validate-api doc.json >out; cat out &&
		jq -e ".valid == true" out
	'
else
	test_skip 'an OpenAPI validator accepts it' \
	    'neither openapi-spec-validator nor validate-api is installed'
fi

# ops: each documented operation, one a line: METHOD, the path with its
# parameters filled ({id} an id no record has, the others x, a webhook's
# the source site's), whether it takes a body, its scope, and the
# statuses it documents, comma-separated.
jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] |
    select(.key == "get" or .key == "post" or .key == "put" or
    .key == "delete" or .key == "patch") |
    [(.key | ascii_upcase), $p, (if .value.requestBody then "body"
    else "-" end), (.value["x-integra-scope"] // "-"),
    (.value.responses | keys | join(","))] | @tsv' doc.json |
    sed -e "s|{id}|$ID|g" -e 's|/webhooks/{source}|/webhooks/site|' \
    -e 's|{[a-z]*}|x|g' >ops

# ask: each operation of the lines on stdin once, with the key $who (-
# for none) and {} for a body; its answer's status in answers ("METHOD
# PATH STATUS"), and on stdout a line for each answer that its operation
# does not document, or whose body is not what it says (an error not the
# error shape, JSON that is not JSON).
ask() {
	: >answers
	while IFS='	' read -r method path body scope statuses; do
		set -- -s -o body -D headers -w "%{http_code}" -X "$method"
		[ "$who" = - ] || set -- "$@" -H "X-API-Key: $who"
		[ "$body" = - ] || set -- "$@" -H "Content-Type: application/json" \
		    --data "{}"
		got=$(curl "$@" "$URL$path")
		echo "$method $path $got" >>answers
		case ",$statuses," in
		*",$got,"*) ;;
		*) echo "$method $path: $got, not one of $statuses" ;;
		esac
		if [ "$got" -ge 400 ] && ! jq -e '.error.code and
		    .error.message' body >/dev/null 2>&1; then
			echo "$method $path: $got: not the error shape:"
			cat body
		elif grep -qi "^content-type: application/json" headers &&
		    ! jq -e type body >/dev/null 2>&1; then
			echo "$method $path: $got: not JSON: '$(cat body)'"
		fi
	done
}

test_expect_success 'with an admin key, every answer is documented' '
	who=$ADMIN ask <ops >wrong; cat wrong; test ! -s wrong
'
test_expect_success 'with no key, every answer is documented: 401 if keyed' '
	who=- ask <ops >wrong; cat wrong; test ! -s wrong &&
	awk -F "	" "\$4 != \"-\" { print \$1, \$2, 401 }" ops >expect &&
	test -s expect && grep -x -F -f expect answers >got &&
	test_cmp expect got
'
test_expect_success 'with an events:read key: 403 where more is needed' '
	awk -F "	" "\$4 != \"-\" && \$4 != \"events:read\"" ops \
	    >needs-more &&
	who=$READER ask <needs-more >wrong; cat wrong; test ! -s wrong &&
	awk -F "	" "{ print \$1, \$2, 403 }" needs-more >expect &&
	test -s expect && test_cmp expect answers
'
test_expect_success 'over a key rate: 429 with the headers documented' '
	ev="{\"specversion\":\"1.0\",\"id\":\"r1\",\"source\":\"t\",\"type\":\"lead.created\",\"data\":{\"name\":\"Ana\",\"phone\":\"11999990000\"}}" &&
	for i in 1 2; do
		curl -s -o body -D headers -w "%{http_code}\n" \
		    -H "X-API-Key: $RATED" \
		    -H "Content-Type: application/cloudevents+json" \
		    --data "$ev" "$URL/api/events" >status
	done &&
	test "$(cat status)" = 429 &&
	jq -r ".paths[\"/api/events\"].post.responses[\"429\"][\"\$ref\"]" \
	    doc.json | sed "s|.*/||" >name &&
	jq -r ".components.responses[\"$(cat name)\"].headers | keys[]" \
	    doc.json >documented &&
	test -s documented &&
	while read -r h; do
		grep -qi "^$h: [0-9]" headers || { echo "no $h"; exit 1; }
	done <documented
'

# A data directory with all of share/ but the document.
stop_pids "$RECEIVER"
mkdir nodoc
for f in "$top_srcdir"/share/*; do
	[ "${f##*/}" = openapi.yaml ] || ln -s "$f" nodoc/
done
INTEGRA_DATADIR=$PWD/nodoc
export INTEGRA_DATADIR
start_receiver nodoc.log
INTEGRA_DATADIR=$top_srcdir/share

test_expect_success 'no document in the data directory: 503, and why logged' '
	curl -s -o body -D headers -w "%{http_code}\n" \
	    "$URL/api/openapi.json" >status &&
	test "$(cat status)" = 503 &&
	test "$(jq -r .error.code body)" = unavailable &&
	grep -qi "^retry-after: " headers &&
	grep "openapi.yaml" nodoc.log | grep -q "No such file"
'
test_expect_success 'the rest of the API is unaffected' '
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/health")" = 200
'

test_done
