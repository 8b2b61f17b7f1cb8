/*
 * http: unit tests of lib/transport/http: the Retry-After header read.
 */
#include <stdint.h>

#include "transport/http.h"

#include "tap.h"

static void
test_retry_after(void)
{
	int64_t now = 784111777000;	/* Sun, 06 Nov 1994 08:49:37 GMT */

	ok(http_retry_after("120", 3, now) == 120000 &&
	    http_retry_after(" 0 ", 3, now) == 0,
	    "Retry-After: delay-seconds");
	ok(http_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", 29, now) ==
	    60000, "Retry-After: an HTTP-date a minute on");
	ok(http_retry_after("Sun, 06 Nov 1994 08:40:37 GMT", 29, now) == 0,
	    "Retry-After: a date past is now");
	ok(http_retry_after("soon", 4, now) == -1 &&
	    http_retry_after("", 0, now) == -1 &&
	    http_retry_after("-5", 2, now) == -1 &&
	    http_retry_after("12x", 3, now) == -1,
	    "Retry-After: anything else is none");
	ok(http_retry_after("99999999999999999999", 20, now) ==
	    10 * 365 * 86400000LL, "Retry-After: huge is bounded");
}

int
main(void)
{
	test_retry_after();
	return tap_done();
}
