/*
 * journal/sqlite: the statement interface of private.h on SQLite.  A
 * struct journal_stmt is SQLite's own sqlite3_stmt, so each function is
 * the SQLite call it names; the files a subject keeps (events.c,
 * flows.c, ...) see only the interface, never sqlite3.h.
 */
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "journal/private.h"

_Static_assert(JOURNAL_ROW == SQLITE_ROW && JOURNAL_DONE == SQLITE_DONE,
    "journal_step passes SQLite's codes through");

static sqlite3_stmt *
lite(struct journal_stmt *st)
{
	return (sqlite3_stmt *)st;
}

struct journal_stmt *
journal_sql(struct journal *j, enum journal_sql which)
{
	sqlite3_stmt *st = j->stmt[which];

	if (st == NULL) {
		if (sqlite3_prepare_v3(j->db, journal_sql_text[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			journal_fail(j, "prepare");
			return NULL;
		}
		j->stmt[which] = st;
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return (struct journal_stmt *)st;
}

void
journal_bind_int64(struct journal_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(lite(st), i, v);
}

void
journal_bind_double(struct journal_stmt *st, int i, double v)
{
	sqlite3_bind_double(lite(st), i, v);
}

void
journal_bind_null(struct journal_stmt *st, int i)
{
	sqlite3_bind_null(lite(st), i);
}

void
journal_bind_text(struct journal_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(lite(st), i);
	else
		sqlite3_bind_text(lite(st), i, s, -1, SQLITE_STATIC);
}

void
journal_bind_textn(struct journal_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(lite(st), i, s, n, SQLITE_STATIC);
}

void
journal_bind_text_copy(struct journal_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(lite(st), i, s, -1, SQLITE_TRANSIENT);
}

void
journal_bind_opt(struct journal_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(lite(st), i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(lite(st), i);
}

void
journal_bind_blob(struct journal_stmt *st, int i, const void *p, size_t n)
{
	/* Not NULL: a NULL pointer would bind SQL's NULL, not zero bytes. */
	sqlite3_bind_blob(lite(st), i, p != NULL ? p : "", n,
	    SQLITE_STATIC);
}

int
journal_bind_count(struct journal_stmt *st)
{
	return sqlite3_bind_parameter_count(lite(st));
}

int
journal_step(struct journal_stmt *st)
{
	return sqlite3_step(lite(st));
}

void
journal_reset(struct journal_stmt *st)
{
	sqlite3_reset(lite(st));
}

int
journal_column_count(struct journal_stmt *st)
{
	return sqlite3_column_count(lite(st));
}

int
journal_column_null(struct journal_stmt *st, int i)
{
	return sqlite3_column_type(lite(st), i) == SQLITE_NULL;
}

int64_t
journal_column_int64(struct journal_stmt *st, int i)
{
	return sqlite3_column_int64(lite(st), i);
}

int
journal_column_int(struct journal_stmt *st, int i)
{
	return sqlite3_column_int(lite(st), i);
}

double
journal_column_double(struct journal_stmt *st, int i)
{
	return sqlite3_column_double(lite(st), i);
}

const char *
journal_column_text(struct journal_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(lite(st), i);
}

const void *
journal_column_blob(struct journal_stmt *st, int i)
{
	return sqlite3_column_blob(lite(st), i);
}

size_t
journal_column_bytes(struct journal_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(lite(st), i);
}

int64_t
journal_changes(struct journal *j)
{
	return sqlite3_changes(j->db);
}

int64_t
journal_last_rowid(struct journal *j)
{
	return sqlite3_last_insert_rowid(j->db);
}
