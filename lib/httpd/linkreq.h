/*
 * linkreq: a signed link (link.h) coming back as a GET of a source's path,
 * made the JSON object a webhook of that source would have posted: one
 * member a query member, a string, or a number for those the source names
 * as numbers.
 *
 * Ownership: linkreq_body appends to the caller's body, which may hold a
 * part of the object after a refusal: the caller releases it either way.
 * *why points to a static string.  The query is only read during the call.
 */
#ifndef INTEGRA_HTTPD_LINKREQ_H
#define INTEGRA_HTTPD_LINKREQ_H

#include <microhttpd.h>

struct buf;
struct cfg_links;

/*
 * Checks the link's signature with secret and writes its members to body.
 * Returns 0; or the HTTP status to refuse it with (400: a member that
 * should be a number is not, one that comes twice, too many; 401: no
 * signature, or not this link's) with the reason in *why.
 */
unsigned int	linkreq_body(struct MHD_Connection *, const char *path,
		    const struct cfg_links *, const char *secret,
		    struct buf *body, const char **why);

#endif
