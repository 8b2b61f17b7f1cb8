/*
 * syncjobs: what integra-sync-crm and integra-sync-fin share: running a
 * runner's sync jobs (sync.h), or those named, one after the other.
 *
 * Ownership: syncjobs_main opens the config and journal and frees and
 * closes them, and stdout (setup_finish), before it returns.
 * syncjobs_job borrows its arguments; nothing is handed back to free.
 */
#ifndef INTEGRA_STAGE_SYNCJOBS_H
#define INTEGRA_STAGE_SYNCJOBS_H

#include <stdio.h>

struct cfg;
struct cfg_sync;
struct journal;

/* The program's main, for runner "crm" or "fin". */
int	syncjobs_main(int argc, char *argv[], const char *runner);
/*
 * Runs one job, writing its events on out and logging how it went; a
 * job over a record set once for each of its records, or for the one
 * called key if key is not NULL.
 */
int	syncjobs_job(const struct cfg *, struct journal *,
	    const struct cfg_sync *, const char *key, int full, int dry_run,
	    FILE *out);
/* Of two exit codes, the one to end with. */
int	syncjobs_worst(int a, int b);

#endif
