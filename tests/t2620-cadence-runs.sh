#!/bin/sh
# A cadence over many synced records: a run killed with SIGKILL half-way
# is finished by the next without a step made twice; after downtime only
# the latest step due goes; a run again on the same day makes nothing;
# integra-cadence's usage and its refusals.
. "$top_srcdir/tests/lib.sh"

N=100000
cat >cfg.yaml <<'EOF'
targets:
  t:
    url: http://127.0.0.1:9
syncs:
  s:
    runner: fin
    from: t
    path: /x
    each:
      installment: {event: installment.synced}
cadences:
  c:
    over: s
    kind: installment
    anchor: .due
    stop: .paid
    channels:
      sms: {to: t, path: /sms, body: .data.key}
    steps:
      - {id: d0, offset: 0d, channels: [sms]}
      - {id: d3, offset: 3d, channels: [sms]}
      - {id: d5, offset: 5d, channels: [sms]}
EOF
C="-c cfg.yaml -j "$JOURNAL""
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null
# N installments due on 2026-05-10, a tenth of them paid.
if [ "$JOURNAL" = journal.db ]; then
	q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < $N) INSERT INTO sync_records (job, key, hash, record,
	    updated_at) SELECT 's', printf('installment:%07d', i),
	    randomblob(32), json_object('due', '2026-05-10', 'paid',
	    json(CASE WHEN i % 10 = 0 THEN 'true' ELSE 'false' END)), 0
	    FROM n"
else
	q "INSERT INTO sync_records (job, key, hash, record, updated_at)
	    SELECT 's', 'installment:' || lpad(i::text, 7, '0'),
	    decode(md5(i::text) || md5(i::text), 'hex'),
	    convert_to(json_build_object('due', '2026-05-10',
	    'paid', i % 10 = 0)::text, 'UTF8'), 0
	    FROM generate_series(1, $N) AS i"
fi
T0=$(date -u +%s)
at() {
	s=$(date -u -d "$1T12:00:00Z" +%s)
	shift
	INTEGRA_CLOCK_OFFSET=$((s - T0)) "$@"
}
made() {
	q "SELECT count(*) FROM events WHERE source = 'cadence/c'"
}

test_expect_success 'a run killed half-way (SIGKILL) ...' '
	{ at 2026-05-10 integra-cadence $C run >/dev/null 2>err1 &
	    echo $! >pid; } &&
	i=0 &&
	while [ "$(made)" -lt 5000 ] && [ $i -lt 600 ]; do
		sleep 0.05; i=$((i + 1))
	done &&
	kill -9 "$(cat pid)" &&
	test "$(made)" -ge 5000 && test "$(made)" -lt $((N * 9 / 10))
'
test_expect_success '... is finished by the next: each step once' '
	at 2026-05-10 integra-cadence $C run >due 2>err &&
	test "$(made)" = $((N * 9 / 10)) &&
	test "$(q "SELECT count(DISTINCT subject) FROM events
	    WHERE source = \"cadence/c\"")" = $((N * 9 / 10)) &&
	test "$(q "SELECT count(*) FROM cadence_steps WHERE step = \"d0\"
	    AND status = \"sent\"")" = $((N * 9 / 10))
'
test_expect_success 'a run again the same day makes nothing' '
	at 2026-05-10 integra-cadence $C run >due 2>err &&
	test ! -s due && test "$(made)" = $((N * 9 / 10))
'
test_expect_success 'after downtime, only the latest step due goes' '
	at 2026-05-16 integra-cadence $C run >due 2>err &&
	test "$(wc -l <due)" = $((N * 9 / 10)) &&
	jq -e -s "all(.[]; .data.step == \"d5\")" due >/dev/null &&
	test "$(q "SELECT count(*) FROM cadence_steps WHERE step = \"d3\"
	    AND status = \"skipped\"")" = $((N * 9 / 10)) &&
	grep -q "$((N * 9 / 10)) steps sent, $((N * 9 / 10)) passed over" err
'
test_expect_success 'integra-cadence status counts them' '
	integra-cadence $C status c >st &&
	jq -e ".cadences[0].counts | .items == $N and
	    .stopped == $((N / 10)) and .undated == 0 and .due == 0 and
	    .steps.d0.sent == $((N * 9 / 10))" st >/dev/null
'
test_expect_success 'usage: 64; an unknown cadence: 64' '
	{ integra-cadence $C >/dev/null 2>&1; test $? -eq 64; } &&
	{ integra-cadence $C run nothing >/dev/null 2>err; test $? -eq 64; } &&
	grep -q "no cadence .nothing." err &&
	{ integra-cadence $C send c d0 >/dev/null 2>&1; test $? -eq 64; }
'
test_expect_success 'the config refuses what a cadence cannot be' '
	sed "s/{id: d5, offset: 5d/{id: d5, offset: 2d/" cfg.yaml >b1.yaml &&
	{ integra config check -c b1.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "step .d5. must come later than .d3." out &&
	sed "s/channels: \[sms\]}$/channels: [mail]}/" cfg.yaml >b2.yaml &&
	{ integra config check -c b2.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "channel .mail., which it does not have" out &&
	sed "s/kind: installment$/kind: parcel/" cfg.yaml >b3.yaml &&
	{ integra config check -c b3.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "has no kind .parcel." out &&
	sed "/^    stop: .paid/a\    timezone: Mars/Olympus" cfg.yaml >b4.yaml &&
	{ integra config check -c b4.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "time zone .Mars/Olympus. is not in the system" out &&
	sed "/^    stop: .paid/a\    window: 20:00-08:00" cfg.yaml >b5.yaml &&
	{ integra config check -c b5.yaml >out 2>&1; test $? -eq 78; } &&
	grep -q "window must be HH:MM-HH:MM" out
'
test_done
