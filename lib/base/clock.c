/*
 * clock: wall-clock and monotonic time in milliseconds, RFC 3339 text.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

/* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: four-digit years. */
#define CLOCK_MIN_MS	INT64_C(-62167219200000)
#define CLOCK_MAX_MS	INT64_C(253402300799999)

static int64_t
clock_read(clockid_t id)
{
	struct timespec	ts;

	/* Cannot fail for these clocks on Linux; 0 if it ever did. */
	if (clock_gettime(id, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t	offset_ms;

/* INTEGRA_CLOCK_OFFSET: whole seconds, maybe negative; anything else is 0. */
static void
offset_read(void)
{
	const char *s = getenv("INTEGRA_CLOCK_OFFSET");
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return;
	v = strtoll(s, &end, 10);
	if (*end == '\0' && v > -100LL * 365 * 86400 && v < 100LL * 365 * 86400)
		offset_ms = v * 1000;
}

int64_t
clock_ms(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, offset_read);
	return clock_read(CLOCK_REALTIME) + offset_ms;
}

int64_t
clock_mono_ms(void)
{
	return clock_read(CLOCK_MONOTONIC);
}

static char *
clock_digits(char *p, int v, int width)
{
	int	i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/*
 * Written by hand rather than with strftime(3): it is on the path of every
 * log line and must not depend on the locale.  Times outside years
 * 0000-9999 are clamped so the text always has RFC3339_LEN characters.
 */
void
clock_rfc3339(int64_t ms, char out[RFC3339_LEN + 1])
{
	struct tm	 tm;
	time_t		 t;
	int64_t		 sec;
	int		 frac;
	char		*p;

	if (ms < CLOCK_MIN_MS)
		ms = CLOCK_MIN_MS;
	else if (ms > CLOCK_MAX_MS)
		ms = CLOCK_MAX_MS;
	/* Floor division, so that -1 ms is 23:59:59.999 of the day before. */
	sec = ms / 1000;
	frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		tm.tm_year = 70;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		frac = 0;
	}
	p = clock_digits(out, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = clock_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = clock_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = clock_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = clock_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = clock_digits(p, tm.tm_sec, 2);
	*p++ = '.';
	p = clock_digits(p, frac, 3);
	*p++ = 'Z';
	*p = '\0';
}

int
clock_read_digits(const char *s, int width)
{
	int i, v = 0;

	for (i = 0; i < width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
clock_parse_rfc3339(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, oh, om, frac_ms = 0, digits = 0;
	time_t t;

	/* Each field its digits exactly: no sign, no blank, no fewer. */
	if ((y = clock_read_digits(s, 4)) < 0 || s[4] != '-' ||
	    (mo = clock_read_digits(s + 5, 2)) < 0 || s[7] != '-' ||
	    (d = clock_read_digits(s + 8, 2)) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    (h = clock_read_digits(s + 11, 2)) < 0 || s[13] != ':' ||
	    (mi = clock_read_digits(s + 14, 2)) < 0 || s[16] != ':' ||
	    (sec = clock_read_digits(s + 17, 2)) < 0)
		return -1;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 3)
				frac_ms = frac_ms * 10 + (*s - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			frac_ms *= 10;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	if (*s == 'Z' || *s == 'z')
		s++;
	else if ((*s == '+' || *s == '-') &&
	    (oh = clock_read_digits(s + 1, 2)) >= 0 && s[3] == ':' &&
	    (om = clock_read_digits(s + 4, 2)) >= 0 && oh < 24 && om < 60) {
		t -= (*s == '+' ? 1 : -1) * (oh * 3600 + om * 60);
		s += 6;
	} else
		return -1;
	if (*s != '\0')
		return -1;
	*ms = (int64_t)t * 1000 + frac_ms;
	return 0;
}

int
clock_duration(const char *s, int64_t *ms)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	char *end;
	long long v;
	size_t i;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0 &&
		    v <= INT64_MAX / units[i].ms / 1000) {
			*ms = v * units[i].ms;
			return 0;
		}
	return -1;
}
