/*
 * def: the config's cadences (integra.yaml(5)) compiled.  A cadence's
 * record program, run on each record it is over, gives [anchor, stop,
 * contact, amount, by]; its steps' conditions and emitted events' data run on what
 * falls due, the due object:
 *
 *	{"cadence","step","key","anchor":"YYYY-MM-DD","day":"YYYY-MM-DD",
 *	 "days":N,"record":{...}}
 *
 * day the day the step falls due, days how many days today is past the
 * anchor.  Its version is the digest of what indexes its records (over,
 * kind, anchor, stop, contact, amount, by, time zone, the steps' ids and
 * offsets): a cadence whose version changed has its records indexed
 * again.
 *
 * Ownership: a cadence_defs owns its programs and borrows cfg, which
 * must outlive it; cadence_defs_free frees them.  Use it from the thread
 * that runs jq.
 */
#ifndef INTEGRA_CADENCE_DEF_H
#define INTEGRA_CADENCE_DEF_H

#include <stddef.h>

#include "base/digest.h"

struct buf;
struct cfg;
struct cfg_cadence;
struct jqprog;

struct cadence_def {
	const struct cfg_cadence *cfg;
	const char		*tenant;	/* of the events it makes */
	struct jqprog		*record;	/* [anchor, stop, contact, amount,
						   by] */
	struct jqprog		**condition;	/* a step's, or NULL */
	struct jqprog		**data;		/* an emitting step's, or NULL */
	char			 prefix[72];	/* "KIND:" of its keys, or "" */
	char			 version[2 * DIGEST_LEN + 1];
};

struct cadence_defs {
	struct cadence_def	*defs;
	size_t			 n;
};

/*
 * The cadences of cfg, or of those over sync job if job is not NULL:
 * NULL with "FILE:LINE: cadence 'NAME': ..." in err if a program does
 * not compile.  A config without cadences (for job) makes an empty set.
 */
struct cadence_defs	*cadence_defs_new(const struct cfg *,
			    const char *job, struct buf *err);
void			 cadence_defs_free(struct cadence_defs *);
/* The cadence called name, or NULL. */
struct cadence_def	*cadence_defs_find(struct cadence_defs *,
			    const char *name);

#endif
