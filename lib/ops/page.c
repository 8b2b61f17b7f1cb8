/*
 * ops/page: pages of JSON rows, and their filters' times and sizes.  See
 * ops/page.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

int
ops_page_time(const char *s, int64_t *ms)
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

int
ops_page_limit(const char *s, int max, int *n)
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
