/*
 * utf8: strict UTF-8 validation (RFC 3629): no overlong forms, no
 * surrogates, nothing above U+10FFFF, no NUL byte.
 *
 * Ownership: nothing here allocates; the functions only read what they are
 * given, and utf8_encode writes into the caller's out.
 */
#ifndef INTEGRA_BASE_UTF8_H
#define INTEGRA_BASE_UTF8_H

#include <stddef.h>

/*
 * The length (2 to 4) of the valid multibyte sequence that starts p[0..n),
 * whose first byte is 0x80 or above, or 0 if there is none: the table of
 * RFC 3629 section 4, where the lead byte sets the length and the range of
 * the second byte, which is where overlong forms, surrogates and code
 * points over U+10FFFF are caught.  Inline, because both validators (this
 * module's and jsonscan's) call it for every such byte.
 */
static inline size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;	/* 0x80-0xc1 (stray or overlong), 0xf5-0xff */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Returns 1 if s[0..n) is valid UTF-8 without NUL bytes, 0 otherwise. */
int	utf8_valid(const char *s, size_t n);
/* The length of the longest prefix of s[0..n) that is at most max bytes and
 * does not cut a UTF-8 sequence in two. */
size_t	utf8_prefix(const char *s, size_t n, size_t max);
/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 in
 * out; returns its length, 1 to 4. */
size_t	utf8_encode(unsigned int cp, char out[4]);

#endif
