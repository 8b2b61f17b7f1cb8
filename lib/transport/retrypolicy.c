/*
 * retrypolicy: error classes and schedules.
 */
#include <stddef.h>
#include <string.h>

#include "conf/config.h"
#include "transport/retrypolicy.h"

enum retry_verdict
policy_verdict(const struct cfg_retry *p, int status, const char *error_class)
{
	size_t i;

	if (error_class == NULL)
		return RETRY_DONE;
	/*
	 * What can never be sent, SMTP's refusals (http.c), and a 401 with a
	 * fresh token (dispatch).
	 */
	if (strcmp(error_class, "invalid") == 0 ||
	    strcmp(error_class, "auth") == 0 ||
	    strcmp(error_class, "smtp_5xx") == 0 ||
	    strcmp(error_class, "smtp_auth") == 0)
		return RETRY_NEVER;
	if (strcmp(error_class, "smtp_4xx") == 0)
		return RETRY_AGAIN;
	if (status < 400 || status >= 500)
		return RETRY_AGAIN;	/* no answer, 5xx, or a 1xx/3xx */
	if (status == 410)
		return RETRY_GONE;
	if (status == 408 || status == 425 || status == 429)
		return RETRY_AGAIN;
	for (i = 0; i < p->nretry_on; i++)
		if (p->retry_on[i] == status)
			return RETRY_AGAIN;
	return RETRY_NEVER;
}

int64_t
policy_delay(const struct cfg_retry *p, int attempt, uint64_t rnd)
{
	double d = (double)p->base_ms;
	int i;

	if (p->ndelays > 0) {
		if (attempt < 1)
			attempt = 1;
		if ((size_t)attempt > p->ndelays)
			attempt = (int)p->ndelays;
		return p->delays[attempt - 1];
	}
	for (i = 1; i < attempt && d < (double)p->cap_ms; i++)
		d *= p->factor;
	if (d > (double)p->cap_ms)
		d = (double)p->cap_ms;
	return (int64_t)(rnd % ((uint64_t)d + 1));
}

int64_t
policy_wait(const struct cfg_retry *p, int attempt, int status,
    int64_t retry_after_ms, uint64_t rnd)
{
	if (retry_after_ms >= 0 && (status == 429 || status == 503))
		return retry_after_ms < RETRY_AFTER_MAX_MS ? retry_after_ms :
		    RETRY_AFTER_MAX_MS;
	return policy_delay(p, attempt, rnd);
}
