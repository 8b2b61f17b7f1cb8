/*
 * httpd/campaigns: /api/campaigns on the receiver.  See
 * httpd/campaigns.h.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "httpd/campaigns.h"
#include "httpd/reply.h"
#include "journal/groups.h"
#include "json/jvdump.h"
#include "ops/campaigns.h"
#include "ops/page.h"
#include "json/jvparse.h"

/* The answer to a call on one campaign: it, or why there is none. */
static enum MHD_Result
answer(const struct httpd_call *c, int rc, enum ops_campaigns_result res,
    unsigned int ok, struct buf *b)
{
	if (rc == 0 && res == OPS_CAMPAIGNS_MISSING) {
		buf_release(b);
		return httpd_reply_fail(c->conn, MHD_HTTP_NOT_FOUND,
		    "not_found", "no such campaign", NULL, NULL);
	}
	return httpd_reply_result(c->conn, c->reader, rc, NULL, ok, b);
}

enum MHD_Result
httpd_campaigns_dispatch(const struct httpd_call *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT, id = BUF_INIT;
	enum ops_campaigns_result res = OPS_CAMPAIGNS_BAD;
	enum MHD_Result r;
	jv v, cid;
	int rc = 0;

	v = jvparse_text(c->body, c->body_len);
	cid = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("campaign_id")) : jv_invalid();
	jv_free(v);
	if (jv_get_kind(cid) == JV_KIND_STRING)
		buf_adds(&id, jv_string_value(cid));
	else if (jv_get_kind(cid) == JV_KIND_NUMBER &&
	    jv_is_integer(jv_copy(cid)) && jv_number_value(cid) >= 0 &&
	    jv_number_value(cid) < 1e15)
		jvdump(&id, jv_copy(cid));
	jv_free(cid);
	if (id.len == 0)
		buf_adds(&why, "the body must be {\"campaign_id\": ID}, ID a"
		    " string or a whole number");
	else
		rc = ops_campaigns_dispatch(c->cfg, c->reader, id.data,
		    c->key.tenant, clock_ms(), &b, &why, &res);
	if (rc == 0 && res == OPS_CAMPAIGNS_BAD) {
		r = httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST, "invalid",
		    why.data, NULL, NULL);
		buf_release(&why);
		buf_release(&id);
		buf_release(&b);
		return r;
	}
	if (rc == 0)
		log_info(NULL, "api: campaign '%s' asked %swith key '%s'",
		    id.data, res == OPS_CAMPAIGNS_DUPLICATE ? "again " : "",
		    c->key.name);
	buf_release(&why);
	buf_release(&id);
	return httpd_reply_result(c->conn, c->reader, rc, NULL,
	    res == OPS_CAMPAIGNS_DUPLICATE ? MHD_HTTP_OK : MHD_HTTP_ACCEPTED,
	    &b);
}

/* The listing's query: a page size and a cursor. */
struct listing {
	int		 limit;
	const char	*after;
};

static int
list_set(void *ctx, const char *name, const char *value, char *err,
    size_t errsz)
{
	struct listing *l = ctx;

	if (strcmp(name, "cursor") == 0) {
		if (!journal_group_name_valid(value)) {
			snprintf(err, errsz, "cursor: not a campaign id");
			return -1;
		}
		l->after = value;
		return 0;
	}
	if (strcmp(name, "limit") != 0) {
		snprintf(err, errsz, "unknown filter '%.40s'", name);
		return -1;
	}
	return ops_page_filter(name, value, NULL, NULL, &l->limit,
	    OPS_CAMPAIGNS_LIMIT_MAX, err, errsz);
}

enum MHD_Result
httpd_campaigns_list(const struct httpd_call *c)
{
	struct listing l = { .limit = OPS_CAMPAIGNS_LIMIT };
	struct buf b = BUF_INIT;
	char err[128];

	if (httpd_route_query(c, list_set, &l, err, sizeof(err)) != 0)
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", err, NULL, NULL);
	return httpd_reply_result(c->conn, c->reader, ops_campaigns_list(
	    c->reader, l.after, l.limit, &b), NULL, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_campaigns_show(const struct httpd_call *c)
{
	enum ops_campaigns_result res;
	struct buf b = BUF_INIT;
	int rc;

	rc = ops_campaigns_show(c->cfg, c->reader, c->arg[0], &b, &res);
	return answer(c, rc, res, MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_campaigns_status(const struct httpd_call *c)
{
	enum ops_campaigns_result res;
	struct buf b = BUF_INIT;
	int rc;

	rc = ops_campaigns_status(c->cfg, c->reader, c->arg[0], &b, &res);
	return answer(c, rc, res, MHD_HTTP_OK, &b);
}

/* A change to a campaign, as ops/campaigns makes it. */
typedef int (*change_fn)(const struct cfg *, struct journal *, const char *,
    int64_t, struct buf *, enum ops_campaigns_result *);

static enum MHD_Result
change(const struct httpd_call *c, change_fn fn, const char *done,
    unsigned int ok)
{
	enum ops_campaigns_result res;
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = fn(c->cfg, c->reader, c->arg[0], clock_ms(), &b,
	    &res)) == 0 && res == OPS_CAMPAIGNS_DONE)
		log_info(NULL, "api: campaign '%s' %s with key '%s'",
		    c->arg[0], done, c->key.name);
	return answer(c, rc, res, ok, &b);
}

enum MHD_Result
httpd_campaigns_cancel(const struct httpd_call *c)
{
	return change(c, ops_campaigns_cancel, "cancelled", MHD_HTTP_OK);
}

enum MHD_Result
httpd_campaigns_retry(const struct httpd_call *c)
{
	return change(c, ops_campaigns_retry, "retried", MHD_HTTP_ACCEPTED);
}
