/*
 * unit: tests of the lib/ modules.  Prints TAP; exits 0 iff all pass.
 *
 * The results are gathered and printed at the end so the plan ("1..N")
 * comes first.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include <jv.h>

#include "base/buf.h"
#include "transport/circuit.h"
#include "base/clock.h"
#include "conf/config.h"
#include "rules/contact.h"
#include "transport/http.h"
#include "base/ids.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "journal/keyindex.h"
#include "base/log.h"
#include "transport/mail.h"
#include "json/ndjson.h"
#include "transport/redact.h"
#include "rules/link.h"
#include "transport/retrypolicy.h"
#include "rules/template.h"
#include "transport/webhookauth.h"
#include "base/utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct buf	tap = BUF_INIT;
static int		ntests;
static int		nfailed;

static void
ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	ntests++;
	if (!cond)
		nfailed++;
	buf_addf(&tap, "%sok %d - ", cond ? "" : "not ", ntests);
	va_start(ap, fmt);
	buf_vaddf(&tap, fmt, ap);
	va_end(ap);
	buf_addc(&tap, '\n');
}

static void
diag(const char *fmt, ...)
{
	va_list	ap;

	buf_adds(&tap, "# ");
	va_start(ap, fmt);
	buf_vaddf(&tap, fmt, ap);
	va_end(ap);
	buf_addc(&tap, '\n');
}

/* A printable form of s[0..n) for diagnostics. */
static const char *
show(const char *s, size_t n)
{
	static struct buf	b = BUF_INIT;
	size_t			i;

	buf_reset(&b);
	for (i = 0; i < n && i < 200; i++) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			buf_addc(&b, s[i]);
		else
			buf_addf(&b, "\\x%02x", (unsigned char)s[i]);
	}
	if (n > 200)
		buf_adds(&b, "...");
	return b.data != NULL ? b.data : "";
}

/*
 * A strict JSON (RFC 8259) checker, to test that what the library writes
 * is valid JSON.
 */
static const char *json_value(const char *, const char *, int);

static const char *
json_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
json_string(const char *p, const char *e)
{
	const char	*start;
	int		 i;

	if (p >= e || *p != '"')
		return NULL;
	start = ++p;
	while (p < e && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			if (++p >= e)
				return NULL;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (p + i >= e ||
					    strchr("0123456789abcdefABCDEF",
					    p[i]) == NULL || p[i] == '\0')
						return NULL;
				p += 4;
			} else if (strchr("\"\\/bfnrt", *p) == NULL ||
			    *p == '\0')
				return NULL;
		}
		p++;
	}
	if (p >= e || !utf8_valid(start, (size_t)(p - start)))
		return NULL;
	return p + 1;
}

static const char *
json_number(const char *p, const char *e)
{
	const char	*d;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < e && *p == '.') {
		d = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		d = p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	return p;
}

static const char *
json_value(const char *p, const char *e, int depth)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t	i, n;

	if (depth > 64 || (p = json_ws(p, e)) >= e)
		return NULL;
	if (*p == '"')
		return json_string(p, e);
	if (*p == '{' || *p == '[') {
		char	close = *p == '{' ? '}' : ']';

		p = json_ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				if ((p = json_string(json_ws(p, e), e)) == NULL)
					return NULL;
				p = json_ws(p, e);
				if (p >= e || *p++ != ':')
					return NULL;
			}
			if ((p = json_value(p, e, depth + 1)) == NULL)
				return NULL;
			p = json_ws(p, e);
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == close)
				return p + 1;
			return NULL;
		}
	}
	for (i = 0; i < NELEM(lits); i++) {
		n = strlen(lits[i]);
		if ((size_t)(e - p) >= n && memcmp(p, lits[i], n) == 0)
			return p + n;
	}
	return json_number(p, e);
}

static int
json_valid(const char *s, size_t n)
{
	const char	*p;

	p = json_value(s, s + n, 0);
	return p != NULL && json_ws(p, s + n) == s + n;
}

/*
 * buf
 */
static void
test_buf(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*out;
	} esc[] = {
		{ "", 0, "\"\"" },
		{ "plain text", 10, "\"plain text\"" },
		{ "a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "\xe2\x80\xa8|\xe2\x80\xa9", 7, "\"\\u2028|\\u2029\"" },
		{ "\xe2\x80\xa7\xe2\x82\xac", 6,
		    "\"\xe2\x80\xa7\xe2\x82\xac\"" },
		{ "\xc3\xa9\xf0\x9f\x98\x80", 6,
		    "\"\xc3\xa9\xf0\x9f\x98\x80\"" },
		{ "end\xe2\x80", 5, "\"end\xe2\x80\"" },
	};
	struct buf	 b = BUF_INIT;
	char		*s, *big;
	size_t		 i;
	int		 good;

	s = buf_detach(&b);
	ok(s != NULL && *s == '\0',
	    "buf: detach of an empty buffer gives \"\"");
	free(s);

	good = 1;
	for (i = 0; i < 100000; i++) {
		buf_addc(&b, (char)('a' + i % 26));
		if (b.data[b.len] != '\0' || b.cap <= b.len)
			good = 0;
	}
	for (i = 0; i < 100000 && good; i++)
		if (b.data[i] != (char)('a' + i % 26))
			good = 0;
	ok(good && b.len == 100000, "buf: grows to 100000 bytes by addc, "
	    "NUL-terminated");
	buf_reset(&b);
	ok(b.len == 0 && b.data[0] == '\0', "buf: reset empties it");

	big = xmalloc(5000);
	memset(big, 'q', 4999);
	big[4999] = '\0';
	buf_adds(&b, "<");
	buf_addf(&b, "%s|%d|%s", big, 42, "end");
	ok(b.len == 1 + 4999 + 7 && b.data[0] == '<' &&
	    b.data[1] == 'q' && strcmp(b.data + 5000, "|42|end") == 0,
	    "buf: addf past the capacity formats it all");
	buf_add(&b, "xyz", 2);
	ok(b.len == 5009 && strcmp(b.data + 5007, "xy") == 0,
	    "buf: add copies n bytes");
	s = buf_detach(&b);
	ok(b.data == NULL && b.len == 0 && strlen(s) == 5009,
	    "buf: detach hands over the data and resets");
	free(s);
	free(big);

	s = xstrndup("abcdef", 3);
	ok(strcmp(s, "abc") == 0, "buf: xstrndup copies at most n bytes");
	free(s);
	s = xstrndup("ab", 10);
	ok(strcmp(s, "ab") == 0, "buf: xstrndup stops at the NUL");
	free(s);
	s = xstrdup("hello");
	ok(strcmp(s, "hello") == 0, "buf: xstrdup");
	free(s);

	for (i = 0; i < NELEM(esc); i++) {
		buf_reset(&b);
		buf_add_json_string(&b, esc[i].in, esc[i].n);
		ok(strcmp(b.data, esc[i].out) == 0,
		    "buf: json string %zu: %s", i, show(esc[i].out,
		    strlen(esc[i].out)));
		if (strcmp(b.data, esc[i].out) != 0)
			diag("got %s", show(b.data, b.len));
	}
	good = 1;
	buf_reset(&b);
	for (i = 0; i < 256; i++) {
		char	c = (char)i;

		buf_reset(&b);
		if (i >= 0x80)
			continue;
		buf_add_json_string(&b, &c, 1);
		if (!json_valid(b.data, b.len))
			good = 0;
	}
	ok(good, "buf: json string of every ASCII byte is valid JSON");
	buf_release(&b);
}

/*
 * ndjson
 */

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

static int
reap(pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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

/*
 * utf8
 */
static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		size_t		 n;
		int		 valid;
		const char	*what;
	} cases[] = {
		{ "", 0, 1, "empty" },
		{ "hello, world", 12, 1, "ASCII" },
		{ "\xc3\xa9", 2, 1, "U+00E9" },
		{ "\xc2\x80", 2, 1, "U+0080" },
		{ "\xdf\xbf", 2, 1, "U+07FF" },
		{ "\xe0\xa0\x80", 3, 1, "U+0800" },
		{ "\xe2\x82\xac", 3, 1, "U+20AC" },
		{ "\xed\x9f\xbf", 3, 1, "U+D7FF" },
		{ "\xee\x80\x80", 3, 1, "U+E000" },
		{ "\xef\xbf\xbf", 3, 1, "U+FFFF" },
		{ "\xf0\x90\x80\x80", 4, 1, "U+10000" },
		{ "\xf0\x9f\x98\x80", 4, 1, "U+1F600" },
		{ "\xf4\x8f\xbf\xbf", 4, 1, "U+10FFFF" },
		{ "abcdefgh\xc3\xa9ijklmnop\xe2\x82\xacqrstuvwxyz", 31, 1,
		    "mixed across 8-byte words" },
		{ "\xc0\x80", 2, 0, "overlong C0 80" },
		{ "\xc1\xbf", 2, 0, "overlong C1 BF" },
		{ "\xe0\x80\x80", 3, 0, "overlong E0 80 80" },
		{ "\xe0\x9f\xbf", 3, 0, "overlong E0 9F BF" },
		{ "\xf0\x80\x80\x80", 4, 0, "overlong F0 80 80 80" },
		{ "\xf0\x8f\xbf\xbf", 4, 0, "overlong F0 8F BF BF" },
		{ "\xed\xa0\x80", 3, 0, "surrogate ED A0 80" },
		{ "\xed\xbf\xbf", 3, 0, "surrogate ED BF BF" },
		{ "\xf4\x90\x80\x80", 4, 0, "F4 90 80 80 above U+10FFFF" },
		{ "\xf5\x80\x80\x80", 4, 0, "F5 lead" },
		{ "\xff", 1, 0, "FF" },
		{ "\x80", 1, 0, "stray continuation" },
		{ "abc\xbf", 4, 0, "stray continuation after ASCII" },
		{ "\xc3", 1, 0, "truncated 2-byte" },
		{ "\xe2\x82", 2, 0, "truncated 3-byte" },
		{ "\xf0\x9f\x98", 3, 0, "truncated 4-byte" },
		{ "\xc3\x41", 2, 0, "bad continuation" },
		{ "\xe2\x28\xa1", 3, 0, "bad second byte" },
		{ "a\0b", 3, 0, "NUL" },
		{ "abcdefghijklm\0op", 16, 0, "NUL in the 8-byte fast path" },
		{ "abcdefgh\x01\0", 10, 0, "NUL after a word" },
		{ "abcdefghijklmnopq\xc0\xaf", 19, 0, "overlong after words" },
		{ "abcdefgh\xe2\x82", 10, 0, "truncated after a word" },
	};
	static const struct {
		const char	*s;
		size_t		 max;
		size_t		 want;
	} pre[] = {
		{ "abcdef", 10, 6 },
		{ "abcdef", 3, 3 },
		{ "abcdef", 0, 0 },
		{ "ab\xe2\x82\xac", 3, 2 },
		{ "ab\xe2\x82\xac", 4, 2 },
		{ "ab\xe2\x82\xac", 5, 5 },
		{ "ab\xe2\x82\xac" "c", 5, 5 },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 7, 4 },
		{ "\xc3\xa9\xc3\xa9", 3, 2 },
		{ "a\x80\x80\x80\x80\x80", 4, 4 },
	};
	char	 big[4096];
	size_t	 i, got;

	for (i = 0; i < NELEM(cases); i++)
		ok(utf8_valid(cases[i].s, cases[i].n) == cases[i].valid,
		    "utf8: %s %s", cases[i].valid ? "valid" : "invalid",
		    cases[i].what);
	memset(big, 'a', sizeof(big));
	ok(utf8_valid(big, sizeof(big)), "utf8: 4 KiB of ASCII");
	for (i = 0; i < 16; i++) {
		big[100 + i] = '\0';
		if (utf8_valid(big, sizeof(big)))
			break;
		big[100 + i] = '\x80';
		if (utf8_valid(big, sizeof(big)))
			break;
		big[100 + i] = 'a';
	}
	ok(i == 16, "utf8: NUL and stray bytes found at every word offset");
	for (i = 0; i < NELEM(pre); i++) {
		got = utf8_prefix(pre[i].s, strlen(pre[i].s), pre[i].max);
		ok(got == pre[i].want, "utf8: prefix of %s at %zu is %zu (%zu)",
		    show(pre[i].s, strlen(pre[i].s)), pre[i].max, pre[i].want,
		    got);
	}
}

/*
 * ids
 */
static int
id_bits_ok(const char *id)
{
	return id_valid(id) && id[14] == '7' && strchr("89ab", id[19]) != NULL;
}

/*
 * id_derive done another way: the parent's first 13 characters, then the
 * SHA-256 of parent NUL tail as hex, with version and variant set.
 */
static const char *
derive_ref(const char *parent, const char *tail, size_t n)
{
	static char	 out[ID_LEN + 1];
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 hex[2 * SHA256_DIGEST_LENGTH + 1];
	struct buf	 in = BUF_INIT;
	int		 i;

	buf_adds(&in, parent);
	if (tail != NULL) {
		buf_addc(&in, '\0');
		buf_add(&in, tail, n);
	}
	SHA256((const unsigned char *)in.data, in.len, md);
	buf_release(&in);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(out, sizeof(out), "%.13s-7%.3s-%c%.3s-%.12s", parent, hex + 1,
	    "89ab89ab89ab89ab"[strtol((char[]){ hex[4], '\0' }, NULL, 16)],
	    hex + 5, hex + 8);
	return out;
}

static void
test_ids(void)
{
	static const char *const parts1[] = { "route", "crm" };
	static const char *const parts2[] = { "route", "erp" };
	static const char *const parts3[] = { "routecrm" };
	static const char *const parts4[] = { "crm", "route" };
	static const char *const parts5[] = { "rout", "ecrm" };
	char	 id[ID_LEN + 1], prev[ID_LEN + 1], a[ID_LEN + 1];
	char	 b[ID_LEN + 1], c[ID_LEN + 1];
	int64_t	 now, t, last;
	long	 i;
	int	 good, order, mono, p[2];
	pid_t	 pid;
	ssize_t	 n;

	now = clock_ms();
	id_new(id);
	ok(strlen(id) == ID_LEN && id_valid(id), "ids: id_new is a canonical "
	    "UUID: %s", id);
	ok(id[14] == '7', "ids: version 7");
	ok(strchr("89ab", id[19]) != NULL, "ids: variant 10");
	t = id_time_ms(id);
	ok(t >= now && t <= now + 1000, "ids: timestamp is now");

	good = order = mono = 1;
	strcpy(prev, id);
	last = t;
	for (i = 0; i < 100000; i++) {
		id_new(id);
		if (!id_bits_ok(id))
			good = 0;
		if (strcmp(prev, id) >= 0)
			order = 0;
		if ((t = id_time_ms(id)) < last)
			mono = 0;
		last = t;
		memcpy(prev, id, sizeof(prev));
	}
	ok(good, "ids: 100000 ids valid, version 7, variant 10");
	ok(order, "ids: 100000 ids strictly increasing, so unique");
	ok(mono && last <= clock_ms() + 100, "ids: timestamps never go back, "
	    "never far ahead");

	/* After fork the child must not reuse the parent's random bytes. */
	if (pipe(p) == 0 && (pid = fork()) != -1) {
		if (pid == 0) {
			id_new(a);
			_exit(write(p[1], a, ID_LEN) == ID_LEN ? 0 : 1);
		}
		close(p[1]);
		id_new(b);
		n = read(p[0], a, ID_LEN);
		a[ID_LEN] = '\0';
		close(p[0]);
		reap(pid);
		ok(n == ID_LEN && id_valid(a) && strcmp(a, b) != 0 &&
		    strcmp(a + 19, b + 19) != 0, "ids: parent and forked "
		    "child make different ids");
	} else
		ok(0, "ids: fork");

	id_new(id);
	id_derive(a, id, parts1, NELEM(parts1));
	id_derive(b, id, parts1, NELEM(parts1));
	ok(strcmp(a, b) == 0 && id_bits_ok(a), "ids: id_derive is stable and "
	    "a UUIDv7");
	ok(id_time_ms(a) == id_time_ms(id), "ids: id_derive keeps the "
	    "parent's timestamp");
	ok(strncmp(a, id, 13) == 0, "ids: id_derive keeps the parent's first "
	    "48 bits");
	id_derive(c, id, parts2, NELEM(parts2));
	ok(strcmp(a, c) != 0, "ids: other parts give another id");
	id_derive(c, id, parts3, NELEM(parts3));
	ok(strcmp(a, c) != 0, "ids: parts are kept apart (\"route\",\"crm\" "
	    "vs \"routecrm\")");
	id_derive(c, id, parts5, NELEM(parts5));
	ok(strcmp(a, c) != 0, "ids: parts are kept apart (\"rout\",\"ecrm\")");
	id_derive(c, id, parts4, NELEM(parts4));
	ok(strcmp(a, c) != 0, "ids: the order of the parts counts");
	id_derive(c, id, parts1, 1);
	ok(strcmp(a, c) != 0, "ids: the number of parts counts");
	id_new(prev);
	id_derive(c, prev, parts1, NELEM(parts1));
	ok(strcmp(a, c) != 0, "ids: another parent gives another id");
	id_derive(c, "not-an-id", parts1, NELEM(parts1));
	ok(id_bits_ok(c) && strncmp(c, "00000000-0000-7", 15) == 0 &&
	    id_time_ms(c) == 0, "ids: an invalid parent gives timestamp 0: %s",
	    c);
	id_derive(c, "0193583c-ef7b-7abc-8def-0123456789ab", parts1,
	    NELEM(parts1));
	ok(strcmp(c, derive_ref("0193583c-ef7b-7abc-8def-0123456789ab",
	    "route\0crm", 9)) == 0, "ids: id_derive is SHA-256 of parent "
	    "NUL part0 NUL part1: %s", c);
	id_derive(c, "0193583c-ef7b-7abc-8def-0123456789ab", NULL, 0);
	ok(strcmp(c, derive_ref("0193583c-ef7b-7abc-8def-0123456789ab", NULL,
	    0)) == 0, "ids: id_derive without parts: %s", c);

	ok(id_valid("0193583c-ef7b-7abc-8def-0123456789ab"),
	    "ids: valid lower-case UUID");
	ok(!id_valid("0193583C-EF7B-7ABC-8DEF-0123456789AB"),
	    "ids: upper case is not canonical");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789a"),
	    "ids: 35 characters");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789abc"),
	    "ids: 37 characters");
	ok(!id_valid("0193583cef7b-7abc-8def-0123456789ab-"),
	    "ids: dashes misplaced");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789ag"), "ids: not hex");
	ok(!id_valid("") && !id_valid(NULL), "ids: empty and NULL");
	ok(id_time_ms("0193583c-ef7b-7abc-8def-0123456789ab") ==
	    INT64_C(0x0193583cef7b), "ids: id_time_ms of a known UUIDv7");
	ok(id_time_ms("0193583c-ef7b-4abc-8def-0123456789ab") == -1,
	    "ids: id_time_ms of a UUIDv4 is -1");
	ok(id_time_ms("ffffffff-ffff-7fff-bfff-ffffffffffff") ==
	    INT64_C(0xffffffffffff), "ids: id_time_ms of the largest");
	ok(id_time_ms("junk") == -1, "ids: id_time_ms of junk is -1");
}

/*
 * clock
 */
/* The index form of the string s in out. */
static size_t
key_form(const char *s, unsigned char *out)
{
	return key_index(s, strlen(s), out);
}

/* The forms of a and b compare as a and b do. */
static int
same_order(const char *a, const char *b)
{
	unsigned char fa[300], fb[300];
	size_t la = key_form(a, fa), lb = key_form(b, fb);
	int c = memcmp(fa, fb, la < lb ? la : lb), t = strcmp(a, b);

	if (c == 0)
		c = la < lb ? -1 : la > lb;
	return (c < 0) == (t < 0) && (c > 0) == (t > 0);
}

static void
test_key_index(void)
{
	static const struct {
		const char	*key;
		char		 tag;
		size_t		 len;
	} shapes[] = {
		{ "0190f3a2-7c1e-7abc-8def-0123456789ab", 'u', 17 },
		{ "0190F3A2-7C1E-7ABC-8DEF-0123456789AB", 'U', 17 },
		{ "01234567-0123-0123-0123-0123456789ab", 'u', 17 },
		{ "0190f3a2-7c1e-7abc-8def-0123456789AB", 't', 37 },
		{ "0190f3a2-7c1e-7abc-8def+0123456789ab", 't', 37 },
		{ "0190f3a27c1e7abc8def0123456789ab", 'x', 17 },
		{ "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862", 's', 17 },
		{ "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f863", 's', 17 },
		{ "sha256:015ABD7F5CC57A2DD94B7590F04AD8084273905EE33EC5CEBEAE62276A97F862", 't', 72 },
		{ "3EB0C767D097B7C7C030", 'X', 11 },
		{ "3eb0c767d097b7c7c030", 'x', 11 },
		{ "1234567890123456", 'x', 9 },
		{ "3EB0C767D097B7C7C03", 't', 20 },
		{ "3EB0c767D097B7C7C030", 't', 21 },
		{ "3EB0C767D097B7", 't', 15 },
		{ "lead-0-42", 't', 10 },
		{ "", 't', 1 },
	};
	/* Keys of one shape, in order. */
	static const char *const ordered[][4] = {
		{ "lead-0-10", "lead-0-9", "lead-1-10", "lead-1-11" },
		{ "0190f3a2-7c1e-7abc-8def-0123456789ab",
		  "0190f3a2-7c1f-7abc-8def-0123456789ab",
		  "0190f3a3-0000-7abc-8def-0123456789ab",
		  "f190f3a3-0000-7abc-8def-0123456789ab" },
		{ "0123456789abcdef", "0123456789abcdef00", "0123456789abcdf0",
		  "ff23456789abcdef" },
		{ "2KWPBgLlAfxdpx2AI54pPJ85f4W", "2KWPBgLlAfxdpx2AI54pPJ85f4X",
		  "2KWPBgLm", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" },
	};
	unsigned char f[300], g[300], r1[KEY_INDEX_RETAINED_LEN];
	unsigned char r2[KEY_INDEX_RETAINED_LEN];
	size_t i, j, k, n;
	int distinct = 1, order = 1;

	for (i = 0; i < NELEM(shapes); i++) {
		n = key_form(shapes[i].key, f);
		ok(f[0] == shapes[i].tag && n == shapes[i].len,
		    "key_index: '%s' is '%c', %zu bytes (got '%c', %zu)",
		    shapes[i].key, shapes[i].tag, shapes[i].len, f[0], n);
	}
	n = key_form("0190f3a2-7c1e-7abc-8def-0123456789ab", f);
	ok(memcmp(f + 1, "\x01\x90\xf3\xa2\x7c\x1e\x7a\xbc\x8d\xef\x01\x23"
	    "\x45\x67\x89\xab", 16) == 0, "key_index: a UUID's 16 bytes");
	n = key_form("3EB0C767D097B7C7C030", f);
	ok(memcmp(f + 1, "\x3e\xb0\xc7\x67\xd0\x97\xb7\xc7\xc0\x30", 10) == 0,
	    "key_index: upper-case hex digits' bytes");
	for (i = 0; i < NELEM(shapes); i++)
		for (j = i + 1; j < NELEM(shapes); j++) {
			n = key_form(shapes[i].key, f);
			k = key_form(shapes[j].key, g);
			if (n == k && memcmp(f, g, n) == 0) {
				diag("key_index: '%s' and '%s' have one form",
				    shapes[i].key, shapes[j].key);
				distinct = 0;
			}
		}
	ok(distinct, "key_index: no two keys have the same form");
	for (i = 0; i < NELEM(ordered); i++)
		for (j = 0; j + 1 < NELEM(ordered[i]); j++)
			if (!same_order(ordered[i][j], ordered[i][j + 1])) {
				diag("key_index: '%s' and '%s' out of order",
				    ordered[i][j], ordered[i][j + 1]);
				order = 0;
			}
	ok(order, "key_index: keys of one shape keep their order");

	key_index_retained("site", "lead-1", 6, r1);
	key_index_retained("sitel", "ead-1", 5, r2);
	ok(r1[0] == 'd' && memcmp(r1, r2, sizeof(r1)) != 0,
	    "key_index: retained, 'd' and a digest of source NUL key");
	key_index_retained("site", "lead-1", 6, r2);
	ok(memcmp(r1, r2, sizeof(r1)) == 0, "key_index: retained, stable");
}

static void
test_clock(void)
{
	static const struct {
		int64_t		 ms;
		const char	*text;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ INT64_C(1732370000123), "2024-11-23T13:53:20.123Z" },
		{ INT64_C(951782400000), "2000-02-29T00:00:00.000Z" },
		{ INT64_C(951868799999), "2000-02-29T23:59:59.999Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ -1000, "1969-12-31T23:59:59.000Z" },
		{ -1001, "1969-12-31T23:59:58.999Z" },
		{ INT64_C(253402300799999), "9999-12-31T23:59:59.999Z" },
		{ INT64_MAX, "9999-12-31T23:59:59.999Z" },
		{ INT64_MIN, "0000-01-01T00:00:00.000Z" },
	};
	char	 out[RFC3339_LEN + 1];
	int64_t	 a, b, m1, m2;
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++) {
		memset(out, 'X', sizeof(out));
		clock_rfc3339(cases[i].ms, out);
		ok(strcmp(out, cases[i].text) == 0 &&
		    strlen(out) == RFC3339_LEN, "clock: %lld is %s (%s)",
		    (long long)cases[i].ms, cases[i].text, out);
	}
	a = (int64_t)time(NULL) * 1000;
	b = clock_ms();
	ok(b >= a && b < a + 2000, "clock: clock_ms agrees with time(3)");
	m1 = clock_mono_ms();
	usleep(20000);
	m2 = clock_mono_ms();
	ok(m2 - m1 >= 19 && m2 - m1 < 2000, "clock: clock_mono_ms counts ms "
	    "(%lld)", (long long)(m2 - m1));
}

/*
 * contact
 */
static void
test_contact(void)
{
	static const struct {
		const char	*iso;
		const char	*code;
	} codes[] = {
		{ "BR", "55" }, { "br", "55" }, { "Br", "55" }, { "US", "1" },
		{ "CA", "1" }, { "PT", "351" }, { "AR", "54" }, { "UY", "598" },
		{ "PY", "595" }, { "CL", "56" }, { "CO", "57" }, { "MX", "52" },
		{ "PE", "51" }, { "BO", "591" }, { "ES", "34" }, { "GB", "44" },
		{ "DE", "49" }, { "FR", "33" }, { "IT", "39" }, { "ZW", "263" },
		{ "AD", "376" }, { "XX", NULL }, { "", NULL }, { "B", NULL },
		{ "BRA", NULL }, { "B1", NULL },
	};
	static const struct {
		const char	*in;
		const char	*cc;
		const char	*out;	/* NULL: invalid */
	} phones[] = {
		{ "+55 (11) 98765-4321", "55", "+5511987654321" },
		{ "(11) 98765-4321", "55", "+5511987654321" },
		{ "11987654321", "55", "+5511987654321" },
		{ "5511987654321", "55", "+5511987654321" },
		{ "0055 11 98765 4321", "55", "+5511987654321" },
		{ "011 98765-4321", "55", "+5511987654321" },
		{ "0 21 11 98765 4321", "55", "+5511987654321" },
		{ "(011) 3456-7890", "55", "+551134567890" },
		{ "11 3456-7890", "55", "+551134567890" },
		{ "551134567890", "55", "+551134567890" },
		{ "015 11 3456-7890", "55", "+551134567890" },
		{ "55 99123-4567", "55", "+5555991234567" },
		{ " +55/11/98765.4321 ", "55", "+5511987654321" },
		{ "+1 212 555 1234", "55", "+12125551234" },
		{ "abc", "55", NULL },
		{ "123", "55", NULL },
		{ "+55 11 9876x", "55", NULL },
		{ "98765-4321", "55", NULL },
		{ "", "55", NULL },
		{ "+", "55", NULL },
		{ "++55 11 98765 4321", "55", NULL },
		{ "55+11987654321", "55", NULL },
		{ "+55 11 98765-4321 ext 2", "55", NULL },
		{ "11\t98765-4321", "55", NULL },
		{ "6611987654321", "55", NULL },
		{ "+1234567890123456", "55", NULL },
		{ "+0 11 98765 4321", "55", NULL },
		{ "+55 11 98765-4321", NULL, "+5511987654321" },
		{ "11 98765-4321", NULL, NULL },
		{ "11 98765-4321", "5a", NULL },
		{ "(212) 555-1234", "1", "+12125551234" },
		{ "212.555.1234", "1", "+12125551234" },
		{ "1 212 555 1234", "1", "+12125551234" },
		{ "+1 (212) 555-1234", "1", "+12125551234" },
		{ "001 212 555 1234", "1", "+12125551234" },
		{ "55-1234", "1", NULL },
		{ "912 345 678", "351", "+351912345678" },
		{ "+351 912 345 678", "351", "+351912345678" },
		{ "351 912 345 678", "351", "+351912345678" },
		{ "00351 912345678", "351", "+351912345678" },
		{ "21 234 5678", "351", "+351212345678" },
		{ "030 1234567", "49", "+49301234567" },
		{ "0491 12345678", "49", "+4949112345678" },
		{ "020 7946 0958", "44", "+442079460958" },
		{ "06 1234 5678", "39", "+390612345678" },
		{ "39 06 1234 5678", "39", "+390612345678" },
	};
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: invalid */
	} mails[] = {
		{ "john.doe@example.com", "john.doe@example.com" },
		{ "  John.Doe@Example.COM\t\r\n", "john.doe@example.com" },
		{ "a@b.co", "a@b.co" },
		{ "X+tag@Sub.Example.com.br", "x+tag@sub.example.com.br" },
		{ "JO\xc3\x83O@EXEMPLO.COM.BR", "jo\xc3\x83o@exemplo.com.br" },
		{ "", NULL },
		{ "   ", NULL },
		{ "@example.com", NULL },
		{ "john@", NULL },
		{ "john", NULL },
		{ "john@example", NULL },
		{ "john@.example.com", NULL },
		{ "john@example.com.", NULL },
		{ "john@example..com", NULL },
		{ "john@@example.com", NULL },
		{ "jo@hn@example.com", NULL },
		{ "john doe@example.com", NULL },
		{ "john@exa mple.com", NULL },
		{ "john@exa\x01mple.com", NULL },
		{ "john\x7f@example.com", NULL },
	};
	char		 out[64];
	const char	*cc;
	size_t		 i;
	int		 rc;

	for (i = 0; i < NELEM(codes); i++) {
		cc = contact_calling_code(codes[i].iso);
		ok((cc == NULL && codes[i].code == NULL) || (cc != NULL &&
		    codes[i].code != NULL && strcmp(cc, codes[i].code) == 0),
		    "contact: calling code of \"%s\" is %s", codes[i].iso,
		    codes[i].code != NULL ? codes[i].code : "unknown");
	}
	ok(contact_calling_code(NULL) == NULL, "contact: calling code of NULL");

	for (i = 0; i < NELEM(phones); i++) {
		memset(out, 'X', sizeof(out));
		rc = contact_phone_e164(phones[i].in, strlen(phones[i].in),
		    phones[i].cc, out, sizeof(out));
		if (phones[i].out == NULL)
			ok(rc == -1, "contact: phone \"%s\" (%s) is invalid",
			    phones[i].in, phones[i].cc != NULL ? phones[i].cc :
			    "no code");
		else
			ok(rc == 0 && strcmp(out, phones[i].out) == 0,
			    "contact: phone \"%s\" (%s) is %s", phones[i].in,
			    phones[i].cc != NULL ? phones[i].cc : "no code",
			    phones[i].out);
		if ((phones[i].out == NULL) != (rc == -1) ||
		    (rc == 0 && strcmp(out, phones[i].out) != 0))
			diag("rc %d, out \"%s\"", rc, rc == 0 ? out : "");
	}
	rc = contact_phone_e164("11987654321", 11, "55", out, 15);
	ok(rc == 0 && strcmp(out, "+5511987654321") == 0,
	    "contact: phone fits exactly in 15 bytes");
	rc = contact_phone_e164("11987654321", 11, "55", out, 14);
	ok(rc == -1, "contact: phone does not fit in 14 bytes");
	rc = contact_phone_e164("11987654321xyz", 11, "55", out, sizeof(out));
	ok(rc == 0 && strcmp(out, "+5511987654321") == 0,
	    "contact: phone reads only n bytes");

	for (i = 0; i < NELEM(mails); i++) {
		rc = contact_email(mails[i].in, strlen(mails[i].in), out,
		    sizeof(out));
		if (mails[i].out == NULL)
			ok(rc == -1, "contact: e-mail \"%s\" is invalid",
			    show(mails[i].in, strlen(mails[i].in)));
		else
			ok(rc == 0 && strcmp(out, mails[i].out) == 0,
			    "contact: e-mail \"%s\" is %s",
			    show(mails[i].in, strlen(mails[i].in)),
			    show(mails[i].out, strlen(mails[i].out)));
	}
	rc = contact_email("a@b.co", 6, out, 7);
	ok(rc == 0 && strcmp(out, "a@b.co") == 0,
	    "contact: e-mail fits exactly");
	rc = contact_email("a@b.co", 6, out, 6);
	ok(rc == -1, "contact: e-mail does not fit");
}

/*
 * redact
 */
static int
has_digit(const char *s)
{
	return strpbrk(s, "0123456789") != NULL;
}

static void
test_redact(void)
{
	static const struct {
		const char	*in;
		size_t		 n;	/* 0: strlen(in) */
		const char	*out;
	} cases[] = {
		{ "contact john.doe@example.com now", 0, "contact *** now" },
		{ "<JOHN.DOE+x@Mail.Example.COM.>", 0, "<***.>" },
		{ "jo\xc3\xa3o@exemplo.com.br", 0, "***" },
		{ "cpf 123.456.789-09 ok", 0, "cpf *** ok" },
		{ "phone +55 11 98765-4321.", 0, "phone +***." },
		{ "(11) 98765-4321", 0, "(***" },
		{ "card 4111 1111 1111 1111", 0, "card ***" },
		{ "order 1234567 ok", 0, "order 1234567 ok" },
		{ "1234 5678", 0, "***" },
		{ "1234    5678", 0, "1234    5678" },
		{ "{\"token\":\"s3cr3t\"}", 0, "{\"token\":\"***\"}" },
		{ "{\"phone\": 5511987654321, \"n\": 1}", 0,
		    "{\"phone\": \"***\", \"n\": 1}" },
		{ "{\"Customer_Email\" : \"Foo\"}", 0,
		    "{\"Customer_Email\" : \"***\"}" },
		{ "{\"auth_token\":\"abc\",\"ok\":\"yes\"}", 0,
		    "{\"auth_token\":\"***\",\"ok\":\"yes\"}" },
		{ "{\"Authorization\":\"Bearer abc.def\"}", 0,
		    "{\"Authorization\":\"***\"}" },
		{ "{\"user\":{\"name\":\"Ana\",\"age\":3}}", 0,
		    "{\"user\":{\"name\":\"***\",\"age\":3}}" },
		{ "{\"password\": {\"a\": [1, \"}\"]}, \"x\": true}", 0,
		    "{\"password\": \"***\", \"x\": true}" },
		{ "{\"secret\": null}", 0, "{\"secret\": null}" },
		{ "{\"apikey\":\"a\\\"b\",\"c\":\"d\"}", 0,
		    "{\"apikey\":\"***\",\"c\":\"d\"}" },
		{ "{\"msg\":\"token\",\"v\":\"x\"}", 0,
		    "{\"msg\":\"token\",\"v\":\"x\"}" },
		{ "{\"error\":\"user a@b.com exists\"}", 0,
		    "{\"error\":\"user *** exists\"}" },
		{ "{\"e\":\"line\\nbob@x.org\"}", 0, "{\"e\":\"line\\n***\"}" },
		{ "{\"e\":\"\\u00e9\"}", 0, "{\"e\":\"\\u00e9\"}" },
		{ "a\xff" "b\xc3(", 0, "a?b?(" },
		{ "nul\0here", 8, "nul?here" },
		{ "no @ here, x@y, @z.com", 0, "no @ here, x@y, @z.com" },
	};
	char		 out[REDACT_EXCERPT_MAX + 1], small[16];
	struct buf	 in = BUF_INIT;
	size_t		 i, n, len;

	for (i = 0; i < NELEM(cases); i++) {
		len = cases[i].n != 0 ? cases[i].n : strlen(cases[i].in);
		n = redact_excerpt(cases[i].in, len, out, sizeof(out),
		    REDACT_EXCERPT_MAX);
		ok(n == strlen(out) && strcmp(out, cases[i].out) == 0,
		    "redact: %s", show(cases[i].in, len));
		if (strcmp(out, cases[i].out) != 0)
			diag("got %s", show(out, n));
	}

	/* A long body: cut at 1024 bytes, not inside a character. */
	buf_addc(&in, 'a');
	for (i = 0; i < 1000; i++)
		buf_adds(&in, "\xc3\xa9");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == 1023 && strlen(out) == n && utf8_valid(out, n),
	    "redact: a long body is cut at 1023 bytes, not inside a character");

	/* A phone number across the cut leaves no digit. */
	buf_reset(&in);
	for (i = 0; i < 1019; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, " +55 11 98765-4321 tail");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == REDACT_EXCERPT_MAX && !has_digit(out) &&
	    strcmp(out + 1019, " +***") == 0,
	    "redact: a phone across the cut is masked whole");
	/* So does an e-mail address. */
	buf_reset(&in);
	for (i = 0; i < 1020; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, " bob@example.com");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == REDACT_EXCERPT_MAX && strchr(out, 'b') == NULL &&
	    strcmp(out + 1020, " ***") == 0,
	    "redact: an e-mail across the cut is masked whole");
	buf_release(&in);

	n = redact_excerpt("hello, world", 12, small, sizeof(small), 5);
	ok(n == 5 && strcmp(small, "hello") == 0, "redact: max 5");
	n = redact_excerpt("hello, world", 12, small, sizeof(small), 100);
	ok(n == 12 && strcmp(small, "hello, world") == 0,
	    "redact: max above outsz is outsz - 1");
	n = redact_excerpt("hello, world 1234567890", 23, small, 6, 100);
	ok(n == 5 && strcmp(small, "hello") == 0, "redact: outsz 6");
	n = redact_excerpt("\xe2\x82\xac\xe2\x82\xac", 6, small, sizeof(small),
	    5);
	ok(n == 3 && strcmp(small, "\xe2\x82\xac") == 0,
	    "redact: cut before a character that does not fit");
	n = redact_excerpt("ab", 2, small, sizeof(small), 0);
	ok(n == 0 && small[0] == '\0', "redact: max 0");
	n = redact_excerpt("", 0, small, sizeof(small), 10);
	ok(n == 0 && small[0] == '\0', "redact: empty input");
	n = redact_excerpt("{\"token\":\"abcdef\"}", 18, small, sizeof(small),
	    12);
	ok(n == 12 && strcmp(small, "{\"token\":\"**") == 0,
	    "redact: the mask may be cut, the secret never shows");
}

/*
 * log
 */

/* Runs fn with stderr going to a temporary file; returns its text. */
static char *
capture(void (*fn)(void))
{
	struct buf	 b = BUF_INIT;
	char		 chunk[4096];
	FILE		*f;
	ssize_t		 n;
	int		 saved;

	if ((f = tmpfile()) == NULL || (saved = dup(STDERR_FILENO)) == -1)
		return NULL;
	dup2(fileno(f), STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fileno(f), 0, SEEK_SET);
	while ((n = read(fileno(f), chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	fclose(f);
	return buf_detach(&b);
}

static void
log_basic(void)
{
	struct log_ids	ids = { 3, "0193583c-ef7b-7abc-8def-0123456789ab",
	    NULL, "crm" };

	log_init("/usr/local/bin/integra-test");
	log_error(&ids, "line %ld: invalid \"JSON\"\n\tnear %s", ids.line,
	    "{\x01}");
}

static int	log_errno_kept;

static void
log_no_ids(void)
{
	errno = EPIPE;
	log_warn(NULL, "plain");
	log_errno_kept = errno == EPIPE;
}

static void
log_levels(void)
{
	setenv("INTEGRA_LOG", "warn", 1);
	log_init("integra-lv");
	log_debug(NULL, "d1");
	log_info(NULL, "i1");
	log_warn(NULL, "w1");
	log_error(NULL, "e1");
	setenv("INTEGRA_LOG", "DEBUG", 1);
	log_init("integra-lv");
	log_debug(NULL, "d2");
	setenv("INTEGRA_LOG", "bogus", 1);
	log_init("integra-lv");
	log_debug(NULL, "d3");
	log_info(NULL, "i3");
	unsetenv("INTEGRA_LOG");
	log_init("integra-lv");
}

static void
log_long(void)
{
	struct buf	 b = BUF_INIT;
	struct log_ids	 ids = { 7, NULL,
	    "0193583c-ef7b-7abc-8def-0123456789ab", NULL };
	int		 i;

	for (i = 0; i < 3000; i++)
		buf_adds(&b, i % 3 == 0 ? "\xe2\x82\xac" : i % 3 == 1 ? "\n" :
		    "\xff");
	log_info(&ids, "%s", b.data);
	buf_release(&b);
}

static void
log_many(void)
{
	pid_t	pid[4];
	int	i, k;

	for (i = 0; i < 4; i++) {
		if ((pid[i] = fork()) == 0) {
			for (k = 0; k < 300; k++)
				log_info(NULL, "child %d message %d %0100d", i,
				    k, 0);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		if (pid[i] > 0)
			reap(pid[i]);
}

static int
lines_valid(const char *s, int *count)
{
	const char	*nl;
	int		 good;

	good = 1;
	*count = 0;
	while (*s != '\0') {
		if ((nl = strchr(s, '\n')) == NULL)
			return 0;
		if (!json_valid(s, (size_t)(nl - s)))
			good = 0;
		(*count)++;
		s = nl + 1;
	}
	return good;
}

static void
test_log(void)
{
	char	*s, *p;
	int	 count, good;

	/* The defaults are under test, not the caller's environment. */
	unsetenv("INTEGRA_LOG");
	count = 0;
	ok(strcmp(log_prog(), "integra") == 0, "log: default prog is integra");
	s = capture(log_basic);
	ok(s != NULL && lines_valid(s, &count) && count == 1,
	    "log: one line of valid JSON");
	good = s != NULL && strncmp(s, "{\"time\":\"", 9) == 0 &&
	    s[9 + 23] == 'Z' && strncmp(s + 9 + 24,
	    "\",\"level\":\"error\",\"prog\":\"integra-test\","
	    "\"msg\":\"integra-test: line 3: invalid \\\"JSON\\\"\\n\\tnear "
	    "{\\u0001}\",\"line\":3,\"event\":\"0193583c-ef7b-7abc-8def-"
	    "0123456789ab\",\"target\":\"crm\"}\n", 240) == 0;
	ok(good, "log: the fields, in order, escaped");
	if (s != NULL && !good)
		diag("%s", show(s, strlen(s)));
	ok(strcmp(log_prog(), "integra-test") == 0, "log: prog from log_init, "
	    "without its directory");
	free(s);

	s = capture(log_no_ids);
	ok(log_errno_kept, "log: errno is kept");
	p = s != NULL ? strstr(s, "\"msg\":\"integra-test: plain\"}\n") : NULL;
	ok(p != NULL && p[strlen("\"msg\":\"integra-test: plain\"}\n")] == '\0',
	    "log: NULL ids leave the fields out");
	free(s);

	s = capture(log_levels);
	ok(s != NULL && strstr(s, "d1") == NULL && strstr(s, "i1") == NULL &&
	    strstr(s, "\"level\":\"warn\"") != NULL && strstr(s, "w1") !=
	    NULL && strstr(s, "e1") != NULL, "log: INTEGRA_LOG=warn");
	ok(s != NULL && strstr(s, "\"level\":\"debug\",\"prog\":\"integra-lv\","
	    "\"msg\":\"integra-lv: d2\"") != NULL,
	    "log: INTEGRA_LOG=DEBUG, any case");
	ok(s != NULL && strstr(s, "d3") == NULL && strstr(s, "i3") != NULL,
	    "log: an unknown INTEGRA_LOG is info");
	free(s);
	ok(!log_enabled(LOGL_DEBUG) && log_enabled(LOGL_INFO) &&
	    log_enabled(LOGL_ERROR), "log: log_enabled");

	s = capture(log_long);
	good = s != NULL && lines_valid(s, &count);
	ok(good && count == 1 && strlen(s) <= PIPE_BUF, "log: a long message "
	    "with bad UTF-8 is one valid line of at most PIPE_BUF bytes (%zu)",
	    s != NULL ? strlen(s) : 0);
	ok(s != NULL && strstr(s, "...\",\"line\":7,\"delivery\":") != NULL,
	    "log: a cut message ends with ...");
	free(s);

	s = capture(log_many);
	good = s != NULL && lines_valid(s, &count);
	ok(good && count == 1200, "log: 4 processes, 1200 lines, none mixed "
	    "(%d)", count);
	free(s);
}

/*
 * jsonscan
 */
#define SKIP_BAD	((size_t)-1)
#define JS_WS(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || \
			    (c) == '\r')
/* jq 1.6's MAX_PARSING_DEPTH: it rejects anything nested deeper. */
#define JQ_MAX_DEPTH	256

/* A copy of s[0..n) in a block of exactly n bytes (NULL if n is 0), so
 * that ASan sees any read past the end. */
static char *
exact_copy(const char *s, size_t n)
{
	char	*c;

	if (n == 0)
		return NULL;
	c = xmalloc(n);
	memcpy(c, s, n);
	return c;
}

static enum json_type
validate(const char *s, size_t n, size_t *pos, const char **why)
{
	enum json_type	 t;
	char		*c;

	c = exact_copy(s, n);
	t = json_validate(c, n, pos, why);
	free(c);
	return t;
}

static int
member(const char *s, size_t n, const char *name, size_t *vs, size_t *ve)
{
	char	*c;
	int	 rc;

	c = exact_copy(s, n);
	rc = json_member(c, n, name, vs, ve);
	free(c);
	return rc;
}

static size_t
skip(const char *s, size_t n, size_t i)
{
	char	*c;
	size_t	 end;

	c = exact_copy(s, n);
	end = json_skip(c, n, i);
	free(c);
	return end;
}

/* depth arrays, or objects {"a":...}, around 1. */
static void
nest(struct buf *b, int depth, int objects)
{
	int	i;

	buf_reset(b);
	for (i = 0; i < depth; i++)
		buf_adds(b, objects ? "{\"a\":" : "[");
	buf_addc(b, '1');
	for (i = 0; i < depth; i++)
		buf_addc(b, objects ? '}' : ']');
}

/* jq 1.6 on s[0..n): JQ_VALID, JQ_INVALID or JQ_TOODEEP. */
enum { JQ_INVALID, JQ_VALID, JQ_TOODEEP };

static int
jq_verdict(const char *s, size_t n)
{
	jv	v, msg;
	int	verdict;

	v = jv_parse_sized(s, (int)n);
	if (jv_is_valid(v)) {
		jv_free(v);
		return JQ_VALID;
	}
	msg = jv_invalid_get_msg(v);
	verdict = jv_get_kind(msg) == JV_KIND_STRING &&
	    strstr(jv_string_value(msg), "Exceeds depth limit") != NULL ?
	    JQ_TOODEEP : JQ_INVALID;
	jv_free(msg);
	return verdict;
}

/*
 * jq 1.6's jv_parse_sized leaks a string that comes, inside an array or
 * object, where a separator should ("[1 \"b\"]"): whether s[0..n) may
 * have one, that is a string after something other than [ { , : in a
 * container, whitespace aside.  Valid JSON never does.
 */
static int
jq_leaks(const char *s, size_t n)
{
	size_t	i;
	long	depth;
	int	instr, esc;
	char	prev;

	depth = 0;
	instr = esc = 0;
	prev = '[';
	for (i = 0; i < n; i++) {
		if (instr) {
			if (esc)
				esc = 0;
			else if (s[i] == '\\')
				esc = 1;
			else if (s[i] == '"')
				instr = 0;
			continue;
		}
		if (s[i] == '"') {
			if (depth > 0 && prev != '[' && prev != '{' &&
			    prev != ',' && prev != ':')
				return 1;
			instr = 1;
		} else if (s[i] == '[' || s[i] == '{')
			depth++;
		else if (s[i] == ']' || s[i] == '}')
			depth--;
		if (!JS_WS(s[i]))
			prev = s[i];
	}
	return 0;
}

/*
 * Compares json_validate on s[0..n) with jq 1.6.  jq 1.6 is lax in places
 * (it takes invalid UTF-8, lone surrogates, leading zeros, nan, NUL bytes,
 * ...): where it accepts what json_validate rejects, the case is noted and
 * counted in *laxer.  json_validate must never be the laxer one: returns 0
 * if it is not.  jq is not asked about text it would leak on, which
 * json_validate rejects: *unasked counts those.
 */
static int
jq_agrees(const char *s, size_t n, int *laxer, int *unasked)
{
	const char	*why = NULL;
	size_t		 pos = 0;
	int		 ours, verdict;

	ours = validate(s, n, &pos, &why) != JSON_INVALID;
	if (!ours && jq_leaks(s, n)) {
		(*unasked)++;
		return 1;
	}
	verdict = jq_verdict(s, n);
	if (ours == (verdict == JQ_VALID))
		return 1;
	if (!ours) {
		diag("jq 1.6 is laxer: it accepts %s (json_validate: %s at "
		    "%zu)", show(s, n), why, pos);
		(*laxer)++;
		return 1;
	}
	if (verdict == JQ_TOODEEP) {
		diag("jq 1.6 rejects nesting over %d deep, json_validate "
		    "allows %d: %s", JQ_MAX_DEPTH, JSON_MAX_DEPTH, show(s, n));
		return 1;
	}
	diag("json_validate accepts what jq 1.6 rejects: %s", show(s, n));
	return 0;
}

static const struct {
	const char	*s;
	size_t		 n;	/* 0: strlen(s) */
	enum json_type	 type;	/* JSON_INVALID for invalid text */
	long		 pos;	/* invalid: where, or -1 */
	const char	*why;	/* invalid: why, or NULL not to check */
} jscases[] = {
	{ "{}", 0, JSON_OBJECT, -1, NULL },
	{ "[]", 0, JSON_ARRAY, -1, NULL },
	{ " 1 ", 0, JSON_NUMBER, -1, NULL },
	{ "-0", 0, JSON_NUMBER, -1, NULL },
	{ "1e5", 0, JSON_NUMBER, -1, NULL },
	{ "1E+5", 0, JSON_NUMBER, -1, NULL },
	{ "0.5", 0, JSON_NUMBER, -1, NULL },
	{ "-1.5e-3", 0, JSON_NUMBER, -1, NULL },
	{ "-0.0E-0", 0, JSON_NUMBER, -1, NULL },
	{ "0e0", 0, JSON_NUMBER, -1, NULL },
	{ "123456789012345678901234567890", 0, JSON_NUMBER, -1, NULL },
	{ "[1,-1,0,-0,1.25,1e1,1E1,1e+1,1e-1,10]", 0, JSON_ARRAY, -1, NULL },
	{ "\"\\ud83d\\ude00\"", 0, JSON_STRING, -1, NULL },
	{ "\"\\uDBFF\\uDFFF\"", 0, JSON_STRING, -1, NULL },
	{ "\"\\u0000\"", 0, JSON_STRING, -1, NULL },
	{ "\"\"", 0, JSON_STRING, -1, NULL },
	{ "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20AC\"", 0,
	    JSON_STRING, -1, NULL },
	{ "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0, JSON_STRING, -1,
	    NULL },
	{ "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"", 0, JSON_STRING, -1, NULL },
	{ "\"abcdefgh\xc3\xa9ijklmnop\xe2\x82\xacqrstuvwxyz\x7f ~\"", 0,
	    JSON_STRING, -1, NULL },
	{ "true", 0, JSON_TRUE, -1, NULL },
	{ "false", 0, JSON_FALSE, -1, NULL },
	{ " \t\r\nnull\n", 0, JSON_NULL, -1, NULL },
	{ "[[],{},[{}],[[[]]]]", 0, JSON_ARRAY, -1, NULL },
	{ "{\"a\":{\"a\":{}},\"\":[],\"a\":2}", 0, JSON_OBJECT, -1, NULL },
	{ "\t{ \"a\" : [ 1 , \"x\" , null , true , false , { } , [ ] ] ,\r\n"
	    " \"b\" : -2 }\n", 0, JSON_OBJECT, -1, NULL },

	{ "01", 0, JSON_INVALID, 1, "invalid number" },
	{ "-01", 0, JSON_INVALID, 2, "invalid number" },
	{ "00", 0, JSON_INVALID, 1, "invalid number" },
	{ "[01]", 0, JSON_INVALID, 2, "invalid number" },
	{ "1.", 0, JSON_INVALID, 2, "invalid number" },
	{ "1.e5", 0, JSON_INVALID, 2, "invalid number" },
	{ ".5", 0, JSON_INVALID, 0, "unexpected character" },
	{ "+1", 0, JSON_INVALID, 0, "unexpected character" },
	{ "1e", 0, JSON_INVALID, 2, "invalid number" },
	{ "1e+", 0, JSON_INVALID, 3, "invalid number" },
	{ "1E-x", 0, JSON_INVALID, 3, "invalid number" },
	{ "-", 0, JSON_INVALID, 1, "invalid number" },
	{ "--1", 0, JSON_INVALID, 1, "invalid number" },
	{ "[-]", 0, JSON_INVALID, 2, "invalid number" },
	{ "-Infinity", 0, JSON_INVALID, 1, "invalid number" },
	{ "0x10", 0, JSON_INVALID, 1, "trailing characters" },
	{ "1.5.3", 0, JSON_INVALID, 3, "trailing characters" },
	{ "123abc", 0, JSON_INVALID, 3, "trailing characters" },
	{ "nan", 0, JSON_INVALID, 0, "invalid literal" },
	{ "NaN", 0, JSON_INVALID, 0, "unexpected character" },
	{ "Infinity", 0, JSON_INVALID, 0, "unexpected character" },
	{ "[1,]", 0, JSON_INVALID, 3, "unexpected character" },
	{ "[,]", 0, JSON_INVALID, 1, "unexpected character" },
	{ "[1,,2]", 0, JSON_INVALID, 3, "unexpected character" },
	{ "{\"a\":1,}", 0, JSON_INVALID, 7, "expected member name" },
	{ "{\"a\" 1}", 0, JSON_INVALID, 5, "expected ':'" },
	{ "{1:2}", 0, JSON_INVALID, 1, "expected member name" },
	{ "{,}", 0, JSON_INVALID, 1, "expected member name" },
	{ "{\"a\":}", 0, JSON_INVALID, 5, "unexpected character" },
	{ "{\"a\",1}", 0, JSON_INVALID, 4, "expected ':'" },
	{ "{\"a\"}", 0, JSON_INVALID, 4, "expected ':'" },
	{ "[\"a\":1]", 0, JSON_INVALID, 4, "expected ',' or ']'" },
	{ "[1 2]", 0, JSON_INVALID, 3, "expected ',' or ']'" },
	{ "[true false]", 0, JSON_INVALID, 6, "expected ',' or ']'" },
	{ "{\"a\":1 \"b\":2}", 0, JSON_INVALID, 7, "expected ',' or '}'" },
	{ "[1}", 0, JSON_INVALID, 2, "expected ',' or ']'" },
	{ "{\"a\":1]", 0, JSON_INVALID, 6, "expected ',' or '}'" },
	{ "]", 0, JSON_INVALID, 0, "unexpected character" },
	{ "}", 0, JSON_INVALID, 0, "unexpected character" },
	{ "{}}", 0, JSON_INVALID, 2, "trailing characters" },
	{ "[[1]", 0, JSON_INVALID, 4, "unexpected end of input" },
	{ "[1", 0, JSON_INVALID, 2, "unexpected end of input" },
	{ "{", 0, JSON_INVALID, 1, "unexpected end of input" },
	{ "{\"a\"", 0, JSON_INVALID, 4, "unexpected end of input" },
	{ "{\"a\":", 0, JSON_INVALID, 5, "unexpected end of input" },
	{ "{\"a\":1", 0, JSON_INVALID, 6, "unexpected end of input" },
	{ "\"\\x\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"\\U0041\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"\\'\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"\\0\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"\\u12\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"\\u00G0\"", 0, JSON_INVALID, 1, "invalid escape" },
	{ "\"ab\\u", 0, JSON_INVALID, 3, "invalid escape" },
	{ "\"\\ud800\"", 0, JSON_INVALID, 1, "unpaired surrogate escape" },
	{ "\"\\udc00\"", 0, JSON_INVALID, 1, "unpaired surrogate escape" },
	{ "\"\\ud800\\u0041\"", 0, JSON_INVALID, 1,
	    "unpaired surrogate escape" },
	{ "\"\\ud800x\"", 0, JSON_INVALID, 1, "unpaired surrogate escape" },
	{ "\"\\ud800\\ud800\"", 0, JSON_INVALID, 1,
	    "unpaired surrogate escape" },
	{ "\"a\\udfff\\ud800\"", 0, JSON_INVALID, 2,
	    "unpaired surrogate escape" },
	{ "\"\\ud83d\\n\"", 0, JSON_INVALID, 1, "unpaired surrogate escape" },
	{ "\"a\tb\"", 0, JSON_INVALID, 2, "control character in string" },
	{ "\"\x1f\"", 0, JSON_INVALID, 1, "control character in string" },
	{ "\"\n\"", 0, JSON_INVALID, 1, "control character in string" },
	{ "\"abcdefghijklmnopqrstuvwxyz\tABC\"", 0, JSON_INVALID, 27,
	    "control character in string" },
	{ "\"\xc0\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xc1\xbf\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xe0\x80\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xe0\x9f\xbf\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xed\xa0\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xed\xbf\xbf\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xf4\x90\x80\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xf0\x80\x80\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xf5\x80\x80\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xff\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\x80\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"ab\xc3\"", 0, JSON_INVALID, 3, "invalid UTF-8" },
	{ "\"\xe2\x82\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xf0\x9f\x98\"", 0, JSON_INVALID, 1, "invalid UTF-8" },
	{ "\"\xc3\xa9\xc3", 0, JSON_INVALID, 3, "invalid UTF-8" },
	{ "\"abcdefghijklmnopq\xc0\xaf\"", 0, JSON_INVALID, 18,
	    "invalid UTF-8" },
	{ "\xc3\xa9", 0, JSON_INVALID, 0, "unexpected character" },
	{ "\xef\xbb\xbf{}", 0, JSON_INVALID, 0, "unexpected character" },
	{ "tru", 0, JSON_INVALID, 0, "invalid literal" },
	{ "nul", 0, JSON_INVALID, 0, "invalid literal" },
	{ "fals", 0, JSON_INVALID, 0, "invalid literal" },
	{ "nulL", 0, JSON_INVALID, 0, "invalid literal" },
	{ "True", 0, JSON_INVALID, 0, "unexpected character" },
	{ "truefalse", 0, JSON_INVALID, 4, "trailing characters" },
	{ "[1] 2", 0, JSON_INVALID, 4, "trailing characters" },
	{ "1 2", 0, JSON_INVALID, 2, "trailing characters" },
	{ "{}{}", 0, JSON_INVALID, 2, "trailing characters" },
	{ "{} x", 0, JSON_INVALID, 3, "trailing characters" },
	{ "[1,\0 2]", 7, JSON_INVALID, 3, "NUL byte" },
	{ "\"a\0b\"", 5, JSON_INVALID, 2, "NUL byte" },
	{ "1\0", 2, JSON_INVALID, 1, "NUL byte" },
	{ "\0", 1, JSON_INVALID, 0, "NUL byte" },
	{ " \0[1]", 5, JSON_INVALID, 1, "NUL byte" },
	{ "[1]\0", 4, JSON_INVALID, 3, "NUL byte" },
	{ "", 0, JSON_INVALID, 0, "unexpected end of input" },
	{ "   \t\n\r", 0, JSON_INVALID, 6, "unexpected end of input" },
	{ "\"abc", 0, JSON_INVALID, 0, "unterminated string" },
	{ "\"abc\\", 0, JSON_INVALID, 0, "unterminated string" },
	{ "\"abc\\\"", 0, JSON_INVALID, 0, "unterminated string" },
	{ "[\"abcdefghijklmnop", 0, JSON_INVALID, 1, "unterminated string" },
	{ "\f1", 0, JSON_INVALID, 0, "unexpected character" },
	{ "\v1", 0, JSON_INVALID, 0, "unexpected character" },
	{ "'a'", 0, JSON_INVALID, 0, "unexpected character" },
	{ "\x01", 0, JSON_INVALID, 0, "unexpected character" },
	{ "//c\n1", 0, JSON_INVALID, 0, "unexpected character" },
};

static void
test_jsonscan_validate(void)
{
	struct buf	 b = BUF_INIT;
	const char	*why;
	size_t		 i, n, pos;
	enum json_type	 t;
	int		 good, depth, objects;

	for (i = 0; i < NELEM(jscases); i++) {
		n = jscases[i].n != 0 ? jscases[i].n : strlen(jscases[i].s);
		pos = 12345;
		why = "untouched";
		t = validate(jscases[i].s, n, &pos, &why);
		if (jscases[i].type != JSON_INVALID)
			good = t == jscases[i].type && pos == 12345 &&
			    strcmp(why, "untouched") == 0;
		else
			good = t == JSON_INVALID &&
			    (jscases[i].pos == -1 ||
			    pos == (size_t)jscases[i].pos) &&
			    (jscases[i].why == NULL ||
			    strcmp(why, jscases[i].why) == 0);
		ok(good, "jsonscan: %s is %s%s", show(jscases[i].s, n),
		    jscases[i].type == JSON_INVALID ? "invalid: " : "valid",
		    jscases[i].type == JSON_INVALID ? jscases[i].why : "");
		if (!good)
			diag("got type %d, %s at %zu", (int)t, why, pos);
	}

	ok(json_validate(NULL, 0, NULL, NULL) == JSON_INVALID &&
	    json_validate("x", 1, NULL, NULL) == JSON_INVALID,
	    "jsonscan: errpos and why may be NULL; NULL, 0 is empty");
	ok(json_validate("[1]x", 3, NULL, NULL) == JSON_ARRAY &&
	    json_validate("\"ab\"", 3, NULL, NULL) == JSON_INVALID,
	    "jsonscan: reads only n bytes");

	for (objects = 0; objects <= 1; objects++) {
		for (depth = JSON_MAX_DEPTH; depth <= JSON_MAX_DEPTH + 1;
		    depth++) {
			nest(&b, depth, objects);
			pos = 0;
			why = "";
			t = validate(b.data, b.len, &pos, &why);
			if (depth <= JSON_MAX_DEPTH)
				good = t == (objects ? JSON_OBJECT :
				    JSON_ARRAY);
			else
				good = t == JSON_INVALID && pos == (size_t)
				    (objects ? 5 : 1) * JSON_MAX_DEPTH &&
				    strcmp(why, "too deeply nested") == 0;
			ok(good, "jsonscan: %s nested %d deep is %s",
			    objects ? "objects" : "arrays", depth,
			    depth <= JSON_MAX_DEPTH ? "valid" :
			    "too deeply nested");
		}
	}
	/* Depth is what is open at once, not how many were opened. */
	buf_reset(&b);
	buf_addc(&b, '[');
	for (depth = 0; depth < 2000; depth++)
		buf_adds(&b, depth == 0 ? "[[]]" : ",{\"a\":[{}]}");
	buf_addc(&b, ']');
	ok(validate(b.data, b.len, NULL, NULL) == JSON_ARRAY,
	    "jsonscan: 2000 shallow containers in a row");
	buf_release(&b);
}

/* The strings "<a * 20 with bytes set>" against the strict checker above,
 * across the 8-byte words. */
static void
test_jsonscan_sweep(void)
{
	static const unsigned char third[] = { 0x7f, 0x80, 0xbf, 0xc0 };
	static const unsigned char fourth[] = { 'a', 0x80, 0xbf };
	char	 s[24];
	size_t	 k, bad;
	int	 b1, b2, b3, b4;

	memset(s, 'a', sizeof(s));
	s[0] = s[sizeof(s) - 1] = '"';
	bad = 0;
	for (k = 1; k < sizeof(s) - 1; k++) {
		for (b1 = 0; b1 < 256; b1++) {
			s[k] = (char)b1;
			if ((validate(s, sizeof(s), NULL, NULL) ==
			    JSON_STRING) != json_valid(s, sizeof(s)))
				bad++;
		}
		s[k] = 'a';
	}
	ok(bad == 0, "jsonscan: every byte at every place in a string "
	    "(%zu wrong)", bad);

	bad = 0;
	for (b1 = 0; b1 < 256; b1++) {
		for (b2 = 0; b2 < 256; b2++) {
			s[8] = (char)b1;
			s[9] = (char)b2;
			if ((validate(s, sizeof(s), NULL, NULL) ==
			    JSON_STRING) != json_valid(s, sizeof(s)))
				bad++;
		}
	}
	ok(bad == 0, "jsonscan: every pair of bytes across two words "
	    "(%zu wrong)", bad);

	bad = 0;
	for (b1 = 0xc0; b1 < 0x100; b1++)
		for (b2 = 0; b2 < 256; b2++)
			for (b3 = 0; b3 < (int)sizeof(third); b3++)
				for (b4 = 0; b4 < (int)sizeof(fourth); b4++) {
					s[6] = (char)b1;
					s[7] = (char)b2;
					s[8] = (char)third[b3];
					s[9] = (char)fourth[b4];
					if ((validate(s, sizeof(s), NULL,
					    NULL) == JSON_STRING) !=
					    json_valid(s, sizeof(s)))
						bad++;
				}
	ok(bad == 0, "jsonscan: UTF-8 sequences of 2 to 4 bytes (%zu wrong)",
	    bad);
}

static uint64_t
prng(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * UINT64_C(2685821657736338717);
}

static const char jssample[] = "{\"specversion\":\"1.0\",\"id\":\"01a20904-"
    "adda-7710-af68-d81473dc57be\",\"source\":\"site\",\"type\":\"lead."
    "created\",\"time\":\"2026-11-23T09:00:00.000Z\",\"datacontenttype\":"
    "\"application/json\",\"tenant\":\"default\",\"idempotencykey\":"
    "\"sha256:9f86d081884c7d659a2feaa0c55ad015\",\"data\":{\"name\":"
    "\"Maria Aparecida dos Santos 1\",\"phone\":\"(11) 90001-0001\","
    "\"email\":\"Maria.Santos1@Example.com.br\",\"message\":\"Preciso de "
    "cuidadora para minha m\xc3\xa3" "e, per\xc3\xad" "odo noturno\","
    "\"utm_source\":\"google\",\"utm_medium\":\"cpc\",\"utm_campaign\":"
    "\"cuidado-idosos-sp\"}}";

/* One random change to b: a byte replaced, inserted or deleted. */
static void
mutate(struct buf *b, uint64_t *x)
{
	static const char interesting[] = "{}[],:\"\\ 019.eE+-tfnulx\t\n";
	size_t		pos;
	unsigned char	c;

	pos = (size_t)(prng(x) % (b->len + 1));
	if (prng(x) % 2)
		c = (unsigned char)prng(x);
	else
		c = (unsigned char)interesting[prng(x) %
		    (sizeof(interesting) - 1)];
	switch (prng(x) % 3) {
	case 0:
		if (pos < b->len)
			b->data[pos] = (char)c;
		break;
	case 1:
		buf_addc(b, '\0');
		memmove(b->data + pos + 1, b->data + pos, b->len - pos - 1);
		b->data[pos] = (char)c;
		break;
	default:
		if (pos < b->len) {
			memmove(b->data + pos, b->data + pos + 1,
			    b->len - pos - 1);
			b->data[--b->len] = '\0';
		}
		break;
	}
}

#define JS_MUTATIONS	150	/* of each seed */

/*
 * jvparse against jv_parse_sized on every text of docs json_validate
 * accepts, plus numbers that take strtod to its edges; on the others it
 * must only stay inside the text (which the sanitizer build checks).
 */
static void
test_jvparse(const struct buf *docs, size_t ndocs)
{
	static const char *const numbers[] = {
		"[1e400,-1e400,1e-400,4.9e-324,2.2250738585072014e-308]",
		"[0.1,0.30000000000000004,9007199254740993,-0,1E2,1e+2]",
		"[123456789012345678901234567890123456789012345678901234567890"
		    "12345678901234567890,0.0000000000000000000000000000000000"
		    "00000000000000000000000000000000001e-5]",
		"{\"a\":1,\"b\":2,\"a\":3,\"\\u0061\":4}",
		"\"\\ud83d\\ude00 \\u00e9\\u20ac\\/\\b\\f\\n\\r\\t\"",
	};
	size_t i, nvalid = 0, same = 0, invalid = 0, bad = 0;
	jv ours, theirs;

	for (i = 0; i < ndocs + NELEM(numbers); i++) {
		const char *s = i < ndocs ? docs[i].data : numbers[i - ndocs];
		size_t n = i < ndocs ? docs[i].len : strlen(s);

		if (validate(s, n, NULL, NULL) == JSON_INVALID) {
			jv_free(jvparse(s, n));
			invalid++;
			continue;
		}
		theirs = jv_parse_sized(s, (int)n);
		if (!jv_is_valid(theirs)) {	/* deeper than jq goes */
			jv_free(theirs);
			continue;
		}
		nvalid++;
		ours = jvparse(s, n);
		if (jv_equal(ours, theirs))
			same++;
		else if (bad++ < 3)
			diag("jvparse differs from jq on %s", show(s, n));
	}
	ok(bad == 0, "jvparse: the same tree as jv_parse_sized on %zu of %zu"
	    " valid texts", same, nvalid);
	ok(nvalid > 100, "jvparse: compared on %zu valid texts, and ran on %zu"
	    " invalid ones", nvalid, invalid);
}

static void
test_jsonscan_jq(void)
{
	static const char *const seeds[] = {
		jssample,
		"{\"a\":[1,-2.5e+3,true,false,null,{\"b\":\"x\\\"y\\\\z\\u00e9"
		    "\\ud83d\\ude00\"}],\"c\":{}}",
		"[0,1.0,-0.0e-0,\"\",[],[[]],{\"\":0},\"\xe2\x82\xac\"]",
		" { \"k\" : \"v\" , \"n\" : [ 1 , 2 ] , \"t\" : true } ",
	};
	static const int depths[] = { JQ_MAX_DEPTH, JQ_MAX_DEPTH + 1,
	    JSON_MAX_DEPTH, JSON_MAX_DEPTH + 1 };
	struct buf	*docs, *d;
	uint64_t	 x = UINT64_C(0x9e3779b97f4a7c15);
	size_t		 i, ndocs, nmut, nvalid, nplain, strict;
	size_t		 start, end, vs, ve;
	int		 laxer, unasked, good, k, valid, isobj, rc;
	int		 consistent;

	ndocs = NELEM(jscases) + NELEM(depths) + NELEM(seeds) * JS_MUTATIONS;
	docs = xcalloc(ndocs, sizeof(*docs));
	d = docs;
	for (i = 0; i < NELEM(jscases); i++, d++)
		buf_add(d, jscases[i].s, jscases[i].n != 0 ? jscases[i].n :
		    strlen(jscases[i].s));
	for (i = 0; i < NELEM(depths); i++, d++)
		nest(d, depths[i], depths[i] % 2);
	nmut = nvalid = nplain = strict = 0;
	consistent = 1;
	for (i = 0; i < NELEM(seeds); i++) {
		for (k = 0; k < JS_MUTATIONS; k++, d++, nmut++) {
			buf_adds(d, seeds[i]);
			mutate(d, &x);
			if (prng(&x) % 2)
				mutate(d, &x);

			/* The strict checker knows no surrogates. */
			valid = validate(d->data, d->len, NULL, NULL) !=
			    JSON_INVALID;
			if (memmem(d->data, d->len, "\\u", 2) == NULL) {
				nplain++;
				if (valid != json_valid(d->data, d->len)) {
					diag("the strict checker disagrees: "
					    "%s", show(d->data, d->len));
					strict++;
				}
			}

			/* json_skip and json_member agree with it. */
			for (start = 0; start < d->len &&
			    JS_WS(d->data[start]); start++)
				;
			for (end = d->len; end > start &&
			    JS_WS(d->data[end - 1]); end--)
				;
			if (valid && skip(d->data, d->len, start) != end)
				consistent = 0;
			isobj = valid && d->data[start] == '{';
			rc = member(d->data, d->len, "a", &vs, &ve);
			if ((rc == -1) == isobj || (rc == 1 &&
			    skip(d->data, d->len, vs) != ve))
				consistent = 0;
			nvalid += valid;
		}
	}
	ok(strict == 0, "jsonscan: agrees with the strict checker on the %zu "
	    "mutations without \\u (%zu wrong)", nplain, strict);
	ok(consistent, "jsonscan: json_skip and json_member agree with "
	    "json_validate on the mutations");

	good = 1;
	laxer = unasked = 0;
	for (i = 0; i < ndocs - nmut; i++)
		if (!jq_agrees(docs[i].data, docs[i].len, &laxer, &unasked))
			good = 0;
	ok(good, "jsonscan: never laxer than jq 1.6 on the table "
	    "(jq is laxer on %d, not asked on %d)", laxer, unasked);
	good = 1;
	laxer = unasked = 0;
	for (; i < ndocs; i++)
		if (!jq_agrees(docs[i].data, docs[i].len, &laxer, &unasked))
			good = 0;
	ok(good, "jsonscan: never laxer than jq 1.6 on %zu mutations, %zu "
	    "still valid (jq is laxer on %d, not asked on %d)", nmut, nvalid,
	    laxer, unasked);

	test_jvparse(docs, ndocs);
	for (i = 0; i < ndocs; i++)
		buf_release(&docs[i]);
	free(docs);
}

static void
test_jsonscan_member(void)
{
	static const char types[] = "{\"o\":{\"p\":[1,{}]},\"a\":[1, \"x\", "
	    "null],\"s\":\"s\\\"}\",\"n\":-1.5e+3,\"t\":true,\"f\":false,"
	    "\"z\":null}";
	static const struct {
		const char	*s;
		const char	*name;
		int		 rc;
		const char	*value;	/* rc 1: the value's text */
	} cases[] = {
		{ "{\"a\":1,\"b\":\"x\"}", "b", 1, "\"x\"" },
		{ "{\"a\":1,\"b\":\"x\"}", "a", 1, "1" },
		{ "{\"a\":1,\"b\":\"x\"}", "c", 0, NULL },
		{ "{}", "a", 0, NULL },
		{ " { } ", "a", 0, NULL },
		{ "{\"a\":1,\"b\":2,\"a\":3}", "a", 1, "3" },
		{ "{\"a\":{\"x\":1},\"a\":[2]}", "a", 1, "[2]" },
		{ "{\"n\\u0061me\":\"v\"}", "name", 1, "\"v\"" },
		{ "{\"\\u006E\\u0061\\u006d\\u0065\":7}", "name", 1, "7" },
		{ "{\"name\":1,\"n\\u0061me\":2}", "name", 1, "2" },
		{ "{\"n\\u0061me\":1,\"name\":2}", "name", 1, "2" },
		{ "{\"caf\\u00e9\":1}", "caf\xc3\xa9", 1, "1" },
		{ "{\"\\u20ac\":1}", "\xe2\x82\xac", 1, "1" },
		{ "{\"\\ud83d\\ude00\":1}", "\xf0\x9f\x98\x80", 1, "1" },
		{ "{\"x\\uD83D\\uDE00y\":true}", "x\xf0\x9f\x98\x80y", 1,
		    "true" },
		{ "{\"a\\/b\":1}", "a/b", 1, "1" },
		{ "{\"a\\\\b\":1}", "a\\b", 1, "1" },
		{ "{\"a\\\"b\":1}", "a\"b", 1, "1" },
		{ "{\"a\\nb\\t\\r\\b\\f\":1}", "a\nb\t\r\b\f", 1, "1" },
		{ "{\"a\\nb\":1}", "a\\nb", 0, NULL },
		{ "{\"a\\\\nb\":1}", "a\nb", 0, NULL },
		{ "{\"a\\u0000\":1}", "a", 0, NULL },
		{ "{\"nam\\u0065x\":1}", "name", 0, NULL },
		{ "{\"nam\\u0065\":1}", "namex", 0, NULL },
		{ "{\"\\u00e9\":1}", "\xc3", 0, NULL },
		{ "{\"name\":1}", "nam", 0, NULL },
		{ "{\"nam\":1}", "name", 0, NULL },
		{ "{\"\":5}", "", 1, "5" },
		{ types, "o", 1, "{\"p\":[1,{}]}" },
		{ types, "a", 1, "[1, \"x\", null]" },
		{ types, "s", 1, "\"s\\\"}\"" },
		{ types, "n", 1, "-1.5e+3" },
		{ types, "t", 1, "true" },
		{ types, "f", 1, "false" },
		{ types, "z", 1, "null" },
		{ types, "p", 0, NULL },
		{ "{\"x\":{\"name\":1},\"y\":[{\"name\":2}],"
		    "\"z\":\"\\\"name\\\":3\"}", "name", 0, NULL },
		{ "{\"x\":{\"name\":1},\"name\":4,\"y\":{\"name\":5}}",
		    "name", 1, "4" },
		{ "{\"name\":{\"name\":{\"name\":6}}}", "name", 1,
		    "{\"name\":{\"name\":6}}" },
		{ " \t\r\n{ \t\"a\"\n:\r 12 ,\n \"b\" : [ 1 ] \t}\r\n ", "a", 1,
		    "12" },
		{ " \t\r\n{ \t\"a\"\n:\r 12 ,\n \"b\" : [ 1 ] \t}\r\n ", "b", 1,
		    "[ 1 ]" },
		{ "[1]", "a", -1, NULL },
		{ "1", "a", -1, NULL },
		{ "\"a\"", "a", -1, NULL },
		{ "null", "a", -1, NULL },
		{ "", "a", -1, NULL },
		{ "   ", "a", -1, NULL },
		{ "{\"a\":1,}", "a", -1, NULL },
		{ "{\"a\":01}", "a", -1, NULL },
		{ "{} x", "a", -1, NULL },
		{ "{\"a\":1} {}", "a", -1, NULL },
		{ "{\"a\":1}}", "a", -1, NULL },
		{ "{\"a\":1,\"b\":tru}", "a", -1, NULL },
		{ "{\"a\":1", "a", -1, NULL },
		{ "{\"a\" 1}", "a", -1, NULL },
		{ "{\"a\",1}", "a", -1, NULL },
		{ "{1:1}", "a", -1, NULL },
		{ "{\"a\":[1}", "a", -1, NULL },
		{ "{\"a\":\"\\ud800\"}", "a", -1, NULL },
		{ "{\"\\ud800\":1}", "a", -1, NULL },
		{ "{\"a\xff\":1}", "a", -1, NULL },
		{ "{\"a\":1,\"a\"}", "a", -1, NULL },
		{ "{\"a\":1\t\x01}", "a", -1, NULL },
	};
	struct buf	 b = BUF_INIT;
	const char	*s, *v;
	char		 name[64];
	size_t		 i, n, vs, ve, len;
	int		 rc, good;

	for (i = 0; i < NELEM(cases); i++) {
		n = strlen(cases[i].s);
		vs = ve = 12345;
		rc = member(cases[i].s, n, cases[i].name, &vs, &ve);
		v = cases[i].value;
		if (rc == 1)
			good = cases[i].rc == 1 && vs <= ve && ve <= n &&
			    ve - vs == strlen(v) &&
			    memcmp(cases[i].s + vs, v, ve - vs) == 0;
		else
			good = rc == cases[i].rc && vs == 12345 && ve == 12345;
		/* show() has one buffer. */
		snprintf(name, sizeof(name), "%s", show(cases[i].name,
		    strlen(cases[i].name)));
		ok(good, "jsonscan: member \"%s\" of %s is %s", name,
		    show(cases[i].s, n), cases[i].rc == 1 ? v :
		    cases[i].rc == 0 ? "absent" : "invalid");
		if (!good)
			diag("got %d, [%zu, %zu)", rc, vs, ve);
	}
	ok(json_member(NULL, 0, "a", &vs, &ve) == -1,
	    "jsonscan: member of NULL, 0 is invalid");

	n = strlen(jssample);
	rc = member(jssample, n, "type", &vs, &ve);
	ok(rc == 1 && ve - vs == 14 &&
	    memcmp(jssample + vs, "\"lead.created\"", 14) == 0,
	    "jsonscan: member \"type\" of the sample line");
	rc = member(jssample, n, "data", &vs, &ve);
	ok(rc == 1 && jssample[vs] == '{' && ve == n - 1,
	    "jsonscan: member \"data\" of the sample line");
	ok(member(jssample, n, "name", &vs, &ve) == 0 &&
	    member(jssample, n, "email", &vs, &ve) == 0,
	    "jsonscan: members of \"data\" are not members of the line");

	/* The point of it: splice a new value into the text. */
	good = member(jssample, n, "type", &vs, &ve) == 1;
	if (good) {
		buf_add(&b, jssample, vs);
		buf_adds(&b, "\"lead.updated\"");
		buf_add(&b, jssample + ve, n - ve);
		good = validate(b.data, b.len, NULL, NULL) == JSON_OBJECT &&
		    member(b.data, b.len, "type", &vs, &ve) == 1 &&
		    ve - vs == 14 &&
		    memcmp(b.data + vs, "\"lead.updated\"", 14) == 0;
	}
	ok(good, "jsonscan: a value spliced in by its range");

	/* The object counts in the depth. */
	for (len = JSON_MAX_DEPTH - 1; len <= JSON_MAX_DEPTH; len++) {
		buf_reset(&b);
		buf_adds(&b, "{\"a\":");
		for (i = 0; i < len; i++)
			buf_addc(&b, '[');
		for (i = 0; i < len; i++)
			buf_addc(&b, ']');
		buf_addc(&b, '}');
		rc = member(b.data, b.len, "a", &vs, &ve);
		ok(len < JSON_MAX_DEPTH ? rc == 1 && vs == 5 &&
		    ve == b.len - 1 && validate(b.data, b.len, NULL, NULL) ==
		    JSON_OBJECT : rc == -1 && validate(b.data, b.len, NULL,
		    NULL) == JSON_INVALID, "jsonscan: member, %zu deep in "
		    "an object, is %s", len, len < JSON_MAX_DEPTH ? "found" :
		    "too deeply nested");
	}

	/* Every cut of a valid object is invalid, and safe to scan. */
	good = 1;
	for (i = 0; i < 2; i++) {
		s = i == 0 ? jssample : types;
		n = strlen(s);
		for (len = 0; len < n; len++)
			if (member(s, len, "data", &vs, &ve) != -1 ||
			    member(s, len, "z", &vs, &ve) != -1 ||
			    validate(s, len, NULL, NULL) != JSON_INVALID)
				good = 0;
	}
	ok(good, "jsonscan: every prefix of an object is invalid");
	buf_release(&b);
}

static void
test_jsonscan_skip(void)
{
	static const struct {
		const char	*s;
		size_t		 i;
		size_t		 end;
	} cases[] = {
		{ "[1,2] x", 0, 5 },
		{ "  1", 0, SKIP_BAD },
		{ "  1", 2, 3 },
		{ "{\"a\":[1,{\"b\":2}]},3", 0, 17 },
		{ "\"a\\\"b\" x", 0, 6 },
		{ "\"a\\\\\" x", 0, 5 },
		{ "\"\xc3\xa9\" ", 0, 4 },
		{ "\"\xc3\" ", 0, SKIP_BAD },
		{ "truex", 0, 4 },
		{ "null,", 0, 4 },
		{ "false]", 0, 5 },
		{ "nul", 0, SKIP_BAD },
		{ "1.5e3,", 0, 5 },
		{ "-0]", 0, 2 },
		{ "01", 0, SKIP_BAD },
		{ "1.", 0, SKIP_BAD },
		{ "[1,]", 0, SKIP_BAD },
		{ "[1,2", 0, SKIP_BAD },
		{ "x", 0, SKIP_BAD },
		{ "1", 1, SKIP_BAD },
		{ "1", 5, SKIP_BAD },
		{ "[1,2]", 1, 2 },
		{ "[1,2]", 3, 4 },
		{ "{\"k\":\"v\"}", 1, 4 },
		{ "{\"k\":\"v\"}", 5, 8 },
		{ "[[[]]] ]", 0, 6 },
		{ "{}}", 0, 2 },
		{ "[\"]\",\"[\",{\"}\":\"{\"}]]", 0, 19 },
	};
	static const char *const elems[] = { "1", "\"two\"", "[3]",
	    "{\"f\":4}", "null" };
	static const char arr[] = "[1,\"two\",[3],{\"f\":4},null]";
	struct buf	 b = BUF_INIT;
	size_t		 i, k, end, n;
	int		 good;

	for (i = 0; i < NELEM(cases); i++) {
		n = strlen(cases[i].s);
		end = skip(cases[i].s, n, cases[i].i);
		ok(end == cases[i].end, "jsonscan: skip %s at %zu is %zd",
		    show(cases[i].s, n), cases[i].i, (ssize_t)cases[i].end);
		if (end != cases[i].end)
			diag("got %zd", (ssize_t)end);
	}

	/* Stepping over the elements of an array. */
	good = 1;
	i = 1;
	for (k = 0; k < NELEM(elems); k++) {
		end = json_skip(arr, sizeof(arr) - 1, i);
		if (end > sizeof(arr) - 1 || end - i != strlen(elems[k]) ||
		    memcmp(arr + i, elems[k], end - i) != 0) {
			good = 0;
			break;
		}
		i = end + 1;
	}
	ok(good && i == sizeof(arr) - 1, "jsonscan: skip steps over the "
	    "elements of an array");

	nest(&b, JSON_MAX_DEPTH, 0);
	ok(skip(b.data, b.len, 0) == b.len, "jsonscan: skip %d deep",
	    JSON_MAX_DEPTH);
	nest(&b, JSON_MAX_DEPTH + 1, 1);
	ok(skip(b.data, b.len, 0) == SKIP_BAD, "jsonscan: skip %d deep is "
	    "invalid", JSON_MAX_DEPTH + 1);
	buf_release(&b);
}

/* Walks s with json_next_member; the members' names, or -1. */
static int
walk(const char *s, char *names, size_t sz)
{
	struct json_span m;
	size_t pos = 0, len = strlen(s), used = 0;
	int rc, count = 0;

	names[0] = '\0';
	while ((rc = json_next_member(s, len, &pos, &m)) == 1) {
		used += (size_t)snprintf(names + used, sz - used, "%s%.*s",
		    count++ > 0 ? "," : "", (int)(m.name_end - m.name_start),
		    s + m.name_start);
		if (used >= sz)
			return -1;
	}
	return rc < 0 ? -1 : count;
}

static void
test_jsonscan_next_member(void)
{
	char names[128];
	struct json_span m;
	size_t pos = 0;
	const char *s = " { \"a\" : 1 , \"b\\u0063\":[2,{\"x\":3}] } ";

	ok(walk("{}", names, sizeof(names)) == 0 && names[0] == '\0',
	    "jsonscan: next_member of {} gives none");
	ok(walk(s, names, sizeof(names)) == 2 &&
	    strcmp(names, "\"a\",\"b\\u0063\"") == 0,
	    "jsonscan: next_member gives the top-level members: %s", names);
	ok(json_next_member(s, strlen(s), &pos, &m) == 1 &&
	    m.value_end - m.value_start == 1 && s[m.value_start] == '1' &&
	    !m.name_escaped && json_next_member(s, strlen(s), &pos, &m) == 1 &&
	    m.name_escaped && s[m.value_start] == '[' &&
	    s[m.value_end - 1] == ']' &&
	    json_next_member(s, strlen(s), &pos, &m) == 0,
	    "jsonscan: next_member's spans and escape flag");
	ok(walk("[1]", names, sizeof(names)) == -1,
	    "jsonscan: next_member of an array is -1");
	ok(walk("{\"a\":1,}", names, sizeof(names)) == -1,
	    "jsonscan: next_member of a trailing comma is -1");
	ok(walk("{\"a\":1} x", names, sizeof(names)) == -1,
	    "jsonscan: next_member checks the text after the object");
	ok(walk("{\"a\" 1}", names, sizeof(names)) == -1,
	    "jsonscan: next_member of a missing colon is -1");
}

static void
test_jsonscan(void)
{
	test_jsonscan_validate();
	test_jsonscan_sweep();
	test_jsonscan_jq();
	test_jsonscan_member();
	test_jsonscan_next_member();
	test_jsonscan_skip();
}

/* Request headers for webhookauth: name, value pairs, NULL-ended. */
static const char *
test_header(void *ctx, const char *name)
{
	const char *const *h = ctx;

	for (; h[0] != NULL; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

static int
auth_check(const struct cfg_source *src, const char *const *headers,
    const char *body, int64_t now, const char **why)
{
	struct webhookauth *a;
	char err[256];
	int rc;

	*why = NULL;
	if ((a = webhookauth_new(&src->auth, "source 'unit'", err,
	    sizeof(err))) == NULL) {
		diag("webhookauth_new: %s", err);
		return -2;
	}
	rc = webhookauth_check(a, test_header, (void *)headers, body,
	    strlen(body), now, why);
	webhookauth_free(a);
	return rc;
}

static void
test_webhookauth(void)
{
	/* The Standard Webhooks specification's own example. */
	static const char body[] = "{\"test\": 2432232314}";
	static const char *const good[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NULL };
	static const char *const several[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature", "v1a,xyz v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAA= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
		NULL };
	static const char *const hmac_ok[] = { "X-Signature", "sha256="
	    "504457c5eeee4d79e4c541ab9296726c7511337240b2e9b374c45af6fbe44fbe",
	    NULL };
	static const char *const no_prefix[] = { "X-Signature",
	    "504457c5eeee4d79e4c541ab9296726c7511337240b2e9b374c45af6fbe44fbe",
	    NULL };
	static const char *const unpadded[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", NULL };
	static const char *const token_ok[] = { "Client-Token", "tok-123",
	    NULL };
	static const char *const token_bad[] = { "client-token", "tok-124",
	    NULL };
	static const char *const none[] = { NULL };
	const int64_t ts = 1614265330;
	struct cfg_source src;
	const char *why;

	memset(&src, 0, sizeof(src));
	src.name = "crm";
	src.auth.scheme = CFG_AUTH_STANDARD_WEBHOOKS;
	src.auth.secret_env = "UNIT_SECRET";
	src.auth.tolerance_ms = 300000;
	setenv("UNIT_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
	ok(auth_check(&src, good, body, ts, &why) == 0,
	    "webhookauth: the Standard Webhooks example verifies");
	ok(auth_check(&src, several, body, ts + 299, &why) == 0,
	    "webhookauth: one good v1 signature among several is enough");
	ok(auth_check(&src, unpadded, body, ts, &why) == 0,
	    "webhookauth: a signature without its base64 padding verifies too");
	ok(auth_check(&src, good, "{\"test\": 2432232315}", ts, &why) == -1 &&
	    strcmp(why, "no v1 signature matches") == 0,
	    "webhookauth: a tampered body is refused");
	ok(auth_check(&src, good, body, ts + 301, &why) == -1 &&
	    strstr(why, "tolerance") != NULL,
	    "webhookauth: a timestamp over 5 minutes old is refused");
	ok(auth_check(&src, good, body, ts - 301, &why) == -1,
	    "webhookauth: and one over 5 minutes ahead");
	ok(auth_check(&src, none, body, ts, &why) == -1 &&
	    strstr(why, "missing") != NULL,
	    "webhookauth: no webhook headers: refused");
	setenv("UNIT_SECRET", "whsec_bmV3LXNlY3JldC1ieXRlcy0xMjM0NTY3OA==", 1);
	setenv("UNIT_PREVIOUS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
	ok(auth_check(&src, good, body, ts, &why) == -1,
	    "webhookauth: after rotation the old secret alone fails...");
	src.auth.previous_env = "UNIT_PREVIOUS";
	ok(auth_check(&src, good, body, ts, &why) == 0,
	    "webhookauth: ...and passes as the previous secret");
	setenv("UNIT_SECRET", "not base64!", 1);
	ok(auth_check(&src, good, body, ts, &why) == -2,
	    "webhookauth: a secret that is not whsec_ base64 is refused");

	/* echo -n '{"test": 2432232314}' | openssl dgst -sha256 -hmac s3cr3t */
	memset(&src.auth, 0, sizeof(src.auth));
	src.auth.scheme = CFG_AUTH_HMAC;
	src.auth.header = "X-Signature";
	src.auth.prefix = "sha256=";
	src.auth.secret_env = "UNIT_SECRET";
	setenv("UNIT_SECRET", "s3cr3t", 1);
	ok(auth_check(&src, hmac_ok, body, 0, &why) == 0,
	    "webhookauth: hmac-sha256, hex, with its prefix");
	ok(auth_check(&src, no_prefix, body, 0, &why) == -1,
	    "webhookauth: hmac-sha256 without the prefix is refused");
	ok(auth_check(&src, hmac_ok, "{}", 0, &why) == -1 &&
	    strcmp(why, "wrong signature") == 0,
	    "webhookauth: hmac-sha256 of another body is refused");
	ok(auth_check(&src, none, body, 0, &why) == -1,
	    "webhookauth: hmac-sha256 without the header is refused");

	memset(&src.auth, 0, sizeof(src.auth));
	src.auth.scheme = CFG_AUTH_TOKEN;
	src.auth.header = "Client-Token";
	src.auth.secret_env = "UNIT_SECRET";
	setenv("UNIT_SECRET", "tok-123", 1);
	ok(auth_check(&src, token_ok, body, 0, &why) == 0 &&
	    auth_check(&src, token_bad, body, 0, &why) == -1 &&
	    auth_check(&src, none, body, 0, &why) == -1,
	    "webhookauth: a token: the right one only");
	unsetenv("UNIT_SECRET");
	unsetenv("UNIT_PREVIOUS");
}

static void
test_retrypolicy(void)
{
	struct cfg_retry p = { .max_attempts = 4, .base_ms = 1000,
	    .factor = 2.0, .cap_ms = 5000 };
	int64_t d, maxd = 0;
	uint64_t r;

	ok(policy_verdict(&p, 200, NULL) == RETRY_DONE, "policy: 2xx done");
	ok(policy_verdict(&p, 0, "connect") == RETRY_AGAIN,
	    "policy: no answer is transient");
	ok(policy_verdict(&p, 503, "http_5xx") == RETRY_AGAIN &&
	    policy_verdict(&p, 408, "http_408") == RETRY_AGAIN &&
	    policy_verdict(&p, 425, "http_425") == RETRY_AGAIN &&
	    policy_verdict(&p, 429, "http_429") == RETRY_AGAIN,
	    "policy: 5xx, 408, 425, 429 are transient");
	ok(policy_verdict(&p, 400, "http_4xx") == RETRY_NEVER &&
	    policy_verdict(&p, 404, "http_4xx") == RETRY_NEVER &&
	    policy_verdict(&p, 409, "http_4xx") == RETRY_NEVER,
	    "policy: other 4xx are final");
	ok(policy_verdict(&p, 410, "http_410") == RETRY_GONE,
	    "policy: 410 disables the target");
	p.retry_on[p.nretry_on++] = 409;
	ok(policy_verdict(&p, 409, "http_4xx") == RETRY_AGAIN &&
	    policy_verdict(&p, 404, "http_4xx") == RETRY_NEVER,
	    "policy: retry_on makes a 4xx transient");
	/* Full jitter: within [0, min(cap, base * 2^(n-1))], and spread. */
	for (r = 1; r < 2000; r++) {
		d = policy_delay(&p, 3, r * 2654435761u);
		if (d < 0 || d > 4000)
			break;
		if (d > maxd)
			maxd = d;
	}
	ok(r == 2000 && maxd > 3900, "policy: attempt 3 waits [0, 4 s]"
	    " (max drawn %lld)", (long long)maxd);
	ok(policy_delay(&p, 10, UINT64_MAX) <= 5000 &&
	    policy_delay(&p, 10, 5000) == 5000, "policy: capped at 5 s");
	ok(policy_delay(&p, 1, 0) == 0, "policy: full jitter reaches 0");
	ok(policy_wait(&p, 1, 429, 30000, 0) == 30000 &&
	    policy_wait(&p, 1, 503, 2000, 0) == 2000 &&
	    policy_wait(&p, 1, 500, 30000, 1) <= 1000,
	    "policy: Retry-After on 429 and 503 only");
	ok(policy_wait(&p, 1, 429, 90LL * 86400000, 0) == RETRY_AFTER_MAX_MS,
	    "policy: Retry-After capped at a day");
	p.delays[0] = 5000;
	p.delays[1] = 300000;
	p.ndelays = 2;
	ok(policy_delay(&p, 1, 12345) == 5000 &&
	    policy_delay(&p, 2, 12345) == 300000 &&
	    policy_delay(&p, 7, 12345) == 300000,
	    "policy: an explicit schedule, its last wait after");
}

static void
test_retry_after(void)
{
	int64_t now = 784111777000;	/* Sun, 06 Nov 1994 08:49:37 GMT */

	ok(http_retry_after("120", 3, now) == 120000 &&
	    http_retry_after(" 0 ", 3, now) == 0,
	    "Retry-After: delay-seconds");
	ok(http_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", 29, now) ==
	    60000, "Retry-After: an HTTP-date a minute on");
	ok(http_retry_after("Sun, 06 Nov 1994 08:40:37 GMT", 29, now) == 0,
	    "Retry-After: a date past is now");
	ok(http_retry_after("soon", 4, now) == -1 &&
	    http_retry_after("", 0, now) == -1 &&
	    http_retry_after("-5", 2, now) == -1 &&
	    http_retry_after("12x", 3, now) == -1,
	    "Retry-After: anything else is none");
	ok(http_retry_after("99999999999999999999", 20, now) ==
	    10 * 365 * 86400000LL, "Retry-After: huge is bounded");
}

/* n tries: each a failure if the bit of fails is set, oldest first. */
static struct circuit_tries
tries_of(int n, unsigned long fails)
{
	struct circuit_tries t = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		t.tries++;
		if (fails & (1UL << i)) {
			t.failed++;
			t.failures_after++;
		} else {
			t.answered = 1;
			t.failures_after = 0;
		}
	}
	return t;
}

static void
test_circuit(void)
{
	struct cfg_circuit p = { .failures = 3, .error_rate = 50,
	    .window_ms = 60000, .cooldown_ms = 30000 };
	struct circuit_state s = { 0 };
	struct circuit_tries t;
	int64_t now = 1000000;
	int i, opened;

	t = tries_of(2, 3);
	ok(circuit_update(&s, &p, &t, now) == CIRCUIT_SAME &&
	    s.failures == 2 && s.open_until == 0,
	    "circuit: 2 failures of 3 leave it closed");
	t = tries_of(1, 1);
	ok(circuit_update(&s, &p, &t, now + 10) == CIRCUIT_OPENED &&
	    s.opened_at == now + 10 && s.open_until == now + 30010,
	    "circuit: the third in a row opens it for the cool-down");
	t = tries_of(1, 1);
	ok(circuit_update(&s, &p, &t, now + 40000) == CIRCUIT_OPEN_AGAIN &&
	    s.opened_at == now + 10 && s.open_until == now + 70000,
	    "circuit: a failed probe opens it again, from then");
	t = tries_of(1, 0);
	ok(circuit_update(&s, &p, &t, now + 80000) == CIRCUIT_CLOSED &&
	    s.open_until == 0 && s.opened_at == 0 && s.failures == 0,
	    "circuit: an answer closes it");
	t = tries_of(3, 6);
	ok(circuit_update(&s, &p, &t, now + 80001) == CIRCUIT_SAME &&
	    s.failures == 2, "circuit: an answer starts the count again");

	/* 30% failing, in streaks of 3 among 7 answers: never opens. */
	memset(&s, 0, sizeof(s));
	for (i = 0, opened = 0; i < 100; i++) {
		t = tries_of(10, 0x380);
		opened |= circuit_update(&s, &p, &t, now + i * 1000) !=
		    CIRCUIT_SAME;
	}
	ok(!opened && s.failures == 3,
	    "circuit: a flaky target at 30%% keeps its circuit closed");
	/* Then it goes down: in the window, the failures pass half. */
	for (i = 0, opened = 0; i < 100 && !opened; i++) {
		t = tries_of(10, 0x3ff);
		opened = circuit_update(&s, &p, &t, now + 100000 + i * 1000) ==
		    CIRCUIT_OPENED;
	}
	ok(opened && i > 1 && i < 70,
	    "circuit: down, it opens once the window is mostly failures"
	    " (after %d s)", i);
	/* A quiet target: one failure every 10 minutes, windows apart. */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 3; i++) {
		t = tries_of(1, 1);
		opened = circuit_update(&s, &p, &t, now + i * 600000) ==
		    CIRCUIT_OPENED;
	}
	ok(opened && s.window_tries == 1 && s.last_tries == 0,
	    "circuit: failures far apart open it too");
	p.failures = 0;
	t = tries_of(5, 31);
	ok(circuit_update(&s, &p, &t, now + 3000000) == CIRCUIT_SAME,
	    "circuit: failures 0 never opens");
}

/* template_value_fn over a NULL-ended list of name, value pairs. */
static const char *
pair_value(void *ctx, const char *name)
{
	const char *const *kv = ctx;

	for (; kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

static void
test_template(void)
{
	static const char *const vals[] = { "first_name", "Ana <b>&'\"",
	    "brand.name", "Cuidar", "n", "3", NULL };
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct template *t;
	const char *text = "Olá {{first_name}}! {{ brand.name }} tem {{n}}"
	    " vagas. {{first_name}}";

	t = template_parse(text, strlen(text), 0, &err);
	ok(t != NULL, "template: parses");
	ok(t != NULL && template_nvars(t) == 3 &&
	    strcmp(template_var(t, 0), "first_name") == 0 &&
	    strcmp(template_var(t, 1), "brand.name") == 0 &&
	    template_var(t, 3) == NULL, "template: its names, each once");
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == 0 && strcmp(out.data, "Olá Ana <b>&'\"! Cuidar tem 3"
	    " vagas. Ana <b>&'\"") == 0, "template: text, values as they are");
	template_free(t);
	buf_reset(&out);
	t = template_parse("<p>{{first_name}}</p>", 21, 1, &err);
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == 0 && strcmp(out.data,
	    "<p>Ana &lt;b&gt;&amp;&#39;&quot;</p>") == 0,
	    "template: HTML escapes every value");
	template_free(t);
	buf_reset(&out);
	t = template_parse("a {{missing}} b", 15, 0, &err);
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == -1 && strstr(err.data, "{{missing}} has no value") !=
	    NULL, "template: a variable without a value fails, no blank");
	template_free(t);
	buf_reset(&err);
	t = template_parse("x\ny {{a b}}", 11, 0, &err);
	ok(t == NULL && strstr(err.data, "line 2: {{a b}} is not a name") !=
	    NULL, "template: a name that is not one, with its line");
	buf_reset(&err);
	t = template_parse("x {{a\n}}", 8, 0, &err);
	ok(t == NULL && strstr(err.data, "line 1: {{ is not closed") != NULL,
	    "template: {{ not closed on its line");
	buf_reset(&err);
	t = template_parse("no braces } { here", 18, 0, &err);
	buf_reset(&out);
	ok(t != NULL && template_nvars(t) == 0 && template_render(t,
	    pair_value, (void *)vals, &out, &err) == 0 &&
	    strcmp(out.data, "no braces } { here") == 0,
	    "template: text without names is itself");
	template_free(t);
	buf_release(&out);
	buf_release(&err);
}

static void
test_link(void)
{
	static const char *const bad[] = { "ftp://h.example/r?a=1",
	    "https://h.example", "https://h.example/r?a=1#top",
	    "https://h.example/r?a=1&sig=x", "https://h.example/r a" };
	struct link_member m[] = { { "b", "2" }, { "a", "1" } };
	struct link_member crafted[] = { { "a", "1\nb=2" } };
	struct link_member decoded[] = { { "x", "a b/" } };
	struct buf b = BUF_INIT;
	const char *sig;
	size_t i;

	ok(link_sign("k", 1, "https://h.example/r?a=1&b=2", &b) == 0 &&
	    strcmp(b.data, "https://h.example/r?a=1&b=2"
	    "&sig=XzgHsILVqVGAbdH64fEyg3zmOoa6YwOKskUK-bJ5SyQ") == 0,
	    "link: HMAC-SHA256 of the path and the sorted members, base64url");
	sig = b.data != NULL ? strstr(b.data, "sig=") : NULL;
	ok(sig != NULL && link_check("k", 1, "/r", m, 2, sig + 4) == 1,
	    "link: checked whatever the members' order");
	m[0].value = "3";
	ok(sig != NULL && link_check("k", 1, "/r", m, 2, sig + 4) == 0,
	    "link: a member changed is refused");
	m[0].value = "2";
	ok(sig != NULL && link_check("j", 1, "/r", m, 2, sig + 4) == 0 &&
	    link_check("k", 1, "/s", m, 2, sig + 4) == 0 &&
	    link_check("k", 1, "/r", m, 1, sig + 4) == 0,
	    "link: another secret, path or set of members is refused");
	ok(link_check("k", 1, "/r", crafted, 1, sig != NULL ? sig + 4 : "") ==
	    0, "link: a line break in a value cannot pass for two members");
	buf_reset(&b);
	ok(link_sign("k", 1, "http://h.example/r?x=a+b%2F", &b) == 0 &&
	    (sig = strstr(b.data, "sig=")) != NULL &&
	    link_check("k", 1, "/r", decoded, 1, sig + 4) == 1,
	    "link: members signed decoded, as the server gives them");
	buf_reset(&b);
	ok(link_sign("k", 1, "https://h.example/r", &b) == 0 &&
	    strncmp(b.data, "https://h.example/r?sig=", 24) == 0,
	    "link: without a query, one is started");
	for (i = 0; i < NELEM(bad); i++)
		ok(link_sign("k", 1, bad[i], &b) == -1,
		    "link: %s is not signed", bad[i]);
	buf_release(&b);
}

static void
test_mail(void)
{
	struct mail m;
	char err[256];
	const char *ok_body = "{\"to\":[\"a@x.com\",\"b@y.org\"],"
	    "\"subject\":\"Olá, tudo bem?\",\"text\":\"oi\","
	    "\"html\":\"<p>oi</p>\",\"reply_to\":\"r@x.com\"}";
	const char *bodies[] = {
		"{\"to\":\"a@x.com\",\"subject\":\"s\\r\\nBcc: e@v.il\","
		    "\"text\":\"t\"}",
		"{\"to\":\"a@x.com, e@v.il\",\"subject\":\"s\",\"text\":\"t\"}",
		"{\"to\":\"a@x.com\",\"subject\":\"s\"}",
		"{\"subject\":\"s\",\"text\":\"t\"}",
		"[1]",
	};
	size_t i;

	ok(mail_build(&m, ok_body, strlen(ok_body), "Cuidar, Bem <c@x.com>", NULL,
	    "01a2", 0, err, sizeof(err)) == 0, "mail: builds");
	ok(m.message != NULL && strstr(m.message,
	    "From: \"Cuidar, Bem\" <c@x.com>\r\n") != NULL,
	    "mail: a display name with a comma is quoted");
	ok(m.message != NULL && strstr(m.message, "To: <a@x.com>,\r\n"
	    " <b@y.org>\r\n") != NULL && m.rcpt[0] != NULL &&
	    strcmp(m.rcpt[1], "b@y.org") == 0 && m.rcpt[2] == NULL &&
	    strcmp(m.from, "c@x.com") == 0, "mail: the recipients");
	ok(m.message != NULL && strstr(m.message, "Subject: =?UTF-8?B?") !=
	    NULL && strstr(m.message, "Message-ID: <01a2@x.com>\r\n") !=
	    NULL && strstr(m.message, "Date: Thu, 01 Jan 1970 00:00:00"
	    " +0000\r\n") != NULL && strstr(m.message,
	    "Reply-To: <r@x.com>\r\n") != NULL,
	    "mail: subject encoded, Message-ID, Date, Reply-To");
	ok(m.message != NULL && strstr(m.message, "multipart/alternative")
	    != NULL && strstr(m.message, "text/plain") <
	    strstr(m.message, "text/html"), "mail: the text, then the HTML");
	mail_release(&m);
	for (i = 0; i < NELEM(bodies); i++)
		ok(mail_build(&m, bodies[i], strlen(bodies[i]), "c@x.com", NULL,
		    "01a2", 0, err, sizeof(err)) == -1 && err[0] != '\0',
		    "mail: refuses bad body %zu (%s)", i, err);
	ok(mail_build(&m, ok_body, strlen(ok_body), "nobody", NULL, "01a2", 0, err,
	    sizeof(err)) == -1, "mail: refuses a sender that is no address");
}

int
main(void)
{
	/* A child writer that finds the reader gone must not kill us. */
	signal(SIGPIPE, SIG_IGN);

	test_buf();
	test_ndjson_mixed(509);
	test_ndjson_mixed(4093);
	test_ndjson_mixed(65536 * 3);
	test_ndjson_many();
	test_ndjson_default_max();
	test_ndjson_timeout();
	test_ndjson_misc();
	test_utf8();
	test_ids();
	test_key_index();
	test_clock();
	test_contact();
	test_redact();
	test_log();
	test_jsonscan();
	test_webhookauth();
	test_retrypolicy();
	test_retry_after();
	test_circuit();
	test_template();
	test_link();
	test_mail();

	printf("1..%d\n%s", ntests, tap.data != NULL ? tap.data : "");
	buf_release(&tap);
	return nfailed == 0 ? 0 : 1;
}
