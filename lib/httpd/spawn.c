/*
 * httpd/spawn: a sync run started in the background.  See httpd/spawn.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/config.h"
#include "httpd/spawn.h"
#include "journal/journal.h"

/*
 * Between fork and exec the child of a threaded process may only make
 * async-signal-safe calls, so everything is made ready first.
 */
int
httpd_spawn_sync(const struct cfg *cfg, struct journal *reader,
    const char *name, const char *param, int full)
{
	char self[PATH_MAX], prog[PATH_MAX + 16], *slash;
	char when[RFC3339_LEN + 1];
	struct buf failed = BUF_INIT;	/* the log line if exec fails */
	struct buf msg = BUF_INIT;
	const char *argv[12];
	size_t n = 0;
	ssize_t len;
	pid_t pid;
	int status, devnull;

	/* Beside the receiver (a build tree runs its own), else PATH's. */
	snprintf(prog, sizeof(prog), "integra-sync");
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[len] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(prog, sizeof(prog), "%s/integra-sync", self);
			if (access(prog, X_OK) != 0)
				snprintf(prog, sizeof(prog), "integra-sync");
		}
	}
	argv[n++] = "integra-sync";
	if (cfg->path != NULL) {
		argv[n++] = "-c";
		argv[n++] = cfg->path;
	}
	argv[n++] = "-j";
	argv[n++] = journal_path(reader);
	argv[n++] = "start";
	if (full)
		argv[n++] = "-f";
	if (param != NULL) {
		argv[n++] = "-p";
		argv[n++] = param;
	}
	argv[n++] = name;
	argv[n] = NULL;
	clock_rfc3339(clock_ms(), when);
	buf_addf(&msg, "%s: api: sync '%s': %s cannot be run", log_prog(),
	    name, prog);
	buf_addf(&failed, "{\"time\":\"%s\",\"level\":\"error\",\"prog\":",
	    when);
	buf_add_json_string(&failed, log_prog(), strlen(log_prog()));
	buf_adds(&failed, ",\"msg\":");
	buf_add_json_string(&failed, msg.data, msg.len);
	buf_adds(&failed, "}\n");
	buf_release(&msg);
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		buf_release(&failed);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(devnull);
		buf_release(&failed);
		return -1;
	}
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		setsid();
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		close_range(3, ~0U, 0);
		if (strchr(prog, '/') != NULL)
			execv(prog, (char *const *)argv);
		else
			execvp(prog, (char *const *)argv);
		/* Only write(2) here: the line is made before the fork. */
		(void)write(STDERR_FILENO, failed.data, failed.len);
		_exit(127);
	}
	close(devnull);
	buf_release(&failed);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return 0;
}
