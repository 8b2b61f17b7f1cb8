/*
 * ops/idlist: a list of record ids an admin action applies to, as given on
 * the command line or read from a stream: a bare id a line, or a JSON
 * object with an "id" (an export's lines, a listing's, an outcome's).
 *
 * Ownership: a struct ops_idlist owns copies of its ids;
 * ops_idlist_release frees them and leaves it empty.
 */
#ifndef INTEGRA_OPS_IDLIST_H
#define INTEGRA_OPS_IDLIST_H

#include <stddef.h>

struct ops_idlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

#define OPS_IDLIST_INIT	{ NULL, 0, 0 }

void	ops_idlist_add(struct ops_idlist *, const char *id);
void	ops_idlist_release(struct ops_idlist *);
/* A journal_row_fn adding each row's id to the list ctx. */
int	ops_idlist_row(void *ctx, const char *id, const char *json,
	    size_t len);
/*
 * Adds the ids of the lines read from fd until its end.  A line that is
 * no id and has none is logged with its number and skipped.  Returns
 * EX_OK, EX_DATAERR if a line was skipped, or EX_IOERR if fd failed.
 */
int	ops_idlist_read(struct ops_idlist *, int fd);

#endif
