/*
 * syncpage: what a sync makes of the pages a system's API answers, apart
 * from the journal (stage/sync journals it): the job's programs compiled;
 * a page's records, its total and the next page's cursor or link; each
 * record's watermark, and the items each of its kinds holds, a key and
 * the canonical JSON of a value, or why the record is refused.  Every
 * byte here comes from outside: tests/fuzz/syncpage reads pages through
 * it.
 *
 * Over a record set, a record's programs take [record, param], so that
 * they see $param; param is null otherwise.
 *
 * Ownership: syncpage_compile fills the caller's programs, which
 * syncpage_programs_release frees.  syncpage_read fills the caller's
 * page, which syncpage_release frees; the functions on a record borrow
 * it and param, consume a pair, and append to the caller's buffers.
 */
#ifndef INTEGRA_STAGE_SYNCPAGE_H
#define INTEGRA_STAGE_SYNCPAGE_H

#include <stddef.h>

#include <jv.h>

#include "base/buf.h"

struct cfg_sync;
struct cfg_sync_kind;
struct jqprog;

struct syncpage_programs {
	const struct cfg_sync	*job;
	struct jqprog		*records;	/* on a page */
	struct jqprog		*next;		/* NULL: no cursor or link */
	struct jqprog		*total;
	struct jqprog		*watermark;	/* on a record; NULL: none */
	struct jqprog		**kinds;	/* each kind's [[key, value]] */
	struct jqprog		*path;		/* on $param; NULL: as is */
};

struct syncpage {
	jv		 records;	/* an array */
	struct buf	 next;		/* its text; empty: none */
	long		 total;		/* -1: not given */
};

/* Compiles job's programs: 0, or -1 with which and why in err. */
int	syncpage_compile(const struct cfg_sync *job,
	    struct syncpage_programs *, struct buf *err);
void	syncpage_programs_release(struct syncpage_programs *);
/*
 * The page text[0..len): 0, or -1 with why in err (the answer is not
 * JSON, its records are not an array, its next is not a string, a number
 * or null).
 */
int	syncpage_read(const struct syncpage_programs *, const char *text,
	    size_t len, struct syncpage *, struct buf *err);
void	syncpage_release(struct syncpage *);
/*
 * The next page's URL, given next (a path, or an absolute URL) by the
 * page at current of a target at base: 1 with it in out; 0 if there is
 * none (no next, or one that does not move: it would loop for ever); -1
 * with why in err if it leaves the target's scheme, host and port (it
 * would take the target's secret there) or is no URL.
 */
int	syncpage_next_link(const char *base, const char *current,
	    const struct buf *next, struct buf *out, struct buf *err);
/*
 * The watermark of rec, if the job has one and rec's is a string later
 * than mark's: mark is set to it.
 */
void	syncpage_watermark(const struct syncpage_programs *, jv rec,
	    jv param, struct buf *mark);
/*
 * Kind k's [key, value] pairs in rec: 0 with them in *pairs, or -1 with
 * why rec is refused in why.
 */
int	syncpage_pairs(const struct syncpage_programs *, size_t k, jv rec,
	    jv param, jv *pairs, struct buf *why);
/*
 * One pair (consumed) of kind kd: 0 with its key ("KIND:KEY", or KEY for
 * the sync's one kind) appended to key, its value's canonical JSON to
 * canon and the value in *value (the caller's); or -1 with why its record
 * is refused in why.
 */
int	syncpage_item(const struct cfg_sync_kind *kd, jv pair,
	    struct buf *key, struct buf *canon, jv *value, struct buf *why);

#endif
