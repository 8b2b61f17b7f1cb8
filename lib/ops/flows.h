/*
 * ops/flows: what integra-flow and the receiver's /api/flows show and do,
 * one function each, so that the command line and HTTP agree
 * (integra-flow(1) has the shapes).
 *
 * Every answer is JSON appended to out: a listing
 * {"instances":[...],"next":ID|null}, an instance with its settings,
 * vars and timeline, the stats {"flows":{NAME:{...}}}, the dashboard,
 * the unmatched events {"unmatched":[...]}.  A change (start, process,
 * pause, resume, cancel, set) runs in a transaction of its own and
 * answers the instance as it left it; what it did is in *result, with
 * the reason in why when it did nothing.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out and why, which the caller releases with buf_release (also after a
 * failure).  ops_flows_filter_set keeps pointers to the values it is
 * given: they must outlive the filter.  Every function returns 0, or -1
 * (JOURNAL_BUSY) if the journal failed.
 */
#ifndef INTEGRA_OPS_FLOWS_H
#define INTEGRA_OPS_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "journal/journal.h"
#include "journal/flows.h"

#define OPS_FLOWS_LIMIT		100	/* instances a page, by default */
#define OPS_FLOWS_LIMIT_MAX	1000

struct buf;
struct cfg;
struct flow_defs;

enum ops_flows_result {
	OPS_FLOWS_DONE,
	OPS_FLOWS_DUPLICATE,	/* start: the instance was there */
	OPS_FLOWS_MISSING,	/* no such instance (or flow) */
	OPS_FLOWS_REFUSED,	/* not in a state for it */
	OPS_FLOWS_BAD		/* the input is wrong */
};

void	ops_flows_filter_init(struct journal_flow_filter *);
/*
 * Sets the filter called name (flow, status, tenant, since, until,
 * errors, limit, cursor) from value.  0, or -1 with the reason in err.
 */
int	ops_flows_filter_set(struct journal_flow_filter *, const char *name,
	    const char *value, char *err, size_t errsz);
int	ops_flows_list(struct journal *, const struct journal_flow_filter *,
	    struct buf *out);
/* The same instances, each its id and JSON to fn. */
int	ops_flows_each(struct journal *, const struct journal_flow_filter *,
	    journal_row_fn fn, void *ctx);
int	ops_flows_show(struct journal *, const char *ref, struct buf *out,
	    int *found);
/* By flow: instances by status, success rate, times to completion and
 * per step (mean, 95th percentile). */
int	ops_flows_stats(const struct cfg *, struct journal *, int64_t now,
	    struct buf *out);
/* The stats, the longest waits and the unmatched events' count. */
int	ops_flows_dashboard(const struct cfg *, struct journal *, int64_t now,
	    struct buf *out);
/*
 * The awaited events no wait took, of flow (NULL: all), a page of limit
 * after the cursor after (NULL: the first page).
 */
int	ops_flows_unmatched(struct journal *, const char *flow,
	    const char *after, int limit, struct buf *out);
/*
 * Whether cfg has every flow and step id where live instances of the
 * journal stand (a step removed or renamed strands them): 0, with a line
 * in err for each place it lacks, naming the instances, and *stranded
 * set to how many stand there.
 */
int	ops_flows_stranded(const struct cfg *, struct journal *,
	    struct buf *err, long long *stranded);

/*
 * Starts an instance of flow from json[0..len): a CloudEvent, or the
 * data of one (its type the flow's start type), its tenant the one the
 * event names, else tenant (an API key's), else the config's.  The event
 * is journaled as the flow's own (not routed again by map).
 */
struct ops_flows_start {
	const char	*flow;
	const char	*json;
	size_t		 len;
	const char	*tenant;	/* NULL: the config's */
};
int	ops_flows_start(const struct flow_defs *, struct journal *,
	    const struct ops_flows_start *, int64_t now, struct buf *out,
	    struct buf *why, enum ops_flows_result *);
/* Runs the instance's step now, even before its delay is over. */
int	ops_flows_process(const struct flow_defs *, struct journal *,
	    const char *ref, int64_t now, struct buf *out, struct buf *why,
	    enum ops_flows_result *);
/* Every due instance (flow/round.h): {"instances","steps","transitions"}. */
int	ops_flows_process_pending(const struct flow_defs *, struct journal *,
	    int64_t now, struct buf *out);
enum ops_flows_move { OPS_FLOWS_PAUSE, OPS_FLOWS_RESUME, OPS_FLOWS_CANCEL };
/* Pauses, resumes or cancels the instance. */
int	ops_flows_move(const struct cfg *, struct journal *, const char *ref,
	    enum ops_flows_move, int64_t now, struct buf *out, struct buf *why,
	    enum ops_flows_result *);
/* Sets the instance's settings that the JSON object json gives. */
int	ops_flows_set(const struct cfg *, struct journal *, const char *ref,
	    const char *json, size_t len, int64_t now, struct buf *out,
	    struct buf *why, enum ops_flows_result *);

#endif
