/*
 * journal/syncs: the scheduled syncs: each job's lock and watermark, its
 * runs, the records as last sent on.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_SYNCS_H
#define INTEGRA_JOURNAL_SYNCS_H

#include "journal/journal.h"

/*
 * The scheduled syncs (sync.h).  A job's lock is a lease: taken when it is
 * free, its lease is out, or owner holds it already (a renewal); *got
 * says whether.  state, if not NULL, gets the job's watermark (empty if
 * none) and who holds it until when.
 */
struct journal_sync_job {
	struct buf	 watermark;
	struct buf	 lock_owner;
	int64_t		 lock_until;
};
int	journal_sync_lock(struct journal *, const char *job, const char *owner,
	    int64_t now, int64_t until, int *got, struct journal_sync_job *);
int	journal_sync_job(struct journal *, const char *job,
	    struct journal_sync_job *);
/*
 * Takes the lock from dead, a holder known to be gone, if it still holds
 * it; and marks the job's runs still "running" failed, once the lock is
 * the caller's.
 */
int	journal_sync_steal(struct journal *, const char *job, const char *dead,
	    const char *owner, int64_t now, int64_t until, int *got);
int	journal_sync_abandon(struct journal *, const char *job, int64_t now);
/* Lets go of owner's lock, setting the watermark if it is not NULL. */
int	journal_sync_unlock(struct journal *, const char *job,
	    const char *owner, const char *watermark, int64_t now);
/* A run as it stands; status is "running", "ok" or "failed". */
struct journal_sync_run {
	int64_t		 id;
	const char	*status;
	int64_t		 ended_at;	/* 0: not yet */
	long		 pages;
	long		 read;		/* records on them */
	long		 changed;	/* new or changed */
	long		 sent;		/* made events */
	long		 failed;	/* refused: no key, a failed transform */
	const char	*watermark_to;	/* NULL: none */
	const char	*error;		/* NULL: none */
};
int	journal_sync_run_start(struct journal *, const char *job, int64_t now,
	    int full, const char *watermark, int64_t *id);
int	journal_sync_run_update(struct journal *,
	    const struct journal_sync_run *);
/* A record as last sent on: the SHA-256 of its JSON, and the JSON. */
#define JOURNAL_SYNC_HASH_LEN	32
int	journal_sync_record_get(struct journal *, const char *job,
	    const char *key, unsigned char hash[JOURNAL_SYNC_HASH_LEN],
	    struct buf *record, int *found);
int	journal_sync_record_put(struct journal *, const char *job,
	    const char *key, const unsigned char hash[JOURNAL_SYNC_HASH_LEN],
	    const char *record, size_t len, int64_t now);
/*
 * The records of a record set (a sync's, the coverage's), each its key
 * and its JSON to fn, in the keys' order; only key's if key is not NULL.
 * A record removed: *found says whether it was there.
 */
int	journal_sync_records(struct journal *, const char *job,
	    const char *key, journal_row_fn fn, void *ctx);
int	journal_sync_record_delete(struct journal *, const char *job,
	    const char *key, int *found);
/*
 * As JSON (integra-sync(1) shows the shapes): the runs of job (NULL: of
 * every job), newest first, at most limit (0: all), each its id and its
 * JSON to fn; one run; a job's state (watermark, lock, records kept, its
 * last run and last success); and, by job, what the runs since since did.
 */
int	journal_sync_runs(struct journal *, const char *job, int limit,
	    journal_row_fn fn, void *ctx);
int	journal_sync_run_get(struct journal *, int64_t id, struct buf *out,
	    int *found);
int	journal_sync_job_state(struct journal *, const char *job,
	    struct buf *out);
int	journal_sync_stats(struct journal *, int64_t since, journal_row_fn fn,
	    void *ctx);

#endif
