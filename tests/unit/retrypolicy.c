/*
 * retrypolicy: unit tests of lib/transport/retrypolicy: what an answer
 * means and how long to wait.
 */
#include <stdint.h>

#include "conf/config.h"
#include "transport/retrypolicy.h"

#include "tap.h"

static void
test_retrypolicy(void)
{
	struct cfg_retry p = { .max_attempts = 4, .base_ms = 1000,
	    .factor = 2.0, .cap_ms = 5000 };
	int64_t d, maxd = 0;
	uint64_t r;

	ok(policy_verdict(&p, 200, NULL) == RETRY_DONE, "policy: 2xx done");
	ok(policy_verdict(&p, 0, "connect") == RETRY_AGAIN,
	    "policy: no answer is transient");
	ok(policy_verdict(&p, 503, "http_5xx") == RETRY_AGAIN &&
	    policy_verdict(&p, 408, "http_408") == RETRY_AGAIN &&
	    policy_verdict(&p, 425, "http_425") == RETRY_AGAIN &&
	    policy_verdict(&p, 429, "http_429") == RETRY_AGAIN,
	    "policy: 5xx, 408, 425, 429 are transient");
	ok(policy_verdict(&p, 400, "http_4xx") == RETRY_NEVER &&
	    policy_verdict(&p, 404, "http_4xx") == RETRY_NEVER &&
	    policy_verdict(&p, 409, "http_4xx") == RETRY_NEVER,
	    "policy: other 4xx are final");
	ok(policy_verdict(&p, 410, "http_410") == RETRY_GONE,
	    "policy: 410 disables the target");
	p.retry_on[p.nretry_on++] = 409;
	ok(policy_verdict(&p, 409, "http_4xx") == RETRY_AGAIN &&
	    policy_verdict(&p, 404, "http_4xx") == RETRY_NEVER,
	    "policy: retry_on makes a 4xx transient");
	/* Full jitter: within [0, min(cap, base * 2^(n-1))], and spread. */
	for (r = 1; r < 2000; r++) {
		d = policy_delay(&p, 3, r * 2654435761u);
		if (d < 0 || d > 4000)
			break;
		if (d > maxd)
			maxd = d;
	}
	ok(r == 2000 && maxd > 3900, "policy: attempt 3 waits [0, 4 s]"
	    " (max drawn %lld)", (long long)maxd);
	ok(policy_delay(&p, 10, UINT64_MAX) <= 5000 &&
	    policy_delay(&p, 10, 5000) == 5000, "policy: capped at 5 s");
	ok(policy_delay(&p, 1, 0) == 0, "policy: full jitter reaches 0");
	ok(policy_wait(&p, 1, 429, 30000, 0) == 30000 &&
	    policy_wait(&p, 1, 503, 2000, 0) == 2000 &&
	    policy_wait(&p, 1, 500, 30000, 1) <= 1000,
	    "policy: Retry-After on 429 and 503 only");
	ok(policy_wait(&p, 1, 429, 90LL * 86400000, 0) == RETRY_AFTER_MAX_MS,
	    "policy: Retry-After capped at a day");
	p.delays[0] = 5000;
	p.delays[1] = 300000;
	p.ndelays = 2;
	ok(policy_delay(&p, 1, 12345) == 5000 &&
	    policy_delay(&p, 2, 12345) == 300000 &&
	    policy_delay(&p, 7, 12345) == 300000,
	    "policy: an explicit schedule, its last wait after");
}

int
main(void)
{
	test_retrypolicy();
	return tap_done();
}
