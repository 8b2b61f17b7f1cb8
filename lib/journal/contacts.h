/*
 * journal/contacts: leads' contacts, and the statuses a channel reports of
 * the messages it was given.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_CONTACTS_H
#define INTEGRA_JOURNAL_CONTACTS_H

#include "journal/journal.h"

/*
 * Leads' contacts: a tenant's phone ("tel:+5511987654321") or e-mail
 * address ("mailto:ana@example.com") and the lead it belongs to.
 * journal_lead_find sets lead_id to the lead of the first of contacts[]
 * (at most JOURNAL_LEAD_CONTACTS, NULL entries skipped) that has one and
 * *found to 1; else *found is 0.  One statement whatever n is: a
 * backend that waits for each answer (pg.c) waits once.
 */
#define JOURNAL_LEAD_CONTACTS	4
int	journal_lead_find(struct journal *, const char *tenant,
	    const char *const contacts[], size_t n,
	    char lead_id[ID_LEN + 1], int *found);
/* Links contact to lead_id, unless it is some lead's already. */
int	journal_lead_link(struct journal *, const char *tenant,
	    const char *contact, const char *lead_id, int64_t now);
/*
 * A channel's report on a message it was given (status "sent",
 * "received", "read" or "played", in that order): recorded on the
 * deliveries whose remote id is remote_id and that have no status as far
 * on.  *changed counts them.
 */
int	journal_message_status(struct journal *, const char *remote_id,
	    const char *status, int64_t at, int *changed);

#endif
