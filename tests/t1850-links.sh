#!/bin/sh
# Signed links: a step's var listed in "sign" gets &sig= (HMAC-SHA256 of
# its path and query with the links' secret); the receiver takes the link
# back as a GET of the source whose path it is, and refuses one it did not
# sign.  What a bad configuration is told.
. "$top_srcdir/tests/lib.sh"

start_sink sink
LINKS_SECRET=s3cr3t-links
export LINKS_SECRET
mkdir -p data/templates/t
cp -r "$top_srcdir/share/schemas" data/
printf 'Nota: {{link}}&rating=5\n' >data/templates/t/rate.txt
INTEGRA_DATADIR=$PWD/data
export INTEGRA_DATADIR
cat >cfg.yaml <<EOF
links:
  secret_env: LINKS_SECRET
sources:
  rating:
    path: /r
    type: feedback.received
    links:
      choices: [rating]
      numbers: [rating]
targets:
  mail:
    url: http://127.0.0.1:$SINK_PORT/mail
routes:
  - on: service.completed
    to: mail
    template: t/rate
    vars:
      link: '"http://x.example/r?service_id=\(.data.service_id | @uri)&note=a+b%2Fc"'
    sign: [link]
    body: '{text: \$template.text}'
EOF
sed '/^    sign:/d' cfg.yaml >unsigned.yaml
sed 's/^    sign: \[link\]/    sign: [nope]/' cfg.yaml >notavar.yaml
sed '/^links:/,/^  secret_env/d' cfg.yaml >nosecret.yaml

test_expect_success 'a signed var: the link with its signature' '
	ce service.completed s1 "{\"service_id\":\"S 1\",\"client_id\":\"C1\"}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c cfg.yaml >d &&
	jq -r .body.text d >text &&
	grep -q "^Nota: http://x.example/r?service_id=S%201&note=a+b%2Fc&sig=[A-Za-z0-9_-]\{43\}&rating=5$" text
'
test_expect_success 'the same link signed twice is the same' '
	ce service.completed s2 "{\"service_id\":\"S 1\",\"client_id\":\"C1\"}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c cfg.yaml | jq -r .body.text >text2 &&
	test_cmp text text2
'
start_receiver receiver.log
link=$(sed "s|^Nota: http://x.example||" text)
test_expect_success 'the receiver takes the link back as the source webhook' '
	test "$(curl -s -o body -w "%{http_code}" "$URL$link")" = 202 &&
	integra-normalize -j "$JOURNAL" --pending >out &&
	jq -e "select(.source == \"rating\") | .type == \"feedback.received\"
	    and .data == {service_id: \"S 1\", note: \"a b/c\", rating: 5}" out
'
kill $RECEIVER && wait $RECEIVER 2>/dev/null
LINKS_SECRET=other
start_receiver receiver2.log
LINKS_SECRET=s3cr3t-links
test_expect_success 'with another secret it is refused' '
	test "$(curl -s -o body -w "%{http_code}" "$URL$link")" = 401 &&
	jq -e ".error.code == \"unauthorized\"" body &&
	! grep -q "s3cr3t\|other" receiver2.log
'
test_expect_code 78 'a sign that names no var is refused' '
	integra config check -c notavar.yaml 2>err; rc=$?;
	grep -q "sign: .nope. is not one of the step.s vars" err; exit $rc
'
test_expect_code 78 'signing with no secret set is refused' '
	integra config check -c nosecret.yaml 2>err; rc=$?;
	grep -q "links: no secret_env or secret_file" err; exit $rc
'
test_expect_code 78 'a secret that is not set is named' '
	env -u LINKS_SECRET integra config check -c cfg.yaml 2>err; rc=$?;
	grep -q "LINKS_SECRET" err; exit $rc
'
test_expect_success 'unsigned, the var is sent as it is' '
	ce service.completed s3 "{\"service_id\":\"S3\",\"client_id\":\"C1\"}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" |
	    integra-map -j "$JOURNAL" -c unsigned.yaml | jq -r .body.text >t3 &&
	grep -q "^Nota: http://x.example/r?service_id=S3&note=a+b%2Fc&rating=5$" t3
'
test_done
