/*
 * httpd/status: the receiver's API answered at once.  See httpd/status.h.
 */
#include <sys/statvfs.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "httpd/apikey.h"
#include "httpd/status.h"
#include "base/buf.h"
#include "base/clock.h"
#include "ops/events.h"
#include "httpd/reply.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "base/log.h"
#include "report/dashboard.h"
#include "report/report.h"

unsigned int
httpd_status_key(struct journal *reader, struct MHD_Connection *conn,
    const char *scope, struct journal_key *k)
{
	unsigned char hash[JOURNAL_KEY_HASH_LEN];
	const char *key;
	int found;

	if ((key = httpd_reply_header(conn, "X-API-Key")) == NULL &&
	    (key = httpd_reply_header(conn, "Authorization")) != NULL) {
		if (strncasecmp(key, "Bearer ", 7) != 0)
			return MHD_HTTP_UNAUTHORIZED;
		key += 7;
	}
	if (key == NULL)
		return MHD_HTTP_UNAUTHORIZED;
	/* The lookup is by the key's SHA-256: its time tells nothing. */
	apikey_hash(key, hash);
	if (journal_key_find(reader, hash, k, &found) != 0) {
		log_error(NULL, "api key: %s", journal_error(reader));
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (!found)
		return MHD_HTTP_UNAUTHORIZED;
	if (!apikey_grants(k->scopes, scope)) {
		log_warn(NULL, "api key '%s' lacks %s: refused", k->name,
		    scope);
		return MHD_HTTP_FORBIDDEN;
	}
	return 0;
}

enum MHD_Result
httpd_status_journal_failed(struct journal *reader, struct MHD_Connection *conn)
{
	log_error(NULL, "api: %s", journal_error(reader));
	return httpd_reply_fail(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "unavailable", "the journal failed", MHD_HTTP_HEADER_RETRY_AFTER,
	    "5");
}

/* A body that is not JSON: of media type type, with header: value. */
static enum MHD_Result
send_text(struct MHD_Connection *conn, const struct buf *b, const char *type,
    const char *header, const char *value)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(b->len, b->data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (header != NULL)
		MHD_add_response_header(resp, header, value);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
httpd_status_key_refused(struct MHD_Connection *conn, unsigned int status)
{
	if (status == MHD_HTTP_UNAUTHORIZED)
		return httpd_reply_fail(conn, status, "unauthorized", "a valid API key is"
		    " needed", MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == MHD_HTTP_FORBIDDEN)
		return httpd_reply_fail(conn, status, "forbidden", "the API key lacks the"
		    " scope", NULL, NULL);
	return httpd_reply_fail(conn, status, "unavailable", "the journal failed", NULL,
	    NULL);
}

struct query {
	httpd_status_filter_fn	 set;
	void			*filter;
	char			*err;
	size_t			 errsz;
	int			 bad;
};

static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query *q = cls;

	(void)kind;
	if (!q->bad && q->set(q->filter, key, value != NULL ? value : "",
	    q->err, q->errsz) != 0)
		q->bad = 1;
	return MHD_YES;
}

int
httpd_status_query(struct MHD_Connection *conn, httpd_status_filter_fn set,
    void *filter, char *err, size_t errsz)
{
	struct query q = { .set = set, .filter = filter, .err = err,
	    .errsz = errsz };

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &q);
	return q.bad ? -1 : 0;
}

static int
events_filter_set(void *f, const char *name, const char *value, char *err,
    size_t errsz)
{
	return ops_events_filter_set(f, name, value, err, errsz);
}

enum MHD_Result
httpd_status_events(struct journal *reader, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	struct journal_key key;
	struct journal_filter f;
	struct buf b = BUF_INIT;
	const char *id = url + 12, *slash;
	char idbuf[ID_LEN + 1], err[128];
	enum MHD_Result ret;
	unsigned int status;
	int found = 1, rc, get = strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0, retry = 0;

	if (strcmp(url, "/api/events") == 0) {
		if (!get)
			return httpd_reply_fail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method_not_allowed", "use GET or POST",
			    MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
		id = NULL;
	} else {
		slash = strchr(id, '/');
		retry = slash != NULL && strcmp(slash, "/retry") == 0;
		if ((slash != NULL && !retry) || (size_t)(slash != NULL ?
		    slash - id : (long)strlen(id)) != ID_LEN)
			return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
			    "no such event", NULL, NULL);
		memcpy(idbuf, id, ID_LEN);
		idbuf[ID_LEN] = '\0';
		id = idbuf;
		if (retry ? strcmp(method, "POST") != 0 : !get)
			return httpd_reply_fail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method_not_allowed", retry ? "use POST" :
			    "use GET", MHD_HTTP_HEADER_ALLOW, retry ? "POST" :
			    "GET, HEAD");
	}
	if ((status = httpd_status_key(reader, conn, retry ? "events:write" :
	    "events:read", &key)) != 0)
		return httpd_status_key_refused(conn, status);
	if (id == NULL) {
		ops_events_filter_init(&f);
		if (httpd_status_query(conn, events_filter_set, &f, err,
		    sizeof(err)) != 0)
			return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_query", err, NULL, NULL);
		rc = ops_events_list(reader, &f, &b);
	} else if (retry)
		rc = ops_events_retry(reader, id, &b, &found);
	else
		rc = ops_events_show(reader, id, &b, &found);
	if (rc != 0) {
		buf_release(&b);
		return httpd_status_journal_failed(reader, conn);
	}
	if (!found) {
		buf_release(&b);
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such event", NULL, NULL);
	}
	if (retry)
		log_info(&(struct log_ids){ .event = id }, "event %s: retry"
		    " asked with key '%s'", id, key.name);
	ret = httpd_reply_send(conn, retry ? MHD_HTTP_ACCEPTED : MHD_HTTP_OK, &b,
	    NULL, NULL, NULL);
	buf_release(&b);
	return ret;
}

enum MHD_Result
httpd_status_state(struct journal *reader, int journal_ok,
    struct MHD_Connection *conn, int detailed)
{
	struct journal_key key;
	struct statvfs vfs;
	struct buf b = BUF_INIT, dir = BUF_INIT;
	enum MHD_Result ret;
	unsigned int status;
	const char *path = journal_path(reader), *slash;
	int rc, ok = journal_ok;

	if ((status = httpd_status_key(reader, conn, "events:read", &key)) != 0)
		return httpd_status_key_refused(conn, status);
	if (!detailed) {
		buf_addf(&b, "{\"version\":\"%s\",\"counts\":",
		    PACKAGE_VERSION);
		rc = journal_status(reader, clock_ms(), &b);
		buf_addc(&b, '}');
	} else {
		slash = strrchr(path, '/');
		if (slash == NULL)
			buf_addc(&dir, '.');
		else
			buf_add(&dir, path, slash > path ? (size_t)(slash -
			    path) : 1);
		buf_addf(&b, "{\"status\":\"%s\",\"journal\":{\"writable\":%s",
		    ok ? "ok" : "failing", ok ? "true" : "false");
		if (statvfs(dir.data, &vfs) == 0)
			buf_addf(&b, ",\"disk_free_bytes\":%llu",
			    (unsigned long long)vfs.f_bavail * vfs.f_frsize);
		buf_adds(&b, "},\"targets\":");
		rc = journal_targets_last(reader, &b);
		buf_addc(&b, '}');
		buf_release(&dir);
	}
	if (rc != 0) {
		buf_release(&b);
		return httpd_status_journal_failed(reader, conn);
	}
	ret = httpd_reply_send(conn, ok ? MHD_HTTP_OK :
	    MHD_HTTP_SERVICE_UNAVAILABLE, &b, NULL, NULL, NULL);
	buf_release(&b);
	return ret;
}


enum MHD_Result
httpd_status_dashboard(struct journal *reader, const struct cfg *cfg,
    struct MHD_Connection *conn)
{
	struct journal_key key;
	struct buf b = BUF_INIT;
	enum MHD_Result ret;
	unsigned int status;

	if ((status = httpd_status_key(reader, conn, "events:read", &key)) != 0)
		return httpd_status_key_refused(conn, status);
	if (dashboard_write(reader, cfg, clock_ms(), &b) != 0) {
		buf_release(&b);
		return httpd_status_journal_failed(reader, conn);
	}
	/* Nothing from elsewhere, and no script: say so to the browser. */
	ret = send_text(conn, &b, "text/html; charset=utf-8",
	    "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	buf_release(&b);
	return ret;
}

enum MHD_Result
httpd_status_metrics(struct journal *reader, struct MHD_Connection *conn)
{
	struct journal_key key;
	struct buf b = BUF_INIT;
	struct report r;
	enum MHD_Result ret;
	unsigned int status;

	if ((status = httpd_status_key(reader, conn, "events:read", &key)) != 0)
		return httpd_status_key_refused(conn, status);
	if (report_load(&r, reader, clock_ms(), 0) != 0) {
		report_release(&r);
		return httpd_status_journal_failed(reader, conn);
	}
	report_metrics(&r, &b);
	report_release(&r);
	/* The text exposition format's media type. */
	ret = send_text(conn, &b, "text/plain; version=0.0.4; charset=utf-8",
	    NULL, NULL);
	buf_release(&b);
	return ret;
}
