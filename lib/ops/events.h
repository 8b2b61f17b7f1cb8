/*
 * ops/events: what integra-events and the receiver's /api/events/... show
 * and do, one function each, so the command line and HTTP agree.
 *
 * Every answer is JSON, appended to out: a listing
 * {"events":[...],"next":ID|null} (next: the cursor for the page after,
 * when this one is full), an event with its deliveries and their attempts,
 * or a retry's {"id":...,"remapped":bool,"redelivered":n}.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out, which the caller releases with buf_release (also after a failure).
 * ops_events_filter_set keeps pointers to the values it is given, not
 * copies: they must outlive the filter.  ops_events_filter_of returns a
 * static string.
 */
#ifndef INTEGRA_OPS_EVENTS_H
#define INTEGRA_OPS_EVENTS_H

#include <stddef.h>

#include "journal/journal.h"
#include "journal/events.h"

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

#endif
