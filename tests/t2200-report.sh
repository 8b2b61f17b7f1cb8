#!/bin/sh
# integra-report: stats over a window, metrics that promtool accepts (also
# at the receiver's GET /metrics), and a health check that exits like a
# Nagios plugin; all from the counts the journal's writers keep, which
# must agree with the rows themselves.
. "$top_srcdir/tests/lib.sh"

start_sink sink -R /crm/fail=503
cat >cfg.yaml <<EOF
defaults:
  retry:
    delays: [1h]
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  broken:
    url: http://127.0.0.1:$SINK_PORT/crm/fail
    retry:
      max_attempts: 1
routes:
  - on: lead.created
    to: crm
    path: /leads
  - on: client.registered
    to: broken
EOF
lead_deliveries 20
ce client.registered c1 '{"client_id":"C1","name":"Ana","email":"a@x.com"}' |
    deliver_events
printf '{"name":"Bad"}\n' | integra-ingest -j "$JOURNAL" -s site \
    -t lead.created 2>/dev/null | integra-normalize -j "$JOURNAL" \
    >/dev/null 2>&1

test_expect_success 'stats: the window counts what happened' '
	integra-report -j "$JOURNAL" stats --json >stats &&
	jq -e ".events.received == 22 and .events.by_status ==
	    {mapped: 21, normalized: 21, received: 22, rejected: 1} and
	    .events.by_type[\"lead.created\"] == 21 and
	    .deliveries.by_status == {created: 21, delivered: 20, dead: 1} and
	    .deliveries.by_target.crm == {created: 20, delivered: 20} and
	    .deliveries.by_target.broken == {created: 1, dead: 1} and
	    .attempts.by_outcome == {ok: 20, http_5xx: 1} and
	    .latency_ms.delivered == 20 and .latency_ms.p95 > 0 and
	    .waiting.dead_letters == 1 and .waiting.to_retry == 0" stats &&
	test "$(jq .deliveries.success_rate stats)" = 0.9524
'
test_expect_success '... and the counts agree with the tables' '
	test "$(q "SELECT sum(n) FROM counts WHERE kind = \"event\"
	    AND c = \"received\"")" = "$(q "SELECT count(*) FROM events")" &&
	q "SELECT a, b, sum(n) FROM counts WHERE kind = \"delivery\"
	    AND b <> \"created\" GROUP BY 1, 2 ORDER BY 1, 2" >counted &&
	q "SELECT target, status, count(*) FROM deliveries
	    GROUP BY 1, 2 ORDER BY 1, 2" >rows &&
	test_cmp rows counted &&
	test "$(q "SELECT sum(n) FROM counts WHERE kind = \"attempt\"")" = \
	    "$(q "SELECT count(*) FROM attempts")"
'
# Normalize and map count what they moved when their commit reads the
# journal's answers (journal_count_if): what they did before is not.
test_expect_success 'the leads through ingest, normalize and map again count nothing twice' '
	q "SELECT kind, a, b, c, sum(n) FROM counts GROUP BY 1, 2, 3, 4
	    ORDER BY 1, 2, 3, 4" >before &&
	integra-ingest -j "$JOURNAL" -s site -t lead.created <leads.ndjson \
	    2>/dev/null | integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c cfg.yaml >again 2>/dev/null &&
	test "$(grep -c . again)" = 20 &&
	q "SELECT kind, a, b, c, sum(n) FROM counts GROUP BY 1, 2, 3, 4
	    ORDER BY 1, 2, 3, 4" >after &&
	test_cmp before after
'
test_expect_success 'stats: a window that ended before is empty' '
	INTEGRA_CLOCK_OFFSET=7200 integra-report -j "$JOURNAL" stats -w 1h \
	    --json >later &&
	jq -e ".events.received == 0 and .deliveries.success_rate == null and
	    .latency_ms.p95 == null and .waiting.dead_letters == 1" later
'
test_expect_success 'stats as text' '
	integra-report -j "$JOURNAL" stats >text &&
	grep -q "^events       22 received$" text &&
	grep -q "^  crm  *created 20, delivered 20$" text &&
	grep -q "95.2% of those settled delivered" text &&
	grep -q "95% within" text &&
	grep -q "^waiting now .* 1 dead letters$" text
'
# Hundreds of counts in one commit: the table that holds them grows.
test_expect_success 'a commit of 300 types counts each once' '
	i=0; while [ $i -lt 300 ]; do
		ce "kind.$i" "k$i" "{\"n\":$i}"; i=$((i + 1));
	done | integra-ingest -j kinds.db >/dev/null 2>&1 &&
	test "$(sqlite3 kinds.db "SELECT count(*) || \" \" || sum(n)
	    || \" \" || max(n) FROM counts WHERE kind = \"event\"")" = \
	    "300 300 1"
'
test_expect_success 'metrics: promtool accepts them' '
	integra-report -j "$JOURNAL" metrics >metrics &&
	promtool check metrics <metrics &&
	grep -q "^integra_deliveries_total{target=\"broken\",status=\"dead\"} 1$" metrics &&
	grep -q "^integra_attempts_total{target=\"crm\",outcome=\"ok\"} 20$" metrics &&
	grep -q "^integra_delivery_latency_seconds_count{target=\"crm\"} 20$" metrics &&
	grep -q "^integra_events_waiting{status=\"received\"} 0$" metrics &&
	grep -q "^integra_dlq_size 1$" metrics &&
	grep -q "^integra_circuit_state{target=\"broken\"} 0$" metrics
'
test_expect_code 1 'health: a dead delivery is a warning' '
	integra-report -j "$JOURNAL" health >health
'
test_expect_success '... saying why, on one line' '
	test "$(cat health)" = "WARNING: 1 in the dead-letter queue"
'
test_expect_code 2 'health: work waiting over the limit is critical' '
	printf "{\"name\":\"Late\",\"phone\":\"11987699999\"}\n" |
	    integra-ingest -j "$JOURNAL" -s site -t lead.created \
	    >/dev/null 2>&1 &&
	INTEGRA_CLOCK_OFFSET=7200 integra-report -j "$JOURNAL" health >h2;
	rc=$?; grep -q "^CRITICAL: work has waited" h2 && exit $rc
'
test_expect_success 'health: OK once it is done and the DLQ archived' '
	integra-normalize -j "$JOURNAL" --pending >/dev/null 2>&1 &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >/dev/null 2>&1 &&
	integra-dlq -j "$JOURNAL" archive --all >/dev/null 2>&1 &&
	integra-report -j "$JOURNAL" health >h3 && grep -q "^OK: " h3
'
test_expect_code 2 'health: no journal is critical' '
	integra-report -j missing.db health >h4; rc=$?;
	grep -q "^CRITICAL" h4; exit $rc
'
KEY=$(integra-keys -j "$JOURNAL" add prom -S events:read 2>/dev/null)
start_receiver receiver.log
test_expect_success 'GET /metrics: the same, for a key that reads events' '
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/metrics")" = 401 &&
	curl -s -D headers -H "Authorization: Bearer $KEY" "$URL/metrics" >got &&
	grep -qi "^content-type: text/plain; version=0.0.4" headers &&
	promtool check metrics <got &&
	integra-report -j "$JOURNAL" metrics >want &&
	grep -v "^integra_oldest" got >g && grep -v "^integra_oldest" want >w &&
	test_cmp w g
'
test_expect_success 'events: the filtered listing of integra-events list' '
	integra-report -j "$JOURNAL" events -t client.registered >got &&
	integra-events -j "$JOURNAL" list -t client.registered >want &&
	test_cmp want got &&
	jq -e ".events | length == 1" got >/dev/null &&
	integra-report -j "$JOURNAL" events -S rejected -n 5 |
	    jq -e "[.events[].status] == [\"rejected\"]" >/dev/null
'
test_expect_code 64 'events: a filter that is none' '
	integra-report -j "$JOURNAL" events -S nosuchstatus
'
test_expect_code 64 'misuse: an unknown command, a bad window' '
	integra-report -j "$JOURNAL" nope 2>/dev/null ||
	integra-report -j "$JOURNAL" stats -w soon
'
test_expect_success SQLITE 'an older journal is migrated, its rows counted once' '
	cp journal.db old.db && events_before_12 old.db &&
	sqlite3 old.db "DROP TABLE alert_states;
	    ALTER TABLE events DROP COLUMN retained_at; DROP TABLE sync_jobs;
	    DROP TABLE sync_runs;
	    DROP TABLE sync_records; DROP TABLE counts;
	    PRAGMA user_version = 7" &&
	integra-report -j old.db stats --json >old &&
	integra-report -j "$JOURNAL" stats --json >new &&
	f="[.events, .deliveries, .attempts, .latency_ms.delivered]" &&
	jq -c "$f" old >o && jq -c "$f" new >n &&
	test_cmp n o
'
test_done
