/*
 * run: a cadence run (integra-cadence run, from cron): for each cadence,
 * its records indexed again if its version is new (index.h), then, if
 * it is inside its send window now in its time zone, each step that has
 * fallen due journaled as an event, for map to make the messages of its
 * channels' routes: of type the cadence's event (an emitting step's, its
 * own type), source "cadence/NAME", subject the record's key, data the
 * due object (def.h), its idempotency key "NAME:KEY:STEP".
 *
 * Of the steps of an item that have fallen due, the catch-up policy says
 * which go: the latest (the others are skipped), all in order, or only
 * one that falls due today.  A step whose after: step did not go, or
 * whose condition is false, is skipped.  What each step did is kept with
 * the event, in one transaction (journal/cadences.h), so that a step
 * goes once whatever runs twice: two runs at once, a run killed and run
 * again, a record synced again.
 *
 * Ownership: cadence_run borrows what its options point to (out is
 * written, not closed) and fills the caller's result.
 */
#ifndef INTEGRA_CADENCE_RUN_H
#define INTEGRA_CADENCE_RUN_H

#include <stdint.h>
#include <stdio.h>

struct buf;
struct cadence_def;
struct cfg;
struct journal;

struct cadence_run_opts {
	const struct cfg	*cfg;
	struct journal		*journal;
	const char		*name;		/* one cadence; NULL: all */
	FILE			*out;		/* the events made */
	int64_t			 now;		/* ms */
};

struct cadence_run_result {
	long		 indexed;	/* records indexed again */
	long		 undated;	/* of them, without a day */
	long		 due;		/* items that had a step due */
	long		 sent;		/* steps journaled as events */
	long		 skipped;	/* steps passed over */
	long		 outside;	/* cadences outside their window */
	char		 error[512];
};

/*
 * Returns an exit code: EX_OK; EX_CONFIG if a program does not compile;
 * EX_TEMPFAIL if the journal stayed locked; EX_IOERR if out cannot be
 * written; EX_SOFTWARE.  result->error says why when it is not EX_OK.
 */
int	cadence_run(const struct cadence_run_opts *,
	    struct cadence_run_result *);

/*
 * The event of step (an index of def's steps) for the record of key
 * (JSON text), anchored on day anchor, falling due on day, today being
 * today: journaled, in the caller's transaction, its envelope and a
 * newline appended to line.  manual: sent by hand, at now (its
 * idempotency key says when).  *event gets its id, "" if it was made
 * before (the step went).  Returns 0, 1 if a program of the step failed
 * (why says, its condition or its data), or -1 if the journal failed.
 * With check, a false condition is 2 and journals nothing.
 */
int	cadence_step_event(struct cadence_def *, struct journal *,
	    size_t step, const char *key, const char *record, size_t len,
	    int64_t anchor, int64_t day, int64_t today, int manual, int check,
	    int64_t now, struct buf *line, char *event, struct buf *why);

#endif
