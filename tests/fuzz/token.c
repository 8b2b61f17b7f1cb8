/*
 * token: the token endpoint's answer on any bytes, as a target's token
 * source reads it (transport/token.h): OAuth2's (access_token,
 * expires_in, the base URL Salesforce gives as instance_url), or a
 * request's, the token picked by jq.  The first byte picks the source.
 * What it promises: a token taken is visible ASCII of at most 16 KiB, a
 * base URL an http(s) one, a life in milliseconds that the seconds given
 * made without overflow; an answer refused says why, with the status it
 * came with.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/config.h"
#include "transport/token.h"

#include "fuzz.h"

#define TOKEN_MAX	16384

static struct cfg_target oauth2 = {
	.name = "salesforce", .url = "https://login.example.com",
	.auth_header = "Authorization", .auth_scheme = "Bearer",
	.token = { .kind = CFG_TOKEN_OAUTH2,
	    .token_url = "https://login.example.com/services/oauth2/token",
	    .client_id = "integra", .client_secret_env = "FUZZ_TOKEN_SECRET",
	    .base_url = "instance_url" },
};
static struct cfg_target source = {
	.name = "auth-api", .url = "https://auth.example.com",
};
static struct cfg_target picked = {
	.name = "rcs", .url = "https://rcs.example.com",
	.auth_header = "Authorization", .auth_scheme = "Bearer",
	.token = { .kind = CFG_TOKEN_REQUEST, .from = "auth-api",
	    .source = &source, .method = "POST", .path = "/token",
	    .pick = ".data.access.token", .expires_in = ".data.access.ttl" },
};

static struct token	*tokens[2];
static char		 dir[64];

/* At exit: the tokens, and their cache folder (empty: no fetch made). */
static void
release(void)
{
	token_free(tokens[0]);
	token_free(tokens[1]);
	rmdir(dir);
}

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char err[256];

	setenv("FUZZ_TOKEN_SECRET", "s3cret", 1);
	snprintf(dir, sizeof(dir), "%s/fuzz-token.XXXXXX",
	    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		fuzz_fail("mkdtemp %s", dir);
	if ((tokens[0] = token_new(&oauth2, dir, err, sizeof(err))) == NULL ||
	    (tokens[1] = token_new(&picked, dir, err, sizeof(err))) == NULL)
		fuzz_fail("token_new: %s", err);
	unsetenv("FUZZ_TOKEN_SECRET");
	atexit(release);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_answer	 a = { BUF_INIT, BUF_INIT, 0 };
	struct token_failure	 f;
	size_t			 i;

	if (tokens[0] == NULL)
		setup();
	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	if (token_answer_read(tokens[data[0] & 1], (const char *)data + 1,
	    size - 1, 200, &a, &f) != 0) {
		FUZZ_CHECK(f.error[0] != '\0' && f.http_status == 200);
	} else {
		FUZZ_CHECK(a.token.len > 0 && a.token.len <= TOKEN_MAX);
		for (i = 0; i < a.token.len; i++)
			FUZZ_CHECK(a.token.data[i] > 0x20 &&
			    a.token.data[i] < 0x7f);
		if ((data[0] & 1) == 0)
			FUZZ_CHECK(strncmp(a.base.data, "https://", 8) == 0 ||
			    strncmp(a.base.data, "http://", 7) == 0);
		FUZZ_CHECK(a.life_ms % 1000 == 0 &&
		    a.life_ms >= -9000000000000000000LL &&
		    a.life_ms <= 9000000000000000000LL);
	}
	token_answer_release(&a);
	return 0;
}
