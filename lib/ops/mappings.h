/*
 * ops/mappings: what `integra-map list|show|versions|add|rollback|seed|test` do
 * over the journal's versioned mappings (journal.h), one function each,
 * so that the command line and an HTTP API agree.  Answers are JSON,
 * appended to out:
 *	a pair: {"type","system","version","latest","updated_at"};
 *	a version: {"type","system","version","current","origin",
 *	    "created_at","program"};
 * a list is an array of pairs, versions an array of versions.
 *
 * Each returns 0, a journal failure (journal.h), or OPS_MAPPINGS_REFUSED with
 * the reason in err (a name that is not valid, a program that does not
 * compile, no such version).
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out and err, which the caller releases with buf_release (also after a
 * failure).  The strings given are only read; what is compiled or read
 * from files to check it is freed before the call returns.
 */
#ifndef INTEGRA_OPS_MAPPINGS_H
#define INTEGRA_OPS_MAPPINGS_H

#include <stdint.h>

#include <jv.h>

#define OPS_MAPPINGS_REFUSED	(-3)
#define OPS_MAPPINGS_CONFIG	(-4)	/* the config's routes do not compile */

struct buf;
struct cfg;
struct journal;

int	ops_mappings_list(struct journal *, struct buf *out);
/* version 0: the one in force; *found is 0 if there is none. */
int	ops_mappings_show(struct journal *, const char *type, const char *system,
	    int version, struct buf *out, int *found);
int	ops_mappings_versions(struct journal *, const char *type,
	    const char *system, struct buf *out, int *found);
/*
 * Compiles program and, if it compiles, adds it as the pair's new version
 * in force, in a transaction of its own; out gets the version.
 */
int	ops_mappings_add(struct journal *, const char *type, const char *system,
	    const char *program, const char *origin, struct buf *out,
	    struct buf *err);
int	ops_mappings_rollback(struct journal *, const char *type,
	    const char *system, int version, struct buf *out, struct buf *err);
/*
 * Version 1 of each pair that has none, from the files
 * datadir/mappings/TYPE/SYSTEM.jq, in one transaction; *seeded counts
 * them.  A file that does not compile refuses the whole seed.
 */
int	ops_mappings_seed(struct journal *, const char *datadir, int *seeded,
	    struct buf *err);

/*
 * What event (consumed) would make for system with the mappings in force
 * and cfg's routes, sending nothing: the requests, a JSON object a line,
 * appended to out, *n of them (0: no route takes it to system).  Returns
 * 0; OPS_MAPPINGS_REFUSED with the reason in err if the event's type is
 * not type or a mapping fails on it; OPS_MAPPINGS_CONFIG, or -1 if the
 * mappings cannot be read, with the reason in err.
 */
int	ops_mappings_test(struct journal *, const struct cfg *,
	    const char *type, const char *system, jv event, struct buf *out,
	    int *n, struct buf *err);

#endif
