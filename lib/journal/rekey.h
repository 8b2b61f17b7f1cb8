/*
 * journal/rekey: the journal's sealed columns (journal/seal.h) counted by
 * the key that sealed them, and rewritten, a batch at a time, as the
 * journal's seal writes now: under the current key, or plain when there
 * is none.
 *
 * A batch is the next stale values of a table in the order of its
 * primary key: those sealed with a key that is not the current one, or
 * plain while one is, or sealed while none is (seal_current_id).  So a
 * rekey stopped anywhere and run again goes on where it stood, having
 * nothing left to do before.  Each batch is the caller's transaction.
 *
 * Ownership: a struct journal_rekey owns the keys it copies of the last
 * row of a batch; journal_rekey_release frees them.  The column and key
 * id journal_sealed_count hands fn live during the call only.
 */
#ifndef INTEGRA_JOURNAL_REKEY_H
#define INTEGRA_JOURNAL_REKEY_H

#include <stdint.h>

#include "base/buf.h"

struct journal;

/* The tables with sealed columns, in the order a rekey goes through. */
enum journal_sealed_table {
	JOURNAL_SEALED_RAW,		/* raw_envelopes.envelope */
	JOURNAL_SEALED_CANONICAL,	/* canonical_envelopes.envelope */
	JOURNAL_SEALED_DELIVERIES,	/* deliveries.headers, .body */
	JOURNAL_SEALED_RECORDS,		/* sync_records.record */
	JOURNAL_SEALED_TABLES
};

/* The table's name. */
const char	*journal_sealed_table_name(enum journal_sealed_table);

/*
 * Where a rekey of a table stands: after the row whose primary key this
 * is (none yet: zeroed, as JOURNAL_REKEY_INIT).  The bufs are the
 * cursor's: journal_rekey_release frees them.
 */
struct journal_rekey {
	int64_t		 seq;		/* raw and canonical envelopes */
	struct buf	 key1;		/* deliveries.id; sync_records.job */
	struct buf	 key2;		/* sync_records.key */
	int		 started;
};
#define JOURNAL_REKEY_INIT { 0, BUF_INIT, BUF_INIT, 0 }

void	journal_rekey_release(struct journal_rekey *);

/*
 * Rewrites the next limit rows of table after *at with a stale value,
 * and moves *at past them; *rewritten gets the rows rewritten, *end
 * whether the table has no stale value left after them.
 */
int	journal_rekey_batch(struct journal *, enum journal_sealed_table,
	    struct journal_rekey *at, int limit, int64_t *rewritten,
	    int *end);

/*
 * Calls fn with each sealed column ("table.column"), a key's id (NULL:
 * kept plain) and how many of its values that key sealed, column by
 * column, the plain ones first; stops at fn's non-zero, returned.
 */
typedef int (*journal_sealed_fn)(void *ctx, const char *column,
    const char *key_id, int64_t n);
int	journal_sealed_count(struct journal *, journal_sealed_fn, void *ctx);

#endif
