/*
 * group: what a group of deliveries (journal/groups.h) tells: its status,
 * read from its deliveries, and the events it makes.  When its last
 * delivery ends (delivered or dead) after every event naming it was
 * mapped, it settles, once, and integra.group.settled is journaled with
 * its status, for routes to take (a status webhook); a group with
 * progress gets integra.group.progress each time that many percent more
 * of its deliveries have ended.
 *
 * These run on the journal's thread: no jv, no jq.
 *
 * Ownership: the caller's cfg and journal are borrowed; JSON is appended
 * to the caller's out.  Every function returns 0, or -1 (JOURNAL_BUSY)
 * if the journal failed.
 */
#ifndef INTEGRA_STAGE_GROUP_H
#define INTEGRA_STAGE_GROUP_H

#include <stdint.h>

struct buf;
struct cfg;
struct journal;

/*
 * The group's status appended to out, *found 0 if there is no such group:
 * {"group","route","event","tenant","created_at","sealed_at",
 * "settled_at","cancelled_at","total","queued","sent","failed",
 * "delivered","dead","cancelled","fallback","progress","targets":{TARGET:
 * {"total",...}},"dead_classes":{CLASS:N}}.  cfg (may be NULL) says which
 * steps are fallbacks.
 */
int	group_status(struct journal *, const struct cfg *, const char *name,
	    struct buf *out, int *found);
/*
 * Settles the group if its time has come, journaling integra.group.settled
 * with its status; *settled says whether it did.
 */
int	group_settle(struct journal *, const struct cfg *, const char *name,
	    int64_t now, int *settled);
/*
 * A round over the groups not settled: each settles if its time has come
 * (a delivery moved to the dead-letter queue by a sweep, or one retried
 * and delivered, ends without a try of dispatch's own), else gets its
 * integra.group.progress if its ended share passed another step.
 * *settled and *told say how many of each.
 */
int	group_round(struct journal *, const struct cfg *, int64_t now,
	    long *settled, long *told);

#endif
