/*
 * ops/dlq: list, show, count, retry, archive and delete dead letters.  See
 * ops/dlq.h.
 */
#include <stdio.h>
#include <string.h>

#include "ops/page.h"
#include "base/buf.h"
#include "base/clock.h"
#include "ops/dlq.h"

void
ops_dlq_filter_init(struct journal_dlq_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->limit = OPS_DLQ_LIMIT;
}

int
ops_dlq_filter_set(struct journal_dlq_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	if (strcmp(name, "type") == 0)
		f->type = value;
	else if (strcmp(name, "target") == 0)
		f->target = value;
	else if (strcmp(name, "cursor") == 0)
		f->after = value;
	else if (strcmp(name, "archived") == 0) {
		if (strcmp(value, "no") == 0)
			f->archived = 0;
		else if (strcmp(value, "yes") == 0)
			f->archived = 1;
		else if (strcmp(value, "all") == 0)
			f->archived = -1;
		else {
			snprintf(err, errsz, "archived is no, yes or all");
			return -1;
		}
	} else
		return ops_page_filter(name, value, &f->since, NULL, &f->limit,
		    OPS_DLQ_LIMIT_MAX, err, errsz);
	return 0;
}

int
ops_dlq_each(struct journal *j, const struct journal_dlq_filter *f, int full,
    journal_row_fn fn, void *ctx)
{
	return journal_dlq_query(j, f, full, fn, ctx);
}

int
ops_dlq_list(struct journal *j, const struct journal_dlq_filter *f,
    struct buf *out)
{
	struct ops_page p;

	ops_page_open(&p, out, "dead_letters");
	if (ops_dlq_each(j, f, 0, ops_page_row, &p) != 0)
		return -1;
	ops_page_close(&p, f->limit);
	return 0;
}

int
ops_dlq_show(struct journal *j, const char *id, struct buf *out, int *found)
{
	return journal_dlq_detail(j, id, out, found);
}

int
ops_dlq_stats(struct journal *j, struct buf *out)
{
	return journal_dlq_stats(j, clock_ms(), out);
}

/* Does a to id, in the caller's transaction. */
static int
change_one(struct journal *j, enum ops_dlq_action a, const char *id,
    int force, int64_t now, enum ops_dlq_outcome *outcome)
{
	enum journal_dlq_deleted deleted;
	int done, rc;

	switch (a) {
	case OPS_DLQ_RETRY:
		rc = journal_dlq_retry(j, id, now, &done);
		break;
	case OPS_DLQ_ARCHIVE:
		rc = journal_dlq_archive(j, id, now, &done);
		break;
	default:
		if ((rc = journal_dlq_delete(j, id, force, &deleted)) != 0)
			return rc;
		*outcome = deleted == JOURNAL_DLQ_DELETED ? OPS_DLQ_DONE :
		    deleted == JOURNAL_DLQ_NOT_ARCHIVED ?
		    OPS_DLQ_NOT_ARCHIVED : OPS_DLQ_MISSING;
		return 0;
	}
	*outcome = done ? OPS_DLQ_DONE : OPS_DLQ_MISSING;
	return rc;
}

int
ops_dlq_change(struct journal *j, enum ops_dlq_action a,
    const char *const ids[], size_t n, int force, ops_dlq_fn fn, void *ctx)
{
	enum ops_dlq_outcome outcomes[OPS_DLQ_BATCH];
	int64_t now = clock_ms();
	size_t at, i, m;
	int rc;

	for (at = 0; at < n; at += m) {
		m = n - at < OPS_DLQ_BATCH ? n - at : OPS_DLQ_BATCH;
		if ((rc = journal_begin(j)) != 0)
			return rc;
		for (i = 0; i < m; i++)
			if ((rc = change_one(j, a, ids[at + i], force, now,
			    &outcomes[i])) != 0) {
				journal_rollback(j);
				return rc;
			}
		if ((rc = journal_commit(j)) != 0) {
			journal_rollback(j);
			return rc;
		}
		for (i = 0; i < m; i++)
			fn(ctx, ids[at + i], outcomes[i]);
	}
	return 0;
}

void
ops_dlq_changed_json(struct buf *out, const char *id, enum ops_dlq_action a)
{
	buf_adds(out, "{\"id\":");
	buf_add_json_string(out, id, strlen(id));
	buf_addf(out, ",\"status\":\"%s\"}", a == OPS_DLQ_RETRY ?
	    "pending" : a == OPS_DLQ_ARCHIVE ? "archived" : "deleted");
}

/* What ops_dlq_change did to the one id it was given. */
struct one {
	struct buf		*out;
	enum ops_dlq_action	 a;
	enum ops_dlq_outcome	 outcome;
};

static void
one_done(void *ctx, const char *id, enum ops_dlq_outcome outcome)
{
	struct one *o = ctx;

	o->outcome = outcome;
	if (outcome == OPS_DLQ_DONE)
		ops_dlq_changed_json(o->out, id, o->a);
}

int
ops_dlq_retry(struct journal *j, const char *id, struct buf *out, int *found)
{
	struct one o = { out, OPS_DLQ_RETRY, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, 0, one_done, &o);

	*found = o.outcome == OPS_DLQ_DONE;
	return rc;
}

int
ops_dlq_archive(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	struct one o = { out, OPS_DLQ_ARCHIVE, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, 0, one_done, &o);

	*found = o.outcome == OPS_DLQ_DONE;
	return rc;
}

int
ops_dlq_delete(struct journal *j, const char *id, int force, struct buf *out,
    enum journal_dlq_deleted *result)
{
	struct one o = { out, OPS_DLQ_DELETE, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, force, one_done, &o);

	*result = o.outcome == OPS_DLQ_DONE ? JOURNAL_DLQ_DELETED :
	    o.outcome == OPS_DLQ_NOT_ARCHIVED ? JOURNAL_DLQ_NOT_ARCHIVED :
	    JOURNAL_DLQ_NOT_DEAD;
	return rc;
}
