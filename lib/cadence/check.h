/*
 * check: a cadence's step as map builds its messages (cadence.h): the
 * record as it is now, not as it was when the step fell due, put in the
 * event's data.record, and the cadence's stop condition asked of it
 * again.  A record that is over (or gone) makes no message.  It reads
 * the journal through a connection of its own, as mapstore does (the map
 * stage's belongs to its journal thread), from the thread that runs jq.
 *
 * Ownership: cadence_check_open returns a check that owns its
 * connection and programs and borrows cfg, which must outlive it;
 * cadence_check_close frees it.  cadence_check_event consumes *v and
 * gives another in its place.
 */
#ifndef INTEGRA_CADENCE_CHECK_H
#define INTEGRA_CADENCE_CHECK_H

#include <jv.h>

struct buf;
struct cadence_check;
struct cfg;
struct journal;

/*
 * NULL with the reason in err: a program that does not compile (*config
 * set), or the journal.
 */
struct cadence_check	*cadence_check_open(const struct cfg *,
			    const struct journal *, struct buf *err,
			    int *config);
void			 cadence_check_close(struct cadence_check *);

/* What the step of an event that is over names, for cadence_steps. */
struct cadence_check_over {
	char	*cadence;
	char	*key;
	char	*step;
	int	 manual;	/* sent by hand: no step of the run's */
};

/*
 * If *v, a canonical event, is a step of a cadence (its source
 * "cadence/NAME", its type the cadence's event): its data.record made the
 * record's as it is now; and if the stop condition holds of it, or it is
 * gone, *over (malloc'd, freed with cadence_check_over_free) names the
 * step.  Returns 0, or -1 with the reason in err if the journal cannot be
 * read (the event is to be mapped later).
 */
int	cadence_check_event(struct cadence_check *, jv *v,
	    struct cadence_check_over **over, struct buf *err);
void	cadence_check_over_free(struct cadence_check_over *);

#endif
