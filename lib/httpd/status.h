/*
 * httpd/status: the receiver's API that is answered at once, on the server
 * thread, from a journal connection of that thread's own (reader): the
 * API key check, GET /api/events, GET /api/events/ID, POST
 * /api/events/ID/retry, GET /status, GET /health/detailed, GET /metrics
 * and GET /dashboard.  What journals events goes through the journal
 * thread instead (receiver.c).
 *
 * Ownership: nothing is handed back to free.  httpd_status_key fills the
 * caller's *k, whose strings point into its own arrays (journal.h).  The
 * values httpd_status_query hands set belong to the connection and live as
 * long as the request.  Answers are built in buffers of their own, copied
 * by libmicrohttpd (reply.h); the reader is used, never closed.
 */
#ifndef INTEGRA_HTTPD_STATUS_H
#define INTEGRA_HTTPD_STATUS_H

#include <microhttpd.h>

#include "journal/journal.h"

struct cfg;

/*
 * The request's API key, from X-API-Key or Authorization: Bearer, checked
 * against the journal: 0 with the key in *k, or the HTTP status to answer
 * with (401 unknown or revoked, 403 without scope, 503 the journal failed).
 */
unsigned int	httpd_status_key(struct journal *reader, struct MHD_Connection *,
		    const char *scope, struct journal_key *k);
/*
 * Sets a listing's filter from the request's query arguments, each with
 * set (ops_events_filter_set, ops_dlq_filter_set): 0, or -1 with the reason
 * in err.
 */
typedef int	(*httpd_status_filter_fn)(void *filter, const char *name,
		    const char *value, char *err, size_t errsz);
int		httpd_status_query(struct MHD_Connection *, httpd_status_filter_fn set,
		    void *filter, char *err, size_t errsz);
/* The reader's journal failed: logged, and answered 503 with Retry-After. */
enum MHD_Result	httpd_status_journal_failed(struct journal *reader,
		    struct MHD_Connection *);
/* The answer for a key httpd_status_key refused with status. */
enum MHD_Result	httpd_status_key_refused(struct MHD_Connection *,
		    unsigned int status);
/* /api/events other than POSTing events: list, show, retry. */
enum MHD_Result	httpd_status_events(struct journal *reader, struct MHD_Connection *,
		    const char *url, const char *method);
/*
 * /status (detailed: 0) or /health/detailed; journal_ok says whether the
 * journal thread takes events.
 */
enum MHD_Result	httpd_status_state(struct journal *reader, int journal_ok,
		    struct MHD_Connection *, int detailed);
/* GET /dashboard: integra-report dashboard's page. */
enum MHD_Result	httpd_status_dashboard(struct journal *reader, const struct cfg *,
		    struct MHD_Connection *);
/* GET /metrics: integra-report metrics, for Prometheus to scrape. */
enum MHD_Result	httpd_status_metrics(struct journal *reader,
		    struct MHD_Connection *);

#endif
