/*
 * fetch: one GET of a whole answer from an HTTP target, waited for: how
 * the syncs read their pages and the coverage looks a record up.  The
 * request carries Accept: application/json, the target's auth line (as
 * cfg_auth_line made it) and its headers.
 *
 * Ownership: everything passed in is only read; the answer is appended
 * to the caller's body, which the caller releases.
 */
#ifndef INTEGRA_TRANSPORT_FETCH_H
#define INTEGRA_TRANSPORT_FETCH_H

#include <stddef.h>

struct buf;
struct cfg_target;
struct http;

struct fetch {
	int		 status;	/* HTTP status; 0: no answer */
	const char	*error_class;	/* NULL: a 2xx */
	char		 error[256];	/* why, if not */
};

/*
 * GETs url whole (at most max bytes) into body.  Returns 0 once the
 * transfer is over (f->error_class says whether it failed), -1 if it
 * could not be made (libcurl failed; f->error says why).
 */
int	fetch_get(struct http *, const struct cfg_target *, const char *auth,
	    const char *url, size_t max, struct buf *body, struct fetch *f);

#endif
