/*
 * seal: AES-256-GCM for the journal's personal data.  See
 * journal/seal.h.
 */
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

struct seal_key {
	char		id[SEAL_ID_MAX + 1];
	size_t		idlen;
	unsigned char	key[SEAL_KEY_LEN];
};

struct seal {
	struct seal_key	 keys[KEYS_MAX];
	size_t		 nkeys;
	int		 current;	/* index of the one that seals; -1 */
	EVP_CIPHER_CTX	*ctx;
};

struct seal *
seal_new(void)
{
	struct seal *s;

	s = xcalloc(1, sizeof(*s));
	s->current = -1;
	if ((s->ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
seal_free(struct seal *s)
{
	if (s == NULL)
		return;
	EVP_CIPHER_CTX_free(s->ctx);
	OPENSSL_cleanse(s->keys, sizeof(s->keys));
	free(s);
}

int
seal_add(struct seal *s, const char *id, const unsigned char key[SEAL_KEY_LEN],
    int current)
{
	size_t i, idlen = strlen(id);

	if (idlen == 0 || idlen > SEAL_ID_MAX || s->nkeys == KEYS_MAX)
		return -1;
	for (i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i].id, id) == 0)
			return -1;
	memcpy(s->keys[s->nkeys].id, id, idlen + 1);
	s->keys[s->nkeys].idlen = idlen;
	memcpy(s->keys[s->nkeys].key, key, SEAL_KEY_LEN);
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
seal_value(struct seal *s, const void *value, size_t n, const void *aad,
    size_t aadlen, struct buf *out)
{
	const struct seal_key *k;
	unsigned char *p;
	size_t at = out->len, need;
	int len, rc = -1;

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
	if (RAND_bytes(p, NONCE_LEN) != 1 ||
	    EVP_EncryptInit_ex(s->ctx, EVP_aes_256_gcm(), NULL, k->key, p) != 1 ||
	    (aadlen > 0 && EVP_EncryptUpdate(s->ctx, NULL, &len, aad,
	    (int)aadlen) != 1) ||
	    EVP_EncryptUpdate(s->ctx, p + NONCE_LEN, &len, value, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(s->ctx, p + NONCE_LEN + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    p + NONCE_LEN + n) != 1)
		goto out;
	out->len = at + need;
	out->data[out->len] = '\0';
	rc = 0;
out:
	EVP_CIPHER_CTX_reset(s->ctx);
	return rc;
}

int
seal_open(struct seal *s, const void *sealed, size_t n, const void *aad,
    size_t aadlen, struct buf *out, const char **key_id, size_t *key_id_len)
{
	const unsigned char *b = sealed, *nonce, *ct, *tag;
	const struct seal_key *k = NULL;
	size_t i, idlen, ctlen, at = out->len;
	int len, rc = -1;

	if (s == NULL || !seal_is_sealed(sealed, n) || aadlen > INT32_MAX)
		return -1;
	idlen = b[1];
	for (i = 0; i < s->nkeys; i++)
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
	if (EVP_DecryptInit_ex(s->ctx, EVP_aes_256_gcm(), NULL, k->key,
	    nonce) != 1 ||
	    (aadlen > 0 && EVP_DecryptUpdate(s->ctx, NULL, &len, aad,
	    (int)aadlen) != 1) ||
	    EVP_DecryptUpdate(s->ctx, (unsigned char *)out->data + at, &len,
	    ct, (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    (void *)tag) != 1 ||
	    EVP_DecryptFinal_ex(s->ctx, (unsigned char *)out->data + at + len,
	    &len) != 1) {
		/* Nothing of a value that does not open is handed out. */
		OPENSSL_cleanse(out->data + at, ctlen);
		goto out;
	}
	out->len = at + ctlen;
	out->data[out->len] = '\0';
	rc = 0;
out:
	EVP_CIPHER_CTX_reset(s->ctx);
	return rc;
}
