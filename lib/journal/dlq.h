/*
 * journal/dlq: the dead-letter queue.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_DLQ_H
#define INTEGRA_JOURNAL_DLQ_H

#include "journal/journal.h"

/*
 * The dead-letter queue: deliveries that died (out of attempts, or refused
 * by their target), kept with every attempt until an admin retries,
 * archives or deletes them.  Archived ones stay dead but leave the queue.
 */
struct journal_dlq_filter {
	const char	*type;		/* the event's type */
	const char	*target;
	int64_t		 since;		/* died at or after, ms; 0: any */
	int		 archived;	/* 0: the queue, 1: archived, -1: both */
	const char	*after;		/* delivery ids after this: the cursor */
	int		 limit;		/* 0: no limit */
	/* journal_dlq_match's too (a retry by query), not a listing's: */
	const char	*source;	/* the event's */
	const char	*tenant;	/* the event's */
	const char	*error_class;	/* its last error's; "unknown": none */
	int64_t		 until;		/* died before, ms; 0: any */
};

/*
 * Calls fn with each dead letter's id and a JSON object (id, event, type,
 * target, route, attempts, error_class, last_error, dead_at,
 * archived_at), by id, until fn returns non-zero.  With full, the object
 * also has the request (step, method, url, headers, body): a line of an
 * export.
 */
int	journal_dlq_query(struct journal *, const struct journal_dlq_filter *,
	    int full, journal_row_fn fn, void *ctx);
/*
 * Calls fn with the id and the target (its text) of each dead letter f
 * selects, by id, until fn returns non-zero: f's type, target, source,
 * tenant, error_class, since, until and archived; not after and limit.
 * What a retry by query takes (integra-dlq retry, ops_dlq_retry_query).
 */
int	journal_dlq_match(struct journal *, const struct journal_dlq_filter *,
	    journal_row_fn fn, void *ctx);
/*
 * The dead letter called id, if *found, as a JSON object appended to out:
 * as an export's line, with its event's attributes and every attempt (as
 * "tries").
 */
int	journal_dlq_detail(struct journal *, const char *id, struct buf *out,
	    int *found);
/* Counts by event type, target and error class, and the oldest's age. */
int	journal_dlq_stats(struct journal *, int64_t now, struct buf *out);
/*
 * Back to pending, its attempts reset, and its group, if it has one,
 * open again (groups.h); *done is 0 if id is not dead.
 */
int	journal_dlq_retry(struct journal *, const char *id, int64_t now,
	    int *done);
/* Out of the queue, kept; *done is 0 if id is not in the queue. */
int	journal_dlq_archive(struct journal *, const char *id, int64_t now,
	    int *done);
enum journal_dlq_deleted {
	JOURNAL_DLQ_DELETED,
	JOURNAL_DLQ_NOT_DEAD,		/* no dead letter has that id */
	JOURNAL_DLQ_NOT_ARCHIVED	/* refused: archive it, or force */
};
/* Deletes a dead letter and its attempts: an archived one, or any with
 * force. */
int	journal_dlq_delete(struct journal *, const char *id, int force,
	    enum journal_dlq_deleted *result);
/*
 * Moves target's failed deliveries with max_attempts or more attempts to
 * the queue (the policy may have been lowered since they failed);
 * *moved counts them.
 */
int	journal_dlq_sweep(struct journal *, const char *target,
	    int max_attempts, int64_t now, int *moved);

#endif
