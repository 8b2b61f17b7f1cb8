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
 * Ownership: the body is only read; what is parsed from it, and the map
 * and mapstore a test opens, are freed before the handler returns.
 * Answers are built in buffers of their own, copied by libmicrohttpd.
 */
#ifndef INTEGRA_HTTPD_MAPPINGS_H
#define INTEGRA_HTTPD_MAPPINGS_H

#include "httpd/route.h"

enum MHD_Result	httpd_mappings_list(const struct httpd_call *);
enum MHD_Result	httpd_mappings_add(const struct httpd_call *);
enum MHD_Result	httpd_mappings_test(const struct httpd_call *);
enum MHD_Result	httpd_mappings_show(const struct httpd_call *);
enum MHD_Result	httpd_mappings_versions(const struct httpd_call *);

#endif
