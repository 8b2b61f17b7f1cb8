/*
 * redact: makes a short, safe excerpt of a response body for the journal.
 *
 * One pass over the input.  Whether a span is personal data is decided on
 * the whole input, not on the part that fits in the excerpt, so that a
 * cut never leaves the first digits of a phone number or the start of an
 * address in clear.  Three kinds of span become "***":
 *
 *   - e-mail addresses: around each "@", the local part before it and a
 *     domain with a dot after it;
 *   - runs of 8 or more digits, with up to 3 of the separators . - space
 *     ( ) between two digits;
 *   - the value (string, number, object or array) of a JSON member whose
 *     name contains a secret word, written as the string "***".
 *
 * The quotes and backslash escapes of JSON strings are tracked so that a
 * member name is told from a string value; the rules above apply inside
 * and outside strings alike, so a body that is not JSON is masked too.
 */
#include <string.h>

#include "transport/redact.h"
#include "base/utf8.h"

#define REDACT_MASK	"***"
#define REDACT_MASK_STR	"\"***\""
#define REDACT_MIN_RUN	8
#define REDACT_MAX_SEP	3
#define REDACT_NAME_MAX	128

#define REDACT_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define REDACT_ALNUM(c)	(REDACT_DIGIT(c) || \
			    ((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z'))
#define REDACT_HEX(c)	(REDACT_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') || \
			    ((c) >= 'A' && (c) <= 'F'))
#define REDACT_SEP(c)	((c) == '.' || (c) == '-' || (c) == ' ' || \
			    (c) == '(' || (c) == ')')
/* Bytes of UTF-8 characters count as letters in addresses. */
#define REDACT_LOCAL(c)	(REDACT_ALNUM(c) || (c) >= 0x80 || \
			    (c) == '.' || (c) == '_' || (c) == '%' || \
			    (c) == '+' || (c) == '-')
#define REDACT_DOMAIN(c) (REDACT_ALNUM(c) || (c) >= 0x80 || (c) == '.' || \
			    (c) == '-')

static const char *const redact_secret_words[] = {
	"token", "secret", "password", "passwd", "authorization", "api_key",
	"apikey", "access_token", "cpf", "phone", "email", "name"
};

struct redact_out {
	char	*p;
	size_t	 len;
	size_t	 max;
	int	 full;
};

/*
 * Appends s[0..n).  If it does not fit, a partial copy is made only when
 * cut_ok (ASCII text and masks), and the excerpt is full.
 */
static void
redact_put(struct redact_out *o, const char *s, size_t n, int cut_ok)
{
	size_t	room;

	room = o->max - o->len;
	if (n > room) {
		if (!cut_ok)
			n = 0;
		else
			n = room;
		o->full = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	if (o->len == o->max)
		o->full = 1;
}

/*
 * The next e-mail address at or after from: [*sp, *ep), or n, n.  Each
 * byte is looked at a bounded number of times: the local part stops at
 * the previous "@", the domain at the next one.
 */
static void
redact_email_next(const unsigned char *in, size_t n, size_t from, size_t *sp,
    size_t *ep)
{
	const unsigned char *at;
	size_t	 a, s, e, k, bs;
	int	 dot;

	while (from < n && (at = memchr(in + from, '@', n - from)) != NULL) {
		a = (size_t)(at - in);
		for (s = a; s > from && REDACT_LOCAL(in[s - 1]); s--)
			continue;
		/*
		 * In JSON text "\njohn@example.com" the "n" belongs to an
		 * escape, if an odd number of backslashes comes before it.
		 */
		for (bs = 0; s - bs > from && in[s - bs - 1] == '\\'; bs++)
			continue;
		if (bs % 2 == 1 && s < a)
			s++;
		for (e = a + 1; e < n && REDACT_DOMAIN(in[e]); e++)
			continue;
		while (e > a + 1 && (in[e - 1] == '.' || in[e - 1] == '-'))
			e--;
		dot = 0;
		if (e > a + 1 && in[a + 1] != '.' && in[a + 1] != '-')
			for (k = a + 2; k < e; k++)
				if (in[k] == '.')
					dot = 1;
		if (s < a && dot) {
			*sp = s;
			*ep = e;
			return;
		}
		from = a + 1;
	}
	*sp = *ep = n;
}

/* The index of the quote closing the string opened at in[i], or n. */
static size_t
redact_string_end(const unsigned char *in, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (in[i] == '\\')
			i++;
		else if (in[i] == '"')
			return i;
	}
	return n;
}

/*
 * The end of the JSON value at in[v] if it is a string, a number, an
 * object or an array (an unterminated one runs to the end), else v.
 */
static size_t
redact_value_end(const unsigned char *in, size_t n, size_t v)
{
	size_t	depth, q;

	if (v >= n)
		return v;
	if (in[v] == '"') {
		q = redact_string_end(in, n, v);
		return q < n ? q + 1 : n;
	}
	if (in[v] == '-' || REDACT_DIGIT(in[v])) {
		while (v < n && (REDACT_DIGIT(in[v]) || in[v] == '-' ||
		    in[v] == '+' || in[v] == '.' || in[v] == 'e' ||
		    in[v] == 'E'))
			v++;
		return v;
	}
	if (in[v] != '{' && in[v] != '[')
		return v;
	for (depth = 0; v < n; v++) {
		if (in[v] == '"')
			v = redact_string_end(in, n, v);
		else if (in[v] == '{' || in[v] == '[')
			depth++;
		else if ((in[v] == '}' || in[v] == ']') && --depth == 0)
			return v + 1;
	}
	return n;
}

/* 1 if a member name contains a secret word, in any case. */
static int
redact_secret_name(const unsigned char *s, size_t n)
{
	char	 low[REDACT_NAME_MAX + 1];
	size_t	 i;

	/* Member names are short; a longer one is judged by its start. */
	if (n > REDACT_NAME_MAX)
		n = REDACT_NAME_MAX;
	for (i = 0; i < n; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(redact_secret_words) /
	    sizeof(redact_secret_words[0]); i++)
		if (strstr(low, redact_secret_words[i]) != NULL)
			return 1;
	return 0;
}

/*
 * If the string opened at in[i] is a member name with a secret word,
 * returns where its value starts and sets *vend; else returns n.
 */
static size_t
redact_secret_member(const unsigned char *in, size_t n, size_t i,
    size_t *vend)
{
	size_t	q, k;

	q = redact_string_end(in, n, i);
	if (q == n)
		return n;
	for (k = q + 1; k < n && (in[k] == ' ' || in[k] == '\t' ||
	    in[k] == '\r' || in[k] == '\n'); k++)
		continue;
	if (k == n || in[k] != ':' ||
	    !redact_secret_name(in + i + 1, q - i - 1))
		return n;
	for (k++; k < n && (in[k] == ' ' || in[k] == '\t' ||
	    in[k] == '\r' || in[k] == '\n'); k++)
		continue;
	if ((*vend = redact_value_end(in, n, k)) == k)
		return n;
	return k;
}

/*
 * The end of the run of digits starting at in[i], before lim; *ndig gets
 * the number of digits.  Separators count only between two digits.
 */
static size_t
redact_digits_end(const unsigned char *in, size_t lim, size_t i,
    size_t *ndig)
{
	size_t	end, k;

	*ndig = 0;
	end = i;
	while (i < lim) {
		if (REDACT_DIGIT(in[i])) {
			(*ndig)++;
			end = ++i;
			continue;
		}
		for (k = i; k < lim && k - i < REDACT_MAX_SEP &&
		    REDACT_SEP(in[k]); k++)
			continue;
		if (k == i || k == lim || !REDACT_DIGIT(in[k]))
			break;
		i = k;
	}
	return end;
}

/* Copies the character at in[i]; returns its length.  NUL and invalid
 * UTF-8 bytes become "?". */
static size_t
redact_char(struct redact_out *o, const unsigned char *in, size_t n,
    size_t i)
{
	size_t	len;

	if (in[i] < 0x80) {
		redact_put(o, in[i] == '\0' ? "?" : (const char *)in + i, 1, 1);
		return 1;
	}
	if (in[i] >= 0xc2 && in[i] <= 0xdf)
		len = 2;
	else if (in[i] >= 0xe0 && in[i] <= 0xef)
		len = 3;
	else if (in[i] >= 0xf0 && in[i] <= 0xf4)
		len = 4;
	else
		len = 0;
	if (len > 0 && len <= n - i && utf8_valid((const char *)in + i, len)) {
		redact_put(o, (const char *)in + i, len, 0);
		return len;
	}
	redact_put(o, "?", 1, 1);
	return 1;
}

size_t
redact_excerpt(const char *in_, size_t n, char *out, size_t outsz,
    size_t max)
{
	const unsigned char *in = (const unsigned char *)in_;
	struct redact_out o;
	size_t	 i, es, ee, vs, ve, end, lim, ndig, len;
	int	 instr;

	if (outsz == 0)
		return 0;
	if (max >= outsz)
		max = outsz - 1;
	o.p = out;
	o.len = 0;
	o.max = max;
	o.full = max == 0;

	redact_email_next(in, n, 0, &es, &ee);
	vs = ve = n;		/* the pending secret member value */
	instr = 0;
	i = 0;
	while (i < n && !o.full) {
		if (es < i)
			redact_email_next(in, n, i, &es, &ee);
		/* Cannot happen (nothing jumps over a value start), but a
		 * missed one must not stop the masking of later members. */
		if (vs < i)
			vs = ve = n;
		if (i == es) {
			redact_put(&o, REDACT_MASK, strlen(REDACT_MASK), 1);
			i = ee;
			continue;
		}
		if (i == vs) {
			redact_put(&o, REDACT_MASK_STR, strlen(REDACT_MASK_STR),
			    1);
			i = ve;
			vs = ve = n;
			instr = 0;
			continue;
		}
		if (in[i] == '"') {
			if (!instr && vs == n)
				vs = redact_secret_member(in, n, i, &ve);
			instr = !instr;
			redact_put(&o, "\"", 1, 1);
			i++;
		} else if (in[i] == '\\' && instr) {
			/* An escape, never split: "\uXXXX" or "\x". */
			len = 2;
			if (n - i >= 6 && in[i + 1] == 'u' &&
			    REDACT_HEX(in[i + 2]) && REDACT_HEX(in[i + 3]) &&
			    REDACT_HEX(in[i + 4]) && REDACT_HEX(in[i + 5]))
				len = 6;
			if (len > n - i)
				len = n - i;
			if (len > es - i)
				len = es - i;
			/*
			 * Copied whole, so that an escaped quote does not end
			 * the string; a NUL or a non-ASCII byte after the
			 * backslash is left to the other rules.
			 */
			if (len >= 2 && in[i + 1] < 0x80 && in[i + 1] != '\0') {
				redact_put(&o, (const char *)in + i, len, 0);
				i += len;
			} else {
				redact_put(&o, "\\", 1, 1);
				i++;
			}
		} else if (REDACT_DIGIT(in[i])) {
			lim = es < vs ? es : vs;
			end = redact_digits_end(in, lim, i, &ndig);
			if (ndig >= REDACT_MIN_RUN)
				redact_put(&o, REDACT_MASK, strlen(REDACT_MASK),
				    1);
			else
				redact_put(&o, (const char *)in + i, end - i,
				    1);
			i = end;
		} else
			i += redact_char(&o, in, n, i);
	}
	out[o.len] = '\0';
	return o.len;
}
