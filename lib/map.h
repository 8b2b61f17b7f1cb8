/*
 * map: the stage that routes each canonical event to its targets and
 * builds one delivery a route: the request (method, URL, headers, body from
 * the route's jq program) that dispatch will send.
 */
#ifndef INTEGRA_MAP_H
#define INTEGRA_MAP_H

#include "buf.h"
#include "stream.h"

struct cfg;
struct map_route;

struct map {
	const struct cfg	*cfg;
	struct map_route	*routes;
	size_t			 nroutes;
	long			 ndeliveries;
};

/*
 * Compiles every route's jq programs.  Returns 0, or -1 with
 * "FILE:LINE: route 'NAME': jq: ..." in err.
 */
int		map_init(struct map *, const struct cfg *, struct buf *err);
void		map_release(struct map *);
/* The halves of integra-map's stage; see stream.h. */
enum stream_rc	map_prepare(void *ctx, struct stream_rec *, const char *line,
		    size_t len, jv v);
enum stream_rc	map_apply(void *ctx, struct stream *, struct stream_rec *);
void		map_work_free(void *work);

#endif
