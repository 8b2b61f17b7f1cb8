/*
 * digest: SHA-256 for ids, idempotency keys and their index.
 *
 * OpenSSL 3 looks the algorithm up, under locks, on every one-shot call;
 * the hot paths hash once or twice a record, so the algorithm is fetched
 * once for the process and a context once for each thread that hashes
 * (the filters hash on two).  A failure inside OpenSSL (out of memory)
 * aborts, as xmalloc does.
 *
 * Ownership: the caller gives the out buffer and nothing is handed back to
 * free.  The algorithm is fetched once and kept for the process; each
 * thread's context is kept until that thread ends.
 */
#ifndef INTEGRA_BASE_DIGEST_H
#define INTEGRA_BASE_DIGEST_H

#include <stddef.h>
#include <sys/uio.h>

#define DIGEST_LEN	32

/* SHA-256 of the bytes of iov[0..n), one after the other. */
void	digest_sha256(const struct iovec *iov, int n,
	    unsigned char out[DIGEST_LEN]);
/* The same, written as 64 lower-case hex digits and a NUL. */
void	digest_sha256_hex(const struct iovec *iov, int n,
	    char out[2 * DIGEST_LEN + 1]);

#endif
