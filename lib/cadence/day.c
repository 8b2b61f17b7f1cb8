/*
 * day: civil days and a zone's today.  See day.h.  The day of a date and
 * back follow Howard Hinnant's days_from_civil and civil_from_days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "cadence/day.h"

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
cadence_day_of(int y, int m, int d, int64_t *day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t era, yoe, doy, doe;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*day = era * 146097 + doe - 719468;
	return 0;
}

void
cadence_day_text(int64_t day, char out[CADENCE_DAY_LEN + 1])
{
	int64_t z = day + 719468, era, doe, yoe, doy, mp, d, m, y;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, CADENCE_DAY_LEN + 1, "%04d-%02d-%02d", (int)y, (int)m,
	    (int)d);
}

/* The local time of t in zone tz; TZ is set for the call only. */
static int
local(time_t t, const char *tz, struct tm *tm)
{
	const char *was = getenv("TZ");
	char *saved = was != NULL ? strdup(was) : NULL;
	int rc;

	setenv("TZ", tz, 1);
	tzset();
	rc = localtime_r(&t, tm) != NULL ? 0 : -1;
	if (saved != NULL) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
	return rc;
}

int
cadence_day_now(int64_t ms, const char *tz, int64_t *day, int *minute)
{
	struct tm tm;
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);

	if (local(t, tz, &tm) != 0 || cadence_day_of(tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, day) != 0)
		return -1;
	*minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

int
cadence_day_parse(const char *s, size_t n, const char *tz, int64_t *day)
{
	char text[64];
	int64_t ms, civil;
	int minute, y, mo, d;

	/* Within s[0..n), which need not end in a NUL nor hold one. */
	if (n < CADENCE_DAY_LEN || n >= sizeof(text) ||
	    memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	if ((y = clock_read_digits(text, 4)) < 0 || text[4] != '-' ||
	    (mo = clock_read_digits(text + 5, 2)) < 0 || text[7] != '-' ||
	    (d = clock_read_digits(text + 8, 2)) < 0)
		return -1;
	/* A real day: clock_parse_rfc3339 does not check the calendar. */
	if (cadence_day_of(y, mo, d, &civil) != 0)
		return -1;
	if (n == CADENCE_DAY_LEN) {
		*day = civil;
		return 0;
	}
	if (clock_parse_rfc3339(text, &ms) != 0)
		return -1;
	return cadence_day_now(ms, tz, day, &minute);
}
