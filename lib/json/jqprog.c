/*
 * jqprog: compiles and runs jq programs through libjq, in integra's
 * sandbox.  See json/jqprog.h.
 */
#include <sys/syscall.h>

#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jq.h>

#include "base/buf.h"
#include "json/jqalloc.h"
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
 * each an error for a value that is not one (NaN and infinities are no
 * money, February 31 no date).  tonumber takes only a number or a
 * number's text: libjq 1.6 parses any JSON text there, leaking what
 * follows a missing separator, and takes "nan".  Last, what no budget of
 * memory or time can stop in time, because libjq does it in one C call:
 * an array index of JQPROG_INDEX_MAX or more in a path set (setpath, and
 * =, |=, +=... and fromstream, which set paths with it: libjq 1.6 sizes
 * the array in an int that overflows past 715 million), and a string
 * repeated into JQPROG_INDEX_MAX bytes or more ("x" * 1e9 appends a byte
 * at a time); each again over jq's own builtin, kept under another name.
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
	"def brl: if type != \"number\" or isnan or isinfinite then"	\
	" error(\"brl: not a number\") elif fabs >= 1e15 then"		\
	" error(\"brl: too large\") else (. * 100 | round + 0) as $c |"	\
	" if $c < 0 then \"-\" + (- $c / 100 | brl) else ($c / 100 |"	\
	" floor) as $n | ($n | tostring) as $i | ($c - $n * 100 |"	\
	" tostring | if length < 2 then \"0\" + . else . end) as $d |"	\
	" ($i | explode | reverse | [range(0; length; 3) as $k |"	\
	" .[$k:$k + 3]] | map(reverse | implode) | reverse |"		\
	" join(\".\")) as $t | \"R$ \\($t),\\($d)\" end end; "		\
	"def dmy: if type == \"string\" and length >= 10 and .[4:5] =="	\
	" \"-\" and .[7:8] == \"-\" and (.[0:4] + .[5:7] + .[8:10] |"	\
	" explode | all(. >= 48 and . <= 57)) and ((.[0:4] | tonumber)"	\
	" as $y | (.[5:7] | tonumber) as $m | (.[8:10] | tonumber) as"	\
	" $d | $y >= 1 and $m >= 1 and $m <= 12 and $d >= 1 and $d <="	\
	" ([31, if ($y"							\
	" % 4 == 0 and $y % 100 != 0) or $y % 400 == 0 then 29 else 28"	\
	" end, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$m - 1])) then"	\
	" .[8:10] + \"/\" + .[5:7] + \"/\" + .[0:4] else"		\
	" error(\"dmy: not a date\") end; "				\
	"def _integra_tonumber: tonumber; "				\
	"def tonumber: if type == \"number\" then . elif type =="	\
	" \"string\" and test(\"^[[:space:]]*-?[0-9]+([.][0-9]+)?"	\
	"([eE][-+]?[0-9]+)?[[:space:]]*$\") then _integra_tonumber"	\
	" else error(\"tonumber: not a number\") end; "			\
	"def _integra_setpath(p; v): setpath(p; v); "			\
	"def setpath(p; v): p as $p | if ($p | type) == \"array\" and"	\
	" any($p[]; type == \"number\" and . >= " INDEX_MAX ") then"	\
	" error(\"an array index of " INDEX_MAX " or more is not"	\
	" allowed\") else _integra_setpath($p; v) end; "		\
	"def _assign(paths; value): value as $v | reduce"		\
	" path(paths) as $p (.; setpath($p; $v)); "			\
	"def _modify(paths; update): reduce path(paths) as $p (.;"	\
	" label $out | (setpath($p; getpath($p) | update) | .,"	\
	" break $out), delpaths([$p])); "				\
	"def fromstream(i): foreach i as $item ([null, false, null,"	\
	" false]; if ($item[0] | length) == 0 then [null, false,"	\
	" .[2], .[3]] elif ($item | length) == 1 and ($item[0] |"	\
	" length) < 2 then [null, false, .[0], .[1]] else . end |"	\
	" . as $state | if ($item | length) > 1 and ($item[0] |"	\
	" length) > 0 then [.[0] | setpath(($item | .[0]); ($item |"	\
	" .[1])), true, $state[2], $state[3]] else . end; if"		\
	" ($item[0] | length) == 1 and ($item | length == 1) and"	\
	" .[3] then .[2] else empty end, if ($item[0] | length) =="	\
	" 0 then $item[1] else empty end); "				\
	"def _integra_multiply(a; b): a * b; "				\
	"def _multiply(a; b): b as $b | a as $a | if (($a | type) =="	\
	" \"string\" and ($b | type) == \"number\" and"		\
	" _integra_multiply($a | utf8bytelength; $b) >= " INDEX_MAX ")"	\
	" or (($b | type) == \"string\" and ($a | type) == \"number\""	\
	" and _integra_multiply($b | utf8bytelength; $a) >= " INDEX_MAX	\
	") then error(\"a string of " INDEX_MAX " bytes or more is not"	\
	" allowed\") else _integra_multiply($a; $b) end; "		\
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

/*
 * The memory a run may take, net of what it frees (json/jqalloc.h): an
 * allocation past it fails, libjq calls its out-of-memory handler, and
 * that leaves the run by longjmp.  What the run held then is lost to the
 * process (at most about this much), and so is its jq_state, which libjq
 * cannot be trusted to tear down from there: the program is compiled
 * anew for its next run.
 */
#define JQPROG_BUDGET	(128 * 1024 * 1024)

/* The largest array index a path set may name, less one (as jq text). */
#define INDEX_MAX	"10000000"

struct jqprog {
	jq_state	*jq;
	struct buf	*err;	/* where jq's error callback writes */
	char		*source;	/* its text, to compile anew */
	int		 by_source;	/* shared: found by its source */
	int		 started;	/* a run is started and may go on */
	int		 refs;	/* shared: its holders */
	struct jqprog	*next;	/* shared: the next one */
};

/* The programs compiled shared, by their text (one thread's). */
static struct jqprog	*shared;

/* Where the run in progress leaves to when out of its budget. */
static jmp_buf	*escape;

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
	if (++ticks >= JQPROG_TICKS && !jq_halted(p->jq)) {
		jq_halt(p->jq, jv_invalid(), jv_invalid());
		/* In case it is in a C loop: fails its next allocation. */
		jqalloc_stop();
	}
}

/* libjq's out-of-memory handler: out of a run's budget, leaves the run. */
static void
out_of_budget(void *data)
{
	(void)data;
	if (escape != NULL)
		longjmp(*escape, 1);
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

/* Compiles p->source into p->jq: 0, or -1 with jq's messages in err. */
static int
compile(struct jqprog *p, struct buf *err)
{
	struct buf wrapped = BUF_INIT;
	size_t had = err->len;	/* the caller's text, kept */
	int ok;

	if ((p->jq = jq_init()) == NULL) {
		buf_adds(err, "jq: cannot initialise");
		return -1;
	}
	p->err = err;
	jq_set_error_cb(p->jq, collect_error, p);
	/*
	 * jq_start makes it the thread's: libjq 1.6's jq_init leaves it
	 * unset, and an allocation failing would call whatever it holds.
	 */
	jq_set_nomem_handler(p->jq, out_of_budget, NULL);
	/* No module can be found, whatever jq's default search path. */
	jq_set_attr(p->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	/* A newline before ")": a program may end in a comment. */
	buf_adds(&wrapped, SANDBOX);
	buf_adds(&wrapped, p->source);
	buf_adds(&wrapped, "\n)");
	ok = jq_compile(p->jq, wrapped.data);
	buf_release(&wrapped);
	p->err = NULL;
	if (ok)
		return 0;
	/*
	 * Inside the sandbox's parentheses a module directive cannot parse:
	 * jq's syntax error is the sign of one.
	 */
	if (err->len > had && (strstr(err->data + had, "unexpected import") !=
	    NULL || strstr(err->data + had, "unexpected include") != NULL)) {
		err->len = had;
		err->data[had] = '\0';
		buf_adds(err, "jq: import and include are not allowed: a"
		    " program is one text");
	}
	if (err->len == had)
		buf_adds(err, "jq: compile error");
	return -1;
}

struct jqprog *
jqprog_compile(const char *text, struct buf *err)
{
	struct jqprog *p;

	p = xcalloc(1, sizeof(*p));
	p->source = xstrdup(text);
	if (compile(p, err) != 0) {
		jqprog_free(p);
		return NULL;
	}
	return p;
}

/*
 * The run of p left by longjmp, out of its budget: its jq_state is given
 * up (libjq was stopped in the middle of a builtin) and the program
 * compiled anew for the next run.
 */
static void
lost(struct jqprog *p)
{
	struct buf err = BUF_INIT;

	p->jq = NULL;
	p->started = 0;
	if (compile(p, &err) != 0) {
		jq_teardown(&p->jq);
		p->jq = NULL;
	}
	buf_release(&err);
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
	jmp_buf out_of_memory;
	jv v, msg;

	if (ticks_start() != 0) {
		buf_adds(err, "jq: the run's CPU time cannot be limited");
		return -1;
	}
	if (p->jq == NULL) {
		buf_adds(err, "jq: cannot initialise");
		return -1;
	}
	if (!p->started)
		return 0;
	if (setjmp(out_of_memory) != 0) {
		jqalloc_unmeter();
		escape = NULL;
		running = NULL;
		lost(p);
		if (jqalloc_stopped())
			buf_addf(err, "jq: the program ran past its limit of %d"
			    " ms of CPU time", JQPROG_TICKS * JQPROG_TICK_MS);
		else
			buf_addf(err, "jq: the program ran past its limit of %d"
			    " MiB of memory", JQPROG_BUDGET >> 20);
		return -1;
	}
	escape = &out_of_memory;
	run_seq++;
	running = p;
	jqalloc_meter(JQPROG_BUDGET);
	v = jq_next(p->jq);
	jqalloc_unmeter();
	running = NULL;
	escape = NULL;
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
	jqprog_start(p, input);
	return next(p, out, 1, err) == 1 ? 0 : -1;
}

void
jqprog_start(struct jqprog *p, jv input)
{
	if (p->jq == NULL) {
		jv_free(input);
		return;
	}
	jq_start(p->jq, input, 0);
	p->started = 1;
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
		if (strcmp(p->source, text) == 0) {
			p->refs++;
			return p;
		}
	if ((p = jqprog_compile(text, err)) == NULL)
		return NULL;
	p->by_source = 1;
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
	if (p->by_source) {
		if (--p->refs > 0)
			return;
		for (pp = &shared; *pp != p; pp = &(*pp)->next)
			;
		*pp = p->next;
	}
	jq_teardown(&p->jq);
	free(p->source);
	free(p);
}
