/*
 * progress: one line on stderr, rewritten in place, while long work goes
 * on, when stderr is a terminal; nothing at all otherwise, so logs and
 * pipes never see it.  The line ends with a carriage return, so a log
 * line written meanwhile starts over it.
 *
 * Ownership: nothing here allocates.  A struct progress keeps the unit
 * pointer it was given, not a copy: the string must outlive it.
 */
#ifndef INTEGRA_BASE_PROGRESS_H
#define INTEGRA_BASE_PROGRESS_H

#include <stdint.h>

struct progress {
	int		 on;
	const char	*unit;		/* "records", "deliveries" */
	int64_t		 start;		/* monotonic ms */
	int64_t		 shown;		/* when the line was last drawn */
};

void	progress_init(struct progress *, const char *unit);
/* n of the unit done so far; the line is redrawn at most 4 times a second. */
void	progress_update(struct progress *, long n);
/* The same, of total (-1: unknown, and no time left shown), and pages. */
void	progress_pages(struct progress *, long n, long total, long pages);
/* Clears the line. */
void	progress_done(struct progress *);

#endif
