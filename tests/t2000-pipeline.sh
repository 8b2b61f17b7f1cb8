#!/bin/sh
# End to end: the sample events and leads through ingest | normalize | map
# | dispatch into the test sink with the sample config; every event reaches
# each of its routed targets once, and the journal's counts agree.
. "$top_srcdir/tests/lib.sh"

start_sink sink
start_smtpd
sed -e "s/127.0.0.1:8090/127.0.0.1:$SINK_PORT/" \
    -e "s|smtp://127.0.0.1:25\$|smtp://127.0.0.1:$SMTP_PORT|" \
    "$top_srcdir/etc/integra.yaml" >integra.yaml
INTEGRA_CONFIG=$PWD/integra.yaml
INTEGRA_JOURNAL=$PWD/journal.db
[ "$JOURNAL" = journal.db ] || INTEGRA_JOURNAL=$JOURNAL
unsealed_on_pg integra.yaml
export INTEGRA_CONFIG INTEGRA_JOURNAL
sample_secrets

test_expect_success 'the shipped mappings are seeded' '
	integra-map seed >seeded && grep -q "^5 mappings seeded" seeded
'
test_expect_success 'the sample events go through the four stages' '
	integra-ingest <"$top_srcdir/share/samples/events.ndjson" |
	    integra-normalize | integra-map | integra-dispatch >outcomes &&
	integra-ingest -s site -t lead.created \
	    <"$top_srcdir/share/samples/leads.ndjson" |
	    integra-normalize | integra-map | integra-dispatch >>outcomes
'
test_expect_success 'every event is mapped' '
	test "$(q "SELECT status, count(*) FROM events GROUP BY status")" = \
	    "mapped|21"
'
test_expect_success 'each event made one delivery a route that takes it' '
	# Routes by type, from the config; conditions counted from the data.
	q "SELECT e.type || \" \" || d.route FROM deliveries d
	    JOIN events e ON e.id = d.event_id" | sort | uniq -c |
	    awk "{ print \$2, \$3, \$1 }" >made &&
	grep -q "^lead.created lead.created:crm 8$" made &&
	grep -q "^lead.created lead.created:whatsapp-welcome 7$" made &&
	grep -q "^lead.created lead.created:marketing 4$" made &&
	grep -q "^client.registered client.registered:financeiro 1$" made &&
	grep -q "^service.completed service.completed:whatsapp-notice 2$" made &&
	test "$(q "SELECT count(*) FROM deliveries")" = 51
'
test_expect_success 'every delivery due reached the sink exactly once' '
	test $(wc -l <sink.log) = 48 &&
	q "SELECT id FROM deliveries WHERE status = \"delivered\"
	    AND target <> \"email\" ORDER BY id" >ids &&
	jq -r .idempotency_key sink.log | sort >got && test_cmp ids got
'
test_expect_success 'the feedback request waits two hours after the notice' '
	test "$(q "SELECT status, step, not_before - created_at FROM deliveries
	    WHERE route = \"service.completed:whatsapp-notice\" AND step = 1")" = \
	    "pending|1|7200000" &&
	INTEGRA_CLOCK_OFFSET=7300 integra-retry 2>/dev/null &&
	test $(wc -l <sink.log) = 49 &&
	jq -e -s "map(select(.path == \"/whatsapp/instances/3C1A9F0B27D44E6A/token/instance-token/send-button-list\")) |
	    length == 1 and (.[0].body | fromjson | .buttonList.buttons |
	    length == 3)" sink.log
'
test_expect_success 'the welcome and feedback e-mails reached the mailbox' '
	test $(wc -l <mails/log.ndjson) = 2 &&
	jq -e -s "all(.rcpt_tos == [\"ana@example.com\"])" mails/log.ndjson &&
	for n in 1 2; do eml $n Subject; done | sort >subjects &&
	printf "%s\n" "Bem-vindo(a) à Cuidar Bem" \
	    "Como foi o seu atendimento, Ana?" >expect &&
	test_cmp expect subjects &&
	link="https://integra.cuidarbem.example.com/webhooks/cuidadores/feedback?service_id=S-900&client_id=C-301&sig=[A-Za-z0-9_-]\{43\}" &&
	eml 2 text | grep -q "^Ótimo: *$link&rating=5$" &&
	eml 2 html | sed "s/&amp;/\&/g" | grep -q "href=\"$link&rating=1\""
'
test_expect_success 'each target got what its routes send' '
	jq -r ".path" sink.log | sed "s|^/\([^/]*\).*|\1|" | sort | uniq -c |
	    awk "{ print \$2, \$1 }" >by.target &&
	q "SELECT target, count(*) FROM deliveries WHERE target <> \"email\"
	    GROUP BY target ORDER BY target" | tr "|" " " >expect &&
	test_cmp expect by.target
'
test_expect_success 'the counts agree: delivered, one attempt, outcomes' '
	test "$(q "SELECT status, count(*), sum(attempts) FROM deliveries
	    GROUP BY status")" = "delivered|51|51" &&
	test "$(q "SELECT count(*) FROM attempts")" = 51 &&
	test $(wc -l <outcomes) = 49
'
test_expect_success 'the CRM got the lead in its shape, with E.164 phones' '
	jq -c "select(.path == \"/crm/leads\") | .body | fromjson |
	    select(.email == \"maria.souza@example.com\") |
	    {name, phone, origin, utm}" sink.log >lead &&
	echo "{\"name\":\"Maria Souza\",\"phone\":\"+5511987654321\",\"origin\":\"site\",\"utm\":{\"utm_source\":\"google\",\"utm_campaign\":\"cuidado-idosos\"}}" >expect &&
	test_cmp expect lead
'
test_expect_success 'a message from a number no lead has made a lead' '
	jq -c "select(.path == \"/crm/leads\") | .body | fromjson |
	    select(.phone == \"+5511977774321\") | {name, origin}" sink.log >lead &&
	echo "{\"name\":\"Ana\",\"origin\":\"whatsapp\"}" >expect &&
	test_cmp expect lead
'
test_expect_success 'operations got the booking its seeded mapping builds' '
	jq -e -s "map(select(.path == \"/operacao/services\")) | length == 1
	    and (.[0].body | fromjson | has(\"starts_at\") and
	    has(\"service_id\"))" sink.log &&
	test "$(q "SELECT DISTINCT mapping_version FROM deliveries
	    WHERE target = \"operacao\" AND route LIKE \"service.scheduled:%\"")" = 1
'
test_expect_success 'the WhatsApp welcome went to Z-API with its token' '
	jq -e -s "map(select(.path == \"/whatsapp/instances/3C1A9F0B27D44E6A/token/instance-token/send-text\")) |
	    length == 9 and all(.headers[\"client-token\"] == \"zapi-token\")
	    and all(.body | fromjson | .phone | test(\"^[0-9]{12,13}$\"))" \
	    sink.log
'
test_expect_success 'its text is the template, with the first name and brand' '
	jq -r "select(.path == \"/whatsapp/instances/3C1A9F0B27D44E6A/token/instance-token/send-text\") | .body | fromjson |
	    .message" sink.log >messages &&
	grep -q "^Olá, Maria! Aqui é a Cuidar Bem. Recebemos o seu contato" \
	    messages &&
	! grep -q "{{" messages
'
test_expect_success 'running the whole import again sends nothing new' '
	integra-ingest <"$top_srcdir/share/samples/events.ndjson" 2>/dev/null |
	    integra-normalize 2>/dev/null | integra-map 2>/dev/null |
	    integra-dispatch >again 2>/dev/null &&
	test ! -s again && test $(wc -l <sink.log) = 49 &&
	test "$(q "SELECT count(*) FROM events")" = 21
'
test_expect_success 'the journal is sound' '
	journal_sound
'
test_done
