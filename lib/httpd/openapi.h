/*
 * httpd/openapi: the API's contract, share/openapi.yaml, served as JSON.
 *
 *	GET	/api/openapi.json	the document (no key); 503 if it
 *					cannot be read or converted
 *
 * The file is read from the data directory (cfg_datadir) and converted
 * (conf/yamljson) at the first request that finds it whole; until then
 * each request tries again, logs why it failed and is answered 503.
 *
 * Ownership: the converted document is kept for the life of the process,
 * under a lock of its own, and copied into each answer.
 */
#ifndef INTEGRA_HTTPD_OPENAPI_H
#define INTEGRA_HTTPD_OPENAPI_H

#include "httpd/route.h"

#define HTTPD_OPENAPI_FILE	"openapi.yaml"	/* in the data directory */

enum MHD_Result	httpd_openapi_document(const struct httpd_call *);

#endif
