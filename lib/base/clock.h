/*
 * clock: wall-clock time in milliseconds since the epoch, and its RFC 3339
 * text form.
 *
 * Ownership: nothing here allocates.  Results go into the caller's out
 * buffer or *ms; the strings given are only read during the call.
 */
#ifndef INTEGRA_BASE_CLOCK_H
#define INTEGRA_BASE_CLOCK_H

#include <stdint.h>

#define RFC3339_LEN	24	/* 2026-11-23T15:12:02.123Z */

/*
 * Now, shifted by $INTEGRA_CLOCK_OFFSET seconds if it is set: how tests
 * see what a schedule does an hour later without waiting for it.
 */
int64_t	clock_ms(void);
/* Monotonic clock in ms, for durations and timeouts. */
int64_t	clock_mono_ms(void);
void	clock_rfc3339(int64_t ms, char out[RFC3339_LEN + 1]);
/*
 * The ms since the epoch of an RFC 3339 time (YYYY-MM-DDTHH:MM:SS, an
 * optional fraction, then Z or +HH:MM/-HH:MM): 0 and *ms set, or -1.
 */
int	clock_parse_rfc3339(const char *s, int64_t *ms);
/*
 * The number the width ASCII digits at s make, or -1 if any of them is
 * not one (a sign, a blank, the end of the text).  Reads no further than
 * the first byte that is not a digit.
 */
int	clock_read_digits(const char *s, int width);
/*
 * A duration as people write one, a whole number and a unit ("500ms",
 * "10s", "5m", "1h", "2d"; none: ms): 0 and *ms set, or -1.
 */
int	clock_duration(const char *s, int64_t *ms);

#endif
