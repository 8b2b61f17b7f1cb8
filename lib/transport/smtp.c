/*
 * transport/smtp: a delivery to an SMTP server is an e-mail message,
 * built from the delivery's body (transport/mail.h), and its envelope.
 * See transport/transport.h.
 */
#include "base/clock.h"
#include "transport/transport.h"

/* A body that is no e-mail can never be sent. */
static int
smtp_prepare(const struct transport_target *t, struct transport_req *req,
    char *why, size_t whysz)
{
	if (mail_build(&req->mail, req->body, req->body_len, t->cfg->from,
	    t->cfg->reply_to, req->id, clock_ms(), why, whysz) != 0)
		return -1;
	req->envelope = (struct http_mail){ .from = req->mail.from,
	    .rcpt = (const char *const *)req->mail.rcpt,
	    .starttls = t->cfg->starttls, .username = t->cfg->username,
	    .password = t->password };
	return 0;
}

const struct transport transport_smtp = { "smtp", smtp_prepare, NULL,
    NULL };
