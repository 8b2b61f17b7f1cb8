/*
 * httpd/cadences: /api/cadences on the receiver.  See httpd/cadences.h.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "httpd/cadences.h"
#include "httpd/reply.h"
#include "ops/cadences.h"
#include "json/jvparse.h"

enum MHD_Result
httpd_cadences_list(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	enum ops_cadences_result res;
	int rc;

	rc = ops_cadences_status(c->cfg, c->reader, NULL, clock_ms(), &b,
	    &res);
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_cadences_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	enum ops_cadences_result res;
	int rc;

	rc = ops_cadences_status(c->cfg, c->reader, c->arg[0], clock_ms(), &b,
	    &res);
	return httpd_reply_result(c->conn, c->reader, rc == 0 &&
	    res == OPS_CADENCES_MISSING ? 1 : rc, "no such cadence",
	    MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_cadences_history(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int rc;

	rc = ops_cadences_history(c->cfg, c->reader, c->arg[0], &b);
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_cadences_send(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT;
	enum ops_cadences_result res = OPS_CADENCES_MISSING;
	enum MHD_Result r;
	jv v, step, key;
	int rc = 0;

	v = jvparse_text(c->body, c->body_len);
	step = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("step")) : jv_invalid();
	key = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("key")) : jv_invalid();
	jv_free(v);
	if (jv_get_kind(step) != JV_KIND_STRING ||
	    jv_get_kind(key) != JV_KIND_STRING) {
		jv_free(step);
		jv_free(key);
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid", "the body must be {\"step\": ID, \"key\": KEY}",
		    NULL, NULL);
	}
	rc = ops_cadences_send(c->cfg, c->reader, c->arg[0],
	    jv_string_value(step), jv_string_value(key), clock_ms(), &b, &why,
	    &res);
	if (rc == 0 && res == OPS_CADENCES_DONE)
		log_info(NULL, "api: cadence '%s': step '%s' sent by hand"
		    " with key '%s'", c->arg[0], jv_string_value(step),
		    c->key.name);
	jv_free(step);
	jv_free(key);
	if (rc != 0 || res == OPS_CADENCES_DONE) {
		buf_release(&why);
		return httpd_reply_result(c->conn, c->reader, rc, NULL,
		    MHD_HTTP_CREATED, &b);
	}
	r = httpd_reply_fail(c->conn, res == OPS_CADENCES_OVER ?
	    MHD_HTTP_CONFLICT : res == OPS_CADENCES_FAILED ?
	    MHD_HTTP_UNPROCESSABLE_CONTENT : MHD_HTTP_NOT_FOUND,
	    res == OPS_CADENCES_OVER ? "over" : res == OPS_CADENCES_FAILED ?
	    "unprocessable" : "not_found", why.data, NULL, NULL);
	buf_release(&b);
	buf_release(&why);
	return r;
}
