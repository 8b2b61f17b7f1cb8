/*
 * journal/targets: the targets' state in the journal, disabled or not, and
 * their circuit breakers.  See journal/targets.h.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "transport/circuit.h"
#include "journal/journal.h"
#include "journal/targets.h"
#include "journal/private.h"

int
journal_target_disable(struct journal *j, const char *target,
    const char *reason, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_TARGET_DISABLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_int64(st, 2, now);
	journal_bind_text(st, 3, reason);
	return journal_step_done(j, st, "disable a target");
}

int
journal_target_enable(struct journal *j, const char *target, int64_t now,
    int *done)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_TARGET_ENABLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_int64(st, 2, now);
	if ((rc = journal_step_changed(j, st, "enable a target", done)) == 0 &&
	    *done)
		journal_work(j);
	return rc;
}

int
journal_target_states(struct journal *j, journal_target_fn fn, void *ctx)
{
	struct journal_target_state ts;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_TARGET_STATES)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		ts.target = journal_column_text(st, 0);
		ts.disabled_at = journal_column_int64(st, 1);
		ts.reason = journal_column_text(st, 2);
		ts.failures = journal_column_int(st, 3);
		ts.opened_at = journal_column_int64(st, 4);
		ts.open_until = journal_column_int64(st, 5);
		ts.waiting = (long)journal_column_int64(st, 6);
		ts.dead = (long)journal_column_int64(st, 7);
		if ((rc = fn(ctx, &ts)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the targets' state");
}

int
journal_circuit_get(struct journal *j, const char *target,
    struct circuit_state *c)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_TARGET_CIRCUIT_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	memset(c, 0, sizeof(*c));
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		c->failures = journal_column_int(st, 0);
		c->opened_at = journal_column_int64(st, 1);
		c->open_until = journal_column_int64(st, 2);
		c->window_start = journal_column_int64(st, 3);
		c->window_tries = journal_column_int(st, 4);
		c->window_failures = journal_column_int(st, 5);
		c->last_tries = journal_column_int(st, 6);
		c->last_failures = journal_column_int(st, 7);
	}
	return journal_step_end(j, st, rc, "read a circuit");
}

/* Binds the time t, or NULL for 0 (closed). */
static void
bind_time(struct journal_stmt *st, int i, int64_t t)
{
	if (t != 0)
		journal_bind_int64(st, i, t);
}

int
journal_circuit_put(struct journal *j, const char *target,
    const struct circuit_state *c, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_TARGET_CIRCUIT_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_int64(st, 2, now);
	journal_bind_int64(st, 3, c->failures);
	bind_time(st, 4, c->opened_at);
	bind_time(st, 5, c->open_until);
	journal_bind_int64(st, 6, c->window_start);
	journal_bind_int64(st, 7, c->window_tries);
	journal_bind_int64(st, 8, c->window_failures);
	journal_bind_int64(st, 9, c->last_tries);
	journal_bind_int64(st, 10, c->last_failures);
	return journal_step_done(j, st, "write a circuit");
}

int
journal_circuit_probes(struct journal *j, int64_t now, int64_t probe_until,
    journal_name_fn fn, void *ctx)
{
	struct journal_stmt *st;
	char **names = NULL;
	size_t i, n = 0;
	int rc;

	if ((st = journal_sql(j, SQL_TARGET_PROBES_TAKE)) == NULL)
		return -1;
	journal_bind_int64(st, 1, now);
	journal_bind_int64(st, 2, probe_until);
	/* To the end first: fn goes on to claim on this connection. */
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(journal_column_text(st, 0));
	}
	rc = journal_step_end(j, st, rc, "take circuit probes");
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = fn(ctx, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
journal_circuit_unprobe(struct journal *j, const char *target,
    int64_t probe_until, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_TARGET_PROBE_GIVE_BACK)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_int64(st, 2, probe_until);
	journal_bind_int64(st, 3, now);
	return journal_step_done(j, st, "give back a circuit probe");
}

int
journal_target_hold(struct journal *j, const char *target, const char *owner,
    int64_t now, int64_t held_until, int64_t claim_after, int *held)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_TARGET_HOLD)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, now);
	journal_bind_int64(st, 4, held_until);
	journal_bind_int64(st, 5, claim_after);
	return journal_step_changed(j, st, "hold a paced target", held);
}

int
journal_target_unhold(struct journal *j, const char *target,
    const char *owner, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_TARGET_UNHOLD)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, now);
	return journal_step_done(j, st, "let go of a paced target");
}
