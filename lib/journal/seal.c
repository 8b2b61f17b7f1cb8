/*
 * seal: AES-256-GCM for the journal's personal data.  See
 * journal/seal.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/buf.h"
#include "journal/seal.h"

#define NONCE_LEN	12
#define TAG_LEN		16
#define KEYS_MAX	16
#define POOL_LEN	(NONCE_LEN * 341)	/* random bytes drawn at once */

/*
 * A key, with its contexts set up once: AES's key schedule is most of the
 * cost of a small value's seal; a value only sets its nonce.
 */
struct seal_key {
	char		 id[SEAL_ID_MAX + 1];
	size_t		 idlen;
	EVP_CIPHER_CTX	*enc;
	EVP_CIPHER_CTX	*dec;
};

struct seal {
	struct seal_key	 keys[KEYS_MAX];
	size_t		 nkeys;
	int		 current;	/* index of the one that seals; -1 */
	/*
	 * Nonces, random, drawn POOL_LEN bytes at a time (one RAND_bytes a
	 * value was a third of the cost); drawn again in a forked child,
	 * which must not use its parent's: forks counts the forks.
	 */
	unsigned char	 pool[POOL_LEN];
	size_t		 used;
	unsigned	 forks;
};

/*
 * Forks made by this process's ancestors and itself, counted in each
 * child as it starts (pthread_atfork): a word read a value, where
 * getpid() would be a system call (glibc caches it no longer).
 */
static atomic_uint forks;
static pthread_once_t forks_once = PTHREAD_ONCE_INIT;

static void
forked(void)
{
	atomic_fetch_add(&forks, 1);
}

static void
count_forks(void)
{
	pthread_atfork(NULL, NULL, forked);
}

struct seal *
seal_new(void)
{
	struct seal *s;

	pthread_once(&forks_once, count_forks);
	s = xcalloc(1, sizeof(*s));
	s->current = -1;
	s->used = POOL_LEN;
	return s;
}

void
seal_free(struct seal *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* Freeing a context cleanses the key schedule it holds. */
	for (i = 0; i < s->nkeys; i++) {
		EVP_CIPHER_CTX_free(s->keys[i].enc);
		EVP_CIPHER_CTX_free(s->keys[i].dec);
	}
	OPENSSL_cleanse(s->pool, sizeof(s->pool));
	free(s);
}

struct seal *
seal_dup(const struct seal *s)
{
	struct seal *d;
	size_t i;

	if (s == NULL)
		return NULL;
	d = seal_new();
	d->current = s->current;
	for (i = 0; i < s->nkeys; i++, d->nkeys++) {
		d->keys[i] = s->keys[i];
		d->keys[i].enc = EVP_CIPHER_CTX_new();
		d->keys[i].dec = EVP_CIPHER_CTX_new();
		if (d->keys[i].enc == NULL || d->keys[i].dec == NULL ||
		    EVP_CIPHER_CTX_copy(d->keys[i].enc, s->keys[i].enc) != 1 ||
		    EVP_CIPHER_CTX_copy(d->keys[i].dec, s->keys[i].dec) != 1) {
			d->nkeys++;	/* freed with the rest */
			seal_free(d);
			return NULL;
		}
	}
	return d;
}

int
seal_add(struct seal *s, const char *id, const unsigned char key[SEAL_KEY_LEN],
    int current)
{
	struct seal_key *k = &s->keys[s->nkeys];
	size_t i, idlen = strlen(id);

	if (idlen == 0 || idlen > SEAL_ID_MAX || s->nkeys == KEYS_MAX)
		return -1;
	for (i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i].id, id) == 0)
			return -1;
	if ((k->enc = EVP_CIPHER_CTX_new()) == NULL ||
	    (k->dec = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(k->enc, EVP_aes_256_gcm(), NULL, key,
	    NULL) != 1 ||
	    EVP_DecryptInit_ex(k->dec, EVP_aes_256_gcm(), NULL, key,
	    NULL) != 1) {
		EVP_CIPHER_CTX_free(k->enc);
		EVP_CIPHER_CTX_free(k->dec);
		memset(k, 0, sizeof(*k));
		return -1;
	}
	memcpy(k->id, id, idlen + 1);
	k->idlen = idlen;
	if (current)
		s->current = (int)s->nkeys;
	s->nkeys++;
	return 0;
}

int
seal_on(const struct seal *s)
{
	return s != NULL && s->current >= 0;
}

int
seal_is_sealed(const void *p, size_t n)
{
	const unsigned char *b = p;

	return n >= 2 + 1 + NONCE_LEN + TAG_LEN &&
	    b[0] == SEAL_VERSION && b[1] >= 1 && b[1] <= SEAL_ID_MAX &&
	    n >= 2 + (size_t)b[1] + NONCE_LEN + TAG_LEN;
}

int
seal_key_id(const void *sealed, size_t n, const char **id, size_t *id_len)
{
	const unsigned char *b = sealed;

	if (!seal_is_sealed(sealed, n))
		return -1;
	*id = (const char *)b + 2;
	*id_len = b[1];
	return 0;
}

int
seal_knows(const struct seal *s, const char *id, size_t id_len)
{
	size_t i;

	for (i = 0; s != NULL && i < s->nkeys; i++)
		if (s->keys[i].idlen == id_len &&
		    memcmp(s->keys[i].id, id, id_len) == 0)
			return 1;
	return 0;
}

const char *
seal_current_id(const struct seal *s)
{
	return seal_on(s) ? s->keys[s->current].id : NULL;
}

/* A fresh nonce into nonce: 0, or -1 if no randomness could be had. */
static int
nonce_draw(struct seal *s, unsigned char nonce[NONCE_LEN])
{
	if (s->used + NONCE_LEN > POOL_LEN || s->forks != atomic_load(&forks)) {
		if (RAND_bytes(s->pool, POOL_LEN) != 1)
			return -1;
		s->used = 0;
		s->forks = atomic_load(&forks);
	}
	memcpy(nonce, s->pool + s->used, NONCE_LEN);
	OPENSSL_cleanse(s->pool + s->used, NONCE_LEN);
	s->used += NONCE_LEN;
	return 0;
}

int
seal_value(struct seal *s, const void *value, size_t n, const void *aad,
    size_t aadlen, struct buf *out)
{
	const struct seal_key *k;
	unsigned char *p;
	size_t at = out->len, need;
	int len;

	if (!seal_on(s) || n > INT32_MAX || aadlen > INT32_MAX)
		return -1;
	k = &s->keys[s->current];
	need = 2 + k->idlen + NONCE_LEN + n + TAG_LEN;
	buf_grow(out, need);
	p = (unsigned char *)out->data + at;
	p[0] = SEAL_VERSION;
	p[1] = (unsigned char)k->idlen;
	memcpy(p + 2, k->id, k->idlen);
	p += 2 + k->idlen;
	if (nonce_draw(s, p) != 0 ||
	    EVP_EncryptInit_ex(k->enc, NULL, NULL, NULL, p) != 1 ||
	    (aadlen > 0 && EVP_EncryptUpdate(k->enc, NULL, &len, aad,
	    (int)aadlen) != 1) ||
	    EVP_EncryptUpdate(k->enc, p + NONCE_LEN, &len, value, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(k->enc, p + NONCE_LEN + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->enc, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    p + NONCE_LEN + n) != 1)
		return -1;
	out->len = at + need;
	out->data[out->len] = '\0';
	return 0;
}

int
seal_open(struct seal *s, const void *sealed, size_t n, const void *aad,
    size_t aadlen, struct buf *out, const char **key_id, size_t *key_id_len)
{
	const unsigned char *b = sealed, *nonce, *ct, *tag;
	const struct seal_key *k = NULL;
	size_t i, idlen, ctlen, at = out->len;
	int len;

	if (s == NULL || !seal_is_sealed(sealed, n) || aadlen > INT32_MAX)
		return -1;
	idlen = b[1];
	for (i = 0; i < s->nkeys && k == NULL; i++)
		if (s->keys[i].idlen == idlen &&
		    memcmp(s->keys[i].id, b + 2, idlen) == 0)
			k = &s->keys[i];
	if (k == NULL)
		return -1;
	if (key_id != NULL) {
		*key_id = (const char *)b + 2;
		*key_id_len = idlen;
	}
	nonce = b + 2 + idlen;
	ct = nonce + NONCE_LEN;
	ctlen = n - 2 - idlen - NONCE_LEN - TAG_LEN;
	tag = ct + ctlen;
	if (ctlen > INT32_MAX)
		return -1;
	buf_grow(out, ctlen);
	if (EVP_DecryptInit_ex(k->dec, NULL, NULL, NULL, nonce) != 1 ||
	    (aadlen > 0 && EVP_DecryptUpdate(k->dec, NULL, &len, aad,
	    (int)aadlen) != 1) ||
	    EVP_DecryptUpdate(k->dec, (unsigned char *)out->data + at, &len,
	    ct, (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->dec, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    (void *)tag) != 1 ||
	    EVP_DecryptFinal_ex(k->dec, (unsigned char *)out->data + at + len,
	    &len) != 1) {
		/* Nothing of a value that does not open is handed out. */
		OPENSSL_cleanse(out->data + at, ctlen);
		return -1;
	}
	out->len = at + ctlen;
	out->data[out->len] = '\0';
	return 0;
}
