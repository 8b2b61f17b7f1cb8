/*
 * link: signed links (link.h), made and taken back as the receiver takes
 * them.  The first byte picks the signature's character to change, the
 * second how many bytes after it are the secret; the rest, up to a NUL,
 * is the URL.  link_sign signs exactly an http(s) URL with a path (no
 * blank or '#', at most 32 members, none "sig", no name with '=', no line
 * break decoded) and appends it to out with "sig=" and 43 base64url
 * characters.  Read back as the receiver's web server reads it (the path
 * %XX-decoded, the members '+' and %XX, an empty one ""), link_check
 * takes the signature, and refuses it with another secret, path, member,
 * set of members or signature.  link_check on the URL as given, whatever
 * its path, members and "sig", is 0 or 1.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/link.h"

#include "fuzz.h"

#define MEMBERS_MAX	32	/* link.c's, which link.h does not say */
#define READ_MAX	40	/* members read here, past that */
#define OUT_BEFORE	"before:"	/* what out holds before link_sign */
#define BASE64URL	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			    "abcdefghijklmnopqrstuvwxyz0123456789-_"

/* A link as a web server reads it. */
struct link {
	char			*path;
	struct link_member	 m[READ_MAX];	/* but sig */
	size_t			 n;
	int			 overflow;	/* more than READ_MAX */
	char			*sig;		/* the last one */
	int			 nsig;
};

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) with each %XX decoded, and each '+' a space before if plus. */
static char *
decode(const char *s, size_t n, int plus)
{
	char	*d, *o;
	size_t	 i;

	o = d = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (i + 2 < n && s[i] == '%' && hex(s[i + 1]) >= 0 &&
		    hex(s[i + 2]) >= 0) {
			*o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else
			*o++ = plus && s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return d;
}

/*
 * Reads url into l as the receiver's web server (libmicrohttpd 0.9.75)
 * does: the path after the authority, '+' in it left as it is; the
 * query's members, an empty one a member named "" unless it is the last.
 */
static void
read_link(struct link *l, const char *url)
{
	const char	*p, *end, *amp, *eq;
	char		*name, *value;

	memset(l, 0, sizeof(*l));
	p = strstr(url, "://") != NULL ? strstr(url, "://") + 3 : url;
	p += strcspn(p, "/?#");
	end = p + strcspn(p, "?#");
	l->path = decode(p, (size_t)(end - p), 0);
	for (p = end; *p == '?' || *p == '&'; p = amp) {
		p++;
		amp = p + strcspn(p, "&#");
		if (amp == p && *amp != '&')
			break;
		eq = memchr(p, '=', (size_t)(amp - p));
		name = decode(p, (size_t)((eq != NULL ? eq : amp) - p), 1);
		value = eq != NULL ? decode(eq + 1, (size_t)(amp - eq - 1), 1) :
		    decode("", 0, 1);
		if (strcmp(name, LINK_SIG) == 0) {
			free(l->sig);
			l->sig = value;
			l->nsig++;
			free(name);
		} else if (l->n == READ_MAX) {
			l->overflow = 1;
			free(name);
			free(value);
		} else
			l->m[l->n++] = (struct link_member){ name, value };
	}
}

static void
link_release(struct link *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->m[i].name);
		free((char *)l->m[i].value);
	}
	free(l->path);
	free(l->sig);
}

/* 1 if link_sign must sign url, read into l. */
static int
signable(const char *url, const struct link *l)
{
	const char	*p;
	size_t		 i;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return 0;
	/* The authority, then a path. */
	p += strcspn(p, "/?");
	if (*p != '/' || strpbrk(url, "# \t\r\n") != NULL)
		return 0;
	if (l->nsig > 0 || l->overflow || l->n > MEMBERS_MAX ||
	    strchr(l->path, '\n') != NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strpbrk(l->m[i].name, "=\n") != NULL ||
		    strchr(l->m[i].value, '\n') != NULL)
			return 0;
	return 1;
}

/* Checks that out holds url, signed; the signed link read into l. */
static void
check_signed(const char *url, const char *out, struct link *l)
{
	const char	*q = strchr(url, '?'), *sep, *sig;
	size_t		 len = strlen(url);

	FUZZ_CHECK(strncmp(out, OUT_BEFORE, strlen(OUT_BEFORE)) == 0);
	out += strlen(OUT_BEFORE);
	FUZZ_CHECK(strncmp(out, url, len) == 0);
	/* A query is started, or its last member ended. */
	sep = q == NULL ? "?" : q[1] == '\0' || url[len - 1] == '&' ? "" : "&";
	sig = out + len + strlen(sep);
	FUZZ_CHECK(strncmp(out + len, sep, strlen(sep)) == 0);
	FUZZ_CHECK(strncmp(sig, LINK_SIG "=", strlen(LINK_SIG) + 1) == 0);
	sig += strlen(LINK_SIG) + 1;
	FUZZ_CHECK(strlen(sig) == LINK_SIG_LEN &&
	    strspn(sig, BASE64URL) == LINK_SIG_LEN);
	read_link(l, out);
	FUZZ_CHECK(l->nsig == 1 && strcmp(l->sig, sig) == 0);
}

/* What was signed, l, with any one thing changed, is refused. */
static void
check_changed(const char *secret, size_t secretlen, struct link *l,
    size_t at)
{
	struct link_member	 changed[READ_MAX + 1];
	struct buf		 b = BUF_INIT;
	char			*other, sig[LINK_SIG_LEN + 1];

	/* Another secret: one bit off, or one byte for none. */
	other = xmalloc(secretlen + 1);
	memcpy(other, secret, secretlen);
	other[0] = secretlen > 0 ? (char)(secret[0] ^ 1) : 1;
	FUZZ_CHECK(link_check(other, secretlen > 0 ? secretlen : 1, l->path,
	    l->m, l->n, l->sig) == 0);
	free(other);

	buf_adds(&b, l->path);
	buf_addc(&b, 'x');
	FUZZ_CHECK(link_check(secret, secretlen, b.data, l->m, l->n,
	    l->sig) == 0);

	/* A member added, one left out, one's value changed. */
	memcpy(changed, l->m, l->n * sizeof(*changed));
	changed[l->n] = (struct link_member){ "x", "y" };
	FUZZ_CHECK(link_check(secret, secretlen, l->path, changed,
	    l->n + 1, l->sig) == 0);
	if (l->n > 0) {
		FUZZ_CHECK(link_check(secret, secretlen, l->path, changed,
		    l->n - 1, l->sig) == 0);
		buf_reset(&b);
		buf_adds(&b, changed[at % l->n].value);
		buf_addc(&b, 'x');
		changed[at % l->n].value = b.data;
		FUZZ_CHECK(link_check(secret, secretlen, l->path, changed,
		    l->n, l->sig) == 0);
	}
	buf_release(&b);

	memcpy(sig, l->sig, sizeof(sig));
	sig[at % LINK_SIG_LEN] = sig[at % LINK_SIG_LEN] == 'A' ? 'B' : 'A';
	FUZZ_CHECK(link_check(secret, secretlen, l->path, l->m, l->n,
	    sig) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link	 given, back;
	struct buf	 out = BUF_INIT;
	const char	*secret = (const char *)data + 2;
	char		*url;
	size_t		 secretlen, n;
	int		 rc;

	if (size < 2)
		return 0;
	secretlen = data[1] < size - 2 ? data[1] : size - 2;
	url = xstrndup(secret + secretlen, size - 2 - secretlen);

	/* The link as it comes, whatever its "sig", one member too many. */
	read_link(&given, url);
	n = given.n < MEMBERS_MAX + 1 ? given.n : MEMBERS_MAX + 1;
	rc = link_check(secret, secretlen, given.path, given.m, n,
	    given.sig != NULL ? given.sig : "");
	FUZZ_CHECK(rc == 0 || rc == 1);

	buf_adds(&out, OUT_BEFORE);
	rc = link_sign(secret, secretlen, url, &out);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == signable(url, &given));
	if (rc == 0) {
		check_signed(url, out.data, &back);
		/*
		 * The receiver leaves a text with a %00 escaped (receiver.c):
		 * such a link is one it never takes.
		 */
		if (strstr(url, "%00") == NULL) {
			FUZZ_CHECK(link_check(secret, secretlen, back.path,
			    back.m, back.n, back.sig) == 1);
			check_changed(secret, secretlen, &back, data[0]);
		}
		link_release(&back);
	}
	link_release(&given);
	buf_release(&out);
	free(url);
	return 0;
}
