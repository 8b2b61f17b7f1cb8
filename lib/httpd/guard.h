/*
 * guard: the receiver's open connections, each given a deadline for its
 * request: a client must send the whole of it, headers and body, within
 * the timeout of the connection's opening or of its last answer.  Past
 * it, guard_sweep shuts the connection down (shutdown(2): libmicrohttpd
 * then closes it on its own thread), so that slow clients hold a
 * connection for a bounded time; nothing of their request has been
 * journaled, since a request goes to the journal only whole.  A request
 * being journaled or answered is not cut.
 *
 * libmicrohttpd calls guard_opened and guard_closed from its connection
 * notices, guard_busy and guard_idle from the request's; guard_sweep runs
 * on another thread.  The guard locks what they share.
 *
 * Ownership: guard_new's guard is the caller's, to guard_free once the
 * server has stopped; each connection's record is the guard's, from
 * guard_opened to guard_closed.
 */
#ifndef INTEGRA_HTTPD_GUARD_H
#define INTEGRA_HTTPD_GUARD_H

#include <stdint.h>

#include <microhttpd.h>

struct guard;

struct guard	*guard_new(int timeout_s);
void		 guard_free(struct guard *);
/* A connection opened: its record goes in *socket_ctx. */
void		 guard_opened(struct guard *, struct MHD_Connection *,
		    void **socket_ctx);
void		 guard_closed(struct guard *, void **socket_ctx);
/* Its request is whole: not to be cut until answered. */
void		 guard_busy(struct guard *, struct MHD_Connection *);
/* Its request was answered: the next one's deadline starts now. */
void		 guard_idle(struct guard *, struct MHD_Connection *);
/* The connections open. */
long		 guard_count(struct guard *);
/* Shuts down those past their deadline at now_ms (clock_mono_ms); returns
 * how many. */
long		 guard_sweep(struct guard *, int64_t now_ms);

#endif
