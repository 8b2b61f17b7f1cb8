#!/bin/sh
# Message templates: {{var}} from a step's vars and {{brand.key}} from the
# branding, HTML-escaped in HTML parts, a name without a value refused by
# config check, and at run time rather than sent blank.
. "$top_srcdir/tests/lib.sh"

start_sink sink -e
mkdir -p data/templates/t
cp -r "$top_srcdir/share/schemas" data/
printf 'Oi {{first_name}}, da {{brand.name}}.\n' >data/templates/t/hello.txt
printf '<p>Oi {{first_name}}</p>\n' >data/templates/t/hello.html
printf 'Para {{first_name}}\n' >data/templates/t/hello.subject
printf 'Recebido: {{msg}}\n' >data/templates/t/ack.txt
printf 'Oi {{nome}}\n' >data/templates/t/typo.txt
INTEGRA_DATADIR=$PWD/data
export INTEGRA_DATADIR
cat >cfg.yaml <<EOF
branding:
  name: Cuidar & Cia
targets:
  chat:
    url: http://127.0.0.1:$SINK_PORT/chat
routes:
  - name: hello
    on: lead.created
    to: chat
    path: /send
    template: t/hello
    vars:
      first_name: '.data.name | split(" ")[0]'
    body: '{to: .data.phone, message: \$template.text}'
    then:
      - path: /ack
        template: t/ack
        vars:
          msg: '\$response.body.id'
  - name: whole
    on: lead.created
    to: chat
    path: /whole
    template: t/hello
    vars:
      first_name: .data.nickname
EOF
# body PATH: the JSON bodies the sink got at PATH, one a line.
body() {
	jq -c --arg p "$1" "select(.path == \$p) | .body | fromjson" sink.log
}

test_expect_success 'a lead: its text, with the var and the brand' '
	printf "{\"name\":\"Ana <b> Souza\",\"phone\":\"11987650001\",\"nickname\":\"Aninha\"}\n" >a.ndjson &&
	deliveries "$JOURNAL" cfg.yaml a.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >out 2>err &&
	test "$(body /chat/send | jq -r .message)" = "Oi Ana, da Cuidar & Cia."
'
test_expect_success 'no body: the rendered parts, HTML escaped' '
	body /chat/whole >whole &&
	jq -e ". == {text: \"Oi Aninha, da Cuidar & Cia.\",
	    html: \"<p>Oi Aninha</p>\", subject: \"Para Aninha\"}" whole
'
test_expect_success 'HTML parts escape what the event brings' '
	printf "{\"name\":\"Bia\",\"phone\":\"11987650002\",\"nickname\":\"<script>x</script>\"}\n" >b.ndjson &&
	deliveries "$JOURNAL" cfg.yaml b.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1;
	body /chat/whole | tail -n 1 | jq -e ".html ==
	    \"<p>Oi &lt;script&gt;x&lt;/script&gt;</p>\" and
	    .text == \"Oi <script>x</script>, da Cuidar & Cia.\""
'
test_expect_success 'a later step: vars see $response' '
	first=$(q "SELECT id FROM deliveries WHERE route = \"hello\"
	    AND step = 0 ORDER BY created_at LIMIT 1") &&
	body /chat/ack | head -n 1 | jq -e --arg id "$first" \
	    ". == {text: (\"Recebido: \" + \$id)}"
'
test_expect_success 'a var without a value rejects the event, nothing blank' '
	printf "{\"name\":\"Caio\",\"phone\":\"11987650003\"}\n" >c.ndjson &&
	integra-ingest -j "$JOURNAL" -s site -t lead.created <c.ndjson 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c cfg.yaml >mapped 2>merr;
	test ! -s mapped &&
	grep -q "{{first_name}} has no value" merr &&
	test "$(q "SELECT count(*) FROM events WHERE status = \"rejected\"")" = 1
'
test_expect_success 'config check: a name not in vars, or not in branding' '
	sed "s|template: t/hello$|template: t/typo|" cfg.yaml >typo.yaml &&
	{ integra config check -c typo.yaml 2>e1; test $? -eq 78; } &&
	grep -q "typo.txt uses {{nome}}, which is not in the step.s vars" e1 &&
	sed "1,2d" cfg.yaml >nobrand.yaml &&
	{ integra config check -c nobrand.yaml 2>e2; test $? -eq 78; } &&
	grep -q "uses {{brand.name}}, which is not in branding" e2
'
test_expect_success 'config: a template there is not, or outside templates/' '
	sed "s|template: t/ack|template: t/none|" cfg.yaml >none.yaml &&
	{ integra config check -c none.yaml 2>e3; test $? -eq 78; } &&
	grep -q "template .t/none. has no part" e3 &&
	sed "s|template: t/ack|template: ../t/ack|" cfg.yaml >dots.yaml &&
	{ integra config check -c dots.yaml 2>e4; test $? -eq 78; } &&
	grep -q "template must be a name under templates/" e4 &&
	sed "s|first_name: .data.nickname|first-name: .data.nickname|" \
	    cfg.yaml >badvar.yaml &&
	{ integra config check -c badvar.yaml 2>e5; test $? -eq 78; } &&
	grep -q "is not a name" e5
'
test_expect_success 'the shipped templates render with the sample branding' '
	INTEGRA_DATADIR=$top_srcdir/share INTEGRA_CRM_TOKEN=x \
	    INTEGRA_ZAPI_CLIENT_TOKEN=y INTEGRA_ZAPI_TOKEN=z INTEGRA_LINK_SECRET=l INTEGRA_RETENTION_SALT=s \
	    INTEGRA_WORDPRESS_AUTH=w INTEGRA_WORDPRESS_WEBHOOK_SECRET=whsec_aA== \
	    INTEGRA_SALESFORCE_SECRET=f INTEGRA_RBM_CLIENT_TOKEN=r \
	    INTEGRA_CLINICS_TOKEN=c INTEGRA_INFOBIP_KEY=i INTEGRA_WHATSAPP_TOKEN=w \
	    INTEGRA_PIPEDRIVE_TOKEN=p integra config check \
	    -c "$top_srcdir/etc/integra.yaml" >ok &&
	grep -q "^.*integra.yaml: ok" ok
'
test_done
