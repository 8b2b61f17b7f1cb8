/*
 * link: signed links.  See link.h.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buf.h"
#include "rules/link.h"

#define MAC_LEN		32
#define MEMBERS_MAX	32	/* in a link's query */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * s[0..n) decoded as a web server decodes it: in a query (plus) '+' is a
 * space, in a path it stays '+'; then %XX.
 */
static char *
decode(const char *s, size_t n, int plus)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+' && plus)
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < n &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static int
by_name(const void *a, const void *b)
{
	const struct link_member *m = a, *n = b;
	int c = strcmp(m->name, n->name);

	return c != 0 ? c : strcmp(m->value, n->value);
}

/*
 * The signature of path and m[0..n) (sorted here) in sig, base64url; -1
 * if a name holds '=' or a line break, or a value a line break, which
 * would make two sets of members sign alike.
 */
static int
signature(const char *secret, size_t secretlen, const char *path,
    struct link_member *m, size_t n, char sig[LINK_SIG_LEN + 1])
{
	unsigned char mac[MAC_LEN], b64[48];
	unsigned int maclen = 0;
	struct buf text = BUF_INIT;
	size_t i;

	if (strchr(path, '\n') != NULL)
		return -1;
	qsort(m, n, sizeof(*m), by_name);
	buf_adds(&text, path);
	buf_addc(&text, '\n');
	for (i = 0; i < n; i++) {
		if (strpbrk(m[i].name, "=\n") != NULL ||
		    strchr(m[i].value, '\n') != NULL) {
			buf_release(&text);
			return -1;
		}
		buf_addf(&text, "%s=%s\n", m[i].name, m[i].value);
	}
	HMAC(EVP_sha256(), secret, (int)secretlen,
	    (const unsigned char *)text.data, text.len, mac, &maclen);
	buf_release(&text);
	EVP_EncodeBlock(b64, mac, MAC_LEN);	/* 44 characters, one '=' */
	for (i = 0; i < LINK_SIG_LEN; i++)
		sig[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' :
		    (char)b64[i];
	sig[LINK_SIG_LEN] = '\0';
	return 0;
}

int
link_sign(const char *secret, size_t secretlen, const char *url,
    struct buf *out)
{
	struct link_member m[MEMBERS_MAX];
	const char *p, *q, *end, *amp, *eq;
	char sig[LINK_SIG_LEN + 1], *path;
	size_t n = 0, i;
	int rc = -1;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return -1;
	/* The host ends at the path, or at a query with no path. */
	p += strcspn(p, "/?#");
	if (*p != '/' || strpbrk(url, "# \t\r\n") != NULL)
		return -1;
	q = strchr(p, '?');
	path = decode(p, q != NULL ? (size_t)(q - p) : strlen(p), 0);
	for (end = q; end != NULL && *end != '\0'; end = amp) {
		end++;
		amp = end + strcspn(end, "&");
		/*
		 * An empty member is one, named "", as the server takes it;
		 * but not at the end, where the server drops it.
		 */
		if (amp == end && *amp == '\0')
			break;
		if (n == MEMBERS_MAX)
			goto out;	/* more than a link may have */
		eq = memchr(end, '=', (size_t)(amp - end));
		m[n].name = decode(end, (size_t)((eq != NULL ? eq : amp) -
		    end), 1);
		m[n].value = eq != NULL ? decode(eq + 1, (size_t)(amp - eq -
		    1), 1) : decode("", 0, 1);
		n++;
		if (strcmp(m[n - 1].name, LINK_SIG) == 0)
			goto out;
	}
	if (signature(secret, secretlen, path, m, n, sig) != 0)
		goto out;
	buf_adds(out, url);
	buf_adds(out, q == NULL ? "?" : q[1] == '\0' ||
	    url[strlen(url) - 1] == '&' ? "" : "&");
	buf_addf(out, "%s=%s", LINK_SIG, sig);
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free((char *)m[i].name);
		free((char *)m[i].value);
	}
	free(path);
	return rc;
}

int
link_check(const char *secret, size_t secretlen, const char *path,
    const struct link_member *m, size_t n, const char *sig)
{
	struct link_member sorted[MEMBERS_MAX];
	char want[LINK_SIG_LEN + 1];

	if (n > MEMBERS_MAX || strlen(sig) != LINK_SIG_LEN)
		return 0;
	memcpy(sorted, m, n * sizeof(*m));
	if (signature(secret, secretlen, path, sorted, n, want) != 0)
		return 0;
	return CRYPTO_memcmp(want, sig, LINK_SIG_LEN) == 0;
}
