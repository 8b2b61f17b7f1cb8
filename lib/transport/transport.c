/*
 * transport: what every kind of target's request shares: the target's
 * secrets, the header lines, the signature, the transfer.  See
 * transport/transport.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "transport/token.h"
#include "transport/transport.h"

/* Plain HTTP: the request goes as the journal has it. */
const struct transport transport_http = { "http", NULL, NULL, NULL };

/* A secret's copy, wiped before it is freed. */
static void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

int
transport_target_init(struct transport_target *t,
    const struct cfg_target *cfg, const char *tokens, char *err,
    size_t errsz)
{
	struct buf what = BUF_INIT;

	*t = (struct transport_target){ .cfg = cfg, .kind = cfg->smtp ?
	    &transport_smtp : cfg->zapi_instance != NULL ? &transport_zapi :
	    cfg->sync != NULL ? &transport_sync : &transport_http };
	if (cfg->signing.scheme != CFG_AUTH_NONE) {
		buf_addf(&what, "target '%s' signing", cfg->name);
		t->signer = webhookauth_new(&cfg->signing, what.data, err,
		    errsz);
		buf_release(&what);
		if (t->signer == NULL)
			return -1;
	}
	if (cfg->zapi_instance != NULL &&
	    (t->zapi_base = cfg_zapi_base(cfg, err, errsz)) == NULL)
		return -1;
	/* An SMTP server's username and password are its auth. */
	if (cfg->smtp && cfg->username != NULL)
		return (t->password = cfg_secret(cfg, err, errsz)) == NULL ?
		    -1 : 0;
	if (cfg->token.kind != CFG_TOKEN_NONE)
		return (t->token = token_new(cfg, tokens, err, errsz)) ==
		    NULL ? -1 : 0;
	if (cfg->auth_header != NULL &&
	    (t->auth = cfg_auth_line(cfg, err, errsz)) == NULL)
		return -1;
	return 0;
}

void
transport_target_release(struct transport_target *t)
{
	webhookauth_free(t->signer);
	token_free(t->token);
	secret_free(t->zapi_base);
	secret_free(t->password);
	secret_free(t->auth);
	*t = (struct transport_target){ .cfg = NULL };
}

char **
transport_headers(const char *headers_json, const char *id,
    const char *event_id, const struct transport_target *t)
{
	struct buf line = BUF_INIT;
	char **lines;
	size_t n = 0, cap = 8;
	jv obj;

	lines = xcalloc(cap, sizeof(*lines));
	obj = jv_parse(headers_json != NULL ? headers_json : "{}");
	if (jv_get_kind(obj) == JV_KIND_OBJECT) {
		jv_object_foreach(obj, k, v) {
			if (jv_get_kind(v) == JV_KIND_STRING &&
			    strpbrk(jv_string_value(k), "\r\n:") == NULL &&
			    strpbrk(jv_string_value(v), "\r\n") == NULL) {
				buf_reset(&line);
				buf_addf(&line, "%s: %s", jv_string_value(k),
				    jv_string_value(v));
				if (n + 6 >= cap)
					lines = xrealloc(lines,
					    (cap *= 2) * sizeof(*lines));
				lines[n++] = buf_detach(&line);
			}
			jv_free(k);
			jv_free(v);
		}
	}
	jv_free(obj);
	buf_addf(&line, "Idempotency-Key: %s", id);
	lines[n++] = buf_detach(&line);
	buf_addf(&line, "X-Integra-Event: %s", event_id);
	lines[n++] = buf_detach(&line);
	lines[n++] = xstrdup("User-Agent: integra/" PACKAGE_VERSION);
	/* No "Expect: 100-continue" round trip before a larger body. */
	lines[n++] = xstrdup("Expect:");
	if (t != NULL && t->auth != NULL)
		lines[n++] = xstrdup(t->auth);
	lines[n] = NULL;
	return lines;
}

/*
 * Signs a request as it goes, so that its timestamp is its own: the
 * delivery's id is the message id, which stays the same on every try.
 */
static void
sign(const struct transport_target *t, struct transport_req *req)
{
	char *lines[WEBHOOKAUTH_LINES_MAX];
	size_t i, n, have;

	for (have = 0; req->headers[have] != NULL; have++)
		;
	n = webhookauth_sign(t->signer, req->id, clock_ms() / 1000, req->body,
	    req->body_len, lines);
	req->headers = xrealloc(req->headers, (have + n + 1) *
	    sizeof(*req->headers));
	for (i = 0; i < n; i++)
		req->headers[have + i] = lines[i];
	req->headers[have + n] = NULL;
}

/* The lines a prepare added (auth, signature) go, wiped. */
static void
unprepare(struct transport_req *req)
{
	size_t n;

	if (req->nown == 0) {
		while (req->headers[req->nown] != NULL)
			req->nown++;
		return;
	}
	for (n = req->nown; req->headers[n] != NULL; n++)
		secret_free(req->headers[n]);
	req->headers[req->nown] = NULL;
	free(req->sent_url);
	req->sent_url = NULL;
}

/*
 * The token's line, added as the request goes, and its base URL in place
 * of the target's (a request's url starts with it, as map made it).
 */
static void
add_token(const struct transport_target *t, struct transport_req *req)
{
	const char *base = token_base(t->token);
	struct buf url = BUF_INIT;
	size_t n = strlen(t->cfg->url), b;

	req->headers = xrealloc(req->headers, (req->nown + 2) *
	    sizeof(*req->headers));
	req->headers[req->nown] = xstrdup(token_line(t->token));
	req->headers[req->nown + 1] = NULL;
	req->token_gen = token_gen(t->token);
	if (base == NULL)
		return;
	if (n > 0 && t->cfg->url[n - 1] == '/')
		n--;
	if (strncmp(req->url, t->cfg->url, n) != 0)
		return;
	b = strlen(base);
	if (b > 0 && base[b - 1] == '/')
		b--;
	buf_add(&url, base, b);
	buf_adds(&url, req->url + n);
	req->sent_url = buf_detach(&url);
}

int
transport_prepare(const struct transport_target *t, struct transport_req *req,
    void *udata, char *why, size_t whysz)
{
	unprepare(req);
	if (t->kind->prepare != NULL && t->kind->prepare(t, req, why,
	    whysz) != 0)
		return -1;
	if (t->token != NULL)
		add_token(t, req);
	if (t->signer != NULL)
		sign(t, req);
	req->x = (struct http_xfer){ .method = req->method,
	    .url = req->sent_url != NULL ? req->sent_url : req->url,
	    .headers = (const char *const *)req->headers, .body = req->body,
	    .body_len = req->body_len, .timeout_ms = t->cfg->timeout_ms,
	    .connect_timeout_ms = t->cfg->connect_timeout_ms,
	    .ca_file = t->cfg->ca_file, .udata = udata };
	if (t->cfg->smtp) {
		req->x.mail = &req->envelope;
		req->x.body = req->mail.message;
		req->x.body_len = req->mail.len;
	}
	return 0;
}

void
transport_delivered(const struct transport_target *t,
    struct transport_req *req)
{
	if (t->kind->delivered != NULL)
		t->kind->delivered(req);
}

void
transport_req_release(struct transport_req *req)
{
	char **h;

	if (req->headers != NULL)
		for (h = req->headers; *h != NULL; h++)
			secret_free(*h);
	free(req->headers);
	free(req->method);
	free(req->url);
	free(req->sent_url);
	free(req->body);
	mail_release(&req->mail);
	http_xfer_release(&req->x);
}
