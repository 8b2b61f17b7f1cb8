#!/bin/sh
# integra-report retention: after the retention's days, the personal data
# of events done with is replaced by salted hashes (the same person, the
# same hash: a returning lead is still known), raw payloads dropped, the
# deliveries' bodies and the attempts' excerpts too; events with a delivery
# open or dead are not touched.  INTEGRA_CLOCK_OFFSET plays the days.
. "$top_srcdir/tests/lib.sh"

export RET_SALT=pepper-of-the-test
DAY=86400
start_sink sink -R /gone=400
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  gone:
    url: http://127.0.0.1:$SINK_PORT/gone
  later:
    url: http://127.0.0.1:$SINK_PORT/later
routes:
  - on: lead.created
    to: crm
    body: '{name: .data.name, phone: .data.phone, email: .data.email, origin: .source}'
  - on: lead.updated
    to: crm
  - on: client.registered
    to: gone
  - on: service.completed
    to: later
    delay: 2d
retention:
  after: 90d
  salt_env: RET_SALT
EOF
cat >leads.ndjson <<'EOF'
{"name":"Marta Reis","phone":"(11) 98888-0001","email":"Marta@Example.com","message":"Preciso de cuidadora"}
{"name":"Joao Lima","phone":"(11) 98888-0002","email":"joao@example.com","message":"Orcamento"}
EOF
deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
# A client whose delivery dies, and a service whose delivery waits: theirs
# stay as they are.
{
	ce client.registered c1 '{"client_id":"C1","name":"Ana Souza","email":"ana@example.com"}'
	ce service.completed s1 '{"service_id":"S1","client_id":"C1","caregiver_id":"K1","notes":"Dona Rosa gostou"}'
} | deliver_events
q "UPDATE attempts SET response_excerpt = '{\"echo\":\"Marta Reis\"}'
    WHERE delivery_id IN (SELECT id FROM deliveries WHERE target = 'crm')"

# dump: every text the journal holds that could be personal.
dump() {
	q "SELECT envelope FROM raw_envelopes; SELECT envelope FROM
	    canonical_envelopes; SELECT body FROM deliveries;
	    SELECT response_excerpt FROM attempts; SELECT contact FROM
	    lead_contacts; SELECT subject, idempotency_key FROM events"
}

test_expect_success 'nothing is old enough today' '
	integra-report -j "$JOURNAL" -c cfg.yaml retention -n >out &&
	grep -q "^would replace: 0 events, 0 deliveries, 0 contacts" out
'
test_expect_success 'in 91 days: a dry run says what, and changes nothing' '
	dump >before &&
	INTEGRA_CLOCK_OFFSET=$((91 * DAY)) integra-report -j "$JOURNAL" \
	    -c cfg.yaml retention --dry-run >out &&
	grep -q "^would replace: 2 events, 2 deliveries, 4 contacts and 0 synced records" \
	    out &&
	dump >after && test_cmp before after
'
test_expect_success '... then the run replaces it' '
	INTEGRA_CLOCK_OFFSET=$((91 * DAY)) integra-report -j "$JOURNAL" \
	    -c cfg.yaml retention >out &&
	grep -q "^replaced: 2 events, 2 deliveries, 4 contacts" out
'
test_expect_success 'the leads: no name, phone, e-mail or message left' '
	dump >after &&
	! grep -q "Marta\|98888\|5511988880001\|joao@\|Joao\|Preciso\|Orcamento" \
	    after &&
	test "$(q "SELECT count(*) FROM raw_envelopes r JOIN events e
	    ON e.seq = r.event WHERE e.type = \"lead.created\"")" = 0 &&
	test "$(q "SELECT count(*) FROM events WHERE retained_at IS NOT NULL")" = 2
'
test_expect_success 'a lead sent again is still known by its key, and passed on no more' '
	first=$(q "SELECT id FROM events ORDER BY seq LIMIT 1") &&
	sed 1q leads.ndjson | INTEGRA_LOG=info integra-ingest -j "$JOURNAL" \
	    -s site -t lead.created >out 2>err &&
	test ! -s out && grep -q "1 read, 0 journaled, 1 duplicate" err &&
	grep -q "duplicate of event $first" err
'
test_expect_success '... hashes instead, the same for the same person' '
	q "SELECT envelope FROM canonical_envelopes c JOIN events e
	    ON e.seq = c.event WHERE e.type = \"lead.created\"" >canon &&
	jq -e -s "all(.[]; .data.phone | test(\"^h:[0-9a-f]{32}$\")) and
	    .[0].data.phone != .[1].data.phone and
	    (.[0].data.utm_source // null) == null" canon >/dev/null &&
	jq -r .data.phone canon | sed -n 1p >h1 &&
	q "SELECT contact FROM lead_contacts" | grep -qx "$(cat h1)" ||
	q "SELECT contact FROM lead_contacts" | grep -q "^h:"
'
test_expect_success '... the bodies sent hashed, the excerpts gone' '
	q "SELECT body FROM deliveries WHERE target = \"crm\"" |
	    jq -e -s "all(.[]; (.name | startswith(\"h:\")) and
	    .origin == \"site\")" >/dev/null &&
	test "$(q "SELECT count(*) FROM attempts a JOIN deliveries d
	    ON d.id = a.delivery_id WHERE d.target = \"crm\"
	    AND a.response_excerpt IS NOT NULL")" = 0
'
test_expect_success 'a dead delivery and a waiting one keep their events whole' '
	grep -q "Ana Souza" after && grep -q "Dona Rosa" after &&
	test "$(q "SELECT count(*) FROM events WHERE retained_at IS NULL
	    AND type IN (\"client.registered\", \"service.completed\")")" = 2
'
test_expect_success 'the same lead again is known by its hashed contact' '
	echo "{\"name\":\"Marta Reis\",\"phone\":\"(11) 98888-0001\",\"message\":\"De novo\"}" |
	    INTEGRA_CLOCK_OFFSET=$((92 * DAY)) \
	    integra-ingest -j "$JOURNAL" -s site -t lead.created 2>/dev/null |
	    INTEGRA_CLOCK_OFFSET=$((92 * DAY)) integra-normalize \
	    -c cfg.yaml -j "$JOURNAL" >again 2>/dev/null &&
	jq -e ".type == \"lead.updated\"" again >/dev/null &&
	test "$(jq -r .data.lead_id again)" = \
	    "$(q "SELECT id FROM events WHERE type = \"lead.created\"
	    ORDER BY id LIMIT 1")"
'
test_expect_success 'a run again changes nothing' '
	INTEGRA_CLOCK_OFFSET=$((91 * DAY)) integra-report -j "$JOURNAL" \
	    -c cfg.yaml retention >out &&
	grep -q "^replaced: 0 events, 0 deliveries, 0 contacts" out
'
test_expect_code 78 'without the salt: 78' '
	env -u RET_SALT integra-report -j "$JOURNAL" -c cfg.yaml retention
'
test_expect_code 78 '... and normalize will not run without it either' '
	echo "{}" | env -u RET_SALT integra-normalize -c cfg.yaml \
	    -j "$JOURNAL"
'
test_expect_code 78 'a config without retention: 78' '
	integra-report -j "$JOURNAL" retention
'

# The journal's disk full mid-run (tests/faultfs.so): retention reads and
# scrubs on one thread and writes on another, a thousand events a commit.
# It stops with 74 or 75 and a JSON error; every event is retained whole
# or not at all; run again without the fault, it finishes the rest.
FAULTFS=$top_builddir/tests/faultfs.so
M=3500
mkdir full
OLD=$(( ($(date +%s) - 100 * DAY) * 1000 ))
integra-ingest -j full/journal.db -s site -t lead.created </dev/null \
    2>/dev/null
sqlite3 full/journal.db "WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL
    SELECT n + 1 FROM i WHERE n < $M - 1)
INSERT INTO events (seq, id, source, type, tenant, time, idempotency_key,
    key_index, status, received_at)
SELECT n + 1, printf('%08x-%04x-7000-8000-%012x', ($OLD + n) >> 16,
    ($OLD + n) & 65535, n), 'site', 'lead.created', 'default',
    '2026-08-01T00:00:00Z', printf('sha256:%064x', n), randomblob(16),
    'mapped', $OLD + n FROM i;
INSERT INTO raw_envelopes (event, envelope) SELECT seq,
    json_object('id', id, 'data', json_object('name', 'Marta ' || seq))
    FROM events;
INSERT INTO canonical_envelopes (event, envelope) SELECT seq,
    json_object('id', id, 'data', json_object('name', 'Marta ' || seq))
    FROM events;
INSERT INTO deliveries (id, event_id, target, route, method, url, headers,
    body, status, attempts, not_before, created_at, updated_at)
SELECT id || '-0', id, 'crm', 'r', 'POST', 'http://127.0.0.1/x', '{}',
    json_object('name', 'Marta ' || seq), 'delivered', 1, 0, received_at,
    received_at FROM events;"
test_expect_success SQLITE 'the disk full mid-run: 74 or 75, a JSON error naming the journal' '
	test -f "$FAULTFS" || test_skip "no tests/faultfs.so"
	touch fault.on &&
	rc=0 && (cd full && env LD_PRELOAD="$FAULTFS" \
	    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
	    FAULTFS_PATH=journal.db FAULTFS_FLAG="$TRASH/fault.on" \
	    FAULTFS_AFTER=2000000 integra-report -j "$JOURNAL" -c ../cfg.yaml \
	    retention >out 2>err) || rc=$? &&
	rm fault.on &&
	{ test $rc = 74 || test $rc = 75; } &&
	all_json full/err &&
	jq -r "select(.level == \"error\") | .msg" full/err |
	    grep -q "journal .*journal.db.*disk is full"
'
test_expect_success SQLITE '... each event retained whole or not at all, in whole commits' '
	n=$(sqlite3 full/journal.db "SELECT count(*) FROM events
	    WHERE retained_at IS NOT NULL") &&
	test "$n" -gt 0 && test "$n" -lt $M && test $((n % 1000)) = 0 &&
	test "$(sqlite3 full/journal.db "SELECT count(*) FROM events e
	    WHERE (retained_at IS NULL) = EXISTS (SELECT 1 FROM
	    raw_envelopes WHERE event = e.seq)")" = $M &&
	test "$(sqlite3 full/journal.db "SELECT count(*) FROM deliveries
	    WHERE body LIKE \"%Marta%\"")" = $((M - n))
'
test_expect_success SQLITE '... run again, it finishes the rest; integrity_check ok' '
	integra-report -j full/journal.db -c cfg.yaml retention >out &&
	n=$(sed -n "s/^replaced: \([0-9]*\) events.*/\1/p" out) &&
	test "$(sqlite3 full/journal.db "SELECT count(*) FROM events
	    WHERE retained_at IS NOT NULL")" = $M &&
	test "$n" -gt 0 &&
	test "$(sqlite3 full/journal.db "PRAGMA integrity_check")" = ok
'
test_done
