/*
 * utf8: strict UTF-8 validation (RFC 3629).
 */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

#define UTF8_HIGH	UINT64_C(0x8080808080808080)
#define UTF8_ONES	UINT64_C(0x0101010101010101)

/* A continuation byte, 10xxxxxx. */
#define UTF8_CONT(c)	(((c) & 0xc0) == 0x80)

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i;
	uint64_t	 w;
	unsigned char	 c, lo, hi;

	i = 0;
	while (i < n) {
		/*
		 * ASCII runs, 8 bytes at a time.  memcpy keeps the load legal
		 * whatever the alignment; the compiler makes it one move.
		 * (w - ONES) & ~w & HIGH is non-zero iff a byte of w is NUL.
		 */
		while (n - i >= 8) {
			memcpy(&w, p + i, 8);
			if (w & UTF8_HIGH)
				break;
			if ((w - UTF8_ONES) & ~w & UTF8_HIGH)
				return 0;
			i += 8;
		}
		if (i >= n)
			break;
		c = p[i];
		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		/*
		 * The table of RFC 3629 section 4: the lead byte sets the
		 * length and the range of the second byte, which is where
		 * overlong forms, surrogates and code points over U+10FFFF
		 * are caught.
		 */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			if (n - i < 2 || !UTF8_CONT(p[i + 1]))
				return 0;
			i += 2;
			continue;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
			if (n - i < 3 || p[i + 1] < lo || p[i + 1] > hi ||
			    !UTF8_CONT(p[i + 2]))
				return 0;
			i += 3;
			continue;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
			if (n - i < 4 || p[i + 1] < lo || p[i + 1] > hi ||
			    !UTF8_CONT(p[i + 2]) || !UTF8_CONT(p[i + 3]))
				return 0;
			i += 4;
			continue;
		}
		/* 0x80-0xc1 (stray continuation, overlong lead), 0xf5-0xff. */
		return 0;
	}
	return 1;
}

size_t
utf8_prefix(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 j, len;

	if (n <= max)
		return n;
	if (max == 0)
		return 0;
	/*
	 * Find the lead byte of the sequence holding the last byte kept (at
	 * most 3 continuation bytes back) and drop that sequence if it does
	 * not end by max.  Invalid bytes count as sequences of one.
	 */
	j = max - 1;
	while (j > 0 && max - 1 - j < 3 && UTF8_CONT(p[j]))
		j--;
	if (p[j] >= 0xf0 && p[j] <= 0xf7)
		len = 4;
	else if (p[j] >= 0xe0 && p[j] <= 0xef)
		len = 3;
	else if (p[j] >= 0xc0 && p[j] <= 0xdf)
		len = 2;
	else
		len = 1;
	return j + len > max ? j : max;
}
