#!/bin/sh
# Event schemas that are wrong are refused naming the file, and data at a
# number's limits is judged without undefined behaviour: the schema
# findings of the trust issue (22), each with its reproducer.
. "$top_srcdir/tests/lib.sh"

mkdir -p data/schemas
cp "$top_srcdir"/share/schemas/*.json data/schemas/
INTEGRA_DATADIR=$PWD/data
export INTEGRA_DATADIR

# refused NAME JSON TEXT: a schema file test.NAME.json holding JSON makes
# integra-normalize refuse to start (78), naming the file and TEXT.
refused() {
	echo "$2" >"data/schemas/test.$1.json" &&
	integra-normalize -l >/dev/null 2>err; rc=$?
	rm -f "data/schemas/test.$1.json"
	grep -q "test.$1.json" err && grep -q "$3" err || return 1
	return $rc
}

test_expect_code 78 'anyOf of a number is refused, not an abort in libjq' '
	refused any-number "{\"type\":\"object\",\"anyOf\":[1]}" \
	    "must be a list of schemas"
'
test_expect_code 78 'a branch of anyOf that fails half-way is refused, nothing leaked' '
	refused any-half "{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\",1]}]}" \
	    "must be a list of names"
'
test_expect_code 78 'a minLength past int is refused' '
	refused min-huge "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":9999999999}}}" \
	    "must be a whole number from 0"
'
test_expect_code 78 'a negative or fractional minLength is refused' '
	refused min-half "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":1.5}}}" \
	    "must be a whole number from 0"
'

echo '{"type":"object","required":["n"],"properties":{"n":{"type":"integer"}}}' \
    >data/schemas/test.numbers.json
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null
# judged N: the event of type test.numbers with n = N, normalized:
# "normalized" or "rejected".
judged() {
	ce test.numbers "n-$1" "{\"n\":$1}" | integra-ingest -j "$JOURNAL" \
	    2>/dev/null | integra-normalize -j "$JOURNAL" >/dev/null 2>&1
	q "SELECT status FROM events WHERE idempotency_key = 'n-$1'"
}
test_expect_success 'an integer past long long is an integer' '
	test "$(judged 50000000000000000000)" = normalized &&
	test "$(judged -50000000000000000000)" = normalized
'
test_expect_success '1e999 and a fraction are not integers' '
	test "$(judged 1e999)" = rejected &&
	test "$(judged 2.5)" = rejected &&
	test "$(judged 7)" = normalized
'
# The user's own event types: a directory named in the config, searched
# before the shipped catalogue, its path from the config's directory.
mkdir -p etc/myschemas
echo '{"type":"object","required":["quote_id"],"properties":{"quote_id":{"type":"string"}}}' \
    >etc/myschemas/quote.requested.json
echo '{"type":"object","required":["name","crm_id"]}' \
    >etc/myschemas/lead.created.json
printf 'schemas: myschemas\n' >etc/user.yaml
test_expect_success 'a type of the user is in the catalogue, beside the shipped' '
	integra-normalize -c etc/user.yaml -l >types &&
	grep -qx quote.requested types && grep -qx payment.received types &&
	test "$(grep -cx lead.created types)" = 1
'
test_expect_success 'events of the user type are normalized; theirs wins' '
	{
		ce quote.requested q1 "{\"quote_id\":\"Q1\"}"
		ce quote.requested q2 "{\"other\":1}"
		ce lead.created l1 "{\"name\":\"Ana\",\"phone\":\"11987650001\"}"
	} | integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -c etc/user.yaml -j "$JOURNAL" >/dev/null 2>&1;
	test "$(q "SELECT status FROM events WHERE idempotency_key = \"q1\"")" = normalized &&
	test "$(q "SELECT status FROM events WHERE idempotency_key = \"q2\"")" = rejected &&
	q "SELECT error FROM events WHERE idempotency_key = \"l1\"" | grep -q crm_id
'
test_expect_success 'a schemas directory that is not there is refused: 78' '
	printf "schemas: /nonexistent/schemas\n" >etc/missing.yaml &&
	{ integra config check -c etc/missing.yaml 2>err; test $? -eq 78; } &&
	grep -q "/nonexistent/schemas" err &&
	{ integra-normalize -c etc/missing.yaml -l 2>err; test $? -eq 78; }
'
test_done
