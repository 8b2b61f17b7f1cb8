/*
 * httpd/cadences: the receiver's /api/cadences, on the server thread's own
 * journal connection.  The answers are ops/cadences', the same as
 * integra-cadence's.
 *
 *	GET	/api/cadences			every cadence and its counts
 *						(events:read)
 *	GET	/api/cadences/history/WHO	the steps taken for the
 *						records WHO names, with their
 *						messages (events:read)
 *	GET	/api/cadences/NAME		one cadence (events:read)
 *	POST	/api/cadences/NAME/send		{"step": ID, "key": KEY}: the
 *						step sent by hand now, 201;
 *						no such step or record 404;
 *						the record is over 409; a
 *						program of the step failed 422
 *						(events:write)
 *
 * A run is cron's (integra-cadence run), not the API's.
 *
 * Ownership: the body is only read; what is parsed from it is freed
 * before the handler returns.  Answers are built in buffers of their
 * own, copied by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_CADENCES_H
#define INTEGRA_HTTPD_CADENCES_H

#include "httpd/route.h"

enum MHD_Result	httpd_cadences_list(const struct httpd_call *);
enum MHD_Result	httpd_cadences_show(const struct httpd_call *);
enum MHD_Result	httpd_cadences_history(const struct httpd_call *);
/* Answered once the body is in. */
enum MHD_Result	httpd_cadences_send(const struct httpd_call *);

#endif
