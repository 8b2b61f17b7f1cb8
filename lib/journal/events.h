/*
 * journal/events: the events: stored as they come, moved from received to
 * normalized to mapped (or rejected), listed, shown and retried.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_EVENTS_H
#define INTEGRA_JOURNAL_EVENTS_H

#include "journal/journal.h"

/* An event as ingest stores it. */
struct journal_event {
	const char	*id;
	const char	*source;
	const char	*type;
	const char	*tenant;
	const char	*subject;	/* may be NULL */
	const char	*time;
	const char	*idempotency_key;
	const char	*envelope;	/* the raw envelope, as written on stdout */
	size_t		 envelope_len;
	const char	*rejected;	/* NULL; or why it is kept as rejected,
					   envelope being the bytes as they came */
	int		 canonical;	/* the envelope is canonical already (an
					   event integra made): journaled
					   normalized, with no raw envelope */
	int		 sealed;	/* the envelope is sealed already
					   (journal_event_seal) */
	int64_t		 received_at;	/* ms since the epoch */
};

enum journal_event_status {
	JOURNAL_RECEIVED,
	JOURNAL_NORMALIZED,
	JOURNAL_MAPPED,
	JOURNAL_REJECTED,
	JOURNAL_UNKNOWN		/* no such event */
};

/*
 * Seals ev's envelope as journal_event_add would, ahead of it: on the
 * thread that prepares the event, with a seal of its own (a seal_dup of
 * journal_seal's), so that the journal's thread, which bounds a stream's
 * rate, only writes it.  out gets the sealed value and ev points at it
 * (ev->sealed); without a current key ev stays as it is.  0, or -1 if
 * the value cannot be sealed.
 */
int	journal_event_seal(struct seal *, struct journal_event *,
	    struct buf *out);
/*
 * Stores a new event.  Returns 0 if stored, 1 if the source already sent
 * this idempotency key: then dup_id gets the original event's id and
 * dup_envelope (if not NULL) its envelope, or nothing if retention has
 * dropped it.
 */
int	journal_event_add(struct journal *, const struct journal_event *,
	    char dup_id[ID_LEN + 1], struct buf *dup_envelope);

/* What journal_event_send leaves for journal_event_sent. */
struct journal_sent {
	int64_t		 ticket;	/* the insert's changes, when told */
	int		 retained;	/* a duplicate of an event retention
					   kept: nothing was sent */
};

/*
 * journal_event_add in two halves, so that a stream of events waits for
 * the journal's answers once a batch rather than once an event (a
 * backend that sends statements without waiting, pg.c).  Send stores the
 * event if it is new, in a transaction; sent, later in the same one and
 * with the same ev, says which it was, as journal_event_add returns.
 * Several events may be sent before the first is asked for, and are asked
 * for in the order sent.
 */
int	journal_event_send(struct journal *, const struct journal_event *ev,
	    struct journal_sent *);
int	journal_event_sent(struct journal *, const struct journal_event *ev,
	    const struct journal_sent *, char dup_id[ID_LEN + 1],
	    struct buf *dup_envelope);
/* Status of an event; canonical (if not NULL) gets its canonical envelope. */
int	journal_event_status(struct journal *, const char *id,
	    enum journal_event_status *, struct buf *canonical);
/*
 * received -> normalized, in two halves, so that a backend that sends
 * statements without waiting (pg.c) has the answer to the first come
 * with the next read's (normalize's lookup of a lead's contacts).
 * journal_event_normalize moves the event if it is in state received,
 * and leaves a ticket; journal_event_normalized, later in the same
 * transaction, sets *done to 1 if it moved (0: it was not in state
 * received, see journal_event_status), and then stores its canonical
 * envelope and type, its type now, which is new if retyped (normalize may
 * find that a lead.created updates a lead).  type and source are counted.
 */
int	journal_event_normalize(struct journal *, const char *id,
	    int64_t *ticket);
int	journal_event_normalized(struct journal *, const char *id,
	    int64_t ticket, const char *type, int retyped, const char *source,
	    const char *canonical, size_t len, int *done);
/*
 * normalized -> mapped; *done is 1 if it moved or was mapped already.
 * type and source are the event's, for the counts.
 */
int	journal_event_map(struct journal *, const char *id, const char *type,
	    const char *source, int *done);
/* from (received or normalized) -> rejected, with the reason. */
int	journal_event_reject(struct journal *, const char *id,
	    enum journal_event_status from, const char *reason);
/*
 * Calls fn for at most limit events in state status (JOURNAL_RECEIVED: the
 * raw envelope; JOURNAL_NORMALIZED: the canonical one) with ids after
 * after_id (NULL: from the start), in id order.  fn returning non-zero
 * stops the walk and is returned.
 */
int	journal_events_in(struct journal *, enum journal_event_status status,
	    const char *after_id, int limit, journal_row_fn fn, void *ctx);

/* What journal_events_query lists; NULL, empty or 0 filters nothing. */
struct journal_filter {
	const char	*type;
	const char	*source;
	const char	*status;
	const char	*tenant;
	int64_t		 since;		/* received at or after, ms */
	int64_t		 until;		/* received before, ms */
	const char	*after;		/* ids after this one: the cursor */
	int		 limit;
};

/*
 * Calls fn with each event's id and a JSON object of its attributes, by
 * id, until it returns non-zero.
 */
int	journal_events_query(struct journal *, const struct journal_filter *,
	    journal_row_fn, void *ctx);
/*
 * The event called id, if *found, as a JSON object appended to out: its
 * attributes, its raw and canonical envelopes, its deliveries and each
 * one's attempts (as "tries").
 */
int	journal_event_detail(struct journal *, const char *id, struct buf *out,
	    int *found);
/*
 * Has the event mapped again (*remap: 1 if it was normalized or mapped)
 * and its failed or dead deliveries sent again from now (*redeliver: how
 * many), by the next --pending runs.
 */
int	journal_event_retry(struct journal *, const char *id, int64_t now,
	    int *remap, int *redeliver);

/*
 * What a retry by query takes: the events that events lists (all its
 * filters but after and limit) and, with target or error_class, only
 * those with a failed or dead delivery to target whose last error was of
 * that class ("unknown": none kept); each NULL or empty: any.
 */
struct journal_retry_filter {
	struct journal_filter	 events;
	const char		*target;
	const char		*error_class;
};

/*
 * Calls fn with the id and the status (its text) of each event f selects,
 * by id, until it returns non-zero.
 */
int	journal_events_retry_match(struct journal *,
	    const struct journal_retry_filter *f, journal_row_fn, void *ctx);
/*
 * Calls fn with the id and the target (its text) of each delivery of the
 * event id that journal_event_redeliver would send again, and changes
 * nothing: a dry run's.
 */
int	journal_event_retryable(struct journal *, const char *id,
	    const struct journal_retry_filter *f, journal_row_fn, void *ctx);
/*
 * journal_event_retry narrowed by f: only the event's failed or dead
 * deliveries to f's target whose last error was of f's error_class are
 * sent again from now, fn called with each one's id and target; and the
 * event is mapped again only with remap (*remapped: 1 if it was).
 */
int	journal_event_redeliver(struct journal *, const char *id,
	    const struct journal_retry_filter *f, int remap, int64_t now,
	    int *remapped, journal_row_fn fn, void *ctx);

#endif
