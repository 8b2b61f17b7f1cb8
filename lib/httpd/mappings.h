/*
 * httpd/mappings: /api/mappings on the receiver, for an API key with the
 * admin scope, answered with lib/ops/mappings' JSON as integra-map's commands
 * print it:
 *	GET  /api/mappings				{"mappings": [pair...]}
 *	POST /api/mappings  {"type","system","program"}	201, the version
 *	POST /api/mappings/test  {"type","system","event"}
 *							{"requests": [...]}
 *	GET  /api/mappings/TYPE/SYSTEM[?version=N]	a version
 *	GET  /api/mappings/TYPE/SYSTEM/versions		{"versions": [...]}
 * Run on the server's thread: it compiles jq programs.
 *
 * Ownership: url, method and body are only read; what is parsed from the
 * body, and the map and mapstore a test opens, are freed before the call
 * returns.  The reader and cfg are used, not kept.  Answers are built in
 * buffers of their own, copied by libmicrohttpd (reply.h).
 */
#ifndef INTEGRA_HTTPD_MAPPINGS_H
#define INTEGRA_HTTPD_MAPPINGS_H

#include <stddef.h>

#include <microhttpd.h>

struct cfg;
struct journal;

/* Whether url is /api/mappings or below it. */
int		httpd_mappings_owns(const char *url);
/*
 * A request that has no body to wait for: a GET or HEAD, or a method or
 * URL refused.  Returns MHD_YES with *body set if it is a POST to read
 * (its key checked), without answering.
 */
enum MHD_Result	httpd_mappings_start(struct journal *reader,
		    struct MHD_Connection *, const char *url,
		    const char *method, int *body);
/* A POST's answer, once its body is in. */
enum MHD_Result	httpd_mappings_post(struct journal *reader, const struct cfg *,
		    struct MHD_Connection *, const char *url,
		    const char *body, size_t len);

#endif
