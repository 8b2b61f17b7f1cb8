/*
 * journal/sqlite: what the SQLite backend (sqlite.c) shows beyond
 * private.h's struct journal_backend: its connection, for the unit tests
 * of its SQL functions (tests/unit/seal.c).
 *
 * Ownership: the connection stays the journal's; never close it.
 */
#ifndef INTEGRA_JOURNAL_SQLITE_H
#define INTEGRA_JOURNAL_SQLITE_H

#include <sqlite3.h>

struct journal;

/* The SQLite connection under j, if j is kept in SQLite; else NULL. */
sqlite3	*journal_sqlite_db(struct journal *j);

#endif
