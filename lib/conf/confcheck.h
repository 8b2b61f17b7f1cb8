/*
 * confcheck: everything that can be checked about a configuration without
 * running anything: the YAML and its values (cfg_load), every route's and
 * flow's jq programs, their event types against the catalogue, and every
 * target's secret.  `integra config check` and the receiver share it.
 *
 * Ownership: confcheck only reads the cfg and appends to the caller's err
 * buffer, which the caller releases with buf_release.  What it builds to
 * check (jq programs, schemas, secrets) it frees before returning; secrets
 * are cleared first.
 */
#ifndef INTEGRA_CONF_CONFCHECK_H
#define INTEGRA_CONF_CONFCHECK_H

struct buf;
struct cfg;

/* Returns 0, or -1 with each problem on a line of its own in err. */
int	confcheck(const struct cfg *, struct buf *err);

#endif
