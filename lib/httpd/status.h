/*
 * httpd/status: how the hub is doing, answered at once on the server
 * thread from its own journal connection.
 *
 *	GET	/health			200 while the journal thread commits,
 *					503 once it failed (no key)
 *	GET	/status			counts by status, the backlogs
 *	GET	/health/detailed	the journal, disk space, each target
 *	GET	/metrics		integra-report metrics, for Prometheus
 *	GET	/dashboard		integra-report dashboard's page
 *
 * Ownership: each answer is built in a buffer of its own, copied by
 * libmicrohttpd and released before the handler returns; the reader is
 * used, never closed.
 */
#ifndef INTEGRA_HTTPD_STATUS_H
#define INTEGRA_HTTPD_STATUS_H

#include "httpd/route.h"

enum MHD_Result	httpd_status_health(const struct httpd_call *);
enum MHD_Result	httpd_status_counts(const struct httpd_call *);
enum MHD_Result	httpd_status_detailed(const struct httpd_call *);
enum MHD_Result	httpd_status_metrics(const struct httpd_call *);
enum MHD_Result	httpd_status_dashboard(const struct httpd_call *);

#endif
