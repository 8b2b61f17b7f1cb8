/*
 * journal/cadences: the cadences' rows.  See journal/cadences.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "journal/private.h"

/* Binds a day, or NULL for none. */
static void
bind_day(struct journal_stmt *st, int i, int64_t day)
{
	if (day == JOURNAL_NO_DAY)
		journal_bind_null(st, i);
	else
		journal_bind_int64(st, i, day);
}

static int64_t
column_day(struct journal_stmt *st, int i)
{
	return journal_column_null(st, i) ? JOURNAL_NO_DAY :
	    journal_column_int64(st, i);
}

int
journal_cadence_version(struct journal *j, const char *cadence,
    struct buf *version)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_VERSION)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		buf_add(version, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "read a cadence's version");
}

int
journal_cadence_indexed(struct journal *j, const char *cadence,
    const char *version, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_INDEXED)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, version);
	journal_bind_int64(st, 3, now);
	return journal_step_done(j, st, "keep a cadence's version");
}

int
journal_cadence_item_get(struct journal *j, const char *cadence,
    const char *key, const char *job, struct journal_cadence_item *it,
    struct buf *record, int *found)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, job);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*found = 1;
		*it = (struct journal_cadence_item){ .key = key,
		    .anchor = column_day(st, 0),
		    .stopped = journal_column_int(st, 1),
		    .next = journal_column_int(st, 2),
		    .due = column_day(st, 3) };
		buf_add(record, journal_column_text(st, 4),
		    journal_column_bytes(st, 4));
	}
	return journal_step_end(j, st, rc, "read a cadence's item");
}

int
journal_cadence_counts(struct journal *j, const char *cadence,
    int64_t today, struct buf *out)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_COUNTS)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_int64(st, 2, today);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "count a cadence's items");
}

int
journal_cadence_item_next(struct journal *j, const char *cadence,
    const char *key, int *next, int *stopped, int64_t *stopped_at,
    int *found)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_NEXT)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*found = 1;
		*next = journal_column_int(st, 0);
		*stopped = journal_column_int(st, 1);
		*stopped_at = journal_column_int64(st, 2);
	}
	return journal_step_end(j, st, rc, "read a cadence's item");
}

int
journal_cadence_item_put(struct journal *j, const char *cadence,
    const struct journal_cadence_item *it, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, it->key);
	journal_bind_text(st, 3, it->contact);
	bind_day(st, 4, it->anchor);
	journal_bind_int64(st, 5, it->stopped);
	if (it->stopped_at > 0)
		journal_bind_int64(st, 6, it->stopped_at);
	else
		journal_bind_null(st, 6);
	journal_bind_int64(st, 7, it->next);
	bind_day(st, 8, it->due);
	if (it->has_amount)
		journal_bind_double(st, 9, it->amount);
	else
		journal_bind_null(st, 9);
	journal_bind_text(st, 10, it->label);
	journal_bind_int64(st, 11, now);
	return journal_step_done(j, st, "keep a cadence's item");
}

int
journal_cadence_item_move(struct journal *j, const char *cadence,
    const char *key, int next, int64_t due, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_ITEM_MOVE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_int64(st, 3, next);
	bind_day(st, 4, due);
	journal_bind_int64(st, 5, now);
	return journal_step_done(j, st, "move a cadence's item on");
}

int
journal_cadence_due(struct journal *j, const char *cadence, const char *job,
    int64_t today, int limit, journal_cadence_due_fn fn, void *ctx)
{
	struct journal_cadence_due d;
	struct journal_stmt *st;
	int rc, stop = 0;

	if ((st = journal_sql(j, SQL_CADENCE_DUE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, job);
	journal_bind_int64(st, 3, today);
	journal_bind_int64(st, 4, limit);
	while (stop == 0 && (rc = journal_step(st)) == JOURNAL_ROW) {
		d = (struct journal_cadence_due){
		    .key = journal_column_text(st, 0),
		    .anchor = column_day(st, 1),
		    .next = journal_column_int(st, 2),
		    .record = journal_column_text(st, 3),
		    .len = journal_column_bytes(st, 3) };
		stop = fn(ctx, &d);
	}
	if (stop != 0) {
		journal_reset(st);
		return stop;
	}
	return journal_step_end(j, st, rc, "read what a cadence has due");
}

int
journal_cadence_step_take(struct journal *j, const char *cadence,
    const char *key, const char *step, const char *status,
    const char *event_id, int64_t day, int64_t now, int *taken)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_STEP_TAKE)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, step);
	journal_bind_text(st, 4, status);
	journal_bind_text(st, 5, event_id);
	journal_bind_int64(st, 6, day);
	journal_bind_int64(st, 7, now);
	return journal_step_changed(j, st, "take a cadence's step", taken);
}

int
journal_cadence_step_status(struct journal *j, const char *cadence,
    const char *key, const char *step, struct buf *status)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_CADENCE_STEP_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, cadence);
	journal_bind_text(st, 2, key);
	journal_bind_text(st, 3, step);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		buf_add(status, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "read a cadence's step");
}

int
journal_cadence_step_stopped(struct journal *j, const char *cadence,
    const char *key, const char *step)
{
	struct journal_stmt *st;

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
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CADENCE_MANUAL_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, event_id);
	journal_bind_text(st, 2, cadence);
	journal_bind_text(st, 3, key);
	journal_bind_text(st, 4, step);
	journal_bind_int64(st, 5, now);
	return journal_step_done(j, st, "keep a step sent by hand");
}

int
journal_cadence_records(struct journal *j, const char *job,
    const char *prefix, const char *after, int limit, journal_row_fn fn,
    void *ctx)
{
	struct buf upper = BUF_INIT;
	struct journal_stmt *st;
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
	journal_bind_int64(st, 4, limit);
	rc = journal_step_rows(j, st, fn, ctx, "read a cadence's records");
	buf_release(&upper);
	return rc;
}

int
journal_cadence_history(struct journal *j, const char *keys_json,
    const char *who, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

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
	struct journal_stmt *st;
	int k, rc = JOURNAL_DONE, stop = 0;

	for (k = 0; k < 3 && stop == 0; k++) {
		if (k == 2 && type == NULL)
			break;
		if ((st = journal_sql(j, k == 0 ? SQL_CADENCE_DELINQUENCY :
		    k == 1 ? SQL_CADENCE_MESSAGES : SQL_CADENCE_EVENTS)) ==
		    NULL)
			return -1;
		journal_bind_text(st, 1, k < 2 ? cadence : type);
		if (k == 0) {
			journal_bind_int64(st, 2, today);
			journal_bind_int64(st, 3, since_ms);
		} else
			journal_bind_int64(st, 2, since_ms);
		while (stop == 0 && (rc = journal_step(st)) == JOURNAL_ROW) {
			memset(&row, 0, sizeof(row));
			row.name[2] = kinds[k];
			if (k == 2) {
				row.name[0] = "events";
				row.count = journal_column_int64(st, 0);
			} else {
				row.name[0] = journal_column_text(st, 0);
				row.name[1] = journal_column_text(st, 1);
				row.count = journal_column_int64(st, 2);
				if (k == 0)
					row.amount = journal_column_double(st,
					    3);
			}
			stop = fn(ctx, &row);
		}
		if (stop != 0) {
			journal_reset(st);
			return stop;
		}
		if ((rc = journal_step_end(j, st, rc,
		    "report on a cadence")) != 0)
			return rc;
	}
	return 0;
}
