#!/bin/sh
# integra-keys: API keys are shown once and kept only as a hash.
. "$top_srcdir/tests/lib.sh"

test_expect_success 'add prints a new itg_ key, once' '
	integra-keys -j "$JOURNAL" add site -T acme -S events:write >key 2>err &&
	grep -qE "^itg_[A-Za-z0-9_-]{43}$" key && test $(wc -l <key) = 1 &&
	all_json err && grep -q "shown once" err
'
test_expect_success 'the journal keeps its hash, not the key' '
	sqlite3 journal.db .dump >dump &&
	! grep -q "$(cat key)" dump &&
	test "$(q "SELECT hex(key_hash) FROM api_keys WHERE name = \"site\"")" = \
	    "$(printf %s "$(cat key)" | openssl dgst -sha256 | sed "s/.*= //" |
	    tr a-f A-F)"
'
test_expect_success 'two keys are never the same' '
	integra-keys -j "$JOURNAL" add other >key2 2>/dev/null &&
	! test_cmp key key2 >/dev/null
'
test_expect_success 'list: name, tenant, scopes, the first characters' '
	integra-keys -j "$JOURNAL" list >list &&
	test $(wc -l <list) = 2 &&
	grep -q "^site  *acme  *events:write  *60/min  *$(cut -c1-12 key)\.\.\." list &&
	grep -q "^other  *default  *events:write events:read  *60/min" list &&
	! grep -q "$(cat key)" list
'
test_expect_success '-R sets the rate a minute; 0 is no limit' '
	integra-keys -j "$JOURNAL" add fast -R 0 >/dev/null 2>&1 &&
	integra-keys -j "$JOURNAL" list | grep -q "^fast .* 0/min" &&
	integra-keys -j "$JOURNAL" add bad -R -1; test $? -eq 64
'
test_expect_code 65 'a name taken: 65' '
	integra-keys -j "$JOURNAL" add site
'
test_expect_success 'revoke: listed as revoked; twice: 65' '
	integra-keys -j "$JOURNAL" revoke site &&
	integra-keys -j "$JOURNAL" list | grep "^site" | grep -q revoked &&
	integra-keys -j "$JOURNAL" revoke site; test $? -eq 65
'
test_expect_success 'unknown scopes, bad names, missing names: 64' '
	integra-keys -j "$JOURNAL" add x -S events:delete; test $? -eq 64 &&
	integra-keys -j "$JOURNAL" add "a b"; test $? -eq 64 &&
	integra-keys -j "$JOURNAL" add; test $? -eq 64 &&
	integra-keys -j "$JOURNAL" list extra; test $? -eq 64 &&
	integra-keys -j "$JOURNAL" revoke x -S admin; test $? -eq 64
'
test_expect_success 'integra keys runs integra-keys' '
	integra-keys -j "$JOURNAL" list >list1 &&
	integra keys -j "$JOURNAL" list >list2 && test_cmp list1 list2
'
test_done
