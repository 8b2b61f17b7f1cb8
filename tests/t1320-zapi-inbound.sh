#!/bin/sh
# Z-API's webhooks through the receiver and integra-normalize (normalizer:
# zapi): messages, rating buttons and list rows, media, the business's own
# and group messages, a first message that makes a lead, status callbacks
# that reach the delivery they name, and callbacks that are refused.
. "$top_srcdir/tests/lib.sh"

Z=$top_srcdir/tests/data/zapi
start_sink sink -e
ZAPI_WEBHOOK_TOKEN=hook-5d1e
ZAPI_TOKEN=tok-91c2
ZAPI_CLIENT_TOKEN=client-08aa
export ZAPI_WEBHOOK_TOKEN ZAPI_TOKEN ZAPI_CLIENT_TOKEN
cat >cfg.yaml <<EOF
sources:
  whatsapp:
    type: whatsapp.inbound
    key: messageId
    normalizer: zapi
    auth: { scheme: token, secret_env: ZAPI_WEBHOOK_TOKEN }
  whatsapp-status:
    path: /webhooks/whatsapp/status
    type: whatsapp.status
    normalizer: zapi
    auth: { scheme: token, secret_env: ZAPI_WEBHOOK_TOKEN }
  plain:
    type: whatsapp.inbound
targets:
  whatsapp:
    url: http://127.0.0.1:$SINK_PORT/zapi
    zapi:
      instance: 3C1A9F0B27D44E6A
      token_env: ZAPI_TOKEN
    auth:
      header: Client-Token
      secret_env: ZAPI_CLIENT_TOKEN
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
routes:
  - on: lead.created
    to: whatsapp
    path: /send-text
    body: '{phone: (.data.phone | ltrimstr("+")), message: "Olá"}'
  - on: whatsapp.inbound
    to: crm
    path: /messages
  - on: feedback.received
    to: crm
    path: /feedback
EOF
start_receiver receiver.log

# hook FILE [PATH]: Z-API posting FILE to the webhook; the status in status.
hook() {
	curl -s -o body -w "%{http_code}\n" -H "Content-Type: application/json" \
	    -H "Client-Token: $ZAPI_WEBHOOK_TOKEN" --data-binary "@$1" \
	    "$URL${2:-/webhooks/whatsapp}" >status
}
# canonical KEY: the canonical envelope of the event with that key.
canonical() {
	q "SELECT envelope FROM canonical_envelopes JOIN events ON event = seq
	    WHERE idempotency_key = \"$1\""
}

test_expect_success 'a text message: whatsapp.inbound in canonical form' '
	hook "$Z/text.json" && test "$(cat status)" = 202 &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out 2>err &&
	canonical 3EB0A0C1D2E3F4A5B6C7 >c &&
	jq -e ".type == \"whatsapp.inbound\" and .source == \"whatsapp\"" c &&
	jq -c .data c >data &&
	echo "{\"message_id\":\"3EB0A0C1D2E3F4A5B6C7\",\"phone\":\"+5511987650101\",\"sender_name\":\"Carla\",\"chat_name\":\"Carla Mendes\",\"at\":\"2026-11-23T17:00:00.000Z\",\"text\":\"Oi, quero saber o valor do plantão noturno\",\"kind\":\"text\"}" |
	    jq -c . >expect &&
	test_cmp expect data
'
test_expect_success 'a first message from a number: a lead from WhatsApp' '
	test $(wc -l <out) = 2 &&
	sed -n 2p out >lead &&
	jq -e ".type == \"lead.created\" and .source == \"whatsapp\" and
	    .data == {name: \"Carla\", phone: \"+5511987650101\",
	    message: \"Oi, quero saber o valor do plantão noturno\",
	    lead_id: .id}" lead &&
	test "$(q "SELECT status FROM events WHERE id = \"$(jq -r .id lead)\"")" = \
	    normalized
'
test_expect_success 'the next message from that number makes no lead' '
	hook "$Z/again.json" && test "$(cat status)" = 202 &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out2 &&
	test $(wc -l <out2) = 1 && jq -e ".type == \"whatsapp.inbound\"" out2 &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"lead.created\"")" = 1
'
test_expect_success 'a rating button: feedback.received for the service' '
	hook "$Z/button.json" && hook "$Z/list.json" &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out3 &&
	jq -c "select(.type == \"feedback.received\") | .data |
	    [.service_id, .rating, .channel, .phone, .message_id]" out3 >got &&
	printf "%s\n" "[\"S-900\",5,\"whatsapp\",\"+5511977774321\",\"3EB0B0B0B0B0B0B0B001\"]" \
	    "[\"S-901\",3,\"whatsapp\",\"+5511977774321\",\"3EB0B0B0B0B0B0B0B002\"]" >expect &&
	test_cmp expect got &&
	test "$(q "SELECT type FROM events
	    WHERE idempotency_key = \"3EB0B0B0B0B0B0B0B001\"")" = feedback.received
'
test_expect_success 'another button, and media: whatsapp.inbound with their kind' '
	hook "$Z/other-button.json" && hook "$Z/image.json" &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out4 &&
	canonical 3EB0B0B0B0B0B0B0B003 | jq -e ".type == \"whatsapp.inbound\" and
	    .data.kind == \"button\" and .data.reply_id == \"menu:horarios\" and
	    .data.text == \"Horários\"" &&
	canonical 3EB0C0C0C0C0C0C0C001 | jq -e ".data.kind == \"image\" and
	    .data.media == {url: \"https://storage.z-api.io/foto.jpg\",
	    mime_type: \"image/jpeg\", caption: \"A receita do médico\"} and
	    .data.text == \"A receita do médico\""
'
test_expect_success 'own and group messages are kept and not routed' '
	hook "$Z/from-me.json" && hook "$Z/group.json" &&
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending |
	    integra-map -j "$JOURNAL" -c cfg.yaml >d &&
	test ! -s d &&
	canonical 3EB0D0D0D0D0D0D0D001 | jq -e ".type == \"whatsapp.outbound\"
	    and .data.phone == \"+5511955550000\"" &&
	canonical 3EB0E0E0E0E0E0E0E001 | jq -e ".type == \"whatsapp.group\" and
	    .data.group_id == \"120363019502650977-group\" and
	    .data.phone == \"+5511966660000\"" &&
	test "$(q "SELECT group_concat(status) FROM events WHERE type IN
	    (\"whatsapp.outbound\", \"whatsapp.group\")")" = mapped,mapped
'
test_expect_success 'a callback integra does not read is kept as rejected' '
	hook "$Z/delivery.json" && test "$(cat status)" = 202 &&
	hook "$Z/presence.json" && test "$(cat status)" = 400 &&
	hook "$Z/no-id.json" && test "$(cat status)" = 400 &&
	grep -q "messageId" body &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out5 2>err5;
	test $? = 65 && test ! -s out5 &&
	q "SELECT error FROM events
	    WHERE type = \"whatsapp.inbound\" AND status = \"rejected\"" >rej &&
	test $(wc -l <rej) = 3 &&
	grep -q "DeliveryCallback. is not one that integra reads" rej
'
test_expect_success 'a source without the normalizer takes canonical data' '
	curl -s -o /dev/null -H "Content-Type: application/json" \
	    --data-binary "{\"phone\":\"11977774321\",\"message_id\":\"P1\"}" \
	    "$URL/webhooks/plain" &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >out6 &&
	jq -e "select(.source == \"plain\") | .data ==
	    {phone: \"+5511977774321\", message_id: \"P1\"}" out6
'
test_expect_success 'a message sent: the id Z-API gave it is kept' '
	integra-map -j "$JOURNAL" -c cfg.yaml --pending >/dev/null &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >sent 2>/dev/null &&
	q "SELECT id, remote_id FROM deliveries WHERE target = \"whatsapp\"" >ids &&
	test $(wc -l <ids) = 2 &&
	while IFS="|" read -r del rid; do test "$del" = "$rid" || exit 1; done <ids
'
# status STATUS MOMENT: Z-API's status callback for the first message sent.
del=
status() {
	del=$(q "SELECT id FROM deliveries WHERE target = \"whatsapp\"
	    ORDER BY id LIMIT 1")
	printf "{\"instanceId\":\"3C1A9F0B27D44E6A\",\"status\":\"%s\",\"ids\":[\"%s\"],\"momment\":%s,\"phoneDevice\":0,\"phone\":\"5511987650101\",\"type\":\"MessageStatusCallback\",\"isGroup\":false}" \
	    "$1" "$del" "$2" >st.json &&
	hook st.json /webhooks/whatsapp/status && test "$(cat status)" = 202 &&
	integra-normalize -j "$JOURNAL" -c cfg.yaml --pending >/dev/null
}
test_expect_success 'a status callback reaches the delivery it names' '
	status READ 1795460800000 &&
	test "$(q "SELECT group_concat(coalesce(remote_status, \"-\"))
	    FROM (SELECT remote_status FROM deliveries
	    WHERE target = \"whatsapp\" ORDER BY id) AS s")" = read,- &&
	ev=$(q "SELECT event_id FROM deliveries WHERE id = \"$del\"") &&
	integra-events -j "$JOURNAL" show "$ev" >shown &&
	jq -e ".deliveries[0].remote_status == \"read\"" shown
'
test_expect_success 'a late status does not undo a later one' '
	status RECEIVED 1795460700000 &&
	test "$(q "SELECT remote_status FROM deliveries
	    WHERE id = \"$del\"")" = read &&
	status PLAYED 1795460900000 &&
	test "$(q "SELECT remote_status FROM deliveries
	    WHERE id = \"$del\"")" = played &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"whatsapp.status\" AND status = \"normalized\"")" = 3
'
test_expect_success 'no phone, name or text reaches a log' '
	! grep -h -e 98765 -e 97777 -e Carla -e plantão receiver.log err err5
'
test_done
