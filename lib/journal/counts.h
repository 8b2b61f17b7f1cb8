/*
 * journal/counts: what integra-report and the receiver's /status read: the
 * counts of what happened, kept by the writers (migration 8), and the
 * state of the hub now.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_COUNTS_H
#define INTEGRA_JOURNAL_COUNTS_H

#include "journal/journal.h"

/*
 * For /status: a JSON object of the events and deliveries by status, the
 * backlogs, the age of the oldest undelivered delivery, the dead letters,
 * the disabled targets and the circuits not closed.
 * Counting reads every row: it costs what the journal's size does.
 */
int	journal_status(struct journal *, int64_t now, struct buf *out);
/* For /health/detailed: each target's last attempt, a JSON object. */
int	journal_targets_last(struct journal *, struct buf *out);


/*
 * What integra-report reads, one query each (journal/counts.c):
 * - JOURNAL_REPORT_COUNTS: the counts of what happened (integra(7),
 *   "counts") from the hour since_ms falls in on, summed by kind, a, b
 *   and c, which are name[0..3]; num[0] is n, num[1] total.
 * - JOURNAL_REPORT_TARGETS: each target with a state, name[0]; num[0] 1
 *   if it is disabled, num[1] its circuit at since_ms (0 closed, 1 open,
 *   2 half-open: its cooldown over, a probe to come).
 * - JOURNAL_REPORT_WAITING: one row, for now = since_ms: num[0] events
 *   received and not normalized, [1] normalized and not mapped; the
 *   deliveries [2] pending, [3] failed (to be tried again), [4] in
 *   flight, [5] dead and not archived; [6] the oldest waiting event's
 *   time and [7] the oldest due delivery's, in ms (0: none).
 * - JOURNAL_REPORT_SYNCS: each sync job that has run, name[0], and
 *   name[1] its last ended run's status ("running" if none has ended); num[0] its runs ok, [1] failed, [2]
 *   running, [3] when the last ok one ended (ms, 0: never), [4] records
 *   read, [5] new or changed, [6] refused, by the runs started since
 *   since_ms (the counts) or ever (the rest).
 * - JOURNAL_REPORT_HOURLY: the counts of events, deliveries and attempts
 *   by hour from the one since_ms falls in: name[0] the kind, name[1]
 *   the status reached or the outcome; num[0] the hour (ms / 3600000),
 *   num[1] n.
 * - JOURNAL_REPORT_DEAD: why deliveries died since since_ms, the five
 *   reasons most of them died of: name[0] the target, [1] the error
 *   class, [2] the error; num[0] how many.
 * - JOURNAL_REPORT_SYNC_TIMES: the runs of each sync job (a job over a
 *   record set: of each record's, "JOB/KEY") that started since since_ms
 *   and ended, by how long they took: name[0] the job, name[1] the
 *   bucket's bound in ms (JOURNAL_SYNC_BOUNDS; "inf" past the last);
 *   num[0] the runs, num[1] their ms.
 * - JOURNAL_REPORT_FLOWS: each flow with instances, name[0]: num[0..5]
 *   its instances running, waiting, paused, completed, cancelled and
 *   failed; [6] the completions and [7] their time from start, in ms.
 * fn returning non-zero stops the walk and is returned.
 */
enum journal_report {
	JOURNAL_REPORT_COUNTS,
	JOURNAL_REPORT_TARGETS,
	JOURNAL_REPORT_WAITING,
	JOURNAL_REPORT_SYNCS,
	JOURNAL_REPORT_HOURLY,
	JOURNAL_REPORT_DEAD,
	JOURNAL_REPORT_FLOWS,
	JOURNAL_REPORT_SYNC_TIMES
};
struct journal_report_row {
	const char	*name[4];
	int64_t		 num[8];
};
typedef int (*journal_report_fn)(void *ctx,
    const struct journal_report_row *);
int	journal_report(struct journal *, enum journal_report, int64_t since_ms,
	    journal_report_fn fn, void *ctx);
/*
 * The bounds in ms of the latency buckets of the counts; a time over the
 * last one counts as "inf".
 */
#define JOURNAL_LATENCY_BUCKETS	14
extern const int64_t journal_latency_bounds[JOURNAL_LATENCY_BUCKETS];
/* The bounds in ms of a sync run's time (JOURNAL_REPORT_SYNC_TIMES). */
#define JOURNAL_SYNC_BUCKETS	7
extern const int64_t journal_sync_bounds[JOURNAL_SYNC_BUCKETS];

#endif
