/*
 * webhookauth: the webhook signatures of webhookauth.h, for each scheme
 * struct cfg_webhook_auth configures, with fixed secrets.  The first byte
 * says what the rest is:
 *
 *   's' NOW\nID\nBODY   a round trip: what webhookauth_sign makes of BODY
 *                      as message ID at time NOW, read back as header
 *                      lines, is taken by webhookauth_check at NOW (and to
 *                      the edge of the tolerance), by a checker that knows
 *                      only the other secret of a rotation, and refused
 *                      with one byte of the body changed or out of the
 *                      tolerance;
 *   else ID\nTIMESTAMP\nSIGNATURE\nOTHER\nBODY
 *                      request headers (webhook-id, -timestamp, -signature,
 *                      and OTHER for any other name; absent past the end)
 *                      and a body, checked by every scheme at a fixed time:
 *                      a clean 0, or -1 with a reason, never a crash; what
 *                      is taken must be what the scheme takes (a token
 *                      that is the secret, a timestamp within the
 *                      tolerance, a hex HMAC equal to the one signed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/config.h"
#include "transport/webhookauth.h"

#include "fuzz.h"

#define NOW		1614265330	/* the Standard Webhooks example */
#define TOLERANCE	300		/* seconds */
/* A round trip's clock, a time(3): within 2^40 s of the epoch. */
#define NOW_MAX		(INT64_C(1) << 40)

/* The secrets, from the environment as a config names them. */
static const struct {
	const char	*env;
	const char	*value;
} secrets[] = {
	{ "FUZZ_WHSEC_OLD", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
	{ "FUZZ_WHSEC_NEW", "whsec_bmV3LXNlY3JldC1ieXRlcy0xMjM0NTY3OA==" },
	{ "FUZZ_HMAC", "s3cr3t" },
	{ "FUZZ_TOKEN", "tok-123" },
	{ "FUZZ_RBM", "rbm-client-token" },
};

enum { A_NONE, A_STANDARD_OLD, A_STANDARD_ROTATED, A_HMAC_HEX, A_HMAC_B64,
    A_TOKEN, A_RBM, A_COUNT };

/* Kept for the process: a webhookauth points to its config. */
static struct cfg_webhook_auth configs[A_COUNT] = {
	[A_NONE] = { .scheme = CFG_AUTH_NONE },
	[A_STANDARD_OLD] = { .scheme = CFG_AUTH_STANDARD_WEBHOOKS,
	    .secret_env = "FUZZ_WHSEC_OLD",
	    .tolerance_ms = TOLERANCE * 1000 },
	[A_STANDARD_ROTATED] = { .scheme = CFG_AUTH_STANDARD_WEBHOOKS,
	    .secret_env = "FUZZ_WHSEC_NEW", .previous_env = "FUZZ_WHSEC_OLD",
	    .tolerance_ms = TOLERANCE * 1000 },
	[A_HMAC_HEX] = { .scheme = CFG_AUTH_HMAC, .header = "X-Signature",
	    .prefix = "sha256=", .secret_env = "FUZZ_HMAC" },
	[A_HMAC_B64] = { .scheme = CFG_AUTH_HMAC,
	    .header = "X-Shopify-Hmac-Sha256", .base64 = 1,
	    .secret_env = "FUZZ_HMAC" },
	[A_TOKEN] = { .scheme = CFG_AUTH_TOKEN, .header = "Client-Token",
	    .secret_env = "FUZZ_TOKEN" },
	[A_RBM] = { .scheme = CFG_AUTH_GOOGLE_RBM,
	    .header = "X-Goog-Signature", .secret_env = "FUZZ_RBM" },
};
static struct webhookauth	*auths[A_COUNT];

/* The request's headers: each NULL when absent. */
struct request {
	char	*id;
	char	*timestamp;
	char	*signature;
	char	*other;
};

static void
auths_make(void)
{
	char	err[256];
	size_t	i;

	if (auths[0] != NULL)
		return;
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (setenv(secrets[i].env, secrets[i].value, 1) != 0)
			fuzz_fail("setenv: %s", strerror(errno));
	for (i = 0; i < A_COUNT; i++)
		if ((auths[i] = webhookauth_new(&configs[i], "source 'fuzz'",
		    err, sizeof(err))) == NULL)
			fuzz_fail("webhookauth_new: %s", err);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		unsetenv(secrets[i].env);
}

static const char *
request_header(void *ctx, const char *name)
{
	const struct request	*r = ctx;

	if (strcasecmp(name, "webhook-id") == 0)
		return r->id;
	if (strcasecmp(name, "webhook-timestamp") == 0)
		return r->timestamp;
	if (strcasecmp(name, "webhook-signature") == 0)
		return r->signature;
	return r->other;
}

/*
 * The next line of *p..end as a string to free, *p past it; NULL at the
 * end.  A NUL in it ends the string, as it would a header's value.
 */
static char *
line_next(const char **p, const char *end)
{
	const char	*nl;
	char		*s;

	if (*p >= end)
		return NULL;
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		return NULL;
	if ((s = strndup(*p, (size_t)(nl - *p))) == NULL)
		fuzz_fail("strndup: out of memory");
	*p = nl + 1;
	return s;
}

/* Checks a refusal's reason: a string without a secret in it. */
static void
check_why(const char *why)
{
	size_t	i;

	FUZZ_CHECK(why != NULL && *why != '\0');
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		FUZZ_CHECK(strstr(why, secrets[i].value) == NULL);
}

/* webhookauth_check of body by auth a at now, its promises checked. */
static int
check(int a, struct request *r, const char *body, size_t len, int64_t now)
{
	const char	*why = NULL;
	int		 rc;

	rc = webhookauth_check(auths[a], request_header, r, body, len, now,
	    &why);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		check_why(why);
	return rc;
}

/* The value of a signed line "name: value", checking its name. */
static char *
line_value(char *line, const char *name)
{
	size_t	n = strlen(name);

	FUZZ_CHECK(strncmp(line, name, n) == 0 && strncmp(line + n, ": ",
	    2) == 0);
	return line + n + 2;
}

/* Whether a standard-webhooks check may take the timestamp ts at NOW. */
static int
timestamp_ok(const char *ts)
{
	long long	 t;
	char		*end;

	errno = 0;
	t = strtoll(ts, &end, 10);
	return *ts != '\0' && *end == '\0' && errno == 0 &&
	    t >= NOW - TOLERANCE && t <= NOW + TOLERANCE;
}

/* Fuzzed headers and body, checked by every scheme at NOW. */
static void
check_request(const char *p, const char *end)
{
	struct request	 r;
	const char	*signed_hex;
	char		*lines[WEBHOOKAUTH_LINES_MAX];
	size_t		 len, n;
	int		 accepted[A_COUNT], a;

	r.id = line_next(&p, end);
	r.timestamp = r.id != NULL ? line_next(&p, end) : NULL;
	r.signature = r.timestamp != NULL ? line_next(&p, end) : NULL;
	r.other = r.signature != NULL ? line_next(&p, end) : NULL;
	if (r.other == NULL)
		p = end;
	len = (size_t)(end - p);
	for (a = 0; a < A_COUNT; a++)
		accepted[a] = check(a, &r, p, len, NOW) == 0;

	FUZZ_CHECK(accepted[A_NONE]);
	FUZZ_CHECK(accepted[A_TOKEN] == (r.other != NULL &&
	    strcmp(r.other, "tok-123") == 0));
	if (accepted[A_STANDARD_OLD] || accepted[A_STANDARD_ROTATED])
		FUZZ_CHECK(r.signature != NULL && *r.id != '\0' &&
		    timestamp_ok(r.timestamp) &&
		    strstr(r.signature, "v1,") != NULL);
	if (accepted[A_HMAC_B64] || accepted[A_RBM])
		FUZZ_CHECK(r.other != NULL);

	/* A hex HMAC is taken if and only if it is the one signed. */
	n = webhookauth_sign(auths[A_HMAC_HEX], "", NOW, p, len, lines);
	FUZZ_CHECK(n == 1);
	signed_hex = line_value(lines[0], "X-Signature");
	FUZZ_CHECK(strncmp(signed_hex, "sha256=", 7) == 0);
	FUZZ_CHECK(accepted[A_HMAC_HEX] == (r.other != NULL &&
	    strncmp(r.other, "sha256=", 7) == 0 &&
	    strcasecmp(r.other + 7, signed_hex + 7) == 0));
	free(lines[0]);

	free(r.id);
	free(r.timestamp);
	free(r.signature);
	free(r.other);
}

/* The request the lines[0..n) that signer a made stand for. */
static void
request_read(int a, char **lines, size_t n, struct request *r)
{
	memset(r, 0, sizeof(*r));
	if (configs[a].scheme == CFG_AUTH_HMAC) {
		FUZZ_CHECK(n == 1);
		r->other = line_value(lines[0], configs[a].header);
	} else if (configs[a].scheme == CFG_AUTH_STANDARD_WEBHOOKS) {
		FUZZ_CHECK(n == 3);
		r->id = line_value(lines[0], "webhook-id");
		r->timestamp = line_value(lines[1], "webhook-timestamp");
		r->signature = line_value(lines[2], "webhook-signature");
	} else
		FUZZ_CHECK(n == 0);
}

/* The other checker of a rotation that must take what a signs, or -1. */
static int
rotation_peer(int a)
{
	if (a == A_STANDARD_OLD)
		return A_STANDARD_ROTATED;
	if (a == A_STANDARD_ROTATED)
		return A_STANDARD_OLD;
	return -1;
}

/* Signs body as message id at now by each scheme, and checks it back. */
static void
round_trip(const char *id, int64_t now, char *body, size_t len)
{
	struct request	 r;
	char		*lines[WEBHOOKAUTH_LINES_MAX], ts[32];
	size_t		 n, i, at;
	int		 a, peer, standard;

	for (a = 0; a < A_COUNT; a++) {
		standard = configs[a].scheme == CFG_AUTH_STANDARD_WEBHOOKS;
		/* Standard Webhooks has no message without an id. */
		if (standard && *id == '\0')
			continue;
		n = webhookauth_sign(auths[a], id, now, body, len, lines);
		FUZZ_CHECK(n <= WEBHOOKAUTH_LINES_MAX);
		request_read(a, lines, n, &r);
		if (n == 0)
			continue;
		if (standard) {
			snprintf(ts, sizeof(ts), "%" PRId64, now);
			FUZZ_CHECK(strcmp(r.id, id) == 0);
			FUZZ_CHECK(strcmp(r.timestamp, ts) == 0);
		}
		FUZZ_CHECK(check(a, &r, body, len, now) == 0);
		FUZZ_CHECK(check(a, &r, body, len, now - TOLERANCE) == 0);
		FUZZ_CHECK(check(a, &r, body, len, now + TOLERANCE) == 0);
		if (standard) {
			FUZZ_CHECK(check(a, &r, body, len,
			    now - TOLERANCE - 1) == -1);
			FUZZ_CHECK(check(a, &r, body, len,
			    now + TOLERANCE + 1) == -1);
		}
		if ((peer = rotation_peer(a)) != -1)
			FUZZ_CHECK(check(peer, &r, body, len, now) == 0);
		if (len > 0) {
			at = (size_t)(now < 0 ? -now : now) % len;
			body[at] ^= 0x01;
			FUZZ_CHECK(check(a, &r, body, len, now) == -1);
			if (peer != -1)
				FUZZ_CHECK(check(peer, &r, body, len,
				    now) == -1);
			body[at] ^= 0x01;
		}
		for (i = 0; i < n; i++)
			free(lines[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size;
	char		*now_text, *id, *body, *rest;
	long long	 now;

	auths_make();
	if (size == 0)
		return 0;
	if (*p++ != 's') {
		check_request(p, end);
		return 0;
	}
	if ((now_text = line_next(&p, end)) == NULL)
		return 0;
	errno = 0;
	now = strtoll(now_text, &rest, 10);
	if (*now_text == '\0' || *rest != '\0' || errno != 0 ||
	    now < -NOW_MAX || now > NOW_MAX ||
	    (id = line_next(&p, end)) == NULL) {
		free(now_text);
		return 0;
	}
	/* A copy of its own to change a byte of, of its exact size. */
	if ((body = malloc(end > p ? (size_t)(end - p) : 1)) == NULL)
		fuzz_fail("malloc: out of memory");
	memcpy(body, p, (size_t)(end - p));
	round_trip(id, now, body, (size_t)(end - p));
	free(body);
	free(id);
	free(now_text);
	return 0;
}
