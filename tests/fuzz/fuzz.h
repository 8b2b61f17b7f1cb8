/*
 * fuzz: the fuzz harnesses of the parsers that take outside bytes, one a
 * file (tests/fuzz/NAME.c), each a LLVMFuzzerTestOneInput.  Built two
 * ways from the same file:
 *
 *   make fuzz            with clang and libFuzzer (-fsanitize=fuzzer,
 *                        address,undefined) into fuzz/NAME, which
 *                        bench/fuzz runs for a while on each;
 *   make check           with the build's compiler and a plain main
 *                        (tests/fuzz/replay.c) into tests/fuzz/NAME, which
 *                        replays every file of tests/fuzz/corpus/NAME/ (the
 *                        seeds and every past finding) as a TAP test, under
 *                        ASan/UBSan in the sanitizer build.
 *
 * A harness checks what the parser promises (its header), not only that it
 * does not crash: a broken promise is fuzz_fail, which aborts, so that
 * libFuzzer keeps the input and the replay's test fails.
 *
 * Ownership: a harness only reads data[0..size), which stays its
 * caller's, and frees all it makes before it returns but what it keeps
 * for every input (compiled programs, a folder), freed at exit.
 */
#ifndef INTEGRA_TESTS_FUZZ_H
#define INTEGRA_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports a broken promise (printf-style) and aborts. */
void	fuzz_fail(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* Aborts with the place and the condition unless cond holds. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail("%s:%d: %s", __FILE__, __LINE__, #cond);	\
} while (0)

#endif
