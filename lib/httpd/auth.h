/*
 * httpd/auth: the API key a request shows, from X-API-Key or
 * Authorization: Bearer, checked against the journal's keys (only their
 * SHA-256 is kept) for the scope its route needs (httpd/route.h).
 *
 * Ownership: httpd_auth_key fills the caller's *k, whose strings point
 * into its own arrays (journal.h); nothing is handed back to free.
 */
#ifndef INTEGRA_HTTPD_AUTH_H
#define INTEGRA_HTTPD_AUTH_H

#include <microhttpd.h>

#include "journal/journal.h"
#include "journal/keys.h"

/*
 * 0 with the key in *k, or the HTTP status to answer with: 401 unknown or
 * revoked, 403 without the scope, 503 the journal failed.
 */
unsigned int	httpd_auth_key(struct journal *reader, struct MHD_Connection *,
		    const char *scope, struct journal_key *k);
/* The answer for a key httpd_auth_key refused with status. */
enum MHD_Result	httpd_auth_refused(struct MHD_Connection *,
		    unsigned int status);

#endif
