/*
 * httpd/dlq: /api/dlq on the receiver.  See httpd/dlq.h.
 */
#include <stdio.h>
#include <string.h>

#include "httpd/dlq.h"
#include "httpd/status.h"
#include "base/buf.h"
#include "ops/dlq.h"
#include "httpd/reply.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "base/log.h"

enum action { LIST, STATS, SHOW, RETRY, ARCHIVE, DELETE };

/* What each action answers to, and the Allow header for the others. */
static const struct {
	const char	*method;
	const char	*allow;
} methods[] = {
	[LIST] = { "GET", "GET, HEAD" },
	[STATS] = { "GET", "GET, HEAD" },
	[SHOW] = { "GET", "GET, HEAD, DELETE" },
	[RETRY] = { "POST", "POST" },
	[ARCHIVE] = { "POST", "POST" },
	[DELETE] = { "DELETE", "GET, HEAD, DELETE" },
};

static int
dlq_filter_set(void *f, const char *name, const char *value, char *err,
    size_t errsz)
{
	return ops_dlq_filter_set(f, name, value, err, errsz);
}

/*
 * Which action url and method ask for, with the dead letter's id copied
 * to id: 0, or -1 if url names nothing here.
 */
static int
route(const char *url, const char *method, enum action *a, char *id)
{
	const char *rest, *slash;

	if (strcmp(url, "/api/dlq") == 0) {
		*a = LIST;
		return 0;
	}
	rest = url + strlen("/api/dlq/");
	if (strcmp(rest, "stats") == 0) {
		*a = STATS;
		return 0;
	}
	slash = strchr(rest, '/');
	if ((slash != NULL ? (size_t)(slash - rest) : strlen(rest)) != ID_LEN)
		return -1;
	memcpy(id, rest, ID_LEN);
	id[ID_LEN] = '\0';
	if (slash == NULL)
		*a = strcmp(method, "DELETE") == 0 ? DELETE : SHOW;
	else if (strcmp(slash, "/retry") == 0)
		*a = RETRY;
	else if (strcmp(slash, "/archive") == 0)
		*a = ARCHIVE;
	else
		return -1;
	return 0;
}

/* Whether DELETE's force argument says yes. */
static int
forced(struct MHD_Connection *conn)
{
	const char *v;

	v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "force");
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "yes") == 0);
}

enum MHD_Result
httpd_dlq_answer(struct journal *reader, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	struct journal_key key;
	struct journal_dlq_filter f;
	struct buf b = BUF_INIT;
	enum journal_dlq_deleted deleted = JOURNAL_DLQ_DELETED;
	enum MHD_Result ret;
	enum action a;
	char id[ID_LEN + 1] = "", err[128];
	unsigned int status;
	int found = 1, rc = -1;

	if (route(url, method, &a, id) != 0)
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such dead letter", NULL, NULL);
	if (strcmp(method, methods[a].method) != 0 && !(strcmp(method,
	    "HEAD") == 0 && strcmp(methods[a].method, "GET") == 0))
		return httpd_reply_fail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method_not_allowed", "the method does not apply here",
		    MHD_HTTP_HEADER_ALLOW, methods[a].allow);
	if ((status = httpd_status_key(reader, conn, "admin", &key)) != 0)
		return httpd_status_key_refused(conn, status);

	switch (a) {
	case LIST:
		ops_dlq_filter_init(&f);
		if (httpd_status_query(conn, dlq_filter_set, &f, err,
		    sizeof(err)) != 0)
			return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_query", err, NULL, NULL);
		rc = ops_dlq_list(reader, &f, &b);
		break;
	case STATS:
		rc = ops_dlq_stats(reader, &b);
		break;
	case SHOW:
		rc = ops_dlq_show(reader, id, &b, &found);
		break;
	case RETRY:
		rc = ops_dlq_retry(reader, id, &b, &found);
		break;
	case ARCHIVE:
		rc = ops_dlq_archive(reader, id, &b, &found);
		break;
	case DELETE:
		rc = ops_dlq_delete(reader, id, forced(conn), &b, &deleted);
		found = deleted != JOURNAL_DLQ_NOT_DEAD;
		break;
	}
	if (rc != 0) {
		buf_release(&b);
		return httpd_status_journal_failed(reader, conn);
	}
	if (!found) {
		buf_release(&b);
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    a == ARCHIVE ? "no such dead letter in the queue" :
		    "no such dead letter", NULL, NULL);
	}
	if (deleted == JOURNAL_DLQ_NOT_ARCHIVED)
		return httpd_reply_fail(conn, MHD_HTTP_CONFLICT, "not_archived",
		    "archive the dead letter first, or delete with force=1",
		    NULL, NULL);
	if (a == RETRY || a == ARCHIVE || a == DELETE)
		log_info(&(struct log_ids){ .delivery = id }, "dead letter %s:"
		    " %s with key '%s'", id, a == RETRY ? "retried" : a ==
		    ARCHIVE ? "archived" : "deleted", key.name);
	ret = httpd_reply_send(conn, MHD_HTTP_OK, &b, NULL, NULL, NULL);
	buf_release(&b);
	return ret;
}
