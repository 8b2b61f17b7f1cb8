/*
 * journal/targets: the targets' state every process sees: disabled or not,
 * their circuit breakers, and who sends to a paced target.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_TARGETS_H
#define INTEGRA_JOURNAL_TARGETS_H

#include "journal/journal.h"

/*
 * The targets' state, which every process sees: disabled (by a 410 Gone
 * or an admin) or not, and each target's circuit breaker (circuit.h).
 * While a circuit is open no delivery to its target is claimed; once
 * open_until has passed it is half-open: one process takes the probe and
 * claims one delivery with journal_claim_probe.
 */
struct circuit_state;

struct journal_target_state {
	const char	*target;
	int64_t		 disabled_at;	/* 0: enabled */
	const char	*reason;	/* why it was disabled, or NULL */
	int		 failures;	/* consecutive failed tries */
	int64_t		 opened_at;	/* when its circuit opened; 0: closed */
	int64_t		 open_until;	/* open until then, half-open after */
	long		 waiting;	/* deliveries pending or failed */
	long		 dead;		/* in the dead-letter queue */
};


/*
 * A paced target (one with a rate limit) is sent to by one process at a
 * time, so that its rate and concurrency hold whatever the number of
 * processes.  owner holds target until held_until, if no one else holds
 * it (*held says whether it does), and claims no more of its deliveries
 * until claim_after (0: it wants more now).  Others claim none of them
 * while it holds the target.
 */
int	journal_target_hold(struct journal *, const char *target,
	    const char *owner, int64_t now, int64_t held_until,
	    int64_t claim_after, int *held);
/* owner lets go of target, if it holds it. */
int	journal_target_unhold(struct journal *, const char *target,
	    const char *owner, int64_t now);
/* Disables target (kept while disabled: the first time and reason). */
int	journal_target_disable(struct journal *, const char *target,
	    const char *reason, int64_t now);
/*
 * Enables target again and closes its circuit; *done is 0 if it was
 * neither disabled nor open.
 */
int	journal_target_enable(struct journal *, const char *target,
	    int64_t now, int *done);
/*
 * Calls fn for each target with deliveries or a state, by name, until it
 * returns non-zero.  It reads every delivery.
 */
typedef int (*journal_target_fn)(void *ctx,
    const struct journal_target_state *);
int	journal_target_states(struct journal *, journal_target_fn fn,
	    void *ctx);

/*
 * Target's circuit (zeroed, closed and nothing counted, if the journal
 * has none for it), and written back.
 */
int	journal_circuit_get(struct journal *, const char *target,
	    struct circuit_state *s);
int	journal_circuit_put(struct journal *, const char *target,
	    const struct circuit_state *s, int64_t now);
/*
 * Takes the probe of each half-open circuit of an enabled target (open
 * until now or before), keeping the others off it until probe_until, and
 * calls fn with each such target's name.
 */
typedef int (*journal_name_fn)(void *ctx, const char *name);
int	journal_circuit_probes(struct journal *, int64_t now,
	    int64_t probe_until, journal_name_fn fn, void *ctx);
/* Gives back a probe taken until probe_until: half-open again at now. */
int	journal_circuit_unprobe(struct journal *, const char *target,
	    int64_t probe_until, int64_t now);

#endif
