/*
 * options: the command-line conventions every program shares, and each
 * program's options declared as tables, as git's parse-options.h does:
 * the parsing and the usage text both come from the tables.
 *
 * A table is an array of struct options_spec made with the macros below
 * and ended by OPTIONS_END:
 *
 *	const struct options_spec opts[] = {
 *		OPTIONS_SETUP(&cfgpath, &jpath),
 *		OPTIONS_BATCH(&s.batch_max),
 *		OPTIONS_FLAG(0, "pending", &pending),
 *		OPTIONS_END
 *	};
 *
 * An option has a letter (0: none), a long name (NULL: none) or both, and
 * sets an int to 1 (a flag), a const char * to its argument (a string), a
 * long or a size_t (a number from min to max, both >= 0: out of them, its
 * error is logged), an int64_t (a duration as clock_duration reads it, of
 * at least min ms), or whatever a callback does with the argument (for
 * options a library parses, such as a filter's: OPS_EVENTS_FILTER_OPTIONS).
 * -h/--help, the usage on stdout, is always there, and -V/--version,
 * "PROG VERSION", before a command (a command's --version may be its own).
 *
 * A program is a struct options_program: its name, its table, and the
 * lines of its usage, ended by OPTIONS_COMMANDS_END.  A line is a command
 * with its own table and its operands as the usage shows them, or, with
 * no name, the program run without a command:
 *
 *	const struct options_command cmds[] = {
 *		[LIST] = { "list", list_opts, NULL },
 *		[SHOW] = { "show", NULL, "id" },
 *		OPTIONS_COMMANDS_END
 *	};
 *	const struct options_program prog = { .name = "integra-events",
 *	    .opts = opts, .commands = cmds };
 *
 *	if ((cmd = options_command(&prog, argc, argv, &first, &rc)) < 0)
 *		return rc;
 *
 * A program with commands reads its own options up to the first operand,
 * the command; a command's options, and the program's, come after it.
 * The usage shows each line as
 *
 *	usage: integra-sync [-h] [-c config] [-j journal] runs [-n count] [job]
 *
 * wrapped at 80 columns under the first option.  The options of a table
 * that have a letter and no argument show together, [-fn];
 * OPTIONS_SHOW(text, n) gives the text shown for the n options after it,
 * "[-l address | -i]", or "" to show none of them.
 *
 * The functions that parse return an index in argv, or -1 with *rc the
 * status to exit with: EX_OK after -h or -V, EX_USAGE after a misuse,
 * the usage printed on stderr.
 *
 * Ownership: the tables, the program and argv are the caller's; a string
 * option points into argv, whose order getopt changes (options first, then
 * operands).  Nothing is kept after a call returns.
 */
#ifndef INTEGRA_CLI_OPTIONS_H
#define INTEGRA_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum options_kind {
	OPTIONS_KIND_END,
	OPTIONS_KIND_FLAG,
	OPTIONS_KIND_STRING,
	OPTIONS_KIND_NUMBER,
	OPTIONS_KIND_SIZE,
	OPTIONS_KIND_DURATION,
	OPTIONS_KIND_CALLBACK,
	OPTIONS_KIND_SHOW,
	OPTIONS_KIND_HELP,
	OPTIONS_KIND_VERSION
};

struct options_spec {
	int			 letter;
	const char		*name;
	enum options_kind	 kind;
	void			*value;		/* or a callback's ctx */
	const char		*argname;	/* or SHOW's text */
	long			 min, max;	/* SHOW: max, options shown so */
	const char		*error;		/* for a bad number */
	/* 0, or -1 with the reason in err; name is the long option's. */
	int			(*fn)(void *ctx, const char *name,
				    const char *arg, char *err, size_t errsz);
};

/* v as a pointer of type t, or a compiler warning. */
#define OPTIONS_TYPED(t, v)	(1 ? (v) : (t)NULL)

#define OPTIONS_END	{ .kind = OPTIONS_KIND_END }
#define OPTIONS_FLAG(l, n, v)						\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_FLAG,	\
	    .value = OPTIONS_TYPED(int *, v) }
#define OPTIONS_STRING(l, n, a, v)					\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_STRING,	\
	    .value = OPTIONS_TYPED(const char **, v), .argname = (a) }
#define OPTIONS_NUMBER(l, n, a, v, lo, hi, e)				\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_NUMBER,	\
	    .value = OPTIONS_TYPED(long *, v), .argname = (a),		\
	    .min = (lo), .max = (hi), .error = (e) }
#define OPTIONS_SIZE(l, n, a, v, lo, hi, e)				\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_SIZE,	\
	    .value = OPTIONS_TYPED(size_t *, v), .argname = (a),	\
	    .min = (lo), .max = (hi), .error = (e) }
#define OPTIONS_DURATION(l, n, a, v, lo)				\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_DURATION,	\
	    .value = OPTIONS_TYPED(int64_t *, v), .argname = (a),	\
	    .min = (lo) }
#define OPTIONS_CALLBACK(l, n, a, f, ctx)				\
	{ .letter = (l), .name = (n), .kind = OPTIONS_KIND_CALLBACK,	\
	    .value = (ctx), .argname = (a), .fn = (f) }
#define OPTIONS_SHOW(text, n)						\
	{ .kind = OPTIONS_KIND_SHOW, .argname = (text), .max = (n) }

/* The options most programs share: -c config and -j journal. */
#define OPTIONS_CONFIG(v)	OPTIONS_STRING('c', "config", "config", v)
#define OPTIONS_JOURNAL(v)	OPTIONS_STRING('j', "journal", "journal", v)
#define OPTIONS_SETUP(c, j)	OPTIONS_CONFIG(c), OPTIONS_JOURNAL(j)
/* Records a commit, and the longest input line in bytes, of a filter. */
#define OPTIONS_BATCH(v)						\
	OPTIONS_SIZE('B', "batch", "records", v, 1, 100000,		\
	    "-B takes a number of records from 1 to 100000")
#define OPTIONS_MAX_LINE(v)						\
	OPTIONS_SIZE('L', "max-line", "bytes", v, 64, 64L << 20,	\
	    "-L takes a number of bytes from 64 to 67108864")
/* How long a claim on a delivery lasts, for dispatch's loop. */
#define OPTIONS_LEASE(v)						\
	OPTIONS_NUMBER(0, "lease", "seconds", v, 1, 86400,		\
	    "--lease takes seconds, from 1 to 86400")

struct options_command {
	const char			*name;		/* NULL: none */
	const struct options_spec	*opts;		/* NULL: none */
	const char			*operands;	/* NULL: none */
};

#define OPTIONS_COMMANDS_END	{ NULL, NULL, NULL }

struct options_program {
	const char			*name;
	const struct options_spec	*opts;		/* NULL: none */
	const struct options_command	*commands;	/* NULL: one line */
	const char			*implied;	/* if none is given */
	const char			*trailer;	/* after the usage */
};

/*
 * Reads the options of cmd, one of p's lines, in argv[1..argc): or with
 * cmd NULL, the program's own, with those of its lines without a command
 * and of its implied command.  Returns the index of the first operand.
 */
int	options_parse(const struct options_program *p,
	    const struct options_command *cmd, int argc, char *argv[],
	    int *rc);
/*
 * For a program with commands: reads its options, its command (the
 * implied one, or its line without a command, if none is given) and the
 * command's options.  Returns the index of the command in p->commands,
 * with *argi the index of the command's first operand in argv.  Options
 * of a line without a command, or of the implied command, given before
 * another command are a misuse; so are operands that are not as many as
 * the command's operands text has words, where it is plain words (no
 * "[", "|", "<" or "...": NULL is none, "type system" two).
 */
int	options_command(const struct options_program *p, int argc,
	    char *argv[], int *argi, int *rc);
/* Prints the usage on stdout; returns EX_OK. */
int	options_help(const struct options_program *p);
/* Prints the usage on stderr; returns EX_USAGE. */
int	options_usage(const struct options_program *p);
/* A whole number from min to max, or -1. */
long	options_number(const char *arg, long min, long max);

#endif
