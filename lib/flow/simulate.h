/*
 * flow/simulate: a flow run whole on a virtual clock, in a journal of its
 * own that is thrown away, sending nothing: integra-flow simulate.  Its
 * instance starts from the event given; each step's request is printed
 * and answered 200 with {"ok":true,"id":DELIVERY} (the id a save can
 * keep); each wait is met by the first of the events given of its type,
 * or, with none, by one made up (of the awaited type, data {}), or, with
 * timeouts, runs out.  The clock jumps to whatever is due next.
 *
 * What it prints, a JSON object a line: {"at","step","request"} for each
 * request, {"at","step","event","made_up"} for each event a wait is
 * offered ("matched": false if its match gave another value), and last
 * the instance as integra-flow show prints it, its timeline included.
 *
 * Ownership: defs and the strings given are the caller's, only read.
 * What it prints is appended to out.
 */
#ifndef INTEGRA_FLOW_SIMULATE_H
#define INTEGRA_FLOW_SIMULATE_H

#include <stddef.h>

struct buf;
struct flow_defs;

struct flow_simulation {
	const char	*flow;
	const char	*start;		/* the start event, JSON */
	size_t		 start_len;
	const char	*events;	/* awaited events, NDJSON; NULL: none */
	size_t		 events_len;
	int		 timeouts;	/* waits run out, unless given an event */
};

/*
 * Returns 0; 1 with the reason in why (a bad start event, no such flow);
 * or -1 with the journal's failure in why.
 */
int	flow_simulate(const struct flow_defs *, const struct flow_simulation *,
	    struct buf *out, struct buf *why);

#endif
