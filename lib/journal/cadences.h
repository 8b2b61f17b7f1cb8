/*
 * journal/cadences: the cadences' rows.  Each synced record a cadence runs
 * over is an item: its anchor day, whether it stopped, the first of the
 * cadence's steps not taken yet and the day that one falls due (NULL
 * when none is left), read by the partial index cadence_items_due.  A
 * step taken for an item is a row of cadence_steps, whose key (cadence,
 * item, step) is what makes a step go once; cadence_manual keeps the
 * steps sent by hand.  Days are days since 1970-01-01.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_CADENCES_H
#define INTEGRA_JOURNAL_CADENCES_H

#include <stdint.h>

#include "journal/journal.h"

#define JOURNAL_NO_DAY	INT64_MIN	/* an anchor or a due day: none */

/*
 * The version a cadence's items were indexed with (empty: never), and
 * the one they are now indexed with.
 */
int	journal_cadence_version(struct journal *, const char *cadence,
	    struct buf *version);
int	journal_cadence_indexed(struct journal *, const char *cadence,
	    const char *version, int64_t now);

/* An item as it stands, if *found. */
struct journal_cadence_item {
	const char	*key;
	const char	*contact;	/* NULL: none */
	int64_t		 anchor;	/* JOURNAL_NO_DAY: none */
	int		 stopped;
	int64_t		 stopped_at;	/* when it was found over; 0: not */
	int		 next;
	int64_t		 due;		/* JOURNAL_NO_DAY: none */
	int		 has_amount;
	double		 amount;
	const char	*label;		/* NULL: none */
};
/* The item of key and its record (of sync job), if *found. */
int	journal_cadence_item_get(struct journal *, const char *cadence,
	    const char *key, const char *job, struct journal_cadence_item *,
	    struct buf *record, int *found);
/*
 * {"items","stopped","undated","due" (on today or before),
 * "steps":{STEP:{STATUS:N}}} appended to out.
 */
int	journal_cadence_counts(struct journal *, const char *cadence,
	    int64_t today, struct buf *out);
/*
 * Where the item stands: its next step, whether it is over and since when
 * (0: it was over when first seen).
 */
int	journal_cadence_item_next(struct journal *, const char *cadence,
	    const char *key, int *next, int *stopped, int64_t *stopped_at,
	    int *found);
/* Adds or replaces the item (its key, contact, anchor, ... as given). */
int	journal_cadence_item_put(struct journal *, const char *cadence,
	    const struct journal_cadence_item *, int64_t now);
/* Moves the item on: its next step and when that falls due. */
int	journal_cadence_item_move(struct journal *, const char *cadence,
	    const char *key, int next, int64_t due, int64_t now);

/*
 * At most limit items of cadence due on day today or before, in the
 * order they fell due, each with its record (of sync job, the same key)
 * to fn.  An item fn does not move is handed again.
 */
struct journal_cadence_due {
	const char	*key;
	int64_t		 anchor;
	int		 next;
	const char	*record;	/* JSON */
	size_t		 len;
};
typedef int	(*journal_cadence_due_fn)(void *ctx,
		    const struct journal_cadence_due *);
int	journal_cadence_due(struct journal *, const char *cadence,
	    const char *job, int64_t today, int limit,
	    journal_cadence_due_fn fn, void *ctx);

/*
 * Records what step did for the item, status "sent" (with its event),
 * "skipped", "stopped" or "failed" (a program of its failed), if it did
 * nothing before: *taken says whether it is this call that took it.
 */
int	journal_cadence_step_take(struct journal *, const char *cadence,
	    const char *key, const char *step, const char *status,
	    const char *event_id, int64_t day, int64_t now, int *taken);
/* Its status ("sent", ...), empty if it took no step. */
int	journal_cadence_step_status(struct journal *, const char *cadence,
	    const char *key, const char *step, struct buf *status);
/* A step sent that was over by the time its messages were built. */
int	journal_cadence_step_stopped(struct journal *, const char *cadence,
	    const char *key, const char *step);
/* A step sent by hand, as event event_id. */
int	journal_cadence_manual_add(struct journal *, const char *event_id,
	    const char *cadence, const char *key, const char *step,
	    int64_t now);

/*
 * For a report on a cadence (report/collections.h), one call of fn a
 * row: its items overdue on day today, by label (name[0]) and age
 * (name[1]: "0-30", "31-60", "61-90", ">90" days), or found over since
 * since_ms ("recovered"), num[0] how many and num[1] their amount; then
 * its messages since since_ms by channel (name[0]) and how they ended
 * (name[1], "delivered" or "dead"), num[0]; then, if type is not NULL,
 * the events of that type received since, num[0], name[0] "events".
 * The row's kind is in name[2]: "items", "messages" or "events".
 */
struct journal_cadence_row {
	const char	*name[3];
	int64_t		 count;
	double		 amount;
};
typedef int	(*journal_cadence_row_fn)(void *ctx,
		    const struct journal_cadence_row *);
int	journal_cadence_report(struct journal *, const char *cadence,
	    int64_t today, int64_t since_ms, const char *type,
	    journal_cadence_row_fn fn, void *ctx);
/*
 * The records of sync job whose keys start with prefix, after the key
 * after ("" for the first), at most limit, in the keys' order, each its
 * key and JSON to fn.
 */
int	journal_cadence_records(struct journal *, const char *job,
	    const char *prefix, const char *after, int limit,
	    journal_row_fn fn, void *ctx);

/*
 * Each step taken or sent by hand for the items that who names (one of
 * keys, a JSON array of the keys it may be, or their contact), oldest
 * first, each its item's key and its JSON to fn:
 * {"cadence","key","step","status","day","at","event","manual",
 * "event_status","error" (its event's: a step whose messages could not be
 * made is rejected, with why), "messages":[{"delivery","route","target",
 * "status","attempts","error_class","last_error","tries":[{"at","ms",
 * "http_status","error_class"}]}]}.
 */
int	journal_cadence_history(struct journal *, const char *keys,
	    const char *who, journal_row_fn fn, void *ctx);

#endif
