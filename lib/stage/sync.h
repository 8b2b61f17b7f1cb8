/*
 * sync: one run of a scheduled sync job (a cfg_sync).  It reads the
 * records of a system's API a page at a time, from the job's watermark on,
 * and makes each record that is new or changed since it was last seen an
 * event of the job's type, journaled as canonical (normalized) so that map
 * routes it like any other: to the system the job feeds, and wherever
 * else routes send that type.  A record is kept with the SHA-256 of its
 * JSON, in the commit of its event, so a run killed anywhere makes no
 * event twice and the next run carries on.
 *
 * A record the page gives may hold records of several kinds (a patient,
 * its contracts, their installments): each kind's are taken apart from
 * it and kept as "KIND:KEY".  A job over a record set runs once for each
 * of its records (sync_run for one, syncjobs for all), that record its
 * programs' $param and its path's, the run named "JOB/KEY", with a lock
 * and a watermark of its own.  A run stops, failed, at max_pages.
 *
 * One run of a job at a time: it holds the job's lock (a lease renewed at
 * each page).  A remote that fails (no answer, not a 2xx, not the JSON
 * expected) ends the run with its watermark unchanged; a record without a
 * key, or whose transform fails, is journaled rejected and the run goes on.
 *
 * Ownership: sync_run borrows everything its options point to (out is
 * written, not closed) and fills the caller's result.  The programs,
 * secret and buffers it makes are freed, the secret cleared, before it
 * returns.  sync_runs only reads.
 */
#ifndef INTEGRA_STAGE_SYNC_H
#define INTEGRA_STAGE_SYNC_H

#include <stdint.h>
#include <stdio.h>

struct buf;
struct cfg;
struct cfg_sync;
struct journal;

#define SYNC_LEASE_MS		600000	/* a run renews it every page */
#define SYNC_RESPONSE_MAX	(64 * 1024 * 1024)	/* bytes of a page */

struct sync_opts {
	const struct cfg	*cfg;
	struct journal		*journal;
	const struct cfg_sync	*job;
	const char		*param_key;	/* over: the record's key, */
	const char		*param;		/* and its JSON; else NULL */
	int			 full;		/* from the start */
	int			 dry_run;	/* write nothing, send nothing */
	FILE			*out;		/* the events made, or with
						   dry_run what would change */
	int			 progress;	/* a line on stderr, if a tty */
};

struct sync_result {
	int64_t		 run;		/* its id; 0 with dry_run */
	long		 pages;
	long		 read;
	long		 changed;
	long		 sent;
	long		 failed;
	char		 error[512];	/* why it failed, if it did */
};

/*
 * Runs the job once.  Returns an exit code: EX_OK; EX_DATAERR if records
 * were refused; EX_TEMPFAIL if the job is running elsewhere, the remote
 * failed or the journal stayed locked; EX_PROTOCOL if the remote paged
 * past max_pages; EX_CONFIG if a program of the job
 * does not compile or its secret is missing; EX_IOERR or EX_SOFTWARE.
 * result->error says why when it is not EX_OK.
 */
int	sync_run(const struct sync_opts *, struct sync_result *);
/*
 * Compiles the job's programs as a run does: 0, or -1 with the reason
 * appended to err (integra config check).
 */
int	sync_check(const struct cfg_sync *, struct buf *err);
/* 1 if the job belongs to runner ("crm" or "fin"). */
int	sync_runs(const struct cfg_sync *, const char *runner);

#endif
