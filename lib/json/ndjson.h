/*
 * ndjson: reads newline-delimited records from a file descriptor, or from
 * a buffer in memory the same way (what a stream's harness reads).
 *
 * A line handed out by ndjson_next stays valid until the next call; the
 * reader owns it.  The trailing "\n" (and a "\r" before it) is not part of
 * the line.  Empty lines are skipped but counted.  A line longer than the
 * limit is skipped whole and reported once as NDJSON_TOOLONG, so one huge
 * record never stops a stream.
 *
 * Ownership: ndjson_open returns a reader that owns its buffer;
 * ndjson_close frees it all but the fd, which stays the caller's to
 * close.  A line points into that buffer: copy it to keep it.
 */
#ifndef INTEGRA_JSON_NDJSON_H
#define INTEGRA_JSON_NDJSON_H

#include <stddef.h>

enum ndjson_rc {
	NDJSON_LINE,		/* *line, *len hold the next record */
	NDJSON_EOF,		/* end of input */
	NDJSON_TIMEOUT,		/* no complete line within timeout_ms */
	NDJSON_TOOLONG,		/* a line over the limit was skipped */
	NDJSON_ERROR		/* read(2) failed; errno says why */
};

#define NDJSON_MAX_LINE	(1024 * 1024)

struct ndjson;

struct ndjson	*ndjson_open(int fd, size_t max_line);
/* A reader of s[0..n), which must outlive it; it never times out. */
struct ndjson	*ndjson_open_mem(const char *s, size_t n, size_t max_line);
/* timeout_ms < 0 waits for ever; 0 returns NDJSON_TIMEOUT at once when
 * no complete line is buffered. */
enum ndjson_rc	 ndjson_next(struct ndjson *, const char **line, size_t *len,
		    int timeout_ms);
/* The number of the line last returned (or skipped), counting from 1. */
long		 ndjson_lineno(const struct ndjson *);
void		 ndjson_close(struct ndjson *);

#endif
