/*
 * webhookauth: webhook signatures, checked and made.  See webhookauth.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buf.h"
#include "conf/config.h"
#include "base/digest.h"
#include "json/jsonscan.h"
#include "transport/webhookauth.h"

#define MAC_LEN		32
#define KEY_MAX		256
#define SIGS_MAX	8	/* signatures looked at in webhook-signature */

struct key {
	unsigned char	bytes[KEY_MAX];
	size_t		len;
};

struct webhookauth {
	const struct cfg_webhook_auth	*cfg;
	struct key			 keys[2];	/* current, previous */
	size_t				 nkeys;
};

/*
 * The bytes of base64 text s[0..n), padded or not, at most max of them;
 * -1 if it is not base64.
 */
static long
base64_decode(const char *s, size_t n, unsigned char *out, size_t max)
{
	unsigned char tmp[(KEY_MAX + 2) / 3 * 3 + 3];
	char padded[sizeof(tmp) / 3 * 4 + 4];
	size_t pad = (4 - n % 4) % 4;
	int len;

	if (n == 0 || pad == 3 || n + pad > sizeof(padded) ||
	    (n + pad) / 4 * 3 > sizeof(tmp))
		return -1;
	/* EVP_DecodeBlock takes only whole, padded quads. */
	memcpy(padded, s, n);
	memset(padded + n, '=', pad);
	n += pad;
	if ((len = EVP_DecodeBlock(tmp, (const unsigned char *)padded,
	    (int)n)) < 0)
		return -1;
	/* It counts the padding as zero bytes. */
	if (padded[n - 1] == '=')
		len--;
	if (padded[n - 2] == '=')
		len--;
	if (len < 0 || (size_t)len > max)
		return -1;
	memcpy(out, tmp, (size_t)len);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	OPENSSL_cleanse(padded, sizeof(padded));
	return len;
}

static int
hex_decode(const char *s, size_t n, unsigned char *out, size_t len)
{
	size_t i;
	int hi, lo;

	if (n != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)s[2 * i]);
		lo = OPENSSL_hexchar2int((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Reads one secret into k: its bytes, or for standard-webhooks its key. */
static int
load_key(struct webhookauth *a, const char *owner, const char *env,
    const char *file, char *err, size_t errsz)
{
	struct key *k = &a->keys[a->nkeys];
	char *secret;
	const char *b64;
	long n;
	int rc = 0;

	if ((secret = cfg_secret_read(owner, env, file, err, errsz)) == NULL)
		return -1;
	if (a->cfg->scheme == CFG_AUTH_STANDARD_WEBHOOKS) {
		b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
		if ((n = base64_decode(b64, strlen(b64), k->bytes,
		    sizeof(k->bytes))) <= 0) {
			snprintf(err, errsz, "%s: the secret is not whsec_"
			    " followed by base64", owner);
			rc = -1;
		} else
			k->len = (size_t)n;
	} else if ((k->len = strlen(secret)) > sizeof(k->bytes)) {
		snprintf(err, errsz, "%s: the secret is longer than %d bytes",
		    owner, KEY_MAX);
		rc = -1;
	} else
		memcpy(k->bytes, secret, k->len);
	OPENSSL_cleanse(secret, strlen(secret));
	free(secret);
	if (rc == 0)
		a->nkeys++;
	return rc;
}

struct webhookauth *
webhookauth_new(const struct cfg_webhook_auth *c, const char *owner,
    char *err, size_t errsz)
{
	struct webhookauth *a;

	a = xcalloc(1, sizeof(*a));
	a->cfg = c;
	if (c->scheme == CFG_AUTH_NONE)
		return a;
	if (load_key(a, owner, c->secret_env, c->secret_file, err,
	    errsz) != 0 || ((c->previous_env != NULL ||
	    c->previous_file != NULL) && load_key(a, owner, c->previous_env,
	    c->previous_file, err, errsz) != 0)) {
		webhookauth_free(a);
		return NULL;
	}
	return a;
}

void
webhookauth_free(struct webhookauth *a)
{
	if (a == NULL)
		return;
	OPENSSL_cleanse(a->keys, sizeof(a->keys));
	free(a);
}

int
webhookauth_required(const struct webhookauth *a)
{
	return a->cfg->scheme != CFG_AUTH_NONE;
}

static void
mac(const struct key *k, const void *data, size_t len,
    unsigned char out[MAC_LEN])
{
	unsigned int n = MAC_LEN;

	HMAC(EVP_sha256(), k->bytes, (int)k->len, data, len, out, &n);
}

/* Whether the signature sig[0..MAC_LEN) is the MAC of data by some key. */
static int
any_key_signed(const struct webhookauth *a, const unsigned char *sig,
    const void *data, size_t len)
{
	unsigned char want[MAC_LEN];
	size_t i;
	int ok = 0;

	for (i = 0; i < a->nkeys; i++) {
		mac(&a->keys[i], data, len, want);
		ok |= CRYPTO_memcmp(want, sig, MAC_LEN) == 0;
	}
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

static int
check_hmac(const struct webhookauth *a, const char *value, const char *body,
    size_t len, const char **why)
{
	const struct cfg_webhook_auth *c = a->cfg;
	unsigned char sig[MAC_LEN];
	size_t plen = c->prefix != NULL ? strlen(c->prefix) : 0, n;

	if (value == NULL) {
		*why = "no signature header";
		return -1;
	}
	if (plen > 0 && strncmp(value, c->prefix, plen) != 0) {
		*why = "the signature lacks its prefix";
		return -1;
	}
	value += plen;
	n = strlen(value);
	if (c->base64 ? base64_decode(value, n, sig, sizeof(sig)) != MAC_LEN :
	    hex_decode(value, n, sig, sizeof(sig)) != 0) {
		*why = "the signature is not a SHA-256 HMAC in its encoding";
		return -1;
	}
	if (!any_key_signed(a, sig, body, len)) {
		*why = "wrong signature";
		return -1;
	}
	return 0;
}

/*
 * A Standard Webhooks header, webhook-NAME, or as svix names it,
 * svix-NAME: svix's own libraries take either, header by header.
 */
static const char *
standard_header(webhookauth_header_fn get, void *ctx, const char *name)
{
	char header[32];
	const char *v;

	snprintf(header, sizeof(header), "webhook-%s", name);
	if ((v = get(ctx, header)) != NULL)
		return v;
	snprintf(header, sizeof(header), "svix-%s", name);
	return get(ctx, header);
}

static int
check_standard(const struct webhookauth *a, webhookauth_header_fn get,
    void *ctx, const char *body, size_t len, int64_t now, const char **why)
{
	const char *id = standard_header(get, ctx, "id");
	const char *ts = standard_header(get, ctx, "timestamp");
	const char *sigs = standard_header(get, ctx, "signature");
	unsigned char sig[MAC_LEN];
	struct buf signed_text = BUF_INIT;
	const char *p, *end;
	char *tsend;
	long long t, tol;
	int n, ok = 0;

	if (id == NULL || ts == NULL || sigs == NULL || *id == '\0') {
		*why = "a webhook-id, -timestamp or -signature header (or"
		    " svix-) is missing";
		return -1;
	}
	/*
	 * Compared, not subtracted: a timestamp of -66666666666666666666
	 * saturates strtoll, and now - t would overflow.
	 */
	errno = 0;
	t = strtoll(ts, &tsend, 10);
	tol = a->cfg->tolerance_ms / 1000;
	if (*ts == '\0' || *tsend != '\0' || errno == ERANGE ||
	    t < now - tol || t > now + tol) {
		*why = "webhook-timestamp is not within the tolerance";
		return -1;
	}
	buf_addf(&signed_text, "%s.%s.", id, ts);
	buf_add(&signed_text, body, len);
	for (p = sigs, n = 0; *p != '\0' && n < SIGS_MAX && !ok; p = end, n++) {
		while (*p == ' ')
			p++;
		if ((end = strchr(p, ' ')) == NULL)
			end = p + strlen(p);
		if (end - p > 3 && strncmp(p, "v1,", 3) == 0 &&
		    base64_decode(p + 3, (size_t)(end - p - 3), sig,
		    sizeof(sig)) == MAC_LEN)
			ok = any_key_signed(a, sig, signed_text.data,
			    signed_text.len);
	}
	buf_release(&signed_text);
	if (!ok)
		*why = "no v1 signature matches";
	return ok ? 0 : -1;
}

/*
 * The bytes of the base64 text s[0..n), a whole number of padded quads,
 * in a buffer to free, their count in *len; NULL if it is not that.
 * base64_decode is for secrets and signatures, on the stack.
 */
static unsigned char *
decode_data(const char *s, size_t n, long *len)
{
	unsigned char *out;
	int got;

	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return NULL;
	out = xmalloc(n / 4 * 3 + 1);
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)s,
	    (int)n)) < 0) {
		free(out);
		return NULL;
	}
	/* It counts the padding as zero bytes. */
	got -= (s[n - 1] == '=') + (s[n - 2] == '=');
	*len = got;
	return out;
}

/*
 * RCS Business Messaging (developers.google.com, RBM's webhooks): the
 * body is {"message":{"data":BASE64,...},...}, and the signature the
 * HMAC-SHA512 of data's decoded bytes, keyed with the clientToken.
 */
static int
check_rbm(const struct webhookauth *a, const char *value, const char *body,
    size_t len, const char **why)
{
	unsigned char sig[EVP_MAX_MD_SIZE], want[EVP_MAX_MD_SIZE], *data;
	unsigned int n;
	size_t ms, me, ds, de, i;
	long dlen;
	int ok = 0;

	if (value == NULL) {
		*why = "no signature header";
		return -1;
	}
	if (json_member(body, len, "message", &ms, &me) != 1 ||
	    body[ms] != '{' || json_member(body + ms, me - ms, "data", &ds,
	    &de) != 1 || body[ms + ds] != '"' || memchr(body + ms + ds + 1,
	    '\\', de - ds - 2) != NULL) {
		*why = "no message.data to check the signature of";
		return -1;
	}
	if (base64_decode(value, strlen(value), sig, sizeof(sig)) != 64) {
		*why = "the signature is not a SHA-512 HMAC in base64";
		return -1;
	}
	if ((data = decode_data(body + ms + ds + 1, de - ds - 2,
	    &dlen)) == NULL) {
		*why = "message.data is not base64";
		return -1;
	}
	for (i = 0; i < a->nkeys; i++) {
		n = sizeof(want);
		HMAC(EVP_sha512(), a->keys[i].bytes, (int)a->keys[i].len, data,
		    (size_t)dlen, want, &n);
		ok |= CRYPTO_memcmp(want, sig, 64) == 0;
	}
	OPENSSL_cleanse(want, sizeof(want));
	free(data);
	if (!ok)
		*why = "wrong signature";
	return ok ? 0 : -1;
}

/* The token in value against each secret, by their SHA-256 digests. */
static int
check_token(const struct webhookauth *a, const char *value, const char **why)
{
	unsigned char got[DIGEST_LEN], want[DIGEST_LEN];
	struct iovec v;
	size_t i;
	int ok = 0;

	if (value == NULL) {
		*why = "no token header";
		return -1;
	}
	v = (struct iovec){ (void *)value, strlen(value) };
	digest_sha256(&v, 1, got);
	for (i = 0; i < a->nkeys; i++) {
		v = (struct iovec){ (void *)a->keys[i].bytes, a->keys[i].len };
		digest_sha256(&v, 1, want);
		ok |= CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	}
	if (!ok)
		*why = "wrong token";
	return ok ? 0 : -1;
}

int
webhookauth_check(const struct webhookauth *a, webhookauth_header_fn get,
    void *ctx, const char *body, size_t len, int64_t now, const char **why)
{
	switch (a->cfg->scheme) {
	case CFG_AUTH_NONE:
		return 0;
	case CFG_AUTH_HMAC:
		return check_hmac(a, get(ctx, a->cfg->header), body, len, why);
	case CFG_AUTH_STANDARD_WEBHOOKS:
		return check_standard(a, get, ctx, body, len, now, why);
	case CFG_AUTH_TOKEN:
		return check_token(a, get(ctx, a->cfg->header), why);
	case CFG_AUTH_GOOGLE_RBM:
		return check_rbm(a, get(ctx, a->cfg->header), body, len, why);
	}
	*why = "unknown scheme";
	return -1;
}

/* Appends the base64 of mac[0..MAC_LEN) to b. */
static void
add_base64(struct buf *b, const unsigned char mac[MAC_LEN])
{
	unsigned char out[(MAC_LEN + 2) / 3 * 4 + 1];

	EVP_EncodeBlock(out, mac, MAC_LEN);
	buf_adds(b, (const char *)out);
}

size_t
webhookauth_sign(const struct webhookauth *a, const char *id, int64_t now,
    const char *body, size_t len, char *lines[WEBHOOKAUTH_LINES_MAX])
{
	const struct cfg_webhook_auth *c = a->cfg;
	unsigned char sig[MAC_LEN];
	struct buf b = BUF_INIT, text = BUF_INIT;
	size_t i, n = 0;

	if (c->scheme == CFG_AUTH_HMAC) {
		mac(&a->keys[0], body, len, sig);
		buf_addf(&b, "%s: %s", c->header, c->prefix != NULL ?
		    c->prefix : "");
		if (c->base64)
			add_base64(&b, sig);
		else
			for (i = 0; i < MAC_LEN; i++)
				buf_addf(&b, "%02x", sig[i]);
		lines[n++] = buf_detach(&b);
	} else if (c->scheme == CFG_AUTH_STANDARD_WEBHOOKS) {
		buf_addf(&b, "webhook-id: %s", id);
		lines[n++] = buf_detach(&b);
		buf_addf(&b, "webhook-timestamp: %lld", (long long)now);
		lines[n++] = buf_detach(&b);
		buf_addf(&text, "%s.%lld.", id, (long long)now);
		buf_add(&text, body, len);
		/* Each secret's: a receiver that knows either takes it. */
		buf_adds(&b, "webhook-signature:");
		for (i = 0; i < a->nkeys; i++) {
			mac(&a->keys[i], text.data, text.len, sig);
			buf_adds(&b, " v1,");
			add_base64(&b, sig);
		}
		lines[n++] = buf_detach(&b);
		buf_release(&text);
	}
	OPENSSL_cleanse(sig, sizeof(sig));
	return n;
}
