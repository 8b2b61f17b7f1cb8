/*
 * journaltarget: the targets' state in the journal, disabled or not, and
 * their circuit breakers.  See journal.h.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "journal.h"
#include "journalpriv.h"

enum tstmt {
	T_DISABLE,
	T_ENABLE,
	T_STATES,
	T_CIRCUIT_READ,
	T_CIRCUIT_CLOSE,
	T_CIRCUIT_FAIL,
	T_PROBES_TAKE,
	T_PROBE_GIVE_BACK,
	T_COUNT
};

_Static_assert(T_COUNT <= JOURNAL_TARGET_STMTS,
    "journalpriv.h: raise JOURNAL_TARGET_STMTS");

/*
 * journal_circuit_fail's parameters: ?1 target, ?2 failures, ?3 now,
 * ?4 threshold, ?5 cooldown, ?6 answered.  In an UPDATE every column
 * named is the row's value before it.
 */
#define NEW_FAILURES	"(CASE WHEN ?6 THEN ?2 ELSE failures + ?2 END)"
#define OPENS		"(?4 > 0 AND " NEW_FAILURES " >= ?4)"

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
	    " open_until = NULL, updated_at = ?2 WHERE target = ?1"
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
	[T_CIRCUIT_READ] =
	    "SELECT failures > 0 OR open_until IS NOT NULL,"
	    " open_until IS NOT NULL FROM target_states WHERE target = ?1",
	[T_CIRCUIT_CLOSE] =
	    "UPDATE target_states SET failures = 0, opened_at = NULL,"
	    " open_until = NULL, updated_at = ?2 WHERE target = ?1",
	[T_CIRCUIT_FAIL] =
	    "INSERT INTO target_states (target, failures, opened_at,"
	    " open_until, updated_at) VALUES (?1, ?2,"
	    " CASE WHEN ?4 > 0 AND ?2 >= ?4 THEN ?3 END,"
	    " CASE WHEN ?4 > 0 AND ?2 >= ?4 THEN ?3 + ?5 END, ?3)"
	    " ON CONFLICT (target) DO UPDATE SET"
	    " failures = " NEW_FAILURES ","
	    " opened_at = CASE WHEN " OPENS " THEN CASE WHEN ?6 OR"
	    "  opened_at IS NULL THEN ?3 ELSE opened_at END"
	    "  WHEN ?6 THEN NULL ELSE opened_at END,"
	    " open_until = CASE WHEN " OPENS " THEN ?3 + ?5"
	    "  WHEN ?6 THEN NULL ELSE open_until END,"
	    " updated_at = ?3"
	    " RETURNING failures, opened_at, open_until",
	[T_PROBES_TAKE] =
	    "UPDATE target_states SET open_until = ?2, updated_at = ?1"
	    " WHERE open_until <= ?1 AND disabled_at IS NULL RETURNING target",
	[T_PROBE_GIVE_BACK] =
	    "UPDATE target_states SET open_until = ?3, updated_at = ?3"
	    " WHERE target = ?1 AND open_until = ?2",
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
journal_circuit_fail(struct journal *j, const char *target, int answered,
    int failures, int threshold, int64_t cooldown_ms, int64_t now,
    struct journal_circuit *after)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = tstmt(j, T_CIRCUIT_FAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int(st, 2, failures);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, threshold);
	sqlite3_bind_int64(st, 5, cooldown_ms);
	sqlite3_bind_int(st, 6, answered);
	memset(after, 0, sizeof(*after));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		after->failures = sqlite3_column_int(st, 0);
		after->opened_at = sqlite3_column_int64(st, 1);
		after->open_until = sqlite3_column_int64(st, 2);
		rc = sqlite3_step(st);
	}
	return journal_step_end(j, st, rc, "count a target's failures");
}

int
journal_circuit_answer(struct journal *j, const char *target, int64_t now,
    int *was_open)
{
	sqlite3_stmt *st;
	int rc, dirty;

	/*
	 * Read first: most answers find nothing to forget, and a read
	 * leaves the table's page clean.
	 */
	if ((st = tstmt(j, T_CIRCUIT_READ)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	*was_open = dirty = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dirty = sqlite3_column_int(st, 0);
		*was_open = sqlite3_column_int(st, 1);
	}
	if ((rc = journal_step_end(j, st, rc, "read a circuit")) != 0 ||
	    !dirty)
		return rc;
	if ((st = tstmt(j, T_CIRCUIT_CLOSE)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, now);
	return journal_step_done(j, st, "close a circuit");
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
