/*
 * ops/rekey: the journal's sealed values rewritten as the configuration
 * seals now (integra journal rekey): under the current key after a
 * rotation, or plain once there is no current key; and counted by the key
 * that sealed them (integra journal sealed), to know when an old key is
 * no longer needed.
 *
 * Ownership: err is the caller's; the column and key id fn gets live
 * during the call only.
 */
#ifndef INTEGRA_OPS_REKEY_H
#define INTEGRA_OPS_REKEY_H

#include <stdint.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/rekey.h"

#define OPS_REKEY_BATCH		1000	/* rows a transaction, by default */
#define OPS_REKEY_UNKNOWN	1	/* values whose key is not known */

/* Rows rewritten, by table (journal_sealed_table). */
struct ops_rekey {
	int64_t	rewritten[JOURNAL_SEALED_TABLES];
};

/*
 * Rewrites every stale value of the journal, batch rows a transaction,
 * table by table; a rekey stopped and run again goes on where it stood.
 * 0; OPS_REKEY_UNKNOWN, before anything is rewritten, if values are
 * sealed with keys the journal's seal does not know (err names them); or
 * the journal's failure.
 */
int	ops_rekey(struct journal *, int batch, struct ops_rekey *,
	    struct buf *err);

/* journal_sealed_count, for integra journal sealed. */
int	ops_rekey_sealed(struct journal *, journal_sealed_fn, void *ctx);

#endif
