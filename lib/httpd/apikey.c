/*
 * apikey: API keys.  See apikey.h.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include "httpd/apikey.h"
#include "base/digest.h"

static const char *const known_scopes[] = {
	"events:write", "events:read", "admin"
};

void
apikey_new(char out[APIKEY_LEN + 1])
{
	static const char b64url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33];
	size_t i, got = 0;
	ssize_t n;
	char *p;

	/* 33 bytes for 44 characters; the key keeps 43 (256 bits). */
	while (got < sizeof(r)) {
		if ((n = getrandom(r + got, sizeof(r) - got, 0)) < 0)
			abort();	/* only before the kernel has entropy */
		got += (size_t)n;
	}
	memcpy(out, APIKEY_PREFIX, 4);
	p = out + 4;
	for (i = 0; i < sizeof(r); i += 3) {
		unsigned v = (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 |
		    r[i + 2];

		*p++ = b64url[v >> 18 & 63];
		*p++ = b64url[v >> 12 & 63];
		*p++ = b64url[v >> 6 & 63];
		*p++ = b64url[v & 63];
	}
	out[APIKEY_LEN] = '\0';
	explicit_bzero(r, sizeof(r));
}

void
apikey_hash(const char *key, unsigned char out[JOURNAL_KEY_HASH_LEN])
{
	struct iovec v = { (void *)key, strlen(key) };

	digest_sha256(&v, 1, out);
}

/* Whether the word s[0..n) is in the space-separated list. */
static int
has_word(const char *list, const char *s, size_t n)
{
	const char *p = list, *end;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if ((size_t)(end - p) == n && n > 0 && strncmp(p, s, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}

int
apikey_grants(const char *scopes, const char *scope)
{
	return has_word(scopes, "admin", 5) ||
	    has_word(scopes, scope, strlen(scope));
}

int
apikey_scopes_valid(const char *s)
{
	const char *end;
	size_t i, n = 0;

	for (; *s != '\0'; s = end) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		end = s + strcspn(s, " ");
		for (i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]);
		    i++)
			if (strlen(known_scopes[i]) == (size_t)(end - s) &&
			    strncmp(known_scopes[i], s, (size_t)(end - s)) == 0)
				break;
		if (i == sizeof(known_scopes) / sizeof(known_scopes[0]))
			return 0;
		n++;
	}
	return n > 0;
}
