/*
 * digest: SHA-256 with the algorithm fetched once.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "digest.h"

static EVP_MD		*sha256_md;
static EVP_MD_CTX	*sha256_ctx;

static void
die(void)
{
	fputs("integra: SHA-256 failed in OpenSSL\n", stderr);
	abort();
}

void
digest_sha256(const struct iovec *iov, int n, unsigned char out[DIGEST_LEN])
{
	unsigned int len;
	int i;

	if (sha256_md == NULL &&
	    ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (sha256_ctx = EVP_MD_CTX_new()) == NULL))
		die();
	if (EVP_DigestInit_ex(sha256_ctx, sha256_md, NULL) != 1)
		die();
	for (i = 0; i < n; i++)
		if (EVP_DigestUpdate(sha256_ctx, iov[i].iov_base,
		    iov[i].iov_len) != 1)
			die();
	if (EVP_DigestFinal_ex(sha256_ctx, out, &len) != 1 ||
	    len != DIGEST_LEN)
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
