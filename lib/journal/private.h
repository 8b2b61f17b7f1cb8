/*
 * journal/private: what the journal's own source files share, and nothing
 * outside them may use.  The schema is SQL: migrations/NNNN-what.sql,
 * compiled in as journal_migrations (embed-sql.sh), the current state in
 * schema.sql.  journal.c migrates and owns the statements of the pipeline; journal/dlq.c those of the dead letters, prepared into the
 * slots of more[]; journal/targets.c those of the targets' state and
 * circuits, in tgt[]; journal/mappings.c those of the versioned mappings, in
 * map[]; journal/contacts.c those of leads' contacts and messages'
 * statuses, in contact[]; journal/counts.c keeps the counts of what
 * happened (migration 8) and reads them, in count[]; journal/syncs.c
 * those of the scheduled syncs, in sync[]; journal/alerts.c those of the
 * alerts, in alert[]; journal/retention.c those of LGPD retention, in
 * retain[].
 *
 * Ownership: a struct journal owns its connection, path, statements,
 * tally and key_form; journal_close frees them.  journal_prepared returns
 * the statement its slot keeps: never finalize it.  journal_bind_text
 * binds s without a copy (it must live until the last step),
 * journal_bind_opt with one.  A tally's key is malloc'd; flush and drop
 * free it.
 */
#ifndef INTEGRA_JOURNAL_PRIVATE_H
#define INTEGRA_JOURNAL_PRIVATE_H

#include <stdint.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "journal/journal.h"

#define JOURNAL_STMTS		48	/* journal.c's, at most */
#define JOURNAL_MORE_STMTS	24	/* journal/dlq.c's, at most */
#define JOURNAL_TARGET_STMTS	16	/* journal/targets.c's, at most */
#define JOURNAL_MAP_STMTS	8	/* journal/mappings.c's, at most */
#define JOURNAL_CONTACT_STMTS	4	/* journal/contacts.c's, at most */
#define JOURNAL_COUNT_STMTS	8	/* journal/counts.c's, at most */
#define JOURNAL_SYNC_STMTS	16	/* journal/syncs.c's, at most */
#define JOURNAL_ALERT_STMTS	4	/* journal/alerts.c's, at most */
#define JOURNAL_RETAIN_STMTS	12	/* journal/retention.c's, at most */

/*
 * journal_migrations[v] takes a journal from user_version v to v + 1;
 * there are journal_nmigrations.  A migration that has shipped is never
 * edited: the next one is added.
 */
extern const char *const	journal_migrations[];
extern const size_t		journal_nmigrations;

/* One count a transaction adds to: see journal_count. */
struct journal_tally {
	int64_t		 hour;
	char		*key;		/* kind, a, b and c, each NUL-ended */
	size_t		 keylen;
	uint32_t	 hash;
	int64_t		 n;
	int64_t		 total;
};

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
	sqlite3_stmt	*count[JOURNAL_COUNT_STMTS];
	sqlite3_stmt	*sync[JOURNAL_SYNC_STMTS];
	sqlite3_stmt	*alert[JOURNAL_ALERT_STMTS];
	sqlite3_stmt	*retain[JOURNAL_RETAIN_STMTS];
	struct journal_tally *tally;	/* open addressing, key NULL: free */
	size_t		 ntally;	/* slots */
	size_t		 tally_used;
	struct buf	 key_form;	/* a key's index form (keyindex.h) */
	int		 retained;	/* in this transaction: whether an event
					   was retained, -1: not looked yet */
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
/*
 * Steps st, calling fn with each row's first column and its second (text
 * and length), until fn returns non-zero: returns that, else 0 at the end
 * or the failure.  fn may write to the journal meanwhile: SQLite lets a
 * statement stay open while the same connection writes.
 */
int		 journal_step_rows(struct journal *, sqlite3_stmt *,
		    journal_row_fn, void *ctx, const char *what);

/*
 * Adds n (and total) to the count of kind, a, b, c for the hour at_ms
 * falls in (NULL names count as "").  In a transaction the counts wait in
 * memory for journal_commit, which writes them with the rest, or for
 * journal_rollback, which drops them; outside one they are written at
 * once.  So a count goes with the change it counts, and a commit of
 * thousands of changes writes a few rows of counts, not a row each.
 */
int		 journal_count(struct journal *, int64_t at_ms, const char *kind,
		    const char *a, const char *b, const char *c, int64_t n,
		    int64_t total);
/* Writes the counts waiting; on failure they are dropped all the same. */
int		 journal_count_flush(struct journal *);
/* Drops the counts waiting, and (with all) the memory that held them. */
void		 journal_count_drop(struct journal *, int all);
/*
 * Counts a delivery delivered: its event's time from receipt (the time
 * of event_id, a UUIDv7 made at receipt) to at_ms, in a latency bucket.
 */
int		 journal_count_latency(struct journal *, const char *target,
		    const char *event_id, int64_t at_ms);

#endif
