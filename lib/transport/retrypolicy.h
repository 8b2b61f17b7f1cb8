/*
 * retrypolicy: what a failed try means for its delivery, and when the
 * next one is due.  Pure functions of the target's policy and the answer,
 * so that dispatch and the tests agree on them.
 *
 * Ownership: nothing here allocates; the functions only read what they
 * are given.
 */
#ifndef INTEGRA_TRANSPORT_RETRYPOLICY_H
#define INTEGRA_TRANSPORT_RETRYPOLICY_H

#include <stdint.h>

struct cfg_retry;

enum retry_verdict {
	RETRY_DONE,	/* delivered */
	RETRY_AGAIN,	/* a transient failure: try again later */
	RETRY_NEVER,	/* the target refused it: straight to the DLQ */
	RETRY_GONE	/* 410: the target is disabled, the delivery waits */
};

/* RETRY_AGAIN's ceiling on a Retry-After the target asks for. */
#define RETRY_AFTER_MAX_MS	(24 * 3600 * 1000LL)

/*
 * The verdict on one try: status is the HTTP status (0 if no answer came)
 * and error_class NULL for a 2xx answer.  Network errors, 5xx, 408, 425
 * and 429 are transient; other 4xx are final unless the policy lists them
 * in retry_on; 410 disables the target.  A request that cannot be sent
 * (class invalid), an SMTP server's 5xx refusal or refused login are
 * final; its 4xx, transient.
 */
enum retry_verdict policy_verdict(const struct cfg_retry *, int status,
	    const char *error_class);
/*
 * The wait after try number attempt (1 for the first) failed: the
 * schedule's entry, or exponential backoff with full jitter, a uniform
 * draw from [0, min(cap, base * factor^(attempt - 1))] made with rnd.
 */
int64_t	policy_delay(const struct cfg_retry *, int attempt, uint64_t rnd);
/*
 * The wait after a transient failure: the target's Retry-After
 * (retry_after_ms >= 0, on a 429 or 503) capped at RETRY_AFTER_MAX_MS,
 * else policy_delay.
 */
int64_t	policy_wait(const struct cfg_retry *, int attempt, int status,
	    int64_t retry_after_ms, uint64_t rnd);

#endif
