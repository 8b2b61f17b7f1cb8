/*
 * keyindex: the form an idempotency key takes in the journal's index.
 * See keyindex.h.
 */
#include <string.h>
#include <sys/uio.h>

#include "base/digest.h"
#include "journal/keyindex.h"

#define UUID_TEXT_LEN	36
#define UUID_DIGITS	32
#define SHA256_PREFIX	"sha256:"
#define SHA256_DIGITS	64
#define HEX_MIN		16	/* shorter hex keys gain too little packed */
#define KEY_DIGEST_LEN	16	/* bytes of SHA-256 kept: 128 bits */

_Static_assert(KEY_INDEX_RETAINED_LEN == 1 + KEY_DIGEST_LEN,
    "keyindex.h: 'd' and the digest");

enum hexcase { HEX_NONE, HEX_LOWER, HEX_UPPER };

/* What each byte is, as a hex digit. */
#define DIGIT	1
#define LOWER	2
#define UPPER	4
static const unsigned char hexclass[256] = {
	['0'] = DIGIT, ['1'] = DIGIT, ['2'] = DIGIT, ['3'] = DIGIT,
	['4'] = DIGIT, ['5'] = DIGIT, ['6'] = DIGIT, ['7'] = DIGIT,
	['8'] = DIGIT, ['9'] = DIGIT,
	['a'] = LOWER, ['b'] = LOWER, ['c'] = LOWER, ['d'] = LOWER,
	['e'] = LOWER, ['f'] = LOWER,
	['A'] = UPPER, ['B'] = UPPER, ['C'] = UPPER, ['D'] = UPPER,
	['E'] = UPPER, ['F'] = UPPER,
};

/*
 * The case of s[0..len) if it is all hex digits of one case, HEX_NONE if
 * not.  Digits alone count as lower case, so that a key has one form only.
 */
static enum hexcase
hexcase(const char *s, size_t len)
{
	unsigned char seen = 0, c;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((c = hexclass[(unsigned char)s[i]]) == 0)
			return HEX_NONE;
		seen |= c;
	}
	if ((seen & (LOWER | UPPER)) == (LOWER | UPPER))
		return HEX_NONE;
	return seen & UPPER ? HEX_UPPER : HEX_LOWER;
}

/*
 * The value of a hex digit: the low four bits of '0'-'9', 'a'-'f' and
 * 'A'-'F' are 0-9, 1-6 and 1-6, and only the letters have bit 6 set.
 */
#define NIBBLE(c)	(((c) & 0xf) + ((c) >> 6) * 9)

/* The hex digits s[0..len), len even, as len / 2 bytes in out. */
static size_t
pack_hex(const char *s, size_t len, unsigned char *out)
{
	size_t i;

	for (i = 0; i < len; i += 2)
		out[i / 2] = (unsigned char)(NIBBLE(s[i]) << 4 |
		    NIBBLE(s[i + 1]));
	return len / 2;
}

/* A UUID's 32 hex digits in digits, and their case; HEX_NONE if s is none. */
static enum hexcase
uuid_digits(const char *s, size_t len, char digits[UUID_DIGITS])
{
	size_t i, n = 0;

	if (len != UUID_TEXT_LEN)
		return HEX_NONE;
	for (i = 0; i < len; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return HEX_NONE;
		} else
			digits[n++] = s[i];
	return hexcase(digits, n);
}

size_t
key_index(const char *key, size_t len, unsigned char *out)
{
	char digits[UUID_DIGITS];
	size_t plen = strlen(SHA256_PREFIX);
	enum hexcase c;

	if ((c = uuid_digits(key, len, digits)) != HEX_NONE) {
		out[0] = c == HEX_LOWER ? 'u' : 'U';
		return 1 + pack_hex(digits, UUID_DIGITS, out + 1);
	}
	if (len == plen + SHA256_DIGITS &&
	    memcmp(key, SHA256_PREFIX, plen) == 0 &&
	    hexcase(key + plen, SHA256_DIGITS) == HEX_LOWER) {
		/*
		 * Not the digits themselves: whoever may send a key could
		 * then choose one that shares its first half with the hash
		 * of a body yet to come.
		 */
		struct iovec iov = { (void *)key, len };
		unsigned char md[DIGEST_LEN];

		digest_sha256(&iov, 1, md);
		out[0] = 's';
		memcpy(out + 1, md, KEY_DIGEST_LEN);
		return 1 + KEY_DIGEST_LEN;
	}
	if (len >= HEX_MIN && len % 2 == 0 &&
	    (c = hexcase(key, len)) != HEX_NONE) {
		out[0] = c == HEX_LOWER ? 'x' : 'X';
		return 1 + pack_hex(key, len, out + 1);
	}
	out[0] = 't';
	memcpy(out + 1, key, len);
	return 1 + len;
}

void
key_index_retained(const char *source, const char *key, size_t len,
    unsigned char out[KEY_INDEX_RETAINED_LEN])
{
	struct iovec iov[2] = {
		{ (void *)source, strlen(source) + 1 },
		{ (void *)key, len },
	};
	unsigned char md[DIGEST_LEN];

	digest_sha256(iov, 2, md);
	out[0] = 'd';
	memcpy(out + 1, md, KEY_DIGEST_LEN);
}
