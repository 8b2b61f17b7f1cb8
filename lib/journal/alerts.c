/*
 * journal/alerts: what the alerts are evaluated from, and their states
 * (migration 10).  See journal/alerts.h.
 */

#include "journal/journal.h"
#include "journal/alerts.h"
#include "journal/private.h"

int
journal_alert_inputs(struct journal *j, int64_t died_since,
    int64_t tried_since, int64_t *died, int64_t *tried, int64_t *failed)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_ALERT_INPUTS)) == NULL)
		return -1;
	journal_bind_int64(st, 1, died_since);
	journal_bind_int64(st, 2, tried_since);
	*died = *tried = *failed = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*died = journal_column_int64(st, 0);
		*tried = journal_column_int64(st, 1);
		*failed = journal_column_int64(st, 2);
	}
	return journal_step_end(j, st, rc, "count what alerts watch");
}

int
journal_alerts(struct journal *j, journal_alert_fn fn, void *ctx)
{
	struct journal_alert a;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_ALERT_STATES)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		a = (struct journal_alert){
		    .alert = journal_column_text(st, 0),
		    .firing = journal_column_int(st, 1),
		    .since = journal_column_int64(st, 2),
		    .message = journal_column_text(st, 3),
		    .posted_at = journal_column_int64(st, 4),
		    .posted_firing = journal_column_int(st, 5) };
		if ((rc = fn(ctx, &a)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the alerts");
}

int
journal_alert_put(struct journal *j, const struct journal_alert *a)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_ALERT_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->alert);
	journal_bind_int64(st, 2, a->firing);
	journal_bind_int64(st, 3, a->since);
	journal_bind_text(st, 4, a->message);
	journal_bind_int64(st, 5, a->posted_at);
	journal_bind_int64(st, 6, a->posted_firing);
	return journal_step_done(j, st, "keep an alert's state");
}
