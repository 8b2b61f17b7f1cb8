/*
 * journal/flows: the flows' instances (migration 13), the numbers given
 * them, the awaited events that came before their wait, and each
 * instance's log.  The engine that moves instances is lib/flow.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, a struct journal_flow handed to a callback lives during that
 * call only, and every function returns 0, or -1 (JOURNAL_BUSY) with the
 * reason in journal_error().
 */
#ifndef INTEGRA_JOURNAL_FLOWS_H
#define INTEGRA_JOURNAL_FLOWS_H

#include "base/buf.h"
#include "base/ids.h"
#include "journal/journal.h"

/* An instance, as a row of flow_instances. */
struct journal_flow {
	const char	*id;
	const char	*flow;
	const char	*key;
	const char	*tenant;
	const char	*number;
	const char	*event_id;	/* the start event */
	const char	*status;
	const char	*label;
	const char	*step;		/* NULL: none */
	int		 visit;
	int		 timeouts;
	int64_t		 due_at;	/* 0: none */
	const char	*delivery;	/* NULL: none */
	const char	*wait_value;
	const char	*matched;
	const char	*paused_from;
	const char	*settings;	/* JSON objects */
	const char	*vars;
	const char	*error;
	int		 cycle;
	int		 transitions;
	int64_t		 started_at;
	int64_t		 step_at;
	int64_t		 updated_at;
	int64_t		 ended_at;	/* 0: still going */
};

/* One line of an instance's log (flow_log). */
struct journal_flow_log {
	const char	*instance;
	const char	*flow;
	int		 seq;
	int64_t		 at;
	const char	*what;
	const char	*step;
	const char	*status_from;
	const char	*status_to;
	const char	*label;
	int64_t		 duration_ms;	/* -1: none */
	int		 attempt;	/* 0: none */
	const char	*event_id;
	const char	*detail;
};

typedef int (*journal_flow_fn)(void *ctx, const struct journal_flow *);
/* A list of instance ids, as journal_flow_due and _waiting fill it. */
struct journal_flow_ids {
	char		(*ids)[ID_LEN + 1];
	size_t		 n;
	size_t		 max;
};

/* The next number of flow for tenant in year: 1, 2, ... with no gap. */
int	journal_flow_number(struct journal *, const char *flow,
	    const char *tenant, int year, long long *seq);
/* Adds an instance; *added is 0 if its flow has one with its key. */
int	journal_flow_add(struct journal *, const struct journal_flow *,
	    int *added);
/* Writes back what changes of an instance (status to ended_at). */
int	journal_flow_put(struct journal *, const struct journal_flow *);
/* Calls fn with the instance whose id or number is ref; *found says. */
int	journal_flow_get(struct journal *, const char *ref,
	    journal_flow_fn fn, void *ctx, int *found);
int	journal_flow_by_key(struct journal *, const char *flow,
	    const char *key, journal_flow_fn fn, void *ctx, int *found);
int	journal_flow_by_delivery(struct journal *, const char *delivery,
	    journal_flow_fn fn, void *ctx, int *found);
/*
 * The running or waiting instances due at now, and the running ones
 * whose step's delivery died (moved to the queue by integra-retry), at
 * most ids->max, oldest first.
 */
int	journal_flow_due(struct journal *, int64_t now,
	    struct journal_flow_ids *ids);
/* The instances of flow waiting at step for value (any status). */
int	journal_flow_waiting(struct journal *, const char *flow,
	    const char *step, const char *value, struct journal_flow_ids *);
/* An awaited event that no wait took: kept for one that opens later. */
int	journal_flow_arrival_add(struct journal *, const char *flow,
	    const char *step, const char *value, const char *event_id,
	    int64_t received_at);
/*
 * Takes for instance the first event that came for flow's step with
 * value since since, if one did: event_id set, else event_id[0] '\0'.
 */
int	journal_flow_arrival_take(struct journal *, const char *flow,
	    const char *step, const char *value, int64_t since,
	    const char *instance, char event_id[ID_LEN + 1]);
int	journal_flow_log_add(struct journal *,
	    const struct journal_flow_log *);
/*
 * Ends a step's delivery that has not been sent: dead, archived (out of
 * the queue's listing), why as its error.
 */
int	journal_flow_delivery_drop(struct journal *, const char *delivery,
	    const char *why, int64_t now);
/*
 * A step's delivery as it stands: its status ("" if there is none), its
 * last error and its attempts.
 */
int	journal_flow_delivery_state(struct journal *, const char *delivery,
	    struct buf *status, struct buf *error, int *attempts);

/* What journal_flow_query lists; NULL, empty or 0 filters nothing. */
struct journal_flow_filter {
	const char	*flow;
	const char	*status;
	const char	*tenant;
	int64_t		 since;		/* started at or after, ms */
	int64_t		 until;		/* started before, ms */
	int		 errors;	/* 1: only those with an error;
					   -1: only those without */
	const char	*after;		/* ids after this one: the cursor */
	int		 limit;
};

/* Calls fn with each instance's id and a JSON summary of it, by id. */
int	journal_flow_query(struct journal *,
	    const struct journal_flow_filter *, journal_row_fn fn, void *ctx);
/*
 * The instance whose id or number is ref, with its settings, vars and
 * timeline, appended to out as JSON if *found.
 */
int	journal_flow_detail(struct journal *, const char *ref,
	    struct buf *out, int *found);
/* Calls fn with each flow, status and number of instances. */
typedef int (*journal_flow_count_fn)(void *ctx, const char *flow,
	    const char *status, long long n);
int	journal_flow_counts(struct journal *, journal_flow_count_fn fn,
	    void *ctx);
/*
 * The durations of flow's transitions what (completed, step.succeeded,
 * matched): fn with each step (NULL for completed), their number, mean,
 * and the 95th percentile.
 */
typedef int (*journal_flow_duration_fn)(void *ctx, const char *step,
	    long long n, double mean_ms, long long p95_ms);
int	journal_flow_durations(struct journal *, const char *flow,
	    const char *what, journal_flow_duration_fn fn, void *ctx);
/* The limit instances of flow that have waited longest at now. */
int	journal_flow_longest(struct journal *, const char *flow, int limit,
	    int64_t now, journal_row_fn fn, void *ctx);
/*
 * The awaited events no wait took (yet), of flow (NULL: all), by event
 * id (the order they came in) after the cursor after (NULL: from the
 * first), at most limit (0: all).
 */
int	journal_flow_unmatched(struct journal *, const char *flow,
	    const char *after, int limit, journal_row_fn fn, void *ctx);
/* A delivery's request as JSON, {target, method, url, headers, body}. */
int	journal_flow_request(struct journal *, const char *delivery,
	    struct buf *out);
/* How many awaited events no wait took (yet). */
int	journal_flow_unmatched_count(struct journal *, long long *n);
/*
 * Where the live (running, waiting, paused) instances stand: fn with each
 * flow and step, their number and the first few of their numbers.
 */
typedef int (*journal_flow_standing_fn)(void *ctx, const char *flow,
	    const char *step, long long n, const char *numbers);
int	journal_flow_standing(struct journal *, journal_flow_standing_fn fn,
	    void *ctx);

#endif
