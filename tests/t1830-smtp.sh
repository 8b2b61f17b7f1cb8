#!/bin/sh
# E-mail over SMTP: a route to an smtp:// target sends its body as a MIME
# message (multipart/alternative from a template's text and HTML) with
# AUTH, to a real SMTP server on loopback (tests/smtpd.py, aiosmtpd);
# a 550 or a body that is no e-mail dies, a 451 is tried again.
. "$top_srcdir/tests/lib.sh"

start_smtpd -u robo -p s3cr3t -r bad@ -t later@
SMTP_PASSWORD=s3cr3t
export SMTP_PASSWORD
cat >cfg.yaml <<EOF
branding:
  name: Cuidar Bem
  primary_color: "#0b6e4f"
  logo_url: https://cuidarbem.example.com/logo.png
  site_url: https://cuidarbem.example.com
  sender: Cuidar Bem <contato@cuidarbem.example.com>
  signature: Equipe Cuidar Bem
  reply_to: atendimento@cuidarbem.example.com
targets:
  email:
    url: smtp://127.0.0.1:$SMTP_PORT
    starttls: false
    auth:
      username: robo
      secret_env: SMTP_PASSWORD
    retry:
      delays: [1h]
routes:
  - name: welcome-email
    on: client.registered
    to: email
    template: email/client-welcome
    vars:
      first_name: '.data.name | split(" ")[0]'
    body: '{to: .data.email, subject: \$template.subject,
            text: \$template.text, html: \$template.html}'
EOF
# A route whose body is no e-mail: its address is two words.
sed '/^    body:/,$d' cfg.yaml >bad.yaml
cat >>bad.yaml <<'EOF'
    body: '{to: "x y", subject: "s", text: "t"}'
EOF
# client ID NAME EMAIL: a client.registered event.
client() {
	ce client.registered "$1" \
	    "{\"client_id\":\"C-$1\",\"name\":\"$2\",\"email\":\"$3\"}"
}
# run ID NAME EMAIL: the event through the pipeline; dispatch's record in out.
run() {
	client "$1" "$2" "$3" | integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c "${CFG:-cfg.yaml}" 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c "${CFG:-cfg.yaml}" >out 2>err
}
test_expect_success 'a welcome e-mail goes out, with AUTH' '
	run c1 "José da Silva" "jose@example.com" &&
	jq -e ".status == \"delivered\" and .http_status == 250" out &&
	jq -e "select(.file == \"1.eml\") | .mail_from ==
	    \"contato@cuidarbem.example.com\" and .rcpt_tos ==
	    [\"jose@example.com\"] and .login == \"robo\"" mails/log.ndjson
'
test_expect_success 'its headers: From, To, Reply-To, Subject in UTF-8, Message-ID' '
	test "$(eml 1 From)" = "Cuidar Bem <contato@cuidarbem.example.com>" &&
	test "$(eml 1 Reply-To)" = "atendimento@cuidarbem.example.com" &&
	test "$(eml 1 To)" = "jose@example.com" &&
	test "$(eml 1 Subject)" = "Bem-vindo(a) à Cuidar Bem" &&
	id=$(jq -r .delivery out) &&
	test "$(eml 1 Message-ID)" = "<$id@cuidarbem.example.com>" &&
	test -n "$(eml 1 Date)"
'
test_expect_success 'multipart/alternative: the text, then the HTML' '
	test "$(eml 1 types)" = \
	    "multipart/alternative text/plain text/html" &&
	eml 1 text | grep -q "^Olá, José!" &&
	eml 1 text | grep -q "^Equipe Cuidar Bem" &&
	eml 1 html | grep -q "<p style=\"margin:0 0 16px\">Olá, José!</p>" &&
	eml 1 html | grep -q "background:#0b6e4f"
'
test_expect_success 'a value is escaped in the HTML, kept in the text' '
	run c2 "Ana <i>Souza</i>" "ana@example.com" &&
	eml 2 html | grep -q "Olá, Ana!" &&
	eml 2 text | grep -q "Olá, Ana!" &&
	run c3 "<b>Bia</b> Lima" "bia@example.com" &&
	eml 3 html | grep -q "Olá, &lt;b&gt;Bia&lt;/b&gt;!" &&
	eml 3 text | grep -q "Olá, <b>Bia</b>!"
'
test_expect_code 69 'a 550 for the recipient: dead, for good' '
	run c4 "Caio" "bad@example.com"
'
test_expect_success '... as smtp_5xx, with the reply code' '
	jq -e ".status == \"dead\" and .error_class == \"smtp_5xx\" and
	    .http_status == 550" out
'
test_expect_code 75 'a 451: failed, to be tried again' '
	run c5 "Duda" "later@example.com"
'
test_expect_success '... as smtp_4xx' '
	jq -e ".status == \"failed\" and .error_class == \"smtp_4xx\" and
	    .http_status == 451" out
'
test_expect_code 69 'a body that is no e-mail dies untried, as invalid' '
	client c6 "Eva" "eva@example.com" |
	    integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c bad.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c bad.yaml >out 2>err
'
test_expect_success '... with the reason, and nothing reached the server' '
	jq -e ".error_class == \"invalid\" and (.error |
	    test(\"not one address\"))" out &&
	test "$(ls mails/*.eml | wc -l)" = 3
'
test_expect_code 69 'a wrong password: dead, as smtp_auth' '
	SMTP_PASSWORD=wrong run c7 "Fabi" "fabi@example.com"
'
test_expect_success '... and the password is in no log' '
	jq -e ".error_class == \"smtp_auth\"" out &&
	! grep -q "s3cr3t\|wrong" err
'
# TLS: a certificate for 127.0.0.1 (its own CA), and two more servers,
# one that wants STARTTLS and one that speaks TLS from the start.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    2>/dev/null
# tls_server NAME OPTION: smtpd.py with --starttls or --smtps, mails in NAME/.
tls_server() {
	"$PY" "$top_srcdir/tests/smtpd.py" -P "$1.port" -d "$1" \
	    "$2" cert.pem key.pem 2>"$1.err" &
	started $!
	i=0
	while [ ! -s "$1.port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
tls_server starttls --starttls
tls_server smtps --smtps
# tls_config FILE URL [CA]: cfg.yaml with the e-mail target at URL, STARTTLS
# on, trusting CA.
tls_config() {
	sed -e "s|^    url: smtp://127.0.0.1:$SMTP_PORT|    url: $2|" \
	    -e "/^    starttls: false/d" -e "/^    auth:/,/^      secret_env/d" \
	    cfg.yaml >"$1"
	[ -z "${3:-}" ] || sed -i "s|^    retry:|    ca_file: $3\n    retry:|" "$1"
}
tls_config starttls.yaml "smtp://127.0.0.1:$(cat starttls.port)" "$PWD/cert.pem"
tls_config smtps.yaml "smtps://127.0.0.1:$(cat smtps.port)" "$PWD/cert.pem"
tls_config noca.yaml "smtp://127.0.0.1:$(cat starttls.port)"
tls_config notls.yaml "smtp://127.0.0.1:$SMTP_PORT" "$PWD/cert.pem"
test_expect_success 'STARTTLS: the message goes over TLS, the CA from ca_file' '
	CFG=starttls.yaml run t1 "Gil" "gil@example.com" &&
	jq -e ".status == \"delivered\"" out &&
	test $(wc -l <starttls/log.ndjson) = 1 &&
	jq -e ".rcpt_tos == [\"gil@example.com\"]" starttls/log.ndjson
'
test_expect_success 'SMTPS: TLS from the start' '
	CFG=smtps.yaml run t2 "Hana" "hana@example.com" &&
	jq -e ".status == \"delivered\"" out &&
	test $(wc -l <smtps/log.ndjson) = 1
'
test_expect_code 75 'a certificate no CA vouches for: failed, as tls' '
	CFG=noca.yaml run t3 "Ivo" "ivo@example.com"
'
test_expect_success '... and nothing was sent in the clear' '
	jq -e ".error_class == \"tls\"" out &&
	test $(wc -l <starttls/log.ndjson) = 1
'
test_expect_code 75 'a server without STARTTLS, when it is wanted: failed, as tls' '
	CFG=notls.yaml run t4 "Juca" "juca@example.com"
'
test_expect_success '... and nothing was sent in the clear' '
	jq -e ".error_class == \"tls\"" out &&
	! grep -q juca mails/log.ndjson
'
test_expect_success 'config: from, starttls and username only for SMTP' '
	printf "targets:\n  e:\n    url: smtp://127.0.0.1:1\n" >nofrom.yaml &&
	{ integra config check -c nofrom.yaml 2>e1; test $? -eq 78; } &&
	grep -q "needs from, an e-mail address, or a branding sender" e1 &&
	printf "targets:\n  h:\n    url: http://x\n    starttls: true\n" >st.yaml &&
	{ integra config check -c st.yaml 2>e2; test $? -eq 78; } &&
	grep -q "starttls is for an smtp:// url" e2 &&
	printf "targets:\n  e:\n    url: smtp://x\n    from: a@b.c\n    auth:\n      header: X\n      secret_env: P\n" >au.yaml &&
	{ integra config check -c au.yaml 2>e3; test $? -eq 78; } &&
	grep -q "auth is a username and a secret, no header" e3
'
test_done
