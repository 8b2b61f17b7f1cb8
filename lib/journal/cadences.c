/*
 * journal/cadences: the cadences' rows.  See journal/cadences.h.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "journal/private.h"

/* Binds a day, or NULL for none. */
static void
bind_day(sqlite3_stmt *st, int i, int64_t day)
{
	if (day == JOURNAL_NO_DAY)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, day);
}

static int64_t
column_day(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? JOURNAL_NO_DAY :
	    sqlite3_column_int64(st, i);
}

int
journal_cadence_version(struct journal *j, const char *cadence,
    struct buf *version)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_VERSION)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_add(version, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "read a cadence's version");
}

int
journal_cadence_indexed(struct journal *j, const char *cadence,
    const char *version, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_INDEXED)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, version);
	sqlite3_bind_int64(st, 3, now);
	return journal_step_done(j, st, "keep a cadence's version");
}

int
journal_cadence_item_get(struct journal *j, const char *cadence,
    const char *key, const char *job, struct journal_cadence_item *it,
    struct buf *record, int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, job);
	*found = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		*it = (struct journal_cadence_item){ .key = key,
		    .anchor = column_day(st, 0),
		    .stopped = sqlite3_column_int(st, 1),
		    .next = sqlite3_column_int(st, 2),
		    .due = column_day(st, 3) };
		buf_add(record, sqlite3_column_text(st, 4),
		    (size_t)sqlite3_column_bytes(st, 4));
	}
	return journal_step_end(j, st, rc, "read a cadence's item");
}

int
journal_cadence_counts(struct journal *j, const char *cadence,
    int64_t today, struct buf *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_COUNTS)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	sqlite3_bind_int64(st, 2, today);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "count a cadence's items");
}

int
journal_cadence_item_next(struct journal *j, const char *cadence,
    const char *key, int *next, int *stopped, int64_t *stopped_at,
    int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_NEXT)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	*found = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		*next = sqlite3_column_int(st, 0);
		*stopped = sqlite3_column_int(st, 1);
		*stopped_at = sqlite3_column_int64(st, 2);
	}
	return journal_step_end(j, st, rc, "read a cadence's item");
}

int
journal_cadence_item_put(struct journal *j, const char *cadence,
    const struct journal_cadence_item *it, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, it->key);
	journal_bind_text(st, 3, it->contact);
	bind_day(st, 4, it->anchor);
	sqlite3_bind_int(st, 5, it->stopped);
	if (it->stopped_at > 0)
		sqlite3_bind_int64(st, 6, it->stopped_at);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, it->next);
	bind_day(st, 8, it->due);
	if (it->has_amount)
		sqlite3_bind_double(st, 9, it->amount);
	else
		sqlite3_bind_null(st, 9);
	journal_bind_text(st, 10, it->label);
	sqlite3_bind_int64(st, 11, now);
	return journal_step_done(j, st, "keep a cadence's item");
}

int
journal_cadence_item_move(struct journal *j, const char *cadence,
    const char *key, int next, int64_t due, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_MOVE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	sqlite3_bind_int(st, 3, next);
	bind_day(st, 4, due);
	sqlite3_bind_int64(st, 5, now);
	return journal_step_done(j, st, "move a cadence's item on");
}

int
journal_cadence_due(struct journal *j, const char *cadence, const char *job,
    int64_t today, int limit, journal_cadence_due_fn fn, void *ctx)
{
	struct journal_cadence_due d;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = journal_sql(j, SQL_CADENCE_DUE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, job);
	sqlite3_bind_int64(st, 3, today);
	sqlite3_bind_int(st, 4, limit);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = (struct journal_cadence_due){
		    .key = (const char *)sqlite3_column_text(st, 0),
		    .anchor = column_day(st, 1),
		    .next = sqlite3_column_int(st, 2),
		    .record = (const char *)sqlite3_column_text(st, 3),
		    .len = (size_t)sqlite3_column_bytes(st, 3) };
		stop = fn(ctx, &d);
	}
	if (stop != 0) {
		sqlite3_reset(st);
		return stop;
	}
	return journal_step_end(j, st, rc, "read what a cadence has due");
}

int
journal_cadence_step_take(struct journal *j, const char *cadence,
    const char *key, const char *step, const char *status,
    const char *event_id, int64_t day, int64_t now, int *taken)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_STEP_TAKE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, step);
	journal_bind_text(st, 4, status);
	journal_bind_text(st, 5, event_id);
	sqlite3_bind_int64(st, 6, day);
	sqlite3_bind_int64(st, 7, now);
	return journal_step_changed(j, st, "take a cadence's step", taken);
}

int
journal_cadence_step_status(struct journal *j, const char *cadence,
    const char *key, const char *step, struct buf *status)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_STEP_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, step);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_add(status, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "read a cadence's step");
}

int
journal_cadence_step_stopped(struct journal *j, const char *cadence,
    const char *key, const char *step)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_STEP_STOPPED)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, step);
	return journal_step_done(j, st, "stop a cadence's step");
}

int
journal_cadence_manual_add(struct journal *j, const char *event_id,
    const char *cadence, const char *key, const char *step, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_MANUAL_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, event_id);
	journal_bind_text(st, 2, cadence);
	journal_bind_text(st, 3, key);
	journal_bind_text(st, 4, step);
	sqlite3_bind_int64(st, 5, now);
	return journal_step_done(j, st, "keep a step sent by hand");
}

int
journal_cadence_records(struct journal *j, const char *job,
    const char *prefix, const char *after, int limit, journal_row_fn fn,
    void *ctx)
{
	struct buf upper = BUF_INIT;
	sqlite3_stmt *st;
	size_t n = strlen(prefix);
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_RECORDS)) == NULL)
		return -1;
	/* "KIND:" sorts below "KIND;", its keys between. */
	if (n > 0) {
		buf_add(&upper, prefix, n);
		upper.data[n - 1]++;
	}
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, after[0] != '\0' ? after : prefix);
	journal_bind_text(st, 3, upper.data);
	sqlite3_bind_int(st, 4, limit);
	rc = journal_step_rows(j, st, fn, ctx, "read a cadence's records");
	buf_release(&upper);
	return rc;
}

int
journal_cadence_history(struct journal *j, const char *keys_json,
    const char *who, journal_row_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_HISTORY)) == NULL)
		return -1;
	journal_bind_text(st, 1, keys_json);
	journal_bind_text(st, 2, who);
	return journal_step_rows(j, st, fn, ctx, "read a cadence's history");
}

int
journal_cadence_report(struct journal *j, const char *cadence, int64_t today,
    int64_t since_ms, const char *type, journal_cadence_row_fn fn, void *ctx)
{
	static const char *const kinds[] = { "items", "messages", "events" };
	struct journal_cadence_row row;
	sqlite3_stmt *st;
	int k, rc = SQLITE_DONE, stop = 0;

	for (k = 0; k < 3 && stop == 0; k++) {
		if (k == 2 && type == NULL)
			break;
		if ((st = journal_sql(j, k == 0 ? SQL_CADENCE_DELINQUENCY :
		    k == 1 ? SQL_CADENCE_MESSAGES : SQL_CADENCE_EVENTS)) ==
		    NULL)
			return -1;
		journal_bind_text(st, 1, k < 2 ? cadence : type);
		if (k == 0) {
			sqlite3_bind_int64(st, 2, today);
			sqlite3_bind_int64(st, 3, since_ms);
		} else
			sqlite3_bind_int64(st, 2, since_ms);
		while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			memset(&row, 0, sizeof(row));
			row.name[2] = kinds[k];
			if (k == 2) {
				row.name[0] = "events";
				row.count = sqlite3_column_int64(st, 0);
			} else {
				row.name[0] = (const char *)
				    sqlite3_column_text(st, 0);
				row.name[1] = (const char *)
				    sqlite3_column_text(st, 1);
				row.count = sqlite3_column_int64(st, 2);
				if (k == 0)
					row.amount = sqlite3_column_double(st,
					    3);
			}
			stop = fn(ctx, &row);
		}
		if (stop != 0) {
			sqlite3_reset(st);
			return stop;
		}
		if ((rc = journal_step_end(j, st, rc,
		    "report on a cadence")) != 0)
			return rc;
	}
	return 0;
}
