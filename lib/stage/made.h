/*
 * made: an event integra makes itself (an alert, the weekly summary),
 * journaled canonical at once, for map to route like any other: there is
 * nothing to normalize in it.  A second one with the same source and key
 * is the first one again: not journaled, not written.
 *
 * Ownership: a struct made points to the caller's strings, only read
 * during the call.  made_event appends to the caller's line and frees
 * the envelope it builds before it returns.
 */
#ifndef INTEGRA_STAGE_MADE_H
#define INTEGRA_STAGE_MADE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct journal;

struct made {
	const char	*source;
	const char	*type;
	const char	*subject;	/* may be NULL */
	const char	*tenant;
	const char	*key;		/* its idempotency key */
	const char	*group;		/* may be NULL */
	const char	*data;		/* JSON text */
	size_t		 len;
	int64_t		 now;
	char		*id;		/* if not NULL: gets the event's id
					   (ID_LEN + 1 bytes), "" if it was
					   made before */
};

/*
 * Journals the event and appends its envelope and a newline to line, if
 * it is not NULL (nothing if it was made before).  Returns 0 or the journal's failure.
 */
int	made_event(struct journal *, const struct made *, struct buf *line);

#endif
