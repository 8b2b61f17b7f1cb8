#!/bin/sh
# integra-targets: each target's state; an admin disables one by hand and
# enables it again (410 Gone disabling one is in t1700-retry).
. "$top_srcdir/tests/lib.sh"

start_sink sink
cat >cfg.yaml <<EOC
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  fin:
    url: http://127.0.0.1:$SINK_PORT/fin
  spare:
    url: http://127.0.0.1:$SINK_PORT/spare
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: fin
EOC
printf '{"name":"Later","phone":"11987659999"}\n' >lead.ndjson

test_expect_success 'list: every configured target, enabled' '
	deliveries "$JOURNAL" cfg.yaml lead.ndjson >d 2>/dev/null &&
	integra-targets -j "$JOURNAL" -c cfg.yaml list --json >t &&
	jq -e -s "map(.target) == [\"crm\", \"fin\", \"spare\"] and
	    all(.enabled and .configured) and
	    (map(.waiting) == [1, 1, 0])" t
'
test_expect_success 'disable by hand: listed with the reason' '
	integra-targets -j "$JOURNAL" -c cfg.yaml disable crm \
	    --reason "maintenance" 2>/dev/null &&
	integra-targets -j "$JOURNAL" -c cfg.yaml >t &&
	grep -q "^crm  *disabled  *1  *0  .*: maintenance$" t
'
test_expect_success '... its deliveries wait; the others go' '
	integra-retry -j "$JOURNAL" -c cfg.yaml >o 2>/dev/null;
	jq -e -s "length == 1 and .[0].target == \"fin\"" o
'
test_expect_success 'enabled again: they go on the next round' '
	integra-targets -j "$JOURNAL" -c cfg.yaml enable crm 2>/dev/null &&
	integra-retry -j "$JOURNAL" -c cfg.yaml >o 2>/dev/null &&
	jq -e -s "length == 1 and .[0].target == \"crm\" and
	    .[0].status == \"delivered\"" o
'
test_expect_success 'enable of one not disabled: a warning, exit 0' '
	integra-targets -j "$JOURNAL" -c cfg.yaml enable fin 2>err &&
	grep -q "was neither disabled nor open" err
'
test_expect_code 64 'a name without a command, or enable without one' '
	integra-targets -j "$JOURNAL" -c cfg.yaml enable
'
test_expect_code 64 '--reason goes with disable only' '
	integra-targets -j "$JOURNAL" -c cfg.yaml enable crm --reason x
'
test_done
