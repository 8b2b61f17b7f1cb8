/*
 * jqalloc: a budget of memory for a jq run.  libjq 1.6 has no allocator
 * hook, and some of its builtins build a value in one C loop that no
 * halt reaches ("x" * 1e9, tojson of a value that shares its parts), so
 * the budget is kept by the process's allocator itself: malloc, calloc,
 * realloc and free are defined here over glibc's own.  While the calling
 * thread is metered, its allocations less its frees are counted, and one
 * that would take the count past the budget fails as if memory had run
 * out: libjq then calls its out-of-memory handler, from which jqprog
 * leaves the run.  The same way a run out of time is left while it
 * allocates.  Other threads, and this one unmetered, pay a test of a
 * thread-local flag.
 *
 * Under AddressSanitizer, which must see every allocation, nothing is
 * defined and nothing metered: jqalloc_can_meter says so.
 *
 * Ownership: a block is its caller's as malloc(3) makes it, whatever the
 * meter; the meter is the calling thread's own and holds nothing.
 */
#ifndef INTEGRA_JSON_JQALLOC_H
#define INTEGRA_JSON_JQALLOC_H

#include <stddef.h>

/* 1 if runs are metered in this build; 0 under AddressSanitizer. */
int	jqalloc_can_meter(void);
/* Meters the calling thread's allocations from now, against budget. */
void	jqalloc_meter(size_t budget);
/* Stops metering the calling thread. */
void	jqalloc_unmeter(void);
/*
 * Fails the metered thread's next allocations, whatever the budget left:
 * for a signal handler on that thread, whose run is out of time but in a
 * C loop of libjq's that no halt reaches.  Until jqalloc_meter.
 */
void	jqalloc_stop(void);
/* Whether the last metering was stopped by jqalloc_stop. */
int	jqalloc_stopped(void);

#endif
