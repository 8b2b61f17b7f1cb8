#!/bin/sh
# Z-API: a target with zapi sends to url/instances/INSTANCE/token/TOKEN/
# path with the Client-Token header, the phone as digits; the token, a
# secret, is in no delivery of the journal and in no log line.
. "$top_srcdir/tests/lib.sh"

start_sink sink
ZAPI_TOKEN=tok-3f9a27c1
ZAPI_CLIENT_TOKEN=client-77b2
export ZAPI_TOKEN ZAPI_CLIENT_TOKEN
cat >cfg.yaml <<EOF
branding:
  name: Cuidar Bem
targets:
  whatsapp:
    url: http://127.0.0.1:$SINK_PORT/
    zapi:
      instance: 3C1A-inst
      token_env: ZAPI_TOKEN
    auth:
      header: Client-Token
      secret_env: ZAPI_CLIENT_TOKEN
routes:
  - on: lead.created
    to: whatsapp
    path: /send-text
    template: whatsapp/lead-welcome
    vars:
      first_name: '.data.name | split(" ")[0]'
    body: '{phone: .data.phone, message: \$template.text}'
EOF
# Z-API's other messages are other paths: an image, a document, a link.
sed '/^routes:/q' cfg.yaml >media.yaml
cat >>media.yaml <<'EOF'
  - name: image
    on: service.completed
    to: whatsapp
    path: /send-image
    body: '{phone: .data.client_phone, image: "https://x.example/a.png", caption: "Recibo"}'
  - name: document
    on: service.completed
    to: whatsapp
    path: /send-document/pdf
    body: '{phone: .data.client_phone, document: "https://x.example/r.pdf", fileName: "recibo"}'
  - name: link
    on: service.completed
    to: whatsapp
    path: /send-link
    body: '{phone: .data.client_phone, message: "Veja", image: "https://x.example/a.png", linkUrl: "https://x.example", title: "Cuidar Bem", linkDescription: "Agenda"}'
EOF
# The same route with a phone too short to be one.
sed '/^    body:/,$d' cfg.yaml >bad.yaml
cat >>bad.yaml <<'EOF'
    body: '{phone: "12-3", message: "x"}'
EOF

test_expect_success 'a welcome goes to the instance, with its token' '
	printf "{\"name\":\"Ana Souza\",\"phone\":\"(11) 98765-0001\"}\n" >a.ndjson &&
	deliveries "$JOURNAL" cfg.yaml a.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err &&
	jq -e ".status == \"delivered\"" out &&
	jq -e "select(.path == \"/instances/3C1A-inst/token/tok-3f9a27c1/send-text\")
	    | .headers[\"client-token\"] == \"client-77b2\"" sink.log
'
test_expect_success 'the phone is digits only' '
	jq -e ".body | fromjson | .phone == \"5511987650001\" and
	    (.message | startswith(\"Olá, Ana! Aqui é a Cuidar Bem.\"))" sink.log
'
test_expect_success 'the token is in no delivery, no log line, no record' '
	test "$(q "SELECT url FROM deliveries")" = \
	    "http://127.0.0.1:$SINK_PORT/send-text" &&
	! sqlite3 journal.db .dump | grep -q "tok-3f9a27c1" &&
	! grep -q "tok-3f9a27c1\|client-77b2" err out
'
test_expect_code 69 'a phone that is not one dies as invalid' '
	printf "{\"name\":\"Bia\",\"phone\":\"11987650002\"}\n" >b.ndjson &&
	deliveries "$JOURNAL" bad.yaml b.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c bad.yaml >out2 2>err2
'
test_expect_success '... with the reason' '
	jq -e ".error_class == \"invalid\" and (.error | test(\"8 to 15 digits\"))" out2
'
test_expect_success 'an image, a document and a link go to their paths' '
	ce service.completed s1 "{\"service_id\":\"S1\",\"client_id\":\"C1\",\"client_phone\":\"(11) 98765-0003\"}" |
	    integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c media.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c media.yaml >out3 2>/dev/null &&
	test $(jq -s "map(select(.status == \"delivered\")) | length" out3) = 3 &&
	for p in send-image send-document/pdf send-link; do
		jq -s -e "map(select(.path ==
		    \"/instances/3C1A-inst/token/tok-3f9a27c1/$p\")) |
		    length == 1 and (.[0].body | fromjson | .phone) ==
		    \"5511987650003\"" sink.log || exit 1
	done
'
test_expect_code 78 'no token: dispatch refuses to start' '
	env -u ZAPI_TOKEN integra-dispatch -j "$JOURNAL" -c cfg.yaml \
	    </dev/null >/dev/null 2>err3
'
test_expect_success 'config: a token in the file, or zapi without one' '
	grep -q "zapi token" err3 &&
	printf "targets:\n  w:\n    url: http://x\n    zapi: {instance: i, token: t}\n" >t1.yaml &&
	{ integra config check -c t1.yaml 2>e1; test $? -eq 78; } &&
	grep -q "use token_env or token_file" e1 &&
	printf "targets:\n  w:\n    url: http://x\n    zapi: {instance: i}\n" >t2.yaml &&
	{ integra config check -c t2.yaml 2>e2; test $? -eq 78; } &&
	grep -q "zapi needs instance and exactly one of token_env" e2 &&
	env -u ZAPI_TOKEN integra config check -c cfg.yaml 2>e3;
	grep -q "zapi token" e3
'
test_expect_success 'status: the instance connected, exit 0' '
	start_sink st -b "{\"connected\":true,\"smartphoneConnected\":true}" &&
	sed "s|127.0.0.1:[0-9]*/|127.0.0.1:$SINK_PORT/z|" cfg.yaml >s1.yaml &&
	integra-targets -c s1.yaml status whatsapp >st1 2>ste1 &&
	jq -e ".connected == true" st1 &&
	jq -e -s "map(.path) == [\"/z/instances/3C1A-inst/token/tok-3f9a27c1/status\"]
	    and .[0].method == \"GET\" and
	    .[0].headers[\"client-token\"] == \"client-77b2\"" st.log
'
test_expect_code 1 'status: not connected, exit 1' '
	start_sink off -b "{\"connected\":false,\"error\":\"You are not connected.\"}" &&
	sed "s|127.0.0.1:[0-9]*/|127.0.0.1:$SINK_PORT/|" cfg.yaml >s2.yaml &&
	integra-targets -c s2.yaml status whatsapp >st2 2>ste2
'
test_expect_code 69 'status: no answer, exit 69, no token in the message' '
	sed "s|127.0.0.1:[0-9]*/|127.0.0.1:1/|" cfg.yaml >s3.yaml &&
	integra-targets -c s3.yaml status whatsapp >st3 2>ste3
'
test_expect_success '... and not a Z-API target: 65' '
	! grep -q "tok-3f9a27c1\|client-77b2" ste1 ste2 ste3 &&
	{ integra-targets -c cfg.yaml status nowhere 2>ste4; test $? -eq 65; }
'
test_done
