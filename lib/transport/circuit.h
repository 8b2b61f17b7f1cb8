/*
 * circuit: a target's circuit breaker, as arithmetic on its state; the
 * journal keeps the state (journal_circuit_get and _put) so that every
 * process shares it, and dispatch feeds it the tries of each commit.
 *
 * The circuit opens when the failed tries in a row reach the policy's
 * failures and, among the tries of the last window, at least error_rate
 * percent failed: a target that is down fails both, a flaky one that
 * answers most requests fails in a row now and then without its circuit
 * opening.  The window slides: the count of the window before is weighed
 * by how much of it the last window still covers.  Open, the circuit
 * stays so cooldown after its last failure; then it is half-open, and one
 * probe goes: any answer closes it, a failure opens it again.
 *
 * Ownership: nothing here allocates.  circuit_update changes the caller's
 * state in place and only reads the policy and the tries.
 */
#ifndef INTEGRA_TRANSPORT_CIRCUIT_H
#define INTEGRA_TRANSPORT_CIRCUIT_H

#include <stdint.h>

struct cfg_circuit;

struct circuit_state {
	int	 failures;		/* in a row, since the last answer */
	int64_t	 opened_at;		/* 0: closed */
	int64_t	 open_until;		/* half-open once it has passed */
	int64_t	 window_start;
	int	 window_tries;
	int	 window_failures;
	int	 last_tries;		/* of the window before */
	int	 last_failures;
};

/* What a commit's tries did to the circuit. */
enum circuit_change {
	CIRCUIT_SAME,
	CIRCUIT_OPENED,			/* it was closed */
	CIRCUIT_OPEN_AGAIN,		/* it was open or half-open */
	CIRCUIT_CLOSED			/* it was open or half-open */
};

/* The tries of one commit, in the order they came back. */
struct circuit_tries {
	int	 answered;		/* an answer came back */
	int	 failures_after;	/* failed tries after the last answer */
	int	 tries;
	int	 failed;
};

enum circuit_change	circuit_update(struct circuit_state *,
			    const struct cfg_circuit *,
			    const struct circuit_tries *, int64_t now);

#endif
