/*
 * faultfs: an LD_PRELOAD shim that makes writes or flushes to chosen files
 * fail, for the tests of what a full or failing disk does (after jq's
 * tests/shtest and its libinject_errors.so).  It is told by the
 * environment:
 *
 *   FAULTFS_PATH   a part of the path of the files to fail (the path of a
 *                  descriptor is read from /proc/self/fd); unset: no fault
 *   FAULTFS_OP     write: write, pwrite, pwrite64 and writev fail;
 *                  fsync: fsync and fdatasync fail; all: both (and
 *                  FAULTFS_AFTER counts bytes and calls together)
 *   FAULTFS_ERRNO  ENOSPC (the default), EIO, EDQUOT or EFBIG
 *   FAULTFS_AFTER  what goes through first: bytes written, for a write,
 *                  or calls, for a flush (0, the default: none); the
 *                  write that crosses the bytes is cut short, as on a
 *                  disk that fills
 *   FAULTFS_FLAG   a file: the fault is on only while it exists (and
 *                  FAULTFS_AFTER counts only then), so a test can turn it
 *                  on and off under a running program
 *   FAULTFS_LOG    a file each failed call appends a line to
 *                  ("write fd 5 .../journal.db-wal: ENOSPC"), so a test
 *                  can tell that the fault was hit
 *
 * The shim is built without the sanitizers; under AddressSanitizer,
 * preloading it takes ASAN_OPTIONS=verify_asan_link_order=0.
 *
 * Ownership: nothing here allocates; the environment is read once.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum op { OP_WRITE = 1, OP_FSYNC = 2 };

static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	(*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t	(*real_writev)(int, const struct iovec *, int);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);

static const char *match;	/* FAULTFS_PATH, or NULL: no fault */
static const char *flag;	/* FAULTFS_FLAG */
static const char *logpath;	/* FAULTFS_LOG */
static int ops = OP_WRITE;
static int fail_errno = ENOSPC;
static long long after;
static atomic_llong used;	/* bytes written or flushes, while on */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const struct {
	const char	*name;
	int		 value;
} errnos[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT },
	{ "EFBIG", EFBIG },
};

static const char badenv[] = "faultfs: bad FAULTFS_OP, FAULTFS_ERRNO or"
    " FAULTFS_AFTER\n";

static void
setup(void)
{
	const char *s;
	char *end;
	size_t i;

	real_write = (ssize_t (*)(int, const void *, size_t))
	    dlsym(RTLD_NEXT, "write");
	real_pwrite = (ssize_t (*)(int, const void *, size_t, off_t))
	    dlsym(RTLD_NEXT, "pwrite");
	real_pwrite64 = (ssize_t (*)(int, const void *, size_t, off64_t))
	    dlsym(RTLD_NEXT, "pwrite64");
	real_writev = (ssize_t (*)(int, const struct iovec *, int))
	    dlsym(RTLD_NEXT, "writev");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");

	if ((s = getenv("FAULTFS_PATH")) == NULL || *s == '\0')
		return;
	if ((s = getenv("FAULTFS_OP")) != NULL) {
		if (strcmp(s, "fsync") == 0)
			ops = OP_FSYNC;
		else if (strcmp(s, "all") == 0)
			ops = OP_WRITE | OP_FSYNC;
		else if (strcmp(s, "write") != 0)
			goto bad;
	}
	if ((s = getenv("FAULTFS_ERRNO")) != NULL) {
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(s, errnos[i].name) == 0)
				break;
		if (i == sizeof(errnos) / sizeof(errnos[0]))
			goto bad;
		fail_errno = errnos[i].value;
	}
	if ((s = getenv("FAULTFS_AFTER")) != NULL) {
		errno = 0;
		after = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || after < 0)
			goto bad;
	}
	if ((flag = getenv("FAULTFS_FLAG")) != NULL && *flag == '\0')
		flag = NULL;
	if ((logpath = getenv("FAULTFS_LOG")) != NULL && *logpath == '\0')
		logpath = NULL;
	match = getenv("FAULTFS_PATH");
	return;
bad:
	/* A test that asked for what cannot be must not pass. */
	(void)real_write(STDERR_FILENO, badenv, sizeof(badenv) - 1);
	_exit(70);
}

/* Whether fd is a file to fail for op; its path in path. */
static int
targeted(int fd, enum op op, char *path, size_t pathsz)
{
	char link[64];
	ssize_t n;

	pthread_once(&once, setup);
	if (match == NULL || !(ops & op))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, pathsz - 1)) < 0)
		return 0;
	path[n] = '\0';
	return strstr(path, match) != NULL &&
	    (flag == NULL || access(flag, F_OK) == 0);
}

static void
note(const char *what, int fd, const char *path)
{
	const char *name = "?";
	char line[PATH_MAX + 128];
	size_t i;
	int lfd, len;

	if (logpath == NULL)
		return;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == fail_errno)
			name = errnos[i].name;
	len = snprintf(line, sizeof(line), "%s fd %d %s: %s\n", what, fd,
	    path, name);
	if (len < 0 || (size_t)len >= sizeof(line))
		return;
	if ((lfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) < 0)
		return;
	(void)real_write(lfd, line, (size_t)len);
	close(lfd);
}

/*
 * How many of the n bytes a write to fd may write: n, fewer (short, as
 * on a disk that fills) or -1 with errno set.
 */
static ssize_t
allowed(const char *what, int fd, size_t n)
{
	char path[PATH_MAX];
	long long was;

	if (!targeted(fd, OP_WRITE, path, sizeof(path)))
		return (ssize_t)n;
	was = atomic_fetch_add(&used, (long long)n);
	if (was + (long long)n <= after)
		return (ssize_t)n;
	if (was < after)
		return (ssize_t)(after - was);
	note(what, fd, path);
	errno = fail_errno;
	return -1;
}

static int
flush_fails(const char *what, int fd)
{
	char path[PATH_MAX];

	if (!targeted(fd, OP_FSYNC, path, sizeof(path)))
		return 0;
	if (atomic_fetch_add(&used, 1) < after)
		return 0;
	note(what, fd, path);
	errno = fail_errno;
	return 1;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	ssize_t ok = allowed("write", fd, n);

	return ok < 0 ? -1 : real_write(fd, p, (size_t)ok);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	ssize_t ok = allowed("pwrite", fd, n);

	return ok < 0 ? -1 : real_pwrite(fd, p, (size_t)ok, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off64_t off)
{
	ssize_t ok = allowed("pwrite64", fd, n);

	return ok < 0 ? -1 : real_pwrite64(fd, p, (size_t)ok, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	size_t n = 0;
	ssize_t ok;
	int i;

	for (i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	if ((ok = allowed("writev", fd, n)) < 0)
		return -1;
	if ((size_t)ok == n)
		return real_writev(fd, iov, iovcnt);
	/* Cut short: the first ok bytes, from the first vectors. */
	for (i = 0; i < iovcnt && (size_t)ok >= iov[i].iov_len; i++)
		ok -= (ssize_t)iov[i].iov_len;
	{
		struct iovec cut[i + 1];

		memcpy(cut, iov, sizeof(cut));
		cut[i].iov_len = (size_t)ok;
		return real_writev(fd, cut, i + 1);
	}
}

int
fsync(int fd)
{
	return flush_fails("fsync", fd) ? -1 : real_fsync(fd);
}

int
fdatasync(int fd)
{
	return flush_fails("fdatasync", fd) ? -1 : real_fdatasync(fd);
}
