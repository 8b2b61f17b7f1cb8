/*
 * sections: the sections of integra.yaml that are read in files of their
 * own beside config.c, which calls them: each section's loader (the
 * section's node, into cfg), what it checks once the whole file is read
 * (names of other sections; 0, or -1 with "FILE:LINE: reason" in err),
 * and its free.
 *
 * Ownership: what a loader reads belongs to cfg and is freed by the
 * section's _free, which cfg_free calls.
 */
#ifndef INTEGRA_CONF_SECTIONS_H
#define INTEGRA_CONF_SECTIONS_H

#include <stddef.h>

#include <yaml.h>

struct cfg;
struct loader;

/*
 * routes: (config.c) rn read as a route appended to cfg->routes, of kind
 * "route"; or, name and on given, of another kind (a cadence's channel,
 * whose node has neither).
 */
int	cfg_route_add(struct loader *, struct cfg *, const yaml_node_t *rn,
	    const char *kind, const char *name, const char *on);

/* syncs: (syncs.c) */
int	cfg_syncs_load(struct loader *, const yaml_node_t *, struct cfg *);
int	cfg_syncs_resolve(struct cfg *, const char *path, char *err,
	    size_t errsz);
void	cfg_syncs_free(struct cfg *);

/* coverage: (coverage.c) */
int	cfg_coverage_load(struct loader *, const yaml_node_t *, struct cfg *);
int	cfg_coverage_resolve(struct cfg *, const char *path, char *err,
	    size_t errsz);
void	cfg_coverage_free(struct cfg *);

/* cadences: (cadences.c) */
int	cfg_cadences_load(struct loader *, const yaml_node_t *, struct cfg *);
int	cfg_cadences_resolve(struct cfg *, const char *path, char *err,
	    size_t errsz);
void	cfg_cadences_free(struct cfg *);
int	cfg_collections_load(struct loader *, const yaml_node_t *,
	    struct cfg *);

/* encryption: (encryption.c) */
int	cfg_encryption_load(struct loader *, const yaml_node_t *,
	    struct cfg *);
void	cfg_encryption_free(struct cfg *);

#endif
