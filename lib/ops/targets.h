/*
 * ops/targets: the targets as every process sees them, for
 * integra-targets: listed with their state (the config's and the
 * journal's), enabled again, disabled, and a Z-API target's instance
 * asked how it is.
 *
 * Ownership: the struct ops_target fn gets, and what it points to, live
 * during the call only.  Text is appended to the caller's buffers, which
 * the caller releases.
 */
#ifndef INTEGRA_OPS_TARGETS_H
#define INTEGRA_OPS_TARGETS_H

#include <stdint.h>

#include "journal/journal.h"
#include "journal/targets.h"

struct buf;
struct cfg;

/* A target as a listing shows it. */
struct ops_target {
	const char				*name;
	int					 configured;
	const struct journal_target_state	*state;	/* NULL: none kept */
	const char				*circuit;	/* closed, open,
								   half_open */
};
typedef int	(*ops_target_fn)(void *ctx, const struct ops_target *);

/*
 * Calls fn with each target the journal has a state or deliveries of,
 * by name, then with each configured one it has never heard of.
 */
int	ops_targets_list(struct journal *, const struct cfg *, int64_t now,
	    ops_target_fn fn, void *ctx);
/* t as a JSON object, appended to out. */
void	ops_targets_json(struct buf *out, const struct ops_target *t);
/* Enables name again and closes its circuit; *done is 0 if it was
 * neither disabled nor open. */
int	ops_targets_enable(struct journal *, const char *name, int64_t now,
	    int *done);
int	ops_targets_disable(struct journal *, const char *name,
	    const char *reason, int64_t now);

enum ops_zapi_state {
	OPS_ZAPI_CONNECTED,
	OPS_ZAPI_DISCONNECTED,
	OPS_ZAPI_UNREACHABLE,	/* no answer: err says why */
	OPS_ZAPI_NOT_ZAPI,	/* no Z-API target of that name */
	OPS_ZAPI_BAD_CONFIG	/* its secrets cannot be read: err says why */
};
/*
 * A Z-API target's instance as Z-API sees it (GET BASE/status with its
 * Client-Token): the answer appended to answer.
 */
enum ops_zapi_state	ops_targets_zapi_status(const struct cfg *,
			    const char *name, struct buf *answer, char *err,
			    size_t errsz);

#endif
