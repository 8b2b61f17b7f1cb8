/*
 * jsonscan: unit tests of lib/json/jsonscan: JSON validated, skipped and
 * its members found without a tree, against a table, the strict checker
 * (tap.c) and jq 1.6; and lib/json/jvparse on the same texts, against jq's
 * own parser.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"

#include "tap.h"

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
	diag("json_validate accepts what jq 1.6 rejects%s: %s",
	    verdict == JQ_TOODEEP ? " as too deep" : "", show(s, n));
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
	int		 good, depth, objects, max;

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

	/* jq counts an object's key too: half as many objects as arrays. */
	for (objects = 0; objects <= 1; objects++) {
		max = objects ? JSON_MAX_DEPTH / 2 : JSON_MAX_DEPTH;
		for (depth = max; depth <= max + 1; depth++) {
			nest(&b, depth, objects);
			pos = 0;
			why = "";
			t = validate(b.data, b.len, &pos, &why);
			if (depth <= max)
				good = t == (objects ? JSON_OBJECT :
				    JSON_ARRAY) && jq_verdict(b.data, b.len) ==
				    JQ_VALID;
			else
				good = t == JSON_INVALID && pos == (size_t)
				    (objects ? 5 : 1) * max &&
				    strcmp(why, "too deeply nested") == 0 &&
				    jq_verdict(b.data, b.len) == JQ_TOODEEP;
			ok(good, "jsonscan: %s nested %d deep is %s, as in"
			    " jq 1.6", objects ? "objects" : "arrays", depth,
			    depth <= max ? "valid" : "too deeply nested");
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

/* The strings "<a * 20 with bytes set>" against the strict checker (tap.c),
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

	/* The object counts in the depth, and its open key too. */
	for (len = JSON_MAX_DEPTH - 2; len <= JSON_MAX_DEPTH - 1; len++) {
		buf_reset(&b);
		buf_adds(&b, "{\"a\":");
		for (i = 0; i < len; i++)
			buf_addc(&b, '[');
		for (i = 0; i < len; i++)
			buf_addc(&b, ']');
		buf_addc(&b, '}');
		rc = member(b.data, b.len, "a", &vs, &ve);
		ok(len < JSON_MAX_DEPTH - 1 ? rc == 1 && vs == 5 &&
		    ve == b.len - 1 && validate(b.data, b.len, NULL, NULL) ==
		    JSON_OBJECT : rc == -1 && validate(b.data, b.len, NULL,
		    NULL) == JSON_INVALID, "jsonscan: member, %zu deep in "
		    "an object, is %s", len, len < JSON_MAX_DEPTH - 1 ?
		    "found" : "too deeply nested");
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

int
main(void)
{
	test_jsonscan_validate();
	test_jsonscan_sweep();
	test_jsonscan_jq();
	test_jsonscan_member();
	test_jsonscan_next_member();
	test_jsonscan_skip();
	return tap_done();
}
