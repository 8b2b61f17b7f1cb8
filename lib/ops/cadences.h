/*
 * ops/cadences: what integra-cadence and the receiver's /api/cadences
 * show and do besides a run (cadence/run.h), one function each, so that
 * the command line and HTTP agree (integra-cadence(1) has the shapes):
 * the cadences and their counts, the contact history of a record or of
 * whom records concern, and a step sent by hand.
 *
 * A step sent by hand is journaled as the run would (the due object, its
 * "manual" true), its idempotency key made unique by its time, in one
 * transaction with its row of cadence_manual; it may go again, and its
 * messages are built, and checked against the stop condition, as the
 * run's are.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out and why, which the caller releases with buf_release (also after a
 * failure).  Every function returns 0, or -1 if the journal failed.
 */
#ifndef INTEGRA_OPS_CADENCES_H
#define INTEGRA_OPS_CADENCES_H

#include <stdint.h>

struct buf;
struct cfg;
struct journal;

enum ops_cadences_result {
	OPS_CADENCES_DONE,
	OPS_CADENCES_MISSING,	/* no such cadence, step or item: why */
	OPS_CADENCES_OVER,	/* send: the item is over (its stop) */
	OPS_CADENCES_FAILED	/* send: a program of the step failed: why */
};

/*
 * {"cadences":[{"name","over","kind","timezone","window","catch_up",
 * "event","steps":[{"id","offset","channels","emit"}],"counts":{..}}]}:
 * every cadence, or the one called name; counts as journal/cadences.h
 * has them, "due" those due today in its zone at now.
 */
int	ops_cadences_status(const struct cfg *, struct journal *,
	    const char *name, int64_t now, struct buf *out,
	    enum ops_cadences_result *res);
/*
 * {"who":WHO,"history":[...]}: each step taken or sent by hand for the
 * records who names (a record's key, with or without its kind, or their
 * contact), oldest first, each with its messages and their tries.
 */
int	ops_cadences_history(const struct cfg *, struct journal *,
	    const char *who, struct buf *out);
/* Sends step of cadence for the record key now: {"cadence","step",...}. */
int	ops_cadences_send(const struct cfg *, struct journal *,
	    const char *cadence, const char *step, const char *key,
	    int64_t now, struct buf *out, struct buf *why,
	    enum ops_cadences_result *res);

#endif
