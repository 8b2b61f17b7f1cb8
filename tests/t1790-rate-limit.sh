#!/bin/sh
# A target's rate limit: requests start 1/rate apart, whatever the number
# of dispatch processes, because one process at a time holds a paced
# target (in the journal); the others leave its deliveries alone.
. "$top_srcdir/tests/lib.sh"

start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    rate_limit: 20/s
  erp:
    url: http://127.0.0.1:$SINK_PORT/erp
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: erp
EOF
i=0
while [ $i -lt 40 ]; do
	printf '{"name":"Lead %d","phone":"119876500%02d"}\n' $i $i
	i=$((i + 1))
done >leads.ndjson
# most_in_a_second PATH: the most requests for PATH that arrived within
# one second of each other.
most_in_a_second() {
	jq -s --arg p "$1" "map(select(.path == \$p) | .time_ms) | sort |
	    . as \$t | [range(length) | . as \$i |
	    [\$t[\$i:][] | select(. < \$t[\$i] + 1000)] | length] | max" sink.log
}
# spread PATH: ms between the first and the last request for PATH.
spread() {
	jq -s --arg p "$1" "map(select(.path == \$p) | .time_ms) |
	    max - min" sink.log
}

test_expect_success 'forty leads for two targets' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson >/dev/null 2>&1
'
test_expect_success 'two dispatch processes share a rate of 20/s' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out1 2>err1 &
	p1=$!
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out2 2>err2 &
	p2=$!
	wait $p1 && wait $p2 &&
	test "$(q "SELECT status, count(*) FROM deliveries GROUP BY status")" = \
	    "delivered|80"
'
test_expect_success 'no second had more than 21 requests to crm' '
	test "$(most_in_a_second /crm)" -le 21 &&
	test "$(spread /crm)" -ge 1800
'
test_expect_success 'the target without a rate was not held back' '
	test "$(spread /erp)" -lt 1500
'
test_expect_success 'the runs let go of the target when done' '
	test "$(q "SELECT count(*) FROM target_states
	    WHERE held_until IS NOT NULL")" = 0
'
test_expect_success 'a target another process holds is left alone' '
	: >sink.log &&
	printf "{\"name\":\"Other\",\"phone\":\"11987659999\"}\n" >one.ndjson &&
	deliveries "$JOURNAL" cfg.yaml one.ndjson >/dev/null 2>&1 &&
	q "INSERT INTO target_states (target, updated_at, holder, held_until)
	    VALUES (\"crm\", 0, \"elsewhere:1\", 99999999999999)
	    ON CONFLICT (target) DO UPDATE SET holder = \"elsewhere:1\",
	    held_until = 99999999999999" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out3 2>err3 &&
	test "$(wc -l <sink.log)" = 1 && grep -q "/erp" sink.log &&
	test "$(q "SELECT count(*) FROM deliveries WHERE status = \"pending\"
	    AND target = \"crm\"")" = 1
'
test_expect_success 'once its hold runs out, another sends' '
	q "UPDATE target_states SET held_until = 1 WHERE target = \"crm\"" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out4 2>err4 &&
	test "$(wc -l <sink.log)" = 2 &&
	test "$(q "SELECT holder FROM target_states WHERE target = \"crm\"")" = ""
'
test_expect_success 'a slow rate, a short lease: claims follow the rate' '
	: >sink.log &&
	{ echo "defaults: {timeout: 500ms}" &&
	    sed "s|rate_limit: 20/s|rate_limit: 120/m|" cfg.yaml; } >slow.yaml &&
	i=0 && while [ $i -lt 10 ]; do
		printf "{\"name\":\"Slow %d\",\"phone\":\"119876510%02d\"}\n" $i $i
		i=$((i + 1))
	done >slow.ndjson &&
	deliveries "$JOURNAL" slow.yaml slow.ndjson >/dev/null 2>&1 &&
	integra-dispatch -j "$JOURNAL" -c slow.yaml --pending --lease 2 \
	    >out5 2>err5 &&
	test "$(jq -s "map(select(.path == \"/crm\")) | length" sink.log)" = 10 &&
	jq -s -e "map(.idempotency_key) | unique | length == 20" sink.log &&
	test "$(spread /crm)" -ge 4000 &&
	test "$(q "SELECT count(*) FROM deliveries WHERE status <> \"delivered\"")" = 0
'
test_expect_success 'exclusive: one process at a time, without a rate' '
	: >sink.log &&
	sed "s|/erp$|/erp\\
    exclusive: true|" cfg.yaml >excl.yaml &&
	grep -q "exclusive: true" excl.yaml &&
	printf "{\"name\":\"Excl\",\"phone\":\"11987658888\"}\n" >x.ndjson &&
	deliveries "$JOURNAL" excl.yaml x.ndjson >/dev/null 2>&1 &&
	q "INSERT INTO target_states (target, updated_at, holder, held_until)
	    VALUES (\"erp\", 0, \"elsewhere:2\", 99999999999999)
	    ON CONFLICT (target) DO UPDATE SET holder = \"elsewhere:2\",
	    held_until = 99999999999999" &&
	integra-dispatch -j "$JOURNAL" -c excl.yaml --pending >out6 2>err6 &&
	test "$(jq -s "map(.path)" -c sink.log)" = "[\"/crm\"]" &&
	q "UPDATE target_states SET held_until = 1 WHERE target = \"erp\"" &&
	integra-dispatch -j "$JOURNAL" -c excl.yaml --pending >out7 2>err7 &&
	test "$(jq -s "map(.path)" -c sink.log)" = "[\"/crm\",\"/erp\"]" &&
	sed "s|exclusive: true|exclusive: yes|" excl.yaml >bad.yaml &&
	integra config check -c bad.yaml 2>e; test $? -eq 78 &&
	grep -q "exclusive must be true or false" e
'
test_expect_success 'rate_limit: 20/s, 600/m, 10/h, 5; nothing else' '
	for r in 20/s 600/m 10/h 5; do
		sed "s|rate_limit: 20/s|rate_limit: $r|" cfg.yaml >r.yaml &&
		integra config check -c r.yaml >/dev/null || return 1
	done &&
	for r in 0 1.5/s 20/d fast -3; do
		sed "s|rate_limit: 20/s|rate_limit: \"$r\"|" cfg.yaml >r.yaml &&
		{ integra config check -c r.yaml 2>e; test $? -eq 78; } &&
		grep -q "r.yaml:4: rate_limit must be" e || return 1
	done
'
test_done
