/*
 * journal: what every integra program shares: a SQLite file, or a
 * PostgreSQL database the programs of several hosts share.  It is the
 * truth; the pipe between programs is only the fast path.
 *
 * This header is the core: opening, transactions, failures.  Each subject
 * has a header of its own beside it (events.h, deliveries.h, keys.h,
 * dlq.h, targets.h, mappings.h, contacts.h, counts.h, syncs.h, alerts.h,
 * retention.h), and every SQL statement lives in this folder.  A SQLite
 * file is in WAL mode with synchronous=FULL, a busy timeout and foreign
 * keys on; its schema version is PRAGMA user_version, migrated forward by
 * whichever program opens it first (migrations/, schema.sql); a
 * PostgreSQL one is alike (pg.c, pg/).
 *
 * Ownership: strings passed in are copied by SQLite (or only read during
 * the call).  Rows handed to a callback are valid during that call only.
 * Every function returns 0 on success and -1 on failure, with the reason
 * in journal_error(); JOURNAL_BUSY means the database stayed locked past
 * the busy timeout (try again later).
 */
#ifndef INTEGRA_JOURNAL_JOURNAL_H
#define INTEGRA_JOURNAL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/ids.h"

#define JOURNAL_BUSY		(-2)

struct journal;
struct seal;

typedef int (*journal_row_fn)(void *ctx, const char *id, const char *text,
    size_t len);

/*
 * Copies what it can of the WAL into the database without waiting for
 * anyone (SQLite's PASSIVE checkpoint); *left gets the frames not copied.
 */
int	journal_checkpoint(struct journal *, int *left);

/*
 * 1 if where is a file (SQLite), 0 if it is a PostgreSQL URL
 * (postgresql:// or postgres://): every host's programs on one server.
 */
int		 journal_is_file(const char *where);
/*
 * Opens (creating if need be) and migrates the journal at path; NULL with
 * the reason in err and, if failure is not NULL, the exit status it means
 * (sysexits: EX_TEMPFAIL for a journal locked or a server away).
 */
struct journal	*journal_open(const char *path, char *err, size_t errsz,
		    int *failure);
void		 journal_close(struct journal *);
const char	*journal_error(const struct journal *);
/*
 * The keys the journal's personal data is sealed with from now on
 * (journal/seal.h; NULL: kept as it is), the journal's to free.
 * Statements seal a column with integra_seal(value, aad) and read it
 * with integra_open(value, aad).
 */
void		 journal_set_seal(struct journal *, struct seal *);
/*
 * Another connection to j's file, with a copy of j's seal: for another
 * thread, or for reads that must not wait on j's transaction.  NULL with
 * the reason in err.
 */
struct journal	*journal_open_again(const struct journal *, char *err,
		    size_t errsz);
/*
 * This connection's commits are not flushed (synchronous NORMAL: still
 * atomic, but the last may be lost with the machine): for what costs
 * nothing to lose, a rate's count.
 */
int		 journal_set_lax(struct journal *);
/* The journal's seal; NULL if none was set. */
const struct seal *journal_seal(const struct journal *);
/* 1 if the last failure was the journal staying locked (try again later). */
int		 journal_busy(const struct journal *);
/*
 * After a failure: rolls back the transaction it left open, if any, and
 * returns the exit status it means (sysexits): EX_TEMPFAIL when the
 * journal stayed locked or its disk is full (try again later), EX_IOERR
 * when the disk failed (an I/O error, a file that cannot be opened or
 * written), EX_SOFTWARE otherwise.  The failure's text stays in
 * journal_error().
 */
int		 journal_abort(struct journal *);
const char	*journal_path(const struct journal *);

/*
 * News is told to those listening when the transaction that made it
 * commits, or at once outside one: new work for dispatchers (a delivery
 * added, or made due again: journal_work marks it), an API key added or
 * revoked.  journal_listen asks to be told of news (JOURNAL_NEWS_ bits):
 * *fd gets a descriptor that turns readable when some may have been (-1:
 * this backend tells nothing, a SQLite file: look again now and then).
 * journal_told gives the news told since it was last asked (bits, 0 for
 * none), or -1 with the reason (the connection lost).
 */
#define JOURNAL_NEWS_WORK	0x1
#define JOURNAL_NEWS_KEYS	0x2
void	journal_work(struct journal *);
int	journal_listen(struct journal *, int news, int *fd);
int	journal_told(struct journal *);

/* A write transaction (BEGIN IMMEDIATE): group many records in one commit. */
int	journal_begin(struct journal *);
int	journal_commit(struct journal *);
void	journal_rollback(struct journal *);
int	journal_in_transaction(const struct journal *);

#endif
