/*
 * httpd/reply: the receiver's answers over libmicrohttpd: JSON bodies, the
 * error shape {"error": {"code": ..., "message": ...}}, and the rate-limit
 * headers of a request that has a rate.
 *
 * Ownership: the body is copied; the caller keeps its buffer, except
 * that httpd_reply_result releases it.
 */
#ifndef INTEGRA_HTTPD_REPLY_H
#define INTEGRA_HTTPD_REPLY_H

#include <stdint.h>

#include <microhttpd.h>

struct buf;
struct journal;

/* Where a request stands against its rate, as the journal counted it. */
struct httpd_reply_rate {
	long	 limit;		/* requests a minute; 0: none */
	long	 count;		/* in the window, this one too */
	int64_t	 window_end;	/* ms since the epoch; 0: not counted */
	int	 limited;	/* over the limit: 429 */
};

void		httpd_reply_error_body(struct buf *, const char *code,
		    const char *message);
/*
 * Queues status with the JSON body, header: value if header is not NULL,
 * and rate's headers if it is counted (with Retry-After if limited).
 */
enum MHD_Result	httpd_reply_send(struct MHD_Connection *, unsigned int status,
		    const struct buf *body, const char *header,
		    const char *value, const struct httpd_reply_rate *rate);
/* Queues status with the error shape. */
enum MHD_Result	httpd_reply_fail(struct MHD_Connection *, unsigned int status,
		    const char *code, const char *message, const char *header,
		    const char *value);
/* Whether the request's media type (parameters aside) is type. */
int		httpd_reply_media_type_is(struct MHD_Connection *,
		    const char *type);
/*
 * 1 if no request header's name or value holds a control character (a
 * value may hold tabs): a bare CR or LF, a NUL, is how headers are
 * injected, and RFC 9112 lets a server refuse it.
 */
int		httpd_reply_headers_clean(struct MHD_Connection *);
/* Queues 200 with b, of media type type, and header: value if not NULL. */
enum MHD_Result	httpd_reply_text(struct MHD_Connection *, const struct buf *b,
		    const char *type, const char *header, const char *value);
/* The reader's journal failed: logged, and answered 503 with Retry-After. */
enum MHD_Result	httpd_reply_journal_failed(struct journal *reader,
		    struct MHD_Connection *);
/*
 * How most of the API ends: status with b when rc is 0, 404 with the
 * message missing when rc is 1 (no such record), 503 when it is -1 (the
 * journal failed).  b is released.
 */
enum MHD_Result	httpd_reply_result(struct MHD_Connection *,
		    struct journal *reader, int rc, const char *missing,
		    unsigned int status, struct buf *b);
/* A request header (conn is the connection), or NULL. */
const char	*httpd_reply_header(void *conn, const char *name);

#endif
