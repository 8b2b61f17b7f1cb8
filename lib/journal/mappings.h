/*
 * journal/mappings: the versioned mappings.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_MAPPINGS_H
#define INTEGRA_JOURNAL_MAPPINGS_H

#include "journal/journal.h"

/*
 * Versioned mappings: the jq program that builds a target system's request
 * body from an event of a type.  Each (type, system) pair has versions 1,
 * 2, ... and a head, the version in force.  The strings of a
 * journal_mapping are valid during the callback only.
 */
struct journal_mapping {
	const char	*type;
	const char	*system;
	int		 version;	/* this one */
	int		 head;		/* the pair's version in force */
	int		 latest;	/* the pair's highest */
	const char	*program;
	const char	*origin;	/* the file it came from, or NULL */
	int64_t		 created_at;	/* of this version */
	int64_t		 updated_at;	/* of the pair's head */
};
typedef int (*journal_mapping_fn)(void *ctx, const struct journal_mapping *);
/* Adds a version and makes it the head; *version gets its number. */
int	journal_mapping_add(struct journal *, const char *type,
	    const char *system, const char *program, const char *origin,
	    int64_t now, int *version);
/* Adds version 1, the head, if the pair has none (*added says so). */
int	journal_mapping_seed(struct journal *, const char *type,
	    const char *system, const char *program, const char *origin,
	    int64_t now, int *added);
/* Calls fn with the pair's version (0: its head), if *found. */
int	journal_mapping_get(struct journal *, const char *type,
	    const char *system, int version, journal_mapping_fn fn, void *ctx,
	    int *found);
/* Calls fn with each pair's head, by type and system. */
int	journal_mapping_heads(struct journal *, journal_mapping_fn fn,
	    void *ctx);
/* Calls fn with each version of the pair, oldest first; *n counts them. */
int	journal_mapping_versions(struct journal *, const char *type,
	    const char *system, journal_mapping_fn fn, void *ctx, int *n);
/* Makes version the pair's head; *done is 0 if it has no such version. */
int	journal_mapping_rollback(struct journal *, const char *type,
	    const char *system, int version, int64_t now, int *done);

#endif
