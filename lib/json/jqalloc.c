/*
 * jqalloc: the allocator that keeps a jq run's budget.  See
 * json/jqalloc.h.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "json/jqalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define JQALLOC_OFF	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JQALLOC_OFF	1
#endif
#endif

/*
 * The calling thread's meter: on, its bytes left (below 0: over), and
 * whether a signal handler stopped it.
 */
static _Thread_local int			metered;
static _Thread_local long long			left;
static _Thread_local volatile sig_atomic_t	stopped;

#ifdef JQALLOC_OFF

int
jqalloc_can_meter(void)
{
	return 0;
}

#else

/* glibc's allocator, under the names it exports for wrappers. */
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);
void	 __libc_free(void *);

int
jqalloc_can_meter(void)
{
	return 1;
}

/* Whether n bytes more would go past the budget; if so, fails. */
static int
over(size_t n)
{
	if (stopped || n > (size_t)INT64_MAX || (long long)n > left) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *
malloc(size_t n)
{
	void *p;

	if (!metered)
		return __libc_malloc(n);
	if (over(n))
		return NULL;
	if ((p = __libc_malloc(n)) != NULL)
		left -= (long long)malloc_usable_size(p);
	return p;
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (!metered)
		return __libc_calloc(n, size);
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (over(n * size))
		return NULL;
	if ((p = __libc_calloc(n, size)) != NULL)
		left -= (long long)malloc_usable_size(p);
	return p;
}

void *
realloc(void *old, size_t n)
{
	size_t had;
	void *p;

	if (!metered)
		return __libc_realloc(old, n);
	had = old != NULL ? malloc_usable_size(old) : 0;
	if (n > had && over(n - had))
		return NULL;
	if ((p = __libc_realloc(old, n)) != NULL || n == 0)
		left += (long long)had -
		    (long long)(p != NULL ? malloc_usable_size(p) : 0);
	return p;
}

void
free(void *p)
{
	if (metered && p != NULL)
		left += (long long)malloc_usable_size(p);
	__libc_free(p);
}

#endif

void
jqalloc_meter(size_t budget)
{
	left = (long long)budget;
	stopped = 0;
	metered = 1;
}

void
jqalloc_stop(void)
{
	stopped = 1;
}

int
jqalloc_stopped(void)
{
	return stopped;
}

void
jqalloc_unmeter(void)
{
	metered = 0;
}
