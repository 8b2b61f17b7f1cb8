/*
 * log: unit tests of lib/base/log: JSON log lines, their levels, their
 * length, from many processes at once.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

#include "tap.h"

/* Runs fn with stderr going to a temporary file; returns its text. */
static char *
capture(void (*fn)(void))
{
	struct buf	 b = BUF_INIT;
	char		 chunk[4096];
	FILE		*f;
	ssize_t		 n;
	int		 saved;

	if ((f = tmpfile()) == NULL || (saved = dup(STDERR_FILENO)) == -1)
		return NULL;
	dup2(fileno(f), STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fileno(f), 0, SEEK_SET);
	while ((n = read(fileno(f), chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	fclose(f);
	return buf_detach(&b);
}

static void
log_basic(void)
{
	struct log_ids	ids = { 3, "0193583c-ef7b-7abc-8def-0123456789ab",
	    NULL, "crm" };

	log_init("/usr/local/bin/integra-test");
	log_error(&ids, "line %ld: invalid \"JSON\"\n\tnear %s", ids.line,
	    "{\x01}");
}

static int	log_errno_kept;

static void
log_no_ids(void)
{
	errno = EPIPE;
	log_warn(NULL, "plain");
	log_errno_kept = errno == EPIPE;
}

static void
log_levels(void)
{
	setenv("INTEGRA_LOG", "warn", 1);
	log_init("integra-lv");
	log_debug(NULL, "d1");
	log_info(NULL, "i1");
	log_warn(NULL, "w1");
	log_error(NULL, "e1");
	setenv("INTEGRA_LOG", "DEBUG", 1);
	log_init("integra-lv");
	log_debug(NULL, "d2");
	setenv("INTEGRA_LOG", "bogus", 1);
	log_init("integra-lv");
	log_debug(NULL, "d3");
	log_info(NULL, "i3");
	unsetenv("INTEGRA_LOG");
	log_init("integra-lv");
}

static void
log_long(void)
{
	struct buf	 b = BUF_INIT;
	struct log_ids	 ids = { 7, NULL,
	    "0193583c-ef7b-7abc-8def-0123456789ab", NULL };
	int		 i;

	for (i = 0; i < 3000; i++)
		buf_adds(&b, i % 3 == 0 ? "\xe2\x82\xac" : i % 3 == 1 ? "\n" :
		    "\xff");
	log_info(&ids, "%s", b.data);
	buf_release(&b);
}

static void
log_many(void)
{
	pid_t	pid[4];
	int	i, k;

	for (i = 0; i < 4; i++) {
		if ((pid[i] = fork()) == 0) {
			for (k = 0; k < 300; k++)
				log_info(NULL, "child %d message %d %0100d", i,
				    k, 0);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		if (pid[i] > 0)
			reap(pid[i]);
}

static int
lines_valid(const char *s, int *count)
{
	const char	*nl;
	int		 good;

	good = 1;
	*count = 0;
	while (*s != '\0') {
		if ((nl = strchr(s, '\n')) == NULL)
			return 0;
		if (!json_valid(s, (size_t)(nl - s)))
			good = 0;
		(*count)++;
		s = nl + 1;
	}
	return good;
}

static void
test_log(void)
{
	char	*s, *p;
	int	 count, good;

	/* The defaults are under test, not the caller's environment. */
	unsetenv("INTEGRA_LOG");
	count = 0;
	ok(strcmp(log_prog(), "integra") == 0, "log: default prog is integra");
	s = capture(log_basic);
	ok(s != NULL && lines_valid(s, &count) && count == 1,
	    "log: one line of valid JSON");
	good = s != NULL && strncmp(s, "{\"time\":\"", 9) == 0 &&
	    s[9 + 23] == 'Z' && strncmp(s + 9 + 24,
	    "\",\"level\":\"error\",\"prog\":\"integra-test\","
	    "\"msg\":\"integra-test: line 3: invalid \\\"JSON\\\"\\n\\tnear "
	    "{\\u0001}\",\"line\":3,\"event\":\"0193583c-ef7b-7abc-8def-"
	    "0123456789ab\",\"target\":\"crm\"}\n", 240) == 0;
	ok(good, "log: the fields, in order, escaped");
	if (s != NULL && !good)
		diag("%s", show(s, strlen(s)));
	ok(strcmp(log_prog(), "integra-test") == 0, "log: prog from log_init, "
	    "without its directory");
	free(s);

	s = capture(log_no_ids);
	ok(log_errno_kept, "log: errno is kept");
	p = s != NULL ? strstr(s, "\"msg\":\"integra-test: plain\"}\n") : NULL;
	ok(p != NULL && p[strlen("\"msg\":\"integra-test: plain\"}\n")] == '\0',
	    "log: NULL ids leave the fields out");
	free(s);

	s = capture(log_levels);
	ok(s != NULL && strstr(s, "d1") == NULL && strstr(s, "i1") == NULL &&
	    strstr(s, "\"level\":\"warn\"") != NULL && strstr(s, "w1") !=
	    NULL && strstr(s, "e1") != NULL, "log: INTEGRA_LOG=warn");
	ok(s != NULL && strstr(s, "\"level\":\"debug\",\"prog\":\"integra-lv\","
	    "\"msg\":\"integra-lv: d2\"") != NULL,
	    "log: INTEGRA_LOG=DEBUG, any case");
	ok(s != NULL && strstr(s, "d3") == NULL && strstr(s, "i3") != NULL,
	    "log: an unknown INTEGRA_LOG is info");
	free(s);
	ok(!log_enabled(LOGL_DEBUG) && log_enabled(LOGL_INFO) &&
	    log_enabled(LOGL_ERROR), "log: log_enabled");

	s = capture(log_long);
	good = s != NULL && lines_valid(s, &count);
	ok(good && count == 1 && strlen(s) <= PIPE_BUF, "log: a long message "
	    "with bad UTF-8 is one valid line of at most PIPE_BUF bytes (%zu)",
	    s != NULL ? strlen(s) : 0);
	ok(s != NULL && strstr(s, "...\",\"line\":7,\"delivery\":") != NULL,
	    "log: a cut message ends with ...");
	free(s);

	s = capture(log_many);
	good = s != NULL && lines_valid(s, &count);
	ok(good && count == 1200, "log: 4 processes, 1200 lines, none mixed "
	    "(%d)", count);
	free(s);
}

int
main(void)
{
	test_log();
	return tap_done();
}
