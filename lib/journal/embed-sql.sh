#!/bin/sh
# embed-sql.sh [-p] FILE...: a backend's migrations as C, for the build to
# compile.  The files come in their order, numbered one after another: for
# SQLite (lib/journal/migrations.c) from 0001, the Nth taking a journal
# from user_version N - 1 to N; with -p, PostgreSQL's
# (lib/journal/pg-migrations.c), from the number of the first, which
# makes the whole schema of that version.
set -eu

name=journal
if [ "${1:-}" = -p ]; then
	name=journal_pg
	shift
fi
cat <<HEAD
/* Made by lib/journal/embed-sql.sh from its migrations. */
#include <stddef.h>

#include "journal/journal.h"
#include "journal/private.h"

const char *const ${name}_migrations[] = {
HEAD
n=
for f; do
	if [ -z "$n" ] && [ $name = journal_pg ]; then
		n=$(echo "${f##*/}" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
	else
		n=$((${n:-0} + 1))
	fi
	case ${f##*/} in
	"$(printf %04d "$n")"-*.sql) ;;
	*)
		echo "embed-sql.sh: $f: expected migration $n" >&2
		exit 1
		;;
	esac
	printf '\t/* %s */\n' "${f##*/}"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf '\t,\n'
done
cat <<TAIL
};
const size_t ${name}_nmigrations = sizeof(${name}_migrations) /
    sizeof(${name}_migrations[0]);
TAIL
[ $name = journal ] || echo "const int ${name}_last_migration = $n;"
