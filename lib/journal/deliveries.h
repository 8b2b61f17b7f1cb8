/*
 * journal/deliveries: the deliveries: made by map, claimed with a lease by
 * dispatch, each try recorded as an attempt.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_DELIVERIES_H
#define INTEGRA_JOURNAL_DELIVERIES_H

#include "journal/journal.h"

/* A delivery as map creates it. */
struct journal_delivery {
	const char	*id;
	const char	*event_id;
	const char	*target;
	const char	*route;
	int		 step;
	const char	*method;
	const char	*url;
	const char	*headers;	/* JSON object, without secrets */
	size_t		 headers_len;	/* once sealed (it is no string) */
	const char	*body;
	size_t		 body_len;
	int64_t		 created_at;
	int64_t		 not_before;	/* due from then */
	int		 priority;	/* its class: priority.h */
	int		 mapping_version;	/* that built its body; 0: none */
	const char	*dead;		/* NULL; or why it cannot be sent: it
					   is added dead, in the queue */
	const char	*dead_class;	/* dead's error class; NULL: mapping */
	const char	*group;		/* its group (groups.h), or NULL */
	const char	*item;		/* a fan-out's item, JSON, for the
					   route's later steps; or NULL */
	int		 ordered;	/* its target's, in order by its
					   event's subject, if it has one */
	int		 sealed;	/* headers and body are sealed already
					   (journal_delivery_seal) */
};

/* A delivery claimed for sending. */
struct journal_claim {
	const char	*id;
	const char	*event_id;
	const char	*target;
	const char	*route;
	int		 step;		/* in its route */
	const char	*method;
	const char	*url;
	const char	*headers;
	const char	*body;
	size_t		 body_len;
	int		 attempts;	/* attempts made before this one */
	int		 priority;	/* its class: priority.h */
	const char	*event_type;	/* its event's; NULL if it is gone */
	const char	*tenant;
	const char	*group;		/* NULL: none */
	const char	*item;		/* NULL: none */
};

/* The outcome of one try. */
struct journal_attempt {
	const char	*delivery_id;
	int		 attempt;	/* 1 for the first try */
	int64_t		 started_at;
	int64_t		 duration_ms;
	int		 http_status;	/* 0 if no answer */
	const char	*error_class;	/* NULL on success */
	const char	*error;		/* NULL on success */
	const char	*excerpt;	/* redacted, may be NULL */
	const char	*remote_id;	/* the id the target gave the message
					   (Z-API's messageId), or NULL */
	const char	*target;	/* the delivery's, and its event's id, */
	const char	*event_id;	/* for the counts */
	const char	*cadence;	/* a cadence's message: its cadence */
	const char	*channel;	/* and channel, counted; else NULL */
	/* What becomes of the delivery. */
	const char	*status;	/* "delivered", "failed", "dead", or
					   "pending" (its target is disabled) */
	int64_t		 not_before;	/* for "failed": when to try again */
};

typedef int (*journal_claim_fn)(void *ctx, const struct journal_claim *);

/*
 * Seals d's headers and body as journal_delivery_add would, ahead of it,
 * as journal_event_seal does an envelope: headers and body get the sealed
 * values, and d points at them (d->sealed).  0, or -1 if they cannot be
 * sealed.
 */
int	journal_delivery_seal(struct seal *, struct journal_delivery *,
	    struct buf *headers, struct buf *body);
/*
 * Adds a delivery; *added is 0 if a delivery with that id exists.  With
 * added NULL nothing waits for the journal's answer (pg.c): in a
 * transaction, the delivery is counted at the commit if it was added.
 */
int	journal_delivery_add(struct journal *,
	    const struct journal_delivery *, int *added);
/*
 * Claims, in one statement, the deliveries of ids[0..n) that are due
 * (pending or failed with not_before <= now, or in flight with an expired
 * lease) for owner until lease_until, and calls fn with each; *claimed
 * says how many were.  If fewer than n, missed (if not NULL) is called
 * with each id that was not (not due, unknown, or named again).
 */
int	journal_claim_ids(struct journal *, const char (*ids)[ID_LEN + 1],
	    size_t n, const char *owner, int64_t now, int64_t lease_until,
	    journal_claim_fn fn, void *ctx, int *claimed,
	    void (*missed)(void *ctx, const char *id));
/*
 * Claims at most limit due deliveries, oldest first, calling fn for each;
 * none of a disabled target's, or of one whose circuit is not closed.
 */
int	journal_claim_due(struct journal *, int limit, const char *owner,
	    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
	    int *nclaimed);
/*
 * Claims one delivery to target that is due or whose lease ran out,
 * whatever its circuit: the probe of a half-open circuit.
 */
int	journal_claim_probe(struct journal *, const char *target,
	    const char *owner, int64_t now, int64_t lease_until,
	    journal_claim_fn fn, void *ctx, int *claimed);
/*
 * Records one try and moves its delivery to a->status, if owner still holds
 * the lease; the attempt is recorded either way.  In two halves, as
 * journal_event_send and _sent, so that a tick's tries wait for the
 * journal's answers once: send leaves *ticket for sent, later in the same
 * transaction and with the same a, which says whether owner held it
 * (*kept).
 */
int	journal_attempt_send(struct journal *, const struct journal_attempt *a,
	    const char *owner, int64_t *ticket);
int	journal_attempt_sent(struct journal *, const struct journal_attempt *a,
	    int64_t ticket, int *kept);
/* Gives back owner's claim on a delivery not tried: due again at once. */
int	journal_claim_release(struct journal *, const char *id,
	    const char *owner, int64_t now);

#endif
