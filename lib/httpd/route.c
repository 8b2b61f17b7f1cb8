/*
 * httpd/route: the receiver's routes and how a request finds one.  See
 * httpd/route.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/ids.h"
#include "httpd/cadences.h"
#include "httpd/campaigns.h"
#include "httpd/coverage.h"
#include "httpd/dlq.h"
#include "httpd/flows.h"
#include "httpd/events.h"
#include "httpd/mappings.h"
#include "httpd/openapi.h"
#include "httpd/route.h"
#include "httpd/status.h"
#include "httpd/syncs.h"

/* Each resource's file says what its routes answer. */
static const struct httpd_route routes[] = {
	{ "GET", "/health", NULL, HTTPD_NOTHING, httpd_status_health },
	{ "GET", "/health/detailed", "events:read", HTTPD_NOTHING,
	    httpd_status_detailed },
	{ "GET", "/status", "events:read", HTTPD_NOTHING,
	    httpd_status_counts },
	{ "GET", "/metrics", "events:read", HTTPD_NOTHING,
	    httpd_status_metrics },
	{ "GET", "/dashboard", "events:read", HTTPD_NOTHING,
	    httpd_status_dashboard },
	{ "GET", "/api/openapi.json", NULL, HTTPD_NOTHING,
	    httpd_openapi_document },

	{ "GET", "/api/events", "events:read", HTTPD_NOTHING,
	    httpd_events_list },
	{ "POST", "/api/events", "events:write", HTTPD_EVENTS, NULL },
	{ "GET", "/api/events/{id}", "events:read", HTTPD_NOTHING,
	    httpd_events_show },
	{ "POST", "/api/events/{id}/retry", "events:write", HTTPD_NOTHING,
	    httpd_events_retry },

	{ "GET", "/api/dlq", "admin", HTTPD_NOTHING, httpd_dlq_list },
	{ "GET", "/api/dlq/stats", "admin", HTTPD_NOTHING, httpd_dlq_stats },
	{ "GET", "/api/dlq/{id}", "admin", HTTPD_NOTHING, httpd_dlq_show },
	{ "DELETE", "/api/dlq/{id}", "admin", HTTPD_NOTHING,
	    httpd_dlq_delete },
	{ "POST", "/api/dlq/{id}/retry", "admin", HTTPD_NOTHING,
	    httpd_dlq_retry },
	{ "POST", "/api/dlq/{id}/archive", "admin", HTTPD_NOTHING,
	    httpd_dlq_archive },

	{ "GET", "/api/mappings", "admin", HTTPD_NOTHING,
	    httpd_mappings_list },
	{ "POST", "/api/mappings", "admin", HTTPD_BODY, httpd_mappings_add },
	{ "POST", "/api/mappings/test", "admin", HTTPD_BODY,
	    httpd_mappings_test },
	{ "GET", "/api/mappings/{name}/{name}", "admin", HTTPD_NOTHING,
	    httpd_mappings_show },
	{ "GET", "/api/mappings/{name}/{name}/versions", "admin",
	    HTTPD_NOTHING, httpd_mappings_versions },

	{ "GET", "/api/sync/jobs", "events:read", HTTPD_NOTHING,
	    httpd_syncs_jobs },
	{ "GET", "/api/sync/jobs/{name}", "events:read", HTTPD_NOTHING,
	    httpd_syncs_job },
	{ "GET", "/api/sync/stats", "events:read", HTTPD_NOTHING,
	    httpd_syncs_stats },
	{ "POST", "/api/sync/start", "admin", HTTPD_BODY, httpd_syncs_start },

	{ "GET", "/api/cadences", "events:read", HTTPD_NOTHING,
	    httpd_cadences_list },
	{ "GET", "/api/cadences/history/{name}", "events:read",
	    HTTPD_NOTHING, httpd_cadences_history },
	{ "GET", "/api/cadences/{name}", "events:read", HTTPD_NOTHING,
	    httpd_cadences_show },
	{ "POST", "/api/cadences/{name}/send", "events:write", HTTPD_BODY,
	    httpd_cadences_send },

	{ "POST", "/api/coverage", "admin", HTTPD_BODY, httpd_coverage_add },
	{ "GET", "/api/coverage", "events:read", HTTPD_NOTHING,
	    httpd_coverage_list },
	{ "GET", "/api/coverage/{name}", "events:read", HTTPD_NOTHING,
	    httpd_coverage_show },
	{ "DELETE", "/api/coverage/{name}", "admin", HTTPD_NOTHING,
	    httpd_coverage_remove },

	{ "POST", "/api/campaigns/dispatch", "events:write", HTTPD_BODY,
	    httpd_campaigns_dispatch },
	{ "GET", "/api/campaigns", "events:read", HTTPD_NOTHING,
	    httpd_campaigns_list },
	{ "GET", "/api/campaigns/{name}", "events:read", HTTPD_NOTHING,
	    httpd_campaigns_show },
	{ "GET", "/api/campaigns/{name}/status", "events:read",
	    HTTPD_NOTHING, httpd_campaigns_status },
	{ "POST", "/api/campaigns/{name}/cancel", "events:write",
	    HTTPD_NOTHING, httpd_campaigns_cancel },
	{ "POST", "/api/campaigns/{name}/retry-failed", "events:write",
	    HTTPD_NOTHING, httpd_campaigns_retry },
	{ "GET", "/api/flows", "events:read", HTTPD_NOTHING,
	    httpd_flows_list },
	{ "POST", "/api/flows", "events:write", HTTPD_BODY,
	    httpd_flows_start },
	{ "GET", "/api/flows/stats", "events:read", HTTPD_NOTHING,
	    httpd_flows_stats },
	{ "GET", "/api/flows/dashboard", "events:read", HTTPD_NOTHING,
	    httpd_flows_dashboard },
	{ "GET", "/api/flows/unmatched", "events:read", HTTPD_NOTHING,
	    httpd_flows_unmatched },
	{ "POST", "/api/flows/process-pending", "events:write", HTTPD_NOTHING,
	    httpd_flows_process_pending },
	{ "GET", "/api/flows/{name}", "events:read", HTTPD_NOTHING,
	    httpd_flows_show },
	{ "PATCH", "/api/flows/{name}", "events:write", HTTPD_BODY,
	    httpd_flows_set },
	{ "POST", "/api/flows/{name}/process", "events:write", HTTPD_NOTHING,
	    httpd_flows_process },
	{ "POST", "/api/flows/{name}/pause", "events:write", HTTPD_NOTHING,
	    httpd_flows_pause },
	{ "POST", "/api/flows/{name}/resume", "events:write", HTTPD_NOTHING,
	    httpd_flows_resume },
	{ "POST", "/api/flows/{name}/cancel", "events:write", HTTPD_NOTHING,
	    httpd_flows_cancel },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

struct query {
	httpd_route_filter_fn	 set;
	void			*filter;
	char			*err;
	size_t			 errsz;
	int			 bad;
};

static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query *q = cls;

	(void)kind;
	if (!q->bad && q->set(q->filter, key, value != NULL ? value : "",
	    q->err, q->errsz) != 0)
		q->bad = 1;
	return MHD_YES;
}

int
httpd_route_query(const struct httpd_call *call, httpd_route_filter_fn set,
    void *filter, char *err, size_t errsz)
{
	struct query q = { .set = set, .filter = filter, .err = err,
	    .errsz = errsz };

	MHD_get_connection_values(call->conn, MHD_GET_ARGUMENT_KIND,
	    query_arg, &q);
	return q.bad ? -1 : 0;
}

/*
 * Whether url is path's, its {} segments copied to arg (which it may
 * change even when not).
 */
static int
path_is(const char *path, const char *url,
    char arg[HTTPD_ROUTE_ARGS][HTTPD_ARG_MAX + 1])
{
	const char *p = path, *u = url, *pend, *uend;
	size_t plen, ulen, nargs = 0;

	while (*p == '/' && *u == '/') {
		p++;
		u++;
		pend = p + strcspn(p, "/");
		uend = u + strcspn(u, "/");
		plen = (size_t)(pend - p);
		ulen = (size_t)(uend - u);
		if (*p == '{') {
			if (ulen == 0 || ulen > HTTPD_ARG_MAX ||
			    nargs == HTTPD_ROUTE_ARGS || (strncmp(p, "{id}",
			    plen) == 0 && ulen != ID_LEN))
				return 0;
			memcpy(arg[nargs], u, ulen);
			arg[nargs++][ulen] = '\0';
		} else if (plen != ulen || memcmp(p, u, plen) != 0)
			return 0;
		p = pend;
		u = uend;
	}
	return *p == '\0' && *u == '\0';
}

/* Adds "GET, HEAD", "POST" or "DELETE" to allow, unless it is there. */
static void
allow_add(char *allow, size_t allowsz, const char *method)
{
	const char *m = strcmp(method, "GET") == 0 ? "GET, HEAD" : method;
	size_t n = strlen(allow);

	if (strstr(allow, m) != NULL)
		return;
	snprintf(allow + n, allowsz - n, "%s%s", n > 0 ? ", " : "", m);
}

const struct httpd_route *
httpd_route_find(const char *method, const char *url, struct httpd_call *call,
    unsigned int *status, char *allow, size_t allowsz)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	size_t i;

	allow[0] = '\0';
	for (i = 0; i < NROUTES; i++) {
		if (!path_is(routes[i].path, url, call->arg))
			continue;
		if (strcmp(routes[i].method, m) == 0)
			return &routes[i];
		allow_add(allow, allowsz, routes[i].method);
	}
	*status = allow[0] != '\0' ? MHD_HTTP_METHOD_NOT_ALLOWED :
	    MHD_HTTP_NOT_FOUND;
	return NULL;
}

size_t
httpd_route_count(void)
{
	return NROUTES;
}

const struct httpd_route *
httpd_route_at(size_t i)
{
	return i < NROUTES ? &routes[i] : NULL;
}
