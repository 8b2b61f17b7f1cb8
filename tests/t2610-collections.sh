#!/bin/sh
# The collections service of the sample config, end to end, on a clock
# moved day by day (INTEGRA_CLOCK_OFFSET): a clinic covered by its name,
# its debtors synced, the dunning cadence over their installments by
# WhatsApp (Meta's Cloud API), SMS (Infobip) and e-mail (SMTP on
# loopback), stopped by payment, inside its window, once whatever runs
# twice; escalation of old debts once; the history of what went.  The
# test sink plays the systems from tests/data/collections.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/collections
# Carla (patient 1003) has no e-mail: her e-mail steps are skipped.
sed 's/"email":"carla.ferreira@example.com"/"email":null/' \
    "$D/clinics.routes" >clinics.routes
cat clinics.routes "$D/sms.routes" "$D/whatsapp.routes" \
    "$D/pipedrive.routes" >routes
# The same, once installment 9002 is paid; then 9003 too.
sed 's/"id":9002,\("number":2,"due_date":"2026-02-10","amount":400.0,"status":\)"overdue"/"id":9002,\1"paid"/' \
    routes >paid1.routes
sed 's/"id":9003,\("number":3,"due_date":"2026-03-10","amount":400.0,"status":\)"open"/"id":9003,\1"paid"/' \
    paid1.routes >paid2.routes
start_sink sink -r routes
PORT=$SINK_PORT
echo "$SINK_PID" >sink.pid
start_smtpd
sed -e "s/127.0.0.1:8090/127.0.0.1:$PORT/" \
    -e "s|smtp://127.0.0.1:25|smtp://127.0.0.1:$SMTP_PORT|" \
    "$top_srcdir/etc/integra.yaml" >cfg.yaml
unsealed_on_pg cfg.yaml
sample_secrets
C="-c cfg.yaml -j "$JOURNAL""
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null

# at DATE [HH:MM] CMD...: CMD with the clock at that local time (Sao Paulo,
# UTC-3) on DATE, 10:00 unless given, plus the time the test has taken:
# one offset from the test's start, so that the clock never goes back
# between the stages of a day (what map made at 10:00:01 is due for the
# dispatch after it).
T0=$(date -u +%s)
at() {
	when=$1
	shift
	case $1 in
	[0-2][0-9]:[0-5][0-9]) hm=$1; shift ;;
	*) hm=10:00 ;;
	esac
	s=$(date -u -d "${when}T$hm:00-03:00" +%s)
	INTEGRA_CLOCK_OFFSET=$((s - T0)) "$@"
}
# day DATE: the cron of that day: the cadence run, its events mapped and
# sent.
day() {
	at "$1" integra-cadence $C run >due 2>>cadence.err
	# A day without a step due has nothing for map and dispatch.
	[ -s due ] || return 0
	at "$1" integra-map $C <due >deliveries 2>>map.err
	at "$1" integra-dispatch $C <deliveries >/dev/null 2>>dispatch.err
	return 0
}
# days FROM TO: each day from FROM to TO, TO included.
days() {
	d=$1
	while [ "$(date -u -d "$d" +%s)" -le "$(date -u -d "$2" +%s)" ]; do
		day "$d"
		d=$(date -u -d "$d + 1 day" +%F)
	done
}
# resync ROUTES DATE: the clinics' API plays ROUTES from DATE on (the
# sink started again on its port: the pid in a file, as a test's body
# runs in a subshell); its debtors synced.
resync() {
	stop_pids "$(cat sink.pid)"
	start_sink sink -r "$1" -p "$PORT"
	echo "$SINK_PID" >sink.pid
	at "$2" integra-sync $C start -p 101 clinicas-devedores \
	    >/dev/null 2>>sync.err
}
# sent KEY: the routes of the messages made for installment KEY, sorted.
sent() {
	q "SELECT d.route FROM deliveries d JOIN events e ON e.id = d.event_id
	    WHERE e.source = 'cadence/cobranca'
	    AND e.subject = 'installment:101-$1'" | LC_ALL=C sort | tr '\n' ' '
}

test_expect_success 'the sample config has its cadences' '
	integra config check -c cfg.yaml >check &&
	grep -q "5 syncs, 2 flows, 2 cadences" check
'
test_expect_success 'a clinic covered by its name: its debtors synced at once' '
	at 2026-01-25 integra-coverage $C add "Clinica Sorriso Centro" \
	    >covered 2>err &&
	jq -e ".key == \"101\"" covered >/dev/null &&
	test "$(q "SELECT count(*) FROM sync_records
	    WHERE job = \"clinicas-devedores\" AND key LIKE \"installment:%\"")" = 13 &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"installment.synced\"")" = 13
'
test_expect_success '... installments without a day skipped, named by key' '
	grep -q "installment:101-9008 has no day to go by" err &&
	grep -q "installment:101-9010 has no day to go by" err
'
test_expect_success 'before 08:00 and after 20:00 nothing is sent' '
	at 2026-01-31 06:00 integra-cadence $C run >due 2>err &&
	test ! -s due && grep -q "outside its window" err &&
	at 2026-01-31 20:30 integra-cadence $C run >due 2>err &&
	test ! -s due
'
test_expect_success 'a month and a half of days: each installment its steps' '
	days 2026-01-25 2026-02-19 &&
	resync paid1.routes 2026-02-20 &&
	days 2026-02-20 2026-03-16 &&
	test "$(sent 9002)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d7/sms cobranca/d7/whatsapp " &&
	test "$(sent 9007)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d7/sms cobranca/d7/whatsapp " &&
	test "$(sent 9013)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d7/sms cobranca/d7/whatsapp "
'
test_expect_success 'the step due as 9003 is paid: checked again, no message' '
	at 2026-03-17 integra-cadence $C run >due 2>>cadence.err &&
	jq -e -s "map(select(.subject == \"installment:101-9003\")) |
	    length == 1 and .[0].data.step == \"d7\"" due >/dev/null &&
	resync paid2.routes 2026-03-17 &&
	at 2026-03-17 integra-map $C <due >deliveries 2>map.err &&
	at 2026-03-17 integra-dispatch $C <deliveries >/dev/null 2>&1 &&
	test "$(sent 9003)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms " &&
	test "$(q "SELECT status FROM cadence_steps WHERE cadence = \"cobranca\"
	    AND key = \"installment:101-9003\" AND step = \"d7\"")" = stopped &&
	grep -q "step .d7. of installment:101-9003 is over by now" map.err
'
test_expect_success 'two runs at once: each step once' '
	days 2026-03-18 2026-03-21 &&
	at 2026-03-22 integra-cadence $C run >due1 2>>cadence.err &
	pid=$! &&
	at 2026-03-22 integra-cadence $C run >due2 2>>cadence.err &&
	wait $pid &&
	cat due1 due2 >due &&
	test "$(jq -s "length" due)" -ge 2 &&
	test "$(jq -s "map(.subject + .data.step) | length" due)" = \
	    "$(jq -s "map(.subject + .data.step) | unique | length" due)" &&
	at 2026-03-22 integra-map $C <due >deliveries 2>>map.err &&
	at 2026-03-22 integra-dispatch $C <deliveries >/dev/null 2>&1
'
test_expect_success 'the rest of the days; a month after if the week went' '
	days 2026-03-23 2026-04-15 &&
	test "$(sent 9002)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d7/sms cobranca/d7/whatsapp " &&
	test "$(sent 9007)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d30/email cobranca/d30/whatsapp cobranca/d7/sms cobranca/d7/whatsapp " &&
	test "$(sent 9006)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d30/email cobranca/d30/whatsapp cobranca/d7/sms cobranca/d7/whatsapp " &&
	test "$(sent 9011)" = "cobranca/d-1/email cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d7/sms cobranca/d7/whatsapp "
'
test_expect_success 'no e-mail for a patient without one, the rest goes' '
	test "$(sent 9009)" = "cobranca/d-1/whatsapp cobranca/d0/sms cobranca/d30/whatsapp cobranca/d7/sms cobranca/d7/whatsapp "
'
test_expect_success 'paid or without a day: nothing' '
	for k in 9001 9004 9005 9008 9010; do
		test -z "$(sent $k)" || exit 1
	done
'
test_expect_success 'an amount that is not a number: each step fails, visibly' '
	test -z "$(sent 9012)" &&
	q "SELECT DISTINCT error FROM events WHERE source = \"cadence/cobranca\"
	    AND subject = \"installment:101-9012\"" >errors &&
	grep -q "brl: not a number" errors &&
	! grep -q "abc" errors
'
test_expect_success 'the providers got what the templates say' '
	jq -r "select(.path == \"/sms/2/text/advanced\") | .body" sink.log |
	    jq -r ".messages[0].text" | grep -q "^Clinica Sorriso Centro: sua parcela de R\$ 300,00 vence hoje (15/03/2026)\.$" &&
	jq -r "select(.path | startswith(\"/v17.0/\")) | .body" sink.log |
	    jq -r ".text.body" |
	    grep -q "Olá, Bruno! A parcela de R\$ 250,50 venceu em 20/02/2026" &&
	for f in mails/*.eml; do
		eml "$(basename "$f" .eml)" Subject
	done >subjects &&
	grep -q "^Sua parcela de R\$ 400,00 vence amanhã$" subjects &&
	grep -q "^Parcela de R\$ 250,50 em aberto há 30 dias$" subjects
'
test_expect_success 'integra-cadence history: each message, channel, outcome' '
	integra-cadence $C history 101-9007 >h &&
	jq -e ".history | length == 4 and
	    (map(.step) == [\"d-1\", \"d0\", \"d7\", \"d30\"]) and
	    all(.[]; .status == \"sent\" and (.messages | length) >= 1 and
	    all(.messages[]; .status == \"delivered\" and
	    (.tries | length) == 1))" h >/dev/null &&
	integra-cadence $C history 1002 >p &&
	jq -e "[.history[].key] | unique ==
	    [\"installment:101-9006\", \"installment:101-9007\"]" p >/dev/null
'
test_expect_success 'metrics: messages and tries by channel, runs by clinic' '
	at 2026-04-15 integra-report -j "$JOURNAL" metrics >metrics &&
	grep -q "^integra_cadence_messages_total{channel=\"sms\",status=\"delivered\",cadence=\"cobranca\"} [1-9]" metrics &&
	grep -q "^integra_cadence_tries_total{channel=\"email\",outcome=\"ok\",cadence=\"cobranca\"} [1-9]" metrics &&
	grep -q "^integra_cadence_try_seconds_total{channel=\"whatsapp\"," metrics &&
	grep -q "^integra_sync_runs_total{job=\"clinicas-devedores\",record=\"101\",status=\"ok\"} 3$" metrics &&
	grep -q "^integra_sync_records_total{job=\"clinicas-devedores\",record=\"101\",outcome=\"read\"} 18$" metrics &&
	grep -q "^integra_sync_run_seconds_count{job=\"clinicas-devedores\",record=\"101\"} 3$" metrics &&
	if command -v promtool >/dev/null; then
		promtool check metrics <metrics
	fi
'
# overdue BEFORE: the installments not paid, due before that day, counted
# and summed by SQL.  On SQLite the records are sealed (the sample's
# encryption): the SQL reads a copy of the journal rekeyed plain, a config
# without a current key; PostgreSQL keeps them plain.
overdue() {
	if [ "$JOURNAL" = journal.db ]; then
		q ".backup plain.db" &&
		grep -v "^  current: " cfg.yaml >plain.yaml &&
		integra-journal -c plain.yaml -j plain.db rekey \
		    >/dev/null 2>&1 &&
		sqlite3 -batch plain.db "SELECT count(*) || ' ' ||
		    printf('%.2f', coalesce(sum(json_extract(record,
		    '\$.amount')), 0)) FROM sync_records
		    WHERE job = 'clinicas-devedores'
		    AND key LIKE 'installment:%'
		    AND json_extract(record, '\$.status') <> 'paid'
		    AND json_extract(record, '\$.due_date') GLOB
		    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
		    AND json_extract(record, '\$.due_date') < '$1'"
	else
		# An amount that is no number adds 0, as in SQLite's sum.
		q "SELECT count(*) || ' ' || to_char(coalesce(sum(CASE
		    WHEN json_extract(record, '\$.amount') ~
		    '^-?[0-9]+([.][0-9]+)?\$' THEN json_extract(record,
		    '\$.amount')::numeric ELSE 0 END), 0),
		    'FM999999990.00') FROM sync_records
		    WHERE job = 'clinicas-devedores'
		    AND key LIKE 'installment:%'
		    AND json_extract(record, '\$.status') <> 'paid'
		    AND json_extract(record, '\$.due_date') ~
		    '^[0-9]{4}-[0-9]{2}-[0-9]{2}\$'
		    AND json_extract(record, '\$.due_date') < '$1'"
	fi
}
test_expect_success 'the delinquency report: its totals are the journal s' '
	at 2026-03-20 integra-report $C collections --json >report &&
	overdue 2026-03-20 >expect &&
	jq -r "\"\(.overdue.count) \(.overdue.total)\"" report |
	    awk "{ printf(\"%d %.2f\\n\", \$1, \$2) }" >got &&
	test_cmp expect got &&
	jq -e ".day == \"2026-03-20\" and .from == \"2026-03-13\" and
	    .recovered == {count: 1, total: 400} and
	    (.ages | map(.count) | add) == .overdue.count and
	    .by[0].name == \"Clinica Sorriso Centro\" and
	    .by[0].count == .overdue.count" report >/dev/null &&
	at 2026-03-20 integra-report $C collections >text &&
	grep -q "^Recovered: 1, 400.00$" text
'
test_expect_success '... mailed to the managers once a day, from its template' '
	at 2026-04-20 integra-report $C collections --event >ev 2>err &&
	jq -e ".type == \"integra.report.collections\" and
	    .data.to == [\"gerencia@clinicas.example.com\"]" ev >/dev/null &&
	at 2026-04-20 integra-report $C collections --event >again 2>err &&
	test ! -s again && grep -q "made today already" err &&
	ls mails/*.eml >before &&
	at 2026-04-20 integra-map $C <ev >deliveries 2>>map.err &&
	at 2026-04-20 integra-dispatch $C <deliveries >/dev/null 2>&1 &&
	ls mails/*.eml >after &&
	n=$(comm -13 before after | sed "s|mails/||; s|\.eml||") &&
	eml "$n" Subject | grep -q "^Inadimplência das clínicas em 20/04/2026: R\$ [0-9.,]* em atraso$" &&
	eml "$n" types | grep -q "text/plain.*text/html" &&
	eml "$n" text | grep -q "^Casos escalados para a equipe de cobrança: [0-9]"
'
test_expect_success 'escalation at day 91 of the oldest unpaid, once' '
	at 2026-05-21 integra-cadence $C run >due 2>>cadence.err &&
	! jq -e -s "any(.[]; .type == \"debt.escalated\" and
	    .subject == \"contract:101-5003\")" due >/dev/null &&
	at 2026-05-22 integra-cadence $C run >due 2>>cadence.err &&
	jq -e -s "map(select(.type == \"debt.escalated\" and
	    .subject == \"contract:101-5003\")) | length == 1 and
	    (.[0].data | .days_overdue == 91 and .total == 250.5 and
	    (.installments | map(.installment_id)) == [9007])" due >/dev/null &&
	at 2026-05-23 integra-cadence $C run >due 2>>cadence.err &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"debt.escalated\"
	    AND subject = \"contract:101-5003\"")" = 1
'
# drain DATE: the journal's work mapped and sent, as cron's minutes would.
drain() {
	for _ in 1 2 3 4 5; do
		at "$1" integra-normalize $C --pending >/dev/null 2>>normalize.err
		at "$1" integra-map $C --pending >/dev/null 2>>map.err
		at "$1" integra-dispatch $C --pending >/dev/null 2>>dispatch.err
		at "$1" integra-retry $C >/dev/null 2>>retry.err
	done
	return 0
}
# case KEY: the collection case (flow caso-cobranca) of contract KEY, as
# integra-flow show has it.
case_of() {
	n=$(integra-flow $C list -f caso-cobranca --json 2>/dev/null |
	    jq -r "select(.key == \"contract:101-$1\") | .number") &&
	integra-flow $C show "$n"
}
test_expect_success 'the escalated debt a collection case, a deal opened' '
	drain 2026-05-23 &&
	case_of 5003 >case &&
	jq -e "(.vars.deal_id | tostring | test(\"^700[0-9]$\")) and
	    .status == \"waiting\" and .step == \"wait_paid\" and
	    .label == \"aberto\"" case >/dev/null &&
	jq -r "select(.path | startswith(\"/api/v1/deals\")) |
	    \"\(.method) \(.path | sub(\"&.*\"; \"\"))\"" sink.log >pd &&
	grep -qx "GET /api/v1/deals/search?term=11144477735" pd &&
	grep -qx "POST /api/v1/deals" pd
'
test_expect_success '... a debt of a CPF the CRM knows: its deal linked' '
	ce debt.escalated esc-ana "{\"key\":\"contract:101-5001\",\"contract\":5001,\"clinic\":\"Clinica Sorriso Centro\",\"patient\":{\"patient_id\":1001,\"name\":\"Ana Beatriz Souza\",\"cpf\":\"529.982.247-25\"},\"installments\":[],\"total\":0,\"days_overdue\":91}" |
	    at 2026-05-23 integra-ingest $C \
	    >/dev/null 2>&1 &&
	drain 2026-05-23 &&
	case_of 5001 >case &&
	jq -e ".vars.deal_id == 801" case >/dev/null
'
sed 's/"id":9007,\("number":1,"due_date":"2026-02-20","amount":250.5,"status":\)"overdue"/"id":9007,\1"paid"/' \
    paid2.routes >paid3.routes
test_expect_success '... closed, its deal won, once the contract is paid' '
	grep -q "\"id\":9007,\"number\":1,\"due_date\":\"2026-02-20\",\"amount\":250.5,\"status\":\"paid\"" paid3.routes &&
	resync paid3.routes 2026-05-25 &&
	drain 2026-05-25 &&
	case_of 5003 >case &&
	jq -e ".status == \"completed\" and .label == \"encerrado\"" case \
	    >/dev/null &&
	deal=$(jq .vars.deal_id case) &&
	jq -e -s "map(select(.method == \"PUT\" and
	    .path == \"/api/v1/deals/$deal\")) | length == 1 and
	    (.[0].body | fromjson) == {status: \"won\"}" sink.log >/dev/null
'
test_expect_success 'a step sent by hand, by the CLI and the API' '
	at 2026-04-16 integra-cadence $C send cobranca d7 101-9011 >sent &&
	jq -e ".manual and .key == \"installment:101-9011\"" sent \
	    >/dev/null &&
	{ integra-cadence $C send cobranca d9 101-9011 >/dev/null 2>err;
	    test $? -eq 65; } && grep -q "has no step .d9." err &&
	{ integra-cadence $C send cobranca d7 101-9002 >/dev/null 2>err;
	    test $? -eq 65; } && grep -q "is over" err &&
	KEY=$(integra-keys -j "$JOURNAL" add ops -S events:write 2>/dev/null) &&
	READ=$(integra-keys -j "$JOURNAL" add reader -S events:read \
	    2>/dev/null) &&
	start_receiver recv.log &&
	curl -s -o body -w "%{http_code}" -X POST -H "X-API-Key: $KEY" \
	    -H "Content-Type: application/json" \
	    --data-binary "{\"step\":\"d0\",\"key\":\"101-9011\"}" \
	    "$URL/api/cadences/cobranca/send" >status &&
	test "$(cat status)" = 201 &&
	curl -s -o body -w "%{http_code}" -H "X-API-Key: $READ" \
	    "$URL/api/cadences/history/101-9011" >status &&
	test "$(cat status)" = 200 &&
	jq -e "[.history[] | select(.manual)] | length == 2" body >/dev/null
'
test_expect_success 'no name, phone, e-mail or CPF in any log line' '
	! grep -h "Ana \|Bruno\|Souza\|Lima\|5511999\|example.com\|529.982\|111.444" \
	    *.err recv.log
'
test_done
