/*
 * httpd/flows: the receiver's /api/flows, the flows' instances over HTTP,
 * on the server thread's own journal connection (the thread that runs
 * jq).  The answers are ops/flows', the same as integra-flow's; ID is an
 * instance's id or number.
 *
 *	POST	/api/flows		{"flow": NAME, "event": {...}}: an
 *					instance started, of the key's tenant
 *					unless the event names one; 201, or
 *					200 with the one its key names
 *					(events:write)
 *	GET	/api/flows		instances (?flow, status, tenant, since,
 *					until, errors, limit, cursor;
 *					events:read)
 *	GET	/api/flows/stats	by flow (events:read)
 *	GET	/api/flows/dashboard	stats, longest waits (events:read)
 *	GET	/api/flows/unmatched	awaited events no wait took
 *					(?flow, limit; events:read)
 *	POST	/api/flows/process-pending	every due instance (events:write)
 *	GET	/api/flows/ID		one, its vars and timeline (events:read)
 *	PATCH	/api/flows/ID		{"settings": {...}} (events:write)
 *	POST	/api/flows/ID/process|pause|resume|cancel	(events:write)
 *
 * An unknown instance or flow is 404, an instance not in a state for the
 * change 409, a bad body 400; each with the error shape.
 *
 * Ownership: the body is only read.  Answers are built in buffers of
 * their own, copied by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_FLOWS_H
#define INTEGRA_HTTPD_FLOWS_H

#include "httpd/route.h"

enum MHD_Result	httpd_flows_list(const struct httpd_call *);
enum MHD_Result	httpd_flows_show(const struct httpd_call *);
enum MHD_Result	httpd_flows_stats(const struct httpd_call *);
enum MHD_Result	httpd_flows_dashboard(const struct httpd_call *);
enum MHD_Result	httpd_flows_unmatched(const struct httpd_call *);
enum MHD_Result	httpd_flows_process_pending(const struct httpd_call *);
enum MHD_Result	httpd_flows_process(const struct httpd_call *);
enum MHD_Result	httpd_flows_pause(const struct httpd_call *);
enum MHD_Result	httpd_flows_resume(const struct httpd_call *);
enum MHD_Result	httpd_flows_cancel(const struct httpd_call *);
/* Answered once the body is in. */
enum MHD_Result	httpd_flows_start(const struct httpd_call *);
enum MHD_Result	httpd_flows_set(const struct httpd_call *);

#endif
