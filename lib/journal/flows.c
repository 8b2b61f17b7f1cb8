/*
 * journal/flows: the flows' instances, numbers, early arrivals and log.
 * See journal/flows.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/flows.h"
#include "journal/private.h"

static const char *
text(struct journal_stmt *st, int i)
{
	return journal_column_text(st, i);
}

/* Binds f's columns in FLOW_COLS' order. */
static void
bind_flow(struct journal_stmt *st, const struct journal_flow *f)
{
	journal_bind_text(st, 1, f->id);
	journal_bind_text(st, 2, f->flow);
	journal_bind_text(st, 3, f->key);
	journal_bind_text(st, 4, f->tenant);
	journal_bind_text(st, 5, f->number);
	journal_bind_text(st, 6, f->event_id);
	journal_bind_text(st, 7, f->status);
	journal_bind_text(st, 8, f->label);
	journal_bind_text(st, 9, f->step);
	journal_bind_int64(st, 10, f->visit);
	journal_bind_int64(st, 11, f->timeouts);
	if (f->due_at > 0)
		journal_bind_int64(st, 12, f->due_at);
	journal_bind_text(st, 13, f->delivery);
	journal_bind_text(st, 14, f->wait_value);
	journal_bind_text(st, 15, f->matched);
	journal_bind_text(st, 16, f->paused_from);
	journal_bind_text(st, 17, f->settings);
	journal_bind_text(st, 18, f->vars);
	journal_bind_text(st, 19, f->error);
	journal_bind_int64(st, 20, f->cycle);
	journal_bind_int64(st, 21, f->transitions);
	journal_bind_int64(st, 22, f->started_at);
	journal_bind_int64(st, 23, f->step_at);
	journal_bind_int64(st, 24, f->updated_at);
	if (f->ended_at > 0)
		journal_bind_int64(st, 25, f->ended_at);
}

/* Steps st, calling fn with the instance of each row. */
static int
rows(struct journal *j, struct journal_stmt *st, journal_flow_fn fn, void *ctx,
    int *found, const char *what)
{
	struct journal_flow f;
	int rc;

	*found = 0;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		f = (struct journal_flow){ .id = text(st, 0),
		    .flow = text(st, 1), .key = text(st, 2),
		    .tenant = text(st, 3), .number = text(st, 4),
		    .event_id = text(st, 5), .status = text(st, 6),
		    .label = text(st, 7), .step = text(st, 8),
		    .visit = journal_column_int(st, 9),
		    .timeouts = journal_column_int(st, 10),
		    .due_at = journal_column_int64(st, 11),
		    .delivery = text(st, 12), .wait_value = text(st, 13),
		    .matched = text(st, 14), .paused_from = text(st, 15),
		    .settings = text(st, 16), .vars = text(st, 17),
		    .error = text(st, 18),
		    .cycle = journal_column_int(st, 19),
		    .transitions = journal_column_int(st, 20),
		    .started_at = journal_column_int64(st, 21),
		    .step_at = journal_column_int64(st, 22),
		    .updated_at = journal_column_int64(st, 23),
		    .ended_at = journal_column_int64(st, 24) };
		(*found)++;
		if ((rc = fn(ctx, &f)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, what);
}

int
journal_flow_number(struct journal *j, const char *flow, const char *tenant,
    int year, long long *seq)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_NUMBER)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, tenant);
	journal_bind_int64(st, 3, year);
	*seq = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*seq = journal_column_int64(st, 0);
	return journal_step_end(j, st, rc, "number a flow instance");
}

int
journal_flow_add(struct journal *j, const struct journal_flow *f, int *added)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_ADD)) == NULL)
		return -1;
	bind_flow(st, f);
	return journal_step_changed(j, st, "add a flow instance", added);
}

int
journal_flow_put(struct journal *j, const struct journal_flow *f)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_PUT)) == NULL)
		return -1;
	bind_flow(st, f);
	return journal_step_done(j, st, "update a flow instance");
}

int
journal_flow_get(struct journal *j, const char *ref, journal_flow_fn fn,
    void *ctx, int *found)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, ref);
	return rows(j, st, fn, ctx, found, "read a flow instance");
}

int
journal_flow_by_key(struct journal *j, const char *flow, const char *key,
    journal_flow_fn fn, void *ctx, int *found)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_BY_KEY)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, key);
	return rows(j, st, fn, ctx, found, "find a flow instance");
}

int
journal_flow_by_delivery(struct journal *j, const char *delivery,
    journal_flow_fn fn, void *ctx, int *found)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_BY_DELIVERY)) == NULL)
		return -1;
	journal_bind_text(st, 1, delivery);
	return rows(j, st, fn, ctx, found, "find a step's flow instance");
}

/* Fills ids from the first column of st's rows. */
static int
ids_of(struct journal *j, struct journal_stmt *st, struct journal_flow_ids *ids,
    const char *what)
{
	int rc = JOURNAL_DONE;

	ids->n = 0;
	while (ids->n < ids->max && (rc = journal_step(st)) == JOURNAL_ROW)
		snprintf(ids->ids[ids->n++], ID_LEN + 1, "%s", text(st, 0));
	if (ids->n == ids->max) {
		journal_reset(st);
		return 0;
	}
	return journal_step_end(j, st, rc, what);
}

int
journal_flow_due(struct journal *j, int64_t now, struct journal_flow_ids *ids)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_DUE)) == NULL)
		return -1;
	journal_bind_int64(st, 1, now);
	journal_bind_int64(st, 2, (int64_t)ids->max);
	return ids_of(j, st, ids, "find due flow instances");
}

int
journal_flow_waiting(struct journal *j, const char *flow, const char *step,
    const char *value, struct journal_flow_ids *ids)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_WAITING)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, step);
	journal_bind_text(st, 3, value);
	return ids_of(j, st, ids, "find waiting flow instances");
}

int
journal_flow_arrival_add(struct journal *j, const char *flow,
    const char *step, const char *value, const char *event_id,
    int64_t received_at)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_ARRIVAL_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, step);
	journal_bind_text(st, 3, value);
	journal_bind_text(st, 4, event_id);
	journal_bind_int64(st, 5, received_at);
	return journal_step_done(j, st, "keep an awaited event");
}

int
journal_flow_arrival_take(struct journal *j, const char *flow,
    const char *step, const char *value, int64_t since, const char *instance,
    char event_id[ID_LEN + 1])
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_ARRIVAL_TAKE)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, step);
	journal_bind_text(st, 3, value);
	journal_bind_int64(st, 4, since);
	journal_bind_text(st, 5, instance);
	event_id[0] = '\0';
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		snprintf(event_id, ID_LEN + 1, "%s", text(st, 0));
	if (rc == JOURNAL_ROW)
		rc = journal_step(st);
	return journal_step_end(j, st, rc, "take an awaited event");
}

int
journal_flow_log_add(struct journal *j, const struct journal_flow_log *l)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_LOG_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, l->instance);
	journal_bind_int64(st, 2, l->seq);
	journal_bind_int64(st, 3, l->at);
	journal_bind_text(st, 4, l->what);
	journal_bind_text(st, 5, l->step);
	journal_bind_text(st, 6, l->status_from);
	journal_bind_text(st, 7, l->status_to);
	journal_bind_text(st, 8, l->label);
	if (l->duration_ms >= 0)
		journal_bind_int64(st, 9, l->duration_ms);
	if (l->attempt > 0)
		journal_bind_int64(st, 10, l->attempt);
	journal_bind_text(st, 11, l->event_id);
	journal_bind_text(st, 12, l->detail);
	journal_bind_text(st, 13, l->flow);
	return journal_step_done(j, st, "log a flow transition");
}

int
journal_flow_delivery_drop(struct journal *j, const char *delivery,
    const char *why, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_DELIVERY_DROP)) == NULL)
		return -1;
	journal_bind_text(st, 1, delivery);
	journal_bind_text(st, 2, why);
	journal_bind_int64(st, 3, now);
	return journal_step_done(j, st, "drop a flow step's delivery");
}

int
journal_flow_delivery_state(struct journal *j, const char *delivery,
    struct buf *status, struct buf *error, int *attempts)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_DELIVERY_STATE)) == NULL)
		return -1;
	journal_bind_text(st, 1, delivery);
	buf_reset(status);
	buf_reset(error);
	*attempts = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		buf_adds(status, text(st, 0));
		if (text(st, 1) != NULL)
			buf_adds(error, text(st, 1));
		*attempts = journal_column_int(st, 2);
	}
	return journal_step_end(j, st, rc, "read a flow step's delivery");
}

int
journal_flow_query(struct journal *j, const struct journal_flow_filter *f,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_QUERY)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->flow);
	journal_bind_opt(st, 2, f->status);
	journal_bind_opt(st, 3, f->tenant);
	if (f->since > 0)
		journal_bind_int64(st, 4, f->since);
	if (f->until > 0)
		journal_bind_int64(st, 5, f->until);
	journal_bind_int64(st, 6, f->errors);
	journal_bind_opt(st, 7, f->after);
	journal_bind_int64(st, 8, f->limit > 0 ? f->limit : -1);
	return journal_step_rows(j, st, fn, ctx, "list flow instances");
}

int
journal_flow_detail(struct journal *j, const char *ref, struct buf *out,
    int *found)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_DETAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, ref);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*found = 1;
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	}
	return journal_step_end(j, st, rc, "show a flow instance");
}

int
journal_flow_counts(struct journal *j, journal_flow_count_fn fn, void *ctx)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_COUNTS)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, text(st, 0), text(st, 1),
		    journal_column_int64(st, 2))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "count flow instances");
}

/* The duration at rank n * 95 / 100 of flow's transitions what at step. */
static int
p95(struct journal *j, const char *flow, const char *what, const char *step,
    long long n, long long *ms)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_DURATION_AT)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, what);
	journal_bind_text(st, 3, step);
	journal_bind_int64(st, 4, n > 0 ? (n - 1) * 95 / 100 : 0);
	*ms = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*ms = journal_column_int64(st, 0);
	return journal_step_end(j, st, rc, "rank flow durations");
}

int
journal_flow_durations(struct journal *j, const char *flow, const char *what,
    journal_flow_duration_fn fn, void *ctx)
{
	struct row {
		char		*step;
		long long	 n;
		double		 mean;
	} *rows = NULL;
	struct journal_stmt *st;
	size_t nrows = 0, i;
	long long ms;
	int rc;

	/* Read first: the percentiles use a statement of their own. */
	if ((st = journal_sql(j, SQL_FLOW_DURATIONS)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_text(st, 2, what);
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
		rows[nrows].step = text(st, 0) != NULL ? xstrdup(text(st, 0)) :
		    NULL;
		rows[nrows].n = journal_column_int64(st, 1);
		rows[nrows++].mean = journal_column_double(st, 2);
	}
	rc = journal_step_end(j, st, rc, "sum flow durations");
	for (i = 0; i < nrows && rc == 0; i++)
		if ((rc = p95(j, flow, what, rows[i].step, rows[i].n,
		    &ms)) == 0)
			rc = fn(ctx, rows[i].step, rows[i].n, rows[i].mean, ms);
	for (i = 0; i < nrows; i++)
		free(rows[i].step);
	free(rows);
	return rc;
}

int
journal_flow_longest(struct journal *j, const char *flow, int limit,
    int64_t now, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_LONGEST)) == NULL)
		return -1;
	journal_bind_text(st, 1, flow);
	journal_bind_int64(st, 2, limit);
	journal_bind_int64(st, 3, now);
	return journal_step_rows(j, st, fn, ctx, "find the longest waits");
}

int
journal_flow_unmatched(struct journal *j, const char *flow, const char *after,
    int limit, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_FLOW_UNMATCHED)) == NULL)
		return -1;
	journal_bind_opt(st, 1, flow);
	journal_bind_opt(st, 2, after);
	journal_bind_int64(st, 3, limit > 0 ? limit : -1);
	return journal_step_rows(j, st, fn, ctx, "list unmatched events");
}

int
journal_flow_standing(struct journal *j, journal_flow_standing_fn fn,
    void *ctx)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_STANDING)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, text(st, 0), text(st, 1),
		    journal_column_int64(st, 2), text(st, 3))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "find where instances stand");
}

int
journal_flow_request(struct journal *j, const char *delivery,
    struct buf *out)
{
	struct journal_stmt *st;
	size_t at;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_REQUEST)) == NULL)
		return -1;
	journal_bind_text(st, 1, delivery);
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		at = out->len;
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
		/* The body as JSON where it is JSON, else as a string. */
		journal_json_put_column(out, at, "headers", st, 1,
		    JSON_PUT_OR_NULL);
		journal_json_put_column(out, at, "body", st, 2,
		    JSON_PUT_OR_TEXT);
	}
	return journal_step_end(j, st, rc, "read a step's request");
}

int
journal_flow_unmatched_count(struct journal *j, long long *n)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_FLOW_UNMATCHED_COUNT)) == NULL)
		return -1;
	*n = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*n = journal_column_int64(st, 0);
	return journal_step_end(j, st, rc, "count unmatched events");
}
