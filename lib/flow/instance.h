/*
 * flow/instance: an instance of a flow in memory, and what moves it
 * without running a program: read and written back, logged, started,
 * brought to a step, matched, paused, resumed, cancelled, failed,
 * completed.  None of these uses jv or jq, so that map's journal thread
 * may call them (stream.h); flow/run does what needs a program.
 *
 * Every transition is a line of the instance's log (flow_log) and an
 * event of integra's own, integra.flow.WHAT, with the instance's id as
 * its subject, journaled canonical for map to route like any other (a
 * chat alert on integra.flow.failed).  Its idempotency key is the
 * instance and the line's number, so a transition replayed after a
 * crash is one event.
 *
 * Ownership: a struct flow_instance owns its strings; flow_instance_
 * release frees them.  cfg points into the config, which must outlive
 * it.  The functions only read the strings they are given.
 */
#ifndef INTEGRA_FLOW_INSTANCE_H
#define INTEGRA_FLOW_INSTANCE_H

#include <stdint.h>

#include "base/ids.h"

struct buf;
struct cfg;
struct cfg_flow;
struct journal;
struct journal_flow;

#define FLOW_SOURCE	"integra/flow"

/*
 * An instance's statuses, in this order (the order counts and listings
 * show them in), then NULL.
 */
#define FLOW_STATUSES	6
extern const char *const flow_instance_statuses[FLOW_STATUSES + 1];

struct flow_instance {
	const struct cfg_flow	*cfg;
	char			 id[ID_LEN + 1];
	char			*key;
	char			*tenant;
	char			*number;
	char			 event_id[ID_LEN + 1];
	const char		*status;	/* a static string */
	char			*label;
	int			 step;		/* index in cfg's steps; -1 */
	int			 visit;
	int			 timeouts;	/* since a wait last matched or
						   went on: on_timeout's turn */
	int64_t			 due_at;	/* 0: none */
	char			*delivery;	/* NULL: none */
	char			*wait_value;
	char			*matched;
	const char		*paused_from;	/* NULL, running or waiting */
	char			*settings;	/* JSON objects */
	char			*vars;
	char			*error;
	int			 cycle;
	int			 transitions;
	int64_t			 started_at;
	int64_t			 step_at;
	int64_t			 ended_at;	/* 0: going on */
	int			 dirty;		/* changed since written */
};

/* A transition's line in the log, beyond what the instance says. */
struct flow_log {
	const char	*what;		/* started, step.succeeded, ... */
	const char	*from;		/* the status before; NULL: none */
	const char	*step;		/* NULL: the instance's */
	int64_t		 duration_ms;	/* -1: since it came to its step */
	int		 attempt;	/* 0: none */
	const char	*event_id;	/* what came for it; NULL: none */
	const char	*detail;	/* why; NULL: none */
};

/* What starts an instance: worked out from its event by flow/arrive. */
struct flow_start {
	const char	*key;
	const char	*tenant;
	const char	*settings;	/* JSON object text */
	const char	*event_id;
	int64_t		 received_at;
};

/*
 * Reads the instance whose id or number is ref into fi: 0 and *found 1,
 * 0 and *found 0 if there is none (or its flow is not in cfg any more:
 * *found -1), or a journal failure.
 */
int	flow_instance_read(struct journal *, const struct cfg *,
	    const char *ref, struct flow_instance *fi, int *found);
/* The same, by the id of its step's delivery or by its flow and key. */
int	flow_instance_by_delivery(struct journal *, const struct cfg *,
	    const char *delivery, struct flow_instance *fi, int *found);
int	flow_instance_by_key(struct journal *, const struct cfg_flow *,
	    const char *key, struct flow_instance *fi, int *found);
void	flow_instance_release(struct flow_instance *);
/* Writes back fi's state, as of now. */
int	flow_instance_put(struct journal *, struct flow_instance *,
	    int64_t now);
/*
 * Logs a transition of fi (to its status as it stands) and journals its
 * event, appending the event's line to out if not NULL.
 */
int	flow_instance_log(struct journal *, struct flow_instance *,
	    const struct flow_log *, int64_t now, struct buf *out);
/*
 * Starts an instance of flow for s: numbered, at its first step, due at
 * once or after its delay.  *started is 0 if one with s's key exists
 * (nothing changed).  fi holds it after.
 */
int	flow_instance_start(struct journal *, const struct cfg_flow *,
	    const struct flow_start *s, int64_t now, struct flow_instance *fi,
	    int *started, struct buf *out);
/*
 * Brings fi to step (its index; past the last: completed, which is
 * logged), due at once for an await, after its delay for an action.  Not
 * written back: fi is left dirty, for the caller to put.
 */
int	flow_instance_enter(struct journal *, struct flow_instance *, int step,
	    int64_t now, struct buf *out);
/* Ends fi as failed, or cancelled, with why; its step's delivery dropped. */
int	flow_instance_fail(struct journal *, struct flow_instance *,
	    const char *why, int64_t now, struct buf *out);
int	flow_instance_cancel(struct journal *, struct flow_instance *,
	    const char *why, int64_t now, struct buf *out);
/*
 * Pauses fi (running or waiting) or resumes it (paused): 0, or 1 with
 * the reason in why when it is not in a state that can be.
 */
int	flow_instance_pause(struct journal *, struct flow_instance *,
	    int64_t now, struct buf *out, struct buf *why);
int	flow_instance_resume(struct journal *, struct flow_instance *,
	    int64_t now, struct buf *out, struct buf *why);
/*
 * An event that fi's wait matched: taken now if it is waiting (due at
 * once, for flow/run to apply), kept for its resume if it is paused.
 * *taken is 0 if it had one already.
 */
int	flow_instance_match(struct journal *, struct flow_instance *,
	    const char *event_id, int64_t now, int *taken);
/* Whether type is one of the integra.flow.* events' types. */
int	flow_instance_event_known(const char *type);
/* Whether status is one an instance ends in. */
int	flow_instance_ended(const char *status);

#endif
