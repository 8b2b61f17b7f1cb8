/*
 * weekly: the summary of the last 7 days for the managers (the config's
 * weekly: to), as text and as an HTML e-mail: what came, what was
 * delivered or died and why, where tries failed most, how the syncs went,
 * the alerts fired.  It is an event, integra.report.weekly, journaled
 * canonical for map to route to the e-mail target (its data is a mail.h
 * body already: to, subject, text, html), one a day at most.
 *
 * Ownership: weekly_run borrows the journal, the cfg and out (written
 * and flushed, not closed).  What it builds (the report, the tables, the
 * texts) it frees before it returns.
 */
#ifndef INTEGRA_REPORT_WEEKLY_H
#define INTEGRA_REPORT_WEEKLY_H

#include <stdint.h>
#include <stdio.h>

struct cfg;
struct journal;

#define WEEKLY_SOURCE	"integra/report"

/*
 * Makes the summary at now and writes its event on out once committed;
 * *made is 0 if today's was made before.  Returns 0; 1 if writing out
 * failed; or the journal's failure.
 */
int	weekly_run(struct journal *, const struct cfg *, int64_t now,
	    FILE *out, int *made);

#endif
