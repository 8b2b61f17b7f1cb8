/*
 * options: the command-line conventions every program shares: -h prints
 * usage on stdout and exits 0, misuse prints it on stderr and exits 64,
 * and the options that tune a stream parse the same way everywhere.
 *
 * Ownership: nothing here allocates.  options_command sets *cfgpath and
 * *jpath to point into argv, and moves *argv forward within the array.
 */
#ifndef INTEGRA_CLI_OPTIONS_H
#define INTEGRA_CLI_OPTIONS_H

#include <stddef.h>

/* Prints usage on stdout; returns EX_OK. */
int	options_help(const char *usage);
/* Prints usage on stderr; returns EX_USAGE. */
int	options_usage(const char *usage);
/* Prints "PROG VERSION"; returns EX_OK. */
int	options_version(const char *prog);
/* -B, records a commit: 0, or -1 (logged) if arg is not valid. */
int	options_batch(const char *arg, size_t *out);
/* -L, the longest input line in bytes: 0, or -1 (logged). */
int	options_max_line(const char *arg, size_t *out);
/* A whole number from min to max, or -1. */
long	options_number(const char *arg, long min, long max);
/*
 * For a program run as PROG [-hV] [-c config] [-j journal] COMMAND ...:
 * reads the options before the command, then the command, one of
 * names[0..n).  Returns its index, with *argc and *argv starting at it
 * and getopt set to read the command's own options; or -1 with *rc the
 * status to exit with (after -h, -V or a misuse).
 */
int	options_command(int *argc, char ***argv, const char *prog,
	    const char *usage, const char *const names[], size_t n,
	    const char **cfgpath, const char **jpath, int *rc);

#endif
