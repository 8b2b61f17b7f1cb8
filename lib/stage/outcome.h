/*
 * outcome: the events integra makes of what became of its deliveries
 * (integra.delivery.succeeded, .failed, .dead) and of its targets
 * (integra.target.disabled), for the targets whose config asks for them.
 * Each is journaled as a normalized event, in the transaction that
 * records what it tells, so that map routes it like any other event: a
 * status webhook back to the system that asked for the send, an alert.
 *
 * The loop guard: a delivery of an event of integra's own makes no
 * outcome, so an outcome never makes one about itself.
 *
 * Ownership: a struct outcome points to the caller's strings, only read
 * during the call.  outcome_journal frees the envelope and key it builds
 * before it returns; the other functions only read their arguments.
 */
#ifndef INTEGRA_STAGE_OUTCOME_H
#define INTEGRA_STAGE_OUTCOME_H

#include <stdint.h>

struct journal;

#define OUTCOME_SUCCEEDED	0x1
#define OUTCOME_FAILED		0x2	/* a try failed; it will be retried */
#define OUTCOME_DEAD		0x4
#define OUTCOME_DISABLED	0x8	/* the target, by a 410 Gone */

struct outcome {
	unsigned	 kind;		/* one OUTCOME_ bit */
	const char	*tenant;	/* of the event it is about */
	const char	*target;
	const char	*delivery;	/* NULL for OUTCOME_DISABLED */
	const char	*event;
	const char	*route;
	int		 attempt;
	int		 http_status;	/* 0: no answer */
	const char	*error_class;	/* NULL: none */
	const char	*error;
	int64_t		 not_before;	/* OUTCOME_FAILED: when it is due */
};

/* The bit of an outcome's name (succeeded, failed, dead, disabled): 0. */
int	outcome_parse(const char *name, unsigned *bit);
/* Whether type is one of the outcome events' types. */
int	outcome_type_known(const char *type);
/* Whether an event of this type is integra's own, of no outcome. */
int	outcome_is_own(const char *type);
/*
 * Journals o as an event at time now; 0, or the journal's failure.  A
 * delivery's try told twice is one event: its idempotency key is the
 * delivery, the attempt and the outcome.
 */
int	outcome_journal(struct journal *, const struct outcome *o,
	    int64_t now);

#endif
