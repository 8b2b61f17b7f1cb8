/*
 * digest: SHA-256 with the algorithm fetched once, and a context a thread
 * (the filters hash on both of theirs), freed when the thread ends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "base/digest.h"

static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD		*sha256_md;
static pthread_key_t	 sha256_ctx_key;

static void
die(void)
{
	fputs("integra: SHA-256 failed in OpenSSL\n", stderr);
	abort();
}

static void
ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void
fetch(void)
{
	if ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    pthread_key_create(&sha256_ctx_key, ctx_free) != 0)
		die();
}

void
digest_sha256(const struct iovec *iov, int n, unsigned char out[DIGEST_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned int len;
	int i;

	pthread_once(&sha256_once, fetch);
	if ((ctx = pthread_getspecific(sha256_ctx_key)) == NULL &&
	    ((ctx = EVP_MD_CTX_new()) == NULL ||
	    pthread_setspecific(sha256_ctx_key, ctx) != 0))
		die();
	if (EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1)
		die();
	for (i = 0; i < n; i++)
		if (EVP_DigestUpdate(ctx, iov[i].iov_base,
		    iov[i].iov_len) != 1)
			die();
	if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != DIGEST_LEN)
		die();
}

void
digest_sha256_hex(const struct iovec *iov, int n,
    char out[2 * DIGEST_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[DIGEST_LEN];
	int i;

	digest_sha256(iov, n, md);
	for (i = 0; i < DIGEST_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * DIGEST_LEN] = '\0';
}
