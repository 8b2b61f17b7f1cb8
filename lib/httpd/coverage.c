/*
 * httpd/coverage: /api/coverage on the receiver.  See httpd/coverage.h.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/config.h"
#include "httpd/coverage.h"
#include "httpd/reply.h"
#include "journal/journal.h"
#include "transport/syncrun.h"
#include "ops/coverage.h"
#include "json/jvparse.h"

/* Starts the first sync of the record just covered, if there is one. */
static void
first_sync(const struct httpd_call *c, const char *key, struct buf *b)
{
	const struct cfg_sync *sy = c->cfg->coverage->first_sync;
	int started;

	if (sy == NULL)
		return;
	started = syncrun_spawn(c->cfg->path, journal_path(c->reader),
	    sy->name, key, 0) == 0;
	if (!started)
		log_error(NULL, "api: coverage %s: sync '%s' cannot be"
		    " started", key, sy->name);
	/* {"key":..} becomes {"key":..,"sync":{"job":..,"started":..}} */
	b->data[--b->len] = '\0';
	buf_adds(b, ",\"sync\":{\"job\":");
	buf_add_json_string(b, sy->name, strlen(sy->name));
	buf_addf(b, ",\"started\":%s}}", started ? "true" : "false");
}

enum MHD_Result
httpd_coverage_add(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT, msg = BUF_INIT;
	struct buf key = BUF_INIT;
	enum ops_coverage_result res = OPS_COVERAGE_BAD;
	const char *field = c->cfg->coverage != NULL ?
	    c->cfg->coverage->field : "name";
	enum MHD_Result r;
	unsigned int status;
	jv v, name;
	int rc = 0;

	v = jvparse_text(c->body, c->body_len);
	name = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string(field)) : jv_invalid();
	jv_free(v);
	if (jv_get_kind(name) != JV_KIND_STRING)
		buf_addf(&why, "the body must be {\"%s\": NAME}", field);
	else
		rc = ops_coverage_add(c->cfg, c->reader, jv_string_value(name),
		    clock_ms(), &b, &key, &why, &res);
	jv_free(name);
	if (rc != 0 || res == OPS_COVERAGE_DONE ||
	    res == OPS_COVERAGE_ALREADY) {
		if (rc == 0 && res == OPS_COVERAGE_DONE) {
			log_info(NULL, "api: coverage %s added with key '%s'",
			    key.data, c->key.name);
			first_sync(c, key.data, &b);
		}
		buf_release(&why);
		buf_release(&key);
		return httpd_reply_result(c->conn, c->reader, rc, NULL,
		    res == OPS_COVERAGE_DONE ? MHD_HTTP_CREATED : MHD_HTTP_OK,
		    &b);
	}
	if (res == OPS_COVERAGE_SEVERAL) {
		/* The error's shape, with the matches to choose from. */
		buf_adds(&msg, "{\"error\":{\"code\":\"ambiguous\",\"message\":"
		    "\"several match the name: give one's whole name\"},");
		buf_add(&msg, b.data + 1, b.len - 1);
		r = httpd_reply_send(c->conn, MHD_HTTP_CONFLICT, &msg, NULL,
		    NULL, NULL);
	} else {
		status = res == OPS_COVERAGE_NONE ? MHD_HTTP_NOT_FOUND :
		    res == OPS_COVERAGE_REMOTE ? MHD_HTTP_BAD_GATEWAY :
		    res == OPS_COVERAGE_CONFIG ? MHD_HTTP_SERVICE_UNAVAILABLE :
		    MHD_HTTP_BAD_REQUEST;
		if (res == OPS_COVERAGE_REMOTE || res == OPS_COVERAGE_CONFIG)
			log_error(NULL, "api: coverage: %s", why.data);
		r = httpd_reply_fail(c->conn, status,
		    res == OPS_COVERAGE_NONE ? "not_found" :
		    res == OPS_COVERAGE_REMOTE ? "bad_gateway" :
		    res == OPS_COVERAGE_CONFIG ? "unavailable" : "invalid",
		    res == OPS_COVERAGE_NONE ? "nothing matches the name" :
		    why.data, NULL, NULL);
	}
	buf_release(&b);
	buf_release(&why);
	buf_release(&msg);
	buf_release(&key);
	return r;
}

enum MHD_Result
httpd_coverage_list(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int rc;

	rc = ops_coverage_list(c->reader, &b);
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_coverage_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	enum ops_coverage_result res;
	int rc;

	rc = ops_coverage_get(c->reader, c->arg[0], &b, &res);
	return httpd_reply_result(c->conn, c->reader, rc == 0 &&
	    res == OPS_COVERAGE_NONE ? 1 : rc, "not covered", MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_coverage_remove(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	enum ops_coverage_result res;
	int rc;

	rc = ops_coverage_remove(c->cfg, c->reader, c->arg[0], clock_ms(), &b,
	    &res);
	if (rc == 0 && res == OPS_COVERAGE_DONE)
		log_info(NULL, "api: coverage %s removed with key '%s'",
		    c->arg[0], c->key.name);
	/* Without coverage in the config, nothing is covered. */
	return httpd_reply_result(c->conn, c->reader, rc == 0 &&
	    (res == OPS_COVERAGE_NONE || res == OPS_COVERAGE_CONFIG) ? 1 :
	    rc, "not covered", MHD_HTTP_OK, &b);
}
