/*
 * jvparse: jv trees from checked JSON text.  See jvparse.h.
 *
 * A recursive descent over text json_validate accepted, so the recursion
 * is at most JSON_MAX_DEPTH deep.  Strings without escapes, nearly all of
 * them, go to jv_string_sized straight from the text; numbers to strtod,
 * which rounds correctly as jq's own strtod does (integra never sets a
 * locale, so the decimal point is '.').
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "base/utf8.h"

/* A number longer than this is copied to the heap to be NUL-terminated. */
#define NUMBER_MAX	64

struct parser {
	const char	*s;
	size_t		 n;
	size_t		 i;
	struct buf	 unescaped;	/* a string with escapes, decoded */
};

static jv	value(struct parser *);

static void
ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\n' ||
	    p->s[p->i] == '\r' || p->s[p->i] == '\t'))
		p->i++;
}

/* The escapes of s[i..end) decoded into p->unescaped; -1 if one is bad. */
static int
unescape(struct parser *p, size_t i, size_t end)
{
	const char *s = p->s;
	const unsigned char *u = (const unsigned char *)s;
	char utf8[4];
	int cp, lo;

	buf_reset(&p->unescaped);
	while (i < end) {
		size_t run = i;

		while (run < end && s[run] != '\\')
			run++;
		buf_add(&p->unescaped, s + i, run - i);
		if ((i = run) == end)
			break;
		if (i + 1 >= end)
			return -1;
		switch (s[i + 1]) {
		case '"': case '\\': case '/':
			buf_addc(&p->unescaped, s[i + 1]);
			break;
		case 'b': buf_addc(&p->unescaped, '\b'); break;
		case 'f': buf_addc(&p->unescaped, '\f'); break;
		case 'n': buf_addc(&p->unescaped, '\n'); break;
		case 'r': buf_addc(&p->unescaped, '\r'); break;
		case 't': buf_addc(&p->unescaped, '\t'); break;
		case 'u':
			if (i + 6 > end || (cp = json_hex4(u + i + 2)) < 0)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* A high surrogate: the low one follows. */
				if (i + 12 > end || s[i + 6] != '\\' ||
				    s[i + 7] != 'u' ||
				    (lo = json_hex4(u + i + 8)) < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			buf_add(&p->unescaped, utf8, utf8_encode((unsigned int)cp, utf8));
			i += 4;
			break;
		default:
			return -1;
		}
		i += 2;
	}
	return 0;
}

/* The string whose opening quote is at s[i]. */
static jv
string(struct parser *p)
{
	const char *s = p->s;
	size_t start = ++p->i;
	int escaped = 0;

	for (; p->i < p->n && s[p->i] != '"'; p->i++)
		if (s[p->i] == '\\') {
			escaped = 1;
			if (++p->i == p->n)
				break;
		}
	if (p->i >= p->n)
		return jv_invalid();
	p->i++;
	if (!escaped)
		return jv_string_sized(s + start, (int)(p->i - 1 - start));
	if (unescape(p, start, p->i - 1) != 0)
		return jv_invalid();
	return jv_string_sized(p->unescaped.data, (int)p->unescaped.len);
}

static jv
number(struct parser *p)
{
	char small[NUMBER_MAX + 1], *text, *end;
	size_t start = p->i, len;
	double d;
	int whole;

	while (p->i < p->n && strchr("+-0123456789.eE", p->s[p->i]) != NULL &&
	    p->s[p->i] != '\0')
		p->i++;
	if ((len = p->i - start) == 0)
		return jv_invalid();
	text = len <= NUMBER_MAX ? small : xmalloc(len + 1);
	memcpy(text, p->s + start, len);
	text[len] = '\0';
	d = strtod(text, &end);
	whole = end == text + len;
	if (text != small)
		free(text);
	return whole ? jv_number(d) : jv_invalid();
}

static jv
literal(struct parser *p, const char *word, jv v)
{
	size_t len = strlen(word);

	if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0) {
		jv_free(v);
		return jv_invalid();
	}
	p->i += len;
	return v;
}

/* The array or object at s[i]; close is ']' or '}'. */
static jv
container(struct parser *p, char close)
{
	jv c = close == ']' ? jv_array() : jv_object(), name, v;

	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return c;
	}
	for (;;) {
		ws(p);
		if (close == '}') {
			if (p->i >= p->n || p->s[p->i] != '"')
				break;
			if (!jv_is_valid(name = string(p)))
				break;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				jv_free(name);
				break;
			}
			p->i++;
			if (!jv_is_valid(v = value(p))) {
				jv_free(name);
				break;
			}
			c = jv_object_set(c, name, v);
		} else {
			if (!jv_is_valid(v = value(p)))
				break;
			c = jv_array_append(c, v);
		}
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			return c;
		}
		break;
	}
	jv_free(c);
	return jv_invalid();
}

static jv
value(struct parser *p)
{
	ws(p);
	if (p->i >= p->n)
		return jv_invalid();
	switch (p->s[p->i]) {
	case '{':
		return container(p, '}');
	case '[':
		return container(p, ']');
	case '"':
		return string(p);
	case 't':
		return literal(p, "true", jv_true());
	case 'f':
		return literal(p, "false", jv_false());
	case 'n':
		return literal(p, "null", jv_null());
	default:
		return number(p);
	}
}

jv
jvparse(const char *s, size_t n)
{
	struct parser p = { .s = s, .n = n, .unescaped = BUF_INIT };
	jv v;

	v = value(&p);
	ws(&p);
	if (jv_is_valid(v) && p.i != n) {
		jv_free(v);
		v = jv_invalid();
	}
	buf_release(&p.unescaped);
	return v;
}

jv
jvparse_text(const char *s, size_t n)
{
	const char *why;
	size_t at;

	if (json_validate(s, n, &at, &why) == JSON_INVALID)
		return jv_invalid_with_msg(jv_string_fmt("%s at byte %zu", why,
		    at + 1));
	return jvparse(s, n);
}
