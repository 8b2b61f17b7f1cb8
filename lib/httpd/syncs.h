/*
 * httpd/syncs: the receiver's /api/sync, the scheduled syncs over HTTP, on the
 * server thread's own journal connection like httpd/status.  The answers are
 * ops/syncs', the same as integra-sync's.
 *
 *	GET	/api/sync/jobs		every job and its state (events:read)
 *	GET	/api/sync/jobs/NAME	one, with its last runs (events:read)
 *	GET	/api/sync/stats		by job, the runs of a window
 *					(?window=7d; events:read)
 *	POST	/api/sync/start		{"job": NAME, "full": false}: a run
 *					started in the background (admin)
 *
 * Ownership: url, method and body are only read; what is parsed from the
 * body is freed before the call returns, and the run started is detached,
 * with nothing of it kept.  The reader and cfg are used, not kept.
 * Answers are built in buffers of their own, copied by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_SYNCS_H
#define INTEGRA_HTTPD_SYNCS_H

#include <stddef.h>

#include <microhttpd.h>

struct cfg;
struct journal;

/* Whether url is /api/sync or below it. */
int		httpd_syncs_owns(const char *url);
/*
 * Answers what has no body to wait for; a POST to /api/sync/start with an
 * admin key returns MHD_YES with *body set, unanswered.
 */
enum MHD_Result	httpd_syncs_start(struct journal *reader, const struct cfg *,
		    struct MHD_Connection *, const char *url,
		    const char *method, int *body);
/* POST /api/sync/start's answer, once its body is in. */
enum MHD_Result	httpd_syncs_post(struct journal *reader, const struct cfg *,
		    struct MHD_Connection *, const char *url,
		    const char *body, size_t len);

#endif
