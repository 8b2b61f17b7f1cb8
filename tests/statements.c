/*
 * integra-statements JOURNAL: prepares every statement of the journal's
 * registry (lib/journal/private.h) on the journal at JOURNAL, and names
 * those that fail: each of a backend's texts checked by its engine, not
 * only those a test happens to run.  Exits 1 if any failed.  A statement
 * PostgreSQL has no text for (it does that another way) is counted apart.
 */
#include <stdio.h>

#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/private.h"

int
main(int argc, char *argv[])
{
	struct journal *j;
	char err[1024];
	int i, failed = 0, other = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: integra-statements journal\n");
		return EX_USAGE;
	}
	if ((j = journal_open(argv[1], err, sizeof(err), NULL)) == NULL) {
		fprintf(stderr, "integra-statements: %s\n", err);
		return EX_IOERR;
	}
	for (i = 0; i < JOURNAL_NSQL; i++)
		if (!journal_is_file(argv[1]) && journal_pg_sql_text[i] == NULL)
			other++;
		else if (journal_sql(j, (enum journal_sql)i) == NULL) {
			printf("statement %d: %s\n", i, journal_error(j));
			failed++;
		}
	printf("%d statements, %d failed, %d done another way\n",
	    JOURNAL_NSQL, failed, other);
	journal_close(j);
	return failed > 0;
}
