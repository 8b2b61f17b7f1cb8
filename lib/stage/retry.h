/*
 * retry: the scheduler's round.  It moves the deliveries that are out of
 * attempts (by the policy in force now) to the dead-letter queue, moves
 * the flows' due instances on (flow/round.h), then sends whatever is due
 * with dispatch's own loop: retries whose backoff has passed, delayed
 * steps, the flows' requests, and claims whose lease ran out (their
 * dispatch died).  Claims keep any number of retry and dispatch
 * processes from sending a delivery twice.
 *
 * Ownership: o and what it points to are the caller's, only used during
 * the call.
 */
#ifndef INTEGRA_STAGE_RETRY_H
#define INTEGRA_STAGE_RETRY_H

#include "stage/dispatch.h"

/*
 * One round, logged: EX_OK; EX_UNAVAILABLE if a delivery died or was
 * moved to the queue; EX_TEMPFAIL if some wait for another round; or the
 * failure that stopped it.
 */
int	retry_round(const struct dispatch_opts *o);
/*
 * Rounds every interval seconds until SIGTERM or SIGINT, which are
 * blocked during a round so that a round ends what it started (a kill -9
 * is safe too: its claims run out and the next round takes them).  Only
 * the journal or the config failing ends it early.
 */
int	retry_loop(const struct dispatch_opts *o, long interval);

#endif
