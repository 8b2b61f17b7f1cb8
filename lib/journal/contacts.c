/*
 * journal/contacts: leads' contacts, and what channels report about the
 * messages they were given.  See journal/contacts.h.
 */
#include <stdio.h>

#include "journal/journal.h"
#include "journal/contacts.h"
#include "journal/private.h"

int
journal_lead_find(struct journal *j, const char *tenant,
    const char *const contacts[], size_t n, char lead_id[ID_LEN + 1],
    int *found)
{
	struct journal_stmt *st;
	size_t i;
	int rc;

	*found = 0;
	if (n > JOURNAL_LEAD_CONTACTS) {
		snprintf(j->err, sizeof(j->err), "journal '%s': find a lead:"
		    " %zu contacts, at most %d", j->path, n,
		    JOURNAL_LEAD_CONTACTS);
		return -1;
	}
	if ((st = journal_sql(j, SQL_LEAD_FIND)) == NULL)
		return -1;
	journal_bind_text(st, 1, tenant);
	/*
	 * An absent contact is looked up as "", which none is: bound as
	 * NULL, it had PostgreSQL plan the statement again at each call (a
	 * plan that skips its lookup costs less than the one for all).
	 */
	for (i = 0; i < JOURNAL_LEAD_CONTACTS; i++)
		journal_bind_text(st, 2 + i, i < n && contacts[i] != NULL ?
		    contacts[i] : "");
	if ((rc = journal_step(st)) == JOURNAL_ROW &&
	    !journal_column_null(st, 0)) {
		snprintf(lead_id, ID_LEN + 1, "%s", journal_column_text(st, 0));
		*found = 1;
	}
	return journal_step_end(j, st, rc, "find a lead");
}

int
journal_lead_link(struct journal *j, const char *tenant, const char *contact,
    const char *lead_id, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_LEAD_LINK)) == NULL)
		return -1;
	journal_bind_text(st, 1, tenant);
	journal_bind_text(st, 2, contact);
	journal_bind_text(st, 3, lead_id);
	journal_bind_int64(st, 4, now);
	return journal_step_done(j, st, "link a lead's contact");
}

int
journal_message_status(struct journal *j, const char *remote_id,
    const char *status, int64_t at, int *changed)
{
	struct journal_stmt *st;
	int64_t n;
	int rc;

	if ((st = journal_sql(j, SQL_MESSAGE_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, remote_id);
	journal_bind_text(st, 2, status);
	journal_bind_int64(st, 3, at);
	if ((rc = journal_step_count(j, st, "record a message's status",
	    &n)) != 0)
		return rc;
	*changed = (int)n;
	return 0;
}
