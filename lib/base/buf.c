/*
 * buf: a growable byte buffer, always NUL-terminated once it holds data.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define BUF_MINCAP	64

_Noreturn void
buf_oom(void)
{
	fputs("integra: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p;

	/* malloc(0) may return NULL; a 1-byte block keeps NULL meaning OOM. */
	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		buf_oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		buf_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void	*q;

	if ((q = realloc(p, n == 0 ? 1 : n)) == NULL)
		buf_oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	n = strnlen(s, n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_release(b);
}

/* Hands the data to the caller; an empty buffer still gives a string. */
char *
buf_detach(struct buf *b)
{
	char	*p;

	p = b->data != NULL ? b->data : xcalloc(1, 1);
	buf_init(b);
	return p;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for n more bytes and the terminating NUL. */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	need, cap;

	if (n > SIZE_MAX - b->len - 1)
		buf_oom();
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	cap = b->cap < BUF_MINCAP ? BUF_MINCAP : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

int
buf_read(struct buf *b, FILE *f, size_t max)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (max > 0 && b->len + n > max)
			return -2;
		buf_add(b, chunk, n);
	}
	return ferror(f) ? -1 : 0;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	/* Try in the room there is; on overflow grow once and format again. */
	buf_grow(b, BUF_MINCAP);
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		/* Only a bad format can fail; leave the buffer as it was. */
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		va_copy(ap2, ap);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
		va_end(ap2);
	}
	b->len += (size_t)n;
}

/*
 * Bytes that buf_add_json_string cannot copy as they are: controls, the
 * quote, the backslash, and 0xe2, which may start U+2028 or U+2029.  Those
 * two are valid in JSON but end a line in JavaScript, so they are escaped.
 */
static const unsigned char buf_json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, [0xe2] = 1
};

void
buf_add_json_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i, run;
	char	 esc[6];

	buf_grow(b, n + 2);
	buf_addc(b, '"');
	run = 0;
	for (i = 0; i < n; i++) {
		if (!buf_json_special[p[i]])
			continue;
		if (p[i] == 0xe2 && (i + 2 >= n || p[i + 1] != 0x80 ||
		    (p[i + 2] != 0xa8 && p[i + 2] != 0xa9)))
			continue;
		if (i > run)
			buf_add(b, s + run, i - run);
		switch (p[i]) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\b':
			buf_add(b, "\\b", 2);
			break;
		case '\f':
			buf_add(b, "\\f", 2);
			break;
		case 0xe2:
			buf_add(b, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			i += 2;
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			buf_add(b, esc, sizeof(esc));
			break;
		}
		run = i + 1;
	}
	if (run < n)
		buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

void
buf_add_html(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
}
