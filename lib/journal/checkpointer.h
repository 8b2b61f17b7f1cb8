/*
 * checkpointer: copies a journal's WAL into the database from a thread and
 * a connection of its own, every CHECKPOINTER_MS, so that what the
 * process's writer is left to copy when the WAL is full (SQLite's
 * automatic checkpoint, which the committing thread runs) is little, and
 * a commit is not held up copying megabytes (bench/README.md: the
 * receiver).
 *
 * Ownership: checkpointer_start returns a checkpointer that owns its
 * thread and its own journal connection; checkpointer_stop joins the
 * thread, closes the connection and frees it all.  j is only read.
 */
#ifndef INTEGRA_JOURNAL_CHECKPOINTER_H
#define INTEGRA_JOURNAL_CHECKPOINTER_H

#include <stddef.h>

#define CHECKPOINTER_MS	50

struct checkpointer;
struct journal;

/*
 * Starts it on a connection of its own to j's journal; NULL with the
 * reason in err.
 */
struct checkpointer	*checkpointer_start(const struct journal *j, char *err,
			    size_t errsz);
/* Stops it and waits for it; NULL does nothing. */
void			 checkpointer_stop(struct checkpointer *);

#endif
