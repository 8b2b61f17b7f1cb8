/*
 * linkreq: a signed link's GET as a webhook's body.  See linkreq.h.
 */
#include <sys/socket.h>

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "conf/config.h"
#include "json/jsonscan.h"
#include "rules/link.h"
#include "httpd/linkreq.h"

#define MEMBERS_MAX	32

struct query {
	struct link_member	 m[MEMBERS_MAX];
	size_t			 n;
	int			 overflow;
	int			 twice;		/* a member came twice */
	const char		*sig;
	int			 sigs;		/* how many there were */
};

static enum MHD_Result
collect(void *ctx, enum MHD_ValueKind kind, const char *name,
    const char *value)
{
	struct query *q = ctx;
	size_t i;

	(void)kind;
	if (value == NULL)
		value = "";
	for (i = 0; i < q->n; i++)
		if (strcmp(q->m[i].name, name) == 0)
			q->twice = 1;
	if (strcmp(name, LINK_SIG) == 0) {
		q->sig = value;
		q->sigs++;
	} else if (q->n == MEMBERS_MAX)
		q->overflow = 1;
	else
		q->m[q->n++] = (struct link_member){ name, value };
	return MHD_YES;
}

static int
named(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* 1 if s is a number as JSON writes one. */
static int
number(const char *s)
{
	return strspn(s, "-0123456789.eE+") == strlen(s) &&
	    json_validate(s, strlen(s), NULL, NULL) == JSON_NUMBER;
}

unsigned int
linkreq_body(struct MHD_Connection *conn, const char *path,
    const struct cfg_links *links, const char *secret, struct buf *body,
    const char **why)
{
	struct link_member signed_part[MEMBERS_MAX];
	struct query q = { .n = 0 };
	size_t i, ns = 0;

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect, &q);
	if (q.overflow || q.twice) {
		*why = q.twice ? "a member of the link comes twice" :
		    "the link has too many members";
		return MHD_HTTP_BAD_REQUEST;
	}
	for (i = 0; i < q.n; i++)
		if (!named(links->choices, links->nchoices, q.m[i].name))
			signed_part[ns++] = q.m[i];
	if (q.sigs != 1 || !link_check(secret, strlen(secret), path,
	    signed_part, ns, q.sig)) {
		*why = "the link is not one integra signed";
		return MHD_HTTP_UNAUTHORIZED;
	}
	buf_addc(body, '{');
	for (i = 0; i < q.n; i++) {
		if (i > 0)
			buf_addc(body, ',');
		buf_add_json_string(body, q.m[i].name, strlen(q.m[i].name));
		buf_addc(body, ':');
		if (!named(links->numbers, links->nnumbers, q.m[i].name))
			buf_add_json_string(body, q.m[i].value,
			    strlen(q.m[i].value));
		else if (number(q.m[i].value))
			buf_adds(body, q.m[i].value);
		else {
			*why = "a member that is a number is not one";
			return MHD_HTTP_BAD_REQUEST;
		}
	}
	buf_addc(body, '}');
	return 0;
}
