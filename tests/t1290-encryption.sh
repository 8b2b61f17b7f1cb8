#!/bin/sh
# Personal data sealed at rest (journal/seal.h): with keys in the config,
# raw and canonical envelopes, deliveries' headers and bodies and synced
# records are kept AES-256-GCM sealed, each bound to its row; every
# program reads them through the journal; keys rotate.
. "$top_srcdir/tests/lib.sh"
test_needs_sqlite 'it reads sealed values with typeof and instr (t1005 and t1006 seal on PostgreSQL)'

start_sink crm
K1=$(head -c 32 /dev/urandom | base64)
K2=$(head -c 32 /dev/urandom | base64)
export K1 K2

# conf CURRENT [KEYS...]: cfg.yaml with the keys named (each from $KEYNAME
# of its id upper-cased), CURRENT the one that seals ("-": none; no key:
# no encryption section).
conf() {
	current=$1
	shift
	{
		test $# = 0 || printf 'encryption:\n  keys:\n'
		for k; do
			printf '    %s: { key_env: %s }\n' "$k" \
			    "$(echo "$k" | tr a-z A-Z)"
		done
		test $# = 0 || test "$current" = - ||
		    printf '  current: %s\n' "$current"
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
	    integra-ingest -c cfg.yaml -j "$JOURNAL" -s site -t lead.created |
	    integra-normalize -c cfg.yaml -j "$JOURNAL" |
	    integra-map -c cfg.yaml -j "$JOURNAL" |
	    integra-dispatch -c cfg.yaml -j "$JOURNAL" >/dev/null
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
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >show &&
	jq -e ".raw.data.name == \"Maria Aparecida\" and
	    .canonical.data.phone != null" show
'
test_expect_code 70 'a sealed value moved to another row does not open' '
	lead "Bia Souza" 11912345678 2>/dev/null &&
	id2=$(q "SELECT id FROM events WHERE id <> \"$id\"") &&
	q "UPDATE raw_envelopes SET envelope = (SELECT envelope FROM
	    raw_envelopes ORDER BY event LIMIT 1) WHERE event = (SELECT
	    max(event) FROM raw_envelopes)" &&
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id2" 2>err; rc=$?;
	grep -q "a sealed value does not open" err || exit 1; exit $rc
'
conf k2 k2 k1
test_expect_success 'rotated: values of the previous key open, new ones take the current' '
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >show &&
	jq -e ".raw.data.name == \"Maria Aparecida\"" show &&
	lead "Carla Dias" 11955554444 2>/dev/null &&
	test "$(q "SELECT substr(envelope, 3, 2) FROM raw_envelopes
	    ORDER BY event DESC LIMIT 1")" = k2 &&
	jq -r .body crm.log | tail -n 1 | jq -e ".name == \"Carla Dias\""
'
conf k2 k2
test_expect_code 70 'a key dropped: its values no longer open, and the program says so' '
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" 2>err; rc=$?;
	grep -q "a sealed value does not open" err || exit 1; exit $rc
'
test_expect_code 78 'a key that is not 32 bytes of base64 is refused before the journal opens' '
	K2=c2hvcnQ= integra-events -c cfg.yaml -j "$JOURNAL" show "$id" 2>err;
	rc=$?; grep -q "is not the base64 of 32 bytes" err || exit 1; exit $rc
'
test_expect_success 'no key value in a log line' '
	! grep -q "$K1\|$K2" err show
'


# integra journal rekey and sealed, on a journal of its own: written
# plain, then sealed with k1, rotated to k2, then turned back to plain.
FAULTFS=$top_builddir/tests/faultfs.so
K3=$(head -c 32 /dev/urandom | base64)
export K3
N=60
mkdir rekey && cd rekey || exit 1
# leads N [FROM]: N leads through the pipeline at once, numbered from FROM.
leads() {
	i=${2:-0}
	while [ $i -lt $(($1 + ${2:-0})) ]; do
		printf '{"name":"Lead Number%d","phone":"119%08d"}\n' $i $i
		i=$((i + 1))
	done | integra-ingest -c cfg.yaml -j "$JOURNAL" -s site -t lead.created |
	    integra-normalize -c cfg.yaml -j "$JOURNAL" |
	    integra-map -c cfg.yaml -j "$JOURNAL" |
	    integra-dispatch -c cfg.yaml -j "$JOURNAL" >/dev/null
}
# sealed_by TABLE COLUMN: "KEY COUNT" lines, the plain as "plain".
sealed_by() {
	q "SELECT CASE typeof($2) WHEN 'blob' THEN
	    CAST(substr($2, 3, unicode(substr($2, 2, 1))) AS TEXT)
	    ELSE 'plain' END, count(*) FROM $1 GROUP BY 1 ORDER BY 1" |
	    tr '|' ' '
}
# plain_text: values holding a lead's name or phone as they came.
plain_text() {
	q "SELECT (SELECT count(*) FROM raw_envelopes WHERE
	    instr(envelope, 'Number')) + (SELECT count(*) FROM
	    canonical_envelopes WHERE instr(envelope, 'Number')) +
	    (SELECT count(*) FROM deliveries WHERE instr(body, 'Number')) +
	    (SELECT count(*) FROM sync_records WHERE instr(record, 'Ana'))"
}
RECORD='{"id":"r1","name":"Ana Lima","cpf":"12345678909"}'
# A record a sync kept before encryption was on.
cat >record.sql <<EOF
INSERT INTO sync_records (job, key, hash, record, updated_at)
VALUES ('clinics', 'r1', x'00', '$RECORD', 0);
EOF
conf -
test_expect_success 'a journal written plain: integra journal sealed counts it' '
	leads $N 2>err &&
	q "$(cat record.sql)" &&
	test "$(plain_text)" = $((3 * N + 1)) &&
	integra-journal -c cfg.yaml -j "$JOURNAL" sealed >out &&
	grep -q "^raw_envelopes.envelope  *(plain)  *$N\$" out &&
	grep -q "^deliveries.headers  *(plain)  *$N\$" out &&
	grep -q "^sync_records.record  *(plain)  *1\$" out &&
	test $(wc -l <out) = 5
'
conf k1 k1
test_expect_success 'rekey seals what was plain, a few rows a transaction' '
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey -B 7 >out 2>err &&
	grep -q "^raw_envelopes  *$N rewritten\$" out &&
	grep -q "^canonical_envelopes  *$N rewritten\$" out &&
	grep -q "^deliveries  *$N rewritten\$" out &&
	grep -q "^sync_records  *1 rewritten\$" out &&
	test "$(plain_text)" = 0 &&
	test "$(sealed_by raw_envelopes envelope)" = "k1 $N" &&
	test "$(sealed_by deliveries body)" = "k1 $N" &&
	test "$(sealed_by sync_records record)" = "k1 1" &&
	all_json err
'
id=$(q "SELECT id FROM events ORDER BY seq LIMIT 1")
last=$(q "SELECT id FROM events ORDER BY seq DESC LIMIT 1")
test_expect_success 'what was rekeyed opens, bound to its row' '
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >show &&
	jq -e ".raw.data.name == \"Lead Number0\"" show &&
	integra-events -c cfg.yaml -j "$JOURNAL" show "$last" >show &&
	jq -e ".canonical.data.name == \"Lead Number$((N - 1))\"" show
'
test_expect_success 'a second rekey has nothing to do' '
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey >out &&
	test "$(grep -c " 0 rewritten\$" out)" = 4
'
conf k2 k2 k1
test_expect_success 'new values take the new current key while old ones stay' '
	leads 2 $N &&
	test "$(sealed_by raw_envelopes envelope)" = "k1 $N
k2 2"
'
test_expect_success 'a rekey stopped by a failing disk leaves every value open' '
	test -f "$FAULTFS" || test_skip "no tests/faultfs.so"
	! env LD_PRELOAD="$FAULTFS" \
	    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
	    FAULTFS_PATH=journal.db FAULTFS_OP=fsync FAULTFS_AFTER=4 \
	    FAULTFS_ERRNO=EIO integra-journal -c cfg.yaml -j "$JOURNAL" \
	    rekey -B 5 >out 2>err &&
	grep -q "\"level\":\"error\"" err &&
	sealed_by raw_envelopes envelope >by &&
	grep -q "^k1 " by && grep -q "^k2 " by &&
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >/dev/null &&
	integra-events -c cfg.yaml -j "$JOURNAL" show "$last" >/dev/null
'
test_expect_success 'run again, it goes on: everything under the current key' '
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey >out &&
	integra-journal -c cfg.yaml -j "$JOURNAL" sealed >out &&
	! grep -v " k2 " out &&
	grep -q "^raw_envelopes.envelope  *k2  *$((N + 2))\$" out &&
	test "$(q "PRAGMA integrity_check")" = ok
'
conf k2 k2
test_expect_success 'the old key can go: everything opens without it' '
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >show &&
	jq -e ".raw.data.name == \"Lead Number0\"" show
'
test_expect_success 'the receiver seals what it takes, and its API opens it' '
	key=$(integra-keys -c cfg.yaml -j "$JOURNAL" add api 2>/dev/null) &&
	start_receiver receiver.err &&
	curl -s -o posted -w "%{http_code}\n" -H "X-API-Key: $key" \
	    -H "Content-Type: application/cloudevents+json" -d "{
	    \"specversion\":\"1.0\",\"id\":\"api-1\",\"source\":\"form\",
	    \"type\":\"lead.created\",\"data\":{\"name\":\"Via Api\",\"phone\":\"11912340000\"}}" \
	    "$URL/api/events" >status &&
	test "$(cat status)" = 202 &&
	eid=$(q "SELECT id FROM events ORDER BY seq DESC LIMIT 1") &&
	test "$(sealed_by raw_envelopes envelope)" = "k2 $((N + 3))" &&
	curl -s -o shown -w "%{http_code}\n" -H "X-API-Key: $key" \
	    "$URL/api/events/$eid" >status &&
	test "$(cat status)" = 200 &&
	jq -e ".raw.data.name == \"Via Api\"" shown &&
	stop_pids $RECEIVER
'
conf k3 k3
test_expect_code 78 'values sealed with a key not listed: rekey refuses, naming it' '
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey >out 2>err; rc=$?;
	grep -q "sealed with key .k2., which encryption: does not list" err &&
	test "$(sealed_by raw_envelopes envelope)" = "k2 $((N + 3))" || exit 1
	exit $rc
'
conf - k2
test_expect_success 'no current key: rekey writes every value back plain, as it was' '
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey >out &&
	test "$(plain_text)" = $((3 * (N + 2) + 1)) &&
	test "$(q "SELECT envelope FROM raw_envelopes ORDER BY event DESC
	    LIMIT 1" | jq -r .data.name)" = "Via Api" &&
	test "$(q "SELECT record FROM sync_records")" = "$RECORD" &&
	test "$(sealed_by deliveries headers)" = "plain $((N + 2))" &&
	test "$(sealed_by canonical_envelopes envelope)" = "plain $((N + 2))"
'
conf -
test_expect_success 'and the journal reads with no encryption section at all' '
	integra-events -c cfg.yaml -j "$JOURNAL" show "$id" >show &&
	jq -e ".raw.data.name == \"Lead Number0\"" show &&
	integra-journal -c cfg.yaml -j "$JOURNAL" rekey >out &&
	test "$(grep -c " 0 rewritten\$" out)" = 4
'
test_expect_success 'no key value in a log line' '
	! grep -q "$K1\|$K2\|$K3" err
'
cd ..

test_done
