#!/bin/sh
# embed-sql.sh FILE...: the journal's migrations as C, for the build to
# compile (lib/journal/migrations.c).  The files come in their order: the
# Nth, named NNNN-what.sql, takes a journal from user_version N - 1 to N.
set -eu

cat <<'HEAD'
/* Made by lib/journal/embed-sql.sh from lib/journal/migrations/. */
#include <stddef.h>

#include "journal/journal.h"
#include "journal/private.h"

const char *const journal_migrations[] = {
HEAD
n=0
for f; do
	n=$((n + 1))
	case ${f##*/} in
	"$(printf %04d $n)"-*.sql) ;;
	*)
		echo "embed-sql.sh: $f: expected migration $n" >&2
		exit 1
		;;
	esac
	printf '\t/* %s */\n' "${f##*/}"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf '\t,\n'
done
cat <<'TAIL'
};
const size_t journal_nmigrations = sizeof(journal_migrations) /
    sizeof(journal_migrations[0]);
TAIL
