/*
 * httpd/flows: /api/flows on the receiver.  See httpd/flows.h.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/config.h"
#include "flow/def.h"
#include "httpd/flows.h"
#include "httpd/reply.h"
#include "json/jvdump.h"
#include "ops/flows.h"
#include "json/jvparse.h"

static int
filter_set(void *f, const char *name, const char *value, char *err,
    size_t errsz)
{
	return ops_flows_filter_set(f, name, value, err, errsz);
}

enum MHD_Result
httpd_flows_list(const struct httpd_call *c)
{
	struct journal_flow_filter f;
	struct buf b = BUF_INIT;
	char err[128];

	ops_flows_filter_init(&f);
	if (httpd_route_query(c, filter_set, &f, err, sizeof(err)) != 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", err, NULL, NULL);
	return httpd_reply_result(c->conn, c->reader, ops_flows_list(c->reader,
	    &f, &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_flows_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int rc, found;

	rc = ops_flows_show(c->reader, c->arg[0], &b, &found);
	return httpd_reply_result(c->conn, c->reader, rc == 0 && !found ? 1 :
	    rc, "no such flow instance", MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_flows_stats(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;

	return httpd_reply_result(c->conn, c->reader, ops_flows_stats(c->cfg,
	    c->reader, clock_ms(), &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_flows_dashboard(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;

	return httpd_reply_result(c->conn, c->reader, ops_flows_dashboard(
	    c->cfg, c->reader, clock_ms(), &b), NULL, MHD_HTTP_OK, &b);
}

/* unmatched's query: a flow, a page size and a cursor. */
static int
unmatched_set(void *ctx, const char *name, const char *value, char *err,
    size_t errsz)
{
	if (strcmp(name, "flow") != 0 && strcmp(name, "limit") != 0 &&
	    strcmp(name, "cursor") != 0) {
		snprintf(err, errsz, "unknown filter '%.40s'", name);
		return -1;
	}
	return ops_flows_filter_set(ctx, name, value, err, errsz);
}

enum MHD_Result
httpd_flows_unmatched(const struct httpd_call *c)
{
	struct journal_flow_filter f;
	struct buf b = BUF_INIT;
	char err[128];

	ops_flows_filter_init(&f);
	if (httpd_route_query(c, unmatched_set, &f, err, sizeof(err)) != 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", err, NULL, NULL);
	return httpd_reply_result(c->conn, c->reader, ops_flows_unmatched(
	    c->reader, f.flow, f.after, f.limit, &b), NULL, MHD_HTTP_OK, &b);
}

/* A change's answer: the instance, or why it did nothing. */
static enum MHD_Result
changed(const struct httpd_call *c, int rc, enum ops_flows_result res,
    unsigned int ok, struct buf *b, struct buf *why)
{
	static const struct {
		unsigned int	 status;
		const char	*code;
	} fails[] = {
		[OPS_FLOWS_MISSING] = { MHD_HTTP_NOT_FOUND, "not_found" },
		[OPS_FLOWS_REFUSED] = { MHD_HTTP_CONFLICT, "conflict" },
		[OPS_FLOWS_BAD] = { MHD_HTTP_BAD_REQUEST, "invalid" },
	};
	enum MHD_Result r;

	if (rc == 0 && res != OPS_FLOWS_DONE && res != OPS_FLOWS_DUPLICATE) {
		buf_release(b);
		r = httpd_reply_fail(c->conn, fails[res].status,
		    fails[res].code, why->data, NULL, NULL);
		buf_release(why);
		return r;
	}
	if (rc == 0)
		log_info(NULL, "api: flow instance %s: %s with key '%s'",
		    c->arg[0][0] != '\0' ? c->arg[0] : "new", c->method,
		    c->key.name);
	buf_release(why);
	return httpd_reply_result(c->conn, c->reader, rc, NULL,
	    res == OPS_FLOWS_DUPLICATE ? MHD_HTTP_OK : ok, b);
}

/* The flows compiled for a call that runs their programs. */
static int
compiled(const struct httpd_call *c, struct flow_defs *defs,
    enum MHD_Result *r)
{
	struct buf err = BUF_INIT;

	if (flow_def_init(defs, c->cfg, &err) == 0)
		return 0;
	log_error(NULL, "%s", err.data);
	*r = httpd_reply_fail(c->conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
	    "config", "the flows' programs do not compile", NULL, NULL);
	buf_release(&err);
	return -1;
}

enum MHD_Result
httpd_flows_start(const struct httpd_call *c)
{
	struct flow_defs defs;
	struct buf b = BUF_INIT, why = BUF_INIT, event = BUF_INIT;
	enum ops_flows_result res;
	enum MHD_Result r;
	jv v, flow, ev;
	int rc;

	v = jvparse_text(c->body, c->body_len);
	flow = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("flow")) : jv_invalid();
	ev = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("event")) : jv_invalid();
	jv_free(v);
	if (jv_get_kind(flow) != JV_KIND_STRING ||
	    jv_get_kind(ev) != JV_KIND_OBJECT) {
		jv_free(flow);
		jv_free(ev);
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid", "the body must be {\"flow\": NAME, \"event\":"
		    " {...}}", NULL, NULL);
	}
	if (compiled(c, &defs, &r) != 0) {
		jv_free(flow);
		jv_free(ev);
		return r;
	}
	jvdump(&event, ev);
	rc = ops_flows_start(&defs, c->reader, &(struct ops_flows_start){
	    .flow = jv_string_value(flow), .json = event.data,
	    .len = event.len, .tenant = c->key.tenant }, clock_ms(), &b, &why,
	    &res);
	jv_free(flow);
	buf_release(&event);
	flow_def_release(&defs);
	return changed(c, rc, res, MHD_HTTP_CREATED, &b, &why);
}

enum MHD_Result
httpd_flows_set(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT, settings = BUF_INIT;
	enum ops_flows_result res;
	enum MHD_Result r;
	jv v, s;
	int rc;

	v = jvparse_text(c->body, c->body_len);
	s = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("settings")) : jv_invalid();
	jv_free(v);
	if (jv_get_kind(s) != JV_KIND_OBJECT) {
		jv_free(s);
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid", "the body must be {\"settings\": {...}}", NULL,
		    NULL);
	}
	jvdump(&settings, s);
	rc = ops_flows_set(c->cfg, c->reader, c->arg[0], settings.data,
	    settings.len, clock_ms(), &b, &why, &res);
	r = changed(c, rc, res, MHD_HTTP_OK, &b, &why);
	buf_release(&settings);
	return r;
}

enum MHD_Result
httpd_flows_process(const struct httpd_call *c)
{
	struct flow_defs defs;
	struct buf b = BUF_INIT, why = BUF_INIT;
	enum ops_flows_result res;
	enum MHD_Result r;
	int rc;

	if (compiled(c, &defs, &r) != 0)
		return r;
	rc = ops_flows_process(&defs, c->reader, c->arg[0], clock_ms(), &b,
	    &why, &res);
	flow_def_release(&defs);
	return changed(c, rc, res, MHD_HTTP_OK, &b, &why);
}

enum MHD_Result
httpd_flows_process_pending(const struct httpd_call *c)
{
	struct flow_defs defs;
	struct buf b = BUF_INIT;
	enum MHD_Result r;
	int rc;

	if (compiled(c, &defs, &r) != 0)
		return r;
	rc = ops_flows_process_pending(&defs, c->reader, clock_ms(), &b);
	flow_def_release(&defs);
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

static enum MHD_Result
move(const struct httpd_call *c, enum ops_flows_move m)
{
	struct buf b = BUF_INIT, why = BUF_INIT;
	enum ops_flows_result res;
	int rc;

	rc = ops_flows_move(c->cfg, c->reader, c->arg[0], m, clock_ms(), &b,
	    &why, &res);
	return changed(c, rc, res, MHD_HTTP_OK, &b, &why);
}

enum MHD_Result
httpd_flows_pause(const struct httpd_call *c)
{
	return move(c, OPS_FLOWS_PAUSE);
}

enum MHD_Result
httpd_flows_resume(const struct httpd_call *c)
{
	return move(c, OPS_FLOWS_RESUME);
}

enum MHD_Result
httpd_flows_cancel(const struct httpd_call *c)
{
	return move(c, OPS_FLOWS_CANCEL);
}
