/*
 * httpd/mappings: /api/mappings on the receiver.  See httpd/mappings.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "httpd/mappings.h"
#include "httpd/status.h"
#include "base/buf.h"
#include "httpd/reply.h"
#include "journal/journal.h"
#include "base/log.h"
#include "stage/map.h"
#include "ops/mappings.h"
#include "stage/mapstore.h"
#include "cli/options.h"

#define PREFIX		"/api/mappings"
#define PREFIX_LEN	(sizeof(PREFIX) - 1)

enum action { LIST, ADD, TEST, SHOW, VERSIONS };

int
httpd_mappings_owns(const char *url)
{
	return strncmp(url, PREFIX, PREFIX_LEN) == 0 &&
	    (url[PREFIX_LEN] == '\0' || url[PREFIX_LEN] == '/');
}

/*
 * Which action url and method ask for, the pair copied for SHOW and
 * VERSIONS: 0, or -1 if url names nothing here.  *allow gets the methods
 * url takes.
 */
static int
route(const char *url, const char *method, enum action *a, char *type,
    char *system, size_t size, const char **allow)
{
	const char *rest = url + PREFIX_LEN, *slash, *end;
	int post = strcmp(method, "POST") == 0;

	*allow = "GET, HEAD";
	if (*rest == '\0') {
		*allow = "GET, HEAD, POST";
		*a = post ? ADD : LIST;
		return 0;
	}
	rest++;
	if (strcmp(rest, "test") == 0) {
		*allow = "POST";
		*a = TEST;
		return 0;
	}
	if ((slash = strchr(rest, '/')) == NULL || slash == rest ||
	    (size_t)(slash - rest) >= size)
		return -1;
	snprintf(type, size, "%.*s", (int)(slash - rest), rest);
	rest = slash + 1;
	end = strchr(rest, '/');
	if (end == rest || (size_t)(end != NULL ? end - rest :
	    (long)strlen(rest)) >= size || (end == NULL && *rest == '\0'))
		return -1;
	snprintf(system, size, "%.*s", (int)(end != NULL ? end - rest :
	    (long)strlen(rest)), rest);
	if (end == NULL)
		*a = SHOW;
	else if (strcmp(end, "/versions") == 0)
		*a = VERSIONS;
	else
		return -1;
	return 0;
}

/* out, wrapped as {"NAME": out}. */
static void
wrap(struct buf *b, const char *name, const struct buf *out)
{
	buf_addf(b, "{\"%s\":", name);
	buf_add(b, out->data, out->len);
	buf_addc(b, '}');
}

enum MHD_Result
httpd_mappings_start(struct journal *reader, struct MHD_Connection *conn,
    const char *url, const char *method, int *body)
{
	struct journal_key key;
	struct buf out = BUF_INIT, b = BUF_INIT;
	const char *allow, *v;
	char type[129], system[129];
	enum MHD_Result ret;
	enum action a;
	unsigned int status;
	long version = 0;
	int rc, found = 1, get;

	*body = 0;
	if (route(url, method, &a, type, system, sizeof(type), &allow) != 0)
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such mapping endpoint", NULL, NULL);
	get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if ((a == ADD || a == TEST) != (strcmp(method, "POST") == 0) ||
	    (a != ADD && a != TEST && !get))
		return httpd_reply_fail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method_not_allowed", "the method does not apply here",
		    MHD_HTTP_HEADER_ALLOW, allow);
	if ((status = httpd_status_key(reader, conn, "admin", &key)) != 0)
		return httpd_status_key_refused(conn, status);
	if (a == ADD || a == TEST) {
		*body = 1;
		return MHD_YES;
	}
	switch (a) {
	case LIST:
		if ((rc = ops_mappings_list(reader, &out)) == 0)
			wrap(&b, "mappings", &out);
		break;
	case SHOW:
		v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
		    "version");
		if (v != NULL && (version = options_number(v, 1,
		    1000000000)) < 0) {
			buf_release(&out);
			return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_query", "version is a whole number from"
			    " 1", NULL, NULL);
		}
		rc = ops_mappings_show(reader, type, system, (int)version, &b,
		    &found);
		break;
	default:
		if ((rc = ops_mappings_versions(reader, type, system, &out,
		    &found)) == 0)
			wrap(&b, "versions", &out);
		break;
	}
	buf_release(&out);
	if (rc != 0) {
		buf_release(&b);
		return httpd_status_journal_failed(reader, conn);
	}
	if (!found) {
		buf_release(&b);
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such mapping", NULL, NULL);
	}
	ret = httpd_reply_send(conn, MHD_HTTP_OK, &b, NULL, NULL, NULL);
	buf_release(&b);
	return ret;
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
static int
test(struct journal *reader, const struct cfg *cfg, const char *type,
    const char *system, jv event, struct buf *b, struct buf *err,
    unsigned int *status)
{
	struct buf out = BUF_INIT;
	struct map m;
	char serr[512];
	jv t;
	int n;

	t = jv_object_get(jv_copy(event), jv_string("type"));
	n = jv_get_kind(t) == JV_KIND_STRING &&
	    strcmp(jv_string_value(t), type) == 0;
	jv_free(t);
	if (!n) {
		jv_free(event);
		buf_addf(err, "the event's type is not '%s'", type);
		*status = MHD_HTTP_BAD_REQUEST;
		return -1;
	}
	if (map_init(&m, cfg, err) != 0) {
		jv_free(event);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return -1;
	}
	if ((m.store = mapstore_open(journal_path(reader), serr,
	    sizeof(serr))) == NULL) {
		jv_free(event);
		map_release(&m);
		buf_adds(err, serr);
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		return -1;
	}
	n = map_test(&m, event, system, &out, err);
	mapstore_close(m.store);
	map_release(&m);
	if (n < 0) {
		buf_release(&out);
		*status = MHD_HTTP_BAD_REQUEST;
		return -1;
	}
	/* One JSON object a line: an array's items. */
	buf_adds(b, "{\"requests\":[");
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] != '\n')
			buf_addc(b, out.data[i]);
		else if (i + 1 < out.len)
			buf_addc(b, ',');
	buf_adds(b, "]}");
	buf_release(&out);
	return 0;
}

enum MHD_Result
httpd_mappings_post(struct journal *reader, const struct cfg *cfg,
    struct MHD_Connection *conn, const char *url, const char *body,
    size_t len)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	const char *type, *system, *program;
	unsigned int status = MHD_HTTP_OK;
	enum MHD_Result ret;
	jv req, t, s, p, e;
	int rc;

	req = jv_parse_sized(body, (int)len);
	if (!jv_is_valid(req) || jv_get_kind(req) != JV_KIND_OBJECT) {
		jv_free(req);
		return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST, "invalid_json",
		    "the body is not a JSON object", NULL, NULL);
	}
	type = member(req, "type", &t);
	system = member(req, "system", &s);
	if (type == NULL || system == NULL) {
		buf_adds(&err, "type and system are strings");
		status = MHD_HTTP_BAD_REQUEST;
	} else if (strcmp(url, PREFIX "/test") == 0) {
		e = jv_object_get(jv_copy(req), jv_string("event"));
		if (jv_get_kind(e) != JV_KIND_OBJECT) {
			jv_free(e);
			buf_adds(&err, "event is a CloudEvent, an object");
			status = MHD_HTTP_BAD_REQUEST;
		} else
			test(reader, cfg, type, system, e, &b, &err, &status);
	} else if ((program = member(req, "program", &p)) == NULL) {
		jv_free(p);
		buf_adds(&err, "program is a string");
		status = MHD_HTTP_BAD_REQUEST;
	} else {
		rc = ops_mappings_add(reader, type, system, program, NULL, &b,
		    &err);
		jv_free(p);
		if (rc == OPS_MAPPINGS_REFUSED)
			status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		else if (rc != 0) {
			jv_free(t);
			jv_free(s);
			jv_free(req);
			buf_release(&b);
			buf_release(&err);
			return httpd_status_journal_failed(reader, conn);
		} else {
			status = MHD_HTTP_CREATED;
			log_info(NULL, "mapping %s/%s: a version added over"
			    " the API", type, system);
		}
	}
	jv_free(t);
	jv_free(s);
	jv_free(req);
	if (err.len > 0)
		ret = httpd_reply_fail(conn, status, status ==
		    MHD_HTTP_UNPROCESSABLE_CONTENT ? "invalid_mapping" :
		    "invalid_request", err.data, NULL, NULL);
	else
		ret = httpd_reply_send(conn, status, &b, NULL, NULL, NULL);
	buf_release(&b);
	buf_release(&err);
	return ret;
}
