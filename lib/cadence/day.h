/*
 * day: the days a cadence counts in: whole days since 1970-01-01 of the
 * civil calendar, in a time zone of the system's database (tzdata), as
 * the cadence's time zone has them.
 *
 * Ownership: nothing here allocates; strings are only read.  The zone is
 * set for the call only (TZ, then back): call from one thread.
 */
#ifndef INTEGRA_CADENCE_DAY_H
#define INTEGRA_CADENCE_DAY_H

#include <stddef.h>
#include <stdint.h>

#define CADENCE_DAY_LEN	10	/* YYYY-MM-DD */

/* The day of a civil date; -1 (and *day untouched) if it is not one. */
int	cadence_day_of(int year, int month, int mday, int64_t *day);
/*
 * The day s[0..n) names: a date YYYY-MM-DD, or an RFC 3339 time (its day
 * in zone tz).  0, or -1 if it is neither, or no such day ("2026-02-31").
 */
int	cadence_day_parse(const char *s, size_t n, const char *tz,
	    int64_t *day);
/* The day and the minute of the day (0..1439) it is at ms in zone tz. */
int	cadence_day_now(int64_t ms, const char *tz, int64_t *day,
	    int *minute);
/* YYYY-MM-DD. */
void	cadence_day_text(int64_t day, char out[CADENCE_DAY_LEN + 1]);

#endif
