/*
 * report: what the journal's counts say (journal_report), as integra-report
 * and the receiver's GET /metrics print it.  Every function reads a few
 * hundred rows at most, whatever the journal's size: the counts are kept
 * by triggers as the writers go (journal migration 8).
 */
#ifndef INTEGRA_REPORT_H
#define INTEGRA_REPORT_H

#include <stdint.h>

struct buf;
struct journal;

/* When health warns and when it is critical. */
struct report_limits {
	int64_t		warn_age_ms;	/* the oldest waiting work's age */
	int64_t		crit_age_ms;
	int64_t		warn_retries;	/* failed deliveries waiting */
};

#define REPORT_WARN_AGE_MS	(15 * 60 * 1000)
#define REPORT_CRIT_AGE_MS	(60 * 60 * 1000)
#define REPORT_WARN_RETRIES	100

enum report_status { REPORT_OK, REPORT_WARNING, REPORT_CRITICAL };

/*
 * Appends the stats of the whole hours since now - window_ms (what came,
 * was made, tried or delivered in them), as JSON or as text.  Returns 0,
 * or -1 if the journal failed.
 */
int	report_stats(struct journal *, int64_t now, int64_t window_ms, int json,
	    struct buf *out);
/* Appends the Prometheus text exposition (version 0.0.4) of the counts. */
int	report_metrics(struct journal *, int64_t now, struct buf *out);
/*
 * Appends one line, "OK: ...", "WARNING: ..." or "CRITICAL: ..." with
 * the reasons, and sets *status.  Returns 0, or -1 if the journal failed.
 */
int	report_health(struct journal *, int64_t now,
	    const struct report_limits *, struct buf *out,
	    enum report_status *status);

#endif
