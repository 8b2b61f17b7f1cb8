/*
 * journal/groups: the groups of deliveries.  See journal/groups.h.
 */
#include <stdio.h>
#include <string.h>

#include "journal/journal.h"
#include "journal/groups.h"
#include "journal/private.h"

int
journal_group_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= JOURNAL_GROUP_MAX && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._:-") == n;
}

int
journal_group_add(struct journal *j, const struct journal_group *g)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_GROUP_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, g->name);
	journal_bind_text(st, 2, g->route);
	journal_bind_text(st, 3, g->event_id);
	journal_bind_text(st, 4, g->tenant);
	journal_bind_int64(st, 5, g->progress);
	journal_bind_int64(st, 6, g->now);
	return journal_step_done(j, st, "add a group");
}

/* Runs statement which on group name at now, with n as ?3. */
static int
change(struct journal *j, enum journal_sql which, const char *name,
    int64_t now, int64_t n, const char *what)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	journal_bind_int64(st, 2, now);
	journal_bind_int64(st, 3, n);
	return journal_step_done(j, st, what);
}

int
journal_group_seal(struct journal *j, const char *name, int emitted,
    int64_t now)
{
	return change(j, SQL_GROUP_SEAL, name, now, emitted, "seal a group");
}

int
journal_group_emit(struct journal *j, const char *name, int64_t now)
{
	return change(j, SQL_GROUP_EMIT, name, now, 0,
	    "count an emitted event");
}

int
journal_group_told(struct journal *j, const char *name, int pct, int64_t now)
{
	return change(j, SQL_GROUP_TOLD, name, now, pct,
	    "keep a group's progress");
}

int
journal_group_settle(struct journal *j, const char *name, int64_t now,
    int *settled)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_GROUP_SETTLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	journal_bind_int64(st, 2, now);
	return journal_step_changed(j, st, "settle a group", settled);
}

int
journal_group_get(struct journal *j, const char *name, journal_row_fn fn,
    void *ctx, int *found)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_GROUP_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*found = 1;
		rc = fn(ctx, journal_column_text(st, 0),
		    journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
		journal_reset(st);
		return rc;
	}
	return journal_step_end(j, st, rc, "read a group");
}

int
journal_group_list(struct journal *j, const char *after, int limit,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_GROUP_LIST)) == NULL)
		return -1;
	journal_bind_opt(st, 1, after);
	journal_bind_int64(st, 2, limit > 0 ? limit : -1);
	return journal_step_rows(j, st, fn, ctx, "list the groups");
}

int
journal_group_dead(struct journal *j, const char *name, int limit,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_GROUP_DEAD)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	journal_bind_int64(st, 2, limit);
	return journal_step_rows(j, st, fn, ctx, "list a group's dead");
}

int
journal_group_unsettled(struct journal *j, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_GROUP_UNSETTLED)) == NULL)
		return -1;
	return journal_step_rows(j, st, fn, ctx, "list the open groups");
}

/* Hands each row of statement which on group name to fn. */
static int
count_rows(struct journal *j, enum journal_sql which, const char *name,
    journal_group_count_fn fn, void *ctx)
{
	struct journal_group_count c;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		c = (struct journal_group_count){
		    .target = journal_column_text(st, 0),
		    .route = journal_column_text(st, 1),
		    .step = journal_column_int(st, 2),
		    .status = journal_column_text(st, 3),
		    .error_class = journal_column_text(st, 4),
		    .n = (long)journal_column_int64(st, 5) };
		if ((rc = fn(ctx, &c)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "count a group's deliveries");
}

int
journal_group_counts(struct journal *j, const char *name,
    journal_group_count_fn fn, void *ctx)
{
	int rc;

	if ((rc = count_rows(j, SQL_GROUP_COUNTS, name, fn, ctx)) != 0)
		return rc;
	return count_rows(j, SQL_GROUP_DEAD_CLASSES, name, fn, ctx);
}

/*
 * Runs statement which on group name at now (reason ?3, if not NULL),
 * counting each delivery it changes, whose target it returns, as count;
 * *n gets how many.
 */
static int
change_deliveries(struct journal *j, enum journal_sql which, const char *name,
    const char *reason, const char *count, int64_t now, long *n)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	journal_bind_int64(st, 2, now);
	if (reason != NULL)
		journal_bind_text(st, 3, reason);
	*n = 0;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		(*n)++;
		if ((rc = journal_count(j, now, "delivery",
		    journal_column_text(st, 0), count, NULL, 1,
		    0)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "change a group's deliveries");
}

int
journal_group_cancel(struct journal *j, const char *name, const char *reason,
    int64_t now, long *n)
{
	int rc;

	if ((rc = change_deliveries(j, SQL_GROUP_CANCEL, name, reason, "dead",
	    now, n)) != 0)
		return rc;
	return change(j, SQL_GROUP_CANCELLED_AT, name, now, 0,
	    "cancel a group");
}

int
journal_group_reopen(struct journal *j, const char *name, int64_t now)
{
	return change(j, SQL_GROUP_REOPEN, name, now, 0, "reopen a group");
}

int
journal_group_retry(struct journal *j, const char *name, int64_t now, long *n)
{
	int rc;

	if ((rc = change_deliveries(j, SQL_GROUP_RETRY, name, NULL,
	    "requeued", now, n)) != 0 || *n == 0)
		return rc;
	return change(j, SQL_GROUP_REOPEN, name, now, 0, "reopen a group");
}

int
journal_group_cancelled(struct journal *j, const char *name, int *cancelled)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_GROUP_IS_CANCELLED)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	*cancelled = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*cancelled = journal_column_int(st, 0);
	return journal_step_end(j, st, rc, "read a group");
}
