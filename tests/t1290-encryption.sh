#!/bin/sh
# Personal data sealed at rest (journal/seal.h): with keys in the config,
# raw and canonical envelopes, deliveries' headers and bodies and synced
# records are kept AES-256-GCM sealed, each bound to its row; every
# program reads them through the journal; keys rotate.
. "$top_srcdir/tests/lib.sh"

start_sink crm
K1=$(head -c 32 /dev/urandom | base64)
K2=$(head -c 32 /dev/urandom | base64)
export K1 K2

# conf CURRENT [KEYS...]: cfg.yaml with the keys named (each from $KEYNAME
# of its id upper-cased), CURRENT the one that seals.
conf() {
	current=$1
	shift
	{
		printf 'encryption:\n  current: %s\n  keys:\n' "$current"
		for k; do
			printf '    %s: { key_env: %s }\n' "$k" \
			    "$(echo "$k" | tr a-z A-Z)"
		done
		cat <<EOF
sources:
  site:
    type: lead.created
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    headers:
      X-Lead: lead
routes:
  - on: lead.created
    to: crm
    body: '{name: .data.name, phone: .data.phone}'
EOF
	} >cfg.yaml
}

# lead NAME PHONE: one through the whole pipeline.
lead() {
	printf '{"name":"%s","phone":"%s"}\n' "$1" "$2" |
	    integra-ingest -c cfg.yaml -j journal.db -s site -t lead.created |
	    integra-normalize -c cfg.yaml -j journal.db |
	    integra-map -c cfg.yaml -j journal.db |
	    integra-dispatch -c cfg.yaml -j journal.db >/dev/null
}

conf k1 k1
test_expect_success 'the pipeline runs on a sealed journal: the target gets the data' '
	lead "Maria Aparecida" 11987654321 2>err &&
	jq -r .body crm.log | jq -e ".name == \"Maria Aparecida\""
'
test_expect_success 'envelopes, the delivery and its headers are sealed blobs, no plain text' '
	test "$(q "SELECT typeof(envelope) FROM raw_envelopes")" = blob &&
	test "$(q "SELECT typeof(envelope) FROM canonical_envelopes")" = blob &&
	test "$(q "SELECT typeof(headers) || typeof(body) FROM deliveries")" = blobblob &&
	for t in "raw_envelopes envelope" "canonical_envelopes envelope" \
	    "deliveries body" "deliveries headers"; do
		set -- $t
		test "$(q "SELECT count(*) FROM $1 WHERE instr($2, \"Maria\")
		    OR instr($2, \"98765\")")" = 0 || return 1
	done
'
id=$(q "SELECT id FROM events")
test_expect_success 'integra events show opens them' '
	integra-events -c cfg.yaml -j journal.db show "$id" >show &&
	jq -e ".raw.data.name == \"Maria Aparecida\" and
	    .canonical.data.phone != null" show
'
test_expect_code 70 'a sealed value moved to another row does not open' '
	lead "Bia Souza" 11912345678 2>/dev/null &&
	id2=$(q "SELECT id FROM events WHERE id <> \"$id\"") &&
	q "UPDATE raw_envelopes SET envelope = (SELECT envelope FROM
	    raw_envelopes ORDER BY event LIMIT 1) WHERE event = (SELECT
	    max(event) FROM raw_envelopes)" &&
	integra-events -c cfg.yaml -j journal.db show "$id2" 2>err; rc=$?;
	grep -q "a sealed value does not open" err || exit 1; exit $rc
'
conf k2 k2 k1
test_expect_success 'rotated: values of the previous key open, new ones take the current' '
	integra-events -c cfg.yaml -j journal.db show "$id" >show &&
	jq -e ".raw.data.name == \"Maria Aparecida\"" show &&
	lead "Carla Dias" 11955554444 2>/dev/null &&
	test "$(q "SELECT substr(envelope, 3, 2) FROM raw_envelopes
	    ORDER BY event DESC LIMIT 1")" = k2 &&
	jq -r .body crm.log | tail -n 1 | jq -e ".name == \"Carla Dias\""
'
conf k2 k2
test_expect_code 70 'a key dropped: its values no longer open, and the program says so' '
	integra-events -c cfg.yaml -j journal.db show "$id" 2>err; rc=$?;
	grep -q "a sealed value does not open" err || exit 1; exit $rc
'
test_expect_code 78 'a key that is not 32 bytes of base64 is refused before the journal opens' '
	K2=c2hvcnQ= integra-events -c cfg.yaml -j journal.db show "$id" 2>err;
	rc=$?; grep -q "is not the base64 of 32 bytes" err || exit 1; exit $rc
'
test_expect_success 'no key value in a log line' '
	! grep -q "$K1\|$K2" err show
'

test_done
