/*
 * httpd/coverage: the receiver's /api/coverage, on the server thread's
 * own journal connection.  The answers are ops/coverage's, the same as
 * integra-coverage's.
 *
 *	POST	/api/coverage		{FIELD: NAME} (FIELD is the
 *					coverage's field, "name" unless
 *					set): looked up and covered, 201;
 *					covered already, 200; no match 404;
 *					several 409 with them; the remote
 *					failing 502 (admin).  Its first
 *					sync is started in the background.
 *	GET	/api/coverage		every record covered (events:read)
 *	GET	/api/coverage/KEY	one (events:read)
 *	DELETE	/api/coverage/KEY	no longer covered (admin)
 *
 * The lookup is a request to the coverage's target made on the server
 * thread, which waits for it (at most the target's timeout): an admin's
 * call, made rarely.
 *
 * Ownership: the body is only read; what is parsed from it is freed
 * before the handler returns.  Answers are built in buffers of their
 * own, copied by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_COVERAGE_H
#define INTEGRA_HTTPD_COVERAGE_H

#include "httpd/route.h"

/* Answered once the body is in. */
enum MHD_Result	httpd_coverage_add(const struct httpd_call *);
enum MHD_Result	httpd_coverage_list(const struct httpd_call *);
enum MHD_Result	httpd_coverage_show(const struct httpd_call *);
enum MHD_Result	httpd_coverage_remove(const struct httpd_call *);

#endif
