/*
 * http: many HTTP requests in flight from one thread (libcurl's multi
 * interface), with connections kept and reused.
 *
 * Ownership: the caller owns each struct http_xfer and the strings it
 * points to until the transfer comes back from http_done.  The response
 * buffer is the transfer's own; http_xfer_release frees it.
 */
#ifndef INTEGRA_TRANSPORT_HTTP_H
#define INTEGRA_TRANSPORT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define HTTP_RESPONSE_KEEP	65536	/* bytes of a response body kept */

struct http;

/* An e-mail's envelope, for an smtp:// or smtps:// url. */
struct http_mail {
	const char		*from;		/* MAIL FROM's address */
	const char *const	*rcpt;		/* NULL-terminated */
	int			 starttls;	/* STARTTLS, or no message */
	const char		*username;	/* NULL: no AUTH */
	const char		*password;
};

struct http_xfer {
	/* The request, set by the caller. */
	const struct http_mail	*mail;	/* NULL: HTTP; else body is the
					   message, method and headers unused */
	const char	*method;
	const char	*url;
	const char	*const *headers;	/* "Name: value", NULL-terminated */
	const char	*body;
	size_t		 body_len;
	long		 timeout_ms;
	long		 connect_timeout_ms;
	const char	*ca_file;	/* NULL: the system's CAs */
	size_t		 response_max;	/* 0: keep HTTP_RESPONSE_KEEP bytes of
					   the answer; else all of it, and an
					   answer over it fails the transfer */
	void		*udata;
	/* The outcome, set when it is done. */
	int		 status;	/* HTTP status or SMTP reply; 0: none */
	const char	*error_class;	/* NULL for a 2xx answer */
	char		 error[256];
	int64_t		 started_ms;	/* wall clock */
	int64_t		 duration_ms;
	struct buf	 response;	/* the first HTTP_RESPONSE_KEEP bytes */
	int64_t		 retry_after_ms;	/* the answer's Retry-After; -1: none */
	/* libcurl's, for http.c only. */
	void		*easy;
	void		*slist;
	size_t		 sent;		/* of an e-mail's message */
};

struct http	*http_new(void);
void		 http_free(struct http *);
/* Starts x.  Returns 0, or -1 with the reason in x->error. */
int		 http_start(struct http *, struct http_xfer *x);
/*
 * Moves transfers on, waiting at most timeout_ms for network activity or
 * for fd (if >= 0) to be readable.  Returns 0 or -1 (libcurl failed).
 */
int		 http_wait(struct http *, int fd, int timeout_ms);
/* A finished transfer, or NULL when none is. */
struct http_xfer *http_done(struct http *);
int		 http_running(const struct http *);
void		 http_xfer_release(struct http_xfer *);
/*
 * A Retry-After header's value (delay-seconds or an HTTP-date, RFC 9110
 * 10.2.3) as ms from now: 0 or more, or -1 if it is neither.
 */
int64_t		 http_retry_after(const char *value, size_t len, int64_t now);

#endif
