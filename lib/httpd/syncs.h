/*
 * httpd/syncs: the receiver's /api/sync, the scheduled syncs over HTTP, on the
 * server thread's own journal connection.  The answers are
 * ops/syncs', the same as integra-sync's.
 *
 *	GET	/api/sync/jobs		every job and its state (events:read)
 *	GET	/api/sync/jobs/NAME	one, with its last runs (events:read)
 *	GET	/api/sync/stats		by job, the runs of a window
 *					(?window=7d; events:read)
 *	POST	/api/sync/start		{"job": NAME, "full": false}: a run
 *					started in the background (admin);
 *					"key": KEY, the run of one record
 *					of a job over a record set
 *
 * Ownership: the body is only read; what is parsed from it is freed
 * before the handler returns, and the run started is detached, with
 * nothing of it kept.  Answers are built in buffers of their own, copied
 * by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_SYNCS_H
#define INTEGRA_HTTPD_SYNCS_H

#include "httpd/route.h"

enum MHD_Result	httpd_syncs_jobs(const struct httpd_call *);
enum MHD_Result	httpd_syncs_job(const struct httpd_call *);
enum MHD_Result	httpd_syncs_stats(const struct httpd_call *);
/* Answered once the body is in. */
enum MHD_Result	httpd_syncs_start(const struct httpd_call *);

#endif
