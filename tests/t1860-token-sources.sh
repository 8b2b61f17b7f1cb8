#!/bin/sh
# Token sources: a target's auth fetched by dispatch, by OAuth2's client
# credentials grant (form or JSON, the client in the body or in HTTP
# Basic) or by a request to another target whose answer jq picks from;
# cached in a 0600 file for every process of the host, fetched once per
# expiry, dropped and fetched again on a 401, its endpoint's failures
# giving the deliveries back with a backoff and one integra.token.failed
# event, the base URL from the answer; never in the journal, a log or
# stdout.  Two sinks play the token endpoints (auth) and the APIs (api).
. "$top_srcdir/tests/lib.sh"
# The token cache: beside a file journal; for one on PostgreSQL, in
# $TMPDIR (the script's own: tests/lib.sh), as each host keeps its own;
# rt.db and short.db, files, keep theirs beside them.
TOKENS=tokens
[ "$JOURNAL" = journal.db ] || TOKENS=$TMPDIR/integra-tokens.$(id -u)

export MC_SECRET=mc-client-secret-7Hq CORE_SECRET='core secret&=+x'
export WP_SECRET=wp-app-password-9Xz CORE_ID=core-client-id

cat >api.routes <<'EOF'
{"prefix":"/mc/","header":{"Authorization":"Bearer mcTok1zz"},"status":201}
{"prefix":"/core/","header":{"Authorization":"Bearer coreTok1zz"}}
{"prefix":"/basic/","header":{"X-Token":"basicTok1zz"}}
{"prefix":"/cda/","header":{"Authorization":"Bearer cdaTok1zz"}}
{"prefix":"/rot/","header":{"Authorization":"Bearer rotTok2zz"}}
{"prefix":"/short/","delay_ms":40}
{"prefix":"/retry/","header":{"Authorization":"Bearer retryTok1zz"}}
{"prefix":"/","status":401,"body":{"error":"invalid_token"}}
EOF
start_sink api -r api.routes
API=$SINK_PORT
cat >auth.routes <<EOF
{"method":"POST","prefix":"/mc/v2/token","body":{"access_token":"mcTok{{n}}zz","token_type":"Bearer","expires_in":1080,"scope":"email_read","soap_instance_url":"http://127.0.0.1:$API/soap/","rest_instance_url":"http://127.0.0.1:$API/mc/"}}
{"method":"POST","prefix":"/core/token","body":{"access_token":"coreTok{{n}}zz","instance_url":"http://127.0.0.1:$API/core","token_type":"Bearer","issued_at":"{{now_ms}}"}}
{"method":"POST","prefix":"/basic/token","body":{"access_token":"basicTok{{n}}zz","expires_in":"600"}}
{"method":"POST","prefix":"/wp-json/integra/v1/credentials/cda","header":{"Authorization":"Basic $WP_SECRET"},"body":{"data":{"token":"cdaTok{{n}}zz","ttl":900}}}
{"method":"POST","prefix":"/rot/token","body":{"access_token":"rotTok{{n}}zz","expires_in":3600}}
{"method":"POST","prefix":"/deny/token","body":{"access_token":"denyTok{{n}}zz"}}
{"method":"POST","prefix":"/broken/token","status":400,"body":{"error":"invalid_client","detail":"leakedBodyzz"}}
{"method":"POST","prefix":"/short/token","delay_ms":300,"body":{"access_token":"shortTok{{n}}zz","expires_in":3600}}
{"method":"POST","prefix":"/retry/token","body":{"access_token":"retryTok{{n}}zz"}}
{"method":"GET","prefix":"/nojson/token","body":"not json"}
EOF
start_sink auth -r auth.routes
AUTH=http://127.0.0.1:$SINK_PORT

cat >cfg.yaml <<EOF
targets:
  mc:
    url: https://placeholder.invalid
    oauth2:
      token_url: $AUTH/mc/v2/token
      client_id: mc-client
      client_secret_env: MC_SECRET
      scope: "email_read list_and_subscribers_write"
      encoding: json
      params: {account_id: 123456, region: "7"}
      base_url: rest_instance_url
  core:
    url: https://placeholder.invalid/services
    oauth2:
      token_url: $AUTH/core/token
      client_id_env: CORE_ID
      client_secret_file: core.secret
      scope: api refresh
      params: {account_id: "123456"}
      base_url: instance_url
  basic:
    url: http://127.0.0.1:$API/basic
    auth: {header: X-Token, scheme: ""}
    oauth2:
      token_url: $AUTH/basic/token
      client_id: b@id
      client_secret_env: CORE_SECRET
      auth: basic
  wordpress:
    url: $AUTH/wp-json
    headers: {X-Site: loja}
    auth: {header: Authorization, scheme: Basic, secret_env: WP_SECRET}
  cda:
    url: http://127.0.0.1:$API/cda
    token:
      from: wordpress
      method: POST
      path: /integra/v1/credentials/cda
      body: '{provider: "cda"}'
      pick: .data.token
      expires_in: .data.ttl
  rot:
    url: http://127.0.0.1:$API/rot
    oauth2: {token_url: $AUTH/rot/token, client_id: r, client_secret_env: MC_SECRET}
  deny:
    url: http://127.0.0.1:$API/deny
    oauth2: {token_url: $AUTH/deny/token, client_id: d, client_secret_env: MC_SECRET}
  broken:
    url: http://127.0.0.1:$API/broken
    oauth2: {token_url: $AUTH/broken/token, client_id: x, client_secret_env: MC_SECRET}
routes:
EOF
for t in mc core basic cda rot deny broken; do
	printf '  - {on: lead.created, to: %s, path: /leads, body: .data}\n' $t
done >>cfg.yaml
printf '%s\n' "$CORE_SECRET" >core.secret
printf '{"name":"Ana","phone":"11987650001"}\n{"name":"Bia","phone":"11987650002"}\n' \
    >leads.ndjson

# tokens PATH: how many token requests the auth sink had for PATH.
tokens() {
	jq -s --arg p "$1" 'map(select(.path == $p)) | length' auth.log
}
# delivered TARGET: TARGET's deliveries as "status attempts" lines.
deliveries_of() {
	q "SELECT status, attempts FROM deliveries WHERE target = '$1'"
}
# api PATH FIELD: FIELD of each API request to PATH.
api() {
	jq -r --arg p "$1" "select(.path == \$p) | $2" api.log
}

test_expect_success 'integra config check takes the token sources' '
	integra config check -c cfg.yaml >out &&
	grep -q "8 targets" out
'

test_expect_success 'first dispatch: a token fetched for each source' '
	deliveries "$JOURNAL" cfg.yaml leads.ndjson >ids 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <ids >out1 2>err1
	test $? = 69 &&
	for t in mc core basic cda rot; do
		test "$(deliveries_of $t)" = "delivered|1
delivered|1" || return 1
	done
'

test_expect_success 'oauth2 json: the grant as Marketing Cloud takes it' '
	test "$(tokens /mc/v2/token)" = 1 &&
	jq -s -e "map(select(.path == \"/mc/v2/token\"))[0] |
	    .method == \"POST\" and
	    .headers[\"content-type\"] == \"application/json\" and
	    (.body | fromjson) == {grant_type: \"client_credentials\",
	    client_id: \"mc-client\", client_secret: env.MC_SECRET,
	    scope: \"email_read list_and_subscribers_write\",
	    account_id: 123456, region: \"7\"}" auth.log
'
test_expect_success 'base_url: the answer s rest_instance_url in place of url' '
	test "$(api /mc/leads .status | sort -u)" = 201 &&
	test "$(api /mc/leads .headers.authorization | sort -u)" = \
	    "Bearer mcTok1zz" &&
	test "$(q "SELECT DISTINCT url FROM deliveries WHERE target = \"mc\"")" = \
	    https://placeholder.invalid/leads &&
	test "$(api /core/leads .headers.authorization | sort -u)" = \
	    "Bearer coreTok1zz"
'
test_expect_success 'oauth2 form: RFC 6749 4.4.2, the client in the body' '
	jq -s -r "map(select(.path == \"/core/token\"))[0] |
	    .headers[\"content-type\"], .body" auth.log >core.req &&
	printf "%s\n" application/x-www-form-urlencoded \
	    "grant_type=client_credentials&client_id=core-client-id&client_secret=core+secret%26%3D%2Bx&scope=api+refresh&account_id=123456" \
	    >core.want &&
	test_cmp core.want core.req
'
test_expect_success 'oauth2 auth basic: RFC 6749 2.3.1, a header of its own' '
	jq -s -r "map(select(.path == \"/basic/token\"))[0] |
	    .headers.authorization, .body" auth.log >basic.req &&
	printf "Basic %s\ngrant_type=client_credentials\n" \
	    "$(printf "b%%40id:core+secret%%26%%3D%%2Bx" | base64 -w0)" \
	    >basic.want &&
	test_cmp basic.want basic.req &&
	test "$(api /basic/leads .headers[\"x-token\"] | sort -u)" = basicTok1zz
'
test_expect_success 'a token from another target: its url, headers, auth' '
	test "$(tokens /wp-json/integra/v1/credentials/cda)" = 1 &&
	jq -s -e "map(select(.path == \"/wp-json/integra/v1/credentials/cda\"))
	    [0] | .headers[\"x-site\"] == \"loja\" and
	    .headers.authorization == \"Basic \" + env.WP_SECRET and
	    (.body | fromjson) == {provider: \"cda\"}" auth.log &&
	test "$(api /cda/leads .headers.authorization | sort -u)" = \
	    "Bearer cdaTok1zz"
'
test_expect_success 'the cache: a 0600 file a target in a 0700 directory' '
	test "$(stat -c %a "$TOKENS")" = 700 &&
	test "$(stat -c %a "$TOKENS"/mc.json)" = 600 &&
	test "$(stat -c %a "$TOKENS"/cda.json)" = 600 &&
	jq -e ".token == \"cdaTok1zz\" and .expires_at - .fetched_at == 900000" \
	    "$TOKENS"/cda.json &&
	jq -e ".base_url == \"http://127.0.0.1:$API/mc/\"" "$TOKENS"/mc.json
'

test_expect_success 'a second dispatch takes the cached tokens: no fetch' '
	site_leads 2 Other >leads2.ndjson &&
	deliveries "$JOURNAL" cfg.yaml leads2.ndjson >ids2 2>/dev/null &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml <ids2 >out2 2>err2
	test $? = 69 &&
	test "$(tokens /mc/v2/token)" = 1 && test "$(tokens /core/token)" = 1 &&
	test "$(api /mc/leads .status | wc -l)" = 4 &&
	test "$(api /cda/leads .status | wc -l)" = 4
'

test_expect_success '401, then 200: one refresh, the try not counted' '
	test "$(tokens /rot/token)" = 2 &&
	api /rot/leads .headers.authorization | sort | uniq -c >rot.use &&
	grep -q "^ *[12] Bearer rotTok1zz$" rot.use &&
	grep -q "^ *4 Bearer rotTok2zz$" rot.use &&
	test "$(deliveries_of rot | sort -u)" = "delivered|1" &&
	test "$(q "SELECT count(*) FROM attempts JOIN deliveries
	    ON deliveries.id = delivery_id WHERE target = \"rot\"")" = 4 &&
	grep -q "401 with its token: sent again with a fresh one" err1
'
test_expect_success '401 with a fresh token too: dead, as auth' '
	test "$(deliveries_of deny | sort -u)" = "dead|1" &&
	test "$(q "SELECT DISTINCT error_class FROM deliveries
	    WHERE target = \"deny\"")" = auth &&
	test "$(api /deny/leads .status | sort -u)" = 401
'

test_expect_success 'the token endpoint fails: the deliveries wait, untried' '
	test "$(deliveries_of broken | sort -u)" = "pending|0" &&
	test "$(q "SELECT count(*) FROM attempts JOIN deliveries
	    ON deliveries.id = delivery_id WHERE target = \"broken\"")" = 0 &&
	test "$(tokens /broken/token)" = 1 &&
	grep "target .broken.: its token endpoint failed (HTTP 400)" err1 &&
	jq -e ".failures == 1 and .http_status == 400 and
	    .retry_at - .since == 30000 and (has(\"token\") | not)" \
	    "$TOKENS"/broken.json
'
test_expect_success 'one integra.token.failed event, as its schema says' '
	q "SELECT c.envelope FROM events e JOIN canonical_envelopes c
	    ON c.event = e.seq WHERE e.type = \"integra.token.failed\"" >ev &&
	test "$(wc -l <ev)" = 1 &&
	jq -e ".source == \"integra/dispatch\" and .subject == \"broken\" and
	    (.data | .target == \"broken\" and .http_status == 400 and
	    .error == \"HTTP 400\" and (.retry_at | test(\"^20\")))" ev &&
	jq -e ".title" "$INTEGRA_DATADIR/schemas/integra.token.failed.json"
'
test_expect_success 'its backoff holds: no process asks again before' '
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out3 2>err3
	integra-retry -j "$JOURNAL" -c cfg.yaml --once >out4 2>err4
	test "$(tokens /broken/token)" = 1 &&
	test "$(deliveries_of broken | sort -u)" = "pending|0"
'
test_expect_success 'once it has passed, a probe asks again: no new event' '
	jq -c ".retry_at = 1" "$TOKENS"/broken.json >b.json &&
	mv b.json "$TOKENS"/broken.json && chmod 600 "$TOKENS"/broken.json &&
	q "UPDATE target_states SET open_until = 1 WHERE target = \"broken\"" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out5 2>err5
	test $? = 75 &&
	test "$(tokens /broken/token)" = 2 &&
	jq -e ".failures == 2 and .retry_at - .since >= 60000" \
	    "$TOKENS"/broken.json &&
	test "$(q "SELECT count(*) FROM events
	    WHERE type = \"integra.token.failed\"")" = 1 &&
	test "$(deliveries_of broken | sort -u)" = "pending|0"
'

test_expect_success 'a token cache others may read or that is not ours: refused' '
	chmod 755 "$TOKENS" &&
	integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending >out6 2>err6
	rc=$?
	chmod 700 "$TOKENS" &&
	test $rc != 0 &&
	grep -q "token cache .*tokens[^:]*: not a folder of this user.s alone" \
	    err6
'

test_expect_success 'integra-retry runs dispatch: it fetches and delivers' '
	cat >retry.yaml <<-EOF &&
	targets:
	  rt:
	    url: http://127.0.0.1:$API/retry
	    oauth2: {token_url: $AUTH/retry/token, client_id: r, client_secret_env: MC_SECRET, margin: 0s}
	routes:
	  - {on: lead.created, to: rt, path: /leads}
	EOF
	deliveries rt.db retry.yaml leads.ndjson >/dev/null 2>&1 &&
	integra-retry -j rt.db -c retry.yaml --once >out6 2>err6 &&
	test "$(sqlite3 rt.db "SELECT DISTINCT status, attempts
	    FROM deliveries")" = "delivered|1" &&
	test "$(tokens /retry/token)" = 1 &&
	jq -e ".expires_at - .fetched_at == 3600000" tokens/rt.json
'

test_expect_success 'expiry mid-run: four processes, exactly one refresh' '
	cat >short.yaml <<-EOF &&
	targets:
	  short:
	    url: http://127.0.0.1:$API/short
	    concurrency: 2
	    oauth2: {token_url: $AUTH/short/token, client_id: s, client_secret_env: MC_SECRET, margin: 1s}
	routes:
	  - {on: lead.created, to: short, path: /leads}
	EOF
	site_leads 240 Short >short.ndjson &&
	deliveries short.db short.yaml short.ndjson >/dev/null 2>&1 &&
	now=$(($(date +%s%N) / 1000000)) &&
	printf "{\"token\":\"shortTok0zz\",\"fetched_at\":%s,\"expires_at\":%s}\n" \
	    $((now - 600000)) $((now + 1700)) >tokens/short.json &&
	chmod 600 tokens/short.json &&
	for i in 1 2 3 4; do
		integra-dispatch -j short.db -c short.yaml --pending -B 2 \
		    >short$i.out 2>short$i.err &
	done &&
	wait &&
	test "$(tokens /short/token)" = 1 &&
	test "$(sqlite3 short.db "SELECT status, count(*) FROM deliveries
	    GROUP BY status")" = "delivered|240" &&
	api /short/leads .headers.authorization | sort | uniq -c >short.use &&
	cat short.use &&
	test "$(wc -l <short.use)" = 2 &&
	grep -q " Bearer shortTok0zz$" short.use &&
	grep -q " Bearer shortTok1zz$" short.use &&
	for i in 1 2 3 4; do
		test -s short$i.out || return 1
	done
'

test_expect_success 'no token and no secret in the journal, logs or stdout' '
	for s in mcTok1zz coreTok1zz basicTok1zz cdaTok1zz rotTok1zz \
	    rotTok2zz denyTok shortTok retryTok1zz leakedBodyzz "$MC_SECRET" \
	    "$WP_SECRET" "core secret"; do
		if grep -l -F -a -e "$s" journal.db* short.db* rt.db* out* \
		    err* short*.out short*.err "$INTEGRA_LOG_COPY"; then
			echo "found $s" && return 1
		fi
	done
'

test_expect_code 78 'a missing client secret: dispatch exits 78' '
	MC_SECRET= integra-dispatch -j "$JOURNAL" -c cfg.yaml --pending \
	    2>err7; rc=$?
	grep -q "target .mc. oauth2 client_secret: environment variable" err7 &&
	exit $rc
'

# A config that will not do, one line of base.yaml replaced: refused with
# its file and line.
cat >base.yaml <<'EOF'
targets:
  wp:
    url: http://127.0.0.1:1/wp
    auth: {header: Authorization, secret_env: WP_SECRET}
  t:
    url: http://127.0.0.1:1/t
    token: {from: wp, path: /token, pick: .token}
routes:
  - {on: lead.created, to: t}
EOF
test_expect_success 'the base of the bad configs is good' '
	integra config check -c base.yaml
'
i=0
while IFS='|' read -r line text msg; do
	i=$((i + 1))
	awk -v n="$line" -v t="$text" 'NR == n { print t; next } { print }' \
	    base.yaml >bad$i.yaml
	test_expect_code 78 "refused: $msg" "
		integra config check -c bad$i.yaml 2>e$i; rc=\$?; cat e$i;
		grep -q 'bad$i.yaml:[0-9][0-9]*: .*$msg' e$i && exit \$rc
	"
done <<'EOF'
7|    token: {from: nowhere, path: /token, pick: .token}|target .t. takes its token from .nowhere., which is not defined
7|    token: {from: t, path: /token, pick: .token}|takes its token from .t., itself
4|    oauth2: {token_url: http://x/t, client_id: a, client_secret_env: WP_SECRET}|takes its token from .wp., whose own auth is a token source
7|    token: {from: wp, path: /token, pick: ".token + ("}|target .t.: token pick does not compile
7|    token: {from: wp, path: /token, pick: .token, expires_in: "(("}|target .t.: token expires_in does not compile
7|    token: {from: wp, path: /token, pick: .token, method: POST, body: "{"}|target .t.: token body does not compile
7|    token: {from: wp, path: /token, expires_in: .ttl}|token needs from, path and pick
7|    token: {from: wp, path: token, pick: .token}|path must start with /
7|    token: {from: wp, path: /token, pick: .token, body: "{}"}|a token.s body is for method POST
7|    token: {from: wp, path: /token, pick: .token, method: PUT}|method is GET or POST
7|    token: {from: wp, path: /token, pick: .token, margin: 2d}|margin must be from 0s to 24h
7|    token: {from: wp, path: /token, pick: .token, secret: x}|unknown key .secret. in token
6|    url: smtp://127.0.0.1:1|a token source is for an http(s) target
6|    url: http://127.0.0.1:1/t\n    auth: {header: X-Key, secret_env: WP_SECRET}|no secret_env, secret_file or username
7|    token: {from: wp, path: /token, pick: .token}\n    oauth2: {token_url: http://x/t}|give one of oauth2 and token
7|    oauth2: {token_url: http://x/t, client_id: a, client_secret: s}|a secret never sits in the config file: use client_secret_env
7|    oauth2: {token_url: http://x/t, client_id: a, client_secret_env: S, encoding: json, auth: basic}|auth basic is for the form encoding
7|    oauth2: {token_url: http://x/t, client_id: a, client_secret_env: S, encoding: xml}|encoding is form or json
7|    oauth2: {client_id: a, client_secret_env: S}|oauth2 needs token_url
7|    oauth2: {token_url: ftp://x/t, client_id: a, client_secret_env: S}|token_url must be an http:// or https:// URL
7|    oauth2: {token_url: http://x/t, client_id: a, client_id_env: A, client_secret_env: S}|exactly one of client_id, client_id_env and client_id_file
7|    oauth2: {token_url: http://x/t, client_id: a}|exactly one of client_secret_env and client_secret_file
7|    oauth2: {token_url: http://x/t, client_id: a, client_secret_env: S, params: {scope: x}}|the grant sets grant_type
7|    oauth2: {token_url: http://x/t, client_id: a, client_secret_env: NO_SUCH_SECRET}|target .t. oauth2 client_secret: environment variable .NO_SUCH_SECRET. is not set
EOF
test_expect_code 78 'refused: a sync from a target whose auth is a token' '
	{ cat base.yaml; printf "syncs:\n  s: {runner: crm, from: t, path: /x, transform: ., event: lead.created}\n"; } >sync.yaml &&
	integra config check -c sync.yaml 2>e; rc=$?; cat e
	grep -q "sync.yaml:[0-9]*: sync .s. reads from .t., whose auth is a token source" e &&
	exit $rc
'

test_done
