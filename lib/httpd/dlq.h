/*
 * httpd/dlq: the receiver's /api/dlq, the dead-letter queue over HTTP, on
 * the server thread's own journal connection.  Every route needs an API
 * key with the admin scope: a dead letter holds the request that was
 * sent, with whatever personal data it carried.
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
 * Ownership: each answer is built in a buffer of its own, copied by
 * libmicrohttpd and released before the handler returns.
 */
#ifndef INTEGRA_HTTPD_DLQ_H
#define INTEGRA_HTTPD_DLQ_H

#include "httpd/route.h"

enum MHD_Result	httpd_dlq_list(const struct httpd_call *);
enum MHD_Result	httpd_dlq_stats(const struct httpd_call *);
enum MHD_Result	httpd_dlq_show(const struct httpd_call *);
enum MHD_Result	httpd_dlq_retry(const struct httpd_call *);
enum MHD_Result	httpd_dlq_archive(const struct httpd_call *);
enum MHD_Result	httpd_dlq_delete(const struct httpd_call *);

#endif
