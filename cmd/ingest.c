/*
 * integra-ingest: take events in, journal them, write their envelopes.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "json/event.h"
#include "base/exitcode.h"
#include "stage/ingest.h"
#include "journal/journal.h"
#include "base/log.h"
#include "httpd/listen.h"
#include "cli/options.h"
#include "httpd/receiver.h"
#include "cli/setup.h"
#include "stage/stream.h"

#define MAX_BODY	(1024 * 1024)
#define REQUEST_TIMEOUT	30	/* seconds to send a request whole */
#define PER_CLIENT	256	/* connections from one address */

/*
 * inetd: the connection on standard input goes to the server alone, so
 * that it ends when the server closes it; standard output and, if it is
 * the connection too, standard error become /dev/null.
 */
static int
take_connection(void)
{
	struct stat st;
	int fd, null;

	if ((fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(STDERR_FILENO, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)dup2(null, STDERR_FILENO);
	(void)dup2(null, STDIN_FILENO);
	(void)dup2(null, STDOUT_FILENO);
	close(null);
	return fd;
}

/*
 * Where the receiver's envelopes go: standard output for "-", else the
 * standard input of command, run by the shell.  NULL with no -x.
 */
static int
open_output(const char *command, FILE **out)
{
	*out = NULL;
	if (command == NULL)
		return 0;
	if (strcmp(command, "-") == 0) {
		*out = stdout;
		return 0;
	}
	fflush(NULL);
	if ((*out = popen(command, "we")) == NULL) {
		log_error(NULL, "--exec: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Closes the output; the command's failure is logged, not returned. */
static void
close_output(FILE *out)
{
	int status;

	if (out == NULL || out == stdout)
		return;
	if ((status = pclose(out)) != 0)
		log_warn(NULL, "--exec: the command ended with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
		    WTERMSIG(status));
}

/* The receiver: -l, -i, or the socket systemd passed. */
static int
serve(const struct cfg *cfg, struct journal *journal, const char *addr,
    int inetd, int inherited, const char *exec, struct receiver_opts *o)
{
	char err[256];
	int rc, port;

	if (inetd) {
		if ((o->fd = take_connection()) == -1) {
			log_error(NULL, "--inetd: %s", strerror(errno));
			return EX_OSERR;
		}
		o->inetd = 1;
	} else if (inherited >= 0)
		o->fd = inherited;
	else if ((o->fd = listen_on(addr, err, sizeof(err))) == -1) {
		log_error(NULL, "%s", err);
		return EX_UNAVAILABLE;
	}
	if (inetd)
		log_info(NULL, "serving one connection");
	else if ((port = listen_port(o->fd)) != 0)
		log_info(NULL, "listening on %s, port %d", addr != NULL ?
		    addr : "the socket systemd passed", port);
	else
		log_info(NULL, "listening on %s", addr != NULL ? addr :
		    "the socket systemd passed");
	if (open_output(exec, &o->out) != 0)
		return EX_OSERR;
	rc = receiver_run(cfg, journal, o);
	close_output(o->out);
	if (!inetd)
		close(o->fd);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *tenant = NULL;
	const char *listen = NULL, *exec = NULL;
	struct receiver_opts ro = { .max_body = MAX_BODY,
	    .request_timeout = REQUEST_TIMEOUT, .per_client = PER_CLIENT };
	char err[256];
	long idle = 0, timeout = REQUEST_TIMEOUT, per_client = PER_CLIENT;
	size_t batch = 0;
	int stream_opts, inetd = 0, inherited, server;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct ingest ig;
	struct stream s;
	struct stream_stage stage = { .prepare = ingest_prepare,
	    .apply = ingest_apply, .finish = ingest_finish,
	    .work_free = ingest_work_free, .ctx = &ig };
	int i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_STRING('T', "tenant", "tenant", &tenant),
		OPTIONS_END
	}, stream_form[] = {
		OPTIONS_SHOW("[-s source -t type [-k member]]", 3),
		OPTIONS_STRING('s', "source", "source", &ig.source),
		OPTIONS_STRING('t', "type", "type", &ig.type),
		OPTIONS_STRING('k', "key", "member", &ig.key),
		OPTIONS_BATCH(&batch),
		OPTIONS_MAX_LINE(&s.max_line),
		OPTIONS_END
	}, server_form[] = {
		OPTIONS_SHOW("[-l address | -i]", 2),
		OPTIONS_STRING('l', "listen", "address", &listen),
		OPTIONS_FLAG('i', "inetd", &inetd),
		OPTIONS_SIZE('M', "max-body", "bytes", &ro.max_body, 64,
		    64L << 20, "-M: a size from 64 to 67108864 bytes"),
		OPTIONS_NUMBER('C', "per-client", "connections", &per_client,
		    0, 1024, "-C: connections, from 0 (no limit) to 1024"),
		OPTIONS_NUMBER('I', "idle-exit", "seconds", &idle, 1, 86400,
		    "-I: seconds, from 1 to 86400"),
		OPTIONS_NUMBER('W', "request-timeout", "seconds", &timeout,
		    1, 3600, "-W: seconds, from 1 to 3600"),
		OPTIONS_STRING('x', "exec", "command", &exec),
		OPTIONS_END
	};
	const struct options_command forms[] = {
		{ NULL, stream_form, NULL },
		{ NULL, server_form, NULL },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-ingest",
	    .opts = opts, .commands = forms };

	log_init("integra-ingest");
	ingest_init(&ig);
	stream_init(&s, NULL);
	if ((i = options_parse(&prog, NULL, argc, argv, &rc)) < 0)
		return rc;
	ro.idle_exit = (int)idle;
	ro.request_timeout = (int)timeout;
	ro.per_client = (unsigned int)per_client;
	/* -B goes to batch, not s.batch_max, to tell whether it was given. */
	if (batch != 0)
		s.batch_max = batch;
	stream_opts = ig.source != NULL || ig.type != NULL || ig.key != NULL ||
	    batch != 0 || s.max_line != 0;
	/* A socket from systemd makes a server, as -l and -i do. */
	if ((inherited = listen_inherited(err, sizeof(err))) == -2) {
		log_error(NULL, "%s", err);
		return EX_USAGE;
	}
	server = listen != NULL || inetd || inherited >= 0;
	if (i != argc || (server && stream_opts) ||
	    (listen != NULL) + inetd + (inherited >= 0) > 1 ||
	    (!server && (ro.max_body != MAX_BODY || ro.idle_exit != 0 ||
	    timeout != REQUEST_TIMEOUT || per_client != PER_CLIENT ||
	    exec != NULL)) || (inetd && exec != NULL &&
	    strcmp(exec, "-") == 0) ||
	    (inetd && ro.idle_exit != 0) ||
	    (ig.source == NULL) != (ig.type == NULL) ||
	    (ig.key != NULL && ig.source == NULL))
		return options_usage(&prog);
	if ((ig.source != NULL && !event_name_valid(ig.source)) ||
	    (ig.type != NULL && !event_name_valid(ig.type)) ||
	    (tenant != NULL && !event_name_valid(tenant))) {
		log_error(NULL, "source, type and tenant are letters, digits"
		    " and ._:-/");
		return options_usage(&prog);
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 1, &journal)) != EX_OK)
		goto out;
	ig.tenant = tenant != NULL ? tenant : cfg->tenant;
	if (server) {
		ro.tenant = ig.tenant;
		rc = serve(cfg, journal, listen, inetd, inherited, exec, &ro);
		goto out;
	}
	s.journal = journal;
	/* Events are taken from their text: no tree, unless for --key. */
	stage.no_tree = ig.key == NULL;
	rc = stream_fd(&s, STDIN_FILENO, &stage);
	if (s.err[0] != '\0')
		log_error(NULL, "%s", s.err);
	log_info(NULL, "%ld read, %ld journaled, %ld duplicate, %ld rejected",
	    s.nread, s.nok - ig.nduplicates, ig.nduplicates, s.nrejected);
out:
	stream_release(&s);
	ingest_release(&ig);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
