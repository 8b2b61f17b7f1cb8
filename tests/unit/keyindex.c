/*
 * keyindex: unit tests of lib/journal/keyindex: the idempotency index's
 * form of a key.
 */
#include <string.h>

#include "journal/keyindex.h"

#include "tap.h"

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

int
main(void)
{
	test_key_index();
	return tap_done();
}
