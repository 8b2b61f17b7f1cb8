/*
 * ops/keys: the receiver's API keys, made, listed and revoked, for
 * integra-keys.  A key is shown once, when it is made: the journal keeps
 * only its SHA-256 and its first characters (httpd/apikey.h).
 *
 * Ownership: ops_keys_add writes the key into the caller's array, which
 * the caller wipes (explicit_bzero) once it has shown it; nothing else is
 * allocated.  The key fn gets lives during the call only.
 */
#ifndef INTEGRA_OPS_KEYS_H
#define INTEGRA_OPS_KEYS_H

#include <stdint.h>

#include "httpd/apikey.h"
#include "journal/journal.h"
#include "journal/keys.h"

#define OPS_KEYS_SCOPES	"events:write events:read"	/* by default */
#define OPS_KEYS_RATE	60		/* requests a minute, by default */

/*
 * Makes a key called name for tenant, with scopes and rate, at now: 0 with
 * the key in key and *added 1, or *added 0 if the name is taken; or the
 * journal's failure.
 */
int	ops_keys_add(struct journal *, const char *name, const char *tenant,
	    const char *scopes, long rate, int64_t now,
	    char key[APIKEY_LEN + 1], int *added);
/* Calls fn with each key, by name. */
int	ops_keys_list(struct journal *, journal_key_fn fn, void *ctx);
/* Revokes the key called name; *done is 0 if none is in force. */
int	ops_keys_revoke(struct journal *, const char *name, int64_t now,
	    int *done);

#endif
