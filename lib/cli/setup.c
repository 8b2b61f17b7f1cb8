/*
 * setup: configuration and journal, with the exit codes of sysexits(3).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "base/log.h"
#include "cli/setup.h"

int
setup_config(const char *path, struct cfg **out)
{
	char err[1024];

	/*
	 * Every program writes to pipes: a reader that goes away makes a
	 * write fail (EPIPE, said, exit 74) rather than a silent death by
	 * SIGPIPE.  The work is committed before it is written.
	 */
	signal(SIGPIPE, SIG_IGN);
	if ((*out = cfg_open(path, err, sizeof(err))) == NULL) {
		log_error(NULL, "config: %s", err);
		return EX_CONFIG;
	}
	return EX_OK;
}

void
setup_wait_input(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) == -1 && errno == EINTR)
		continue;
}

int
setup_journal(const struct cfg *cfg, const char *path, int create,
    struct journal **out)
{
	char err[1024];

	path = cfg_journal(cfg, path);
	if (!create && access(path, F_OK) != 0) {
		log_error(NULL, "journal '%s': %s (integra-ingest creates it)",
		    path, strerror(errno));
		return EX_NOINPUT;
	}
	if ((*out = journal_open(path, err, sizeof(err))) == NULL) {
		log_error(NULL, "%s", err);
		return create ? EX_CANTCREAT : EX_IOERR;
	}
	return EX_OK;
}

int
setup_journal_failed(struct journal *j)
{
	log_error(NULL, "%s", journal_error(j));
	return journal_abort(j);
}

int
setup_finish(int rc)
{
	int earlier = ferror(stdout), err = 0;

	if (fflush(stdout) != 0)
		err = errno;
	if (fclose(stdout) != 0 && err == 0)
		err = errno;
	if (err == 0 && !earlier)
		return rc;
	/* A run that ended with EX_IOERR has said why already. */
	if (rc != EX_IOERR)
		log_error(NULL, "write: %s", err != 0 ? strerror(err) :
		    "standard output failed");
	if (rc == EX_OK || rc == EX_DATAERR)
		rc = EX_IOERR;
	return rc;
}
