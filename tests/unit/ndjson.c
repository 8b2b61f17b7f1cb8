/*
 * ndjson: unit tests of lib/json/ndjson: NDJSON records read from a pipe,
 * in chunks, with limits and timeouts.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "json/ndjson.h"

#include "tap.h"

/* Starts a child that writes data[0..n) to a pipe in chunks; gives the
 * read end. */
static pid_t
writer(const char *data, size_t n, size_t chunk, int *rfd)
{
	int	p[2];
	pid_t	pid;
	size_t	off, len;
	ssize_t	w;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(p[0]);
		for (off = 0; off < n; off += (size_t)w) {
			len = n - off < chunk ? n - off : chunk;
			if ((w = write(p[1], data + off, len)) <= 0)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

struct expect {
	enum ndjson_rc	 rc;
	long		 lineno;
	char		 fill;	/* the line is len times fill ... */
	size_t		 len;
	const char	*text;	/* ... or this text */
};

static const char *
rc_name(enum ndjson_rc rc)
{
	static const char *const names[] = { "LINE", "EOF", "TIMEOUT",
	    "TOOLONG", "ERROR" };

	return (size_t)rc < NELEM(names) ? names[rc] : "?";
}

static void
test_ndjson_mixed(size_t chunk)
{
	static const struct expect exp[] = {
		{ NDJSON_LINE, 1, 0, 0, "{\"a\":1}" },
		{ NDJSON_LINE, 3, 0, 0, "b" },
		{ NDJSON_TOOLONG, 4, 0, 0, NULL },
		{ NDJSON_LINE, 5, 'y', 1024, NULL },
		{ NDJSON_TOOLONG, 6, 0, 0, NULL },
		{ NDJSON_LINE, 7, 'w', 1024, NULL },
		{ NDJSON_TOOLONG, 9, 0, 0, NULL },
		{ NDJSON_LINE, 10, 'u', 1023, NULL },
		{ NDJSON_LINE, 11, 0, 0, "last" },
		{ NDJSON_EOF, 11, 0, 0, NULL },
		{ NDJSON_EOF, 11, 0, 0, NULL },
	};
	struct buf	 in = BUF_INIT;
	struct ndjson	*r;
	const char	*line;
	size_t		 i, k, len;
	enum ndjson_rc	 rc;
	pid_t		 pid;
	int		 fd, good;

	buf_adds(&in, "{\"a\":1}\n");			/* 1 */
	buf_adds(&in, "\n");				/* 2: empty */
	buf_adds(&in, "b\r\n");				/* 3: CRLF */
	for (k = 0; k < 3 * 1024 * 1024; k++)		/* 4: 3 MiB */
		buf_addc(&in, 'x');
	buf_addc(&in, '\n');
	for (k = 0; k < 1024; k++)			/* 5: exactly max */
		buf_addc(&in, 'y');
	buf_addc(&in, '\n');
	for (k = 0; k < 1025; k++)			/* 6: one over */
		buf_addc(&in, 'z');
	buf_addc(&in, '\n');
	for (k = 0; k < 1024; k++)			/* 7: max, CRLF */
		buf_addc(&in, 'w');
	buf_adds(&in, "\r\n");
	buf_adds(&in, "\r\n");				/* 8: empty */
	for (k = 0; k < 1025; k++)			/* 9: over, CRLF */
		buf_addc(&in, 'v');
	buf_adds(&in, "\r\n");
	for (k = 0; k < 1023; k++)			/* 10 */
		buf_addc(&in, 'u');
	buf_adds(&in, "\n");
	buf_adds(&in, "last");				/* 11: no \n */

	if ((pid = writer(in.data, in.len, chunk, &fd)) == -1) {
		ok(0, "ndjson: mixed input, writes of %zu: fork", chunk);
		buf_release(&in);
		return;
	}
	r = ndjson_open(fd, 1024);
	good = 1;
	for (i = 0; i < NELEM(exp); i++) {
		line = NULL;
		len = 0;
		rc = ndjson_next(r, &line, &len, -1);
		if (rc != exp[i].rc || ndjson_lineno(r) != exp[i].lineno) {
			diag("step %zu: got %s line %ld, want %s line %ld", i,
			    rc_name(rc), ndjson_lineno(r), rc_name(exp[i].rc),
			    exp[i].lineno);
			good = 0;
			continue;
		}
		if (rc != NDJSON_LINE)
			continue;
		if (exp[i].text != NULL) {
			if (len != strlen(exp[i].text) ||
			    memcmp(line, exp[i].text, len) != 0) {
				diag("step %zu: got \"%s\"", i,
				    show(line, len));
				good = 0;
			}
			continue;
		}
		if (len != exp[i].len) {
			diag("step %zu: got length %zu", i, len);
			good = 0;
			continue;
		}
		for (k = 0; k < len; k++)
			if (line[k] != exp[i].fill)
				break;
		if (k != len) {
			diag("step %zu: bad byte at %zu", i, k);
			good = 0;
		}
	}
	ok(good, "ndjson: pipe, writes of %zu: CRLF, empty lines, 3 MiB line "
	    "skipped, line at max and one over, last line without newline",
	    chunk);
	ndjson_close(r);
	close(fd);
	ok(reap(pid), "ndjson: writer of %zu-byte chunks exited well", chunk);
	buf_release(&in);
}

static void
test_ndjson_many(void)
{
	struct buf	 in = BUF_INIT;
	struct ndjson	*r;
	const char	*line;
	char		 want[64];
	size_t		 len, wlen;
	long		 i, n, got;
	pid_t		 pid;
	int		 fd, good;

	n = 200000;
	for (i = 1; i <= n; i++) {
		buf_addf(&in, "{\"n\":%ld,\"pad\":\"", i);
		buf_add(&in, "....................................",
		    (size_t)(i % 37));
		buf_adds(&in, i == n ? "\"}" : "\"}\n");
	}
	if ((pid = writer(in.data, in.len, 100000, &fd)) == -1) {
		ok(0, "ndjson: many lines: fork");
		buf_release(&in);
		return;
	}
	r = ndjson_open(fd, 0);
	good = 1;
	got = 0;
	while (ndjson_next(r, &line, &len, -1) == NDJSON_LINE) {
		got++;
		snprintf(want, sizeof(want), "{\"n\":%ld,\"pad\":\"", got);
		wlen = strlen(want);
		if (ndjson_lineno(r) != got ||
		    len != wlen + (size_t)(got % 37) + 2 ||
		    memcmp(line, want, wlen) != 0) {
			if (good)
				diag("line %ld: \"%s\"", got, show(line, len));
			good = 0;
		}
	}
	ok(good && got == n, "ndjson: 200000 lines across 64 KiB reads, "
	    "each intact (%ld read)", got);
	ndjson_close(r);
	close(fd);
	reap(pid);
	buf_release(&in);
}

static void
test_ndjson_default_max(void)
{
	struct buf	 in = BUF_INIT;
	struct ndjson	*r;
	const char	*line;
	size_t		 len, k;
	enum ndjson_rc	 rc1, rc2, rc3;
	long		 l1, l2;
	pid_t		 pid;
	int		 fd;

	for (k = 0; k < NDJSON_MAX_LINE; k++)
		buf_addc(&in, 'm');
	buf_addc(&in, '\n');
	for (k = 0; k < NDJSON_MAX_LINE + 1; k++)
		buf_addc(&in, 'o');
	buf_adds(&in, "\nok\n");
	if ((pid = writer(in.data, in.len, 65536, &fd)) == -1) {
		ok(0, "ndjson: default limit: fork");
		buf_release(&in);
		return;
	}
	r = ndjson_open(fd, 0);
	rc1 = ndjson_next(r, &line, &len, -1);
	ok(rc1 == NDJSON_LINE && len == NDJSON_MAX_LINE && line[0] == 'm' &&
	    line[len - 1] == 'm', "ndjson: max_line 0: a line of "
	    "NDJSON_MAX_LINE bytes is read");
	rc2 = ndjson_next(r, &line, &len, -1);
	l1 = ndjson_lineno(r);
	ok(rc2 == NDJSON_TOOLONG && l1 == 2, "ndjson: max_line 0: "
	    "NDJSON_MAX_LINE + 1 bytes is too long (line %ld)", l1);
	rc3 = ndjson_next(r, &line, &len, -1);
	l2 = ndjson_lineno(r);
	ok(rc3 == NDJSON_LINE && len == 2 && memcmp(line, "ok", 2) == 0 &&
	    l2 == 3, "ndjson: the next line is read after the skip");
	ok(ndjson_next(r, &line, &len, -1) == NDJSON_EOF, "ndjson: then EOF");
	ndjson_close(r);
	close(fd);
	reap(pid);
	buf_release(&in);
}

static int
put(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s);
}

static void
test_ndjson_timeout(void)
{
	struct ndjson	*r;
	const char	*line;
	size_t		 len;
	enum ndjson_rc	 rc;
	int64_t		 t0, dt;
	int		 p[2];

	if (pipe(p) == -1) {
		ok(0, "ndjson: timeouts: pipe");
		return;
	}
	r = ndjson_open(p[0], 0);
	ok(ndjson_next(r, &line, &len, 0) == NDJSON_TIMEOUT,
	    "ndjson: timeout 0 on an empty pipe");
	ok(put(p[1], "{\"partial\":"), "ndjson: write a partial line");
	ok(ndjson_next(r, &line, &len, 0) == NDJSON_TIMEOUT,
	    "ndjson: timeout 0 with a partial line");
	t0 = clock_mono_ms();
	rc = ndjson_next(r, &line, &len, 100);
	dt = clock_mono_ms() - t0;
	ok(rc == NDJSON_TIMEOUT && dt >= 90 && dt < 2000,
	    "ndjson: timeout 100 waits about 100 ms (%lld)", (long long)dt);
	ok(put(p[1], "1}\n{\"b\""), "ndjson: write the rest and a partial");
	rc = ndjson_next(r, &line, &len, 0);
	ok(rc == NDJSON_LINE && len == 13 &&
	    memcmp(line, "{\"partial\":1}", 13) == 0 && ndjson_lineno(r) == 1,
	    "ndjson: timeout 0 gives a line already in the pipe");
	ok(ndjson_next(r, &line, &len, 0) == NDJSON_TIMEOUT,
	    "ndjson: the new partial line is not handed out");
	close(p[1]);
	rc = ndjson_next(r, &line, &len, 1000);
	ok(rc == NDJSON_LINE && len == 4 && memcmp(line, "{\"b\"", 4) == 0 &&
	    ndjson_lineno(r) == 2, "ndjson: the partial line at EOF");
	ok(ndjson_next(r, &line, &len, 0) == NDJSON_EOF, "ndjson: EOF");
	ndjson_close(r);
	close(p[0]);
}

static void
test_ndjson_misc(void)
{
	struct ndjson	*r;
	const char	*line;
	size_t		 len;
	enum ndjson_rc	 rc;
	int		 p[2], fd;

	if (pipe(p) == -1) {
		ok(0, "ndjson: misc: pipe");
		return;
	}
	close(p[1]);
	r = ndjson_open(p[0], 0);
	ok(ndjson_next(r, &line, &len, -1) == NDJSON_EOF &&
	    ndjson_lineno(r) == 0, "ndjson: empty input is EOF at line 0");
	ndjson_close(r);
	close(p[0]);

	if (pipe(p) == -1)
		return;
	put(p[1], "\n\r\n\n");
	close(p[1]);
	r = ndjson_open(p[0], 0);
	ok(ndjson_next(r, &line, &len, -1) == NDJSON_EOF &&
	    ndjson_lineno(r) == 3, "ndjson: only empty lines: EOF, 3 counted");
	ndjson_close(r);
	close(p[0]);

	if (pipe(p) == -1)
		return;
	put(p[1], "0123456789abc");
	close(p[1]);
	r = ndjson_open(p[0], 10);
	rc = ndjson_next(r, &line, &len, -1);
	ok(rc == NDJSON_TOOLONG && ndjson_lineno(r) == 1 &&
	    ndjson_next(r, &line, &len, -1) == NDJSON_EOF,
	    "ndjson: a too long last line without newline");
	ndjson_close(r);
	close(p[0]);

	/* A descriptor that is not open. */
	fd = open("/dev/null", O_RDONLY);
	close(fd);
	r = ndjson_open(fd, 0);
	errno = 0;
	rc = ndjson_next(r, &line, &len, -1);
	ok(rc == NDJSON_ERROR && errno == EBADF,
	    "ndjson: read error is NDJSON_ERROR, errno EBADF");
	errno = 0;
	rc = ndjson_next(r, &line, &len, 10);
	ok(rc == NDJSON_ERROR && errno == EBADF,
	    "ndjson: poll error is NDJSON_ERROR, errno EBADF");
	ndjson_close(r);
}

int
main(void)
{
	/* A child writer that finds the reader gone must not kill us. */
	signal(SIGPIPE, SIG_IGN);

	test_ndjson_mixed(509);
	test_ndjson_mixed(4093);
	test_ndjson_mixed(65536 * 3);
	test_ndjson_many();
	test_ndjson_default_max();
	test_ndjson_timeout();
	test_ndjson_misc();
	return tap_done();
}
