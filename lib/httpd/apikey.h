/*
 * apikey: the keys clients of the receiver's API show.  A key is "itg_"
 * and 43 base64url characters (32 random bytes), printed once when it is
 * made; the journal keeps only its SHA-256 (see journal_key_*).
 *
 * Scopes are words, space-separated: events:write, events:read, admin
 * (which grants every scope).
 *
 * Ownership: nothing here allocates.  Keys and hashes are written into the
 * caller's out buffers; the strings given are only read.
 */
#ifndef INTEGRA_HTTPD_APIKEY_H
#define INTEGRA_HTTPD_APIKEY_H

#include <stddef.h>

#include "journal/keys.h"

#define APIKEY_PREFIX	"itg_"
#define APIKEY_LEN	(4 + 43)
#define APIKEY_SHOWN	12	/* the characters a listing shows */

/* A new key, from getrandom(2). */
void	apikey_new(char out[APIKEY_LEN + 1]);
/* The SHA-256 of a key, as the journal keeps it. */
void	apikey_hash(const char *key, unsigned char out[JOURNAL_KEY_HASH_LEN]);
/* Whether scopes (space-separated) grants scope. */
int	apikey_grants(const char *scopes, const char *scope);
/* Whether s is a list of known scopes; the default when NULL is fine. */
int	apikey_scopes_valid(const char *s);

#endif
