#!/bin/sh
# Every program: -h prints usage on stdout and exits 0, misuse exits 64
# with usage on stderr, and its man page exists, passes mandoc's lint, and
# shows in SYNOPSIS the options the usage shows.
. "$top_srcdir/tests/lib.sh"

# The flags a text mentions: -x and --long, one a line, sorted.
flags() {
	grep -oE '(^|[[ |])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[[ |]//' |
	    sort -u
}

for p in integra integra-ingest integra-normalize integra-map \
    integra-dispatch integra-keys integra-events integra-retry integra-dlq \
    integra-targets integra-report integra-sync integra-sync-crm \
    integra-sync-fin integra-flow integra-campaign integra-coverage \
    integra-cadence; do
	test_expect_success "$p -h prints usage and exits 0" "
		$p -h >out 2>err &&
		grep -q '^usage: $p' out && test ! -s err
	"
	test_expect_success "$p --help is -h" "
		$p --help >out2 && test_cmp out out2
	"
	test_expect_code 64 "$p with a bad option exits 64" "
		$p --no-such-option >out 2>err; rc=\$?;
		grep -q '^usage: $p' err && test ! -s out && exit \$rc
	"
	test_expect_success "$p has a man page that mandoc finds clean" "
		test -f '$top_srcdir/man/$p.1' &&
		mandoc -Tlint -Wwarning '$top_srcdir/man/$p.1' >lint;
		test ! -s lint || { cat lint; false; }
	"
	test_expect_success "$p's man page SYNOPSIS shows the usage's options" "
		$p -h | sed '/^\$/q' | flags >usage.flags &&
		mandoc -Tascii '$top_srcdir/man/$p.1' | col -b |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | flags >man.flags &&
		test_cmp usage.flags man.flags
	"
done

test_expect_code 64 "a program given stray arguments exits 64" '
	integra-map stray
'
test_expect_code 64 "ingest -s without -t exits 64" '
	integra-ingest -s site </dev/null
'
test_expect_code 64 "a bad -B exits 64" '
	integra-normalize -B 0 </dev/null
'

for page in integra.7 integra.yaml.5; do
	test_expect_success "$page passes mandoc's lint" "
		mandoc -Tlint -Wwarning '$top_srcdir/man/$page' >lint;
		test ! -s lint || { cat lint; false; }
	"
done

test_done
