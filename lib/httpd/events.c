/*
 * httpd/events: /api/events on the receiver.  See httpd/events.h.
 */
#include "base/buf.h"
#include "base/log.h"
#include "httpd/events.h"
#include "httpd/reply.h"
#include "ops/events.h"

static int
filter_set(void *f, const char *name, const char *value, char *err,
    size_t errsz)
{
	return ops_events_filter_set(f, name, value, err, errsz);
}

enum MHD_Result
httpd_events_list(const struct httpd_call *c)
{
	struct journal_filter f;
	struct buf b = BUF_INIT;
	char err[128];

	ops_events_filter_init(&f);
	if (httpd_route_query(c, filter_set, &f, err, sizeof(err)) != 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", err, NULL, NULL);
	return httpd_reply_result(c->conn, c->reader, ops_events_list(c->reader,
	    &f, &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_events_show(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int found, rc;

	if ((rc = ops_events_show(c->reader, c->arg[0], &b, &found)) == 0 &&
	    !found)
		rc = 1;
	return httpd_reply_result(c->conn, c->reader, rc, "no such event",
	    MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_events_retry(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int found, rc;

	if ((rc = ops_events_retry(c->reader, c->arg[0], &b, &found)) == 0 &&
	    !found)
		rc = 1;
	if (rc == 0)
		log_info(&(struct log_ids){ .event = c->arg[0] }, "event %s:"
		    " retry asked with key '%s'", c->arg[0], c->key.name);
	return httpd_reply_result(c->conn, c->reader, rc, "no such event",
	    MHD_HTTP_ACCEPTED, &b);
}
