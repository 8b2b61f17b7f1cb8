/*
 * httpd/mappings: /api/mappings on the receiver.  See httpd/mappings.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/log.h"
#include "cli/options.h"
#include "httpd/mappings.h"
#include "httpd/reply.h"
#include "journal/journal.h"
#include "ops/mappings.h"
#include "json/jvparse.h"

/* out, wrapped as {"NAME": out}, sent; or what went wrong. */
static enum MHD_Result
wrapped(const struct httpd_call *c, int rc, int found, const char *name,
    struct buf *out)
{
	struct buf b = BUF_INIT;

	if (rc == 0 && !found)
		rc = 1;
	if (rc == 0) {
		buf_addf(&b, "{\"%s\":", name);
		buf_add(&b, out->data, out->len);
		buf_addc(&b, '}');
	}
	buf_release(out);
	return httpd_reply_result(c->conn, c->reader, rc, "no such mapping",
	    MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_mappings_list(const struct httpd_call *c)
{
	struct buf out = BUF_INIT;

	return wrapped(c, ops_mappings_list(c->reader, &out), 1, "mappings",
	    &out);
}

enum MHD_Result
httpd_mappings_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	const char *v;
	long version = 0;
	int found, rc;

	v = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND,
	    "version");
	if (v != NULL && (version = options_number(v, 1, 1000000000)) < 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", "version is a whole number from 1", NULL,
		    NULL);
	if ((rc = ops_mappings_show(c->reader, c->arg[0], c->arg[1],
	    (int)version, &b, &found)) == 0 && !found)
		rc = 1;
	return httpd_reply_result(c->conn, c->reader, rc, "no such mapping",
	    MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_mappings_versions(const struct httpd_call *c)
{
	struct buf out = BUF_INIT;
	int found, rc;

	rc = ops_mappings_versions(c->reader, c->arg[0], c->arg[1], &out,
	    &found);
	return wrapped(c, rc, found, "versions", &out);
}

/* Member name of object o as a string, or NULL (o is kept). */
static const char *
member(jv o, const char *name, jv *keep)
{
	*keep = jv_object_get(jv_copy(o), jv_string(name));
	return jv_get_kind(*keep) == JV_KIND_STRING ?
	    jv_string_value(*keep) : NULL;
}

/* What POST /api/mappings/test answers: the requests it would make. */
static void
test(const struct httpd_call *c, const char *type, const char *system,
    jv event, struct buf *b, struct buf *err, unsigned int *status)
{
	struct buf out = BUF_INIT;
	size_t i;
	int n;

	switch (ops_mappings_test(c->reader, c->cfg, type, system, event,
	    &out, &n, err)) {
	case 0:
		/* One JSON object a line: an array's items. */
		buf_adds(b, "{\"requests\":[");
		for (i = 0; i < out.len; i++)
			if (out.data[i] != '\n')
				buf_addc(b, out.data[i]);
			else if (i + 1 < out.len)
				buf_addc(b, ',');
		buf_adds(b, "]}");
		break;
	case OPS_MAPPINGS_REFUSED:
		*status = MHD_HTTP_BAD_REQUEST;
		break;
	case OPS_MAPPINGS_CONFIG:
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		break;
	default:
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		break;
	}
	buf_release(&out);
}

/*
 * The body of a POST, a JSON object with the strings type and system: 0;
 * or -1, answered.
 */
static int
body_parse(const struct httpd_call *c, jv *req, const char **type,
    const char **system, jv *t, jv *s, enum MHD_Result *ret)
{
	*req = jvparse_text(c->body, c->body_len);
	if (!jv_is_valid(*req) || jv_get_kind(*req) != JV_KIND_OBJECT) {
		jv_free(*req);
		*ret = httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_json", "the body is not a JSON object", NULL, NULL);
		return -1;
	}
	*type = member(*req, "type", t);
	*system = member(*req, "system", s);
	if (*type == NULL || *system == NULL) {
		jv_free(*t);
		jv_free(*s);
		jv_free(*req);
		*ret = httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_request", "type and system are strings", NULL,
		    NULL);
		return -1;
	}
	return 0;
}

/* What a POST answers: err's reason if there is one, else b. */
static enum MHD_Result
posted(const struct httpd_call *c, unsigned int status, struct buf *b,
    struct buf *err)
{
	enum MHD_Result ret;

	if (err->len > 0)
		ret = httpd_reply_fail(c->conn, status, status ==
		    MHD_HTTP_UNPROCESSABLE_CONTENT ? "invalid_mapping" :
		    "invalid_request", err->data, NULL, NULL);
	else
		ret = httpd_reply_send(c->conn, status, b, NULL, NULL, NULL);
	buf_release(b);
	buf_release(err);
	return ret;
}

enum MHD_Result
httpd_mappings_test(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	const char *type, *system;
	unsigned int status = MHD_HTTP_OK;
	enum MHD_Result ret;
	jv req, t, s, e;

	if (body_parse(c, &req, &type, &system, &t, &s, &ret) != 0)
		return ret;
	e = jv_object_get(jv_copy(req), jv_string("event"));
	if (jv_get_kind(e) != JV_KIND_OBJECT) {
		jv_free(e);
		buf_adds(&err, "event is a CloudEvent, an object");
		status = MHD_HTTP_BAD_REQUEST;
	} else
		test(c, type, system, e, &b, &err, &status);
	jv_free(t);
	jv_free(s);
	jv_free(req);
	return posted(c, status, &b, &err);
}

enum MHD_Result
httpd_mappings_add(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	const char *type, *system, *program;
	unsigned int status = MHD_HTTP_CREATED;
	enum MHD_Result ret;
	jv req, t, s, p;
	int rc = 0;

	if (body_parse(c, &req, &type, &system, &t, &s, &ret) != 0)
		return ret;
	if ((program = member(req, "program", &p)) == NULL) {
		buf_adds(&err, "program is a string");
		status = MHD_HTTP_BAD_REQUEST;
	} else if ((rc = ops_mappings_add(c->reader, type, system, program,
	    NULL, &b, &err)) == OPS_MAPPINGS_REFUSED)
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
	else if (rc == 0)
		log_info(NULL, "mapping %s/%s: a version added over the API",
		    type, system);
	jv_free(p);
	jv_free(t);
	jv_free(s);
	jv_free(req);
	if (rc != 0 && rc != OPS_MAPPINGS_REFUSED) {
		buf_release(&b);
		buf_release(&err);
		return httpd_reply_journal_failed(c->reader, c->conn);
	}
	return posted(c, status, &b, &err);
}
