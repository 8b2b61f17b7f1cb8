/*
 * ops/campaigns: what integra-campaign and the receiver's /api/campaigns
 * show and do, one function each, so that the command line and HTTP
 * agree (integra-campaign(1) has the shapes).  A campaign is a group of
 * deliveries (journal/groups.h), named by its campaign id: the routes of
 * the config fetch it and fan it out (integra.yaml(5)); here it is asked
 * for, watched, retried and cancelled.
 *
 * Every answer is JSON appended to out: a listing {"campaigns":[...],
 * "next":NAME|null}, a campaign's status (stage/group.h), or that with
 * its latest dead deliveries.  A change runs in a transaction of its own.
 *
 * Ownership: nothing is allocated but the text appended to the caller's
 * out and why, which the caller releases with buf_release (also after a
 * failure).  Every function returns 0, or -1 (JOURNAL_BUSY) if the
 * journal failed.
 */
#ifndef INTEGRA_OPS_CAMPAIGNS_H
#define INTEGRA_OPS_CAMPAIGNS_H

#include <stdint.h>

#include "journal/journal.h"

#define OPS_CAMPAIGNS_LIMIT	100	/* campaigns a page, by default */
#define OPS_CAMPAIGNS_LIMIT_MAX	1000
#define OPS_CAMPAIGNS_TYPE	"campaign.dispatch"
#define OPS_CAMPAIGNS_SOURCE	"api/campaigns"

struct buf;
struct cfg;

enum ops_campaigns_result {
	OPS_CAMPAIGNS_DONE,
	OPS_CAMPAIGNS_DUPLICATE,	/* dispatch: asked before */
	OPS_CAMPAIGNS_MISSING,		/* no such campaign */
	OPS_CAMPAIGNS_BAD		/* the input is wrong: why says */
};

/*
 * Asks campaign id sent: journals a campaign.dispatch event (its data
 * {"campaign_id":ID}, its idempotency key the id, so that asking again is
 * a duplicate) for the routes to take.  out gets {"campaign","event",
 * "duplicate"}.
 */
int	ops_campaigns_dispatch(const struct cfg *, struct journal *,
	    const char *id, const char *tenant, int64_t now, struct buf *out,
	    struct buf *why, enum ops_campaigns_result *res);
/* The campaigns, newest first, a page of limit after the cursor after. */
int	ops_campaigns_list(struct journal *, const char *after, int limit,
	    struct buf *out);
int	ops_campaigns_status(const struct cfg *, struct journal *,
	    const char *id, struct buf *out, enum ops_campaigns_result *res);
/*
 * The status with "dead_deliveries": its latest dead deliveries, why
 * each died.
 */
int	ops_campaigns_show(const struct cfg *, struct journal *,
	    const char *id, struct buf *out, enum ops_campaigns_result *res);
/*
 * Cancels it: what is pending or failed dies with class cancelled, what
 * a fan-out still makes for it too; answers the status.
 */
int	ops_campaigns_cancel(const struct cfg *, struct journal *,
	    const char *id, int64_t now, struct buf *out,
	    enum ops_campaigns_result *res);
/*
 * Its dead deliveries (but the cancelled) are due again, from attempt 1;
 * it settles again, and tells it again, once they end.  Answers the
 * status with "retried": how many.
 */
int	ops_campaigns_retry(const struct cfg *, struct journal *,
	    const char *id, int64_t now, struct buf *out,
	    enum ops_campaigns_result *res);

#endif
