/*
 * httpd/dlq: /api/dlq on the receiver.  See httpd/dlq.h.
 */
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "httpd/dlq.h"
#include "httpd/reply.h"
#include "ops/dlq.h"

static int
filter_set(void *f, const char *name, const char *value, char *err,
    size_t errsz)
{
	return ops_dlq_filter_set(f, name, value, err, errsz);
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

/* A change to a dead letter answered, and logged once done. */
static enum MHD_Result
changed(const struct httpd_call *c, int rc, int found, const char *done,
    const char *missing, struct buf *b)
{
	if (rc == 0 && !found)
		rc = 1;
	if (rc == 0)
		log_info(&(struct log_ids){ .delivery = c->arg[0] },
		    "dead letter %s: %s with key '%s'", c->arg[0], done,
		    c->key.name);
	return httpd_reply_result(c->conn, c->reader, rc, missing,
	    MHD_HTTP_OK, b);
}

enum MHD_Result
httpd_dlq_list(const struct httpd_call *c)
{
	struct journal_dlq_filter f;
	struct buf b = BUF_INIT;
	char err[128];

	ops_dlq_filter_init(&f);
	if (httpd_route_query(c, filter_set, &f, err, sizeof(err)) != 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", err, NULL, NULL);
	return httpd_reply_result(c->conn, c->reader, ops_dlq_list(c->reader,
	    &f, &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_dlq_stats(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;

	return httpd_reply_result(c->conn, c->reader, ops_dlq_stats(c->reader,
	    &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_dlq_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int found, rc;

	if ((rc = ops_dlq_show(c->reader, c->arg[0], &b, &found)) == 0 &&
	    !found)
		rc = 1;
	return httpd_reply_result(c->conn, c->reader, rc,
	    "no such dead letter", MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_dlq_retry(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int found, rc;

	rc = ops_dlq_retry(c->reader, c->arg[0], &b, &found);
	return changed(c, rc, found, "retried", "no such dead letter", &b);
}

enum MHD_Result
httpd_dlq_archive(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int found, rc;

	rc = ops_dlq_archive(c->reader, c->arg[0], &b, &found);
	return changed(c, rc, found, "archived",
	    "no such dead letter in the queue", &b);
}

enum MHD_Result
httpd_dlq_delete(const struct httpd_call *c)
{
	enum journal_dlq_deleted deleted = JOURNAL_DLQ_DELETED;
	struct buf b = BUF_INIT;
	int rc;

	rc = ops_dlq_delete(c->reader, c->arg[0], forced(c->conn), &b,
	    &deleted);
	if (rc == 0 && deleted == JOURNAL_DLQ_NOT_ARCHIVED) {
		buf_release(&b);
		return httpd_reply_fail(c->conn, MHD_HTTP_CONFLICT,
		    "not_archived", "archive the dead letter first, or delete"
		    " with force=1", NULL, NULL);
	}
	return changed(c, rc, deleted != JOURNAL_DLQ_NOT_DEAD, "deleted",
	    "no such dead letter", &b);
}
