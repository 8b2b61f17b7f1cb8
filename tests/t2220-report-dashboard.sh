#!/bin/sh
# integra-report dashboard: one self-contained page, rendered by headless
# Chromium; the figures on it are those of integra-report stats -w 24h;
# a screenshot is made of it; the receiver serves it at GET /dashboard.
. "$top_srcdir/tests/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || :)
[ -n "$CHROMIUM" ] || {
	echo "1..0 # SKIP chromium is not installed (./quickstart installs it)"
	exit 0
}
# chrome ARGS...: headless, as root may run it, its noise to a file.
chrome() {
	HOME=$TRASH timeout 120 "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --no-first-run --hide-scrollbars "$@" 2>>chrome.err
}

start_sink sink -R /broken=503 -R /gone=400
cat >cfg.yaml <<EOF
defaults:
  retry:
    delays: [1d]
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  broken:
    url: http://127.0.0.1:$SINK_PORT/broken
  gone:
    url: http://127.0.0.1:$SINK_PORT/gone
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: broken
  - on: client.registered
    to: gone
EOF
lead_deliveries 30
ce client.registered c1 '{"client_id":"C1","name":"Ana","email":"a@x.com"}' |
    deliver_events
integra-report -j "$JOURNAL" -c cfg.yaml alerts >/dev/null 2>&1

# tile ID: the data-value of the tile ID in the DOM Chromium made.
tile() {
	sed -n "s/.*id=\"$1\" data-value=\"\([^\"]*\)\".*/\1/p" dom
}

test_expect_success 'the page is written, whole, to the file asked' '
	integra-report -j "$JOURNAL" -c cfg.yaml dashboard -o dash.html &&
	test "$(ls dash.html*)" = dash.html &&
	grep -q "^<!DOCTYPE html>" dash.html && grep -q "</html>$" dash.html
'
test_expect_success '... and needs nothing from elsewhere: no script, font, picture' '
	! grep -Eiq "<script|src=|href=|url\(|@import|@font-face" dash.html
'
test_expect_success 'headless Chromium renders it' '
	chrome --dump-dom "file://$TRASH/dash.html" >dom &&
	grep -q "<svg" dom && grep -q "id=\"kpi-received\"" dom &&
	test "$(grep -c "<rect class=\"a\"" dom)" = $((4 * 25))
'
test_expect_success '... with the figures of report stats -w 24h' '
	integra-report -j "$JOURNAL" stats -w 24h --json >stats &&
	test "$(tile kpi-received)" = "$(jq .events.received stats)" &&
	test "$(tile kpi-delivered)" = \
	    "$(jq ".deliveries.by_status.delivered // 0" stats)" &&
	test "$(tile kpi-dead)" = "$(jq ".deliveries.by_status.dead // 0" stats)" &&
	test "$(tile kpi-retry)" = "$(jq .waiting.to_retry stats)" &&
	test "$(tile kpi-dlq)" = "$(jq .waiting.dead_letters stats)" &&
	test "$(tile kpi-success)" = \
	    "$(jq -r ".deliveries.success_rate * 1000 | round / 10 |
	    tostring + \"%\"" stats)" &&
	test "$(tile kpi-p95)" = "$(jq -r ".latency_ms.p95 | tostring + \" ms\"" stats)" &&
	test "$(tile kpi-received)" = 34 && test "$(tile kpi-dead)" = 1
'
test_expect_success '... its health and the alerts firing' '
	test "$(tile health)" = WARNING &&
	test "$(tile kpi-alerts)" = 3 &&
	grep -q "<td>dlq_growing</td>" dom && grep -q "<td>error_rate</td>" dom &&
	grep -q "<td>circuit_open:broken</td>" dom
'
test_expect_success 'a screenshot of it' '
	chrome --window-size=1100,1400 --screenshot="$TRASH/dash.png" \
	    "file://$TRASH/dash.html" >/dev/null &&
	test "$(head -c 8 dash.png | od -An -tx1 | tr -d " ")" = \
	    89504e470d0a1a0a &&
	test "$(wc -c <dash.png)" -gt 20000
'
test_expect_success SQLITE 'a name with markup is written as text' '
	sqlite3 journal.db ".backup odd.db" &&
	sqlite3 odd.db "UPDATE counts SET a = \"gone<b>\" WHERE a = \"gone\"" &&
	integra-report -j odd.db -c cfg.yaml dashboard >odd.html &&
	grep -q "gone&lt;b&gt;" odd.html && ! grep -q "gone<b>" odd.html
'
KEY=$(integra-keys -j "$JOURNAL" add reader -S events:read 2>/dev/null)
start_receiver receiver.log
test_expect_success 'GET /dashboard: the same page, for a key that reads events' '
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/dashboard")" = 401 &&
	curl -s -D headers -H "X-API-Key: $KEY" "$URL/dashboard" >got &&
	grep -qi "^content-type: text/html" headers &&
	grep -qi "^content-security-policy: default-src .none." headers &&
	integra-report -j "$JOURNAL" -c cfg.yaml dashboard >want &&
	grep -v "generated\|kpi-oldest" got >g &&
	grep -v "generated\|kpi-oldest" want >w && test_cmp w g
'
test_done
