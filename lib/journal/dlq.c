/*
 * journal/dlq: the dead-letter queue, in the journal.  See journal/dlq.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/dlq.h"
#include "journal/groups.h"
#include "journal/private.h"

/*
 * A dead letter's headers and body, in columns c and c + 1 of st, put in
 * the JSON at obj's byte at, where the statement left them null.
 */
static void
put_request(struct buf *obj, size_t at, struct journal_stmt *st, int c)
{
	journal_json_put_column(obj, at, "headers", st, c,
	    JSON_PUT_OR_NULL);
	journal_json_put_column(obj, at, "body", st, c + 1, JSON_PUT_TEXT);
}

int
journal_dlq_query(struct journal *j, const struct journal_dlq_filter *f,
    int full, journal_row_fn fn, void *ctx)
{
	struct buf row = BUF_INIT;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_DLQ_QUERY)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->type);
	journal_bind_opt(st, 2, f->target);
	if (f->since > 0)
		journal_bind_int64(st, 3, f->since);
	journal_bind_int64(st, 4, f->archived);
	journal_bind_opt(st, 5, f->after);
	journal_bind_int64(st, 6, f->limit > 0 ? f->limit : -1);
	journal_bind_int64(st, 7, full);
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		buf_reset(&row);
		buf_add(&row, journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
		put_request(&row, 0, st, 2);
		if ((rc = fn(ctx, journal_column_text(st, 0), row.data,
		    row.len)) != 0) {
			journal_reset(st);
			buf_wipe(&row);
			return rc;
		}
	}
	buf_wipe(&row);
	return journal_step_end(j, st, rc, "list dead letters");
}

int
journal_dlq_match(struct journal *j, const struct journal_dlq_filter *f,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_DLQ_MATCH)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->type);
	journal_bind_opt(st, 2, f->target);
	journal_bind_opt(st, 3, f->source);
	journal_bind_opt(st, 4, f->tenant);
	if (f->since > 0)
		journal_bind_int64(st, 5, f->since);
	if (f->until > 0)
		journal_bind_int64(st, 6, f->until);
	journal_bind_opt(st, 7, f->error_class);
	journal_bind_int64(st, 8, f->archived);
	return journal_step_rows(j, st, fn, ctx, "find dead letters");
}

int
journal_dlq_detail(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	struct journal_stmt *st;
	size_t at;
	int rc;

	if ((st = journal_sql(j, SQL_DLQ_DETAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		at = out->len;
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
		put_request(out, at, st, 1);
		*found = 1;
	}
	return journal_step_end(j, st, rc, "read a dead letter");
}

int
journal_dlq_stats(struct journal *j, int64_t now, struct buf *out)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_DLQ_STATS)) == NULL)
		return -1;
	journal_bind_int64(st, 1, now);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "count dead letters");
}

int
journal_dlq_retry(struct journal *j, const char *id, int64_t now, int *done)
{
	struct buf group = BUF_INIT;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_DLQ_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_int64(st, 2, now);
	*done = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*done = 1;
		if ((rc = journal_count(j, now, "delivery",
		    journal_column_text(st, 0), "requeued", NULL,
		    1, 0)) != 0) {
			journal_reset(st);
			return rc;
		}
		if (!journal_column_null(st, 1))
			buf_adds(&group, journal_column_text(st,
			    1));
		rc = journal_step(st);
	}
	if ((rc = journal_step_end(j, st, rc, "retry a dead letter")) == 0 &&
	    *done)
		journal_work(j);
	if (rc == 0 && group.len > 0)
		rc = journal_group_reopen(j, group.data, now);
	buf_release(&group);
	return rc;
}

int
journal_dlq_archive(struct journal *j, const char *id, int64_t now,
    int *done)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_DLQ_ARCHIVE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_int64(st, 2, now);
	return journal_step_changed(j, st, "archive a dead letter", done);
}

int
journal_dlq_delete(struct journal *j, const char *id, int force,
    enum journal_dlq_deleted *result)
{
	struct journal_stmt *st;
	int rc, archived, done;

	if ((st = journal_sql(j, SQL_DLQ_FIND)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step(st)) != JOURNAL_ROW) {
		*result = JOURNAL_DLQ_NOT_DEAD;
		return journal_step_end(j, st, rc, "find a dead letter");
	}
	archived = journal_column_int(st, 0);
	journal_reset(st);
	if (!archived && !force) {
		*result = JOURNAL_DLQ_NOT_ARCHIVED;
		return 0;
	}
	if ((st = journal_sql(j, SQL_ATTEMPTS_DELETE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_done(j, st, "delete attempts")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_DELIVERY_DELETE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_changed(j, st, "delete a dead letter", &done)) != 0)
		return rc;
	*result = done ? JOURNAL_DLQ_DELETED : JOURNAL_DLQ_NOT_DEAD;
	return 0;
}

int
journal_dlq_sweep(struct journal *j, const char *target, int max_attempts,
    int64_t now, int *moved)
{
	struct journal_stmt *st;
	int64_t n;
	int rc;

	if ((st = journal_sql(j, SQL_DLQ_SWEEP)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_int64(st, 2, max_attempts);
	journal_bind_int64(st, 3, now);
	if ((rc = journal_step_count(j, st, "move exhausted deliveries",
	    &n)) != 0)
		return rc;
	if ((*moved = (int)n) == 0)
		return 0;
	return journal_count(j, now, "delivery", target, "dead", NULL, *moved,
	    0);
}
