/*
 * ops/keys: API keys made, listed, revoked.  See ops/keys.h.
 */
#include <string.h>

#include "ops/keys.h"

int
ops_keys_add(struct journal *j, const char *name, const char *tenant,
    const char *scopes, long rate, int64_t now, char key[APIKEY_LEN + 1],
    int *added)
{
	struct journal_key k = { .name = name, .tenant = tenant,
	    .scopes = scopes, .rate_limit = rate, .created_at = now };
	unsigned char hash[JOURNAL_KEY_HASH_LEN];
	char shown[APIKEY_SHOWN + 1];
	int rc;

	apikey_new(key);
	apikey_hash(key, hash);
	memcpy(shown, key, APIKEY_SHOWN);
	shown[APIKEY_SHOWN] = '\0';
	k.prefix = shown;
	if ((rc = journal_key_add(j, &k, hash, added)) != 0 || !*added)
		explicit_bzero(key, APIKEY_LEN + 1);
	return rc;
}

int
ops_keys_list(struct journal *j, journal_key_fn fn, void *ctx)
{
	return journal_key_list(j, fn, ctx);
}

int
ops_keys_revoke(struct journal *j, const char *name, int64_t now, int *done)
{
	return journal_key_revoke(j, name, now, done);
}
