/*
 * ops/campaigns: the campaigns an admin or the marketing site asks for
 * and watches.  See ops/campaigns.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/ids.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "journal/groups.h"
#include "json/event.h"
#include "ops/campaigns.h"
#include "ops/page.h"
#include "stage/group.h"

int
ops_campaigns_dispatch(const struct cfg *cfg, struct journal *j,
    const char *id, const char *tenant, int64_t now, struct buf *out,
    struct buf *why, enum ops_campaigns_result *res)
{
	struct buf env = BUF_INIT, data = BUF_INIT;
	struct journal_event je;
	char event[ID_LEN + 1], dup[ID_LEN + 1], time[RFC3339_LEN + 1];
	int rc;

	*res = OPS_CAMPAIGNS_BAD;
	if (!journal_group_name_valid(id)) {
		buf_addf(why, "campaign_id must be 1 to %d letters, digits and"
		    " ._:-", JOURNAL_GROUP_MAX);
		return 0;
	}
	if (tenant == NULL)
		tenant = cfg->tenant;
	id_new(event);
	clock_rfc3339(now, time);
	buf_adds(&data, "{\"campaign_id\":");
	buf_add_json_string(&data, id, strlen(id));
	buf_addc(&data, '}');
	event_write(&env, &(struct event_head){ .id = event,
	    .source = OPS_CAMPAIGNS_SOURCE, .type = OPS_CAMPAIGNS_TYPE,
	    .time = time, .subject = id, .tenant = tenant,
	    .idempotencykey = id }, data.data, data.len);
	je = (struct journal_event){ .id = event,
	    .source = OPS_CAMPAIGNS_SOURCE, .type = OPS_CAMPAIGNS_TYPE,
	    .tenant = tenant, .subject = id, .time = time,
	    .idempotency_key = id, .envelope = env.data,
	    .envelope_len = env.len, .canonical = 1, .received_at = now };
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = journal_event_add(j, &je, dup, NULL)) < 0) {
		journal_rollback(j);
		goto out;
	}
	*res = rc == 1 ? OPS_CAMPAIGNS_DUPLICATE : OPS_CAMPAIGNS_DONE;
	if ((rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		goto out;
	}
	buf_adds(out, "{\"campaign\":");
	buf_add_json_string(out, id, strlen(id));
	buf_addf(out, ",\"event\":\"%s\",\"duplicate\":%s}",
	    *res == OPS_CAMPAIGNS_DUPLICATE ? dup : event,
	    *res == OPS_CAMPAIGNS_DUPLICATE ? "true" : "false");
out:
	buf_release(&env);
	buf_release(&data);
	return rc;
}

int
ops_campaigns_list(struct journal *j, const char *after, int limit,
    struct buf *out)
{
	struct ops_page p;
	int rc;

	ops_page_open(&p, out, "campaigns");
	if ((rc = journal_group_list(j, after, limit, ops_page_row, &p)) != 0)
		return rc;
	ops_page_close(&p, limit);
	return 0;
}

int
ops_campaigns_status(const struct cfg *cfg, struct journal *j,
    const char *id, struct buf *out, enum ops_campaigns_result *res)
{
	int rc, found;

	rc = group_status(j, cfg, id, out, &found);
	*res = found ? OPS_CAMPAIGNS_DONE : OPS_CAMPAIGNS_MISSING;
	return rc;
}

/* A dead delivery's row, after the ones before it. */
static int
dead_row(void *ctx, const char *id, const char *json, size_t len)
{
	struct buf *out = ctx;

	(void)id;
	if (out->data[out->len - 1] != '[')
		buf_addc(out, ',');
	buf_add(out, json, len);
	return 0;
}

int
ops_campaigns_show(const struct cfg *cfg, struct journal *j, const char *id,
    struct buf *out, enum ops_campaigns_result *res)
{
	int rc;

	if ((rc = ops_campaigns_status(cfg, j, id, out, res)) != 0 ||
	    *res != OPS_CAMPAIGNS_DONE)
		return rc;
	/* "dead_deliveries":[...] in before the status's last brace. */
	out->data[--out->len] = '\0';
	buf_adds(out, ",\"dead_deliveries\":[");
	if ((rc = journal_group_dead(j, id, OPS_CAMPAIGNS_LIMIT, dead_row,
	    out)) == 0)
		buf_adds(out, "]}");
	return rc;
}

/* Runs fn on the campaign in a transaction, then answers its status. */
static int
change(const struct cfg *cfg, struct journal *j, const char *id, int64_t now,
    int retry, struct buf *out, enum ops_campaigns_result *res)
{
	struct buf st = BUF_INIT;
	long n = 0;
	int rc, found, settled;

	if ((rc = journal_begin(j)) != 0)
		return rc;
	if ((rc = group_status(j, cfg, id, &st, &found)) != 0 || !found) {
		*res = OPS_CAMPAIGNS_MISSING;
		journal_rollback(j);
		buf_release(&st);
		return rc;
	}
	*res = OPS_CAMPAIGNS_DONE;
	buf_reset(&st);
	if ((rc = retry ? journal_group_retry(j, id, now, &n) :
	    journal_group_cancel(j, id, "the campaign was cancelled", now,
	    &n)) != 0 || (rc = group_settle(j, cfg, id, now, &settled)) != 0 ||
	    (rc = group_status(j, cfg, id, &st, &found)) != 0 ||
	    (rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		buf_release(&st);
		return rc;
	}
	/* The status, with how many this changed. */
	buf_add(out, st.data, st.len - 1);
	buf_addf(out, ",\"%s\":%ld}", retry ? "retried" : "cancelled_now", n);
	buf_release(&st);
	return 0;
}

int
ops_campaigns_cancel(const struct cfg *cfg, struct journal *j, const char *id,
    int64_t now, struct buf *out, enum ops_campaigns_result *res)
{
	return change(cfg, j, id, now, 0, out, res);
}

int
ops_campaigns_retry(const struct cfg *cfg, struct journal *j, const char *id,
    int64_t now, struct buf *out, enum ops_campaigns_result *res)
{
	return change(cfg, j, id, now, 1, out, res);
}
