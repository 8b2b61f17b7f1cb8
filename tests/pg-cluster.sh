#!/bin/sh
# tests/pg-cluster.sh start DIR: a throw-away PostgreSQL cluster in DIR,
# for the journal's PostgreSQL tests; prints the libpq URL of its database
# "integra".  tests/pg-cluster.sh stop DIR: stops it and removes DIR.
#
# It listens only on a Unix socket in DIR (no TCP port to collide with a
# neighbour's), with fsync and synchronous_commit on as in production: the
# journal's promise is durability, and a test must not pass on a cluster
# that keeps less than the one it stands for.  PG_BINDIR names the
# binaries' directory if pg_config does not.
#
# Exit codes: 0 ok, 69 PostgreSQL's binaries are missing, 1 anything else.
set -eu

me=${0##*/}

die() {
	echo "$me: $*" >&2
	exit 1
}

usage() {
	echo "usage: $me start|stop DIR" >&2
	exit 1
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# The binaries: initdb and pg_ctl are not on Debian's PATH, pg_config
# knows where they are.
bindir=${PG_BINDIR:-}
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then
	bindir=$(pg_config --bindir 2>/dev/null) || bindir=
fi
if [ -z "$bindir" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && bindir=$d	# the glob sorts: the newest
	done
fi
for p in initdb pg_ctl postgres psql; do
	if [ -z "$bindir" ] || [ ! -x "$bindir/$p" ]; then
		echo "$me: PostgreSQL's $p not found (set PG_BINDIR)" >&2
		exit 69
	fi
done

# PostgreSQL will not run as root: root runs the cluster as postgres, and
# anyone else as themselves.
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	id "$owner" >/dev/null 2>&1 || die "no user $owner to run the cluster"
	as_owner() {
		runuser -u "$owner" -- "$@"
	}
else
	owner=$(id -un)
	as_owner() {
		"$@"
	}
fi

# The socket's path must fit a sockaddr_un (107 bytes), and DIR goes
# quoted into postgresql.conf as a list's element.
case $dir in
/*) ;;
*) dir=$(pwd -P)/$dir ;;
esac
case $dir in
*[\',\"\\]*) die "$dir: no quote, comma or backslash in DIR, please" ;;
esac
[ ${#dir} -le 93 ] || die "$dir: too long for a Unix socket's path"

# Each byte that is not plain in a URL's query as %XX.
urlencode() {
	printf %s "$1" | od -An -v -tx1 | tr ' ' '\n' | sed '/^$/d' |
	while read -r h; do
		case $h in
		2[def]|3[0-9]|4[1-9a-f]|5[0-9a]|5f|6[1-9a-f]|7[0-9a]|7e)
			# - . / 0-9 A-Z _ a-z ~
			printf "\\$(printf %03o "0x$h")" ;;
		*)
			printf %%%s "$(echo "$h" | tr a-f A-F)" ;;
		esac
	done
}

# stop, and remove DIR: only one this script made, which the mark says.
stop() {
	if [ -f "$dir/data/PG_VERSION" ] &&
	    as_owner "$bindir/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w \
		    >/dev/null || return 1
	fi
	rm -rf "$dir"
}

case $cmd in
start) ;;
stop)
	cd /	# pg_ctl runs as the owner, who may not stand where we are
	[ -d "$dir" ] || die "$dir: no such directory"
	[ -f "$dir/.pg-cluster" ] || die "$dir: not made by $me, left alone"
	stop || die "$dir: the cluster did not stop"
	exit 0
	;;
*)
	usage
	;;
esac

# A directory of its own, empty: what is in it is ours to remove.
if [ -e "$dir" ]; then
	[ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] || die "$dir: not empty"
else
	mkdir -p "$dir" || die "$dir: cannot make it"
fi
: >"$dir/.pg-cluster"
# trust lets anyone who reaches the socket in as a superuser: only the
# owner (and root) may, the directory being theirs alone.
chown "$owner" "$dir"
chmod 700 "$dir"
cd "$dir"	# a directory the owner can stand in (root's home is not)

fail() {
	echo "$me: $*" >&2
	for f in "$dir"/*.log; do
		[ -f "$f" ] && sed 's/^/	/' "$f" >&2
	done
	stop 2>/dev/null || :
	exit 1
}

as_owner "$bindir/initdb" -D "$dir/data" --auth=trust -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || fail "initdb failed:"
cat >>"$dir/data/postgresql.conf" <<EOF

# tests/pg-cluster.sh
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
EOF
# -w: back once it accepts connections.  The server's log is the
# owner's to write.
as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" \
    -w -t 60 >"$dir/pg_ctl.log" 2>&1 || fail "the cluster did not start:"

# The URL names its role: the cluster's superuser, whom initdb named after
# the user it ran as (postgres, when root started it), rather than a role
# named after whoever connects, so that the same URL serves root and the
# owner alike, and no role is made by hand.
host=$(urlencode "$dir")
user=$(urlencode "$owner")
"$bindir/psql" -X -q -v ON_ERROR_STOP=1 \
    "postgresql:///postgres?host=$host&user=$user" \
    -c 'CREATE DATABASE integra' >/dev/null 2>"$dir/psql.log" ||
	fail "no database integra:"
echo "postgresql:///integra?host=$host&user=$user"
