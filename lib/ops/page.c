/*
 * ops/page: pages of JSON rows, and their filters' times and sizes.  See
 * ops/page.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/page.h"
#include "base/buf.h"
#include "base/clock.h"

void
ops_page_open(struct ops_page *p, struct buf *out, const char *member)
{
	p->out = out;
	p->n = 0;
	p->last[0] = '\0';
	buf_addf(out, "{\"%s\":[", member);
}

int
ops_page_row(void *ctx, const char *id, const char *json, size_t len)
{
	struct ops_page *p = ctx;

	if (p->n++ > 0)
		buf_addc(p->out, ',');
	buf_add(p->out, json, len);
	snprintf(p->last, sizeof(p->last), "%s", id);
	return 0;
}

void
ops_page_close(struct ops_page *p, int limit)
{
	buf_adds(p->out, "],\"next\":");
	if (limit > 0 && p->n == limit)
		buf_addf(p->out, "\"%s\"}", p->last);
	else
		buf_adds(p->out, "null}");
}

/* An RFC 3339 time or ms since the epoch: 0 and *ms set, or -1. */
static int
time_of(const char *s, int64_t *ms)
{
	char *end;
	long long v;

	if (clock_parse_rfc3339(s, ms) == 0)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v <= 0)
		return -1;
	*ms = v;
	return 0;
}

/* A page size from 1 to max: 0 and *n set, or -1. */
static int
limit_of(const char *s, int max, int *n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > max)
		return -1;
	*n = (int)v;
	return 0;
}

int
ops_page_filter(const char *name, const char *value, int64_t *since,
    int64_t *until, int *limit, int max, char *err, size_t errsz)
{
	int is_since = strcmp(name, "since") == 0;

	if (is_since || (until != NULL && strcmp(name, "until") == 0)) {
		if (time_of(value, is_since ? since : until) != 0) {
			snprintf(err, errsz, "%s is an RFC 3339 time or ms"
			    " since the epoch", name);
			return -1;
		}
	} else if (strcmp(name, "limit") == 0) {
		if (limit_of(value, max, limit) != 0) {
			snprintf(err, errsz, "limit is from 1 to %d", max);
			return -1;
		}
	} else {
		snprintf(err, errsz, "unknown filter '%.40s'", name);
		return -1;
	}
	return 0;
}
