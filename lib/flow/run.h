/*
 * flow/run: what moves an instance by running its flow's programs: its
 * step run when it falls due (an action's request made, an await's wait
 * opened), an event that matched its wait applied, a wait timed out, and
 * its step's request delivered or dead.  integra-retry and integra-flow
 * run the due ones in rounds (flow/round); dispatch calls flow_run_ended
 * in the transaction that records the try, and runs at once what that
 * makes due.  Every call runs inside the caller's transaction, on the
 * thread that uses jq.
 *
 * A step runs at most once: its request's id is derived from the
 * instance, the step and the instance's transitions so far, so a round
 * replayed after a crash makes the same delivery, which the journal
 * already holds.
 *
 * Ownership: a struct flow_run borrows everything it points to.  ready
 * is the caller's array; flow_run_* fill it with the deliveries they made
 * that are due at once, as far as there is room.
 */
#ifndef INTEGRA_FLOW_RUN_H
#define INTEGRA_FLOW_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "base/ids.h"

struct buf;
struct flow_defs;
struct flow_instance;
struct journal;

struct flow_run {
	const struct flow_defs	*defs;
	struct journal		*journal;
	char			(*ready)[ID_LEN + 1];
	size_t			 nready;
	size_t			 maxready;
	long			 steps;		/* requests made */
	long			 transitions;
};

/* How a step's delivery ended, as dispatch recorded it. */
struct flow_run_end {
	const char	*delivery;
	const char	*status;	/* delivered, failed (to be retried),
					   or dead */
	int		 attempt;
	int		 http_status;	/* 0: no answer */
	const char	*response;	/* the answer's body, as kept */
	size_t		 response_len;
	const char	*error;		/* NULL if delivered */
};

/*
 * Does what fi has due at now, and what that makes due at once: 0, or a
 * journal failure.  With force, its action runs even before its delay
 * is over; a wait is not forced.
 */
int	flow_run_process(struct flow_run *, struct flow_instance *fi,
	    int64_t now, int force);
/*
 * The step whose delivery e tells of moves on, if the delivery is an
 * instance's step: its saves run on the answer and the next step comes;
 * a dead one fails the instance; a failed try is logged as retried.
 */
int	flow_run_ended(struct flow_run *, const struct flow_run_end *e,
	    int64_t now);

#endif
