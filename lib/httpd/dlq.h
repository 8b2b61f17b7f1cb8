/*
 * httpd/dlq: the receiver's /api/dlq, the dead-letter queue over HTTP, on
 * the server thread's own journal connection like httpd/status.  Every call
 * needs an API key with the admin scope: a dead letter holds the request
 * that was sent, with whatever personal data it carried.
 *
 *	GET	/api/dlq		list (type, target, since, archived,
 *					limit, cursor)
 *	GET	/api/dlq/stats		counts and the oldest's age
 *	GET	/api/dlq/ID		the request, the event, every attempt
 *	POST	/api/dlq/ID/retry	back to pending, attempts reset
 *	POST	/api/dlq/ID/archive	set aside
 *	DELETE	/api/dlq/ID[?force=1]	gone (archived ones, unless force)
 *
 * The answers are ops/dlq's, the same as integra-dlq's.
 *
 * Ownership: httpd_dlq_answer only reads url and method, and uses the
 * reader without closing it.  The answer is built in a buffer of its own,
 * copied by libmicrohttpd (reply.h) and released before it returns.
 */
#ifndef INTEGRA_HTTPD_DLQ_H
#define INTEGRA_HTTPD_DLQ_H

#include <microhttpd.h>

struct journal;

/* Answers a request whose url is /api/dlq or starts with /api/dlq/. */
enum MHD_Result	httpd_dlq_answer(struct journal *reader,
		    struct MHD_Connection *, const char *url,
		    const char *method);

#endif
