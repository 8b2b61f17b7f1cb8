/*
 * followup: what a delivery leads to once it ends.  The steps of a
 * route's "then" list are made one after the other, each when the one
 * before it is delivered, due after its delay; a step's fallback is made
 * when that step dies.  A step with emit has its answer become an event
 * once it is delivered.  Dispatch makes them in the transaction that
 * records the try, so that a crash can neither lose one nor, their ids
 * being derived like every step's, make one twice.  A later step keeps
 * the group of the one before; after a fan-out's item, its id is derived
 * from the item's delivery, not the event, since the items share it.
 *
 * Ownership: the strings of a followup_end are the caller's, only read
 * during the call; made is filled in the caller's struct.  What
 * followup_make builds (the event read back, $response, the body) it
 * frees before it returns.  The map and journal are borrowed.
 */
#ifndef INTEGRA_STAGE_FOLLOWUP_H
#define INTEGRA_STAGE_FOLLOWUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/ids.h"

struct buf;
struct cfg;
struct journal;
struct map;

/* How a delivery ended. */
struct followup_end {
	const char	*delivery;
	const char	*event;
	const char	*route;
	int		 step;
	int		 delivered;	/* 1: delivered; 0: dead */
	int		 http_status;	/* 0: no answer */
	const char	*response;	/* the answer's body, as much as kept */
	size_t		 response_len;
	const char	*error;		/* NULL if delivered */
	const char	*request;	/* its body, as sent: $request */
	size_t		 request_len;
	const char	*group;		/* NULL: none */
	const char	*tenant;	/* its event's; NULL: the config's */
	const char	*item;		/* a fan-out's item: $item; or NULL */
};

/* The delivery made, if made[0] is not '\0'. */
struct followup_made {
	char		 id[ID_LEN + 1];
	int64_t		 not_before;	/* when it is due */
	int		 dead;		/* it could not be built */
};

/* 1 if some route of cfg has a step after its first, or one that emits. */
int	followup_any(const struct cfg *);
/*
 * Makes the step that follows e in its route, if there is one and its
 * condition holds for the event and e's answer.  A step whose program
 * fails is made dead, with jq's reason, so that it waits in the
 * dead-letter queue instead of vanishing.  Returns 0, or a journal
 * failure (journal.h).
 */
int	followup_make(struct map *, struct journal *,
	    const struct followup_end *e, int64_t now,
	    struct followup_made *made);
/*
 * The data of the event that e's answer becomes, if its step emits: 1
 * with it appended to data; 0 if the step does not emit; -1 with why if
 * the answer cannot become it (not JSON, or the step's program failed):
 * then the try is not a delivery.  Runs jq: on dispatch's own thread.
 */
int	followup_emit_data(struct map *, struct journal *,
	    const struct followup_end *e, struct buf *data, struct buf *why);
/*
 * Journals the event of e's step with data, keyed by the delivery (so
 * once only), in the group of e.  *emitted says whether it was made now.
 * Returns 0, or a journal failure.
 */
int	followup_emit(const struct cfg *, struct journal *,
	    const struct followup_end *e, const struct buf *data, int64_t now,
	    int *emitted);

#endif
