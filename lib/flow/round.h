/*
 * flow/round: the instances that are due, moved on in batches, a batch a
 * transaction: steps whose time came, waits that matched or ran out, and
 * steps whose request died in the dead-letter sweep.  integra-retry runs
 * a round before it sends what is due, so that the requests a round
 * makes leave in the same minute; integra-flow process --pending runs
 * one alone.  Two rounds at once each take a batch inside their own
 * write transaction, so no step runs twice.
 *
 * Ownership: the caller's defs and journal are borrowed.
 */
#ifndef INTEGRA_FLOW_ROUND_H
#define INTEGRA_FLOW_ROUND_H

#include <stdint.h>

struct flow_defs;
struct journal;

struct flow_round_stats {
	long	instances;	/* moved on */
	long	steps;		/* requests made */
	long	transitions;
	long	gone;		/* whose flow or step is not in the config */
};

/* One round at now: 0, or a journal failure (journal.h). */
int	flow_round(const struct flow_defs *, struct journal *, int64_t now,
	    struct flow_round_stats *);

#endif
