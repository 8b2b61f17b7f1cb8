/*
 * jqprog: a compiled jq program, run one input at a time, in integra's
 * sandbox: no environment (env and $ENV are {}), no input, nothing written
 * to stderr, no halting the process, no modules, and at most 300 ms of
 * the thread's CPU time and 128 MiB of memory a run (integra.yaml(5) says
 * what a program sees).  The time limit is a CPU-time timer of the thread
 * that runs programs, started at its first run: that thread's slow system
 * calls may return EINTR.  The memory limit is kept by the allocator
 * (json/jqalloc.h); a run past either inside a C loop of libjq's is left
 * by longjmp from libjq's out-of-memory handler, and its program compiled
 * anew.
 *
 * Ownership follows jq's jv rules: jqprog_run consumes its input and hands
 * the caller an output it must jv_free.  libjq 1.6 is not thread-safe: use
 * every jqprog from one thread.
 */
#ifndef INTEGRA_JSON_JQPROG_H
#define INTEGRA_JSON_JQPROG_H

#include <jv.h>

struct buf;
struct jqprog;

/* Compiles text; on failure returns NULL with jq's messages in err. */
struct jqprog	*jqprog_compile(const char *text, struct buf *err);
/*
 * The same, shared: a program of the same text compiled before (and not
 * freed) is that one again, with one more holder (jqprog_free lets go of
 * one).  Compiling a program costs libjq 1.6 milliseconds; routes repeat
 * theirs (a cadence's channels, one a step).  A shared program is only
 * ever run whole (jqprog_run), never run in steps.
 */
struct jqprog	*jqprog_compile_shared(const char *text, struct buf *err);
/*
 * Runs the program on input (consumed).  *out gets its first output.
 * Returns 0, or -1 with the reason in err if it raised an error or gave
 * no output.
 */
int		 jqprog_run(struct jqprog *, jv input, jv *out,
		    struct buf *err);
/*
 * Every output, one at a time: jqprog_start hands the program its input
 * (consumed), and each jqprog_next gives the next output in *out: 1, 0
 * once there is no more, or -1 with the reason in err if it raised an
 * error.  Each jqprog_next is a run as far as the limit goes.  Another
 * program may run between two calls; this one may not, until it ends.
 */
void		 jqprog_start(struct jqprog *, jv input);
int		 jqprog_next(struct jqprog *, jv *out, struct buf *err);
void		 jqprog_free(struct jqprog *);
/*
 * A message of jq's (one a program caught with try) appended to err as a
 * run's error says it: "jq: error: " and without the values it quotes,
 * which may be personal data.
 */
void		 jqprog_error(struct buf *err, const char *msg);

#endif
