/*
 * journalcontact: leads' contacts, and what channels report about the
 * messages they were given.  See journal.h.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "journal/journal.h"
#include "journal/contacts.h"
#include "journal/private.h"

enum cstmt {
	C_LEAD_FIND,
	C_LEAD_LINK,
	C_MESSAGE_STATUS,
	C_COUNT
};

_Static_assert(C_COUNT <= JOURNAL_CONTACT_STMTS,
    "journal/private.h: raise JOURNAL_CONTACT_STMTS");

/* How far on a message's status is; 0: not a status. */
#define STATUS_RANK(x)							\
	"CASE " x " WHEN 'sent' THEN 1 WHEN 'received' THEN 2"		\
	" WHEN 'read' THEN 3 WHEN 'played' THEN 4 ELSE 0 END"

static const char *const cstmt_sql[C_COUNT] = {
	[C_LEAD_FIND] =
	    "SELECT lead_id FROM lead_contacts WHERE tenant = ?1"
	    " AND contact = ?2",
	[C_LEAD_LINK] =
	    "INSERT INTO lead_contacts (tenant, contact, lead_id, created_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[C_MESSAGE_STATUS] =
	    "UPDATE deliveries SET remote_status = ?2, remote_status_at = ?3"
	    " WHERE remote_id = ?1 AND " STATUS_RANK("?2") " > "
	    STATUS_RANK("coalesce(remote_status, '')"),
};

static sqlite3_stmt *
cstmt(struct journal *j, enum cstmt which)
{
	return journal_prepared(j, &j->contact[which], cstmt_sql[which]);
}

int
journal_lead_find(struct journal *j, const char *tenant,
    const char *const contacts[], size_t n, char lead_id[ID_LEN + 1],
    int *found)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*found = 0;
	for (i = 0; i < n && !*found; i++) {
		if (contacts[i] == NULL)
			continue;
		if ((st = cstmt(j, C_LEAD_FIND)) == NULL)
			return -1;
		journal_bind_text(st, 1, tenant);
		journal_bind_text(st, 2, contacts[i]);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(lead_id, ID_LEN + 1, "%s",
			    (const char *)sqlite3_column_text(st, 0));
			*found = 1;
		}
		if ((rc = journal_step_end(j, st, rc, "find a lead")) != 0)
			return rc;
	}
	return 0;
}

int
journal_lead_link(struct journal *j, const char *tenant, const char *contact,
    const char *lead_id, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = cstmt(j, C_LEAD_LINK)) == NULL)
		return -1;
	journal_bind_text(st, 1, tenant);
	journal_bind_text(st, 2, contact);
	journal_bind_text(st, 3, lead_id);
	sqlite3_bind_int64(st, 4, now);
	return journal_step_done(j, st, "link a lead's contact");
}

int
journal_message_status(struct journal *j, const char *remote_id,
    const char *status, int64_t at, int *changed)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = cstmt(j, C_MESSAGE_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, remote_id);
	journal_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = journal_step_done(j, st, "record a message's status")) != 0)
		return rc;
	*changed = sqlite3_changes(j->db);
	return 0;
}
