/*
 * journalpriv: what the journal's own source files share, and nothing
 * outside them may use.  journal.c owns the schema and the statements of
 * the pipeline; journaldlq.c those of the dead letters, prepared into the
 * slots of more[]; journaltarget.c those of the targets' state and
 * circuits, in tgt[]; journalmap.c those of the versioned mappings, in
 * map[]; journalcontact.c those of leads' contacts and messages'
 * statuses, in contact[].
 */
#ifndef INTEGRA_JOURNALPRIV_H
#define INTEGRA_JOURNALPRIV_H

#include <sqlite3.h>

#define JOURNAL_STMTS		48	/* journal.c's, at most */
#define JOURNAL_MORE_STMTS	24	/* journaldlq.c's, at most */
#define JOURNAL_TARGET_STMTS	16	/* journaltarget.c's, at most */
#define JOURNAL_MAP_STMTS	8	/* journalmap.c's, at most */
#define JOURNAL_CONTACT_STMTS	4	/* journalcontact.c's, at most */

struct journal {
	sqlite3		*db;
	char		*path;
	int		 in_tx;
	int		 busy;		/* the last failure was SQLITE_BUSY */
	sqlite3_stmt	*stmt[JOURNAL_STMTS];
	sqlite3_stmt	*more[JOURNAL_MORE_STMTS];
	sqlite3_stmt	*tgt[JOURNAL_TARGET_STMTS];
	sqlite3_stmt	*map[JOURNAL_MAP_STMTS];
	sqlite3_stmt	*contact[JOURNAL_CONTACT_STMTS];
	char		 err[512];
};

/* Sets the error from SQLite's; returns JOURNAL_BUSY or -1. */
int		 journal_fail(struct journal *, const char *what);
/* The statement in *slot, reset and cleared, prepared from sql at first. */
sqlite3_stmt	*journal_prepared(struct journal *, sqlite3_stmt **slot,
		    const char *sql);
/* Binds s, or NULL if s is NULL. */
void		 journal_bind_text(sqlite3_stmt *, int i, const char *s);
/* Binds s, or NULL if s is NULL or empty. */
void		 journal_bind_opt(sqlite3_stmt *, int i, const char *s);
/* Steps a statement that returns no row. */
int		 journal_step_done(struct journal *, sqlite3_stmt *,
		    const char *what);
/* Steps a change to at most one row; *done says whether it made it. */
int		 journal_step_changed(struct journal *, sqlite3_stmt *,
		    const char *what, int *done);
/*
 * Ends a statement whose last step returned rc: 0 if it went well (done,
 * or a row where the caller stopped early), else the failure.
 */
int		 journal_step_end(struct journal *, sqlite3_stmt *, int rc,
		    const char *what);

#endif
