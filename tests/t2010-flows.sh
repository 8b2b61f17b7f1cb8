#!/bin/sh
# The business's automations end to end, with the sample config: webhooks
# posted to the receiver, then normalize, map and dispatch draining the
# journal, into the test sink (CRM, marketing, finance, operations,
# caregivers, support, Z-API) and a real SMTP server on loopback.
. "$top_srcdir/tests/lib.sh"

Z=$top_srcdir/tests/data/zapi
start_sink sink -e
start_smtpd
sed -e "s/127.0.0.1:8090/127.0.0.1:$SINK_PORT/" \
    -e "s|smtp://127.0.0.1:25\$|smtp://127.0.0.1:$SMTP_PORT|" \
    "$top_srcdir/etc/integra.yaml" >cfg.yaml
unsealed_on_pg cfg.yaml
sample_secrets
start_receiver receiver.log
ZAPI=/whatsapp/instances/3C1A9F0B27D44E6A/token/instance-token

# post PATH JSON|@FILE: a webhook; the answer's status must be 202.
post() {
	test "$(curl -s -o /dev/null -w "%{http_code}" -H \
	    "Content-Type: application/json" --data-binary "$2" "$URL$1")" = 202
}
# drain [retry options]: what the journal holds, through the stages.
drain() {
	integra-normalize -c cfg.yaml -j "$JOURNAL" --pending >/dev/null &&
	    integra-map -c cfg.yaml -j "$JOURNAL" --pending >/dev/null &&
	    integra-dispatch -c cfg.yaml -j "$JOURNAL" --pending >/dev/null
}
# got PATH: the bodies PATH got, one a line.
got() {
	jq -c "select(.path == \"$1\") | .body | fromjson" sink.log
}

test_expect_success '1. a site lead: CRM with origin and UTM, marketing, welcome' '
	post /webhooks/site/lead "{\"name\":\"Marta Reis\",\"phone\":\"(11) 98888-0001\",\"email\":\"Marta@Example.com\",\"message\":\"Preciso de cuidadora\",\"utm_source\":\"google\",\"utm_medium\":\"cpc\",\"utm_campaign\":\"idosos\"}" &&
	drain &&
	got /crm/leads >crm &&
	jq -e "{name, phone, email, origin, utm} == {name: \"Marta Reis\",
	    phone: \"+5511988880001\", email: \"marta@example.com\",
	    origin: \"site\", utm: {utm_source: \"google\", utm_medium: \"cpc\",
	    utm_campaign: \"idosos\"}}" crm &&
	got /marketing/contacts | jq -e ".email == \"marta@example.com\" and
	    .list == \"leads\"" &&
	got $ZAPI/send-text | jq -e ".phone == \"5511988880001\" and
	    (.message | startswith(\"Olá, Marta! Aqui é a Cuidar Bem.\"))"
'
test_expect_success '... the same person again: the lead is updated, not welcomed twice' '
	post /webhooks/site/lead "{\"name\":\"Marta Reis\",\"email\":\"marta@example.com\",\"message\":\"Ainda aguardo\"}" &&
	drain &&
	lead=$(q "SELECT id FROM events WHERE type = \"lead.created\"
	    AND source = \"site\"") &&
	got /crm/leads/update | jq -e --arg lead "$lead" ".type ==
	    \"lead.updated\" and .data.lead_id == \$lead and
	    .data.message == \"Ainda aguardo\"" &&
	test $(got /crm/leads | wc -l) = 1 &&
	test $(got $ZAPI/send-text | wc -l) = 1
'
test_expect_success '2. a new client: welcome e-mail, WhatsApp, finance setup' '
	post /webhooks/crm/client-registered "{\"client_id\":\"C-500\",\"name\":\"Rui Campos\",\"phone\":\"21 97777-0002\",\"email\":\"rui@example.com\",\"plan\":\"mensal\"}" &&
	drain &&
	got /financeiro/customers | jq -e ". == {external_id: \"C-500\",
	    name: \"Rui Campos\", email: \"rui@example.com\", plan: \"mensal\"}" &&
	got $ZAPI/send-text | jq -e "select(.phone == \"5521977770002\") |
	    .message | startswith(\"Bem-vindo(a), Rui!\")" &&
	test $(wc -l <mails/log.ndjson) = 1 &&
	jq -e ".rcpt_tos == [\"rui@example.com\"] and
	    .mail_from == \"contato@cuidarbem.example.com\"" mails/log.ndjson &&
	eml 1 types >types &&
	grep -q "multipart/alternative text/plain text/html" types &&
	eml 1 From | grep -q "Cuidar Bem <contato@cuidarbem.example.com>" &&
	eml 1 text | grep -q "^Olá, Rui!" &&
	eml 1 html | grep -q "#0b6e4f"
'
test_expect_success '3. a finished service: the notice now, nothing else yet' '
	post /webhooks/operacao/service-completed "{\"service_id\":\"S-700\",\"client_id\":\"C-500\",\"caregiver_id\":\"CG-3\",\"amount\":300.0,\"client_name\":\"Rui Campos\",\"client_phone\":\"21 97777-0002\",\"client_email\":\"rui@example.com\"}" &&
	drain &&
	got $ZAPI/send-text | jq -e "select(.phone == \"5521977770002\") |
	    .message | contains(\"atendimento de hoje foi concluído\")" &&
	got /financeiro/billable | jq -e ".service_id == \"S-700\"" &&
	test -z "$(got $ZAPI/send-button-list)" &&
	test $(wc -l <mails/log.ndjson) = 1
'
test_expect_success '... two hours later: the feedback request, buttons and e-mail' '
	INTEGRA_CLOCK_OFFSET=7300 integra-retry -c cfg.yaml -j "$JOURNAL" \
	    2>/dev/null &&
	got $ZAPI/send-button-list >buttons &&
	jq -e ".phone == \"5521977770002\" and
	    [.buttonList.buttons[].id] == [\"feedback:S-700:5\",
	    \"feedback:S-700:3\", \"feedback:S-700:1\"]" buttons &&
	test $(wc -l <mails/log.ndjson) = 2 &&
	eml 2 text | sed -n "s|^Regular: *https://integra.cuidarbem.example.com||p" \
	    >regular &&
	grep -q "^/webhooks/cuidadores/feedback?service_id=S-700&client_id=C-500&sig=[A-Za-z0-9_-]*&rating=3$" \
	    regular
'
test_expect_success '... the button reply: feedback.received to CRM and caregivers' '
	sed -e "s/feedback:S-900:5/feedback:S-700:5/" \
	    -e "s/5511977774321/5521977770002/" "$Z/button.json" >reply.json &&
	post /webhooks/whatsapp @reply.json &&
	drain &&
	got /crm/feedback | jq -e ".type == \"feedback.received\" and
	    .data.service_id == \"S-700\" and .data.rating == 5 and
	    .data.channel == \"whatsapp\"" &&
	got /cuidadores/feedback | jq -e ".data.rating == 5"
'
# click PATH?QUERY: a reader opening a link; the status and Location.
click() {
	curl -s -o /dev/null -w "%{http_code} %{redirect_url}\n" "$URL$1"
}
test_expect_success '... the e-mail link: a click on a rating journals it' '
	test "$(click "$(cat regular)")" = \
	    "303 https://cuidarbem.example.com/obrigado" &&
	drain &&
	test $(got /crm/feedback | wc -l) = 2 &&
	got /cuidadores/feedback | jq -e "select(.data.rating == 3) |
	    .data.service_id == \"S-700\" and .data.client_id == \"C-500\""
'
test_expect_success '... a second click is a repeat, not a second rating' '
	test "$(click "$(cat regular)")" = \
	    "303 https://cuidarbem.example.com/obrigado" &&
	drain &&
	test $(got /crm/feedback | wc -l) = 2
'
test_expect_success '... a link changed or unsigned is refused' '
	sed "s/S-700/S-701/" regular >forged &&
	test "$(click "$(cat forged)")" = "401 " &&
	sed "s/&sig=[^&]*//" regular >unsigned &&
	test "$(click "$(cat unsigned)")" = "401 " &&
	sed "s/rating=3/rating=x/" regular >word &&
	test "$(click "$(cat word)")" = "400 " &&
	sed "s/rating=3/rating=3\&extra=1/" regular >extra &&
	test "$(click "$(cat extra)")" = "401 " &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -X PUT \
	    "$URL$(cat regular)")" = 405
'
test_expect_success '... a rating out of range is kept as rejected' '
	sed "s/rating=3/rating=9/" regular >nine &&
	test "$(click "$(cat nine)")" = "303 https://cuidarbem.example.com/obrigado" &&
	drain;
	test "$(q "SELECT status FROM events WHERE type = \"feedback.received\"
	    AND error LIKE \"%rating%\"")" = rejected
'
test_expect_success '... and the caregivers app posts ratings as before' '
	post /webhooks/cuidadores/feedback "{\"service_id\":\"S-700\",\"client_id\":\"C-500\",\"rating\":4,\"comment\":\"Pontual\"}" &&
	drain &&
	test $(got /crm/feedback | wc -l) = 3 &&
	got /cuidadores/feedback | jq -e "select(.data.rating == 4) |
	    .data.comment == \"Pontual\""
'
test_expect_success '4. a WhatsApp message: CRM history and a support ticket' '
	post /webhooks/whatsapp @"$Z/text.json" &&
	drain &&
	got /crm/messages | jq -e ".data.phone == \"+5511987650101\" and
	    .data.text == \"Oi, quero saber o valor do plantão noturno\"" &&
	got /atendimento/tickets | jq -e ".data.message_id ==
	    \"3EB0A0C1D2E3F4A5B6C7\"" &&
	got /crm/leads | jq -e "select(.phone == \"+5511987650101\") |
	    .origin == \"whatsapp\""
'
test_expect_success '... Z-API says the welcome was read' '
	del=$(q "SELECT id FROM deliveries WHERE route =
	    \"lead.created:whatsapp-welcome\" ORDER BY id LIMIT 1") &&
	printf "{\"status\":\"READ\",\"ids\":[\"%s\"],\"momment\":1795460800000,\"phone\":\"5511988880001\",\"type\":\"MessageStatusCallback\",\"instanceId\":\"3C1A9F0B27D44E6A\"}" \
	    "$del" >read.json &&
	post /webhooks/whatsapp/status @read.json &&
	drain &&
	test "$(q "SELECT remote_status FROM deliveries WHERE id = \"$del\"")" = read
'
test_expect_success '5. finance: payments and payouts where the table says' '
	post /webhooks/financeiro/payment "{\"payment_id\":\"P-9\",\"client_id\":\"C-500\",\"amount\":300.0}" &&
	post /webhooks/financeiro/payout "{\"payout_id\":\"PO-9\",\"caregiver_id\":\"CG-3\",\"amount\":210.0}" &&
	drain &&
	test $(got /crm/payments | wc -l) = 1 &&
	test $(got /operacao/payments | wc -l) = 1 &&
	test $(got /cuidadores/payouts | wc -l) = 1
'
test_expect_success 'everything was delivered once; nothing is left to do' '
	test "$(q "SELECT DISTINCT status FROM deliveries")" = delivered &&
	test "$(q "SELECT count(*) FROM deliveries WHERE target <> \"email\"")" = \
	    $(wc -l <sink.log) &&
	test "$(q "SELECT count(*) FROM events
	    WHERE status NOT IN (\"mapped\", \"rejected\")")" = 0
'
test_expect_success 'no phone, e-mail or name reached a log' '
	! grep -h -e 98888 -e 97777 -e Marta -e Rui -e example.com receiver.log
'
test_done
