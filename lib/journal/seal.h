/*
 * seal: personal data sealed at rest, AES-256-GCM (OpenSSL EVP).  A sealed
 * value is bound to where it is kept by its associated data (the table,
 * the column and the row's id), so that a value moved to another row
 * does not open; it names the key it was sealed with, so that keys can be
 * rotated: the current one seals, every one known opens.
 *
 * A sealed value is a BLOB:
 *
 *   0xE1 (the version)  KEY-ID-LENGTH  KEY-ID  NONCE (12)  CIPHERTEXT  TAG (16)
 *
 * the nonce random for each value (drawn in batches, again after fork).
 * seal_is_sealed tells a sealed value by that shape; the journal asks it
 * only of BLOBs (text is never sealed), and keeps a plain BLOB of that
 * shape (a rejected payload's bytes) behind an escape byte (journal.c),
 * so that no sender's bytes pass for a sealed value.
 *
 * Ownership: seal_new's keys are the caller's to seal_free, which wipes
 * them; seal_add keeps the key it is given only as its ciphers' schedule
 * (the caller wipes its own copy).  seal_value and seal_open
 * append to the caller's buf and only read the rest.  One struct seal is
 * used by one thread at a time (it keeps a cipher context).
 */
#ifndef INTEGRA_JOURNAL_SEAL_H
#define INTEGRA_JOURNAL_SEAL_H

#include <stddef.h>

struct buf;
struct seal;

#define SEAL_KEY_LEN	32	/* AES-256 */
#define SEAL_ID_MAX	32	/* bytes of a key's id */
#define SEAL_VERSION	0xE1

struct seal	*seal_new(void);
void		 seal_free(struct seal *);
/*
 * A copy of s with its keys (for another connection or thread, as one
 * seal is used by one thread at a time); NULL if s is NULL or OpenSSL
 * fails.
 */
struct seal	*seal_dup(const struct seal *);
/*
 * Adds the key id: key (copied); the current one seals.  0, or -1 if id
 * is empty, longer than SEAL_ID_MAX or known already.
 */
int		 seal_add(struct seal *, const char *id,
		    const unsigned char key[SEAL_KEY_LEN], int current);
/* Whether a current key is set: values are sealed. */
int		 seal_on(const struct seal *);
/* Whether s[0..n) is a sealed value. */
int		 seal_is_sealed(const void *s, size_t n);
/*
 * Seals value[0..n) bound to aad[0..aadlen), appended to out: 0, or -1
 * with no current key or if OpenSSL fails.
 */
int		 seal_value(struct seal *, const void *value, size_t n,
		    const void *aad, size_t aadlen, struct buf *out);
/*
 * Opens sealed[0..n) bound to aad, the value appended to out: 0, or -1 if
 * it is no sealed value, its key is not known, or its tag does not hold
 * (another row's, or changed).  *key_id, if not NULL, gets the id of the
 * key it was sealed with (in sealed, not NUL-terminated: *key_id_len).
 */
int		 seal_open(struct seal *, const void *sealed, size_t n,
		    const void *aad, size_t aadlen, struct buf *out,
		    const char **key_id, size_t *key_id_len);
/*
 * The id of the key sealed[0..n) names, in sealed and not NUL-terminated
 * (*id_len bytes): 0, or -1 if it is no sealed value.
 */
int		 seal_key_id(const void *sealed, size_t n, const char **id,
		    size_t *id_len);
/* Whether the key id[0..id_len) is one of the seal's. */
int		 seal_knows(const struct seal *, const char *id,
		    size_t id_len);
/*
 * The id of the key that seals, NUL-terminated; NULL if none does (the
 * seal NULL included).  A value is stale, a rekey rewrites it, when the
 * key it names (seal_key_id; none: plain) is not this one.
 */
const char	*seal_current_id(const struct seal *);

#endif
