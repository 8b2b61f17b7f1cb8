/*
 * httpd/events: the event API's reads and retries, for an API key with
 * events:read (events:write to retry).  POST /api/events journals events
 * through the journal thread instead (httpd/receiver.c).
 *
 *	GET	/api/events		list (type, source, status, tenant,
 *					since, until, limit, cursor)
 *	GET	/api/events/ID		the event, its deliveries, attempts
 *	POST	/api/events/ID/retry	its dead and failed deliveries again
 *
 * The answers are ops/events', the same as integra-events'.
 *
 * Ownership: each answer is built in a buffer of its own, copied by
 * libmicrohttpd and released before the handler returns.
 */
#ifndef INTEGRA_HTTPD_EVENTS_H
#define INTEGRA_HTTPD_EVENTS_H

#include "httpd/route.h"

enum MHD_Result	httpd_events_list(const struct httpd_call *);
enum MHD_Result	httpd_events_show(const struct httpd_call *);
enum MHD_Result	httpd_events_retry(const struct httpd_call *);

#endif
