/*
 * tap: the harness the unit tests share (tap.h): the results, gathered
 * and printed at the end so the plan ("1..N") comes first, and the
 * helpers more than one module's tests use.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"

#include "tap.h"

static struct buf	tap = BUF_INIT;
static int		ntests;
static int		nfailed;

void
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

void
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
const char *
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

int
json_valid(const char *s, size_t n)
{
	const char	*p;

	p = json_value(s, s + n, 0);
	return p != NULL && json_ws(p, s + n) == s + n;
}

/* Waits for pid: whether it exited with 0. */
int
reap(pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The plan, then the results. */
int
tap_done(void)
{
	printf("1..%d\n%s", ntests, tap.data != NULL ? tap.data : "");
	buf_release(&tap);
	return nfailed == 0 ? 0 : 1;
}
