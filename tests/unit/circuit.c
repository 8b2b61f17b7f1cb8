/*
 * circuit: unit tests of lib/transport/circuit: the circuit breaker
 * opened, probed and closed.
 */
#include <stdint.h>
#include <string.h>

#include "conf/config.h"
#include "transport/circuit.h"

#include "tap.h"

/* n tries: each a failure if the bit of fails is set, oldest first. */
static struct circuit_tries
tries_of(int n, unsigned long fails)
{
	struct circuit_tries t = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		t.tries++;
		if (fails & (1UL << i)) {
			t.failed++;
			t.failures_after++;
		} else {
			t.answered = 1;
			t.failures_after = 0;
		}
	}
	return t;
}

static void
test_circuit(void)
{
	struct cfg_circuit p = { .failures = 3, .error_rate = 50,
	    .window_ms = 60000, .cooldown_ms = 30000 };
	struct circuit_state s = { 0 };
	struct circuit_tries t;
	int64_t now = 1000000;
	int i, opened;

	t = tries_of(2, 3);
	ok(circuit_update(&s, &p, &t, now) == CIRCUIT_SAME &&
	    s.failures == 2 && s.open_until == 0,
	    "circuit: 2 failures of 3 leave it closed");
	t = tries_of(1, 1);
	ok(circuit_update(&s, &p, &t, now + 10) == CIRCUIT_OPENED &&
	    s.opened_at == now + 10 && s.open_until == now + 30010,
	    "circuit: the third in a row opens it for the cool-down");
	t = tries_of(1, 1);
	ok(circuit_update(&s, &p, &t, now + 40000) == CIRCUIT_OPEN_AGAIN &&
	    s.opened_at == now + 10 && s.open_until == now + 70000,
	    "circuit: a failed probe opens it again, from then");
	t = tries_of(1, 0);
	ok(circuit_update(&s, &p, &t, now + 80000) == CIRCUIT_CLOSED &&
	    s.open_until == 0 && s.opened_at == 0 && s.failures == 0,
	    "circuit: an answer closes it");
	t = tries_of(3, 6);
	ok(circuit_update(&s, &p, &t, now + 80001) == CIRCUIT_SAME &&
	    s.failures == 2, "circuit: an answer starts the count again");

	/* 30% failing, in streaks of 3 among 7 answers: never opens. */
	memset(&s, 0, sizeof(s));
	for (i = 0, opened = 0; i < 100; i++) {
		t = tries_of(10, 0x380);
		opened |= circuit_update(&s, &p, &t, now + i * 1000) !=
		    CIRCUIT_SAME;
	}
	ok(!opened && s.failures == 3,
	    "circuit: a flaky target at 30%% keeps its circuit closed");
	/* Then it goes down: in the window, the failures pass half. */
	for (i = 0, opened = 0; i < 100 && !opened; i++) {
		t = tries_of(10, 0x3ff);
		opened = circuit_update(&s, &p, &t, now + 100000 + i * 1000) ==
		    CIRCUIT_OPENED;
	}
	ok(opened && i > 1 && i < 70,
	    "circuit: down, it opens once the window is mostly failures"
	    " (after %d s)", i);
	/* A quiet target: one failure every 10 minutes, windows apart. */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 3; i++) {
		t = tries_of(1, 1);
		opened = circuit_update(&s, &p, &t, now + i * 600000) ==
		    CIRCUIT_OPENED;
	}
	ok(opened && s.window_tries == 1 && s.last_tries == 0,
	    "circuit: failures far apart open it too");
	p.failures = 0;
	t = tries_of(5, 31);
	ok(circuit_update(&s, &p, &t, now + 3000000) == CIRCUIT_SAME,
	    "circuit: failures 0 never opens");
}

int
main(void)
{
	test_circuit();
	return tap_done();
}
