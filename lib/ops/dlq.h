/*
 * ops/dlq: what integra-dlq and the receiver's /api/dlq/... show and do,
 * one function each, so the command line and HTTP agree.
 *
 * Every answer is JSON, appended to out: a listing
 * {"dead_letters":[...],"next":ID|null}, a dead letter with its request,
 * its event and every attempt, the queue's stats, or what became of one
 * ({"id":...,"status":"pending"|"archived"|"deleted"}).
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out, which the caller releases with buf_release (also after a failure),
 * and a tally's copies of its targets, which ops_dlq_tally_release frees.
 * ops_dlq_filter_set and ops_dlq_query_set keep pointers to the values
 * they are given, not copies: they must outlive the filter.
 */
#ifndef INTEGRA_OPS_DLQ_H
#define INTEGRA_OPS_DLQ_H

#include <stddef.h>

#include "journal/journal.h"
#include "journal/dlq.h"

#define OPS_DLQ_LIMIT		100	/* dead letters a page, by default */
#define OPS_DLQ_LIMIT_MAX	1000

struct buf;

/* Resets f to the queue (not archived), no filter and the default page. */
void	ops_dlq_filter_init(struct journal_dlq_filter *f);
/*
 * Sets the filter called name (type, target, since, limit, cursor,
 * archived: "no", "yes" or "all") from value, which f keeps pointing to.
 * Returns 0, or -1 with the reason in err.
 */
int	ops_dlq_filter_set(struct journal_dlq_filter *f, const char *name,
	    const char *value, char *err, size_t errsz);
/* Each returns 0, or -1 (the journal's error). */
int	ops_dlq_list(struct journal *, const struct journal_dlq_filter *,
	    struct buf *out);
int	ops_dlq_show(struct journal *, const char *id, struct buf *out,
	    int *found);
int	ops_dlq_stats(struct journal *, struct buf *out);
/*
 * Calls fn with each dead letter f selects (f's limit and cursor apply),
 * its id and a JSON object; with full, the object has its request too: a
 * line of an export.
 */
int	ops_dlq_each(struct journal *, const struct journal_dlq_filter *,
	    int full, journal_row_fn fn, void *ctx);

enum ops_dlq_action {
	OPS_DLQ_RETRY,		/* back to pending, attempts reset */
	OPS_DLQ_ARCHIVE,	/* out of the queue, kept */
	OPS_DLQ_DELETE		/* gone: an archived one, or any with force */
};
enum ops_dlq_outcome {
	OPS_DLQ_DONE,
	OPS_DLQ_MISSING,	/* no such dead letter (archive: in the queue) */
	OPS_DLQ_NOT_ARCHIVED	/* a delete refused: archive it, or force */
};
#define OPS_DLQ_BATCH	500	/* dead letters changed a transaction */
typedef void	(*ops_dlq_fn)(void *ctx, const char *id,
		    enum ops_dlq_outcome);
/*
 * Does a to each of ids[0..n), OPS_DLQ_BATCH a transaction (the journal
 * must have none open), calling fn with each id's outcome once its
 * transaction is committed.  Returns 0, or the journal's failure (the
 * open batch rolled back; the batches before it stay done).
 */
int	ops_dlq_change(struct journal *, enum ops_dlq_action a,
	    const char *const ids[], size_t n, int force, ops_dlq_fn fn,
	    void *ctx);
/* {"id":ID,"status":"pending"|"archived"|"deleted"}: a done, to id. */
void	ops_dlq_changed_json(struct buf *, const char *id,
	    enum ops_dlq_action a);
/*
 * One dead letter back to pending, archived or deleted (ops_dlq_change
 * of one), what became of it in out.  *found is 0 if there is no such
 * dead letter (for archive: none in the queue); a delete of one not
 * archived, without force, is refused with JOURNAL_DLQ_NOT_ARCHIVED in
 * *result and nothing in out.
 */
int	ops_dlq_retry(struct journal *, const char *id, struct buf *out,
	    int *found);
int	ops_dlq_archive(struct journal *, const char *id, struct buf *out,
	    int *found);
int	ops_dlq_delete(struct journal *, const char *id, int force,
	    struct buf *out, enum journal_dlq_deleted *result);

/*
 * The error classes a dead letter's last error may have: integra-dispatch's
 * (libcurl's failures, HTTP statuses, SMTP's, an answer refused by the
 * step that read it, a token refused, a target not configured, an
 * internal failure), map's for what it could not make (invalid, mapping)
 * and a cancelled campaign's; and "unknown", as stats counts a dead letter
 * kept with none.  NULL-ended.
 */
extern const char *const	ops_dlq_classes[];
/* 0 if class is one of ops_dlq_classes; else -1, naming them in err. */
int	ops_dlq_class_check(const char *class, char *err, size_t errsz);
/*
 * As ops_dlq_filter_set, and the filters only a retry by query takes
 * (journal_dlq_match): source, tenant, until, class (an error class).
 */
int	ops_dlq_query_set(struct journal_dlq_filter *f, const char *name,
	    const char *value, char *err, size_t errsz);

/*
 * What a retry by query puts back, or would, counted by target, each
 * target once, in strcmp order; total is the sum.  Events' retries count
 * their deliveries with it too.
 */
struct ops_dlq_count {
	char	*target;
	size_t	 n;
};
struct ops_dlq_tally {
	struct ops_dlq_count	*v;
	size_t			 nv;
	size_t			 cap;
	size_t			 total;
};
#define OPS_DLQ_TALLY_INIT	{ NULL, 0, 0, 0 }
void	ops_dlq_tally_add(struct ops_dlq_tally *, const char *target,
	    size_t n);
/* A journal_row_fn adding 1 to the target of each row (its text). */
int	ops_dlq_tally_row(void *tally, const char *id, const char *target,
	    size_t len);
void	ops_dlq_tally_release(struct ops_dlq_tally *);
/* {"TARGET":N,...}, appended to out. */
void	ops_dlq_tally_json(struct buf *out, const struct ops_dlq_tally *);
/*
 * Puts back every dead letter f selects (journal_dlq_match) as
 * ops_dlq_change does, calling fn (if not NULL) with each one's outcome
 * once committed, and counts those put back in *done; with dry_run,
 * changes nothing and counts those it would put back.  Returns 0, or the
 * journal's failure (*done counts the batches committed before it).
 */
int	ops_dlq_retry_query(struct journal *,
	    const struct journal_dlq_filter *f, int dry_run, ops_dlq_fn fn,
	    void *ctx, struct ops_dlq_tally *done);
/* {"dry_run":BOOL,"dead_letters":N,"by_target":{...}}: its summary. */
void	ops_dlq_retried_json(struct buf *out, const struct ops_dlq_tally *,
	    int dry_run);

#endif
