/*
 * utf8: strict UTF-8 validation (RFC 3629).
 */
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

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
	unsigned char	 c;
	size_t		 k;

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
		if ((k = utf8_seq_len(p + i, n - i)) == 0)
			return 0;
		i += k;
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

size_t
utf8_encode(unsigned int cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
