/*
 * ops/syncs: the sync jobs and their runs as JSON, one function each for
 * integra-sync and the receiver's GET /api/sync/... (integra-sync(1) has
 * the shapes).  Each returns 0, or -1 if the journal failed.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * buf, which the caller releases with buf_release (also after a failure).
 * The config, the job's name and the journal are only read.
 */
#ifndef INTEGRA_OPS_SYNCS_H
#define INTEGRA_OPS_SYNCS_H

#include <stdint.h>

#include "journal/journal.h"

struct buf;
struct cfg;
struct cfg_sync;

/* A job: its config, and its state in the journal. */
int	ops_syncs_job(const struct cfg_sync *, struct journal *, struct buf *);
/* Every job of the config, as an array. */
int	ops_syncs_jobs(const struct cfg *, struct journal *, struct buf *);
/* The runs of job (NULL: all), newest first, at most limit, an array. */
int	ops_syncs_runs(struct journal *, const char *job, int limit,
	    struct buf *);
/* The same runs, each its id and its JSON to fn. */
int	ops_syncs_each_run(struct journal *, const char *job, int limit,
	    journal_row_fn fn, void *ctx);
/* The run called id, if *found, appended to out. */
int	ops_syncs_run(struct journal *, int64_t id, struct buf *out,
	    int *found);
/* By job, what the runs started since since (ms) did. */
int	ops_syncs_stats(struct journal *, int64_t since, struct buf *);

#endif
