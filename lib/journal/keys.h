/*
 * journal/keys: the receiver's API keys (only their SHA-256 is kept) and
 * the requests each key or source made this minute.
 *
 * Ownership: as journal.h says: strings passed in are only read during
 * the call, rows handed to a callback live during that call only, and
 * every function returns 0, or -1 (JOURNAL_BUSY) with the reason in
 * journal_error().
 */
#ifndef INTEGRA_JOURNAL_KEYS_H
#define INTEGRA_JOURNAL_KEYS_H

#include "journal/journal.h"

/*
 * API keys.  A key itself is never stored: only its SHA-256
 * (JOURNAL_KEY_HASH_LEN bytes) and its first characters, to tell keys
 * apart in a listing.  The strings of a journal_key are the caller's for
 * journal_key_add; filled in, they point into the struct's own buffers.
 */
#define JOURNAL_KEY_HASH_LEN	32

struct journal_key {
	const char	*name;
	const char	*tenant;
	const char	*scopes;	/* space-separated */
	const char	*prefix;
	int64_t		 created_at;	/* ms since the epoch */
	int64_t		 revoked_at;	/* 0: in force */
	long		 rate_limit;	/* requests a minute; 0: no limit */
	char		 name_buf[129];
	char		 tenant_buf[129];
	char		 scopes_buf[257];
	char		 prefix_buf[17];
};

/* Stores a key; *added is 0 if the name is taken. */
int	journal_key_add(struct journal *, const struct journal_key *,
	    const unsigned char hash[JOURNAL_KEY_HASH_LEN], int *added);
/* The key in force with this hash, if *found. */
int	journal_key_find(struct journal *,
	    const unsigned char hash[JOURNAL_KEY_HASH_LEN],
	    struct journal_key *, int *found);
/*
 * From now on, journal_key_find on this journal answers from the keys it
 * found before, if its backend tells it when a key is added or revoked
 * (PostgreSQL, where a lookup is a round trip to the server): the cache
 * is emptied when told, so a key revoked by any host is refused once the
 * server's word has come, within moments of its commit.  A SQLite file
 * looks each key up, as cheap as a cache.
 */
int	journal_key_cache(struct journal *);
/* Calls fn for each key, by name, until it returns non-zero. */
typedef int (*journal_key_fn)(void *ctx, const struct journal_key *);
int	journal_key_list(struct journal *, journal_key_fn, void *ctx);
/* Revokes the key called name; *done is 0 if there is none in force. */
int	journal_key_revoke(struct journal *, const char *name, int64_t now,
	    int *done);
/*
 * Counts one request of bucket (a key or a source) in the window that
 * starts at window (ms); *count is the number so far in it, this one
 * included.  Inside the caller's transaction, so that processes sharing
 * the journal share the count.
 */
int	journal_rate_hit(struct journal *, const char *bucket, int64_t window,
	    long *count);

#endif
