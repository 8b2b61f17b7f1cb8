/*
 * ops/coverage: what integra-coverage and the receiver's /api/coverage
 * do, one function each, so that the command line and HTTP agree
 * (integra-coverage(1) has the shapes).  The coverage (integra.yaml(5))
 * is a record set, "coverage", of the records an admin added by name:
 * the clinics a collections service serves.  A sync over it runs once
 * for each.
 *
 * Adding looks the name up on the remote (GET PATH?PARAM=NAME): no match
 * is NONE; several are SEVERAL, unless exactly one has the name itself
 * (letter case aside); one is kept, as its transform makes it, with an
 * event of the coverage's type, in one transaction.  Removing drops the
 * record, with an event of the removed type.  The name is never logged.
 *
 * Every answer is JSON appended to out: a record {"key","name","record",
 * "event"}, the listing {"coverage":[{"key","record"},...]}, or with
 * SEVERAL {"matches":[{"key","name"},...]}.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out and why, which the caller releases with buf_release (also after a
 * failure).  Every function returns 0, or -1 if the journal failed.
 */
#ifndef INTEGRA_OPS_COVERAGE_H
#define INTEGRA_OPS_COVERAGE_H

#include <stdint.h>

#define OPS_COVERAGE_SET	"coverage"	/* its record set */
#define OPS_COVERAGE_SOURCE	"coverage"	/* its events' source */
#define OPS_COVERAGE_NAME_MAX	200		/* bytes of a name */

struct buf;
struct cfg;
struct journal;

enum ops_coverage_result {
	OPS_COVERAGE_DONE,	/* added, or removed */
	OPS_COVERAGE_ALREADY,	/* add: covered before; out is its record */
	OPS_COVERAGE_NONE,	/* add: no match; remove: not covered */
	OPS_COVERAGE_SEVERAL,	/* add: several match, out says which */
	OPS_COVERAGE_BAD,	/* the name is not one: why says */
	OPS_COVERAGE_REMOTE,	/* the remote failed or made no sense: why */
	OPS_COVERAGE_CONFIG	/* no coverage in the config, or its
				   programs or secret are wrong: why */
};

/* key gets the key of the record added (or covered before). */
int	ops_coverage_add(const struct cfg *, struct journal *,
	    const char *name, int64_t now, struct buf *out, struct buf *key,
	    struct buf *why, enum ops_coverage_result *res);
int	ops_coverage_list(struct journal *, struct buf *out);
/* The record called key, if covered (ALREADY), else NONE. */
int	ops_coverage_get(struct journal *, const char *key, struct buf *out,
	    enum ops_coverage_result *res);
int	ops_coverage_remove(const struct cfg *, struct journal *,
	    const char *key, int64_t now, struct buf *out,
	    enum ops_coverage_result *res);

#endif
