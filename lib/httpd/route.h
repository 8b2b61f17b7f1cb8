/*
 * httpd/route: the receiver's HTTP API in one table.  A route is a method,
 * a path, the scope an API key must grant (or none), what the request
 * brings (nothing, a body for the handler, or events for ingest) and its
 * handler.  Every handler has one signature: it gets the call, with the
 * path's segments, the key, the server thread's journal connection and,
 * for a body route, the body.
 *
 * A path is its segments; "{id}" stands for a record's id (ID_LEN
 * characters), "{name}" for any segment of 1 to HTTPD_ARG_MAX characters.
 * A route for GET takes HEAD too.  The webhooks of the configured sources
 * are not here: their paths are the config's (receiver.c looks them up
 * when no route's path matches).
 *
 * Ownership: the table is static.  httpd_route_find copies the path's
 * segments into the caller's call; the call's other members point to what
 * the receiver owns for the request's life (connection, method, journal,
 * config, body).
 */
#ifndef INTEGRA_HTTPD_ROUTE_H
#define INTEGRA_HTTPD_ROUTE_H

#include <stddef.h>

#include <microhttpd.h>

#include "journal/keys.h"

#define HTTPD_ROUTE_ARGS	2	/* the {} segments of a path, at most */
#define HTTPD_ARG_MAX		128	/* a {name} segment's length, at most */

struct cfg;

/* One request to a route, as its handler sees it. */
struct httpd_call {
	struct MHD_Connection	*conn;
	const char		*method;
	struct journal		*reader;	/* the server thread's */
	const struct cfg	*cfg;
	int			 journal_ok;	/* the journal thread commits */
	struct journal_key	 key;		/* the key the scope took */
	char			 arg[HTTPD_ROUTE_ARGS][HTTPD_ARG_MAX + 1];
	const char		*body;		/* HTTPD_BODY: once read */
	size_t			 body_len;
};

typedef enum MHD_Result	(*httpd_handler)(const struct httpd_call *);

enum httpd_takes {
	HTTPD_NOTHING,		/* answered at once */
	HTTPD_BODY,		/* answered once its body is read */
	HTTPD_EVENTS		/* its body is events, for ingest to journal */
};

struct httpd_route {
	const char		*method;	/* GET (and HEAD), POST, DELETE */
	const char		*path;
	const char		*scope;		/* the key's; NULL: no key */
	enum httpd_takes	 takes;
	httpd_handler		 handler;	/* NULL for HTTPD_EVENTS */
};

/*
 * Sets a listing's filter from the request's query arguments, each with
 * set (ops_events_filter_set, ops_dlq_filter_set): 0, or -1 with the
 * reason in err.  The values set gets live as long as the request.
 */
typedef int	(*httpd_route_filter_fn)(void *filter, const char *name,
		    const char *value, char *err, size_t errsz);
int		httpd_route_query(const struct httpd_call *,
		    httpd_route_filter_fn set, void *filter, char *err,
		    size_t errsz);

/*
 * The route method and url ask for, its {} segments in call->arg: the
 * route; or NULL with *status 404 (no route has the path) or 405 (some
 * do, not for this method: allow gets the methods they take, for the
 * Allow header).
 */
const struct httpd_route	*httpd_route_find(const char *method,
				    const char *url, struct httpd_call *call,
				    unsigned int *status, char *allow,
				    size_t allowsz);

/* The table's rows, one at a time (NULL past the last): for its tests. */
size_t				 httpd_route_count(void);
const struct httpd_route	*httpd_route_at(size_t i);

#endif
