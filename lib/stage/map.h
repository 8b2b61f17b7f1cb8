/*
 * map: the stage that routes each canonical event to its targets and
 * builds one delivery a route: the request (method, URL, headers, body from
 * the route's jq program) that dispatch will send.
 *
 * An event that starts a flow's instance, or that an instance awaits or
 * is cancelled by, is the flows' too (flow/arrive.h).
 *
 * Ownership: a struct map owns its compiled routes and flows and borrows
 * cfg, which must outlive it; map_release frees them (a failed map_init
 * has already).  m->store and m->cadences are the caller's to open and
 * close.  map_test and map_prepare
 * consume v; map_route points into the map; map_work_free frees the work.
 */
#ifndef INTEGRA_STAGE_MAP_H
#define INTEGRA_STAGE_MAP_H

#include "base/buf.h"
#include "stage/stream.h"

struct cadence_check;
struct cfg;
struct cfg_route;
struct flow_defs;
struct jqprog;
struct map_fanout;
struct map_step;
struct mapstore;

/*
 * A route's steps and own programs, compiled (mapstep.h) the first time
 * the route is wanted: ready 1, or -1 with why it does not compile.
 */
struct map_route {
	const struct cfg_route	*cfg;
	int			 ready;		/* 0: not yet */
	char			*broken;	/* why, if it does not compile */
	struct map_step		*steps;
	struct jqprog		*group;		/* NULL: the event's group */
	struct jqprog		*each;		/* NULL: no fan-out */
	struct jqprog		*key;		/* NULL: an item's place */
};

struct map {
	const struct cfg	*cfg;
	struct flow_defs	*flows;		/* NULL: the config has none */
	struct map_route	*routes;
	size_t			 nroutes;
	struct mapstore		*store;		/* the versioned mappings, or
						   NULL: routes' bodies only */
	struct cadence_check	*cadences;	/* a cadence's steps checked
						   again; NULL: not */
	long			 ndeliveries;
	struct map_fanout	*fanout;	/* under way, prepare's side */
	int			 skipping;	/* apply's side: the fan-out's
						   event is not to be mapped */
};

/*
 * Makes the map of cfg's routes, and compiles every flow's programs; a
 * route's are compiled when it is first wanted (an event of its type, a
 * step after its first), and one that does not compile then fails what
 * wanted it.  Returns 0, or -1 with "FILE:LINE: flow 'NAME': jq: ..."
 * in err.
 */
int		map_init(struct map *, const struct cfg *, struct buf *err);
/*
 * Compiles every route's programs now (integra config check): 0, or -1
 * with "FILE:LINE: route 'NAME': jq: ..." in err for the first that
 * does not compile.
 */
int		map_compile(struct map *, struct buf *err);
void		map_release(struct map *);
/*
 * What mapping the canonical event v (consumed) would make for system:
 * for each route to system that takes it, a line
 * {"route","method","url","headers","body","mapping_version"} appended
 * to out.  Nothing is journaled or sent.  Returns how many routes took
 * it, or -1 with the reason in err.
 */
int		map_test(struct map *, jv v, const char *system,
		    struct buf *out, struct buf *err);
/*
 * The route called name, its programs compiled; or NULL: err is empty if
 * there is no such route, else says why it does not compile.
 */
struct map_route *map_route(struct map *, const char *name, struct buf *err);
/* The halves of integra-map's stage; see stream.h. */
enum stream_rc	map_prepare(void *ctx, struct stream_rec *, const char *line,
		    size_t len, jv v);
enum stream_rc	map_more(void *ctx, struct stream_rec *);
enum stream_rc	map_apply(void *ctx, struct stream *, struct stream_rec *);
void		map_work_free(void *work);

#endif
