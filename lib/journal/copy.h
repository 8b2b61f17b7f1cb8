/*
 * journal/copy: a whole journal copied into another, empty one, whatever
 * their backends (integra journal copy): a SQLite file into PostgreSQL,
 * to move to several hosts with the history, and back.
 *
 * Every table of the source goes row for row, with its keys (an event's
 * seq, a delivery's id), in the order of its primary key, a page at a
 * time, into the destination in one transaction: a copy that fails
 * leaves the destination as empty as it found it.  Each table's rows are
 * then counted on both sides, and the copy commits only when they agree.
 * The source is read inside a write transaction of its own, so that no
 * program writes it meanwhile (they wait, or give up as busy).
 *
 * Ownership: the table's name fn gets lives during the call only.
 */
#ifndef INTEGRA_JOURNAL_COPY_H
#define INTEGRA_JOURNAL_COPY_H

#include <stdint.h>

struct journal;

/* A table copied, with its rows, as counted on both sides. */
typedef void (*journal_copied_fn)(void *ctx, const char *table,
    int64_t rows);

/*
 * Copies from into to, which must hold no row (its schema made by
 * opening it).  0; or -1, with the reason in journal_error(to) and the
 * exit status it means in journal_abort(to), whichever journal failed:
 * the destination not empty (EX_CANTCREAT), values sealed for a
 * destination that keeps none (EX_DATAERR: rekey the source plain
 * first), the two schemas unlike (EX_SOFTWARE), counts that differ
 * (EX_SOFTWARE), or either journal's failure.
 */
int	journal_copy(struct journal *from, struct journal *to,
	    journal_copied_fn fn, void *ctx);

#endif
