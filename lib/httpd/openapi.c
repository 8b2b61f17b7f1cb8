/*
 * httpd/openapi: the API's contract over HTTP.  See httpd/openapi.h.
 */
#include <pthread.h>

#include "base/buf.h"
#include "base/log.h"
#include "conf/config.h"
#include "conf/yamljson.h"
#include "httpd/openapi.h"
#include "httpd/reply.h"

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct buf	 document = BUF_INIT;	/* JSON, once read */

/* Reads and converts the file unless it was: 0, or -1 (logged). */
static int
load(const struct cfg *cfg)
{
	struct buf path = BUF_INIT, json = BUF_INIT;
	char err[512];
	int rc = 0;

	if (document.len > 0)
		return 0;
	buf_addf(&path, "%s/%s", cfg_datadir(cfg), HTTPD_OPENAPI_FILE);
	if (yamljson_file(path.data, &json, err, sizeof(err)) == 0)
		document = json;
	else {
		log_error(NULL, "api: the API's document: %s", err);
		buf_release(&json);
		rc = -1;
	}
	buf_release(&path);
	return rc;
}

enum MHD_Result
httpd_openapi_document(const struct httpd_call *c)
{
	enum MHD_Result ret;

	pthread_mutex_lock(&lock);
	if (load(c->cfg) == 0)
		ret = httpd_reply_send(c->conn, MHD_HTTP_OK, &document, NULL,
		    NULL, NULL);
	else
		ret = httpd_reply_fail(c->conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the API's document cannot be read",
		    MHD_HTTP_HEADER_RETRY_AFTER, "60");
	pthread_mutex_unlock(&lock);
	return ret;
}
