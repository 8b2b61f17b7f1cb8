/*
 * ids: UUIDv7 record identifiers (RFC 9562).
 *
 *   bytes 0-5   unix_ts_ms, big-endian
 *   byte  6     version 7 in the high nibble, then rand_a bits 11-8
 *   byte  7     rand_a bits 7-0
 *   byte  8     variant 10 in the two high bits, then rand_b
 *   bytes 9-15  rand_b
 *
 * The state below is per process and not locked: integra programs are
 * single-threaded filters.
 */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/digest.h"
#include "base/ids.h"

#define IDS_POOL	4096
#define IDS_RAND_A_MAX	0xfff

/* Bytes are taken from the end: ids_pool[0, ids_pool_len) are unused. */
static unsigned char	ids_pool[IDS_POOL];
static size_t		ids_pool_len;
static int		ids_atfork_done;
static int64_t		ids_last_ms = -1;
static unsigned int	ids_rand_a;

/*
 * A forked child must not hand out the random bytes its parent will use
 * too, or both could make the same id in the same millisecond.
 */
static void
ids_atfork_child(void)
{
	ids_pool_len = 0;
}

/*
 * getrandom(2) cannot fail once the kernel has entropy, short of a seccomp
 * filter that forbids it; then /dev/urandom is tried.  Without random bytes
 * ids would no longer be unique, which would corrupt journals, so that is
 * the one case where this library gives up.
 */
static void
ids_random(unsigned char *p, size_t n)
{
	ssize_t	r;
	int	fd;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		p += r;
		n -= (size_t)r;
	}
	if (n == 0)
		return;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		while (n > 0) {
			r = read(fd, p, n);
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			p += r;
			n -= (size_t)r;
		}
		close(fd);
	}
	if (n > 0) {
		fputs("integra: no random bytes for ids\n", stderr);
		abort();
	}
}

/* Takes n random bytes from the pool, refilling it with one syscall. */
static void
ids_take(unsigned char *out, size_t n)
{
	if (!ids_atfork_done) {
		/* Its only error is ENOMEM. */
		if (pthread_atfork(NULL, NULL, ids_atfork_child) != 0) {
			fputs("integra: out of memory\n", stderr);
			abort();
		}
		ids_atfork_done = 1;
	}
	if (ids_pool_len < n) {
		ids_random(ids_pool, sizeof(ids_pool));
		ids_pool_len = sizeof(ids_pool);
	}
	ids_pool_len -= n;
	memcpy(out, ids_pool + ids_pool_len, n);
}

static void
ids_format(char out[ID_LEN + 1], const unsigned char b[16])
{
	static const char hex[] = "0123456789abcdef";
	int	i;
	char	*p;

	p = out;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 0xf];
	}
	*p = '\0';
}

static void
ids_put_ms(unsigned char b[16], int64_t ms)
{
	int	i;

	for (i = 5; i >= 0; i--) {
		b[i] = (unsigned char)(ms & 0xff);
		ms >>= 8;
	}
}

void
id_new(char out[ID_LEN + 1])
{
	unsigned char	b[16], r[2];
	int64_t		ms;

	/*
	 * Monotonic within the process (RFC 9562 section 6.2, method 1):
	 * rand_a is a 12-bit counter.  A new millisecond seeds it randomly
	 * with its top bit clear, which leaves at least 2048 steps; the same
	 * or an earlier millisecond (clock stepped back) keeps the last one
	 * and counts up.  When the counter runs out the timestamp moves one
	 * ms ahead of the clock, as the RFC allows.
	 */
	ms = clock_ms() & INT64_C(0xffffffffffff);
	if (ms > ids_last_ms) {
		ids_last_ms = ms;
		ids_take(r, 2);
		ids_rand_a = ((unsigned int)r[0] << 8 | r[1]) & 0x7ff;
	} else if (ids_rand_a < IDS_RAND_A_MAX) {
		ids_rand_a++;
	} else {
		ids_last_ms++;
		ids_take(r, 2);
		ids_rand_a = ((unsigned int)r[0] << 8 | r[1]) & 0x7ff;
	}
	ids_put_ms(b, ids_last_ms);
	b[6] = (unsigned char)(0x70 | ids_rand_a >> 8);
	b[7] = (unsigned char)(ids_rand_a & 0xff);
	ids_take(b + 8, 8);
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	ids_format(out, b);
}

/* The 48-bit timestamp of a valid UUID (of any version), or -1. */
static int64_t
ids_timestamp(const char *s)
{
	int64_t	ms;
	int	i;
	char	c;

	if (!id_valid(s))
		return -1;
	ms = 0;
	for (i = 0; i < 13; i++) {
		if ((c = s[i]) == '-')
			continue;
		ms = ms << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return ms;
}

void
id_derive(char out[ID_LEN + 1], const char *parent, const char *const parts[],
    size_t nparts)
{
	struct iovec	 iov[1 + 2 * ID_PARTS_MAX];
	unsigned char	 md[DIGEST_LEN], b[16];
	int64_t		 ms;
	size_t		 i;
	int		 n = 0;

	if (parent == NULL)
		parent = "";
	if ((ms = ids_timestamp(parent)) == -1)
		ms = 0;
	iov[n++] = (struct iovec){ (void *)parent, strlen(parent) };
	for (i = 0; i < nparts && i < ID_PARTS_MAX; i++) {
		/* The NULs keep ("ab", "c") apart from ("a", "bc"). */
		iov[n++] = (struct iovec){ (void *)"", 1 };
		if (parts[i] != NULL)
			iov[n++] = (struct iovec){ (void *)parts[i],
			    strlen(parts[i]) };
	}
	digest_sha256(iov, n, md);

	ids_put_ms(b, ms);
	memcpy(b + 6, md, 10);
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	ids_format(out, b);
}

int
id_valid(const char *s)
{
	int	i;
	char	c;

	if (s == NULL)
		return 0;
	for (i = 0; i < ID_LEN; i++) {
		c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[ID_LEN] == '\0';
}

int64_t
id_time_ms(const char *s)
{
	if (!id_valid(s) || s[14] != '7')
		return -1;
	return ids_timestamp(s);
}
