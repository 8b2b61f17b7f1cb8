/*
 * ops/syncs: the sync jobs and their runs as JSON, for integra-sync and the
 * receiver's /api/sync.  See ops/syncs.h.
 */
#include <string.h>

#include "base/buf.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "ops/syncs.h"

static const char *const pagings[] = { "page", "offset", "cursor",
    "link" };
static const char *const incrementals[] = { "none", "updated_since",
    "cursor" };

static void
member(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, ",\"%s\":", name);
	if (value == NULL)
		buf_adds(b, "null");
	else
		buf_add_json_string(b, value, strlen(value));
}

int
ops_syncs_job(const struct cfg_sync *job, struct journal *j, struct buf *out)
{
	buf_adds(out, "{\"job\":");
	buf_add_json_string(out, job->name, strlen(job->name));
	member(out, "runner", job->runner);
	member(out, "schedule", job->schedule);
	member(out, "from", job->from);
	member(out, "path", job->path);
	member(out, "event", job->event);
	member(out, "paging", pagings[job->paging]);
	member(out, "incremental", incrementals[job->incremental]);
	buf_adds(out, ",\"state\":");
	if (journal_sync_job_state(j, job->name, out) != 0)
		return -1;
	buf_addc(out, '}');
	return 0;
}

int
ops_syncs_jobs(const struct cfg *cfg, struct journal *j, struct buf *out)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < cfg->nsyncs; i++) {
		if (i > 0)
			buf_addc(out, ',');
		if (ops_syncs_job(&cfg->syncs[i], j, out) != 0)
			return -1;
	}
	buf_addc(out, ']');
	return 0;
}

static int
add_run(void *ctx, const char *id, const char *text, size_t len)
{
	struct buf *b = ctx;

	(void)id;
	if (b->len > 0 && b->data[b->len - 1] != '[')
		buf_addc(b, ',');
	buf_add(b, text, len);
	return 0;
}

int
ops_syncs_each_run(struct journal *j, const char *job, int limit,
    journal_row_fn fn, void *ctx)
{
	return journal_sync_runs(j, job, limit, fn, ctx);
}

int
ops_syncs_runs(struct journal *j, const char *job, int limit, struct buf *out)
{
	buf_addc(out, '[');
	if (ops_syncs_each_run(j, job, limit, add_run, out) != 0)
		return -1;
	buf_addc(out, ']');
	return 0;
}

int
ops_syncs_run(struct journal *j, int64_t id, struct buf *out, int *found)
{
	return journal_sync_run_get(j, id, out, found);
}

static int
add_stats(void *ctx, const char *job, const char *text, size_t len)
{
	struct buf *b = ctx;

	if (b->data[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_add_json_string(b, job, strlen(job));
	buf_addc(b, ':');
	buf_add(b, text, len);
	return 0;
}

int
ops_syncs_stats(struct journal *j, int64_t since, struct buf *out)
{
	buf_addf(out, "{\"since\":%lld,\"jobs\":{", (long long)since);
	if (journal_sync_stats(j, since, add_stats, out) != 0)
		return -1;
	buf_adds(out, "}}");
	return 0;
}
