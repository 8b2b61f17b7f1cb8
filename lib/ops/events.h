/*
 * ops/events: what integra-events and the receiver's /api/events/... show
 * and do, one function each, so the command line and HTTP agree.
 *
 * Every answer is JSON, appended to out: a listing
 * {"events":[...],"next":ID|null} (next: the cursor for the page after,
 * when this one is full), an event with its deliveries and their attempts,
 * a retry's {"id":...,"remapped":bool,"redelivered":n}, or a retry by
 * query's summary.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out, which the caller releases with buf_release (also after a failure),
 * and what a struct ops_events_retried counts, which
 * ops_events_retried_release frees.  ops_events_filter_set and
 * ops_events_retry_set keep pointers to the values they are given, not
 * copies: they must outlive the filter.  ops_events_filter_of returns a
 * static string.
 */
#ifndef INTEGRA_OPS_EVENTS_H
#define INTEGRA_OPS_EVENTS_H

#include <stddef.h>

#include "journal/journal.h"
#include "journal/events.h"
#include "ops/dlq.h"

#define OPS_EVENTS_LIMIT		100	/* events a page, by default */
#define OPS_EVENTS_LIMIT_MAX	1000

struct buf;

/* Resets f to no filter and the default page. */
void	ops_events_filter_init(struct journal_filter *f);
/*
 * Sets the filter called name (type, source, status, tenant, since,
 * until, limit, cursor) from value, which f keeps pointing to.  Returns
 * 0, or -1 with the reason in err.
 */
int	ops_events_filter_set(struct journal_filter *f, const char *name,
	    const char *value, char *err, size_t errsz);
/*
 * The filters as command-line options (cli/options.h), for integra-events
 * list and integra-report events: an option's long name is the filter's,
 * which ops_events_filter_option sets in f, a struct journal_filter *.
 */
#define OPS_EVENTS_FILTER_OPTIONS(f)					\
	OPS_EVENTS_FILTER_OPTION('t', "type", f),			\
	OPS_EVENTS_FILTER_OPTION('s', "source", f),			\
	OPS_EVENTS_FILTER_OPTION('S', "status", f),			\
	OPS_EVENTS_FILTER_OPTION('T', "tenant", f),			\
	OPS_EVENTS_FILTER_OPTION('a', "since", f),			\
	OPS_EVENTS_FILTER_OPTION('b', "until", f),			\
	OPS_EVENTS_FILTER_OPTION('n', "limit", f),			\
	OPS_EVENTS_FILTER_OPTION('C', "cursor", f)
#define OPS_EVENTS_FILTER_OPTION(letter, name, f)			\
	OPTIONS_CALLBACK(letter, name, name, ops_events_filter_option, f)
int	ops_events_filter_option(void *f, const char *name, const char *value,
	    char *err, size_t errsz);
/* Returns 0, or -1 (the journal's error). */
int	ops_events_list(struct journal *, const struct journal_filter *,
	    struct buf *out);
int	ops_events_show(struct journal *, const char *id, struct buf *out,
	    int *found);
/* In a transaction of its own: the journal must have none open. */
int	ops_events_retry(struct journal *, const char *id, struct buf *out,
	    int *found);

#define OPS_EVENTS_BATCH	500	/* events retried a transaction */

/* Resets f to no filter. */
void	ops_events_retry_init(struct journal_retry_filter *f);
/*
 * Sets the filter of a retry by query called name: those of
 * ops_events_filter_set but limit and cursor, target, and class (an error
 * class, ops_dlq_class_check).  Returns 0, or -1 with the reason in err.
 */
int	ops_events_retry_set(struct journal_retry_filter *f, const char *name,
	    const char *value, char *err, size_t errsz);

/* What a retry by query did, or would do. */
struct ops_events_retried {
	size_t			 events;	/* the events it took */
	size_t			 remapped;	/* those to be mapped again */
	struct ops_dlq_tally	 redelivered;	/* deliveries sent again */
};
#define OPS_EVENTS_RETRIED_INIT	{ 0, 0, OPS_DLQ_TALLY_INIT }
void	ops_events_retried_release(struct ops_events_retried *);
/*
 * Retries every event f selects as ops_events_retry does, but, with f's
 * target or class, sends again only those of its deliveries and does not
 * map it again (which could make deliveries to any target);
 * OPS_EVENTS_BATCH events a transaction (the journal must have none
 * open).  With dry_run, changes nothing and counts what it would do.
 * Returns 0, or -1 (the journal's error; what counts the batches
 * committed before it).
 */
int	ops_events_retry_query(struct journal *,
	    const struct journal_retry_filter *f, int dry_run,
	    struct ops_events_retried *what);
/*
 * {"dry_run":BOOL,"events":N,"remapped":N,"redelivered":N,
 * "by_target":{TARGET:N,...}}: its summary.
 */
void	ops_events_retried_json(struct buf *out,
	    const struct ops_events_retried *, int dry_run);

#endif
