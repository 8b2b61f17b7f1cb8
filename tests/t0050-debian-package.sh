#!/bin/sh
# The Debian package (debian/): built with dpkg-buildpackage from a copy of
# the tree, it holds the programs, the man pages, the systemd units, the
# cron file and the sample config.  Installed into this system, it makes
# the user integra, /var/lib/integra (0750) and the journal (0600) and
# enables no unit; its programs run the cron file's job and a short
# pipeline as integra (umask 077, as cron and the units run them), with a
# secret from a file of /etc/integra/secrets, and the journal stays 0600.
# Purged, it leaves nothing behind but the user, which the test removes if
# it made it.
# It needs root and debhelper; it leaves alone a system where integra is
# installed already or /var/lib/integra exists.
. "$top_srcdir/tests/lib.sh"
test_needs_sqlite 'the installed package'\''s journal, /var/lib/integra/journal.db'

skip() {
	echo "1..0 # SKIP $1"
	exit 0
}
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    skip "dpkg-buildpackage or debhelper is not installed"
[ "$(id -u)" -eq 0 ] || skip "the package is installed into the system: root only"
command -v runuser >/dev/null || skip "runuser is not installed"
# The package is built as Debian builds it, whatever this build is: once,
# in the plain build, is enough.
! sanitized || skip "a sanitizer build: the plain build's suite runs it"
case $(dpkg-query -W -f='${db:Status-Status}' integra 2>/dev/null) in
'' | not-installed) ;;
*) skip "an integra package is on this system already: left alone" ;;
esac
[ ! -e /var/lib/integra ] ||
    skip "/var/lib/integra exists and is not the package's: left alone"
user_was_there=
getent passwd integra >/dev/null && user_was_there=yes

PROGRAMS="integra integra-ingest integra-normalize integra-map \
integra-dispatch integra-keys integra-events integra-retry integra-dlq \
integra-targets integra-report integra-sync integra-sync-crm \
integra-sync-fin integra-flow integra-campaign integra-coverage \
integra-cadence integra-journal"
UNITS="integra-ingest.socket integra-ingest.service \
integra-ingest-inetd.socket integra-ingest-inetd@.service"

# The tree as git sees it (tracked files and new ones not ignored), or,
# outside a checkout, all of it; without the builds either way.
src=$TRASH/src/integra
mkdir -p "$src"
case $top_builddir in
"$top_srcdir"/?*) builddir=${top_builddir#"$top_srcdir"/} ;;
*) builddir=build ;;
esac
if git -c safe.directory="$top_srcdir" -C "$top_srcdir" rev-parse \
    --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top_srcdir" && git -c safe.directory="$top_srcdir" ls-files -z \
	    -co --exclude-standard) | grep -zv "^$builddir/" |
	    tar -C "$top_srcdir" -c --null -T - -f - | tar -C "$src" -xf -
else
	tar -C "$top_srcdir" -c --exclude=./.git --exclude="./$builddir" \
	    --exclude=./build --exclude=./build-asan \
	    --exclude=./autom4te.cache -f - . | tar -C "$src" -xf -
fi

test_expect_success 'dpkg-buildpackage -b builds the package from a copy of the tree' '
	cd "$src" &&
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	    DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	    dpkg-buildpackage -b -us -uc >"$TRASH/build.log" 2>&1 ||
	    { tail -n 30 "$TRASH/build.log"; false; } &&
	ls "$TRASH"/src/integra_*_*.deb | grep -v dbgsym >"$TRASH/deb" &&
	test "$(wc -l <"$TRASH/deb")" -eq 1
'
DEB=$(cat "$TRASH/deb" 2>/dev/null)
[ -n "$DEB" ] && dpkg-deb -c "$DEB" | awk '{ print $1, $2, $6 }' >contents

test_expect_success 'it holds the programs in /usr/bin' "
	for p in $PROGRAMS; do
		grep -qx -- '-rwxr-xr-x root/root ./usr/bin/'\$p contents ||
		    { echo \"no /usr/bin/\$p\"; exit 1; }
	done
"
test_expect_success 'it holds the man pages' "
	for p in $PROGRAMS; do
		grep -q ' ./usr/share/man/man1/'\$p'\\.1\\.gz\$' contents ||
		    { echo \"no \$p.1\"; exit 1; }
	done &&
	grep -q ' ./usr/share/man/man7/integra\\.7\\.gz\$' contents &&
	grep -q ' ./usr/share/man/man5/integra\\.yaml\\.5\\.gz\$' contents
"
test_expect_success 'it holds the systemd units, hardened, naming /usr/bin and /etc' "
	mkdir -p x && dpkg-deb -x \"\$(cat deb)\" x &&
	for u in $UNITS; do
		grep -q ' ./lib/systemd/system/'\$u'\$' contents ||
		    { echo \"no unit \$u\"; exit 1; }
	done &&
	! grep -l /usr/local x/lib/systemd/system/* &&
	for u in x/lib/systemd/system/*.service; do
		grep -qx 'ExecStart=/usr/bin/integra-ingest.*' \$u &&
		grep -qx 'Environment=INTEGRA_CONFIG=/etc/integra/integra.yaml' \$u &&
		grep -qx 'User=integra' \$u && grep -qx 'UMask=0077' \$u &&
		grep -qx 'NoNewPrivileges=yes' \$u &&
		grep -qx 'ProtectSystem=strict' \$u &&
		grep -qx 'ReadWritePaths=/var/lib/integra' \$u &&
		grep -qx 'CapabilityBoundingSet=' \$u &&
		grep -qx 'SystemCallFilter=@system-service' \$u ||
		    { echo \"\$u is not hardened\"; exit 1; }
	done
"
test_expect_success 'systemd-analyze security scores each service 1.2 at most' '
	command -v systemd-analyze >/dev/null || exit 0
	for u in x/lib/systemd/system/*.service; do
		systemd-analyze security --offline=yes "$PWD/$u" >sec 2>&1
		score=$(sed -n "s/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p" sec)
		echo "$u: $score"
		test -n "$score" &&
		    awk -v s="$score" "BEGIN { exit !(s <= 1.2) }" || exit 1
	done
'
test_expect_success 'it holds the cron file: every job as integra, umask 077' '
	grep -qx -- "-rw-r--r-- root/root ./etc/cron.d/integra" contents &&
	grep -v "^#" x/etc/cron.d/integra | grep " \* " >jobs &&
	test "$(wc -l <jobs)" -ge 5 &&
	! awk "\$6 != \"integra\" || \$7 != \"umask\" || \$8 != \"077;\"" jobs |
	    grep . &&
	grep -qx "PATH=/usr/bin:/bin" x/etc/cron.d/integra
'
test_expect_success 'it holds the sample config, 0640, as a conffile, its journal key a file' '
	grep -qx -- "-rw-r----- root/root ./etc/integra/integra.yaml" contents &&
	grep -q " ./etc/integra/integra.yaml.sample$" contents &&
	sed "s|{ key_env: INTEGRA_JOURNAL_KEY_K1 }|{ key_file: /etc/integra/secrets/journal-k1.key }|" \
	    "$top_srcdir/etc/integra.yaml" | cmp x/etc/integra/integra.yaml - &&
	dpkg-deb -I "$(cat deb)" conffiles >conffiles &&
	grep -qx /etc/integra/integra.yaml conffiles &&
	grep -qx /etc/cron.d/integra conffiles
'
test_expect_success 'it depends on its libraries, adduser and tzdata' '
	dpkg-deb -f "$(cat deb)" Depends >depends &&
	grep -q "libjq1" depends && grep -q "libsqlite3-0" depends &&
	grep -q "adduser" depends && grep -q "tzdata" depends
'

test_expect_success 'dpkg -i installs it' '
	dpkg -i "$(cat deb)" >install.log 2>&1 || { cat install.log; false; }
'
test_expect_success 'postinst made the system user integra, home /var/lib/integra' '
	getent passwd integra >pw &&
	uid=$(cut -d: -f3 pw) && test "$uid" -lt 1000 &&
	test "$(cut -d: -f6 pw)" = /var/lib/integra &&
	test "$(cut -d: -f7 pw)" = /usr/sbin/nologin &&
	getent group integra
'
test_expect_success '/var/lib/integra is integra:integra 0750' '
	test "$(stat -c "%a %U %G" /var/lib/integra)" = "750 integra integra"
'
test_expect_success 'the config is root:integra 0640, the secrets directory root:integra 0750' '
	test "$(stat -c "%a %U %G" /etc/integra/integra.yaml)" = "640 root integra" &&
	test "$(stat -c "%a %U %G" /etc/integra/secrets)" = "750 root integra" &&
	test "$(stat -c "%a %U" /etc/cron.d/integra)" = "644 root"
'
# journal_private: the journal, and its -wal and -shm where they are,
# are integra's, 0600.
journal_private() {
	test "$(stat -c "%a %U %G" /var/lib/integra/journal.db)" = \
	    "600 integra integra" || return 1
	for f in /var/lib/integra/journal.db-*; do
		test ! -e "$f" ||
		    test "$(stat -c "%a %U" "$f")" = "600 integra" || return 1
	done
}
test_expect_success 'postinst made the journal in /var/lib/integra, integra 0600' '
	journal_private
'
test_expect_success 'no unit is enabled' '
	! find /etc/systemd/system -name "integra*" | grep .
'

# The demo from the installed files: the sample config with its targets
# on a local sink, the CRM's token in a secret file, the other secrets in
# the environment (sample_secrets), the programs, schemas and samples the
# package installed, as integra in a clean environment.
start_sink sink
chmod 0711 "$TRASH"
install -d -o root -g integra -m 0750 demo
sed -e "s/127.0.0.1:8090/127.0.0.1:$SINK_PORT/" \
    -e "s|secret_env: INTEGRA_CRM_TOKEN|secret_file: /etc/integra/secrets/crm-token|" \
    /etc/integra/integra.yaml >demo/integra.yaml 2>/dev/null
chgrp integra demo/integra.yaml 2>/dev/null
chmod 0640 demo/integra.yaml
sample_secrets
# as_integra COMMAND: COMMAND run by sh as the user integra, as cron runs
# a job of /etc/cron.d/integra: a clean environment, the cron file's PATH,
# the demo's config in place of /etc/integra's, and the secrets.
as_integra() {
	runuser -u integra -- env -i SHELL=/bin/sh PATH=/usr/bin:/bin \
	    HOME=/var/lib/integra LOGNAME=integra \
	    INTEGRA_CONFIG="$TRASH/demo/integra.yaml" \
	    $(env | grep -E '^INTEGRA_[A-Z_]*(TOKEN|SECRET|SALT|AUTH|KEY)=' |
	    grep -v '^INTEGRA_CRM_TOKEN=') /bin/sh -c "$1"
}

test_expect_success 'a secret file of integra:integra 0600 in /etc/integra/secrets' '
	(umask 077 && printf crm-token >/etc/integra/secrets/crm-token) &&
	chown integra:integra /etc/integra/secrets/crm-token &&
	as_integra "integra config check" &&
	! runuser -u nobody -- cat /etc/integra/secrets/crm-token
'
test_expect_success 'the cron file'"'"'s every-minute job runs as written, as integra' '
	cmd=$(sed -n "s/^\* \* \* \* \* *integra *\(.*integra-retry.*\)/\1/p" \
	    /etc/cron.d/integra) &&
	test -n "$cmd" && echo "$cmd" &&
	as_integra "$cmd" 2>cron.log &&
	! grep -v "\"level\":\"info\"" cron.log
'
test_expect_success 'as integra, umask 077 (the units'"'"' UMask): the sample leads through the installed pipeline' '
	as_integra "umask 077; integra-map seed >&2 &&
	    integra-ingest -s site -t lead.created \
	    </usr/share/integra/samples/leads.ndjson |
	    integra-normalize | integra-map | integra-dispatch" \
	    >outcomes 2>log &&
	test "$(wc -l <outcomes)" -ge 5 &&
	jq -e -s "all(.status == \"delivered\")" outcomes >/dev/null &&
	jq -e -s "[.[] | select(.path == \"/crm/leads\")] | length == 5 and
	    all(.headers.authorization == \"Bearer crm-token\")" sink.log
'
# The journal's counts: the leads, and the deliveries not delivered.
leads_journaled() {
	sqlite3 -batch /var/lib/integra/journal.db \
	    "SELECT count(*) FROM events WHERE type = 'lead.created'"
}
undelivered() {
	sqlite3 -batch /var/lib/integra/journal.db \
	    "SELECT count(*) FROM deliveries WHERE status != 'delivered'"
}
test_expect_success 'the journal holds the leads, delivered, and is still 0600' '
	test "$(leads_journaled)" -eq 5 && test "$(undelivered)" -eq 0 &&
	journal_private
'
test_expect_success 'their personal data sealed with the key postinst made, integra'"'"'s alone' '
	test "$(stat -c "%U:%G %a" /etc/integra/secrets/journal-k1.key)" = \
	    "integra:integra 600" &&
	test "$(sqlite3 -batch /var/lib/integra/journal.db "SELECT DISTINCT
	    typeof(envelope) FROM raw_envelopes UNION SELECT DISTINCT
	    typeof(body) FROM deliveries")" = blob &&
	as_integra "integra journal sealed" >sealed &&
	grep -q "^raw_envelopes.envelope  *k1 " sealed &&
	! grep -q "(plain)" sealed
'

test_expect_success 'dpkg --purge removes it, the journal and the secrets' '
	{ dpkg --purge integra >purge.log 2>&1 || { cat purge.log; false; }; } &&
	test ! -e /var/lib/integra && test ! -e /etc/integra &&
	test ! -e /etc/cron.d/integra && test ! -e /usr/bin/integra-map &&
	! dpkg-statoverride --list /etc/integra/integra.yaml
'
test_expect_success 'the user integra is removed if the test made it' '
	test -n "$user_was_there" || {
		userdel integra 2>/dev/null
		! getent group integra >/dev/null || groupdel integra
		! getent passwd integra
	}
'

test_done
