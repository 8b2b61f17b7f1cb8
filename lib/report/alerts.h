/*
 * alerts: the seed's alert rules, evaluated from the journal, each alert's
 * state kept there (alert_states), and an event made when one starts to
 * fire or is resolved: integra.alert.firing or integra.alert.resolved,
 * journaled canonical for map to route (to a Slack or Discord webhook),
 * like the outcomes dispatch makes.  The rules (cfg_alerts):
 *
 *	retry_backlog		more failed deliveries wait than the limit
 *	dlq_growing		deliveries died in the window (1 h)
 *	error_rate		over a share of the attempts of the window
 *				(15 min) failed, of enough of them
 *	sync_failing:JOB	the job's last run failed
 *	circuit_open:TARGET	the target's circuit is not closed: open,
 *				or half-open until a probe gets through
 *
 * An alert is posted (an event made) when it starts to fire, unless an
 * event of it was made within the cool-down: then at the first run after
 * the cool-down, if it still fires.  Its resolution is posted once it no
 * longer fires, if its firing was.  Running again with nothing changed
 * makes nothing.
 *
 * Ownership: alerts_run borrows the journal, the cfg and out (written
 * and flushed, not closed) and fills the caller's result.  What it builds
 * (the alerts, their report, the lines) it frees before it returns.
 */
#ifndef INTEGRA_REPORT_ALERTS_H
#define INTEGRA_REPORT_ALERTS_H

#include <stdint.h>
#include <stdio.h>

struct cfg;
struct journal;

#define ALERTS_SOURCE	"integra/alerts"

struct alerts_result {
	long	 firing;	/* alerts whose rules hold */
	long	 posted;	/* events made of alerts that fired */
	long	 resolved;	/* events made of alerts resolved */
};

/*
 * Evaluates the rules at now, keeps the states and writes the events made
 * on out once committed.  Returns 0; 1 if writing out failed; or the
 * journal's failure (-1, or JOURNAL_BUSY), which journal_error tells.
 */
int	alerts_run(struct journal *, const struct cfg *, int64_t now,
	    FILE *out, struct alerts_result *);

#endif
