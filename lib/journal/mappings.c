/*
 * journalmap: the versioned mappings, in the journal.  See journal.h.
 */
#include <sqlite3.h>

#include "journal/journal.h"
#include "journal/mappings.h"
#include "journal/private.h"

enum mstmt {
	P_ADD,
	P_SEED,
	P_HEAD,
	P_GET,
	P_HEADS,
	P_VERSIONS,
	P_ROLLBACK,
	P_COUNT
};

_Static_assert(P_COUNT <= JOURNAL_MAP_STMTS,
    "journal/private.h: raise JOURNAL_MAP_STMTS");

/* A version, with its pair's head and latest: what journal_mapping holds. */
#define MAPPING_ROW							\
	"SELECT m.type, m.system, m.version, h.version,"		\
	" (SELECT max(version) FROM mappings x"				\
	"  WHERE x.type = m.type AND x.system = m.system),"		\
	" m.program, m.origin, m.created_at, h.updated_at"		\
	" FROM mappings m JOIN mapping_heads h"				\
	" ON h.type = m.type AND h.system = m.system "

static const char *const mstmt_sql[P_COUNT] = {
	[P_ADD] =
	    "INSERT INTO mappings (type, system, version, program, origin,"
	    " created_at) VALUES (?1, ?2, (SELECT coalesce(max(version), 0)"
	    " + 1 FROM mappings WHERE type = ?1 AND system = ?2), ?3, ?4, ?5)"
	    " RETURNING version",
	[P_SEED] =
	    "INSERT INTO mappings (type, system, version, program, origin,"
	    " created_at) SELECT ?1, ?2, 1, ?3, ?4, ?5 WHERE NOT EXISTS"
	    " (SELECT 1 FROM mappings WHERE type = ?1 AND system = ?2)",
	[P_HEAD] =
	    "INSERT INTO mapping_heads (type, system, version, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (type, system) DO UPDATE"
	    " SET version = ?3, updated_at = ?4",
	[P_GET] =
	    MAPPING_ROW "WHERE m.type = ?1 AND m.system = ?2"
	    " AND m.version = CASE WHEN ?3 > 0 THEN ?3 ELSE h.version END",
	[P_HEADS] =
	    MAPPING_ROW "WHERE m.version = h.version ORDER BY m.type, m.system",
	[P_VERSIONS] =
	    MAPPING_ROW "WHERE m.type = ?1 AND m.system = ?2"
	    " ORDER BY m.version",
	[P_ROLLBACK] =
	    "UPDATE mapping_heads SET version = ?3, updated_at = ?4"
	    " WHERE type = ?1 AND system = ?2 AND EXISTS (SELECT 1 FROM"
	    " mappings WHERE type = ?1 AND system = ?2 AND version = ?3)",
};

static sqlite3_stmt *
mstmt(struct journal *j, enum mstmt s)
{
	return journal_prepared(j, &j->map[s], mstmt_sql[s]);
}

static int
set_head(struct journal *j, const char *type, const char *system,
    int version, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, P_HEAD)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	sqlite3_bind_int(st, 3, version);
	sqlite3_bind_int64(st, 4, now);
	return journal_step_done(j, st, "set a mapping's version");
}

/* P_ADD or P_SEED, bound: a version's columns but its number. */
static sqlite3_stmt *
new_version(struct journal *j, enum mstmt s, const char *type,
    const char *system, const char *program, const char *origin, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, s)) == NULL)
		return NULL;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	journal_bind_text(st, 3, program);
	journal_bind_text(st, 4, origin);
	sqlite3_bind_int64(st, 5, now);
	return st;
}

int
journal_mapping_add(struct journal *j, const char *type, const char *system,
    const char *program, const char *origin, int64_t now, int *version)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = new_version(j, P_ADD, type, system, program, origin,
	    now)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return journal_step_end(j, st, rc, "add a mapping");
	*version = sqlite3_column_int(st, 0);
	rc = journal_step_end(j, st, sqlite3_step(st), "add a mapping");
	if (rc != 0)
		return rc;
	return set_head(j, type, system, *version, now);
}

int
journal_mapping_seed(struct journal *j, const char *type, const char *system,
    const char *program, const char *origin, int64_t now, int *added)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = new_version(j, P_SEED, type, system, program, origin,
	    now)) == NULL)
		return -1;
	if ((rc = journal_step_changed(j, st, "seed a mapping", added)) != 0 ||
	    !*added)
		return rc;
	return set_head(j, type, system, 1, now);
}

/* Calls fn with each row of st, until it returns non-zero. */
static int
rows(struct journal *j, sqlite3_stmt *st, journal_mapping_fn fn, void *ctx,
    int *n)
{
	struct journal_mapping m;
	int rc, cbrc = 0;

	if (n != NULL)
		*n = 0;
	while (cbrc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		m.type = (const char *)sqlite3_column_text(st, 0);
		m.system = (const char *)sqlite3_column_text(st, 1);
		m.version = sqlite3_column_int(st, 2);
		m.head = sqlite3_column_int(st, 3);
		m.latest = sqlite3_column_int(st, 4);
		m.program = (const char *)sqlite3_column_text(st, 5);
		m.origin = (const char *)sqlite3_column_text(st, 6);
		m.created_at = sqlite3_column_int64(st, 7);
		m.updated_at = sqlite3_column_int64(st, 8);
		if (n != NULL)
			(*n)++;
		cbrc = fn(ctx, &m);
	}
	if (cbrc != 0) {
		sqlite3_reset(st);
		return cbrc;
	}
	return journal_step_end(j, st, rc, "read mappings");
}

int
journal_mapping_get(struct journal *j, const char *type, const char *system,
    int version, journal_mapping_fn fn, void *ctx, int *found)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, P_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	sqlite3_bind_int(st, 3, version);
	return rows(j, st, fn, ctx, found);
}

int
journal_mapping_heads(struct journal *j, journal_mapping_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, P_HEADS)) == NULL)
		return -1;
	return rows(j, st, fn, ctx, NULL);
}

int
journal_mapping_versions(struct journal *j, const char *type,
    const char *system, journal_mapping_fn fn, void *ctx, int *n)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, P_VERSIONS)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	return rows(j, st, fn, ctx, n);
}

int
journal_mapping_rollback(struct journal *j, const char *type,
    const char *system, int version, int64_t now, int *done)
{
	sqlite3_stmt *st;

	if ((st = mstmt(j, P_ROLLBACK)) == NULL)
		return -1;
	journal_bind_text(st, 1, type);
	journal_bind_text(st, 2, system);
	sqlite3_bind_int(st, 3, version);
	sqlite3_bind_int64(st, 4, now);
	return journal_step_changed(j, st, "roll a mapping back", done);
}
