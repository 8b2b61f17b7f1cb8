#!/bin/sh
# integra-dispatch against the C test sink on 127.0.0.1: what is sent,
# what is recorded, failures and their retry times, dead deliveries, slow
# and unreachable targets, per-target concurrency, bad input.
. "$top_srcdir/tests/lib.sh"

# A port nothing listens on: one a sink had, once the sink is gone.
start_sink gone
closed=$SINK_PORT
stop_started
start_sink sink -R /fail=503 -R /gone=404 -D /slow=3000

cat >cfg.yaml <<EOF
defaults:
  retry:
    delays: [10s, 20s]
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    auth:
      header: Authorization
      scheme: Bearer
      secret_env: TEST_CRM_TOKEN
  broken:
    url: http://127.0.0.1:$SINK_PORT/fail
    circuit:
      failures: 0  # its tries are counted here; t1740 opens circuits
  wrong:
    url: http://127.0.0.1:$SINK_PORT/gone
  down:
    url: http://127.0.0.1:$closed/down
    connect_timeout: 1s
routes:
  - on: lead.created
    to: crm
    path: /leads
    body: '{name: .data.name, phone: .data.phone}'
EOF
TEST_CRM_TOKEN=s3cr3t-t0ken
export TEST_CRM_TOKEN

# pipeline FILE CONFIG: FILE's leads into the journal, undelivered; the
# deliveries go to deliveries.ndjson.
pipeline() {
	deliveries "$JOURNAL" "$2" "$1" >deliveries.ndjson
}
i=0
while [ $i -lt 50 ]; do
	printf '{"name":"Lead %d","phone":"1198765%04d"}\n' $i $i
	i=$((i + 1))
done >leads.ndjson

test_expect_success 'every delivery reaches the target once' '
	pipeline leads.ndjson cfg.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <deliveries.ndjson \
	    >outcomes 2>err &&
	test $(wc -l <outcomes) = 50 && test $(wc -l <sink.log) = 50 &&
	jq -r .id deliveries.ndjson | sort >sent &&
	jq -r .idempotency_key sink.log | sort >got && test_cmp sent got
'
test_expect_success 'the request: method, path, body, ids, auth' '
	jq -e -s "all(.method == \"POST\" and .path == \"/crm/leads\" and
	    .headers.authorization == \"Bearer s3cr3t-t0ken\" and
	    .headers[\"content-type\"] == \"application/json\" and
	    (.headers[\"user-agent\"] | startswith(\"integra/\")) and
	    (.event | test(\"^[0-9a-f-]{36}$\")) and
	    (.body | fromjson | .name | startswith(\"Lead \")))" sink.log
'
test_expect_success 'each request carries its own delivery and event ids' '
	jq -r "\"\(.id) \(.event)\"" deliveries.ndjson | sort >want &&
	jq -r "\"\(.idempotency_key) \(.event)\"" sink.log | sort >got &&
	test_cmp want got
'
test_expect_success 'outcomes: delivered, attempt 1, status 200' '
	jq -e -s "all(.status == \"delivered\" and .attempt == 1 and
	    .http_status == 200 and .target == \"crm\")" outcomes
'
test_expect_success 'the journal has every delivery delivered, one attempt each' '
	test "$(q "SELECT status, count(*), sum(attempts) FROM deliveries
	    GROUP BY status")" = "delivered|50|50" &&
	test "$(q "SELECT count(*), count(DISTINCT delivery_id) FROM attempts
	    WHERE http_status = 200 AND error_class IS NULL")" = "50|50"
'
test_expect_success 'the secret is in no journal row and no log line' '
	! grep -a -q s3cr3t-t0ken journal.db journal.db-wal err 2>/dev/null
'
test_expect_success 'sending the same deliveries again sends nothing' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <deliveries.ndjson \
	    >again 2>err && test ! -s again && test $(wc -l <sink.log) = 50 &&
	grep -q "50 skipped" err
'
# A batch's ids are claimed in one statement: a repeat and an unknown id
# in it are each skipped and named, and the rest go once.
test_expect_success 'an id twice and one unknown in a batch: sent once, the others skipped by name' '
	printf "{\"name\":\"Twice\",\"phone\":\"11912340000\"}\n" >twice.ndjson &&
	pipeline twice.ndjson cfg.yaml 2>/dev/null &&
	id=$(jq -r .id deliveries.ndjson) &&
	unknown=00000000-0000-7000-8000-00000000abcd &&
	{ cat deliveries.ndjson; printf "{\"id\":\"%s\"}\n" "$unknown";
	  cat deliveries.ndjson; } >batch.ndjson &&
	before=$(wc -l <sink.log) &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <batch.ndjson >out 2>err &&
	test $(wc -l <out) = 1 && test $(($(wc -l <sink.log) - before)) = 1 &&
	grep -q "2 skipped" err &&
	jq -r "select(.msg | test(\"not due\")) | .delivery" err >named &&
	printf "%s\n%s\n" "$unknown" "$id" >expect && test_cmp expect named
'
test_expect_success '--pending: nothing is due' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >p &&
	test ! -s p
'

# Failures: a target answering 503.
sed "s|^    to: crm|    to: broken|" cfg.yaml >broken.yaml
printf '{"name":"Fail %d","phone":"1198766000%d"}\n' 1 1 2 2 3 3 >fail.ndjson
test_expect_code 75 'a delivery that fails: exit 75' '
	pipeline fail.ndjson broken.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c broken.yaml <deliveries.ndjson \
	    >outcomes 2>err
'
# The schedule's first wait is 10 s; read back in whole seconds, a second
# or two after the dispatch.
test_expect_success 'failed: the error class, and when to try again' '
	jq -e -s "length == 3 and all(.status == \"failed\" and
	    .http_status == 503 and .error_class == \"http_5xx\" and
	    .attempt == 1 and (.not_before | test(\"Z$\")))" outcomes &&
	now=$(date +%s) &&
	q "SELECT (not_before / 1000) - $now FROM deliveries
	    WHERE target = \"broken\"" >delays &&
	awk "\$1 < 8 || \$1 > 11 { exit 1 }" delays
'
test_expect_success 'each attempt is recorded with its error' '
	test "$(q "SELECT count(*) FROM attempts a JOIN deliveries d
	    ON d.id = a.delivery_id WHERE d.target = \"broken\"
	    AND a.http_status = 503 AND a.error_class = \"http_5xx\"
	    AND a.error = \"HTTP 503\" AND a.response_excerpt IS NOT NULL")" = 3
'
test_expect_success 'a failed delivery is not due before its time' '
	integra-dispatch -j "$JOURNAL" -c broken.yaml --pending >p &&
	test ! -s p
'
test_expect_code 75 'once due, --pending tries it again' '
	q "UPDATE deliveries SET not_before = 0 WHERE target = \"broken\"" &&
	integra-dispatch -j "$JOURNAL" -c broken.yaml --pending >p 2>/dev/null;
	rc=$?; jq -e -s "length == 3 and all(.attempt == 2)" p && exit $rc
'
test_expect_code 69 'out of attempts: dead, exit 69' '
	q "UPDATE deliveries SET not_before = 0 WHERE target = \"broken\"" &&
	integra-dispatch -j "$JOURNAL" -c broken.yaml --pending >p 2>err
'
test_expect_success 'a dead delivery is recorded and logged as dead' '
	jq -e -s "length == 3 and all(.status == \"dead\" and .attempt == 3)" p &&
	test "$(q "SELECT DISTINCT status FROM deliveries
	    WHERE target = \"broken\"")" = dead &&
	grep -q "is dead after 3 attempts" err
'
test_expect_success 'a 4xx answer is a failure with its class' '
	sed "s|^    to: crm|    to: wrong|" cfg.yaml >wrong.yaml &&
	echo "{\"name\":\"Wrong\",\"phone\":\"11987650001\"}" >w.ndjson &&
	pipeline w.ndjson wrong.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c wrong.yaml <deliveries.ndjson >o;
	jq -e ".error_class == \"http_4xx\" and .http_status == 404" o
'
test_expect_success 'a target that refuses connections: class connect' '
	sed "s|^    to: crm|    to: down|" cfg.yaml >down.yaml &&
	echo "{\"name\":\"Down\",\"phone\":\"11987650002\"}" >d.ndjson &&
	pipeline d.ndjson down.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c down.yaml <deliveries.ndjson >o;
	jq -e ".status == \"failed\" and .error_class == \"connect\" and
	    (has(\"http_status\") | not)" o
'

# A slow target does not hold the others up.
cat >mixed.yaml <<EOF
targets:
  slow:
    url: http://127.0.0.1:$SINK_PORT/slow
    timeout: 1500ms
    circuit:
      failures: 0
  fast:
    url: http://127.0.0.1:$SINK_PORT/fast
routes:
  - on: lead.created
    to: slow
  - on: lead.created
    to: fast
EOF
test_expect_success 'a slow target times out; the fast one is not held up' '
	head -n 10 leads.ndjson | sed "s/Lead/Mixed/; s/1198765/1198767/" \
	    >m.ndjson &&
	pipeline m.ndjson mixed.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c mixed.yaml <deliveries.ndjson \
	    >o 2>/dev/null;
	jq -r .target o | uniq -c | awk "{ print \$2, \$1 }" >order &&
	printf "fast 10\nslow 10\n" >expect && test_cmp expect order &&
	jq -e -s "map(select(.target == \"slow\")) |
	    all(.error_class == \"timeout\")" o &&
	jq -e -s "map(select(.target == \"fast\")) |
	    all(.status == \"delivered\" and .duration_ms < 1000)" o
'

# Per-target concurrency: 8 deliveries taking 300 ms each, 2 at a time,
# take at least 4 rounds; 8 at a time, one.
start_sink slowsink -D /=300
cat >conc.yaml <<EOF
targets:
  narrow:
    url: http://127.0.0.1:$SINK_PORT/narrow
    concurrency: 2
  wide:
    url: http://127.0.0.1:$SINK_PORT/wide
    concurrency: 8
routes:
  - on: lead.created
    to: narrow
  - on: lead.created
    to: wide
EOF
test_expect_success 'per-target concurrency is a ceiling' '
	head -n 8 leads.ndjson | sed "s/Lead/Conc/; s/1198765/1198768/" \
	    >c.ndjson &&
	pipeline c.ndjson conc.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c conc.yaml <deliveries.ndjson >o &&
	jq -s "map(select(.path == \"/narrow\") | .time_ms) | sort |
	    (.[-1] - .[0])" slowsink.log >narrow.span &&
	jq -s "map(select(.path == \"/wide\") | .time_ms) | sort |
	    (.[-1] - .[0])" slowsink.log >wide.span &&
	cat narrow.span wide.span &&
	test "$(cat narrow.span)" -ge 850 && test "$(cat wide.span)" -lt 250
'

test_expect_code 65 'bad lines are rejected with their number; the rest goes' '
	printf "%s\n" "{\"id\":\"nope\"}" "not json" "[]" >bad.ndjson &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <bad.ndjson >o 2>err; rc=$?;
	test "$(jq -r "select(.level == \"error\") | .line" err | tr "\n" " ")" \
	    = "1 2 3 " && exit $rc
'
# --retries-ok: a run that delivered some while others will be retried
# exits 0; one that delivered nothing, 75 still.
{ cat cfg.yaml; printf '  - on: lead.created\n    to: broken\n'; } >both.yaml
printf '{"name":"Both %d","phone":"1197771000%d"}\n' 1 1 2 2 >both1.ndjson
printf '{"name":"Both %d","phone":"1197771000%d"}\n' 3 3 4 4 >both2.ndjson
printf '{"name":"Fail %d","phone":"1197772000%d"}\n' 1 1 >fail2.ndjson
test_expect_success '--retries-ok: some delivered, some to retry: exit 0' '
	pipeline both1.ndjson both.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c both.yaml --retries-ok \
	    <deliveries.ndjson >o 2>/dev/null &&
	jq -e -s "map(.status) | sort == [\"delivered\", \"delivered\",
	    \"failed\", \"failed\"]" o
'
test_expect_code 75 '... the same without it: exit 75' '
	pipeline both2.ndjson both.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c both.yaml <deliveries.ndjson \
	    >o 2>/dev/null
'
test_expect_code 75 '--retries-ok, and nothing at all delivered: exit 75' '
	pipeline fail2.ndjson broken.yaml 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c broken.yaml --retries-ok \
	    <deliveries.ndjson >o 2>/dev/null
'
# --follow on a SQLite file, which tells no one of new work: it looks
# again every --poll seconds.
test_expect_success '--follow: work added later is found and delivered' '
	integra-ingest -j follow.db -s site -t lead.created </dev/null \
	    2>/dev/null &&
	integra-dispatch -j follow.db -c cfg.yaml --follow --poll 1 \
	    >followed 2>ferr &
	d=$!
	sleep 1 &&
	site_leads 5 Followed |
	    deliveries follow.db cfg.yaml /dev/stdin >/dev/null 2>&1 &&
	n=0 &&
	while [ "$(wc -l <followed)" -lt 5 ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done &&
	kill -TERM $d && wait $d &&
	jq -e -s "length == 5 and all(.status == \"delivered\")" followed
'
test_expect_code 64 '--poll without --follow: a misuse' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending --poll 5 \
	    </dev/null 2>err
'
test_expect_code 78 'a secret that is not set: exit 78 before sending' '
	env -u TEST_CRM_TOKEN integra-dispatch -j "$JOURNAL" -c cfg.yaml \
	    </dev/null 2>err; rc=$?;
	grep -q TEST_CRM_TOKEN err && exit $rc
'
test_done
