/*
 * cadenceday: cadence_day_parse on any bytes (a date of a synced record),
 * in a few time zones, some of them not in the system's database
 * (day.h).  s[0..n) is read and nothing past it.  It takes a date
 * YYYY-MM-DD of the calendar, the same day in every zone, which
 * cadence_day_text writes back as it was given; and an RFC 3339 time
 * (checked here by a parser of the harness's own), its day in the zone:
 * in UTC the day of the time, in any other zone a day beside it, which
 * cadence_day_text and cadence_day_of turn into each other.  Anything
 * else is -1.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cadence/day.h"

#include "fuzz.h"

/* UTC first: the others are checked against its day. */
static const char *const zones[] = {
	"UTC",
	"America/Sao_Paulo",
	"Asia/Kathmandu",		/* +05:45 */
	"Pacific/Kiritimati",		/* +14:00 */
	"Pacific/Pago_Pago",		/* -11:00 */
	"Not/AZone",			/* not in the database */
	"",
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The number of the n digits at s, or -1 if one is not a digit. */
static int
digits(const char *s, size_t n)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The day of the date YYYY-MM-DD at s[0..10): 0, or -1 if none. */
static int
date_day(const char *s, size_t n, int64_t *day)
{
	int	y, m, d;

	if (n < CADENCE_DAY_LEN || s[4] != '-' || s[7] != '-' ||
	    (y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return -1;
	return cadence_day_of(y, m, d, day);
}

/*
 * The seconds since the epoch of the RFC 3339 time s[0..n)
 * (YYYY-MM-DD[Tt ]HH:MM:SS[.F...](Z|z|+HH:MM|-HH:MM)): 0, or -1.
 */
static int
rfc3339_seconds(const char *s, size_t n, int64_t *secs)
{
	int64_t	day;
	size_t	i;
	int	h, mi, sec, oh, om, sign;

	if (n < 20 || date_day(s, n, &day) != 0 ||
	    strchr("Tt ", s[10]) == NULL || s[10] == '\0' || s[13] != ':' ||
	    s[16] != ':' || (h = digits(s + 11, 2)) < 0 || h > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 60)
		return -1;
	i = 19;
	if (s[i] == '.') {
		for (i++; i < n && is_digit(s[i]); i++)
			;
		if (i == 20)
			return -1;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		oh = om = sign = 0;
		i++;
	} else if (i + 6 <= n && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':' && (oh = digits(s + i + 1, 2)) >= 0 && oh <= 23 &&
	    (om = digits(s + i + 4, 2)) >= 0 && om <= 59) {
		sign = s[i] == '+' ? 1 : -1;
		i += 6;
	} else
		return -1;
	if (i != n)
		return -1;
	*secs = day * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Checks that day is one that cadence_day_text and _of agree on. */
static void
check_text(int64_t day)
{
	char	text[CADENCE_DAY_LEN + 1];
	int64_t	again;

	cadence_day_text(day, text);
	FUZZ_CHECK(strlen(text) == CADENCE_DAY_LEN);
	if (date_day(text, CADENCE_DAY_LEN, &again) != 0 || again != day)
		fuzz_fail("day %lld is written '%s'", (long long)day, text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		 text[CADENCE_DAY_LEN + 1];
	int64_t		 day, want = 0, secs, first, last;
	size_t		 i;
	int		 rc, is_date, is_time;

	unsetenv("TZDIR");
	/* Days whose neighbours are in years 1 to 9999, as every zone's. */
	if (cadence_day_of(1, 1, 2, &first) != 0 ||
	    cadence_day_of(9999, 12, 30, &last) != 0)
		abort();
	is_date = size == CADENCE_DAY_LEN && date_day(s, size, &want) == 0;
	is_time = size > CADENCE_DAY_LEN &&
	    rfc3339_seconds(s, size, &secs) == 0;
	if (is_time)
		want = floor_div(secs, 86400);
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		rc = cadence_day_parse(s, size, zones[i], &day);
		if (is_date) {
			FUZZ_CHECK(rc == 0 && day == want);
			cadence_day_text(day, text);
			FUZZ_CHECK(memcmp(text, s, CADENCE_DAY_LEN) == 0);
		} else if (!is_time) {
			if (rc == 0)
				fuzz_fail("zone '%s': took '%.*s' as day %lld",
				    zones[i], (int)(size < 64 ? size : 64), s,
				    (long long)day);
		} else if (rc != 0) {
			/* Its text too long to be read, or years 1-9999. */
			FUZZ_CHECK(size >= 64 || want < first || want > last);
		} else {
			check_text(day);
			if (i == 0)
				FUZZ_CHECK(day == want);
			else
				FUZZ_CHECK(day >= want - 1 && day <= want + 1);
		}
	}
	return 0;
}
