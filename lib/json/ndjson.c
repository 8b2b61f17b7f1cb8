/*
 * ndjson: reads newline-delimited records from a file descriptor, or from
 * memory as if it came from one.
 *
 * The buffer holds [start, end) unread bytes; [start, scan) is known to
 * hold no newline, so each byte is searched once however the reads split
 * the lines.  It starts at 64 KiB and grows up to max_line + 3 bytes: a
 * line of max_line bytes, a "\r", and one more byte, enough to tell that a
 * line is too long before its newline comes; the last byte of the buffer is
 * kept for the NUL after a final line (a reader whose lines are shorter
 * starts at that size).  The fd stays the caller's, and so does the
 * memory of a reader from memory, which is copied in as a read would.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "json/ndjson.h"

#define NDJSON_BUFSIZE	(64 * 1024)

struct ndjson {
	int	 fd;		/* -1: reads from mem */
	const char *mem;
	size_t	 memlen;
	size_t	 mempos;	/* mem[0..mempos) read */
	size_t	 max_line;
	char	*buf;
	size_t	 cap;
	size_t	 start;
	size_t	 scan;
	size_t	 end;
	long	 lineno;
	int	 eof;
	int	 skipping;	/* dropping the rest of a too long line */
};

struct ndjson *
ndjson_open(int fd, size_t max_line)
{
	struct ndjson	*r;

	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->max_line = max_line == 0 ? NDJSON_MAX_LINE : max_line;
	if (r->max_line > SIZE_MAX / 2)
		r->max_line = SIZE_MAX / 2;
	r->cap = NDJSON_BUFSIZE;
	if (r->cap > r->max_line + 3)
		r->cap = r->max_line + 3;
	r->buf = xmalloc(r->cap);
	return r;
}

struct ndjson *
ndjson_open_mem(const char *s, size_t n, size_t max_line)
{
	struct ndjson	*r;

	r = ndjson_open(-1, max_line);
	r->mem = s != NULL ? s : "";
	r->memlen = n;
	return r;
}

void
ndjson_close(struct ndjson *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

long
ndjson_lineno(const struct ndjson *r)
{
	return r->lineno;
}

/*
 * Waits until fd is readable or the deadline (a clock_mono_ms time; -1 for
 * none) passes.  Returns 1 if readable, 0 on timeout, -1 on error.
 */
static int
ndjson_wait(struct ndjson *r, int64_t deadline)
{
	struct pollfd	pfd;
	int64_t		left;
	int		n;

	for (;;) {
		left = -1;
		if (deadline >= 0) {
			left = deadline - clock_mono_ms();
			if (left < 0)
				left = 0;
			if (left > INT_MAX)
				left = INT_MAX;
		}
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
		/* POLLHUP and POLLERR too: read(2) tells EOF or the error. */
		return 1;
	}
}

/*
 * Reads into r->buf[end..cap - 1) from the fd, waiting until the deadline
 * if there is a timeout.  *n gets the bytes read, 0 at EOF.  Returns
 * NDJSON_LINE when *n is set.
 */
static enum ndjson_rc
ndjson_read(struct ndjson *r, int timeout_ms, int64_t deadline, ssize_t *n)
{
	int	w;

	/* Without a timeout, poll only when a non-blocking fd has no data. */
	if (timeout_ms >= 0 && (w = ndjson_wait(r, deadline)) != 1)
		return w == 0 ? NDJSON_TIMEOUT : NDJSON_ERROR;
	for (;;) {
		*n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
		if (*n >= 0)
			return NDJSON_LINE;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return NDJSON_ERROR;
		if ((w = ndjson_wait(r, deadline)) != 1)
			return w == 0 ? NDJSON_TIMEOUT : NDJSON_ERROR;
	}
}

/*
 * Reads more input after the unread bytes.  Returns NDJSON_LINE when
 * something (maybe EOF, which sets r->eof) was read.
 */
static enum ndjson_rc
ndjson_fill(struct ndjson *r, int timeout_ms, int64_t deadline)
{
	enum ndjson_rc	rc;
	ssize_t		n;
	size_t		cap;

	/* Move the partial line down: at most one line per buffer read. */
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	/*
	 * Grow while a long partial line leaves little room, not to read it
	 * in small pieces.  At full size there is still room: a partial line
	 * of max_line + 2 bytes has been found too long before this.
	 */
	if (r->cap - 1 - r->end < r->cap / 4 && r->cap < r->max_line + 3) {
		cap = r->cap * 2;
		if (cap > r->max_line + 3)
			cap = r->max_line + 3;
		r->buf = xrealloc(r->buf, cap);
		r->cap = cap;
	}
	if (r->mem != NULL) {
		n = (ssize_t)(r->memlen - r->mempos);
		if ((size_t)n > r->cap - 1 - r->end)
			n = (ssize_t)(r->cap - 1 - r->end);
		memcpy(r->buf + r->end, r->mem + r->mempos, (size_t)n);
		r->mempos += (size_t)n;
	} else if ((rc = ndjson_read(r, timeout_ms, deadline, &n)) !=
	    NDJSON_LINE)
		return rc;
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return NDJSON_LINE;
}

/*
 * Hands out r->buf[start, start + len) as a line: counts it, drops a final
 * "\r", and NUL-terminates it in place (over its "\r" or newline, or in
 * the spare byte at the end of the buffer).  Returns NDJSON_EOF for an
 * empty line, which is skipped.
 */
static enum ndjson_rc
ndjson_take(struct ndjson *r, size_t len, size_t next, const char **line,
    size_t *lenp)
{
	char	*p;

	p = r->buf + r->start;
	r->start = r->scan = next;
	r->lineno++;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return NDJSON_EOF;
	if (len > r->max_line)
		return NDJSON_TOOLONG;
	p[len] = '\0';
	*line = p;
	*lenp = len;
	return NDJSON_LINE;
}

enum ndjson_rc
ndjson_next(struct ndjson *r, const char **line, size_t *len, int timeout_ms)
{
	enum ndjson_rc	 rc;
	int64_t		 deadline;
	char		*nl;
	size_t		 pos;

	deadline = timeout_ms >= 0 ? clock_mono_ms() + timeout_ms : -1;
	for (;;) {
		if (r->skipping) {
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl != NULL) {
				r->start = r->scan = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
			} else {
				r->start = r->scan = r->end = 0;
				if (r->eof)
					r->skipping = 0;
			}
		}
		if (!r->skipping) {
			nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
			if (nl != NULL) {
				pos = (size_t)(nl - r->buf);
				rc = ndjson_take(r, pos - r->start, pos + 1,
				    line, len);
				if (rc == NDJSON_EOF)
					continue;
				return rc;
			}
			r->scan = r->end;
			if (r->end - r->start > r->max_line + 1) {
				/*
				 * Too long whatever follows: report it now and
				 * drop the rest as it comes in.
				 */
				r->lineno++;
				r->skipping = 1;
				r->start = r->scan = r->end = 0;
				return NDJSON_TOOLONG;
			}
			if (r->eof) {
				if (r->start == r->end)
					return NDJSON_EOF;
				/* A last line without a newline. */
				rc = ndjson_take(r, r->end - r->start, r->end,
				    line, len);
				if (rc == NDJSON_EOF)
					continue;
				return rc;
			}
		}
		if ((rc = ndjson_fill(r, timeout_ms, deadline)) != NDJSON_LINE)
			return rc;
	}
}
