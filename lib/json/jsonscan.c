/*
 * jsonscan: validates JSON text and finds values in it without building a
 * tree.
 *
 * One forward pass, no recursion, no allocation.  A value is scanned by
 * jsonscan_value, a loop over the values of the document: scalars are
 * scanned whole, and each "[" or "{" pushes the byte that closes it on a
 * stack of at most JSON_MAX_DEPTH bytes, so that after each value only the
 * top of the stack says what may come next.
 *
 * Most of a JSON line is string bodies, so jsonscan_string tests 8 bytes
 * at a time for the bytes that need a look of their own (quote, backslash,
 * control characters and the bytes of UTF-8 sequences) and checks UTF-8
 * inline, as utf8_valid does, only where the high bit is set.
 */
#include <stdint.h>
#include <string.h>

#include "json/jsonscan.h"
#include "base/utf8.h"

/* What the helpers return for invalid text; never a valid offset. */
#define JSONSCAN_ERR	((size_t)-1)

#define JSONSCAN_ONES	UINT64_C(0x0101010101010101)
#define JSONSCAN_HIGH	UINT64_C(0x8080808080808080)
/*
 * JSONSCAN_ZERO(x) has the high bit set in the lowest zero byte of x, and
 * in no byte below it (a borrow may flag bytes above a true hit, so only
 * the lowest flag counts); it is 0 & HIGH iff x has no zero byte.
 *
 * JSONSCAN_SPECIAL(w) is non-zero iff one of the 8 bytes of w is '"',
 * '\\', below 0x20 or at least 0x80: a '"' or '\\' is a zero byte of w
 * xor that byte, and (w - 0x20 * ONES) | w has the high bit set in the
 * lowest byte below 0x20 or at least 0x80.
 */
#define JSONSCAN_ZERO(x)	(((x) - JSONSCAN_ONES) & ~(x))
#define JSONSCAN_SPECIAL(w)	((JSONSCAN_ZERO((w) ^ (JSONSCAN_ONES * '"')) | \
			    JSONSCAN_ZERO((w) ^ (JSONSCAN_ONES * '\\')) | \
			    ((w) - JSONSCAN_ONES * 0x20) | (w)) & JSONSCAN_HIGH)

#define JSONSCAN_DIGIT(c)	((unsigned char)((c) - '0') < 10)
#define JSONSCAN_WS(c)	((c) == ' ' || (c) == '\n' || (c) == '\r' || \
			    (c) == '\t')
struct jsonscan_err {
	size_t		 pos;
	const char	*why;
};

/*
 * 1 for the bytes that stand for themselves in a string body: printable
 * ASCII but '"' and '\\'.
 */
static const unsigned char jsonscan_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static size_t
jsonscan_fail(struct jsonscan_err *e, size_t pos, const char *why)
{
	e->pos = pos;
	e->why = why;
	return JSONSCAN_ERR;
}

/* Fails at p[i], which is not what was expected there: why, unless the
 * text ended or holds a NUL byte there. */
static size_t
jsonscan_unexpected(struct jsonscan_err *e, const unsigned char *p, size_t n,
    size_t i, const char *why)
{
	if (i >= n)
		why = "unexpected end of input";
	else if (p[i] == '\0')
		why = "NUL byte";
	return jsonscan_fail(e, i, why);
}

static inline size_t
jsonscan_ws(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && JSONSCAN_WS(p[i]))
		i++;
	return i;
}

/*
 * The 8 bytes at p, the first one least significant whatever the byte
 * order, so that the lowest flag of JSONSCAN_SPECIAL is the first byte in
 * the text.  Compilers make this one load on little-endian machines.
 */
static inline uint64_t
jsonscan_load(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

int
json_hex4(const unsigned char *p)
{
	int		v, k;
	unsigned char	c;

	v = 0;
	for (k = 0; k < 4; k++) {
		c = p[k];
		if (JSONSCAN_DIGIT(c))
			v = v << 4 | (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v << 4 | ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return v;
}

/*
 * The string at p[i] (a '"'): returns the offset past its closing quote.
 * Sets *esc if the string holds an escape.
 */
static inline size_t
jsonscan_string(const unsigned char *p, size_t n, size_t i,
    struct jsonscan_err *e, int *esc)
{
	uint64_t	w;
	size_t		start;
	size_t		k;
	int		cp;
	unsigned char	c;

	start = i++;
	for (;;) {
		/*
		 * Plain ASCII, 8 bytes at a time, to the first byte that is
		 * not; byte by byte in the last 7 bytes of the text.
		 */
		for (;;) {
			if (n - i < 8) {
				while (i < n && jsonscan_plain[p[i]])
					i++;
				break;
			}
			if ((w = JSONSCAN_SPECIAL(jsonscan_load(p + i))) != 0) {
				i += (size_t)__builtin_ctzll(w) / 8;
				break;
			}
			i += 8;
		}
		if (i >= n)
			return jsonscan_fail(e, start, "unterminated string");
		c = p[i];
		if (c == '"')
			return i + 1;
		if (c == '\\') {
			*esc = 1;
			if (n - i < 2)
				return jsonscan_fail(e, start,
				    "unterminated string");
			switch (p[i + 1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				i += 2;
				continue;
			case 'u':
				break;
			default:
				return jsonscan_fail(e, i, "invalid escape");
			}
			if (n - i < 6 || (cp = json_hex4(p + i + 2)) == -1)
				return jsonscan_fail(e, i, "invalid escape");
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return jsonscan_fail(e, i,
				    "unpaired surrogate escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - i < 12 || p[i + 6] != '\\' ||
				    p[i + 7] != 'u' ||
				    (cp = json_hex4(p + i + 8)) < 0xdc00 ||
				    cp > 0xdfff)
					return jsonscan_fail(e, i,
					    "unpaired surrogate escape");
				i += 6;
			}
			i += 6;
			continue;
		}
		if (c < 0x20)
			return jsonscan_fail(e, i, c == '\0' ? "NUL byte" :
			    "control character in string");
		if ((k = utf8_seq_len(p + i, n - i)) == 0)
			break;
		i += k;
	}
	return jsonscan_fail(e, i, "invalid UTF-8");
}

/* The number at p[i] (a '-' or a digit): returns the offset past it. */
static inline size_t
jsonscan_number(const unsigned char *p, size_t n, size_t i,
    struct jsonscan_err *e)
{
	if (p[i] == '-')
		i++;
	if (i < n && p[i] == '0') {
		/* No leading zeros: "01" is not two values either. */
		if (++i < n && JSONSCAN_DIGIT(p[i]))
			return jsonscan_fail(e, i, "invalid number");
	} else if (i < n && JSONSCAN_DIGIT(p[i])) {
		while (++i < n && JSONSCAN_DIGIT(p[i]))
			;
	} else
		return jsonscan_fail(e, i, "invalid number");
	if (i < n && p[i] == '.') {
		if (++i >= n || !JSONSCAN_DIGIT(p[i]))
			return jsonscan_fail(e, i, "invalid number");
		while (++i < n && JSONSCAN_DIGIT(p[i]))
			;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		if (++i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !JSONSCAN_DIGIT(p[i]))
			return jsonscan_fail(e, i, "invalid number");
		while (++i < n && JSONSCAN_DIGIT(p[i]))
			;
	}
	return i;
}

/*
 * The member name at p[i] and the ':' after it, with the whitespace
 * around them: returns the offset of the value.
 */
static inline size_t
jsonscan_name(const unsigned char *p, size_t n, size_t i,
    struct jsonscan_err *e)
{
	int	esc;

	if (i >= n || p[i] != '"')
		return jsonscan_unexpected(e, p, n, i, "expected member name");
	if ((i = jsonscan_string(p, n, i, e, &esc)) == JSONSCAN_ERR)
		return JSONSCAN_ERR;
	i = jsonscan_ws(p, n, i);
	if (i >= n || p[i] != ':')
		return jsonscan_unexpected(e, p, n, i, "expected ':'");
	return jsonscan_ws(p, n, i + 1);
}

/*
 * The value at p[i], nested at most maxdepth deep as jq counts (see
 * JSON_MAX_DEPTH): returns the offset past it.  What follows it is the
 * caller's business.
 */
static size_t
jsonscan_value(const unsigned char *p, size_t n, size_t i, size_t maxdepth,
    struct jsonscan_err *e)
{
	unsigned char	stack[JSON_MAX_DEPTH];	/* the closing bytes */
	size_t		depth;
	size_t		objects;	/* '}' in the stack: each, inside
					   a member's value, has its key
					   open too */
	unsigned char	c;
	int		esc;

	depth = objects = 0;
	for (;;) {
		/* A value, its leading whitespace skipped. */
		c = i < n ? p[i] : '\0';
		switch (c) {
		case '"':
			i = jsonscan_string(p, n, i, e, &esc);
			break;
		case '-':
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			i = jsonscan_number(p, n, i, e);
			break;
		case 't':
		case 'n':
			if (n - i < 4 || memcmp(p + i, c == 't' ? "true" :
			    "null", 4) != 0)
				return jsonscan_fail(e, i, "invalid literal");
			i += 4;
			break;
		case 'f':
			if (n - i < 5 || memcmp(p + i, "false", 5) != 0)
				return jsonscan_fail(e, i, "invalid literal");
			i += 5;
			break;
		case '[':
		case '{':
			if (depth + objects >= maxdepth)
				return jsonscan_fail(e, i,
				    "too deeply nested");
			stack[depth++] = c == '[' ? ']' : '}';
			i = jsonscan_ws(p, n, i + 1);
			if (i < n && p[i] == stack[depth - 1]) {
				depth--;
				i++;
				break;
			}
			objects += c == '{';
			if (c == '{' &&
			    (i = jsonscan_name(p, n, i, e)) == JSONSCAN_ERR)
				return JSONSCAN_ERR;
			continue;
		default:
			return jsonscan_unexpected(e, p, n, i,
			    "unexpected character");
		}
		if (i == JSONSCAN_ERR)
			return JSONSCAN_ERR;

		/* After a value: close what it ends, then the next one. */
		for (;;) {
			if (depth == 0)
				return i;
			i = jsonscan_ws(p, n, i);
			if (i < n && p[i] == ',') {
				i = jsonscan_ws(p, n, i + 1);
				if (stack[depth - 1] == '}' &&
				    (i = jsonscan_name(p, n, i, e)) ==
				    JSONSCAN_ERR)
					return JSONSCAN_ERR;
				break;
			}
			if (i >= n || p[i] != stack[depth - 1])
				return jsonscan_unexpected(e, p, n, i,
				    stack[depth - 1] == ']' ?
				    "expected ',' or ']'" :
				    "expected ',' or '}'");
			objects -= stack[--depth] == '}';
			i++;
		}
	}
}

enum json_type
json_validate(const char *s, size_t n, size_t *errpos, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct jsonscan_err	 e;
	size_t			 i, end;

	i = jsonscan_ws(p, n, 0);
	if ((end = jsonscan_value(p, n, i, JSON_MAX_DEPTH, &e)) ==
	    JSONSCAN_ERR)
		goto bad;
	if ((end = jsonscan_ws(p, n, end)) != n) {
		jsonscan_unexpected(&e, p, n, end, "trailing characters");
		goto bad;
	}
	switch (p[i]) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
		return JSON_STRING;
	case 't':
		return JSON_TRUE;
	case 'f':
		return JSON_FALSE;
	case 'n':
		return JSON_NULL;
	default:
		return JSON_NUMBER;
	}

bad:
	if (errpos != NULL)
		*errpos = e.pos;
	if (why != NULL)
		*why = e.why;
	return JSON_INVALID;
}

/*
 * Whether the body p[i..end) of a valid string, escapes decoded, is
 * name[0..len).  Escapes are never shorter than what they stand for.
 */
static int
jsonscan_name_eq(const unsigned char *p, size_t i, size_t end,
    const unsigned char *name, size_t len)
{
	unsigned char	u[4];
	size_t		j, k, ulen;
	int		cp;

	if (end - i < len)
		return 0;
	j = 0;
	while (i < end) {
		if (p[i] != '\\') {
			if (j == len || p[i] != name[j])
				return 0;
			i++;
			j++;
			continue;
		}
		ulen = 1;
		switch (p[i + 1]) {
		case 'b':
			u[0] = '\b';
			break;
		case 'f':
			u[0] = '\f';
			break;
		case 'n':
			u[0] = '\n';
			break;
		case 'r':
			u[0] = '\r';
			break;
		case 't':
			u[0] = '\t';
			break;
		case 'u':
			cp = json_hex4(p + i + 2);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (json_hex4(p + i + 8) - 0xdc00);
				i += 6;
			}
			if (cp < 0x80)
				u[0] = (unsigned char)cp;
			else if (cp < 0x800) {
				u[0] = (unsigned char)(0xc0 | cp >> 6);
				u[1] = (unsigned char)(0x80 | (cp & 0x3f));
				ulen = 2;
			} else if (cp < 0x10000) {
				u[0] = (unsigned char)(0xe0 | cp >> 12);
				u[1] = (unsigned char)(0x80 |
				    (cp >> 6 & 0x3f));
				u[2] = (unsigned char)(0x80 | (cp & 0x3f));
				ulen = 3;
			} else {
				u[0] = (unsigned char)(0xf0 | cp >> 18);
				u[1] = (unsigned char)(0x80 |
				    (cp >> 12 & 0x3f));
				u[2] = (unsigned char)(0x80 |
				    (cp >> 6 & 0x3f));
				u[3] = (unsigned char)(0x80 | (cp & 0x3f));
				ulen = 4;
			}
			i += 4;
			break;
		default:	/* '"', '\\', '/' */
			u[0] = p[i + 1];
			break;
		}
		i += 2;
		/* name[0..len) holds no NUL, so "\u0000" never matches. */
		if (len - j < ulen)
			return 0;
		for (k = 0; k < ulen; k++)
			if (u[k] != name[j + k])
				return 0;
		j += ulen;
	}
	return j == len;
}

int
json_next_member(const char *s, size_t n, size_t *pos, struct json_span *m)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct jsonscan_err	 e;
	size_t			 i;

	if (*pos == 0) {
		i = jsonscan_ws(p, n, 0);
		if (i >= n || p[i] != '{')
			return -1;
		i = jsonscan_ws(p, n, i + 1);
		if (i < n && p[i] == '}')
			goto end;
	} else {
		/* *pos is just past the last member's value. */
		i = jsonscan_ws(p, n, *pos);
		if (i < n && p[i] == '}')
			goto end;
		if (i >= n || p[i] != ',')
			return -1;
		i = jsonscan_ws(p, n, i + 1);
	}
	if (i >= n || p[i] != '"')
		return -1;
	m->name_start = i;
	m->name_escaped = 0;
	if ((i = jsonscan_string(p, n, i, &e, &m->name_escaped)) ==
	    JSONSCAN_ERR)
		return -1;
	m->name_end = i;
	i = jsonscan_ws(p, n, i);
	if (i >= n || p[i] != ':')
		return -1;
	m->value_start = i = jsonscan_ws(p, n, i + 1);
	/* The value is in the object, whose key is open: two levels. */
	if ((i = jsonscan_value(p, n, i, JSON_MAX_DEPTH - 2, &e)) ==
	    JSONSCAN_ERR)
		return -1;
	m->value_end = *pos = i;
	return 1;
end:
	if (jsonscan_ws(p, n, i + 1) != n)
		return -1;
	*pos = n;
	return 0;
}

int
json_member(const char *s, size_t n, const char *name, size_t *vstart,
    size_t *vend)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct json_span	 m;
	size_t			 pos = 0, len = strlen(name), rs = 0, re = 0;
	int			 rc, found = 0, eq;

	while ((rc = json_next_member(s, n, &pos, &m)) == 1) {
		/* The body of the name is p[name_start + 1..name_end - 1). */
		if (m.name_escaped)
			eq = jsonscan_name_eq(p, m.name_start + 1,
			    m.name_end - 1, (const unsigned char *)name, len);
		else
			eq = m.name_end - m.name_start - 2 == len &&
			    memcmp(p + m.name_start + 1, name, len) == 0;
		/* The last of a name counts, as in jq. */
		if (eq) {
			found = 1;
			rs = m.value_start;
			re = m.value_end;
		}
	}
	if (rc < 0)
		return -1;
	if (found) {
		*vstart = rs;
		*vend = re;
	}
	return found;
}

size_t
json_skip(const char *s, size_t n, size_t i)
{
	struct jsonscan_err	e;

	if (i >= n)
		return JSONSCAN_ERR;
	return jsonscan_value((const unsigned char *)s, n, i, JSON_MAX_DEPTH,
	    &e);
}
