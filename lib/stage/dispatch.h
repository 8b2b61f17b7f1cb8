/*
 * dispatch: the stage that delivers.  It claims deliveries in the journal
 * (from the ids it reads, or whatever is due with --pending), sends them
 * with many requests in flight and at most a target's concurrency to each
 * target, records every attempt, and writes one outcome record a delivery
 * once that outcome is committed.
 *
 * Ownership: dispatch_run borrows the cfg and journal of its options,
 * reads in_fd without closing it, and fills the caller's stats and err.
 * The secrets, jobs and later steps it makes are freed (secrets cleared)
 * before it returns.
 */
#ifndef INTEGRA_STAGE_DISPATCH_H
#define INTEGRA_STAGE_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

struct cfg;
struct journal;

struct dispatch_opts {
	const struct cfg	*cfg;
	struct journal		*journal;
	int			 pending;	/* drain the journal, not stdin */
	/*
	 * With pending: once none is left, wait for more (told by the
	 * journal, or looked for every poll_ms; 0: the default), until a
	 * signal asks to stop.
	 */
	int			 follow;
	int64_t			 poll_ms;
	int			 in_fd;
	int64_t			 lease_ms;	/* how long a claim holds */
	size_t			 batch_max;	/* outcomes a commit */
	int			 batch_ms;
	size_t			 max_line;
	/*
	 * Retries are normal here: deliveries that failed and will be due
	 * again, or wait for their target, make no EX_TEMPFAIL unless
	 * nothing at all was delivered.
	 */
	int			 retries_ok;
};

struct dispatch_stats {
	long	read;
	long	rejected;
	long	skipped;	/* not due: delivered, or another's */
	long	delivered;
	long	failed;		/* will be tried again */
	long	dead;		/* out of attempts, or refused */
	long	waiting;	/* for a disabled target or an open circuit */
	long	released;	/* claims that ran out before a slot was free */
	long	followups;	/* later steps and fallbacks made */
};

/* The default lease: long enough that no transfer outlives its claim. */
int64_t	dispatch_lease_ms(const struct cfg *);

/*
 * Runs until the input ends (or nothing is due, with pending) and every
 * transfer has come back.  Returns an exit code: EX_OK, EX_DATAERR (a
 * record was rejected), EX_UNAVAILABLE (a delivery is dead), EX_TEMPFAIL
 * (a delivery failed and will be due again, one waited out its claim and
 * is left for the next, unless retries_ok and some were delivered; or
 * the journal stayed busy),
 * EX_CONFIG (a secret is missing), EX_IOERR or EX_SOFTWARE; err says why
 * when it is not one of the first four.
 */
int	dispatch_run(const struct dispatch_opts *, struct dispatch_stats *,
	    char *err, size_t errsz);

#endif
