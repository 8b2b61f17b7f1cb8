/*
 * index: synced records made a cadence's items (journal/cadences.h): a
 * record's anchor day, whether it is over (stop), whom it concerns
 * (contact), from the cadence's record program.  Where an item stands in
 * the steps is kept when its record changes: a cadence does not start
 * over, and when its next step falls due follows from its anchor now.
 * A record without a day to go by (no anchor, or one that is not a date)
 * is an item that is never due: counted, and logged by its key only.
 *
 * A sync indexes the records it changes, in the transaction that keeps
 * them (cadence_index_synced); integra-cadence run indexes every record
 * of a cadence whose version is new (cadence_index_all), a transaction a
 * thousand.
 *
 * Ownership: records and keys are only read; nothing is kept.
 */
#ifndef INTEGRA_CADENCE_INDEX_H
#define INTEGRA_CADENCE_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct cadence_def;
struct cadence_defs;
struct journal;

struct cadence_index_result {
	long	 indexed;
	long	 undated;	/* no day to go by */
};

/*
 * The record of key (JSON text) made an item of each cadence of defs
 * that is over its sync and takes its kind.  Returns 0, or -1 if the
 * journal failed.
 */
int	cadence_index_synced(struct cadence_defs *, struct journal *,
	    const char *key, const char *record, size_t len, int64_t now,
	    struct cadence_index_result *);
/*
 * Every record of def made an item again, then def's version kept.
 * Returns 0, or -1 if the journal failed (its error says why).
 */
int	cadence_index_all(struct cadence_def *, struct journal *,
	    int64_t now, struct cadence_index_result *);

#endif
