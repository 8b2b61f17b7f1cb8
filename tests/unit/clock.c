/*
 * clock: unit tests of lib/base/clock: RFC 3339 times, the wall and the
 * monotonic clocks.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

#include "tap.h"

static void
test_clock(void)
{
	static const struct {
		int64_t		 ms;
		const char	*text;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ INT64_C(1732370000123), "2024-11-23T13:53:20.123Z" },
		{ INT64_C(951782400000), "2000-02-29T00:00:00.000Z" },
		{ INT64_C(951868799999), "2000-02-29T23:59:59.999Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ -1000, "1969-12-31T23:59:59.000Z" },
		{ -1001, "1969-12-31T23:59:58.999Z" },
		{ INT64_C(253402300799999), "9999-12-31T23:59:59.999Z" },
		{ INT64_MAX, "9999-12-31T23:59:59.999Z" },
		{ INT64_MIN, "0000-01-01T00:00:00.000Z" },
	};
	char	 out[RFC3339_LEN + 1];
	int64_t	 a, b, m1, m2;
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++) {
		memset(out, 'X', sizeof(out));
		clock_rfc3339(cases[i].ms, out);
		ok(strcmp(out, cases[i].text) == 0 &&
		    strlen(out) == RFC3339_LEN, "clock: %lld is %s (%s)",
		    (long long)cases[i].ms, cases[i].text, out);
	}
	a = (int64_t)time(NULL) * 1000;
	b = clock_ms();
	ok(b >= a && b < a + 2000, "clock: clock_ms agrees with time(3)");
	m1 = clock_mono_ms();
	usleep(20000);
	m2 = clock_mono_ms();
	ok(m2 - m1 >= 19 && m2 - m1 < 2000, "clock: clock_mono_ms counts ms "
	    "(%lld)", (long long)(m2 - m1));
}

int
main(void)
{
	test_clock();
	return tap_done();
}
