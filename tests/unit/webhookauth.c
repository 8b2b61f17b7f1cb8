/*
 * webhookauth: unit tests of lib/transport/webhookauth: webhook signatures
 * (Standard Webhooks, HMAC-SHA256) and tokens.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/config.h"
#include "transport/webhookauth.h"

#include "tap.h"

/* Request headers for webhookauth: name, value pairs, NULL-ended. */
static const char *
test_header(void *ctx, const char *name)
{
	const char *const *h = ctx;

	for (; h[0] != NULL; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

static int
auth_check(const struct cfg_source *src, const char *const *headers,
    const char *body, int64_t now, const char **why)
{
	struct webhookauth *a;
	char err[256];
	int rc;

	*why = NULL;
	if ((a = webhookauth_new(&src->auth, "source 'unit'", err,
	    sizeof(err))) == NULL) {
		diag("webhookauth_new: %s", err);
		return -2;
	}
	rc = webhookauth_check(a, test_header, (void *)headers, body,
	    strlen(body), now, why);
	webhookauth_free(a);
	return rc;
}

static void
test_webhookauth(void)
{
	/* The Standard Webhooks specification's own example. */
	static const char body[] = "{\"test\": 2432232314}";
	static const char *const good[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NULL };
	static const char *const several[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature", "v1a,xyz v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAA= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
		NULL };
	static const char *const hmac_ok[] = { "X-Signature", "sha256="
	    "504457c5eeee4d79e4c541ab9296726c7511337240b2e9b374c45af6fbe44fbe",
	    NULL };
	static const char *const no_prefix[] = { "X-Signature",
	    "504457c5eeee4d79e4c541ab9296726c7511337240b2e9b374c45af6fbe44fbe",
	    NULL };
	static const char *const unpadded[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "1614265330",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", NULL };
	static const char *const token_ok[] = { "Client-Token", "tok-123",
	    NULL };
	static const char *const token_bad[] = { "client-token", "tok-124",
	    NULL };
	static const char *const none[] = { NULL };
	static const char *const huge_ts[] = {
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "-66666666666666666666",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NULL,
		"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp", "99999999999999999999",
		"webhook-signature",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NULL };
	const int64_t ts = 1614265330;
	struct cfg_source src;
	const char *why;

	memset(&src, 0, sizeof(src));
	src.name = "crm";
	src.auth.scheme = CFG_AUTH_STANDARD_WEBHOOKS;
	src.auth.secret_env = "UNIT_SECRET";
	src.auth.tolerance_ms = 300000;
	setenv("UNIT_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
	ok(auth_check(&src, good, body, ts, &why) == 0,
	    "webhookauth: the Standard Webhooks example verifies");
	ok(auth_check(&src, several, body, ts + 299, &why) == 0,
	    "webhookauth: one good v1 signature among several is enough");
	ok(auth_check(&src, unpadded, body, ts, &why) == 0,
	    "webhookauth: a signature without its base64 padding verifies too");
	ok(auth_check(&src, good, "{\"test\": 2432232315}", ts, &why) == -1 &&
	    strcmp(why, "no v1 signature matches") == 0,
	    "webhookauth: a tampered body is refused");
	ok(auth_check(&src, good, body, ts + 301, &why) == -1 &&
	    strstr(why, "tolerance") != NULL,
	    "webhookauth: a timestamp over 5 minutes old is refused");
	ok(auth_check(&src, good, body, ts - 301, &why) == -1,
	    "webhookauth: and one over 5 minutes ahead");
	ok(auth_check(&src, none, body, ts, &why) == -1 &&
	    strstr(why, "missing") != NULL,
	    "webhookauth: no webhook headers: refused");
	/* strtoll saturates; now - t used to overflow (UBSan). */
	ok(auth_check(&src, huge_ts, body, ts, &why) == -1 &&
	    strstr(why, "tolerance") != NULL,
	    "webhookauth: a timestamp past long long's range is refused");
	ok(auth_check(&src, huge_ts + 7, body, ts, &why) == -1 &&
	    strstr(why, "tolerance") != NULL,
	    "webhookauth: and one past it the other way");
	setenv("UNIT_SECRET", "whsec_bmV3LXNlY3JldC1ieXRlcy0xMjM0NTY3OA==", 1);
	setenv("UNIT_PREVIOUS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
	ok(auth_check(&src, good, body, ts, &why) == -1,
	    "webhookauth: after rotation the old secret alone fails...");
	src.auth.previous_env = "UNIT_PREVIOUS";
	ok(auth_check(&src, good, body, ts, &why) == 0,
	    "webhookauth: ...and passes as the previous secret");
	setenv("UNIT_SECRET", "not base64!", 1);
	ok(auth_check(&src, good, body, ts, &why) == -2,
	    "webhookauth: a secret that is not whsec_ base64 is refused");

	/* echo -n '{"test": 2432232314}' | openssl dgst -sha256 -hmac s3cr3t */
	memset(&src.auth, 0, sizeof(src.auth));
	src.auth.scheme = CFG_AUTH_HMAC;
	src.auth.header = "X-Signature";
	src.auth.prefix = "sha256=";
	src.auth.secret_env = "UNIT_SECRET";
	setenv("UNIT_SECRET", "s3cr3t", 1);
	ok(auth_check(&src, hmac_ok, body, 0, &why) == 0,
	    "webhookauth: hmac-sha256, hex, with its prefix");
	ok(auth_check(&src, no_prefix, body, 0, &why) == -1,
	    "webhookauth: hmac-sha256 without the prefix is refused");
	ok(auth_check(&src, hmac_ok, "{}", 0, &why) == -1 &&
	    strcmp(why, "wrong signature") == 0,
	    "webhookauth: hmac-sha256 of another body is refused");
	ok(auth_check(&src, none, body, 0, &why) == -1,
	    "webhookauth: hmac-sha256 without the header is refused");

	memset(&src.auth, 0, sizeof(src.auth));
	src.auth.scheme = CFG_AUTH_TOKEN;
	src.auth.header = "Client-Token";
	src.auth.secret_env = "UNIT_SECRET";
	setenv("UNIT_SECRET", "tok-123", 1);
	ok(auth_check(&src, token_ok, body, 0, &why) == 0 &&
	    auth_check(&src, token_bad, body, 0, &why) == -1 &&
	    auth_check(&src, none, body, 0, &why) == -1,
	    "webhookauth: a token: the right one only");
	unsetenv("UNIT_SECRET");
	unsetenv("UNIT_PREVIOUS");
}

int
main(void)
{
	test_webhookauth();
	return tap_done();
}
