/*
 * journal/retention: LGPD retention: what is old enough, and its personal
 * data replaced.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_RETENTION_H
#define INTEGRA_JOURNAL_RETENTION_H

#include "journal/journal.h"

/*
 * LGPD retention (retention.h).  The events journal_retain_events hands
 * out are those before before_ms (by their ids' time), done with (mapped
 * or rejected), not retained yet, and with no delivery open or dead: at
 * most limit after `after', oldest first, each with its subject (NULL if none), its
 * idempotency key and its canonical envelope (NULL if it has none).  journal_retain_event replaces its canonical envelope (if
 * not NULL), subject and idempotency key, drops its raw envelope and
 * marks it retained.  Its deliveries come with their bodies; a delivery's
 * body is replaced (NULL: dropped) and its attempts' response excerpts
 * dropped.  The leads' contacts made before before_ms and not hashed yet
 * ("h:" prefix), and the synced records not updated since, not retained
 * yet, come likewise.
 */
/*
 * Where a run stands in a table: past the row whose keys these are (the
 * events' id in a; the contacts' tenant and contact, the records' job and
 * key, in a and b), NULL for none yet.  Each batch goes on from the last,
 * so a run reads a table once, not its start again each batch; what it
 * passes over (an event with a delivery still open) is the next run's.
 */
struct journal_retain_after {
	const char	*a;
	const char	*b;
};

typedef int (*journal_retain_fn)(void *ctx, int64_t seq, const char *id,
    const char *subject, const char *key, const char *text, size_t len);
int	journal_retain_events(struct journal *, int64_t before_ms,
	    const struct journal_retain_after *, int limit,
	    journal_retain_fn, void *ctx);
int	journal_retain_event(struct journal *, int64_t seq, const char *id,
	    const char *canonical, size_t len, const char *subject,
	    const char *key, int64_t now);
int	journal_retain_deliveries(struct journal *, const char *event_id,
	    journal_row_fn, void *ctx);
int	journal_retain_delivery(struct journal *, const char *id,
	    const char *body, size_t len);
typedef int (*journal_contact_fn)(void *ctx, const char *tenant,
    const char *contact);
int	journal_retain_contacts(struct journal *, int64_t before_ms,
	    const struct journal_retain_after *, int limit,
	    journal_contact_fn, void *ctx);
int	journal_retain_contact(struct journal *, const char *tenant,
	    const char *contact, const char *hashed);
typedef int (*journal_record_fn)(void *ctx, const char *job,
    const char *key, const char *record, size_t len);
int	journal_retain_records(struct journal *, int64_t before_ms,
	    const struct journal_retain_after *, int limit,
	    journal_record_fn, void *ctx);
int	journal_retain_record(struct journal *, const char *job,
	    const char *key, const char *record, size_t len, int64_t now);

#endif
