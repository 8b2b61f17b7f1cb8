/*
 * ops/idlist: ids given or read.  See ops/idlist.h.
 */
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/ids.h"
#include "base/log.h"
#include "json/ndjson.h"
#include "ops/idlist.h"
#include "stage/stream.h"

void
ops_idlist_add(struct ops_idlist *l, const char *id)
{
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 64) *
		    sizeof(*l->v));
	l->v[l->n++] = xstrdup(id);
}

void
ops_idlist_release(struct ops_idlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct ops_idlist)OPS_IDLIST_INIT;
}

int
ops_idlist_row(void *ctx, const char *id, const char *json, size_t len)
{
	(void)json;
	(void)len;
	ops_idlist_add(ctx, id);
	return 0;
}

int
ops_idlist_read(struct ops_idlist *l, int fd)
{
	struct ndjson *in = ndjson_open(fd, NDJSON_MAX_LINE);
	struct buf reason = BUF_INIT;
	const char *line;
	size_t len;
	int rc = EX_OK, r;
	jv v, id;

	while ((r = ndjson_next(in, &line, &len, -1)) != NDJSON_EOF) {
		if (r == NDJSON_ERROR) {
			log_error(NULL, "read: standard input failed");
			rc = EX_IOERR;
			break;
		}
		if (r == NDJSON_TOOLONG) {
			log_error(NULL, "line %ld: longer than the limit",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
			continue;
		}
		if (len > 0 && line[0] != '{') {
			char text[ID_LEN + 1];

			if (len == ID_LEN) {
				memcpy(text, line, ID_LEN);
				text[ID_LEN] = '\0';
				if (id_valid(text)) {
					ops_idlist_add(l, text);
					continue;
				}
			}
			log_error(NULL, "line %ld: not an id",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
			continue;
		}
		buf_reset(&reason);
		if (stream_parse(line, len, &v, &reason) != 0) {
			log_error(NULL, "line %ld: %s", ndjson_lineno(in),
			    reason.data);
			rc = EX_DATAERR;
			continue;
		}
		id = jv_object_get(v, jv_string("id"));
		if (jv_get_kind(id) == JV_KIND_STRING &&
		    id_valid(jv_string_value(id)))
			ops_idlist_add(l, jv_string_value(id));
		else {
			log_error(NULL, "line %ld: no valid \"id\"",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
		}
		jv_free(id);
	}
	ndjson_close(in);
	buf_release(&reason);
	return rc;
}
