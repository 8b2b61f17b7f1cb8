/*
 * utf8: unit tests of lib/base/utf8: UTF-8 validation and prefixes.
 */
#include <string.h>

#include "base/utf8.h"

#include "tap.h"

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

int
main(void)
{
	test_utf8();
	return tap_done();
}
