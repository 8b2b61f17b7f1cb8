/*
 * circuit: the circuit breaker's arithmetic.  See circuit.h.
 */
#include "transport/circuit.h"
#include "conf/config.h"

/* Moves the window on to the one now falls in. */
static void
slide(struct circuit_state *s, int64_t window, int64_t now)
{
	int64_t n;

	if (s->window_start == 0 || now < s->window_start) {
		s->window_start = now;
		return;
	}
	if ((n = (now - s->window_start) / window) == 0)
		return;
	if (n == 1) {
		s->last_tries = s->window_tries;
		s->last_failures = s->window_failures;
	} else
		s->last_tries = s->last_failures = 0;
	s->window_tries = s->window_failures = 0;
	s->window_start += n * window;
}

/* Whether the failures of the last window reach rate percent. */
static int
failing(const struct circuit_state *s, int rate, int64_t window, int64_t now)
{
	double left, tries, failed;

	left = (double)(window - (now - s->window_start)) / (double)window;
	tries = s->window_tries + s->last_tries * left;
	failed = s->window_failures + s->last_failures * left;
	return tries > 0 && failed * 100 >= rate * tries;
}

enum circuit_change
circuit_update(struct circuit_state *s, const struct cfg_circuit *p,
    const struct circuit_tries *t, int64_t now)
{
	int was_open = s->open_until != 0;

	slide(s, p->window_ms, now);
	s->window_tries += t->tries;
	s->window_failures += t->failed;
	s->failures = t->answered ? t->failures_after :
	    s->failures + t->failures_after;
	/*
	 * Open, or half-open with its probe out, it takes any failure as a
	 * sign the target is still down: a failed probe opens it again.
	 */
	if (t->failures_after > 0 && p->failures > 0 &&
	    ((was_open && !t->answered) || (s->failures >= p->failures &&
	    failing(s, p->error_rate, p->window_ms, now)))) {
		if (!was_open || t->answered)
			s->opened_at = now;
		s->open_until = now + p->cooldown_ms;
		return was_open && !t->answered ? CIRCUIT_OPEN_AGAIN :
		    CIRCUIT_OPENED;
	}
	if (t->answered && was_open) {
		s->opened_at = s->open_until = 0;
		return CIRCUIT_CLOSED;
	}
	return CIRCUIT_SAME;
}
