/*
 * journal/alerts: what the alerts are evaluated from, and their states
 * (migration 10).  See journal/alerts.h.
 */
#include <sqlite3.h>

#include "journal/journal.h"
#include "journal/alerts.h"
#include "journal/private.h"

int
journal_alert_inputs(struct journal *j, int64_t died_since,
    int64_t tried_since, int64_t *died, int64_t *tried, int64_t *failed)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_ALERT_INPUTS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, died_since);
	sqlite3_bind_int64(st, 2, tried_since);
	*died = *tried = *failed = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*died = sqlite3_column_int64(st, 0);
		*tried = sqlite3_column_int64(st, 1);
		*failed = sqlite3_column_int64(st, 2);
	}
	return journal_step_end(j, st, rc, "count what alerts watch");
}

int
journal_alerts(struct journal *j, journal_alert_fn fn, void *ctx)
{
	struct journal_alert a;
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_ALERT_STATES)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = (struct journal_alert){
		    .alert = (const char *)sqlite3_column_text(st, 0),
		    .firing = sqlite3_column_int(st, 1),
		    .since = sqlite3_column_int64(st, 2),
		    .message = (const char *)sqlite3_column_text(st, 3),
		    .posted_at = sqlite3_column_int64(st, 4),
		    .posted_firing = sqlite3_column_int(st, 5) };
		if ((rc = fn(ctx, &a)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the alerts");
}

int
journal_alert_put(struct journal *j, const struct journal_alert *a)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_ALERT_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->alert);
	sqlite3_bind_int(st, 2, a->firing);
	sqlite3_bind_int64(st, 3, a->since);
	journal_bind_text(st, 4, a->message);
	sqlite3_bind_int64(st, 5, a->posted_at);
	sqlite3_bind_int(st, 6, a->posted_firing);
	return journal_step_done(j, st, "keep an alert's state");
}
