/*
 * journal/groups: groups of deliveries (migration 14), such as a
 * campaign's messages.  A route labels its deliveries with a group; the
 * group's row says when it began, when every event naming it was mapped
 * (sealed), when its last delivery ended after that (settled) and whether
 * it was cancelled.  What it holds is always read from its deliveries, by
 * the index deliveries_group: no counter that could drift.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_GROUPS_H
#define INTEGRA_JOURNAL_GROUPS_H

#include <stdint.h>

#include "journal/journal.h"

#define JOURNAL_GROUP_MAX	ID_LEN	/* the longest name */

/* A group as it begins. */
struct journal_group {
	const char	*name;
	const char	*route;		/* that named it first */
	const char	*event_id;
	const char	*tenant;
	int		 progress;	/* percent between progress events */
	int64_t		 now;
};

/*
 * The deliveries of a group at one (target, route, step) in one status;
 * or, with error_class set (and target and route NULL), its dead ones of
 * that class ("" for none).
 */
struct journal_group_count {
	const char	*target;
	const char	*route;
	int		 step;
	const char	*status;
	const char	*error_class;
	long		 n;
};

typedef int (*journal_group_count_fn)(void *ctx,
    const struct journal_group_count *);

/* 1 if s may name a group: 1 to JOURNAL_GROUP_MAX of [A-Za-z0-9._:-]. */
int	journal_group_name_valid(const char *s);
/* Adds the group unless it is there. */
int	journal_group_add(struct journal *, const struct journal_group *);
/*
 * An event that names the group was mapped: it is sealed from now, if it
 * was not, and with emitted, one event its deliveries' answers became is
 * no longer waiting to be.
 */
int	journal_group_seal(struct journal *, const char *name, int emitted,
	    int64_t now);
/* A delivery's answer became an event that names the group. */
int	journal_group_emit(struct journal *, const char *name, int64_t now);
/*
 * Settles the group if it is sealed, not settled, waits for no emitted
 * event and none of its deliveries is pending, failed or in flight:
 * *settled says whether this call did.
 */
int	journal_group_settle(struct journal *, const char *name, int64_t now,
	    int *settled);
/* The group's row as JSON, to fn with its name; *found 0 if none. */
int	journal_group_get(struct journal *, const char *name,
	    journal_row_fn fn, void *ctx, int *found);
/*
 * The groups, newest first, limit of them from the one after the cursor
 * after (NULL: the newest), each to fn with its name.
 */
int	journal_group_list(struct journal *, const char *after, int limit,
	    journal_row_fn fn, void *ctx);
/* Its deliveries counted by target, route, step and status, then the
 * dead ones by class. */
int	journal_group_counts(struct journal *, const char *name,
	    journal_group_count_fn fn, void *ctx);
/*
 * Cancels the group: its pending and failed deliveries die with class
 * cancelled; *n says how many.
 */
int	journal_group_cancel(struct journal *, const char *name,
	    const char *reason, int64_t now, long *n);
/*
 * Its dead deliveries are due again, their attempts from 0, but those
 * cancelled or that could never be built (classes invalid, mapping), and
 * the group settles again once they end; *n says how many.
 */
int	journal_group_retry(struct journal *, const char *name, int64_t now,
	    long *n);
/*
 * The group's latest dead deliveries, limit of them, each to fn with its
 * id: {"id","target","route","step","error_class","last_error",
 * "dead_at"}.
 */
int	journal_group_dead(struct journal *, const char *name, int limit,
	    journal_row_fn fn, void *ctx);
/*
 * The group is open again (a delivery of it due again): it settles, and
 * tells it, again once that ends.
 */
int	journal_group_reopen(struct journal *, const char *name, int64_t now);
/* The groups not settled, each to fn. */
int	journal_group_unsettled(struct journal *, journal_row_fn fn,
	    void *ctx);
/* The group's last progress told is pct. */
int	journal_group_told(struct journal *, const char *name, int pct,
	    int64_t now);
/* Whether the group was cancelled: *cancelled 0 or 1 (0 if none). */
int	journal_group_cancelled(struct journal *, const char *name,
	    int *cancelled);

#endif
