/*
 * jqprog: compiles and runs jq programs through libjq, in integra's
 * sandbox.  See json/jqprog.h.
 */
#include <sys/syscall.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jq.h>

#include "base/buf.h"
#include "json/jqprog.h"

/*
 * What a program may not reach, defined over jq's builtins of the same
 * names: the environment (env, and $ENV bound around the program), the
 * process's input and its name (input, inputs, input_filename,
 * input_line_number), stderr (debug, stderr: the value passes, nothing is
 * written), ending the process (halt, halt_error) and the module search
 * path.  On the program's first line, so that jq's line numbers stay the
 * program's own.  Then what integra adds: brl, a number as Brazil's
 * money ("R$ 1.234,50"), and dmy, a date YYYY-MM-DD... as DD/MM/YYYY;
 * each an error for a value that is not one.
 */
#define SANDBOX								\
	"def env: {}; "							\
	"def input: error(\"input is not allowed\"); "			\
	"def inputs: error(\"inputs is not allowed\"); "		\
	"def input_filename: null; "					\
	"def input_line_number: 0; "					\
	"def debug: .; "						\
	"def stderr: .; "						\
	"def halt: error(\"halt is not allowed\"); "			\
	"def halt_error: error(\"halt_error is not allowed\"); "	\
	"def halt_error($code): error(\"halt_error is not allowed\"); "	\
	"def get_search_list: []; "					\
	"def modulemeta: error(\"modulemeta is not allowed\"); "	\
	"def brl: if type != \"number\" then error(\"brl: not a number\")" \
	" elif . < 0 then \"-\" + (- . | brl) elif . >= 1e15 then"	\
	" error(\"brl: too large\") else (. * 100 | round) as $c | ($c / 100 | floor) as $n |"	\
	" ($n | tostring) as $i | ($c - $n * 100 | tostring | if length <" \
	" 2 then \"0\" + . else . end) as $d | ($i | explode | reverse | [range(0; length;" \
	" 3) as $k | .[$k:$k + 3]] | map(reverse | implode) | reverse |" \
	" join(\".\")) as $t | \"R$ \\($t),\\($d)\" end; "		\
	"def dmy: if type == \"string\" and length >= 10 and .[4:5] =="	\
	" \"-\" and .[7:8] == \"-\" and (.[0:4] + .[5:7] + .[8:10] |"	\
	" explode | all(. >= 48 and . <= 57)) then .[8:10] + \"/\" +"	\
	" .[5:7] + \"/\" + .[0:4] else error(\"dmy: not a date\") end; "	\
	"{} as $ENV | ("

/*
 * A run that is still going after JQPROG_TICKS ticks of its thread's CPU
 * time, JQPROG_TICK_MS each, is halted: it has used between
 * (JQPROG_TICKS - 1) * JQPROG_TICK_MS and JQPROG_TICKS * JQPROG_TICK_MS.
 * The timer runs all the time, so a run costs no system call; jq 1.6
 * checks jq_halted() before every instruction, and jq_halt with invalid
 * values stores two fields and allocates nothing, so the handler may call
 * it.
 */
#define JQPROG_TICK_MS	100
#define JQPROG_TICKS	3

struct jqprog {
	jq_state	*jq;
	struct buf	*err;	/* where jq's error callback writes */
	char		*text;	/* shared: its text; NULL: the caller's own */
	int		 refs;	/* shared: its holders */
	struct jqprog	*next;	/* shared: the next one */
};

/* The programs compiled shared, by their text (one thread's). */
static struct jqprog	*shared;

/* The run in progress (NULL: none) and the ticks it has lasted. */
static struct jqprog *volatile	running;
static volatile unsigned long	run_seq;
static unsigned long		seen_seq;
static int			ticks;

static void
on_tick(int sig)
{
	struct jqprog *p = running;

	(void)sig;
	if (p == NULL || run_seq != seen_seq) {
		seen_seq = run_seq;
		ticks = 0;
		return;
	}
	if (++ticks >= JQPROG_TICKS && !jq_halted(p->jq))
		jq_halt(p->jq, jv_invalid(), jv_invalid());
}

/*
 * Starts the ticks of the calling thread's CPU time, once: libjq runs on
 * one thread of a process, and that is the thread whose programs are
 * timed.  0, or -1 if the timer cannot be made.
 */
static int
ticks_start(void)
{
	static _Thread_local int timed;
	struct sigaction sa;
	struct sigevent sev;
	struct itimerspec its;
	timer_t t;

	if (timed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN + 3, &sa, NULL) != 0)
		return -1;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGRTMIN + 3;
	/* sigev_notify_thread_id, which glibc 2.36 does not name. */
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &t) != 0)
		return -1;
	its.it_interval.tv_sec = 0;
	its.it_interval.tv_nsec = JQPROG_TICK_MS * 1000000L;
	its.it_value = its.it_interval;
	if (timer_settime(t, 0, &its, NULL) != 0) {
		timer_delete(t);
		return -1;
	}
	timed = 1;
	return 0;
}

/* jq reports compile errors through this callback, one message a call. */
static void
collect_error(void *ctx, jv msg)
{
	struct jqprog *p = ctx;

	if (p->err != NULL) {
		if (p->err->len > 0)
			buf_adds(p->err, "; ");
		if (jv_get_kind(msg) == JV_KIND_STRING)
			buf_adds(p->err, jv_string_value(msg));
		else
			buf_adds(p->err, "error");
	}
	jv_free(msg);
}

struct jqprog *
jqprog_compile(const char *text, struct buf *err)
{
	struct jqprog *p;
	struct buf wrapped = BUF_INIT;
	size_t had = err->len;	/* the caller's text, kept */
	int ok;

	p = xcalloc(1, sizeof(*p));
	if ((p->jq = jq_init()) == NULL) {
		buf_adds(err, "jq: cannot initialise");
		free(p);
		return NULL;
	}
	p->err = err;
	jq_set_error_cb(p->jq, collect_error, p);
	/* No module can be found, whatever jq's default search path. */
	jq_set_attr(p->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	/* A newline before ")": a program may end in a comment. */
	buf_addf(&wrapped, SANDBOX "%s\n)", text);
	ok = jq_compile(p->jq, wrapped.data);
	buf_release(&wrapped);
	if (!ok) {
		/*
		 * Inside the sandbox's parentheses a module directive cannot
		 * parse: jq's syntax error is the sign of one.
		 */
		if (err->len > had && (strstr(err->data + had,
		    "unexpected import") != NULL || strstr(err->data + had,
		    "unexpected include") != NULL)) {
			err->len = had;
			err->data[had] = '\0';
			buf_adds(err, "jq: import and include are not allowed:"
			    " a program is one text");
		}
		if (err->len == had)
			buf_adds(err, "jq: compile error");
		jqprog_free(p);
		return NULL;
	}
	p->err = NULL;
	return p;
}

/*
 * jq's own errors quote the values involved in parentheses ("string
 * (\"Maria\") and number (1) cannot be added"): event data, perhaps
 * personal, that must not reach a log line.  They are left out.
 */
static void
add_without_values(struct buf *err, const char *msg)
{
	const char *p, *close;

	for (p = msg; *p != '\0'; p++) {
		if (*p == '(' && (close = strchr(p, ')')) != NULL &&
		    (p[1] == '"' || p[1] == '{' || p[1] == '[' ||
		    strchr("-0123456789tfn", p[1]) != NULL)) {
			buf_adds(err, "(...)");
			p = close;
		} else
			buf_addc(err, *p);
	}
}

/*
 * The next output of the run started on p: 1 with it in *out, 0 if there
 * is none (with gave_none, that is the reason in err), -1 with the reason.
 */
static int
next(struct jqprog *p, jv *out, int gave_none, struct buf *err)
{
	jv v, msg;

	if (ticks_start() != 0) {
		buf_adds(err, "jq: the run's CPU time cannot be limited");
		return -1;
	}
	run_seq++;
	running = p;
	v = jq_next(p->jq);
	running = NULL;
	if (jq_halted(p->jq)) {
		jv_free(v);
		buf_addf(err, "jq: the program ran past its limit of %d ms of"
		    " CPU time", JQPROG_TICKS * JQPROG_TICK_MS);
		return -1;
	}
	if (jv_is_valid(v)) {
		*out = v;
		return 1;
	}
	if (jv_invalid_has_msg(jv_copy(v))) {
		msg = jv_invalid_get_msg(v);
		if (jv_get_kind(msg) == JV_KIND_STRING)
			jqprog_error(err, jv_string_value(msg));
		else {
			jv s = jv_dump_string(msg, 0);

			buf_adds(err, "jq: error: ");
			buf_adds(err, jv_string_value(s));
			jv_free(s);
			return -1;
		}
		jv_free(msg);
		return -1;
	}
	jv_free(v);
	if (!gave_none)
		return 0;
	buf_adds(err, "jq: the program gave no output");
	return -1;
}

void
jqprog_error(struct buf *err, const char *msg)
{
	buf_adds(err, "jq: error: ");
	add_without_values(err, msg);
}

int
jqprog_run(struct jqprog *p, jv input, jv *out, struct buf *err)
{
	jq_start(p->jq, input, 0);
	return next(p, out, 1, err) == 1 ? 0 : -1;
}

void
jqprog_start(struct jqprog *p, jv input)
{
	jq_start(p->jq, input, 0);
}

int
jqprog_next(struct jqprog *p, jv *out, struct buf *err)
{
	return next(p, out, 0, err);
}

struct jqprog *
jqprog_compile_shared(const char *text, struct buf *err)
{
	struct jqprog *p;

	for (p = shared; p != NULL; p = p->next)
		if (strcmp(p->text, text) == 0) {
			p->refs++;
			return p;
		}
	if ((p = jqprog_compile(text, err)) == NULL)
		return NULL;
	p->text = xstrdup(text);
	p->refs = 1;
	p->next = shared;
	shared = p;
	return p;
}

void
jqprog_free(struct jqprog *p)
{
	struct jqprog **pp;

	if (p == NULL)
		return;
	if (p->text != NULL) {
		if (--p->refs > 0)
			return;
		for (pp = &shared; *pp != p; pp = &(*pp)->next)
			;
		*pp = p->next;
		free(p->text);
	}
	jq_teardown(&p->jq);
	free(p);
}
