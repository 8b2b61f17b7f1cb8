/*
 * token: the token sources.  See transport/token.h.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/log.h"
#include "conf/config.h"
#include "json/jqprog.h"
#include "json/jsonscan.h"
#include "json/jvdump.h"
#include "journal/journal.h"
#include "transport/http.h"
#include "transport/token.h"

#include "json/jvparse.h"

#define TOKEN_MAX	16384		/* bytes of a token */
#define BASE_MAX	2048		/* bytes of a base URL */
#define ANSWER_MAX	65536		/* bytes of the endpoint's answer */
#define CACHE_MAX	(2 * TOKEN_MAX + 4096)
#define LIFE_DEFAULT_S	3600		/* when the answer gives none */
#define LIFE_MAX_S	(366 * 86400LL)
#define BACKOFF_MS	30000
#define BACKOFF_MAX_MS	600000
#define LINES_MAX	(8 + 64)	/* a request's header lines */

struct token {
	const struct cfg_target	*cfg;
	struct jqprog		*body;		/* a request's; NULL: none */
	struct jqprog		*pick;
	struct jqprog		*expires;	/* NULL: the default life */
	char			*client_id;	/* oauth2's */
	char			*client_secret;
	char			*source_auth;	/* a request's source's auth
						   line, or NULL */
	char			*lock_path;
	char			*cache_path;
	char			*tmp_path;
	/* The token taken, if value is not NULL. */
	char			*value;
	char			*line;
	char			*base;
	int64_t			 due;		/* fetched again from then */
	unsigned		 gen;
};

/* What the cache file says: a token, or the failures in a row. */
struct cache {
	struct buf	 token;		/* empty: none */
	struct buf	 base;
	int64_t		 fetched_at;
	int64_t		 expires_at;
	int		 failures;
	int64_t		 since;
	int64_t		 retry_at;
	int		 http_status;
	struct buf	 error;
};

/* A token as an answer gave it. */

static void
wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* A file name for target name: what is not [A-Za-z0-9._-] as %XX. */
static char *
path_for(const char *dir, const char *name, const char *suffix)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s/", dir);
	for (; *name != '\0'; name++)
		if (isalnum((unsigned char)*name) || strchr("._-", *name))
			buf_addc(&p, *name);
		else
			buf_addf(&p, "%%%02X", (unsigned char)*name);
	buf_adds(&p, suffix);
	return buf_detach(&p);
}

void
token_dir(const char *journal_path, struct buf *dir)
{
	const char *slash = strrchr(journal_path, '/');

	/*
	 * A server's journal has no directory: the host's temporary one,
	 * a folder for each user, so that one user's processes share their
	 * tokens (token_new makes sure the folder is theirs alone).
	 */
	if (!journal_is_file(journal_path)) {
		const char *tmp = getenv("TMPDIR");

		buf_addf(dir, "%s/integra-tokens.%lu", tmp != NULL &&
		    *tmp == '/' ? tmp : "/tmp", (unsigned long)geteuid());
		return;
	}

	if (slash != NULL)
		buf_add(dir, journal_path, (size_t)(slash - journal_path + 1));
	buf_adds(dir, "tokens");
}

static struct jqprog *
compile(const struct cfg_target *t, const char *what, const char *text,
    char *err, size_t errsz)
{
	struct buf msg = BUF_INIT;
	struct jqprog *p;

	if ((p = jqprog_compile(text, &msg)) == NULL)
		snprintf(err, errsz, "target '%s': token %s does not compile:"
		    " %s", t->name, what, msg.data != NULL ? msg.data : "");
	buf_release(&msg);
	return p;
}

struct token *
token_new(const struct cfg_target *t, const char *dir, char *err,
    size_t errsz)
{
	const struct cfg_token *ct = &t->token;
	struct token *tk;
	struct buf owner = BUF_INIT;
	struct stat st;
	int failed = 0;

	tk = xcalloc(1, sizeof(*tk));
	tk->cfg = t;
	if (ct->kind == CFG_TOKEN_OAUTH2) {
		buf_addf(&owner, "target '%s' oauth2 client_secret", t->name);
		if ((tk->client_secret = cfg_secret_read(owner.data,
		    ct->client_secret_env, ct->client_secret_file, err,
		    errsz)) == NULL)
			failed = 1;
		buf_reset(&owner);
		buf_addf(&owner, "target '%s' oauth2 client_id", t->name);
		if (!failed && (tk->client_id = ct->client_id != NULL ?
		    xstrdup(ct->client_id) : cfg_secret_read(owner.data,
		    ct->client_id_env, ct->client_id_file, err, errsz)) ==
		    NULL)
			failed = 1;
	} else {
		failed = (ct->source->auth_header != NULL &&
		    (tk->source_auth = cfg_auth_line(ct->source, err,
		    errsz)) == NULL) ||
		    (ct->body != NULL && (tk->body = compile(t, "body",
		    ct->body, err, errsz)) == NULL) ||
		    (tk->pick = compile(t, "pick", ct->pick, err,
		    errsz)) == NULL ||
		    (ct->expires_in != NULL && (tk->expires = compile(t,
		    "expires_in", ct->expires_in, err, errsz)) == NULL);
	}
	buf_release(&owner);
	if (!failed && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "target '%s': token cache '%s': %s",
		    t->name, dir, strerror(errno));
		failed = 1;
	}
	/* Tokens are secrets: never in a folder another user made or reads. */
	if (!failed && (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0)) {
		snprintf(err, errsz, "target '%s': token cache '%s': not a"
		    " folder of this user's alone (mode 0700)", t->name, dir);
		failed = 1;
	}
	if (failed) {
		token_free(tk);
		return NULL;
	}
	tk->lock_path = path_for(dir, t->name, ".lock");
	tk->cache_path = path_for(dir, t->name, ".json");
	tk->tmp_path = path_for(dir, t->name, ".json.tmp");
	return tk;
}

static void
forget(struct token *tk)
{
	wipe(tk->value);
	wipe(tk->line);
	free(tk->base);
	tk->value = tk->line = tk->base = NULL;
	tk->due = 0;
}

void
token_free(struct token *tk)
{
	if (tk == NULL)
		return;
	forget(tk);
	jqprog_free(tk->body);
	jqprog_free(tk->pick);
	jqprog_free(tk->expires);
	wipe(tk->client_id);
	wipe(tk->client_secret);
	wipe(tk->source_auth);
	free(tk->lock_path);
	free(tk->cache_path);
	free(tk->tmp_path);
	free(tk);
}

const char *
token_line(const struct token *tk)
{
	return tk->line;
}

const char *
token_base(const struct token *tk)
{
	return tk->base;
}

unsigned
token_gen(const struct token *tk)
{
	return tk->gen;
}

/*
 * Fetched again margin before it expires, but not before half its life
 * has passed.
 */
static int64_t
due_at(const struct token *tk, int64_t fetched, int64_t expires)
{
	int64_t due = expires - tk->cfg->token.margin_ms;
	int64_t half = fetched + (expires - fetched) / 2;

	return due > half ? due : half;
}

static void
take(struct token *tk, const char *value, const char *base, int64_t fetched,
    int64_t expires)
{
	struct buf line = BUF_INIT;
	const char *scheme = tk->cfg->auth_scheme;

	forget(tk);
	tk->value = xstrdup(value);
	buf_grow(&line, strlen(tk->cfg->auth_header) + strlen(scheme) +
	    strlen(value) + 4);
	buf_addf(&line, "%s: %s%s%s", tk->cfg->auth_header, scheme,
	    *scheme != '\0' ? " " : "", value);
	tk->line = buf_detach(&line);
	tk->base = base != NULL && *base != '\0' ? xstrdup(base) : NULL;
	tk->due = due_at(tk, fetched, expires);
	tk->gen++;
}

/*
 * The JSON string s[0..n), quotes included, appended to out if it is
 * ASCII alone (what a token or a URL is): 0, or -1.
 */
static int
ascii_string(const char *s, size_t n, struct buf *out)
{
	size_t i;
	int c;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	for (i = 1; i < n - 1; i++) {
		if ((c = (unsigned char)s[i]) == '\\') {
			switch (c = s[++i]) {
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (i + 5 > n - 1 || (c = json_hex4(
				    (const unsigned char *)s + i + 1)) < 0)
					return -1;
				i += 4;
				break;
			}
		}
		if (c >= 0x80 || c == '\0')
			return -1;
		buf_addc(out, (char)c);
	}
	return 0;
}

/* Whether b is visible ASCII alone: no blank, no control, no byte > 126. */
static int
visible(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] < 0x21 || b->data[i] > 0x7e)
			return 0;
	return 1;
}

/* A token is visible ASCII (RFC 6750's b64token and the like). */
static int
token_valid(const struct buf *b)
{
	return b->len > 0 && b->len <= TOKEN_MAX && visible(b);
}

static int
base_valid(const struct buf *b)
{
	return b->len > 0 && b->len <= BASE_MAX &&
	    (strncmp(b->data, "https://", 8) == 0 ||
	    strncmp(b->data, "http://", 7) == 0) && visible(b);
}

/*
 * The number of member name of the JSON object s[0..n), or a string of
 * one (some servers quote expires_in): 0, or -1 if it is absent or none.
 */
static int
member_number(const char *s, size_t n, const char *name, int64_t *out)
{
	char num[32], *end;
	size_t vs, ve;
	double d;

	if (json_member(s, n, name, &vs, &ve) != 1)
		return -1;
	if (s[vs] == '"') {
		vs++;
		ve--;
	}
	if (ve <= vs || ve - vs >= sizeof(num))
		return -1;
	memcpy(num, s + vs, ve - vs);
	num[ve - vs] = '\0';
	d = strtod(num, &end);
	if (end == num || *end != '\0' || !(d >= -9e15 && d <= 9e15))
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* The string of member name, ASCII only, appended to out: 0, or -1. */
static int
member_string(const char *s, size_t n, const char *name, struct buf *out)
{
	size_t vs, ve;

	if (json_member(s, n, name, &vs, &ve) != 1)
		return -1;
	return ascii_string(s + vs, ve - vs, out);
}

static void
cache_release(struct cache *c)
{
	buf_wipe(&c->token);
	buf_release(&c->base);
	buf_release(&c->error);
	memset(c, 0, sizeof(*c));
}

/*
 * What the cache says; a cache that is missing or not one of integra's
 * says nothing.  0, or -1 if it cannot be read (errno).
 */
static int
cache_read(const struct token *tk, struct cache *c)
{
	struct buf b = BUF_INIT;
	int64_t n = 0;
	ssize_t got;
	int fd, rc = 0;

	while ((fd = open(tk->cache_path, O_RDONLY | O_CLOEXEC)) == -1)
		if (errno != EINTR)
			return errno == ENOENT ? 0 : -1;
	buf_grow(&b, CACHE_MAX + 1);
	while (b.len <= CACHE_MAX) {
		got = read(fd, b.data + b.len, CACHE_MAX + 1 - b.len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = got == 0 ? 0 : -1;
			break;
		}
		b.len += (size_t)got;
	}
	close(fd);
	if (rc == 0 && b.len <= CACHE_MAX) {
		b.data[b.len] = '\0';
		if (member_string(b.data, b.len, "token", &c->token) != 0 ||
		    !token_valid(&c->token) || member_number(b.data, b.len,
		    "fetched_at", &c->fetched_at) != 0 || member_number(b.data,
		    b.len, "expires_at", &c->expires_at) != 0)
			buf_wipe(&c->token);
		else if (member_string(b.data, b.len, "base_url",
		    &c->base) != 0)
			buf_reset(&c->base);
		if (member_number(b.data, b.len, "failures", &n) == 0 &&
		    n > 0 && n < 64 && member_number(b.data, b.len, "since",
		    &c->since) == 0 && member_number(b.data, b.len,
		    "retry_at", &c->retry_at) == 0) {
			c->failures = (int)n;
			if (member_number(b.data, b.len, "http_status",
			    &n) == 0 && n > 0 && n < 1000)
				c->http_status = (int)n;
			if (member_string(b.data, b.len, "error",
			    &c->error) != 0)
				buf_reset(&c->error);
		}
	}
	buf_wipe(&b);
	return rc;
}

/* Writes text as the cache, atomically: 0, or -1 (errno). */
static int
cache_write(const struct token *tk, const struct buf *text)
{
	size_t off = 0;
	ssize_t n;
	int fd, e;

	if (unlink(tk->tmp_path) != 0 && errno != ENOENT)
		return -1;
	while ((fd = open(tk->tmp_path, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600)) == -1)
		if (errno != EINTR)
			return -1;
	while (off < text->len) {
		if ((n = write(fd, text->data + off, text->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			unlink(tk->tmp_path);
			errno = e;
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 || rename(tk->tmp_path, tk->cache_path) != 0) {
		e = errno;
		unlink(tk->tmp_path);
		errno = e;
		return -1;
	}
	return 0;
}

/* The lock on the target's cache, held until the descriptor is closed. */
static int
lock(const struct token *tk)
{
	int fd;

	while ((fd = open(tk->lock_path, O_RDWR | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		if (errno != EINTR)
			return -1;
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* A failure of this host's (the cache), not of the endpoint. */
static int
local_failure(struct token_failure *f, int64_t now, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->error, sizeof(f->error), fmt, ap);
	va_end(ap);
	f->http_status = 0;
	f->since = now;
	f->retry_at = now + BACKOFF_MS;
	f->first = 0;
	return -1;
}

static void
fail(struct token_failure *f, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->error, sizeof(f->error), fmt, ap);
	va_end(ap);
	f->http_status = status;
}

/* A form's name=value, RFC 6749 appendix B. */
static void
form_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			buf_addc(b, *s);
		else if (*s == ' ')
			buf_addc(b, '+');
		else
			buf_addf(b, "%%%02X", (unsigned char)*s);
}

static void
form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_addc(b, '&');
	form_escape(b, name);
	buf_addc(b, '=');
	form_escape(b, value);
}

static void
json_add(struct buf *b, const char *name, const char *value, int number)
{
	buf_addc(b, b->len > 0 ? ',' : '{');
	buf_add_json_string(b, name, strlen(name));
	buf_addc(b, ':');
	if (number)
		buf_adds(b, value);
	else
		buf_add_json_string(b, value, strlen(value));
}

/* HTTP Basic with the client's id and secret, each form-encoded first. */
static char *
basic_line(const struct token *tk)
{
	struct buf pair = BUF_INIT, line = BUF_INIT;
	unsigned char *out;

	buf_grow(&pair, 3 * (strlen(tk->client_id) +
	    strlen(tk->client_secret)) + 2);
	form_escape(&pair, tk->client_id);
	buf_addc(&pair, ':');
	form_escape(&pair, tk->client_secret);
	out = xmalloc(4 * ((pair.len + 2) / 3) + 1);
	EVP_EncodeBlock(out, (const unsigned char *)pair.data, (int)pair.len);
	buf_grow(&line, 4 * ((pair.len + 2) / 3) + 32);
	buf_addf(&line, "Authorization: Basic %s", out);
	explicit_bzero(out, strlen((char *)out));
	free(out);
	buf_wipe(&pair);
	return buf_detach(&line);
}

/* The client credentials grant (RFC 6749 4.4.2), its body and lines. */
static void
grant(const struct token *tk, struct buf *body, char **lines, size_t *n)
{
	const struct cfg_token *ct = &tk->cfg->token;
	size_t i;

	buf_grow(body, 4096);
	if (ct->json) {
		json_add(body, "grant_type", "client_credentials", 0);
		json_add(body, "client_id", tk->client_id, 0);
		json_add(body, "client_secret", tk->client_secret, 0);
		if (ct->scope != NULL)
			json_add(body, "scope", ct->scope, 0);
		for (i = 0; i < ct->nparams; i++)
			json_add(body, ct->params[i].name, ct->params[i].value,
			    ct->params[i].number);
		buf_addc(body, '}');
		lines[(*n)++] = xstrdup("Content-Type: application/json");
		return;
	}
	form_add(body, "grant_type", "client_credentials");
	if (ct->basic)
		lines[(*n)++] = basic_line(tk);
	else {
		form_add(body, "client_id", tk->client_id);
		form_add(body, "client_secret", tk->client_secret);
	}
	if (ct->scope != NULL)
		form_add(body, "scope", ct->scope);
	for (i = 0; i < ct->nparams; i++)
		form_add(body, ct->params[i].name, ct->params[i].value);
	lines[(*n)++] = xstrdup("Content-Type:"
	    " application/x-www-form-urlencoded");
}

/*
 * A request to the source target: its url and path, its headers and its
 * auth, the body jq makes of null.  0, or -1 with f filled.
 */
static int
request(const struct token *tk, struct buf *url, struct buf *body,
    char **lines, size_t *n, struct token_failure *f)
{
	const struct cfg_token *ct = &tk->cfg->token;
	const struct cfg_target *src = ct->source;
	struct buf line = BUF_INIT, msg = BUF_INIT;
	size_t i;
	jv out;

	buf_adds(url, src->url);
	if (url->len > 0 && url->data[url->len - 1] == '/')
		url->data[--url->len] = '\0';
	buf_adds(url, ct->path);
	for (i = 0; i < src->nheaders && *n < LINES_MAX - 8; i++) {
		buf_addf(&line, "%s: %s", src->headers[i].name,
		    src->headers[i].value);
		lines[(*n)++] = buf_detach(&line);
	}
	if (tk->source_auth != NULL)
		lines[(*n)++] = xstrdup(tk->source_auth);
	if (tk->body == NULL)
		return 0;
	if (jqprog_run(tk->body, jv_null(), &out, &msg) != 0) {
		fail(f, 0, "token body: %s", msg.data);
		buf_release(&msg);
		return -1;
	}
	jvdump(body, out);
	lines[(*n)++] = xstrdup("Content-Type: application/json");
	return 0;
}

/* What OAuth2's answer (RFC 6749 5.1) gives: 0, or -1 with f filled. */
static int
oauth2_answer(const struct token *tk, const char *text, size_t len,
    struct token_answer *g, struct token_failure *f, int status)
{
	const char *base = tk->cfg->token.base_url;
	int64_t s;

	if (json_validate(text, len, NULL, NULL) != JSON_OBJECT) {
		fail(f, status, "the answer is not a JSON object");
		return -1;
	}
	if (member_string(text, len, "access_token", &g->token) != 0 ||
	    !token_valid(&g->token)) {
		fail(f, status, "the answer has no access_token a header can"
		    " carry");
		return -1;
	}
	if (base != NULL && (member_string(text, len, base,
	    &g->base) != 0 || !base_valid(&g->base))) {
		fail(f, status, "the answer has no http(s) URL in '%s'",
		    base);
		return -1;
	}
	if (member_number(text, len, "expires_in", &s) == 0)
		g->life_ms = s * 1000;
	return 0;
}

/* What a source's answer gives through pick and expires_in. */
static int
picked_answer(const struct token *tk, const char *text, size_t len,
    struct token_answer *g, struct token_failure *f, int status)
{
	struct buf msg = BUF_INIT;
	jv v, out;
	int rc = -1;

	v = jvparse_text(text, len);
	if (!jv_is_valid(v)) {
		jv_free(v);
		fail(f, status, "the answer is not JSON");
		return -1;
	}
	/* jq's messages may quote the answer: only that it failed is said. */
	if (jqprog_run(tk->pick, jv_copy(v), &out, &msg) != 0) {
		fail(f, status, "pick fails on the answer");
		goto out;
	}
	if (jv_get_kind(out) != JV_KIND_STRING) {
		jv_free(out);
		fail(f, status, "pick gives no string");
		goto out;
	}
	buf_add(&g->token, jv_string_value(out),
	    (size_t)jv_string_length_bytes(jv_copy(out)));
	jv_free(out);
	if (!token_valid(&g->token)) {
		fail(f, status, "pick gives no token a header can carry");
		goto out;
	}
	buf_reset(&msg);
	if (tk->expires != NULL) {
		if (jqprog_run(tk->expires, jv_copy(v), &out, &msg) != 0) {
			fail(f, status, "expires_in fails on the answer");
			goto out;
		}
		/* Within member_number's bounds: seconds * 1000 fits. */
		if (jv_get_kind(out) == JV_KIND_NUMBER &&
		    jv_number_value(out) >= -9e15 &&
		    jv_number_value(out) <= 9e15)
			g->life_ms = (int64_t)jv_number_value(out) * 1000;
		else if (jv_get_kind(out) != JV_KIND_NULL) {
			jv_free(out);
			fail(f, status, "expires_in gives no number of"
			    " seconds");
			goto out;
		}
		jv_free(out);
	}
	rc = 0;
out:
	buf_release(&msg);
	jv_free(v);
	return rc;
}

/* Asks the endpoint for a token: 0 with g, or -1 with f filled. */
static int
fetch(const struct token *tk, struct token_answer *g,
    struct token_failure *f)
{
	const struct cfg_token *ct = &tk->cfg->token;
	const struct cfg_target *via = ct->kind == CFG_TOKEN_OAUTH2 ?
	    tk->cfg : ct->source;
	struct buf url = BUF_INIT, body = BUF_INIT;
	char *lines[LINES_MAX];
	struct http_xfer x;
	struct http *h;
	size_t n = 0, i;
	int rc = -1;

	if (ct->kind == CFG_TOKEN_OAUTH2) {
		buf_adds(&url, ct->token_url);
		grant(tk, &body, lines, &n);
	} else if (request(tk, &url, &body, lines, &n, f) != 0)
		goto out;
	lines[n++] = xstrdup("Accept: application/json");
	lines[n++] = xstrdup("User-Agent: integra/" PACKAGE_VERSION);
	lines[n++] = xstrdup("Expect:");
	lines[n] = NULL;
	x = (struct http_xfer){ .method = ct->kind == CFG_TOKEN_OAUTH2 ?
	    "POST" : ct->method, .url = url.data,
	    .headers = (const char *const *)lines, .body = body.data,
	    .body_len = body.len, .timeout_ms = via->timeout_ms,
	    .connect_timeout_ms = via->connect_timeout_ms,
	    .ca_file = via->ca_file, .response_max = ANSWER_MAX };
	if ((h = http_new()) == NULL) {
		fail(f, 0, "curl: cannot initialise");
		goto out;
	}
	if (http_start(h, &x) == 0) {
		while (http_done(h) == NULL)
			if (http_wait(h, -1, 1000) != 0) {
				snprintf(x.error, sizeof(x.error), "curl:"
				    " waiting for the transfer failed");
				x.error_class = "internal";
				break;
			}
	} else
		x.error_class = "internal";
	http_free(h);
	if (x.error_class != NULL)
		fail(f, x.status, "%s", x.error);
	else
		rc = token_answer_read(tk, x.response.data != NULL ?
		    x.response.data : "", x.response.len, x.status, g, f);
	buf_wipe(&x.response);
out:
	for (i = 0; i < n; i++)
		wipe(lines[i]);
	buf_release(&url);
	buf_wipe(&body);
	return rc;
}

int
token_answer_read(const struct token *tk, const char *text, size_t len,
    int status, struct token_answer *g, struct token_failure *f)
{
	if (tk->cfg->token.kind == CFG_TOKEN_OAUTH2)
		return oauth2_answer(tk, text, len, g, f, status);
	return picked_answer(tk, text, len, g, f, status);
}

void
token_answer_release(struct token_answer *g)
{
	buf_wipe(&g->token);
	buf_release(&g->base);
}

/*
 * Fetches a token and writes what came of it in the cache, under the
 * lock, c being what the cache said before.
 */
static int
refresh(struct token *tk, const struct cache *c, int64_t now,
    struct token_failure *f)
{
	struct log_ids ids = { .target = tk->cfg->name };
	struct buf text = BUF_INIT;
	struct token_answer g = { BUF_INIT, BUF_INIT, LIFE_DEFAULT_S * 1000 };
	int64_t wait;
	int n, rc;

	if ((rc = fetch(tk, &g, f)) == 0) {
		if (g.life_ms < 1000)
			g.life_ms = 1000;
		if (g.life_ms > LIFE_MAX_S * 1000)
			g.life_ms = LIFE_MAX_S * 1000;
		buf_grow(&text, g.token.len + g.base.len + 128);
		buf_adds(&text, "{\"token\":");
		buf_add_json_string(&text, g.token.data, g.token.len);
		buf_addf(&text, ",\"fetched_at\":%lld,\"expires_at\":%lld",
		    (long long)now, (long long)(now + g.life_ms));
		if (g.base.len > 0) {
			buf_adds(&text, ",\"base_url\":");
			buf_add_json_string(&text, g.base.data, g.base.len);
		}
		buf_adds(&text, "}\n");
		take(tk, g.token.data, g.base.data, now, now + g.life_ms);
		if (c->failures > 0)
			log_info(&ids, "target '%s': its token endpoint gave a"
			    " token again", tk->cfg->name);
	} else {
		/* The episode's backoff: 30 s, doubling, at most 10 min. */
		n = c->failures + 1;
		wait = n > 5 ? BACKOFF_MAX_MS : (int64_t)BACKOFF_MS << (n - 1);
		if (wait > BACKOFF_MAX_MS)
			wait = BACKOFF_MAX_MS;
		f->since = c->failures > 0 ? c->since : now;
		f->retry_at = now + wait;
		f->asked = 1;
		f->first = n == 1;
		buf_addf(&text, "{\"failures\":%d,\"since\":%lld,\"retry_at\":"
		    "%lld,\"http_status\":%d,\"error\":", n,
		    (long long)f->since, (long long)f->retry_at,
		    f->http_status);
		buf_add_json_string(&text, f->error, strlen(f->error));
		buf_adds(&text, "}\n");
		forget(tk);
	}
	if (cache_write(tk, &text) != 0)
		log_warn(&ids, "target '%s': token cache '%s': %s: the other"
		    " processes cannot share this one", tk->cfg->name,
		    tk->cache_path, strerror(errno));
	buf_wipe(&text);
	token_answer_release(&g);
	return rc;
}

int
token_ready(struct token *tk, int64_t now, struct token_failure *f)
{
	struct cache c;
	int fd, rc;

	if (tk->value != NULL && now < tk->due)
		return 0;
	memset(f, 0, sizeof(*f));
	if ((fd = lock(tk)) == -1)
		return local_failure(f, now, "token cache '%s': %s",
		    tk->lock_path, strerror(errno));
	memset(&c, 0, sizeof(c));
	if (cache_read(tk, &c) != 0)
		rc = local_failure(f, now, "token cache '%s': %s",
		    tk->cache_path, strerror(errno));
	else if (c.token.len > 0 && now < due_at(tk, c.fetched_at,
	    c.expires_at)) {
		take(tk, c.token.data, c.base.data, c.fetched_at,
		    c.expires_at);
		rc = 0;
	} else if (c.failures > 0 && now < c.retry_at) {
		/* Another's failure: its backoff holds here too. */
		forget(tk);
		f->http_status = c.http_status;
		snprintf(f->error, sizeof(f->error), "%s", c.error.len > 0 ?
		    c.error.data : "the token endpoint failed");
		f->since = c.since;
		f->retry_at = c.retry_at;
		rc = -1;
	} else
		rc = refresh(tk, &c, now, f);
	cache_release(&c);
	close(fd);
	return rc;
}

void
token_drop(struct token *tk, unsigned gen)
{
	struct cache c;
	int fd;

	if (tk->value == NULL || gen != tk->gen)
		return;
	if ((fd = lock(tk)) != -1) {
		memset(&c, 0, sizeof(c));
		if (cache_read(tk, &c) == 0 && c.token.len > 0 &&
		    strcmp(c.token.data, tk->value) == 0 &&
		    unlink(tk->cache_path) != 0 && errno != ENOENT)
			log_warn(&(struct log_ids){ .target = tk->cfg->name },
			    "target '%s': token cache '%s': %s", tk->cfg->name,
			    tk->cache_path, strerror(errno));
		cache_release(&c);
		close(fd);
	}
	forget(tk);
}
