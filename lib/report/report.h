/*
 * report: what the journal says of the hub, as integra-report and the
 * receiver's GET /metrics print it.  It reads the counts of what happened
 * that the writers keep by the hour (journal_report), so a report costs a
 * few thousand rows whatever the journal's size, and the work waiting
 * from partial indexes, which hold only what waits.
 *
 * Ownership: report_load fills a struct report that owns its arrays and
 * every name in them, copied from the journal's rows; report_release
 * frees them (after a failed load too) and zeroes the struct.  The other
 * functions only read the report, and append to the caller's out.
 */
#ifndef INTEGRA_REPORT_REPORT_H
#define INTEGRA_REPORT_REPORT_H

#include <stdint.h>

#include "journal/journal.h"
#include "journal/counts.h"
#include "flow/instance.h"

struct buf;

/* A sum by name. */
struct report_sum {
	char		*name;
	int64_t		 n;
};
struct report_sums {
	struct report_sum *v;
	size_t		 len;
};

/* One target: its deliveries by what became of them, and its state. */
struct report_target {
	char		*name;
	struct report_sums status;
	int64_t		 latency[JOURNAL_LATENCY_BUCKETS + 1];	/* + inf */
	int64_t		 latency_ms;	/* their sum */
	int		 disabled;
	int		 circuit;	/* 0 closed, 1 open, 2 half-open */
};

/* A sync job's runs (journal_report's JOURNAL_REPORT_SYNCS). */
struct report_sync {
	char		*name;
	char		*last;		/* its last run's status */
	int64_t		 ok, failed, running;
	int64_t		 last_ok;	/* ms; 0: never */
	int64_t		 read, changed, refused;
	/* The runs since that ended, by time (journal_sync_bounds). */
	int64_t		 took[JOURNAL_SYNC_BUCKETS + 1];
	int64_t		 took_ms;
};

/* A flow's instances by status (flow_instance_statuses'), its completions. */
struct report_flow {
	char		*name;
	int64_t		 by[FLOW_STATUSES];
	int64_t		 completions, completion_ms;
};

/* What journal_report's JOURNAL_REPORT_WAITING row holds, by name. */
enum report_waiting {
	WAIT_RECEIVED, WAIT_NORMALIZED, WAIT_PENDING, WAIT_FAILED,
	WAIT_IN_FLIGHT, WAIT_DEAD, WAIT_OLDEST_EVENT, WAIT_OLDEST_DUE,
	WAIT_COUNT
};

struct report {
	int64_t		 since;		/* a whole hour */
	int64_t		 now;
	/* The counts since then, as journal_report gives them. */
	struct journal_report_row *rows;	/* names copied */
	size_t		 nrows;
	/* Their sums. */
	int64_t		 received;	/* events */
	struct report_sums ev_type, ev_source, ev_status;
	struct report_sums dl_status;
	struct report_target *targets;
	size_t		 ntargets;
	int64_t		 attempts, attempt_ms;
	struct report_sums outcome;
	int64_t		 latency[JOURNAL_LATENCY_BUCKETS + 1];
	int64_t		 delivered, latency_ms;
	struct report_sync *syncs;
	size_t		 nsyncs;
	struct report_flow *flows;
	size_t		 nflows;
	/* Now. */
	int64_t		 waiting[WAIT_COUNT];
};

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
 * Reads the counts of the whole hours from the one since_ms falls in
 * (0: all), the targets' states and the work waiting.  Returns 0, or the
 * journal's failure; report_release in either case.
 */
int	report_load(struct report *, struct journal *, int64_t now,
	    int64_t since_ms);
void	report_release(struct report *);
/* n of name in sums, 0 if none. */
int64_t	report_sum(const struct report_sums *, const char *name);
/* delivered / (delivered + dead), or -1 if none settled. */
double	report_success(const struct report *);
/*
 * The mean and the 95th percentile of the time from receipt to delivery,
 * in ms: the percentile is the bound of the bucket it falls in, -1 if
 * over the last.  Both 0 if nothing was delivered.
 */
void	report_latency(const struct report *, double *mean, int64_t *p95);
/* The age in ms of the oldest waiting work (an event, a due delivery). */
int64_t	report_oldest_age(const struct report *);

/* Appends the stats, as text or JSON (integra-report(1) has the shape). */
void	report_stats(const struct report *, int json, struct buf *out);
/* Appends the Prometheus text exposition (version 0.0.4); since 0. */
void	report_metrics(const struct report *, struct buf *out);
/* Appends "OK: ...", "WARNING: ..." or "CRITICAL: ..." and a newline. */
enum report_status report_health(const struct report *,
	    const struct report_limits *, struct buf *out);

#endif
