/*
 * syncrun: a sync run started in the background, by the receiver or as a
 * route's step.  See syncrun.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/config.h"
#include "transport/syncrun.h"
#include "journal/journal.h"
#include "json/jvparse.h"

/*
 * Between fork and exec the child of a threaded process may only make
 * async-signal-safe calls, so everything is made ready first.
 */
int
syncrun_spawn(const char *config, const char *journal, const char *name,
    const char *param, int full)
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
	if (config != NULL) {
		argv[n++] = "-c";
		argv[n++] = config;
	}
	argv[n++] = "-j";
	argv[n++] = journal;
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
	buf_addf(&msg, "%s: sync '%s': %s cannot be run", log_prog(), name,
	    prog);
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

/*
 * The request's body is the key of the record whose run it starts, as
 * JSON: a string, or null (or nothing) for the whole job.  Kept in url.
 */
static int
sync_prepare(const struct transport_target *t, struct transport_req *req,
    char *why, size_t whysz)
{
	jv v;
	int rc = 0;

	(void)t;
	v = req->body_len > 0 ? jvparse_text(req->body, req->body_len) :
	    jv_null();
	free(req->url);
	req->url = NULL;
	if (jv_get_kind(v) == JV_KIND_NULL)
		req->url = xstrdup("");
	else if (jv_get_kind(v) == JV_KIND_STRING &&
	    jv_string_length_bytes(jv_copy(v)) > 0 &&
	    jv_string_length_bytes(jv_copy(v)) <= 128 &&
	    strpbrk(jv_string_value(v), "/\r\n") == NULL &&
	    (size_t)jv_string_length_bytes(jv_copy(v)) ==
	    strlen(jv_string_value(v)))
		req->url = xstrdup(jv_string_value(v));
	else {
		req->url = xstrdup("");
		snprintf(why, whysz, "the body of a sync's step is the key of"
		    " a record of its set, a string, or null");
		rc = -1;
	}
	jv_free(v);
	return rc;
}

/* The run started, detached: "202" once it is, as the receiver answers. */
static void
sync_run(const struct transport_target *t, struct transport_req *req)
{
	struct http_xfer *x = &req->x;

	x->started_ms = clock_ms();
	x->retry_after_ms = -1;
	if (syncrun_spawn(t->config, t->journal, t->cfg->sync,
	    req->url[0] != '\0' ? req->url : NULL, 0) == 0) {
		x->status = 202;
		x->error_class = NULL;
	} else {
		x->status = 0;
		x->error_class = "internal";
		snprintf(x->error, sizeof(x->error), "the run of sync '%s'"
		    " cannot be started", t->cfg->sync);
	}
	x->duration_ms = clock_ms() - x->started_ms;
}

const struct transport transport_sync = { "sync", sync_prepare, NULL,
    sync_run };
