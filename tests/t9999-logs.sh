#!/bin/sh
# No personal data in any log line: every line the suite's programs logged
# (tests/lib.sh has them copied to one file, INTEGRA_LOG_COPY) is read for
# the names, phones, e-mail addresses and messages of the sample events
# and of the tests' own leads, as they came and as normalize writes them.
# Makefile.am runs this test after all the others.
. "$top_srcdir/tests/lib.sh"

LOGS=$top_builddir/tests/suite-logs.ndjson

# needles: each personal value, its lower case, and a phone in E.164.
jq -r '.. | objects | to_entries[] | select(.key | test("^(name|phone|email|cpf|sender_name|chat_name|senderName|chatName|client_name|message)$")) |
    .value | strings' "$top_srcdir"/share/samples/*.ndjson >values
cat >>values <<'EOF'
Marta Reis
(11) 98888-0001
Marta@Example.com
Preciso de cuidadora
Joao Lima
Ana Souza
Dona Rosa gostou
Maria Aparecida dos Santos
EOF
awk 'length($0) >= 5' values | sort -u >needles.raw
{
	cat needles.raw
	tr 'A-Z' 'a-z' <needles.raw
	# Phones as normalize writes them: +55 and the digits.
	sed -n '/^[0-9 +()-]*$/p' needles.raw | tr -cd '0-9\n' |
	    sed -e 's/^0055/55/' -e '/^55/!s/^/55/' -e 's/^/+/' |
	    awk 'length($0) >= 12'
} | sort -u >needles

test_expect_success 'the suite logged, from many programs' '
	test -s "$LOGS" &&
	test "$(jq -r .prog "$LOGS" | sort -u | wc -l)" -ge 10 &&
	echo "# $(wc -l <"$LOGS") log lines, $(wc -l <needles) values"
'
test_expect_success 'none of them holds a name, a phone, an e-mail or a message' '
	grep -F -f needles "$LOGS" >found;
	test ! -s found || { head -n 20 found; false; }
'
# Read: the next make check starts a new file.
rm -f "$LOGS"
test_done
