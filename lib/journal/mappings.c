/*
 * journal/mappings: the versioned mappings, in the journal.  See
 * journal/mappings.h.
 */

#include "journal/journal.h"
#include "journal/mappings.h"
#include "journal/private.h"

static int
set_head(struct journal *j, const char *type, const char *system,
    int version, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_MAPPING_HEAD)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	journal_bind_int64(st, 3, version);
	journal_bind_int64(st, 4, now);
	return journal_step_done(j, st, "set a mapping's version");
}

/* SQL_MAPPING_ADD or SQL_MAPPING_SEED, bound: a version's columns but its number. */
static struct journal_stmt *
new_version(struct journal *j, enum journal_sql s, const char *type,
    const char *system, const char *program, const char *origin, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, s)) == NULL)
		return NULL;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	journal_bind_text(st, 3, program);
	journal_bind_text(st, 4, origin);
	journal_bind_int64(st, 5, now);
	return st;
}

int
journal_mapping_add(struct journal *j, const char *type, const char *system,
    const char *program, const char *origin, int64_t now, int *version)
{
	struct journal_stmt *st;
	int rc;

	if ((st = new_version(j, SQL_MAPPING_ADD, type, system, program, origin,
	    now)) == NULL)
		return -1;
	if ((rc = journal_step(st)) != JOURNAL_ROW)
		return journal_step_end(j, st, rc, "add a mapping");
	*version = journal_column_int(st, 0);
	rc = journal_step_end(j, st, journal_step(st), "add a mapping");
	if (rc != 0)
		return rc;
	return set_head(j, type, system, *version, now);
}

int
journal_mapping_seed(struct journal *j, const char *type, const char *system,
    const char *program, const char *origin, int64_t now, int *added)
{
	struct journal_stmt *st;
	int rc;

	if ((st = new_version(j, SQL_MAPPING_SEED, type, system, program, origin,
	    now)) == NULL)
		return -1;
	if ((rc = journal_step_changed(j, st, "seed a mapping", added)) != 0 ||
	    !*added)
		return rc;
	return set_head(j, type, system, 1, now);
}

/* Calls fn with each row of st, until it returns non-zero. */
static int
rows(struct journal *j, struct journal_stmt *st, journal_mapping_fn fn,
    void *ctx, int *n)
{
	struct journal_mapping m;
	int rc, cbrc = 0;

	if (n != NULL)
		*n = 0;
	while (cbrc == 0 && (rc = journal_step(st)) == JOURNAL_ROW) {
		m.type = journal_column_text(st, 0);
		m.system = journal_column_text(st, 1);
		m.version = journal_column_int(st, 2);
		m.head = journal_column_int(st, 3);
		m.latest = journal_column_int(st, 4);
		m.program = journal_column_text(st, 5);
		m.origin = journal_column_text(st, 6);
		m.created_at = journal_column_int64(st, 7);
		m.updated_at = journal_column_int64(st, 8);
		if (n != NULL)
			(*n)++;
		cbrc = fn(ctx, &m);
	}
	if (cbrc != 0) {
		journal_reset(st);
		return cbrc;
	}
	return journal_step_end(j, st, rc, "read mappings");
}

int
journal_mapping_get(struct journal *j, const char *type, const char *system,
    int version, journal_mapping_fn fn, void *ctx, int *found)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_MAPPING_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	journal_bind_int64(st, 3, version);
	return rows(j, st, fn, ctx, found);
}

int
journal_mapping_heads(struct journal *j, journal_mapping_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_MAPPING_HEADS)) == NULL)
		return -1;
	return rows(j, st, fn, ctx, NULL);
}

int
journal_mapping_versions(struct journal *j, const char *type,
    const char *system, journal_mapping_fn fn, void *ctx, int *n)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_MAPPING_VERSIONS)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	return rows(j, st, fn, ctx, n);
}

int
journal_mapping_rollback(struct journal *j, const char *type,
    const char *system, int version, int64_t now, int *done)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_MAPPING_ROLLBACK)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	journal_bind_int64(st, 3, version);
	journal_bind_int64(st, 4, now);
	return journal_step_changed(j, st, "roll a mapping back", done);
}
