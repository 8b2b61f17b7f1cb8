/*
 * collections: the delinquency report of the config's collections: (a
 * cadence whose records are debts): what is overdue today in the
 * cadence's zone, by age (0-30, 31-60, 61-90, over 90 days) and by the
 * cadence's by: (the clinic), with the totals of its amount:; what was
 * recovered within the window (records found over: paid); the cadence's
 * messages by channel, delivered or dead; the escalations (events of the
 * collections' escalated type).  As JSON:
 *
 *	{"cadence","day":"YYYY-MM-DD","from":"YYYY-MM-DD",
 *	 "overdue":{"count","total"},"ages":[{"age","count","total"} x4],
 *	 "by":[{"name","count","total"}],"recovered":{"count","total"},
 *	 "messages":[{"channel","delivered","dead"}],"escalations":N}
 *
 * as text, and as an event, integra.report.collections, its data the
 * JSON with "to" (collections: to), for a route to mail through a
 * template, one a day at most (cron on Mondays).
 *
 * Ownership: the journal and cfg are borrowed; the text is appended to
 * the caller's out; what the report builds is freed before it returns.
 */
#ifndef INTEGRA_REPORT_COLLECTIONS_H
#define INTEGRA_REPORT_COLLECTIONS_H

#include <stdint.h>
#include <stdio.h>

struct buf;
struct cfg;
struct journal;

#define COLLECTIONS_TYPE	"integra.report.collections"

/*
 * The report at now over the window before it, appended to out as JSON
 * (json) or text.  Returns 0, or the journal's failure.
 */
int	collections_report(struct journal *, const struct cfg *, int64_t now,
	    int64_t window_ms, int json, struct buf *out);
/*
 * The report made the day's event and its envelope written on out once
 * committed; *made is 0 if the day's was made before.  Returns 0; 1 if
 * writing out failed; or the journal's failure.
 */
int	collections_event(struct journal *, const struct cfg *, int64_t now,
	    int64_t window_ms, FILE *out, int *made);

#endif
