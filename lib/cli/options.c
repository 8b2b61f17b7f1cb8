/*
 * options: shared command-line conventions.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"

#define BATCH_LIMIT	100000
#define LINE_LIMIT	(64L * 1024 * 1024)

int
options_help(const char *usage)
{
	fputs(usage, stdout);
	return EX_OK;
}

int
options_usage(const char *usage)
{
	fputs(usage, stderr);
	return EX_USAGE;
}

int
options_version(const char *prog)
{
	printf("%s %s\n", prog, PACKAGE_VERSION);
	return EX_OK;
}

long
options_number(const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	return v;
}

int
options_batch(const char *arg, size_t *out)
{
	long v;

	if ((v = options_number(arg, 1, BATCH_LIMIT)) < 0) {
		log_error(NULL, "-B takes a number of records from 1 to %d",
		    BATCH_LIMIT);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int
options_max_line(const char *arg, size_t *out)
{
	long v;

	if ((v = options_number(arg, 64, LINE_LIMIT)) < 0) {
		log_error(NULL, "-L takes a number of bytes from 64 to %ld",
		    LINE_LIMIT);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int
options_command(int *argc, char ***argv, const char *prog, const char *usage,
    const char *const names[], size_t n, const char **cfgpath,
    const char **jpath, int *rc)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	size_t cmd;
	int ch;

	/* "+": the options end at the command, which has its own. */
	while ((ch = getopt_long(*argc, *argv, "+c:j:hV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'c':
			*cfgpath = optarg;
			break;
		case 'j':
			*jpath = optarg;
			break;
		case 'h':
			*rc = options_help(usage);
			return -1;
		case 'V':
			*rc = options_version(prog);
			return -1;
		default:
			*rc = options_usage(usage);
			return -1;
		}
	for (cmd = 0; optind < *argc && cmd < n; cmd++)
		if (strcmp((*argv)[optind], names[cmd]) == 0)
			break;
	if (optind >= *argc || cmd == n) {
		*rc = options_usage(usage);
		return -1;
	}
	*argc -= optind;
	*argv += optind;
	optind = 0;	/* glibc: start again, on the command's arguments */
	return (int)cmd;
}
