#!/bin/sh
# Versioned mappings: integra-map list|show|versions|add|rollback|seed|test,
# and the map stage building a route's body with the version in force,
# recorded on each delivery, a change taking effect with no restart.
. "$top_srcdir/tests/lib.sh"

start_sink sink
cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  erp:
    url: http://127.0.0.1:$SINK_PORT/erp
routes:
  - on: lead.created
    to: crm
    path: /leads
  - on: lead.created
    to: erp
    body: '{own: true}'
EOF
echo '{name: .data.name}' >v1.jq
printf '# with the phone\n{name: .data.name, phone: .data.phone}\n' >v2.jq
M="integra-map -c cfg.yaml -j "$JOURNAL""
# lead N: a site lead named Lead N, through ingest and normalize.
lead() {
	printf '{"name":"Lead %s","phone":"1198765%04d"}\n' "$1" "$1" |
	    integra-ingest -j "$JOURNAL" -s site -t lead.created 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null
}

test_expect_success 'add: versions 1 and 2, the last in force' '
	$M add lead.created crm v1.jq >out1 &&
	echo "lead.created/crm: version 1" >expect && test_cmp expect out1 &&
	$M add lead.created crm - <v2.jq >out2 &&
	echo "lead.created/crm: version 2" >expect && test_cmp expect out2
'
test_expect_success 'list, versions and show, as text and JSON' '
	$M list >list && grep -q "^lead.created  *crm  *2  *2 " list &&
	$M list --json | jq -e "length == 1 and .[0].version == 2" >/dev/null &&
	$M versions lead.created crm --json >versions &&
	jq -e "map(.version) == [1, 2] and map(.current) == [false, true] and
	    .[0].origin == \"v1.jq\" and .[1].origin == null" versions &&
	$M versions lead.created crm | grep -q "^ *2 \*" &&
	$M show lead.created crm >shown && test_cmp v2.jq shown &&
	$M show lead.created crm --version 1 >shown1 && test_cmp v1.jq shown1
'
test_expect_code 65 'a program that does not compile is refused' '
	echo "{name: .data.name" | $M add lead.created crm - 2>err
'
test_expect_success '... with jq message, and no version added' '
	grep -q "does not compile: jq: error: syntax error" err &&
	test "$($M list --json | jq ".[0].latest")" = 2
'
test_expect_code 65 'a name that is not one is refused' '
	$M add "lead created" crm v1.jq 2>err
'
test_expect_code 65 'show of a pair or version there is not: 65' '
	$M show lead.created crm --version 9 2>err
'
test_expect_code 64 'options that do not go with the command: usage' '
	$M list --version 2 2>/dev/null
'
test_expect_success 'map builds a route without a body with the version in force' '
	lead 1 | $M >records1 2>err &&
	jq -e -s "map(select(.target == \"crm\")) | .[0] |
	    .mapping_version == 2 and .body == {name: \"Lead 1\",
	    phone: \"+5511987650001\"}" records1 &&
	jq -e -s "map(select(.target == \"erp\")) | .[0] |
	    (has(\"mapping_version\") | not) and .body == {own: true}" records1 &&
	test "$(q "SELECT mapping_version FROM deliveries WHERE target = \"crm\"")" = 2 &&
	ev=$(jq -r -s ".[0].event" records1) &&
	integra events show -j "$JOURNAL" "$ev" |
	    jq -e ".deliveries | map(.mapping_version) | sort == [null, 2]"
'
test_expect_success 'a rollback takes effect in a running map, no restart' '
	mkfifo leads.fifo &&
	{ $M <leads.fifo >records2 2>err2 & } &&
	exec 3>leads.fifo &&
	lead 2 >&3 &&
	i=0 && while [ "$(wc -l <records2)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1)); done &&
	$M rollback lead.created crm 1 >rb && grep -q "version 1 in force" rb &&
	sleep 0.3 && lead 3 >&3 && exec 3>&- && wait &&
	jq -e -s "map(select(.target == \"crm\") | .mapping_version) == [2, 1]" \
	    records2 &&
	jq -e -s "map(select(.target == \"crm\"))[1].body == {name: \"Lead 3\"}" \
	    records2
'
test_expect_code 65 'rollback to a version there is not: 65' '
	$M rollback lead.created crm 7 2>err
'
test_expect_success 'test: the request it would make, nothing journaled' '
	n=$(q "SELECT count(*) FROM deliveries") &&
	ce lead.created 01a20a00-0000-7000-8000-000000000001 \
	    "{\"name\":\"Teste\",\"phone\":\"+5511999990000\"}" |
	    $M test lead.created crm >req &&
	jq -e ".route == \"lead.created:crm\" and .method == \"POST\" and
	    (.url | endswith(\"/crm/leads\")) and .body == {name: \"Teste\"} and
	    .mapping_version == 1 and .headers[\"Content-Type\"] ==
	    \"application/json\"" req &&
	test "$(q "SELECT count(*) FROM deliveries")" = "$n" &&
	test ! -s sink.log
'
test_expect_code 65 'test: an event of another type is refused' '
	ce lead.updated 01a20a00-0000-7000-8000-000000000002 "{}" |
	    $M test lead.created crm 2>err
'
test_expect_success 'seed: version 1 of each shipped file a pair lacks' '
	mkdir -p data/mappings/lead.created data/mappings/client.registered &&
	echo "{seeded: true}" >data/mappings/lead.created/crm.jq &&
	echo "{id: .data.client_id}" >data/mappings/client.registered/crm.jq &&
	INTEGRA_DATADIR=$PWD/data $M seed >seed1 &&
	grep -q "^1 mapping seeded" seed1 &&
	test "$($M show client.registered crm)" = "{id: .data.client_id}" &&
	test "$($M list --json | jq ".[] | select(.type == \"lead.created\") |
	    .latest")" = 2 &&
	INTEGRA_DATADIR=$PWD/data $M seed >seed2 && grep -q "^0 mappings" seed2
'
test_expect_success 'seed: a file that does not compile seeds nothing' '
	mkdir -p data/mappings/payment.received &&
	echo "{x:" >data/mappings/payment.received/crm.jq &&
	echo "{y: 1}" >data/mappings/payment.received/erp.jq &&
	{ INTEGRA_DATADIR=$PWD/data $M seed 2>err; test $? -eq 65; } &&
	grep -q "payment.received/crm.jq does not compile" err &&
	test "$($M list --json | jq "map(select(.type == \"payment.received\")) |
	    length")" = 0
'
test_expect_success 'the shipped seeds compile and go in' '
	integra-map -j fresh.db seed >seed3 &&
	grep -q "^5 mappings seeded" seed3
'
test_done
