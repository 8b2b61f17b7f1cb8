/*
 * transport: a delivery's request made ready for its target, by the kind
 * of target it goes to, and what a delivered one keeps of the answer.
 * dispatch claims, starts and records; a transport knows the wire:
 *
 *	transport_http	the request as the journal has it (transport.c)
 *	transport_smtp	an e-mail message and its envelope (smtp.c)
 *	transport_zapi	Z-API's URL and phone form; the message id it
 *			gives back (zapi.c)
 *	transport_sync	no transfer: a sync run started (syncrun.c)
 *
 * Every kind's request carries the delivery's own headers, integra's
 * (Idempotency-Key, X-Integra-Event, User-Agent) and the target's auth
 * line, and is signed last when the target asks for a signature.  A
 * target whose auth is a token source (token.h) has its token's line
 * added as the request is prepared, never before, and its url's base
 * replaced by the one the token came with, if any; a request prepared
 * again (sent again with a fresh token) loses what the last prepare
 * added.
 *
 * Ownership: a transport_target owns the secrets it resolved (auth line,
 * password, Z-API base, signer, token source); transport_target_release
 * wipes and frees them.  A transport_req owns its method, url, body,
 * header lines and message; transport_req_release frees them (the lines
 * wiped) and the transfer's answer.  Its x points into it, so it must not
 * move once prepared.
 */
#ifndef INTEGRA_TRANSPORT_TRANSPORT_H
#define INTEGRA_TRANSPORT_TRANSPORT_H

#include <stddef.h>

#include "conf/config.h"
#include "transport/http.h"
#include "transport/mail.h"
#include "transport/webhookauth.h"

#define TRANSPORT_REMOTE_ID_MAX	128	/* the longest message id kept */

struct token;
struct transport;

/* A target, with what sending to it needs resolved. */
struct transport_target {
	const struct cfg_target	*cfg;
	const struct transport	*kind;
	char			*auth;		/* "Header: value", or NULL */
	char			*password;	/* an SMTP server's, or NULL */
	char			*zapi_base;	/* url/instances/I/token/T */
	struct webhookauth	*signer;	/* NULL: it asks for none */
	struct token		*token;		/* its auth's source, or NULL */
	const char		*config;	/* for a kind that runs a */
	const char		*journal;	/* program: the caller's */
};

/* A delivery's request, from its claim to its answer. */
struct transport_req {
	const char		*id;		/* the delivery's */
	char			*method;
	char			*url;
	char			*body;
	size_t			 body_len;
	char			**headers;	/* NULL-terminated lines */
	size_t			 nown;		/* of them, the delivery's and
						   integra's; 0: not prepared */
	char			*sent_url;	/* url with the token's base;
						   NULL: url */
	unsigned		 token_gen;	/* the token it went with */
	struct mail		 mail;		/* SMTP: the message */
	struct http_mail	 envelope;
	struct http_xfer	 x;		/* as started */
	char			 remote_id[TRANSPORT_REMOTE_ID_MAX + 1];
};

struct transport {
	const char	*name;
	/* Makes req ready: 0, or -1 with why if it can never be sent. */
	int		(*prepare)(const struct transport_target *,
			    struct transport_req *, char *why, size_t whysz);
	/* What a delivered req keeps of its answer; NULL: nothing. */
	void		(*delivered)(struct transport_req *);
	/*
	 * A kind whose request is no transfer does it at once, the outcome
	 * in req->x (status, or error_class and error); NULL: a transfer.
	 */
	void		(*run)(const struct transport_target *,
			    struct transport_req *);
};

extern const struct transport	transport_http;
extern const struct transport	transport_smtp;
extern const struct transport	transport_zapi;
extern const struct transport	transport_sync;

/*
 * t for cfg, its kind chosen and secrets resolved, its token's cache (if
 * its auth is a token source) in the directory tokens: 0, or -1 with err.
 */
int	transport_target_init(struct transport_target *t,
	    const struct cfg_target *cfg, const char *tokens, char *err,
	    size_t errsz);
void	transport_target_release(struct transport_target *t);

/*
 * The header lines of delivery id of event event_id: its own (a JSON
 * object, checked again for line breaks), integra's and t's auth line (t
 * may be NULL).  A NULL-terminated array, every line malloc'd.
 */
char	**transport_headers(const char *headers_json, const char *id,
	    const char *event_id, const struct transport_target *t);

/*
 * Makes req ready to start on t, its transfer in req->x (udata, timeouts
 * and the rest set from t): 0, or -1 with why if it can never be sent.
 * A target with a token source must have one ready (token_ready).
 */
int	transport_prepare(const struct transport_target *t,
	    struct transport_req *req, void *udata, char *why, size_t whysz);
/* A delivered req keeps what its kind keeps of the answer. */
void	transport_delivered(const struct transport_target *t,
	    struct transport_req *req);
void	transport_req_release(struct transport_req *req);

#endif
