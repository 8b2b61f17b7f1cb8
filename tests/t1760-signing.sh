#!/bin/sh
# Outbound signing: Standard Webhooks (webhook-id, -timestamp, -signature,
# two signatures while secrets rotate) or an HMAC-SHA256 header, made as
# each request goes; checked here by the openssl CLI and by integra's own
# receiver.
. "$top_srcdir/tests/lib.sh"

TEST_WHSEC=whsec_$(printf 'integra test secret 0123456789' | base64)
TEST_WHSEC_OLD=whsec_$(printf 'the secret before, rotated' | base64)
TEST_HMAC=plain-hmac-secret
export TEST_WHSEC TEST_WHSEC_OLD TEST_HMAC

start_sink sink
cat >cfg.yaml <<EOF
targets:
  std:
    url: http://127.0.0.1:$SINK_PORT/std
    signing:
      scheme: standard-webhooks
      secret_env: TEST_WHSEC
  rotating:
    url: http://127.0.0.1:$SINK_PORT/rotating
    signing:
      scheme: standard-webhooks
      secret_env: TEST_WHSEC
      previous_secret_env: TEST_WHSEC_OLD
  plain:
    url: http://127.0.0.1:$SINK_PORT/plain
    signing:
      scheme: hmac-sha256
      header: X-Signature
      prefix: sha256=
      secret_env: TEST_HMAC
routes:
  - on: lead.created
    to: std
  - on: lead.created
    to: rotating
  - on: lead.created
    to: plain
EOF
printf '{"name":"Ana","phone":"11987650001"}\n{"name":"Bia","phone":"11987650002"}\n' \
    >leads.ndjson

# std_sig WHSEC TEXT: the base64 HMAC-SHA256 of TEXT keyed with the
# secret's bytes, by openssl.
std_sig() {
	key=$(printf %s "${1#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
	printf %s "$2" |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary |
	    base64
}
# req PATH N FIELD: a field of the Nth request the sink got on PATH.
req() {
	jq -r "select(.path == \"$1\") | $3" sink.log | sed -n "${2}p"
}

test_expect_success 'deliveries to signing targets' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err &&
	test "$(wc -l <sink.log)" = 6
'
test_expect_success 'standard-webhooks: the delivery id, now, and v1' '
	for n in 1 2; do
		id=$(req /std $n .idempotency_key) &&
		test "$(req /std $n ".headers[\"webhook-id\"]")" = "$id" &&
		ts=$(req /std $n ".headers[\"webhook-timestamp\"]") &&
		test $(( $(date +%s) - ts )) -le 10 &&
		test $(( $(date +%s) - ts )) -ge 0 &&
		body=$(req /std $n .body) &&
		test "$(req /std $n ".headers[\"webhook-signature\"]")" = \
		    "v1,$(std_sig "$TEST_WHSEC" "$id.$ts.$body")" || exit 1
	done
'
test_expect_success 'rotation: one v1 signature a secret, both good' '
	id=$(req /rotating 1 .idempotency_key) &&
	ts=$(req /rotating 1 ".headers[\"webhook-timestamp\"]") &&
	body=$(req /rotating 1 .body) &&
	test "$(req /rotating 1 ".headers[\"webhook-signature\"]")" = \
	    "v1,$(std_sig "$TEST_WHSEC" "$id.$ts.$body") v1,$(std_sig \
	    "$TEST_WHSEC_OLD" "$id.$ts.$body")"
'
test_expect_success 'hmac-sha256: the prefix and the hex MAC of the body' '
	body=$(req /plain 1 .body) &&
	test "$(req /plain 1 ".headers[\"x-signature\"]")" = \
	    "sha256=$(printf %s "$body" | openssl dgst -sha256 \
	    -hmac "$TEST_HMAC" | sed "s/.*= //")"
'
test_expect_success 'no secret in the journal or the log' '
	! grep -q "integra test secret\|$TEST_HMAC\|${TEST_WHSEC#whsec_}" err &&
	! sqlite3 journal.db .dump | grep -q "${TEST_WHSEC#whsec_}\|$TEST_HMAC"
'
test_expect_code 78 'a signing secret that is not there: exit 78' '
	printf "{\"name\":\"Cid\",\"phone\":\"11987650003\"}\n" >one.ndjson &&
	deliveries "$JOURNAL" cfg.yaml one.ndjson 2>/dev/null >d.ndjson &&
	env -u TEST_HMAC integra-dispatch -j "$JOURNAL" -c cfg.yaml \
	    <d.ndjson >out 2>err
'
test_expect_success '... naming the target and the variable' '
	grep -q "target .plain. signing" err && grep -q TEST_HMAC err
'
test_expect_success 'config check reads the signing secrets too' '
	integra config check -c cfg.yaml >/dev/null &&
	env -u TEST_WHSEC_OLD integra config check -c cfg.yaml 2>err;
	test $? -eq 78 && grep -q "target .rotating. signing: .*TEST_WHSEC_OLD" err
'

# integra's receiver checks what integra's dispatch signs.
cat >recv.yaml <<EOF
sources:
  partner:
    type: lead.created
    auth:
      scheme: standard-webhooks
      secret_env: TEST_WHSEC
EOF
start_receiver recv.log -c recv.yaml -j recv.db
cat >loop.yaml <<EOF
targets:
  hub:
    url: $URL/webhooks/partner
    signing:
      scheme: standard-webhooks
      secret_env: TEST_WHSEC
  stranger:
    url: $URL/webhooks/partner
    signing:
      scheme: standard-webhooks
      secret_env: TEST_WHSEC_OLD
routes:
  - on: lead.created
    to: hub
  - on: lead.created
    to: stranger
EOF
test_expect_code 69 'to integra-ingest: the right secret taken, the wrong refused' '
	printf "{\"name\":\"Dan\",\"phone\":\"11987650004\"}\n" >two.ndjson &&
	deliveries loop.db loop.yaml two.ndjson 2>/dev/null |
	    integra-dispatch -j loop.db -c loop.yaml >loop.out 2>loop.err
'
test_expect_success '... hub delivered and journaled, stranger dead on 401' '
	kill $RECEIVER; wait $RECEIVER;
	jq -e -s "map(select(.target == \"hub\"))[0] |
	    .status == \"delivered\" and .http_status == 202" loop.out &&
	jq -e -s "map(select(.target == \"stranger\"))[0] |
	    .status == \"dead\" and .http_status == 401" loop.out &&
	test "$(sqlite3 recv.db "SELECT count(*) FROM events
	    WHERE source = \"partner\" AND status = \"received\"")" = 1
'
test_done
