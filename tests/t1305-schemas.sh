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
integra-ingest -j journal.db -s t -t x </dev/null 2>/dev/null
# judged N: the event of type test.numbers with n = N, normalized:
# "normalized" or "rejected".
judged() {
	ce test.numbers "n-$1" "{\"n\":$1}" | integra-ingest -j journal.db \
	    2>/dev/null | integra-normalize -j journal.db >/dev/null 2>&1
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
test_done
