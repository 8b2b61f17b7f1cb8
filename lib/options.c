/*
 * options: shared command-line conventions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "exitcode.h"
#include "log.h"
#include "options.h"

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
