/*
 * ops/page: what the API's JSON listings share (ops/events, ops/dlq): a page
 * {"MEMBER":[row,...],"next":ID|null}, where next is the cursor for the
 * page after when this one is full, and the way their filters read a
 * time and a page size.
 *
 * Ownership: a struct ops_page points to the caller's out buffer, which
 * must outlive it, and only appends to it; the page itself holds nothing
 * to free.  The other functions only read what they are given.
 */
#ifndef INTEGRA_OPS_PAGE_H
#define INTEGRA_OPS_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/ids.h"

struct buf;

struct ops_page {
	struct buf	*out;
	int		 n;
	char		 last[ID_LEN + 1];
};

/* Starts a page of member in out. */
void	ops_page_open(struct ops_page *, struct buf *out, const char *member);
/* A journal_row_fn: appends one row's JSON to the page. */
int	ops_page_row(void *ctx, const char *id, const char *json, size_t len);
/* Ends the page; limit is the page size asked for (0: no limit). */
void	ops_page_close(struct ops_page *, int limit);
/*
 * The filters every listing has, by name: since, until (if until is not
 * NULL) and limit (from 1 to max).  0 with the value set; or -1 with the
 * reason in err, for a value that is not one or a name that is none of
 * them.
 */
int	ops_page_filter(const char *name, const char *value, int64_t *since,
	    int64_t *until, int *limit, int max, char *err, size_t errsz);

#endif
