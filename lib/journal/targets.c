/*
 * journaltarget: the targets' state in the journal, disabled or not, and
 * their circuit breakers.  See journal.h.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "transport/circuit.h"
#include "journal/journal.h"
#include "journal/targets.h"
#include "journal/private.h"

enum tstmt {
	T_DISABLE,
	T_ENABLE,
	T_STATES,
	T_CIRCUIT_GET,
	T_CIRCUIT_PUT,
	T_PROBES_TAKE,
	T_PROBE_GIVE_BACK,
	T_HOLD,
	T_UNHOLD,
	T_COUNT
};

_Static_assert(T_COUNT <= JOURNAL_TARGET_STMTS,
    "journal/private.h: raise JOURNAL_TARGET_STMTS");

#define CIRCUIT_COLUMNS							\
	"failures, opened_at, open_until, window_start, window_tries,"	\
	" window_failures, last_tries, last_failures"

static const char *const tstmt_sql[T_COUNT] = {
	[T_DISABLE] =
	    "INSERT INTO target_states (target, disabled_at, disabled_reason,"
	    " updated_at) VALUES (?1, ?2, ?3, ?2) ON CONFLICT (target) DO"
	    " UPDATE SET disabled_reason = CASE WHEN disabled_at IS NULL"
	    " THEN excluded.disabled_reason ELSE disabled_reason END,"
	    " disabled_at = coalesce(disabled_at, excluded.disabled_at),"
	    " updated_at = excluded.updated_at",
	[T_ENABLE] =
	    "UPDATE target_states SET disabled_at = NULL,"
	    " disabled_reason = NULL, failures = 0, opened_at = NULL,"
	    " open_until = NULL, window_tries = 0, window_failures = 0,"
	    " last_tries = 0, last_failures = 0, updated_at = ?2"
	    " WHERE target = ?1"
	    " AND (disabled_at IS NOT NULL OR open_until IS NOT NULL)",
	[T_STATES] =
	    "SELECT c.t, s.disabled_at, s.disabled_reason,"
	    " coalesce(s.failures, 0), s.opened_at, s.open_until, c.waiting,"
	    " c.dead FROM (SELECT t, sum(waiting) AS waiting, sum(dead) AS dead"
	    "  FROM (SELECT target AS t,"
	    "   status IN ('pending', 'failed') AS waiting,"
	    "   (status = 'dead' AND archived_at IS NULL) AS dead"
	    "   FROM deliveries UNION ALL SELECT target, 0, 0 FROM target_states)"
	    "  GROUP BY t) c LEFT JOIN target_states s ON s.target = c.t"
	    " ORDER BY c.t",
	[T_CIRCUIT_GET] =
	    "SELECT " CIRCUIT_COLUMNS " FROM target_states WHERE target = ?1",
	[T_CIRCUIT_PUT] =
	    "INSERT INTO target_states (target, updated_at, " CIRCUIT_COLUMNS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	    " ON CONFLICT (target) DO UPDATE SET updated_at = ?2,"
	    " failures = ?3, opened_at = ?4, open_until = ?5,"
	    " window_start = ?6, window_tries = ?7, window_failures = ?8,"
	    " last_tries = ?9, last_failures = ?10",
	[T_PROBES_TAKE] =
	    "UPDATE target_states SET open_until = ?2, updated_at = ?1"
	    " WHERE open_until <= ?1 AND disabled_at IS NULL RETURNING target",
	[T_PROBE_GIVE_BACK] =
	    "UPDATE target_states SET open_until = ?3, updated_at = ?3"
	    " WHERE target = ?1 AND open_until = ?2",
	[T_HOLD] =
	    "INSERT INTO target_states (target, updated_at, holder,"
	    " held_until, claim_after) VALUES (?1, ?3, ?2, ?4, ?5)"
	    " ON CONFLICT (target) DO UPDATE SET holder = ?2,"
	    " held_until = ?4, claim_after = ?5, updated_at = ?3"
	    " WHERE holder IS ?2 OR held_until IS NULL OR held_until <= ?3",
	[T_UNHOLD] =
	    "UPDATE target_states SET holder = NULL, held_until = NULL,"
	    " claim_after = NULL, updated_at = ?3"
	    " WHERE target = ?1 AND holder = ?2",
};

static sqlite3_stmt *
tstmt(struct journal *j, enum tstmt t)
{
	return journal_prepared(j, &j->tgt[t], tstmt_sql[t]);
}

int
journal_target_disable(struct journal *j, const char *target,
    const char *reason, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = tstmt(j, T_DISABLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, now);
	journal_bind_text(st, 3, reason);
	return journal_step_done(j, st, "disable a target");
}

int
journal_target_enable(struct journal *j, const char *target, int64_t now,
    int *done)
{
	sqlite3_stmt *st;

	if ((st = tstmt(j, T_ENABLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, now);
	return journal_step_changed(j, st, "enable a target", done);
}

int
journal_target_states(struct journal *j, journal_target_fn fn, void *ctx)
{
	struct journal_target_state ts;
	sqlite3_stmt *st;
	int rc;

	if ((st = tstmt(j, T_STATES)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ts.target = (const char *)sqlite3_column_text(st, 0);
		ts.disabled_at = sqlite3_column_int64(st, 1);
		ts.reason = (const char *)sqlite3_column_text(st, 2);
		ts.failures = sqlite3_column_int(st, 3);
		ts.opened_at = sqlite3_column_int64(st, 4);
		ts.open_until = sqlite3_column_int64(st, 5);
		ts.waiting = (long)sqlite3_column_int64(st, 6);
		ts.dead = (long)sqlite3_column_int64(st, 7);
		if ((rc = fn(ctx, &ts)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the targets' state");
}

int
journal_circuit_get(struct journal *j, const char *target,
    struct circuit_state *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = tstmt(j, T_CIRCUIT_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	memset(c, 0, sizeof(*c));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->failures = sqlite3_column_int(st, 0);
		c->opened_at = sqlite3_column_int64(st, 1);
		c->open_until = sqlite3_column_int64(st, 2);
		c->window_start = sqlite3_column_int64(st, 3);
		c->window_tries = sqlite3_column_int(st, 4);
		c->window_failures = sqlite3_column_int(st, 5);
		c->last_tries = sqlite3_column_int(st, 6);
		c->last_failures = sqlite3_column_int(st, 7);
	}
	return journal_step_end(j, st, rc, "read a circuit");
}

/* Binds the time t, or NULL for 0 (closed). */
static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t != 0)
		sqlite3_bind_int64(st, i, t);
}

int
journal_circuit_put(struct journal *j, const char *target,
    const struct circuit_state *c, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = tstmt(j, T_CIRCUIT_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, c->failures);
	bind_time(st, 4, c->opened_at);
	bind_time(st, 5, c->open_until);
	sqlite3_bind_int64(st, 6, c->window_start);
	sqlite3_bind_int(st, 7, c->window_tries);
	sqlite3_bind_int(st, 8, c->window_failures);
	sqlite3_bind_int(st, 9, c->last_tries);
	sqlite3_bind_int(st, 10, c->last_failures);
	return journal_step_done(j, st, "write a circuit");
}

int
journal_circuit_probes(struct journal *j, int64_t now, int64_t probe_until,
    journal_name_fn fn, void *ctx)
{
	sqlite3_stmt *st;
	char **names = NULL;
	size_t i, n = 0;
	int rc;

	if ((st = tstmt(j, T_PROBES_TAKE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, probe_until);
	/* To the end first: fn goes on to claim on this connection. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
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
	sqlite3_stmt *st;

	if ((st = tstmt(j, T_PROBE_GIVE_BACK)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, probe_until);
	sqlite3_bind_int64(st, 3, now);
	return journal_step_done(j, st, "give back a circuit probe");
}

int
journal_target_hold(struct journal *j, const char *target, const char *owner,
    int64_t now, int64_t held_until, int64_t claim_after, int *held)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = tstmt(j, T_HOLD)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_text(st, 2, owner);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, held_until);
	sqlite3_bind_int64(st, 5, claim_after);
	if ((rc = journal_step_done(j, st, "hold a paced target")) != 0)
		return rc;
	*held = sqlite3_changes(j->db) == 1;
	return 0;
}

int
journal_target_unhold(struct journal *j, const char *target,
    const char *owner, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = tstmt(j, T_UNHOLD)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	journal_bind_text(st, 2, owner);
	sqlite3_bind_int64(st, 3, now);
	return journal_step_done(j, st, "let go of a paced target");
}
