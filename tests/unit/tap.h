/*
 * tap: the small TAP harness of the unit tests of the lib/ modules, one
 * program a module (tests/unit/<module>.c, its main runs its tests then
 * returns tap_done()).  Each prints TAP; exits 0 iff all pass.
 * One module's tests alone: make check TESTS=tests/unit/buf (in the build).
 */
#ifndef INTEGRA_TESTS_UNIT_TAP_H
#define INTEGRA_TESTS_UNIT_TAP_H

#include <sys/types.h>

#include <stddef.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A test point: passes if cond; the rest is its description. */
void		 ok(int cond, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* A diagnostic line ("# ..."). */
void		 diag(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A printable form of s[0..n), in one buffer the next call reuses. */
const char	*show(const char *s, size_t n);
/* Whether s[0..n) is strict JSON (RFC 8259). */
int		 json_valid(const char *s, size_t n);
/* Waits for pid: whether it exited with 0. */
int		 reap(pid_t);
/* Prints the plan ("1..N") and the results; the exit status: 0 iff all
 * passed, else 1. */
int		 tap_done(void);

#endif
