/*
 * flow/arrive: what an event means to the flows as map sees it pass.  An
 * event of a flow's start type starts an instance (a second one with the
 * same key is a duplicate: nothing happens); an event of an await's type
 * whose match equals an instance's wait is taken by that instance (kept
 * for its resume if it is paused), and one that no wait takes is kept
 * for a wait that opens later; an event of a cancel_on type cancels the
 * instance whose key its match gives.
 *
 * In map's two halves (stream.h): flow_arrive_prepare runs the programs
 * on the jq thread, flow_arrive_apply writes what they gave in the
 * journal on the journal thread, running none.  An instance that an
 * event makes due at once is written to out as {"instance":ID}, for
 * dispatch downstream to move on at once (integra-retry would within
 * the minute).
 *
 * Ownership: flow_arrive_prepare returns a struct flow_arrival to free
 * with flow_arrive_free; it points into defs' config.
 */
#ifndef INTEGRA_FLOW_ARRIVE_H
#define INTEGRA_FLOW_ARRIVE_H

#include <stdint.h>

#include "flow/def.h"

struct buf;
struct cfg;
struct event;
struct journal;

enum flow_arrive_kind { FLOW_ARRIVE_START, FLOW_ARRIVE_MATCH,
	FLOW_ARRIVE_CANCEL };

struct flow_arrive_item {
	enum flow_arrive_kind	 kind;
	const struct cfg_flow	*flow;
	int			 step;		/* MATCH: the await's */
	char			*value;		/* the key, or the match */
	char			*tenant;	/* START */
	char			*settings;	/* START: a JSON object */
};

struct flow_arrival {
	struct flow_arrive_item	*items;
	size_t			 n;
};

/* 1 if some flow of defs starts on, awaits or is cancelled by type. */
int	flow_arrive_any(const struct flow_defs *, const char *type);
/*
 * What ev means to the flows: 0 and *out (NULL if nothing), or -1 with
 * the reason in err: a start event whose key gives nothing, or whose
 * settings are not the flow's or not of their defaults' types.
 */
int	flow_arrive_prepare(const struct flow_defs *, const struct event *ev,
	    struct flow_arrival **out, struct buf *err);
/* The same for flow d's start alone, whatever ev's type (an admin's). */
int	flow_arrive_start(const struct flow_def *d, const struct event *ev,
	    struct flow_arrival **out, struct buf *err);
/* Writes a in the journal for the event event_id.  0 or its failure. */
int	flow_arrive_apply(struct journal *, const struct cfg *,
	    const struct flow_arrival *a,
	    const char *event_id, const char *type, int64_t now,
	    struct buf *out);
void	flow_arrive_free(struct flow_arrival *);

#endif
