/*
 * receiver: integra-ingest as an HTTP server (libmicrohttpd).
 *
 * POST on a source's path (its webhooks) or on /api/events (CloudEvents in
 * structured mode, or a batch) journals the events and answers 202 with
 * their ids once they are committed: requests that arrive together share
 * one commit.  An event seen before answers 200 with the original id.
 * GET /health answers whether the receiver can journal.  Every answer is
 * JSON; errors have the shape {"error": {"code": ..., "message": ...}}.
 *
 * Threads: libmicrohttpd's one polling thread reads requests and prepares
 * their events (the only thread that uses jv), the stream's journal thread
 * applies and commits them, and the caller's thread waits for SIGTERM or
 * SIGINT, then stops both in order: no request that got a 2xx is lost.
 *
 * Ownership: receiver_run borrows the cfg, the journal and opts, and
 * frees all it made (its own reader connection, sources' secrets,
 * requests) before it returns.  It writes to opts->out but does not close
 * it, nor a listening opts->fd: the caller closes both.  An inetd
 * connection is handed to libmicrohttpd, which closes it.
 */
#ifndef INTEGRA_HTTPD_RECEIVER_H
#define INTEGRA_HTTPD_RECEIVER_H

#include <stddef.h>
#include <stdio.h>

struct cfg;
struct journal;

struct receiver_opts {
	int		 fd;		/* the listening socket, or with inetd
					   the one connection to serve */
	int		 inetd;
	int		 idle_exit;	/* seconds; 0: never */
	size_t		 max_body;	/* bytes; larger requests get 413 */
	int		 request_timeout;	/* seconds a request may take
					   to arrive whole */
	unsigned int	 per_client;	/* connections from one address at
					   once; 0: no limit */
	const char	*tenant;	/* for events that name none */
	FILE		*out;		/* envelopes, once committed; or NULL */
};

/*
 * Serves until SIGTERM or SIGINT, or with inetd until the connection is
 * closed, or after idle_exit seconds without a connection.  Returns an
 * exit code: EX_OK, the journal's failure (EX_TEMPFAIL, EX_SOFTWARE),
 * EX_CONFIG if a source's secret cannot be read, or EX_OSERR if the
 * server could not start.
 */
int	receiver_run(const struct cfg *, struct journal *,
	    const struct receiver_opts *);

#endif
