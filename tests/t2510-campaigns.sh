#!/bin/sh
# The campaign dispatcher of the sample config, end to end: the marketing
# site's WordPress asks for campaigns through the receiver's API; integra
# fetches each from WordPress, fans it out through its provider (CDA,
# GOSAC, NOAH, RCS with an SMS fallback, Salesforce Marketing Cloud with
# OAuth2), each provider's token fetched once, and tells WordPress, signed,
# when the campaign has settled.  One test sink plays them all from the
# routes files of tests/data/campaigns, whose README says the shapes.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/campaigns
cat "$D/wordpress.routes" "$D/cda.routes" "$D/gosac.routes" \
    "$D/noah.routes" "$D/rcs.routes" "$D/sms.routes" \
    "$D/salesforce.routes" >routes
start_sink sink -r routes
# WordPress answers campaign 49 in 5 s: more than this test waits.
sed -e "s/127.0.0.1:8090/127.0.0.1:$SINK_PORT/" \
    -e '/^  wordpress:$/a\    timeout: 2s' \
    "$top_srcdir/etc/integra.yaml" >cfg.yaml
unsealed_on_pg cfg.yaml
sample_secrets
C="-c cfg.yaml -j "$JOURNAL""
integra-ingest -j "$JOURNAL" -s t -t x </dev/null 2>/dev/null
WP=$(integra-keys -j "$JOURNAL" add wordpress -S events:write 2>/dev/null)
READ=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
start_receiver recv.log
# call METHOD PATH [BODY [KEY]]: the answer in body, its status in status.
call() {
	curl -s -o body -w "%{http_code}\n" -X "$1" \
	    -H "X-API-Key: ${4-$WP}" -H "Content-Type: application/json" \
	    ${3:+--data-binary "$3"} "$URL$2" >status
}
# drain [ENV...]: the journal's work through normalize (the webhooks'),
# map and dispatch, until nothing is due at once.
drain() {
	for _ in 1 2 3 4; do
		env "$@" integra-normalize $C --pending >/dev/null \
		    2>>normalize.err
		env "$@" integra-map $C --pending >/dev/null 2>>map.err
		env "$@" integra-dispatch $C --pending >/dev/null 2>>dispatch.err
	done
	return 0
}
# requests METHOD PREFIX [STATUS]: how many the sink had.
requests() {
	jq -s "map(select(.method == \"$1\" and (.path | startswith(\"$2\"))
	    ${3:+and .status == $3})) | length" sink.log
}
status_of() {
	integra-campaign $C status "$1" 2>/dev/null
}

test_expect_success 'WordPress asks for a campaign: 202, its id' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":42}" &&
	test "$(cat status)" = 202 &&
	jq -e ".campaign == \"42\" and .duplicate == false" body &&
	test "$(q "SELECT type, source, status FROM events
	    WHERE subject = \"42\"")" = "campaign.dispatch|api/campaigns|normalized"
'
test_expect_success 'asked again: a duplicate, 200, nothing new' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":\"42\"}" &&
	test "$(cat status)" = 200 && jq -e ".duplicate == true" body &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"campaign.dispatch\"")" = 1
'
test_expect_success 'a bad body: 400; no key: 401; a reader: 403' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":\"a b\"}" &&
	test "$(cat status)" = 400 && jq -e ".error.code == \"invalid\"" body &&
	call POST /api/campaigns/dispatch "{\"id\":1}" &&
	test "$(cat status)" = 400 &&
	call POST /api/campaigns/dispatch "not json" &&
	test "$(cat status)" = 400 &&
	call POST /api/campaigns/dispatch "{\"campaign_id\":1}" "" &&
	test "$(cat status)" = 401 &&
	call POST /api/campaigns/dispatch "{\"campaign_id\":1}" "$READ" &&
	test "$(cat status)" = 403
'
test_expect_success 'CDA: fetched, fanned out, each contact once, a 429 waited' '
	drain && sleep 1 && drain &&
	test "$(requests GET /wp-json/integra/v1/campaigns/42 200)" = 1 &&
	test "$(requests POST /api/v1/messages 201)" = 4 &&
	test "$(requests POST /api/v1/messages 429)" = 1 &&
	jq -s "map(select(.path == \"/api/v1/messages\" and .status == 201)
	    | .body | fromjson | .to) | sort | unique | length" sink.log >n &&
	test "$(cat n)" = 4
'
test_expect_success 'the contact without a phone: dead at build, class invalid' '
	test "$(q "SELECT error_class, last_error FROM deliveries
	    WHERE route = \"campaign-cda\" AND status = \"dead\"")" = \
	    "invalid|jq: error: the contact has no phone"
'
test_expect_success 'its token fetched once from WordPress, in no row' '
	test "$(requests GET /wp-json/integra/v1/credentials/cda)" = 1 &&
	jq -s "map(select(.path == \"/api/v1/messages\")
	    | .headers.authorization) | unique" sink.log >auth &&
	test "$(jq -c . auth)" = "[\"Bearer wp-cda-1\"]" &&
	! grep -q "wp-cda-1" journal.db journal.db-wal 2>/dev/null &&
	! grep -q "wp-cda-1" map.err dispatch.err recv.log
'
test_expect_success 'the status: totals by state and provider, as the sink saw' '
	status_of 42 >st &&
	jq -e ".total == 6 and .delivered == 5 and .dead == 1 and
	    .queued == 0 and .failed == 0 and .progress == 100 and
	    .targets.cda.delivered == 4 and .targets.cda.dead == 1 and
	    .targets.wordpress.delivered == 1 and .dead_classes.invalid == 1 and
	    .started != null and .finished != null" st
'
test_expect_success 'GET /api/campaigns/42/status is integra-campaign status' '
	call GET /api/campaigns/42/status "" "$READ" &&
	test "$(cat status)" = 200 && jq -S . body >a && jq -S . st >b &&
	test_cmp b a &&
	call GET /api/campaigns/99/status "" "$READ" &&
	test "$(cat status)" = 404
'
test_expect_success 'WordPress is told once, signed, when it settles' '
	test "$(requests POST /wp-json/integra/v1/campaign-status)" = 1 &&
	jq -s "map(select(.path == \"/wp-json/integra/v1/campaign-status\"))[0]"\
	    sink.log >told &&
	jq -e ".headers[\"webhook-signature\"] | startswith(\"v1,\")" told &&
	jq -e ".body | fromjson | .campaign_id == \"42\" and
	    .delivered == 5 and .dead == 1 and .status == \"partial\"" told
'
test_expect_success 'GOSAC: the campaign made at once, started 2 minutes on' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":43}" &&
	drain &&
	test "$(requests POST /api/campanhas 201)" = 1 &&
	jq -s "map(select(.path == \"/api/campanhas\"))[0].body | fromjson" \
	    sink.log >made &&
	jq -e "(.mensagens | length) == 3 and .mensagens[0].texto != null" made &&
	test "$(requests PUT /api/campanhas/gosac-1/iniciar)" = 0 &&
	drain INTEGRA_CLOCK_OFFSET=121 &&
	test "$(requests PUT /api/campanhas/gosac-1/iniciar 200)" = 1 &&
	status_of 43 | jq -e ".finished != null and .delivered == 3"
'
test_expect_success 'NOAH: one send a contact' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":44}" &&
	drain &&
	test "$(requests POST /v2/send 200)" = 3 &&
	status_of 44 | jq -e ".targets.noah.delivered == 3"
'
test_expect_success 'RCS: a phone with no RCS (404) gets the SMS instead' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":45}" &&
	drain &&
	test "$(requests POST /v1/phones/ 200)" = 3 &&
	test "$(requests POST /v1/phones/ 404)" = 1 &&
	test "$(requests POST /v2/channels/sms/messages 200)" = 1 &&
	jq -s "map(select(.path == \"/v2/channels/sms/messages\"))[0].body
	    | fromjson" sink.log >sms &&
	jq -e ".to == \"5511999990404\" and (.contents[0].text | length) > 0" sms &&
	status_of 45 >st &&
	jq -e ".fallback == 1 and .targets.sms.delivered == 1 and
	    .targets.rcs.dead == 1 and .finished != null" st
'
# rbm_event TYPE PHONE MESSAGE-ID: RBM's webhook body for an event about a
# message, as its ServerEvent in message.data; its signature in sig.
rbm_event() {
	data=$(printf '{"phoneNumber":"%s","messageId":"%s","agentId":"integra_campanhas","eventType":"%s","eventId":"ev-%s","sendTime":"2026-12-06T12:00:00.123456Z"}' \
	    "$2" "$3" "$1" "$3" | base64 -w0)
	printf '%s' "$data" | base64 -d | openssl dgst -sha512 -binary \
	    -hmac "$INTEGRA_RBM_CLIENT_TOKEN" | base64 -w0 >sig
	printf '{"message":{"data":"%s","messageId":"ps-%s","publishTime":"2026-12-06T12:00:01Z"},"subscription":"projects/rbm/subscriptions/integra"}' \
	    "$data" "$3"
}
# rbm POST BODY SIGNATURE: the webhook's status in status.
rbm() {
	curl -s -o body -w "%{http_code}\n" -H "Content-Type: application/json" \
	    -H "X-Goog-Signature: $2" --data-binary "$1" "$URL/webhooks/rcs" \
	    >status
}
test_expect_success 'RCS gave up on a message (TTL): an SMS, in its campaign' '
	rbm_event TTL_EXPIRATION_REVOKED +5511999990033 campaign-45-14 >ev &&
	rbm "$(cat ev)" "$(cat sig)" && test "$(cat status)" = 202 &&
	drain &&
	test "$(requests POST /v2/channels/sms/messages 200)" = 2 &&
	jq -s "map(select(.path == \"/v2/channels/sms/messages\"))[1].body
	    | fromjson" sink.log >sms &&
	jq -e ".to == \"5511999990033\"" sms &&
	status_of 45 | jq -e ".targets.sms.delivered == 2"
'
test_expect_success 'an RCS event signed wrong: 401, kept as rejected' '
	rbm_event TTL_EXPIRATION_REVOKED +5511999990032 campaign-45-13 >ev &&
	rbm "$(cat ev)" "AAAA$(cut -c5- sig)" && test "$(cat status)" = 401 &&
	rbm "$(cat ev)" "" && test "$(cat status)" = 401 &&
	rbm_event DELIVERED +5511999990032 campaign-45-13 >ev &&
	rbm "$(cat ev)" "$(cat sig)" && test "$(cat status)" = 202 &&
	drain &&
	test "$(requests POST /v2/channels/sms/messages 200)" = 2
'
test_expect_success 'Salesforce: one OAuth2 token, a 401 refreshed once, then the journey' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":46}" &&
	drain &&
	test "$(requests POST /v2/token 200)" = 2 &&
	jq -s "map(select(.path == \"/v2/token\"))[0].body | fromjson" \
	    sink.log >grant &&
	jq -e ".grant_type == \"client_credentials\" and
	    .client_id == \"integra-campanhas\" and .account_id == 514000001" \
	    grant &&
	test "$(requests POST /hub/v1/dataevents/ 401)" = 1 &&
	test "$(requests POST /hub/v1/dataevents/ 200)" = 1 &&
	test "$(q "SELECT attempts FROM deliveries
	    WHERE route = \"campaign-salesforce\" AND step = 0")" = 1 &&
	test "$(requests POST /interaction/v1/events)" = 0 &&
	drain INTEGRA_CLOCK_OFFSET=1201 &&
	test "$(requests POST /interaction/v1/events 201)" = 1 &&
	status_of 46 | jq -e ".finished != null and .delivered == 3"
'
test_expect_success 'a campaign with no contacts settles at once, told' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":47}" &&
	drain &&
	status_of 47 | jq -e ".total == 1 and .finished != null" &&
	test "$(requests POST /wp-json/integra/v1/campaign-status)" = 6
'
test_expect_success 'WordPress answers HTML: the fetch fails, nothing half-made' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":48}" &&
	drain &&
	test "$(q "SELECT DISTINCT a.error_class FROM attempts a
	    JOIN deliveries d ON d.id = a.delivery_id
	    WHERE d.group_name = \"48\"")" = response &&
	test "$(q "SELECT count(*) FROM events WHERE type = \"campaign.fetched\"
	    AND subject = \"48\"")" = 0 &&
	status_of 48 | jq -e ".failed == 1 and .finished == null"
'
test_expect_success 'WordPress too slow: the fetch times out, to be tried again' '
	call POST /api/campaigns/dispatch "{\"campaign_id\":49}" &&
	drain &&
	test "$(q "SELECT DISTINCT a.error_class FROM attempts a
	    JOIN deliveries d ON d.id = a.delivery_id
	    WHERE d.group_name = \"49\"")" = timeout &&
	status_of 49 | jq -e ".failed == 1 and .total == 1"
'
test_expect_success 'cancel over the API: what is left dies; told WordPress' '
	call POST /api/campaigns/48/cancel &&
	test "$(cat status)" = 200 &&
	jq -e ".cancelled == 1 and .finished != null" body &&
	call POST /api/campaigns/nope/cancel && test "$(cat status)" = 404
'
test_expect_success 'retry-failed over the API: never what could not be built' '
	call POST /api/campaigns/42/retry-failed &&
	test "$(cat status)" = 202 && jq -e ".retried == 0" body
'
test_expect_success 'the campaigns, newest first, a page at a time' '
	call GET "/api/campaigns?limit=2" "" "$READ" &&
	test "$(jq -c "[.campaigns[].name]" body)" = "[\"49\",\"48\"]" &&
	call GET "/api/campaigns?limit=2&cursor=$(jq -r .next body)" "" "$READ" &&
	test "$(jq -c "[.campaigns[].name]" body)" = "[\"47\",\"46\"]" &&
	call GET "/api/campaigns?limit=x" "" "$READ" && test "$(cat status)" = 400
'
test_done
