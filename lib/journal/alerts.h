/*
 * journal/alerts: the alerts' states.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_ALERTS_H
#define INTEGRA_JOURNAL_ALERTS_H

#include "journal/journal.h"

/*
 * The alerts (alerts.h).  journal_alert_inputs counts the deliveries that
 * died since died_since, and of the last 200,000 attempts those made since
 * tried_since and those of them that failed.
 */
int	journal_alert_inputs(struct journal *, int64_t died_since,
	    int64_t tried_since, int64_t *died, int64_t *tried,
	    int64_t *failed);
struct journal_alert {
	const char	*alert;
	int		 firing;
	int64_t		 since;
	const char	*message;
	int64_t		 posted_at;	/* 0: never */
	int		 posted_firing;
};
typedef int (*journal_alert_fn)(void *ctx, const struct journal_alert *);
int	journal_alerts(struct journal *, journal_alert_fn fn, void *ctx);
int	journal_alert_put(struct journal *, const struct journal_alert *);

#endif
